#!/usr/bin/python3
"""Differential test: one generated sequence of DynamoDB requests (puts, conditional
updates, deletes, gets, queries on tables and GSIs with filters, projections and
pagination, scans, batch writes and reads, transactions, invalid requests) is sent as raw,
SigV4-signed JSON to `issuetracker dynamodb` and to dynalite (tools/dynalite), and the
answers are compared after normalising what may legitimately differ:
  - the order of set members (SS, NS, BS) and of BatchGetItem's Responses;
  - the order of items that share a GSI key (unspecified in DynamoDB): GSI queries are
    compared over all their pages, as sorted lists, and page by page only in size;
  - Scan's order (hash order, implementation-defined): compared over all pages, sorted;
  - error messages where docs/compatibility.md records dynalite's wording (by error type and
    a pattern of the request); error types are always compared.
dynalite has no transactions (docs/compatibility.md C20): a transaction goes to our endpoint
only, dynalite must answer UnknownOperationException, and when ours commits, its actions
are applied to dynalite one by one (each must succeed there too: their conditions held), so
that both stay equal for the reads that follow.

Usage: differential_test.py <issuetracker binary> [operations] [seed]. Exit 0 when every
answer matched, 77 when dynalite, Node.js or botocore is missing."""
import json
import os
import random
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from endpoint import Endpoint, Server, skip  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DYNALITE_DIR = os.path.join(ROOT, "tools", "dynalite")


def start_dynalite():
    if not os.path.exists(os.path.join(DYNALITE_DIR, "node_modules", "dynalite", "package.json")):
        skip("dynalite is not installed in tools/dynalite (scripts/install-deps installs it)")
    try:
        p = subprocess.Popen(["node", os.path.join(DYNALITE_DIR, "serve.js")], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except FileNotFoundError:
        skip("Node.js (node) is not installed")
    line = p.stdout.readline().decode().strip()
    if not line.isdigit():
        p.kill()
        raise RuntimeError("dynalite did not start")
    return p, int(line)


# ---- the tables: the spec's Issues table (hash key, GSIs on status and points) and a
# comments table (hash and range key, a GSI by author).
TABLES = [
    {"TableName": "Issues", "BillingMode": "PAY_PER_REQUEST",
     "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "company", "AttributeType": "S"},
                              {"AttributeName": "status", "AttributeType": "S"},
                              {"AttributeName": "points", "AttributeType": "N"}],
     "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
     "GlobalSecondaryIndexes": [
         {"IndexName": "ByStatus", "Projection": {"ProjectionType": "ALL"},
          "KeySchema": [{"AttributeName": "company", "KeyType": "HASH"},
                        {"AttributeName": "status", "KeyType": "RANGE"}]},
         {"IndexName": "ByPoints", "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]},
          "KeySchema": [{"AttributeName": "company", "KeyType": "HASH"},
                        {"AttributeName": "points", "KeyType": "RANGE"}]}]},
    {"TableName": "Comments", "BillingMode": "PAY_PER_REQUEST",
     "AttributeDefinitions": [{"AttributeName": "issue", "AttributeType": "S"},
                              {"AttributeName": "created", "AttributeType": "S"},
                              {"AttributeName": "author", "AttributeType": "S"}],
     "KeySchema": [{"AttributeName": "issue", "KeyType": "HASH"},
                   {"AttributeName": "created", "KeyType": "RANGE"}],
     "GlobalSecondaryIndexes": [
         {"IndexName": "ByAuthor", "Projection": {"ProjectionType": "KEYS_ONLY"},
          "KeySchema": [{"AttributeName": "author", "KeyType": "HASH"}]}]},
]
COMPANIES = ["C1", "C2", "C3"]
STATUSES = ["Open", "In Progress", "Closed"]
AUTHORS = ["ann", "bob", "cat", "dan"]


