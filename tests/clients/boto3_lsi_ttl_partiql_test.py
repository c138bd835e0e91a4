#!/usr/bin/python3
"""boto3 (Debian's python3-boto3) against `issuetracker dynamodb`: local secondary indexes
(CreateTable with KEYS_ONLY, INCLUDE and ALL projections, DescribeTable's view, strongly
consistent Query, ItemCollectionMetrics on every write, ConsumedCapacity INDEXES with
LocalSecondaryIndexes), time to live (UpdateTimeToLive and DescribeTimeToLive with their
errors, expired items still returned until deleted, deletion by the expirer with service
stream records) and PartiQL (ExecuteStatement, BatchExecuteStatement, ExecuteTransaction
and their errors).

Two endpoints: one whose expirer waits an hour (--ttl-interval 3600), so that an expired
item stays readable for the whole test, and one that expires every second, where the
deletions are awaited.

Usage: boto3_lsi_ttl_partiql_test.py <issuetracker binary>. Exit 0 when every check
passed, 77 when boto3 is not installed."""
import os
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from endpoint import Endpoint, skip, stream_records  # noqa: E402

try:
    import boto3
    from boto3.dynamodb.conditions import Key
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError as e:  # pragma: no cover
    skip("boto3 is not installed (python3-boto3): %s" % e)

checks = 0


def check(condition, what):
    global checks
    if not condition:
        raise AssertionError(what)
    checks += 1


def error_of(call):
    """The ClientError a call raises (fails when it raises none)."""
    try:
        call()
    except ClientError as e:
        return e
    raise AssertionError("expected an error")


def code_of(e):
    return e.response["Error"]["Code"]


def message_of(e):
    return e.response["Error"]["Message"]


def wait_active(client, table):
    client.get_waiter("table_exists").wait(TableName=table, WaiterConfig={"Delay": 1, "MaxAttempts": 30})


# --------------------------------------------------------------------- local secondary indexes

