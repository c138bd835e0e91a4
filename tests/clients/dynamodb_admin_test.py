#!/usr/bin/python3
"""dynamodb-admin (npm, tools/dynamodb-admin), the web GUI people run against a local
DynamoDB, pointed at `issuetracker dynamodb`: what a user does in its pages, through the
same HTTP routes its browser pages call. It creates the spec's Issues table with a GSI and
an LSI, lists tables, adds, opens, edits and deletes items, scans, queries the table and the
GSI from the filter form, pages through a table of 60 items 25 at a time, shows the meta and
TTL pages, and deletes the table. dynamodb-admin sends a session token with its
credentials (the endpoint must accept it), uses the document client (plain JSON values)
for items and the low-level client for tables.

Usage: dynamodb_admin_test.py <issuetracker binary> [node]. Exit 0 when every page showed
what DynamoDB would make it show, 77 when Node.js or dynamodb-admin is not installed."""
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from endpoint import Endpoint, skip  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ADMIN = os.path.join(ROOT, "tools", "dynamodb-admin", "node_modules", "dynamodb-admin", "dist",
                     "dynamodb-admin.js")
TABLE = "IssueTracker-Issues-Pooled"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Admin:
    """dynamodb-admin on a free loopback port, talking to `endpoint_url`."""

    def __init__(self, node, endpoint_url):
        self.port = free_port()
        env = dict(os.environ, AWS_REGION="us-east-1", AWS_ACCESS_KEY_ID="local",
                   AWS_SECRET_ACCESS_KEY="local", AWS_SESSION_TOKEN="local-session")
        env.pop("NODE_ENV", None)
        self.process = subprocess.Popen(
            [node, ADMIN, "--host", "127.0.0.1", "--port", str(self.port), "--dynamo-endpoint",
             endpoint_url], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("dynamodb-admin did not start:\n" + self.output)

    def request(self, method, path, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {}
        if body is not None:
            body = json.dumps(body)
            headers["Content-Type"] = "application/json"
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read().decode()
        conn.close()
        return r.status, data

    def ok(self, method, path, body=None, status=(200, 204)):
        code, data = self.request(method, path, body)
        if code not in status:
            raise AssertionError("%s %s answered %d: %s" % (method, path, code, data[:2000]))
        return data

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.output = self.process.stdout.read().decode(errors="replace")


def items_path(operation, filters=None, index=None, start_key=None, page_size=None):
    q = {"operationType": operation}
    if filters:
        q["filters"] = json.dumps(filters)
    if index:
        q["queryableSelection"] = index
    if start_key:
        q["startKey"] = start_key
    if page_size:
        q["pageSize"] = str(page_size)
    return "/tables/%s/items?%s" % (TABLE, urllib.parse.urlencode(q))


def check(condition, what):
    if not condition:
        raise AssertionError(what)
    print("ok: " + what)


def run(admin):
    # The create-table form: the spec's Issues table with one GSI and one LSI.
    admin.ok("POST", "/create-table", {
        "TableDefinition": {"TableName": TABLE, "HashAttributeName": "company_id",
                            "HashAttributeType": "S", "RangeAttributeName": "company_issue_id",
                            "RangeAttributeType": "S", "ReadCapacityUnits": 5,
                            "WriteCapacityUnits": 5},
        "SecondaryIndexes": [
            {"IndexName": "StatusIndex", "IndexType": "global", "HashAttributeName": "status",
             "HashAttributeType": "S", "RangeAttributeName": "priority",
             "RangeAttributeType": "S", "ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
            {"IndexName": "ByCreated", "IndexType": "local", "HashAttributeName": "company_id",
             "HashAttributeType": "S", "RangeAttributeName": "created_date",
             "RangeAttributeType": "S"}]})
    tables = json.loads(admin.ok("GET", "/api/tables"))
    check([t["TableName"] for t in tables] == [TABLE], "the table list shows the new table")
    t = tables[0]
    check(t["TableStatus"] == "ACTIVE" and t["ProvisionedThroughput"]["ReadCapacityUnits"] == 5,
          "DescribeTable: ACTIVE with the provisioned throughput asked for")
    check([g["IndexName"] for g in t["GlobalSecondaryIndexes"]] == ["StatusIndex"] and
          [l["IndexName"] for l in t["LocalSecondaryIndexes"]] == ["ByCreated"],
          "DescribeTable lists the GSI and the LSI")
    home = admin.ok("GET", "/")
    check(TABLE in home, "the home page lists it")

    # Add items with the add-item page (the document client: plain JSON values).
    issue = {"company_id": "COMPANY001", "company_issue_id": "COMPANY001#ISSUE#ISS-001",
             "title": "User login page loading slowly", "status": "Open", "priority": "High",
             "created_date": "2024-01-15", "labels": ["performance", "login"],
             "estimated_hours": 8, "details": {"browser": "Firefox", "count": 3}}
    key = json.loads(admin.ok("PUT", "/tables/%s/add-item" % TABLE, issue))
    check(key == {"company_id": "COMPANY001", "company_issue_id": "COMPANY001#ISSUE#ISS-001"},
          "add-item answers the new item's key (it read the item back)")
    for n in range(2, 61):
        admin.ok("PUT", "/tables/%s/add-item" % TABLE, {
            "company_id": "COMPANY%03d" % (1 + n % 2), "company_issue_id":
            "COMPANY%03d#ISSUE#ISS-%03d" % (1 + n % 2, n), "title": "Issue %d" % n,
            "status": ["Open", "In Progress", "Closed"][n % 3],
            "priority": ["Low", "High"][n % 2], "created_date": "2024-02-%02d" % (1 + n % 28)})

    # The item page, by key (the URL carries "hash,range").
    item_path = "/tables/%s/items/%s" % (TABLE, urllib.parse.quote(
        "COMPANY001,COMPANY001#ISSUE#ISS-001", safe=""))
    page = admin.ok("GET", item_path)
    check("User login page loading slowly" in page and "Firefox" in page,
          "the item page shows the item's attributes, nested ones included")
    code, _ = admin.request("GET", "/tables/%s/items/%s" % (TABLE, urllib.parse.quote(
        "COMPANY001,COMPANY001#ISSUE#NONE", safe="")))
    check(code == 404, "a missing item's page is 404 (GetItem without Item)")

    # Edit it on its page.
    issue["status"] = "In Progress"
    issue["estimated_hours"] = 12.5
    saved = json.loads(admin.ok("PUT", item_path, issue))
    check(saved["status"] == "In Progress" and saved["estimated_hours"] == 12.5 and
          saved["labels"] == ["performance", "login"], "saving the edited item reads it back")

    # Scan, 25 a page, following the page's next key to the end.
    seen, start, pages = [], None, 0
    while True:
        data = json.loads(admin.ok("GET", items_path("scan", start_key=start, page_size=25)))
        pages += 1
        seen += [i["company_issue_id"] for i in data["Items"][:25]]
        if not data["nextKey"]:
            break
        start = urllib.parse.unquote(data["nextKey"])
        if pages > 10:
            raise AssertionError("scan pages do not end")
    check(len(seen) == 60 and len(set(seen)) == 60 and pages == 3,
          "scanning 25 a page shows all 60 items once, in 3 pages")
    check(data["uniqueKeys"][:2] == ["company_id", "company_issue_id"],
          "the scan page puts the key attributes first")

    # Query the table (key condition on the hash key, a filter on another attribute).
    data = json.loads(admin.ok("GET", items_path("query", {
        "company_id": {"value": "COMPANY001", "type": "S", "operator": "="},
        "status": {"value": "Closed", "type": "S", "operator": "="}})))
    want = sorted("COMPANY001#ISSUE#ISS-%03d" % n for n in range(2, 61) if n % 2 == 0 and n % 3 == 2)
    check(sorted(i["company_issue_id"] for i in data["Items"]) == want,
          "a table query with a filter finds exactly the matching items")
    data = json.loads(admin.ok("GET", items_path("query", {
        "company_id": {"value": "COMPANY002", "type": "S", "operator": "="},
        "company_issue_id": {"value": "COMPANY002#ISSUE#ISS-00", "type": "S",
                             "operator": "begins_with"}})))
    check(sorted(i["company_issue_id"] for i in data["Items"]) ==
          ["COMPANY002#ISSUE#ISS-%03d" % n for n in (3, 5, 7, 9)],
          "begins_with on the sort key (a key condition)")
    # Query the GSI.
    data = json.loads(admin.ok("GET", items_path("query", {
        "status": {"value": "In Progress", "type": "S", "operator": "="},
        "priority": {"value": "High", "type": "S", "operator": "="}}, index="StatusIndex")))
    want = sorted(["COMPANY001#ISSUE#ISS-001"] + ["COMPANY%03d#ISSUE#ISS-%03d" % (1 + n % 2, n)
                                                  for n in range(2, 61) if n % 3 == 1 and n % 2 == 1])
    check(sorted(i["company_issue_id"] for i in data["Items"]) == want,
          "a GSI query finds the items of that status and priority")
    # An error from the endpoint reaches the page: a query of an index the table lacks.
    code, body = admin.request("GET", items_path("query", {
        "company_id": {"value": "COMPANY001", "type": "S", "operator": "="},
        "title": {"value": 1, "type": "N", "operator": ">"}}, index="NoSuchIndex"))
    check(code == 500 and "specified index" in body,
          "a query of a missing index shows DynamoDB's ValidationException message")

    # Meta and TTL pages.
    meta = admin.ok("GET", "/tables/%s/meta" % TABLE)
    check("StatusIndex" in meta and "ByCreated" in meta, "the meta page describes the indexes")
    ttl = admin.ok("GET", "/tables/%s/ttl" % TABLE)
    check("DISABLED" in ttl, "the TTL page shows time to live disabled (DescribeTimeToLive)")

    # Delete an item, then the table.
    admin.ok("DELETE", item_path)
    code, _ = admin.request("GET", item_path)
    check(code == 404, "a deleted item's page is 404")
    admin.ok("DELETE", "/tables/%s" % TABLE)
    deadline = time.time() + 30
    while json.loads(admin.ok("GET", "/api/tables")) and time.time() < deadline:
        time.sleep(0.2)
    check(json.loads(admin.ok("GET", "/api/tables")) == [], "the deleted table leaves the list")


def main():
    binary = sys.argv[1]
    node = sys.argv[2] if len(sys.argv) > 2 else shutil.which("node")
    if not node:
        skip("Node.js (node) is not installed")
    if not os.path.exists(ADMIN):
        skip("dynamodb-admin is not installed in tools/dynamodb-admin (scripts/install-deps)")
    endpoint = Endpoint(binary)
    admin = None
    try:
        admin = Admin(node, endpoint.url)
        run(admin)
    except Exception:
        if admin:
            admin.stop()
            print("dynamodb-admin's output:\n" + admin.output)
        print("endpoint's log:\n" + endpoint.log())
        endpoint.kill()
        raise
    admin.stop()
    endpoint.stop()
    print("PASSED")


if __name__ == "__main__":
    main()