class Generator:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def issue_key(self):
        return {"pk": {"S": "%s#ISSUE#%03d" % (self.r.choice(COMPANIES), self.r.randrange(40))}}

    def comment_key(self):
        return {"issue": {"S": "I%02d" % self.r.randrange(8)},
                "created": {"S": "2024-01-%02dT%02d" % (self.r.randrange(1, 29), self.r.randrange(24))}}

    def issue(self):
        key = self.issue_key()
        item = dict(key)
        item["company"] = {"S": key["pk"]["S"].split("#")[0]}
        if self.r.random() < 0.9:
            item["status"] = {"S": self.r.choice(STATUSES)}
        if self.r.random() < 0.8:
            item["points"] = {"N": str(self.r.choice([1, 2, 3, 5, 8, 13, 2.5, -1, 100]))}
        item["title"] = {"S": "issue %d" % self.r.randrange(1000)}
        if self.r.random() < 0.5:
            item["labels"] = {"SS": self.r.sample(["ui", "bug", "perf", "db", "auth"], self.r.randrange(1, 4))}
        if self.r.random() < 0.3:
            item["meta"] = {"M": {"views": {"N": str(self.r.randrange(100))},
                                  "tags": {"L": [{"S": "a"}, {"N": "1"}, {"BOOL": True}, {"NULL": True}]}}}
        return item

    def comment(self):
        item = self.comment_key()
        item["author"] = {"S": self.r.choice(AUTHORS)}
        item["body"] = {"S": "text %d" % self.r.randrange(100)}
        if self.r.random() < 0.3:
            item["likes"] = {"N": str(self.r.randrange(10))}
        return item

    def op(self):
        """One request: (operation, body) or (operation, None, raw text)."""
        r = self.r.random()
        g = self
        if r < 0.16:
            body = {"TableName": "Issues", "Item": g.issue()}
            if g.r.random() < 0.3:
                body["ConditionExpression"] = "attribute_not_exists(pk)"
            if g.r.random() < 0.3:
                body["ReturnValues"] = "ALL_OLD"
            return "PutItem", body
        if r < 0.24:
            return "PutItem", {"TableName": "Comments", "Item": g.comment()}
        if r < 0.36:
            return "UpdateItem", g.update()
        if r < 0.42:
            body = {"TableName": "Issues", "Key": g.issue_key(), "ReturnValues": g.r.choice(["NONE", "ALL_OLD"])}
            if g.r.random() < 0.5:
                body["ConditionExpression"] = "#s <> :closed"
                body["ExpressionAttributeNames"] = {"#s": "status"}
                body["ExpressionAttributeValues"] = {":closed": {"S": "Closed"}}
            return "DeleteItem", body
        if r < 0.48:
            body = {"TableName": "Issues", "Key": g.issue_key(), "ConsistentRead": g.r.random() < 0.5}
            if g.r.random() < 0.5:
                body["ProjectionExpression"] = "title, meta.views, labels, #s"
                body["ExpressionAttributeNames"] = {"#s": "status"}
            return "GetItem", body
        if r < 0.62:
            return "Query", g.query()
        if r < 0.66:
            body = {"TableName": g.r.choice(["Issues", "Comments"]), "Limit": g.r.choice([5, 17, 100])}
            if g.r.random() < 0.5:
                body["FilterExpression"] = "attribute_exists(labels) OR likes >= :n"
                body["ExpressionAttributeValues"] = {":n": {"N": "3"}}
            return "Scan", body
        if r < 0.72:
            return "BatchWriteItem", g.batch_write()
        if r < 0.76:
            keys = [g.issue_key() for _ in range(g.r.randrange(1, 8))]
            keys = list({json.dumps(k, sort_keys=True): k for k in keys}.values())
            return "BatchGetItem", {"RequestItems": {"Issues": {"Keys": keys}}}
        if r < 0.82:
            return "TransactWriteItems", g.transaction()
        return g.invalid()

    def update(self):
        g = self
        body = {"TableName": "Issues", "Key": g.issue_key(), "ReturnValues": g.r.choice(
            ["NONE", "ALL_NEW", "UPDATED_OLD", "UPDATED_NEW", "ALL_OLD"])}
        kind = g.r.randrange(4)
        if kind == 0:
            body["UpdateExpression"] = "SET #s = :s, title = if_not_exists(title, :t)"
            body["ExpressionAttributeNames"] = {"#s": "status"}
            body["ExpressionAttributeValues"] = {":s": {"S": g.r.choice(STATUSES)}, ":t": {"S": "new"}}
        elif kind == 1:
            body["UpdateExpression"] = "ADD points :p SET company = if_not_exists(company, :c)"
            body["ExpressionAttributeValues"] = {":p": {"N": str(g.r.choice([1, -2, 0.5]))},
                                                 ":c": {"S": body["Key"]["pk"]["S"].split("#")[0]}}
        elif kind == 2:
            body["UpdateExpression"] = "REMOVE labels, meta.views SET title = :t"
            body["ExpressionAttributeValues"] = {":t": {"S": "t%d" % g.r.randrange(50)}}
        else:
            body["UpdateExpression"] = "ADD labels :l DELETE labels :d"
            body["ExpressionAttributeValues"] = {":l": {"SS": ["new"]}, ":d": {"SS": ["ui"]}}
        if g.r.random() < 0.5:
            body["ConditionExpression"] = g.r.choice([
                "attribute_exists(pk)", "points < :max", "begins_with(title, :pre)", "size(labels) > :one"])
            values = body.setdefault("ExpressionAttributeValues", {})
            if "max" in body["ConditionExpression"]:
                values[":max"] = {"N": "10"}
            if "pre" in body["ConditionExpression"]:
                values[":pre"] = {"S": "issue"}
            if "one" in body["ConditionExpression"]:
                values[":one"] = {"N": "1"}
        return body

    def query(self):
        g = self
        kind = g.r.randrange(4)
        if kind == 0:
            body = {"TableName": "Comments", "KeyConditionExpression": "issue = :i",
                    "ExpressionAttributeValues": {":i": {"S": "I%02d" % g.r.randrange(8)}}}
            sub = g.r.randrange(3)
            if sub == 1:
                body["KeyConditionExpression"] += " AND begins_with(created, :d)"
                body["ExpressionAttributeValues"][":d"] = {"S": "2024-01-1"}
            elif sub == 2:
                body["KeyConditionExpression"] += " AND created BETWEEN :a AND :b"
                body["ExpressionAttributeValues"][":a"] = {"S": "2024-01-05"}
                body["ExpressionAttributeValues"][":b"] = {"S": "2024-01-20"}
            body["ScanIndexForward"] = g.r.random() < 0.5
        elif kind == 1:
            body = {"TableName": "Issues", "IndexName": "ByStatus",
                    "KeyConditionExpression": "company = :c AND #s = :s",
                    "ExpressionAttributeNames": {"#s": "status"},
                    "ExpressionAttributeValues": {":c": {"S": g.r.choice(COMPANIES)}, ":s": {"S": g.r.choice(STATUSES)}}}
        elif kind == 2:
            body = {"TableName": "Issues", "IndexName": "ByPoints",
                    "KeyConditionExpression": "company = :c AND points >= :p",
                    "ExpressionAttributeValues": {":c": {"S": g.r.choice(COMPANIES)}, ":p": {"N": "2"}},
                    "ScanIndexForward": g.r.random() < 0.5}
        else:
            body = {"TableName": "Comments", "IndexName": "ByAuthor", "KeyConditionExpression": "author = :a",
                    "ExpressionAttributeValues": {":a": {"S": g.r.choice(AUTHORS)}}}
        if g.r.random() < 0.4:
            body["FilterExpression"] = g.r.choice(["attribute_exists(title)", "contains(title, :x)"])
            if ":x" in body["FilterExpression"]:
                body["ExpressionAttributeValues"][":x"] = {"S": "1"}
                if body.get("IndexName") == "ByAuthor":
                    body["FilterExpression"] = "attribute_exists(created)"
                    del body["ExpressionAttributeValues"][":x"]
        if g.r.random() < 0.3 and body.get("IndexName") != "ByAuthor":
            body["ProjectionExpression"] = "#k, title" if body["TableName"] == "Issues" else "#k, body"
            body.setdefault("ExpressionAttributeNames", {})["#k"] = "pk" if body["TableName"] == "Issues" else "issue"
        if g.r.random() < 0.2:
            body["Select"] = "COUNT"
            body.pop("ProjectionExpression", None)
            names = body.get("ExpressionAttributeNames", {})
            names.pop("#k", None)
            if not names:
                body.pop("ExpressionAttributeNames", None)
        if g.r.random() < 0.6:
            body["Limit"] = g.r.choice([1, 3, 10])
        return body

    def batch_write(self):
        g = self
        requests = {}
        seen = set()
        for _ in range(g.r.randrange(1, 10)):
            table = g.r.choice(["Issues", "Comments"])
            if g.r.random() < 0.7:
                item = g.issue() if table == "Issues" else g.comment()
                key = {k: item[k] for k in (("pk",) if table == "Issues" else ("issue", "created"))}
                req = {"PutRequest": {"Item": item}}
            else:
                key = g.issue_key() if table == "Issues" else g.comment_key()
                req = {"DeleteRequest": {"Key": key}}
            ident = table + json.dumps(key, sort_keys=True)
            if ident in seen:
                continue
            seen.add(ident)
            requests.setdefault(table, []).append(req)
        return {"RequestItems": requests}

    def transaction(self):
        g = self
        actions = []
        keys = set()
        for _ in range(g.r.randrange(1, 4)):
            key = g.issue_key()
            if key["pk"]["S"] in keys:
                continue
            keys.add(key["pk"]["S"])
            kind = g.r.randrange(4)
            if kind == 0:
                item = g.issue()
                item["pk"] = key["pk"]
                item["company"] = {"S": key["pk"]["S"].split("#")[0]}
                actions.append({"Put": {"TableName": "Issues", "Item": item}})
            elif kind == 1:
                actions.append({"Update": {"TableName": "Issues", "Key": key,
                                           "UpdateExpression": "SET title = :t",
                                           "ConditionExpression": "attribute_exists(pk)",
                                           "ExpressionAttributeValues": {":t": {"S": "tx"}}}})
            elif kind == 2:
                actions.append({"Delete": {"TableName": "Issues", "Key": key}})
            else:
                actions.append({"ConditionCheck": {"TableName": "Issues", "Key": key,
                                                   "ConditionExpression": "attribute_not_exists(pk)"}})
        return {"TransactItems": actions}

    def invalid(self):
        g = self
        cases = [
            ("PutItem", {"TableName": "Issues", "Item": {"pk": {"S": ""}}}),
            ("PutItem", {"TableName": "Issues", "Item": {"pk": {"N": "1"}}}),
            ("PutItem", {"TableName": "Issues", "Item": {"title": {"S": "no key"}}}),
            ("PutItem", {"TableName": "Nope", "Item": {"pk": {"S": "x"}}}),
            ("GetItem", {"TableName": "Issues", "Key": {"pk": {"S": "x"}, "other": {"S": "y"}}}),
            ("UpdateItem", {"TableName": "Issues", "Key": {"pk": {"S": "C1#ISSUE#001"}}, "UpdateExpression": "SET #a = :v",
                            "ExpressionAttributeValues": {":v": {"S": "x"}}}),
            ("UpdateItem", {"TableName": "Issues", "Key": {"pk": {"S": "C1#ISSUE#001"}}, "UpdateExpression": "SET a = :v"}),
            ("UpdateItem", {"TableName": "Issues", "Key": {"pk": {"S": "C1#ISSUE#001"}}, "UpdateExpression": "SET pk = :v",
                            "ExpressionAttributeValues": {":v": {"S": "x"}}}),
            ("UpdateItem", {"TableName": "Issues", "Key": {"pk": {"S": "C1#ISSUE#001"}}, "UpdateExpression": "SET = :v",
                            "ExpressionAttributeValues": {":v": {"S": "x"}}}),
            ("Query", {"TableName": "Issues", "KeyConditionExpression": "title = :t",
                       "ExpressionAttributeValues": {":t": {"S": "x"}}}),
            ("Query", {"TableName": "Issues", "IndexName": "Missing", "KeyConditionExpression": "company = :c",
                       "ExpressionAttributeValues": {":c": {"S": "C1"}}}),
            ("Query", {"TableName": "Issues", "KeyConditionExpression": "pk = :p", "Limit": 0,
                       "ExpressionAttributeValues": {":p": {"S": "x"}}}),
            ("Query", {"TableName": "Issues", "KeyConditionExpression": "pk = :p",
                       "ExpressionAttributeValues": {":p": {"S": "x"}, ":unused": {"S": "y"}}}),
            ("Scan", {"TableName": "Issues", "Segment": 1, "TotalSegments": 1}),
            ("BatchWriteItem", {"RequestItems": {}}),
            ("BatchGetItem", {"RequestItems": {"Issues": {"Keys": [{"pk": {"S": "a"}}, {"pk": {"S": "a"}}]}}}),
            ("DeleteItem", {"TableName": "Issues", "Key": {"pk": {"S": "x"}}, "ReturnValues": "ALL_NEW"}),
            ("PutItem", {"TableName": "Issues", "Item": {"pk": {"S": "x"}, "n": {"N": "1e200"}}}),
            ("PutItem", {"TableName": "Issues", "Item": {"pk": {"S": "x"}, "s": {"SS": ["a", "a"]}}}),
            ("PutItem", {"TableName": "Issues", "Item": {"pk": {"S": "x"}, "status": {"N": "3"}}}),
            ("CreateTable", {"TableName": "x"}),
            ("DescribeTable", {"TableName": "Missing"}),
            ("NoSuchOperation", {}),
            ("PutItem", {"TableName": "Issues", "Item": {"pk": {"S": "x"}},
                         "ConditionExpression": "title = :missing"}),
            ("PutItem", {"TableName": "Issues", "Item": {"pk": {"S": "x"}}, "ConditionExpression": "a = :v",
                         "ExpressionAttributeValues": {":v": {"S": "x"}}, "ExpressionAttributeNames": {"#u": "u"}}),
            ("GetItem", {"TableName": "Issues", "Key": {"pk": {"S": "x"}}, "ProjectionExpression": "a,,b"}),
            ("GetItem", {"TableName": 5, "Key": {"pk": {"S": "x"}}}),
            ("GetItem", {"TableName": "Issues"}),
            ("Query", {"TableName": "Issues"}),
            ("Query", {"TableName": "Issues", "KeyConditionExpression": "pk = :p", "Limit": -1,
                       "ExpressionAttributeValues": {":p": {"S": "x"}}}),
            ("Scan", {"TableName": "Issues", "TotalSegments": 2}),
            ("UpdateItem", {"TableName": "Issues", "Key": {"pk": {"S": "x"}}, "UpdateExpression": "SET a = :v REMOVE a",
                            "ExpressionAttributeValues": {":v": {"S": "x"}}}),
            ("UpdateItem", {"TableName": "Issues", "Key": {"pk": {"S": "x"}}, "UpdateExpression": "ADD a :v",
                            "ExpressionAttributeValues": {":v": {"S": "x"}}}),
            ("BatchWriteItem", {"RequestItems": {"Issues": [{"PutRequest": {"Item": {"pk": {"S": "b%d" % i}}}}
                                                            for i in range(26)]}}),
            ("BatchGetItem", {"RequestItems": {"Issues": {"Keys": [{"pk": {"S": "k%d" % i}} for i in range(101)]}}}),
            ("PutItem", {"TableName": "Issues", "Item": {"pk": {"S": "big"}, "blob": {"S": "x" * 410000}}}),
            ("PutItem", {"TableName": "Issues", "Item": {"pk": {"S": "x"}, "e": {"SS": []}}}),
            ("PutItem", {"TableName": "Issues", "Item": {"pk": {"S": "x"}, "n": {"N": "abc"}}}),
            ("PutItem", {"TableName": "Issues", "Item": {"pk": {"S": "x"}, "two": {"S": "a", "N": "1"}}}),
            ("PutItem", None, "{not json"),
        ]
        case = g.r.choice(cases)
        return case if len(case) == 3 else (case[0], case[1])