FORUM_LSIS = [
    {"IndexName": "ByDate", "KeySchema": [{"AttributeName": "forum", "KeyType": "HASH"},
                                          {"AttributeName": "date", "KeyType": "RANGE"}],
     "Projection": {"ProjectionType": "ALL"}},
    {"IndexName": "ByVotes", "KeySchema": [{"AttributeName": "forum", "KeyType": "HASH"},
                                           {"AttributeName": "votes", "KeyType": "RANGE"}],
     "Projection": {"ProjectionType": "KEYS_ONLY"}},
    {"IndexName": "ByAuthor", "KeySchema": [{"AttributeName": "forum", "KeyType": "HASH"},
                                            {"AttributeName": "author", "KeyType": "RANGE"}],
     "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]}},
]


def create_forum(client, name, stream=False):
    args = dict(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": t} for n, t in
                              (("forum", "S"), ("subject", "S"), ("date", "S"), ("votes", "N"),
                               ("author", "S"), ("title", "S"))],
        KeySchema=[{"AttributeName": "forum", "KeyType": "HASH"},
                   {"AttributeName": "subject", "KeyType": "RANGE"}],
        LocalSecondaryIndexes=FORUM_LSIS,
        GlobalSecondaryIndexes=[{"IndexName": "ByTitle",
                                 "KeySchema": [{"AttributeName": "title", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    if stream:
        args["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    desc = client.create_table(**args)["TableDescription"]
    wait_active(client, name)
    return desc


def lsi_create_and_describe(client):
    desc = create_forum(client, "Forum")
    check([i["IndexName"] for i in desc["LocalSecondaryIndexes"]] == ["ByDate", "ByVotes", "ByAuthor"],
          "CreateTable lists the LSIs: %s" % desc.get("LocalSecondaryIndexes"))
    d = client.describe_table(TableName="Forum")["Table"]
    lsis = {i["IndexName"]: i for i in d["LocalSecondaryIndexes"]}
    check(sorted(lsis) == ["ByAuthor", "ByDate", "ByVotes"], "DescribeTable lists the LSIs")
    check(lsis["ByDate"]["KeySchema"] == FORUM_LSIS[0]["KeySchema"], "LSI key schema")
    check(lsis["ByDate"]["Projection"] == {"ProjectionType": "ALL"}, "ALL projection")
    check(lsis["ByVotes"]["Projection"] == {"ProjectionType": "KEYS_ONLY"}, "KEYS_ONLY projection")
    check(lsis["ByAuthor"]["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["title"]},
          "INCLUDE projection: %s" % lsis["ByAuthor"]["Projection"])
    check(lsis["ByDate"]["IndexArn"] == d["TableArn"] + "/index/ByDate", "LSI IndexArn")
    check(all("IndexSizeBytes" in i and "ItemCount" in i for i in lsis.values()), "LSI sizes and counts")
    check(all("IndexStatus" not in i and "ProvisionedThroughput" not in i for i in lsis.values()),
          "LSIs have no status or throughput of their own (LocalSecondaryIndexDescription)")
    check([g["IndexName"] for g in d["GlobalSecondaryIndexes"]] == ["ByTitle"], "the GSI apart")
    # CreateTable's rules: a table without a sort key cannot have LSIs; an LSI shares the
    # table's partition key.
    e = error_of(lambda: client.create_table(
        TableName="NoSortKey", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "forum", "AttributeType": "S"},
                              {"AttributeName": "date", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "forum", "KeyType": "HASH"}],
        LocalSecondaryIndexes=[FORUM_LSIS[0]]))
    check(code_of(e) == "ValidationException", "LSI on a table without a sort key: %s" % code_of(e))
    e = error_of(lambda: client.create_table(
        TableName="OtherHash", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": n, "AttributeType": "S"} for n in ("forum", "subject", "date")],
        KeySchema=[{"AttributeName": "forum", "KeyType": "HASH"}, {"AttributeName": "subject", "KeyType": "RANGE"}],
        LocalSecondaryIndexes=[{"IndexName": "Bad", "KeySchema": [
            {"AttributeName": "date", "KeyType": "HASH"}, {"AttributeName": "subject", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"}}]))
    check(code_of(e) == "ValidationException", "LSI with another partition key: %s" % code_of(e))


def lsi_writes(client, resource):
    forum = resource.Table("Forum")
    r = forum.put_item(Item={"forum": "db", "subject": "s0", "date": "2024-09", "votes": 3, "author": "ann",
                             "title": "t0", "body": "b0"},
                       ReturnItemCollectionMetrics="SIZE", ReturnConsumedCapacity="INDEXES")
    m = r["ItemCollectionMetrics"]
    check(m["ItemCollectionKey"] == {"forum": "db"}, "ItemCollectionKey: %s" % m)
    check(m["SizeEstimateRangeGB"] == [Decimal(0), Decimal(1)], "SizeEstimateRangeGB: %s" % m)
    c = r["ConsumedCapacity"]
    check(c["TableName"] == "Forum" and c["Table"]["CapacityUnits"] == 1.0, "table units: %s" % c)
    check(c.get("LocalSecondaryIndexes") == {n: {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}
                                             for n in ("ByDate", "ByVotes", "ByAuthor")},
          "ConsumedCapacity.LocalSecondaryIndexes: %s" % c)
    check(c.get("GlobalSecondaryIndexes") == {"ByTitle": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}},
          "ConsumedCapacity.GlobalSecondaryIndexes: %s" % c)
    check(c["CapacityUnits"] == 5.0 and c["WriteCapacityUnits"] == 5.0, "total units: %s" % c)
    r = forum.put_item(Item={"forum": "db", "subject": "s1", "date": "2024-08", "votes": 9, "title": "t1"},
                       ReturnConsumedCapacity="TOTAL")
    check("LocalSecondaryIndexes" not in r["ConsumedCapacity"] and "Table" not in r["ConsumedCapacity"],
          "TOTAL has no breakdown: %s" % r["ConsumedCapacity"])
    check("ItemCollectionMetrics" not in r, "no metrics unless asked for")
    with forum.batch_writer() as batch:
        for i in range(2, 8):
            item = {"forum": "db", "subject": "s%d" % i, "date": "2024-0%d" % (8 - i), "votes": i * 7 % 5,
                    "title": "t%d" % i, "body": "b%d" % i}
            if i % 2:
                item["author"] = "bob" if i % 3 else "cid"
            batch.put_item(Item=item)
    forum.put_item(Item={"forum": "other", "subject": "x", "date": "2024-01", "votes": 1})
    r = forum.update_item(Key={"forum": "db", "subject": "s1"}, UpdateExpression="SET author = :a",
                          ExpressionAttributeValues={":a": "dan"}, ReturnItemCollectionMetrics="SIZE",
                          ReturnConsumedCapacity="INDEXES")
    check(r["ItemCollectionMetrics"]["ItemCollectionKey"] == {"forum": "db"}, "UpdateItem metrics")
    # A new author: a new ByAuthor entry, a rewritten ByDate entry (ALL projects it); the
    # KEYS_ONLY indexes are unchanged.
    check(set(r["ConsumedCapacity"]["LocalSecondaryIndexes"]) == {"ByAuthor", "ByDate"} and
          "GlobalSecondaryIndexes" not in r["ConsumedCapacity"],
          "only the indexes whose entries changed: %s" % r["ConsumedCapacity"])
    r = client.batch_write_item(RequestItems={"Forum": [
        {"PutRequest": {"Item": {"forum": {"S": "db"}, "subject": {"S": "s8"}, "date": {"S": "2023-12"}}}},
        {"PutRequest": {"Item": {"forum": {"S": "misc"}, "subject": {"S": "y"}}}}]},
        ReturnItemCollectionMetrics="SIZE", ReturnConsumedCapacity="INDEXES")
    keys = sorted(m["ItemCollectionKey"]["forum"]["S"] for m in r["ItemCollectionMetrics"]["Forum"])
    check(keys == ["db", "misc"], "BatchWriteItem: a metric per collection: %s" % keys)
    check(r["ConsumedCapacity"][0]["LocalSecondaryIndexes"] == {"ByDate": {"CapacityUnits": 1.0,
                                                                           "WriteCapacityUnits": 1.0}},
          "BatchWriteItem ConsumedCapacity: %s" % r["ConsumedCapacity"])
    r = client.transact_write_items(TransactItems=[
        {"Delete": {"TableName": "Forum", "Key": {"forum": {"S": "db"}, "subject": {"S": "s8"}}}}],
        ReturnItemCollectionMetrics="SIZE", ReturnConsumedCapacity="INDEXES")
    check([m["ItemCollectionKey"] for m in r["ItemCollectionMetrics"]["Forum"]] == [{"forum": {"S": "db"}}],
          "TransactWriteItems metrics: %s" % r["ItemCollectionMetrics"])
    check(r["ConsumedCapacity"][0]["LocalSecondaryIndexes"]["ByDate"]["CapacityUnits"] == 2.0,
          "transactional writes cost twice: %s" % r["ConsumedCapacity"])
    r = client.delete_item(TableName="Forum", Key={"forum": {"S": "misc"}, "subject": {"S": "y"}},
                           ReturnItemCollectionMetrics="SIZE")
    check(r["ItemCollectionMetrics"]["ItemCollectionKey"] == {"forum": {"S": "misc"}}, "DeleteItem metrics")


def lsi_queries(client, resource):
    forum = resource.Table("Forum")
    r = forum.query(IndexName="ByDate", KeyConditionExpression=Key("forum").eq("db"), ConsistentRead=True,
                    ReturnConsumedCapacity="INDEXES")
    check([i["subject"] for i in r["Items"]] == ["s7", "s6", "s5", "s4", "s3", "s2", "s1", "s0"],
          "consistent Query in the LSI's order: %s" % [i["subject"] for i in r["Items"]])
    check(r["Items"][0]["body"] == "b7", "ALL projection returns every attribute")
    c = r["ConsumedCapacity"]
    check(c["LocalSecondaryIndexes"] == {"ByDate": {"CapacityUnits": 1.0, "ReadCapacityUnits": 1.0}},
          "a strongly consistent read of under 4 KB is one unit on the LSI: %s" % c)
    check("GlobalSecondaryIndexes" not in c and c["CapacityUnits"] == 1.0, "only the LSI: %s" % c)
    r = forum.query(IndexName="ByDate", KeyConditionExpression=Key("forum").eq("db") & Key("date").between(
        "2024-02", "2024-04"), ScanIndexForward=False, ConsistentRead=True)
    check([i["date"] for i in r["Items"]] == ["2024-04", "2024-03", "2024-02"], "range condition, backwards")
    r = forum.query(IndexName="ByVotes", KeyConditionExpression=Key("forum").eq("db") & Key("votes").gte(2))
    check(all(set(i) == {"forum", "subject", "votes"} for i in r["Items"]), "KEYS_ONLY projection: %s" % r["Items"])
    votes = [i["votes"] for i in r["Items"]]
    check(votes == sorted(votes) and votes and min(votes) >= 2, "number sort key order: %s" % votes)
    # An LSI fetches what it does not project from the table.
    r = forum.query(IndexName="ByVotes", KeyConditionExpression=Key("forum").eq("db"), Select="ALL_ATTRIBUTES")
    check(any("body" in i for i in r["Items"]), "ALL_ATTRIBUTES through a KEYS_ONLY LSI")
    r = forum.query(IndexName="ByAuthor", KeyConditionExpression=Key("forum").eq("db"))
    check([i["author"] for i in r["Items"]] == ["ann", "bob", "bob", "cid", "dan"] and
          all(set(i) == {"forum", "subject", "author", "title"} for i in r["Items"]),
          "INCLUDE projection, sparse: %s" % r["Items"])
    # Pages carry the LSI's and the table's keys.
    pages = client.get_paginator("query").paginate(
        TableName="Forum", IndexName="ByDate", KeyConditionExpression="forum = :f",
        ExpressionAttributeValues={":f": {"S": "db"}}, ConsistentRead=True, PaginationConfig={"PageSize": 3})
    first = None
    seen = []
    for page in pages:
        first = first or page.get("LastEvaluatedKey")
        seen += [i["subject"]["S"] for i in page["Items"]]
    check(seen == ["s7", "s6", "s5", "s4", "s3", "s2", "s1", "s0"], "paged LSI Query: %s" % seen)
    check(first and set(first) == {"forum", "subject", "date"}, "LastEvaluatedKey: %s" % first)
    e = error_of(lambda: forum.query(IndexName="ByTitle", KeyConditionExpression=Key("title").eq("t1"),
                                     ConsistentRead=True))
    check(code_of(e) == "ValidationException" and "global secondary indexes" in message_of(e),
          "consistent reads stay refused on a GSI: %s" % message_of(e))


# --------------------------------------------------------------------------------- time to live

def ttl_settings(client, resource):
    client.create_table(TableName="Sessions", BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    wait_active(client, "Sessions")
    d = client.describe_time_to_live(TableName="Sessions")["TimeToLiveDescription"]
    check(d == {"TimeToLiveStatus": "DISABLED"}, "TTL disabled at first: %s" % d)
    r = client.update_time_to_live(TableName="Sessions",
                                   TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    check(r["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "expires"}, "UpdateTimeToLive answer")
    d = client.describe_time_to_live(TableName="Sessions")["TimeToLiveDescription"]
    check(d == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}, "TTL enabled: %s" % d)
    e = error_of(lambda: client.update_time_to_live(
        TableName="Sessions", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}))
    check(code_of(e) == "ValidationException" and message_of(e) == "TimeToLive is already enabled",
          "enabling twice: %s" % message_of(e))
    e = error_of(lambda: client.update_time_to_live(
        TableName="Sessions", TimeToLiveSpecification={"Enabled": False, "AttributeName": "other"}))
    check(code_of(e) == "ValidationException" and "different AttributeName" in message_of(e),
          "disabling another attribute: %s" % message_of(e))
    e = error_of(lambda: client.describe_time_to_live(TableName="Missing"))
    check(code_of(e) == "ResourceNotFoundException", "DescribeTimeToLive of a missing table")
    # Expired (an hour ago) but not deleted yet (this endpoint's expirer waits an hour):
    # still returned by every read, as DynamoDB returns it until it deletes it.
    sessions = resource.Table("Sessions")
    now = int(time.time())
    sessions.put_item(Item={"id": "old", "expires": now - 3600})
    sessions.put_item(Item={"id": "new", "expires": now + 3600})
    check(sessions.get_item(Key={"id": "old"}, ConsistentRead=True).get("Item", {}).get("id") == "old",
          "an expired item is still returned by GetItem")
    check(sorted(i["id"] for i in sessions.scan()["Items"]) == ["new", "old"], "and by Scan")
    # Disabled, then enabled again at once: a local server applies each change at once
    # (compatibility.md C45).
    client.update_time_to_live(TableName="Sessions",
                               TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires"})
    d = client.describe_time_to_live(TableName="Sessions")["TimeToLiveDescription"]
    check(d == {"TimeToLiveStatus": "DISABLED"}, "TTL disabled: %s" % d)
    e = error_of(lambda: client.update_time_to_live(
        TableName="Sessions", TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires"}))
    check(code_of(e) == "ValidationException" and message_of(e) == "TimeToLive is already disabled",
          "disabling twice: %s" % message_of(e))
    client.update_time_to_live(TableName="Sessions",
                               TimeToLiveSpecification={"Enabled": True, "AttributeName": "valid_until"})
    d = client.describe_time_to_live(TableName="Sessions")["TimeToLiveDescription"]
    check(d == {"TimeToLiveStatus": "ENABLED", "AttributeName": "valid_until"}, "re-enabled at once: %s" % d)


def ttl_expiry(binary):
    """An endpoint whose expirer runs every second deletes expired items, with their LSI
    entries, and writes their REMOVE records as the service's."""
    endpoint = Endpoint(binary, extra_args=("--ttl-interval", "1"))
    try:
        session = boto3.session.Session(aws_access_key_id="AKIDTTL", aws_secret_access_key="secret",
                                        region_name="us-east-1")
        config = Config(retries={"max_attempts": 1})
        client = session.client("dynamodb", endpoint_url=endpoint.url, config=config)
        streams = session.client("dynamodbstreams", endpoint_url=endpoint.url, config=config)
        desc = create_forum(client, "Expiring", stream=True)
        client.update_time_to_live(TableName="Expiring",
                                   TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
        now = int(time.time())
        rows = {"gone1": now - 60, "gone2": now - 1, "gone3": now - 86400,
                "kept-future": now + 3600, "kept-ancient": now - 6 * 366 * 86400, "kept-text": str(now - 60)}
        for i, (subject, expires) in enumerate(sorted(rows.items())):
            value = {"S": expires} if isinstance(expires, str) else {"N": str(expires)}
            client.put_item(TableName="Expiring", Item={
                "forum": {"S": "f"}, "subject": {"S": subject}, "date": {"S": "2024-0%d" % (i + 1)},
                "expires": value})
        client.put_item(TableName="Expiring", Item={"forum": {"S": "f"}, "subject": {"S": "kept-none"},
                                                     "date": {"S": "2024-09"}})

        def subjects(**kwargs):
            return sorted(i["subject"]["S"] for i in client.query(
                TableName="Expiring", KeyConditionExpression="forum = :f",
                ExpressionAttributeValues={":f": {"S": "f"}}, ConsistentRead=True, **kwargs)["Items"])
        deadline = time.monotonic() + 15
        while any(s.startswith("gone") for s in subjects()) and time.monotonic() < deadline:
            time.sleep(0.1)
        kept = ["kept-ancient", "kept-future", "kept-none", "kept-text"]
        check(subjects() == kept, "the expired items are deleted, the others kept: %s" % subjects())
        check(subjects(IndexName="ByDate") == kept, "with their LSI entries")
        records = stream_records(streams, desc["LatestStreamArn"])
        removes = [r for r in records if r["eventName"] == "REMOVE"]
        check(sorted(r["dynamodb"]["Keys"]["subject"]["S"] for r in removes) == ["gone1", "gone2", "gone3"],
              "one REMOVE record per expired item: %s" % removes)
        check(all(r.get("userIdentity") == {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}
                  for r in removes), "REMOVE records by the service: %s" % [r.get("userIdentity") for r in removes])
        check(all("OldImage" in r["dynamodb"] for r in removes), "with the old image")
        inserts = [r for r in records if r["eventName"] == "INSERT"]
        check(len(inserts) == 7 and all("userIdentity" not in r for r in inserts),
              "the user's writes carry no userIdentity")
    except BaseException:
        print(endpoint.log(), file=sys.stderr)
        endpoint.kill()
        raise
    endpoint.stop()


# -------------------------------------------------------------------------------------- PartiQL

def partiql(client):
    client.create_table(TableName="Pql", BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                              {"AttributeName": "n", "AttributeType": "N"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                                   {"AttributeName": "n", "KeyType": "RANGE"}])
    wait_active(client, "Pql")
    for i in range(8):
        client.execute_statement(Statement="INSERT INTO \"Pql\" VALUE {'pk': ?, 'n': ?, 'kind': ?, 'doc': ?}",
                                 Parameters=[{"S": "p"}, {"N": str(i)}, {"S": "odd" if i % 2 else "even"},
                                             {"M": {"x": {"N": str(i * 10)}}}])
    e = error_of(lambda: client.execute_statement(Statement="INSERT INTO Pql VALUE {'pk': 'p', 'n': 3}"))
    check(code_of(e) == "DuplicateItemException" and message_of(e) == "Duplicate primary key exists in table",
          "INSERT of an existing key: %s %s" % (code_of(e), message_of(e)))

    r = client.execute_statement(Statement="SELECT * FROM Pql WHERE pk = ? AND n >= ? AND kind = ?",
                                 Parameters=[{"S": "p"}, {"N": "2"}, {"S": "odd"}], ConsistentRead=True)
    check([i["n"]["N"] for i in r["Items"]] == ["3", "5", "7"], "SELECT on keys with a filter: %s" % r["Items"])
    r = client.execute_statement(Statement="SELECT n, doc.x FROM Pql WHERE pk = 'p' AND n BETWEEN 1 AND 2")
    check(r["Items"] == [{"n": {"N": "1"}, "doc": {"M": {"x": {"N": "10"}}}},
                         {"n": {"N": "2"}, "doc": {"M": {"x": {"N": "20"}}}}], "projection: %s" % r["Items"])
    r = client.execute_statement(Statement="SELECT * FROM Pql WHERE kind = 'even' AND doc.x > 10")
    check(sorted(int(i["n"]["N"]) for i in r["Items"]) == [2, 4, 6], "no key: a scan with the filter")
    # Limit and NextToken page through the results.
    seen, token, pages = [], None, 0
    while True:
        args = {"Statement": "SELECT n FROM Pql WHERE pk = 'p'", "Limit": 3}
        if token:
            args["NextToken"] = token
        r = client.execute_statement(**args)
        seen += [int(i["n"]["N"]) for i in r["Items"]]
        pages += 1
        token = r.get("NextToken")
        if not token or pages > 5:
            break
    check(seen == list(range(8)) and pages >= 3, "NextToken paging: %s in %d pages" % (seen, pages))

    r = client.execute_statement(
        Statement="UPDATE Pql SET kind = ? SET c = 5 REMOVE doc WHERE pk = 'p' AND n = 1 RETURNING ALL NEW *",
        Parameters=[{"S": "first"}])
    check(r["Items"] == [{"pk": {"S": "p"}, "n": {"N": "1"}, "kind": {"S": "first"}, "c": {"N": "5"}}],
          "UPDATE SET/REMOVE RETURNING ALL NEW: %s" % r["Items"])
    e = error_of(lambda: client.execute_statement(Statement="UPDATE Pql SET c = 1 WHERE pk = 'p' AND n = 99"))
    check(code_of(e) == "ConditionalCheckFailedException", "UPDATE of a missing item: %s" % code_of(e))
    e = error_of(lambda: client.execute_statement(
        Statement="UPDATE Pql SET c = 6 WHERE pk = 'p' AND n = 1 AND c > 10"))
    check(code_of(e) == "ConditionalCheckFailedException", "UPDATE whose condition fails")
    e = error_of(lambda: client.execute_statement(
        Statement="DELETE FROM Pql WHERE pk = 'p' AND n = 1 AND kind = 'other'"))
    check(code_of(e) == "ConditionalCheckFailedException", "DELETE whose condition fails")
    r = client.execute_statement(Statement="DELETE FROM Pql WHERE pk = 'p' AND n = 1 RETURNING ALL OLD *")
    check(r["Items"][0]["c"] == {"N": "5"}, "DELETE RETURNING ALL OLD")
    r = client.execute_statement(Statement="SELECT * FROM Pql WHERE pk = 'p' AND n = 1")
    check(r["Items"] == [], "deleted")

    e = error_of(lambda: client.execute_statement(Statement="SELEKT * FROM Pql"))
    check(code_of(e) == "ValidationException" and
          message_of(e).startswith("Statement wasn't well formed, can't be processed"),
          "a malformed statement: %s" % message_of(e))
    e = error_of(lambda: client.execute_statement(Statement="SELECT * FROM Pql WHERE pk = ?"))
    check(code_of(e) == "ValidationException" and "Number of parameters" in message_of(e),
          "a missing parameter: %s" % message_of(e))
    e = error_of(lambda: client.execute_statement(Statement="SELECT * FROM Missing WHERE pk = 'a'"))
    check(code_of(e) == "ResourceNotFoundException", "a missing table: %s" % code_of(e))

    # BatchExecuteStatement: an answer per statement, errors included.
    r = client.batch_execute_statement(Statements=[
        {"Statement": "INSERT INTO Pql VALUE {'pk': 'b', 'n': 1}"},
        {"Statement": "INSERT INTO Pql VALUE {'pk': 'p', 'n': 0}"},
        {"Statement": "UPDATE Pql SET v = ? WHERE pk = 'p' AND n = 2", "Parameters": [{"N": "42"}]}])
    got = [x.get("Error", {}).get("Code") for x in r["Responses"]]
    check(got == [None, "DuplicateItem", None], "BatchExecuteStatement writes: %s" % r["Responses"])
    r = client.batch_execute_statement(Statements=[
        {"Statement": "SELECT * FROM Pql WHERE pk = 'b' AND n = 1"},
        {"Statement": "SELECT v FROM Pql WHERE pk = ? AND n = ?", "Parameters": [{"S": "p"}, {"N": "2"}],
         "ConsistentRead": True},
        {"Statement": "SELECT * FROM Pql WHERE pk = 'nobody' AND n = 1"}])
    check(r["Responses"][0]["Item"]["pk"] == {"S": "b"}, "batch read 1")
    check(r["Responses"][1]["Item"] == {"v": {"N": "42"}}, "batch read 2: %s" % r["Responses"][1])
    check("Item" not in r["Responses"][2] and "Error" not in r["Responses"][2], "batch read of a missing item")
    e = error_of(lambda: client.batch_execute_statement(Statements=[
        {"Statement": "SELECT * FROM Pql WHERE pk = 'b' AND n = 1"},
        {"Statement": "DELETE FROM Pql WHERE pk = 'b' AND n = 1"}]))
    check(code_of(e) == "ValidationException", "reads and writes mixed in one batch")

    # ExecuteTransaction: all or nothing.
    e = error_of(lambda: client.execute_transaction(TransactStatements=[
        {"Statement": "INSERT INTO Pql VALUE {'pk': 't', 'n': 1}"},
        {"Statement": "UPDATE Pql SET v = 7 WHERE pk = 'p' AND n = 3"},
        {"Statement": "UPDATE Pql SET v = 8 WHERE pk = 'p' AND n = 4 AND kind = 'odd'"}]))
    check(code_of(e) == "TransactionCanceledException", "a cancelled transaction: %s" % code_of(e))
    reasons = [x["Code"] for x in e.response["CancellationReasons"]]
    check(reasons == ["None", "None", "ConditionalCheckFailed"], "cancellation reasons: %s" % reasons)
    e = error_of(lambda: client.execute_transaction(TransactStatements=[
        {"Statement": "INSERT INTO Pql VALUE {'pk': 'p', 'n': 5}"},
        {"Statement": "UPDATE Pql SET v = 7 WHERE pk = 'p' AND n = 3"}]))
    reasons = [x["Code"] for x in e.response["CancellationReasons"]]
    check(reasons == ["DuplicateItem", "None"], "an INSERT of an existing key cancels: %s" % reasons)
    r = client.execute_statement(Statement="SELECT * FROM Pql WHERE pk = 't' AND n = 1")
    check(r["Items"] == [], "a cancelled transaction writes nothing")
    client.execute_transaction(TransactStatements=[
        {"Statement": "INSERT INTO Pql VALUE {'pk': 't', 'n': 1}"},
        {"Statement": "UPDATE Pql SET v = ? WHERE pk = 'p' AND n = 3", "Parameters": [{"N": "7"}]},
        {"Statement": "EXISTS(SELECT * FROM Pql WHERE pk = 'p' AND n = 4 AND kind = 'even')"}],
        ClientRequestToken="boto3-partiql-1")
    r = client.execute_transaction(TransactStatements=[
        {"Statement": "SELECT * FROM Pql WHERE pk = 't' AND n = 1"},
        {"Statement": "SELECT v FROM Pql WHERE pk = 'p' AND n = 3"}])
    check(r["Responses"][0]["Item"]["pk"] == {"S": "t"} and r["Responses"][1]["Item"] == {"v": {"N": "7"}},
          "a committed transaction, read in one: %s" % r["Responses"])


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: boto3_lsi_ttl_partiql_test.py <issuetracker binary>")
    endpoint = Endpoint(sys.argv[1], extra_args=("--ttl-interval", "3600"))
    try:
        session = boto3.session.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
                                        region_name="us-east-1")
        config = Config(retries={"max_attempts": 1})
        client = session.client("dynamodb", endpoint_url=endpoint.url, config=config)
        resource = session.resource("dynamodb", endpoint_url=endpoint.url, config=config)
        lsi_create_and_describe(client)
        lsi_writes(client, resource)
        lsi_queries(client, resource)
        ttl_settings(client, resource)
        partiql(client)
    except BaseException:
        print(endpoint.log(), file=sys.stderr)
        endpoint.kill()
        raise
    endpoint.stop()
    ttl_expiry(sys.argv[1])
    print("boto3 %s: local secondary indexes, time to live and PartiQL against issuetracker dynamodb: "
          "%d checks passed" % (boto3.__version__, checks))


if __name__ == "__main__":
    main()