# ---- normalisation and comparison

def norm_value(v):
    if isinstance(v, dict):
        if len(v) == 1:
            (t, x), = v.items()
            if t in ("SS", "NS", "BS"):
                return {t: sorted(x)}
            if t == "L":
                return {t: [norm_value(e) for e in x]}
            if t == "M":
                return {t: {k: norm_value(e) for k, e in x.items()}}
        return v
    return v


def norm_item(item):
    return {k: norm_value(v) for k, v in item.items()} if item is not None else None


def canon(obj):
    return json.dumps(obj, sort_keys=True)


def page_items(reply):
    """A page's items, canonical; with Select COUNT one placeholder per item counted."""
    if "Items" not in reply:
        return ["(counted)"] * reply.get("Count", 0)
    return [canon(norm_item(i)) for i in reply["Items"]]


# The differences docs/compatibility.md records as dynalite's (its table of departures, C34,
# and its table of wording), each matched by the operation, what differs, and our answer
# and dynalite's. A difference that matches none fails the test.
DOCUMENTED = [
    ("C34: DeleteItem accepts ReturnValues other than NONE and ALL_OLD", "DeleteItem", "outcome",
     lambda ours, theirs: ours[1] == "ReturnValues can only be ALL_OLD or NONE" and theirs is None),
    ("wording: expression syntax errors", None, "message",
     lambda ours, theirs: "Syntax error; token: " in ours and "Syntax error; Expected " in theirs),
    ("wording: SerializationException for malformed JSON", None, "message",
     lambda ours, theirs: ours.startswith("Malformed JSON") and theirs == ""),
    ("wording: UnknownOperationException", None, "message",
     lambda ours, theirs: ours.startswith("Unknown operation (X-Amz-Target: ") and theirs == ""),
    ("wording: BatchWriteItem over 25 / BatchGetItem over 100", None, "message",
     lambda ours, theirs: (ours.startswith("Too many items requested for the Batch")
                           and "Member must have length less than or equal to" in theirs)
     or re.sub(r"Value '.*' at 'requestItems'", "Value at 'requestItems'", theirs, flags=re.S) == ours),
    ("wording: ADD of a wrong operand type (typeSet)", "UpdateItem", "message",
     lambda ours, theirs: ours.endswith(", typeSet: ALLOWED_FOR_ADD_OPERAND")
     and theirs == ours[:-len(", typeSet: ALLOWED_FOR_ADD_OPERAND")]),
    ("wording: a short TableName with other members missing", "CreateTable", "message",
     lambda ours, theirs: "Member must not be null" in ours and theirs.startswith("TableName must be at least 3")),
]


class Comparison:
    def __init__(self, ours, theirs):
        self.ours = ours
        self.theirs = theirs
        self.ops = 0
        self.counts = {}
        self.differences = {}  # kind -> [first description, count]
        self.documented = {}  # description -> count

    def differ(self, op, body, what, a, b):
        kind = (op, what) + ((str(a), str(b)) if what in ("message", "outcome") else ())
        entry = self.differences.setdefault(kind, ["%s %s\n  %s\n  ours:     %s\n  dynalite: %s" % (
            op, canon(body)[:400], what, str(a)[:600], str(b)[:600]), 0])
        entry[1] += 1

    def error_of(self, status, reply):
        if status == 200:
            return None
        t = reply.get("__type", reply.get("__raw", "?"))
        return t.split("#")[-1], reply.get("message", reply.get("Message", ""))

    def documented_as(self, op, what, ours, theirs):
        for description, d_op, d_what, match in DOCUMENTED:
            if d_what == what and d_op in (None, op) and match(ours, theirs):
                self.documented[description] = self.documented.get(description, 0) + 1
                return True
        return False

    def compare_errors(self, op, body, ea, eb):
        if ea is None or eb is None or ea[0] != eb[0]:
            if not self.documented_as(op, "outcome", ea, eb):
                self.differ(op, body, "outcome", ea or "success", eb or "success")
            return
        if ea[1] != eb[1] and not self.documented_as(op, "message", ea[1], eb[1]):
            self.differ(op, body, "message", ea[1], eb[1])

    def send(self, op, body, raw=None):
        """Both answers, compared as errors when either failed; the successes returned."""
        self.ops += 1
        self.counts[op] = self.counts.get(op, 0) + 1
        sa, ra = self.ours.call(op, body, raw)
        sb, rb = self.theirs.call(op, body, raw)
        ea, eb = self.error_of(sa, ra), self.error_of(sb, rb)
        if ea or eb:
            self.compare_errors(op, body, ea, eb)
            return None, None
        return ra, rb

    def compare_fields(self, op, body, ra, rb, fields):
        for f in fields:
            a, b = ra.get(f), rb.get(f)
            if f in ("Item", "Attributes", "LastEvaluatedKey"):
                a, b = norm_item(a), norm_item(b)
            elif f == "Items":
                a = [norm_item(i) for i in a] if a is not None else None
                b = [norm_item(i) for i in b] if b is not None else None
            if canon(a) != canon(b):
                self.differ(op, body, f, canon(a), canon(b))

    def run(self, op, body, raw=None):
        if op == "TransactWriteItems":
            return self.transaction(body)
        if op in ("Query", "Scan") and raw is None:
            return self.paged(op, body)
        ra, rb = self.send(op, body, raw)
        if ra is None:
            return
        if op == "BatchGetItem":
            for table in set(ra.get("Responses", {})) | set(rb.get("Responses", {})):
                a = sorted(canon(norm_item(i)) for i in ra["Responses"].get(table, []))
                b = sorted(canon(norm_item(i)) for i in rb["Responses"].get(table, []))
                if a != b:
                    self.differ(op, body, "Responses", a, b)
            self.compare_fields(op, body, ra, rb, ["UnprocessedKeys"])
        else:
            self.compare_fields(op, body, ra, rb, ["Item", "Attributes", "UnprocessedItems"])

    def paged(self, op, body):
        """Follows LastEvaluatedKey on both. Pages match exactly on a table query; on a GSI
        query and on Scan, whose orders may legitimately differ, the whole result (sorted)
        and each page's ScannedCount match."""
        exact = op == "Query" and "IndexName" not in body
        all_a, all_b = [], []
        body = dict(body)
        for _ in range(200):
            ra, rb = self.send(op, body)
            if ra is None:
                return
            if exact:
                self.compare_fields(op, body, ra, rb, ["Items", "Count", "ScannedCount", "LastEvaluatedKey"])
            else:
                # A page's Count depends on which items it scanned: only the totals match.
                self.compare_fields(op, body, ra, rb, ["ScannedCount"])
                if ("LastEvaluatedKey" in ra) != ("LastEvaluatedKey" in rb):
                    self.differ(op, body, "LastEvaluatedKey presence", ra.get("LastEvaluatedKey"),
                                rb.get("LastEvaluatedKey"))
            if ("Items" in ra) != ("Items" in rb):
                self.differ(op, body, "Items presence", "Items" in ra, "Items" in rb)
            all_a += page_items(ra)
            all_b += page_items(rb)
            if "LastEvaluatedKey" not in ra or "LastEvaluatedKey" not in rb:
                break
            if exact:
                body["ExclusiveStartKey"] = ra["LastEvaluatedKey"]
            else:
                # Each server continues from its own key: the orders may differ.
                return self.paged_apart(op, body, ra, rb, all_a, all_b)
        if not exact and sorted(all_a) != sorted(all_b):
            self.differ(op, body, "items (sorted)", sorted(all_a), sorted(all_b))

    def paged_apart(self, op, body, ra, rb, all_a, all_b):
        for server, reply, acc in ((self.ours, ra, all_a), (self.theirs, rb, all_b)):
            b = dict(body)
            while "LastEvaluatedKey" in reply:
                b["ExclusiveStartKey"] = reply["LastEvaluatedKey"]
                status, reply = server.call(op, b)
                if status != 200:
                    self.differ(op, b, "paging failed on " + server.name, reply, "")
                    return
                acc += page_items(reply)
        if sorted(all_a) != sorted(all_b):
            self.differ(op, body, "items over all pages (sorted)", sorted(all_a), sorted(all_b))

    def transaction(self, body):
        self.ops += 1
        self.counts["TransactWriteItems"] = self.counts.get("TransactWriteItems", 0) + 1
        sa, ra = self.ours.call("TransactWriteItems", body)
        sb, rb = self.theirs.call("TransactWriteItems", body)
        if self.error_of(sb, rb) is None or self.error_of(sb, rb)[0] != "UnknownOperationException":
            self.differ("TransactWriteItems", body, "dynalite has no transactions (C20)", "", rb)
        if sa != 200:
            e = self.error_of(sa, ra)
            reasons = ra.get("CancellationReasons", [])
            if e[0] != "TransactionCanceledException" or len(reasons) != len(body["TransactItems"]):
                self.differ("TransactWriteItems", body, "cancellation", ra, "")
            return
        # Committed: each action, applied alone on dynalite, must succeed there too.
        for action in body["TransactItems"]:
            (kind, a), = action.items()
            if kind == "ConditionCheck":
                continue
            op = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem"}[kind]
            status, reply = self.theirs.call(op, a)
            if status != 200:
                self.differ(op, a, "a committed transaction's action failed on dynalite", "", reply)


def setup(cmp):
    for t in TABLES:
        for server in (cmp.ours, cmp.theirs):
            status, reply = server.call("CreateTable", t)
            if status != 200:
                raise RuntimeError("%s: CreateTable %s: %s" % (server.name, t["TableName"], reply))
    for t in TABLES:
        for server in (cmp.ours, cmp.theirs):
            for _ in range(100):
                status, reply = server.call("DescribeTable", {"TableName": t["TableName"]})
                if status == 200 and reply["Table"]["TableStatus"] == "ACTIVE":
                    break
                time.sleep(0.05)


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: differential_test.py <issuetracker binary> [operations] [seed]")
    operations = int(sys.argv[2]) if len(sys.argv) > 2 else 2500
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 13
    dynalite, dynalite_port = start_dynalite()
    endpoint = Endpoint(sys.argv[1])
    start = time.monotonic()
    try:
        cmp = Comparison(Server("ours", endpoint.port), Server("dynalite", dynalite_port))
        setup(cmp)
        g = Generator(seed)
        for _ in range(operations):
            cmp.run(*g.op())
        # Finally the whole contents, both tables, compared.
        for t in TABLES:
            cmp.paged("Scan", {"TableName": t["TableName"]})
    except BaseException:
        print(endpoint.log(), file=sys.stderr)
        endpoint.kill()
        raise
    finally:
        dynalite.stdin.close()
        dynalite.wait(timeout=30)
    endpoint.stop()
    elapsed = time.monotonic() - start
    print("%d generated operations (%d requests to each server, seed %d) in %.1f s: %s" % (
        operations, cmp.ops, seed, elapsed, ", ".join("%s %d" % kv for kv in sorted(cmp.counts.items()))))
    for description, count in sorted(cmp.documented.items()):
        print("documented in docs/compatibility.md, %d times: %s" % (count, description))
    if cmp.differences:
        print("%d kinds of difference:" % len(cmp.differences))
        for text, count in list(cmp.differences.values())[:40]:
            print("(%d times) %s" % (count, text))
        sys.exit(1)
    print("no differences")


if __name__ == "__main__":
    main()
