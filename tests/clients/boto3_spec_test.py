#!/usr/bin/python3
"""boto3 (Debian's python3-boto3) replays the spec against `issuetracker dynamodb`:
creates the seven tables with their GSIs, waits for ACTIVE, enables point-in-time recovery,
puts the sample items, runs the isolation queries and the verification steps, restores a
table to a point in time, reads a stream, and checks results and error cases (conditional
failures, validation errors, transaction cancellation reasons).

Usage: boto3_spec_test.py <issuetracker binary>. Exit 0 when every check passed, 77 when
boto3 is not installed."""
import json
import os
import sys
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from endpoint import Endpoint, skip, stream_records  # noqa: E402

try:
    import boto3
    from boto3.dynamodb.conditions import Attr, Key
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError as e:  # pragma: no cover
    skip("boto3 is not installed (python3-boto3): %s" % e)

SPEC = json.load(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "spec_data.json")))
QUERY_MS = int(os.environ.get("IT_CLIENT_QUERY_MS", "100"))
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


def create_tables(client):
    for t in SPEC["tables"]:
        attrs = {t["hash"]: "S"}
        keys = [{"AttributeName": t["hash"], "KeyType": "HASH"}]
        if t.get("range"):
            attrs[t["range"]] = "S"
            keys.append({"AttributeName": t["range"], "KeyType": "RANGE"})
        gsis = []
        for name, h, r in t["gsis"]:
            attrs[h] = "S"
            schema = [{"AttributeName": h, "KeyType": "HASH"}]
            if r:
                attrs[r] = "S"
                schema.append({"AttributeName": r, "KeyType": "RANGE"})
            gsis.append({"IndexName": name, "KeySchema": schema, "Projection": {"ProjectionType": "ALL"}})
        args = dict(TableName=t["name"], KeySchema=keys, BillingMode="PAY_PER_REQUEST",
                    AttributeDefinitions=[{"AttributeName": n, "AttributeType": v} for n, v in attrs.items()],
                    Tags=[{"Key": "Project", "Value": "IssueTrackingSaaS"},
                          {"Key": "Environment", "Value": "Development"}])
        if gsis:
            args["GlobalSecondaryIndexes"] = gsis
        desc = client.create_table(**args)["TableDescription"]
        check(desc["TableName"] == t["name"], "CreateTable names the table")
        check(len(desc.get("GlobalSecondaryIndexes", [])) == len(gsis), "CreateTable lists the GSIs")
    waiter = client.get_waiter("table_exists")
    for t in SPEC["tables"]:
        waiter.wait(TableName=t["name"], WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        d = client.describe_table(TableName=t["name"])["Table"]
        check(d["TableStatus"] == "ACTIVE", "table ACTIVE")
        check(all(g["IndexStatus"] == "ACTIVE" for g in d.get("GlobalSecondaryIndexes", [])), "GSIs ACTIVE")
    e = error_of(lambda: client.create_table(
        TableName=SPEC["tables"][0]["name"], BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "company_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "company_id", "KeyType": "HASH"}]))
    check(e.response["Error"]["Code"] == "ResourceInUseException", "creating an existing table")


def enable_pitr(client):
    for t in SPEC["tables"]:
        r = client.update_continuous_backups(
            TableName=t["name"], PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
        status = r["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
        check(status == "ENABLED", "PITR enabled on " + t["name"])


def to_item(obj):
    return json.loads(json.dumps(obj), parse_float=Decimal, parse_int=Decimal)


def put_sample(resource):
    for table, items in SPEC["items"].items():
        t = resource.Table(table)
        for item in items:
            t.put_item(Item=to_item(item))
    # More COMPANY002 issues through batch_writer (BatchWriteItem, 25 at a time), to page over.
    with resource.Table("IssueTracker-Issues-Pooled").batch_writer() as batch:
        for i in range(2, 62):
            batch.put_item(Item={"company_issue_id": "COMPANY002#ISSUE#ISS-%03d" % i,
                                 "company_id": "COMPANY002", "issue_id": "ISS-%03d" % i,
                                 "title": "Bulk issue %d" % i, "status": "Open" if i % 2 else "Closed",
                                 "priority": ["Low", "Medium", "High"][i % 3],
                                 "assigned_user": "mike@devcorp.com", "assigned_team": "TEAM-002",
                                 "created_date": "2024-02-%02d" % (i % 28 + 1), "story_points": i})


def timed_query(table, **kwargs):
    start = time.monotonic()
    r = table.query(**kwargs)
    elapsed_ms = (time.monotonic() - start) * 1000
    check(elapsed_ms < QUERY_MS, "query answered in under %d ms (%.1f ms)" % (QUERY_MS, elapsed_ms))
    return r["Items"]


def isolation_queries(client, resource):
    issues = resource.Table("IssueTracker-Issues-Pooled")
    teams = resource.Table("IssueTracker-Teams-Pooled")
    comments = resource.Table("IssueTracker-Comments-Pooled")
    # Test 1: all issues of COMPANY001 through CompanyStatusIndex.
    items = timed_query(issues, IndexName="CompanyStatusIndex",
                        KeyConditionExpression=Key("company_id").eq("COMPANY001"))
    check([i["issue_id"] for i in items] == ["ISS-001"], "Test 1: COMPANY001's one issue")
    check(all(i["company_id"] == "COMPANY001" for i in items), "Test 1: no other company")
    check(items[0]["labels"] == ["performance", "login", "urgent"], "lists come back as lists")
    check(items[0]["estimated_hours"] == Decimal(8), "numbers come back as numbers")
    # Test 2: teams of COMPANY002 through CompanyIndex.
    items = timed_query(teams, IndexName="CompanyIndex", KeyConditionExpression=Key("company_id").eq("COMPANY002"))
    check([i["team_name"] for i in items] == ["Frontend Experience"], "Test 2: COMPANY002's team")
    # Test 3: COMPANY001's issues assigned to John.
    items = timed_query(issues, IndexName="AssigneeIndex",
                        KeyConditionExpression=Key("company_id").eq("COMPANY001")
                        & Key("assigned_user").eq("john@techstart.com"))
    check(len(items) == 1 and items[0]["company_id"] == "COMPANY001", "Test 3: John's issue only")
    # Test 4: COMPANY001's high-priority issues.
    items = timed_query(issues, IndexName="PriorityIndex",
                        KeyConditionExpression=Key("company_id").eq("COMPANY001") & Key("priority").eq("High"))
    check([i["issue_id"] for i in items] == ["ISS-001"], "Test 4: the High issue")
    # Test 5: comments of one issue, by date.
    items = timed_query(comments, IndexName="IssueIndex",
                        KeyConditionExpression=Key("company_issue_id").eq("COMPANY001#ISSUE#ISS-001"))
    check([c["comment_id"] for c in items] == ["CMT-001"], "Test 5: the issue's comment")
    # Filters, projections and pagination (a paginator over Limit 7 pages).
    pages = client.get_paginator("query").paginate(
        TableName="IssueTracker-Issues-Pooled", IndexName="CompanyStatusIndex",
        KeyConditionExpression="company_id = :c", FilterExpression="story_points > :p",
        ProjectionExpression="issue_id, #s", ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":c": {"S": "COMPANY002"}, ":p": {"N": "30"}},
        PaginationConfig={"PageSize": 7})
    seen = [i for page in pages for i in page["Items"]]
    check(len(seen) == 31, "paginated, filtered query: %d items" % len(seen))
    check(all(set(i) == {"issue_id", "status"} for i in seen), "projection keeps two attributes")
    statuses = [i["status"]["S"] for i in seen]
    check(statuses == sorted(statuses), "GSI range order")


def verification_steps(client, resource):
    names = client.list_tables()["TableNames"]
    check(sorted(names) == sorted(t["name"] for t in SPEC["tables"]), "Test 1: the seven tables")
    for table in ("IssueTracker-Issues-Pooled", "IssueTracker-Teams-Pooled", "IssueTracker-Comments-Pooled"):
        items = resource.Table(table).scan()["Items"]
        check(items and all("company_id" in i for i in items), "Test 2: %s has company data" % table)
        pk = [t["hash"] for t in SPEC["tables"] if t["name"] == table][0]
        check(all(i[pk].startswith("COMPANY00") and i[pk].count("#") == 2 for i in items),
              "Test 2: keys follow COMPANYXXX#TYPE#ID")
    for t in SPEC["tables"]:
        d = client.describe_table(TableName=t["name"])["Table"]
        check(sorted(g["IndexName"] for g in d.get("GlobalSecondaryIndexes", [])) == sorted(g[0] for g in t["gsis"]),
              "Test 3: the GSIs of " + t["name"])
        pitr = client.describe_continuous_backups(TableName=t["name"])["ContinuousBackupsDescription"]
        check(pitr["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED",
              "Test 6: PITR on " + t["name"])
        tags = client.list_tags_of_resource(ResourceArn=d["TableArn"])["Tags"]
        check({"Key": "Project", "Value": "IssueTrackingSaaS"} in tags, "tags of " + t["name"])
    # Test 5: high priority issues, assignee filter, comments of an issue, team members.
    issues = resource.Table("IssueTracker-Issues-Pooled")
    high = issues.query(IndexName="PriorityIndex", KeyConditionExpression=Key("company_id").eq("COMPANY002")
                        & Key("priority").eq("High"))["Items"]
    check(len(high) == 20 and all(i["priority"] == "High" for i in high), "Test 5: high priority")
    mine = issues.query(IndexName="CompanyStatusIndex", KeyConditionExpression=Key("company_id").eq("COMPANY002"),
                        FilterExpression=Attr("assigned_user").eq("mike@devcorp.com"))["Items"]
    check(len(mine) == 61, "Test 5: filter by assignee")
    team = resource.Table("IssueTracker-Teams-Pooled").get_item(
        Key={"company_team_id": "COMPANY001#TEAM#TEAM-001"}, ConsistentRead=True)["Item"]
    check(team["members"] == ["john@techstart.com", "sarah@techstart.com"], "Test 5: team members")


def error_cases(client):
    issue_key = {"company_issue_id": {"S": "COMPANY001#ISSUE#ISS-001"}}
    e = error_of(lambda: client.put_item(
        TableName="IssueTracker-Issues-Pooled",
        Item={**issue_key, "company_id": {"S": "COMPANY001"}},
        ConditionExpression="attribute_not_exists(company_issue_id)"))
    check(e.response["Error"]["Code"] == "ConditionalCheckFailedException", "conditional put fails")
    check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, "HTTP 400")
    check(len(e.response["ResponseMetadata"]["RequestId"]) == 52, "x-amzn-RequestId")
    e = error_of(lambda: client.update_item(
        TableName="IssueTracker-Issues-Pooled", Key=issue_key, UpdateExpression="SET #s = :s",
        ConditionExpression="#s = :expected", ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": {"S": "Closed"}, ":expected": {"S": "In Review"}}))
    check(e.response["Error"]["Code"] == "ConditionalCheckFailedException", "conditional update fails")
    e = error_of(lambda: client.query(
        TableName="IssueTracker-Issues-Pooled", IndexName="CompanyStatusIndex",
        KeyConditionExpression="title = :t", ExpressionAttributeValues={":t": {"S": "x"}}))
    check(e.response["Error"]["Code"] == "ValidationException", "key condition on a non-key attribute")
    e = error_of(lambda: client.put_item(TableName="IssueTracker-Issues-Pooled",
                                         Item={"company_issue_id": {"S": ""}}))
    check(e.response["Error"]["Code"] == "ValidationException", "empty key string")
    check("empty string" in e.response["Error"]["Message"], e.response["Error"]["Message"])
    e = error_of(lambda: client.query(TableName="IssueTracker-Issues-Pooled", IndexName="NoSuchIndex",
                                      KeyConditionExpression="company_id = :c",
                                      ExpressionAttributeValues={":c": {"S": "COMPANY001"}}))
    check(e.response["Error"]["Code"] == "ValidationException", "missing index")
    e = error_of(lambda: client.describe_table(TableName="IssueTracker-Nope"))
    check(e.response["Error"]["Code"] == "ResourceNotFoundException", "missing table")
    # A transaction whose condition check fails: cancelled with one reason per action.
    e = error_of(lambda: client.transact_write_items(TransactItems=[
        {"Put": {"TableName": "IssueTracker-Issues-Pooled",
                 "Item": {"company_issue_id": {"S": "COMPANY001#ISSUE#ISS-999"}, "company_id": {"S": "COMPANY001"}}}},
        {"ConditionCheck": {"TableName": "IssueTracker-CompanyManagement",
                            "Key": {"company_id": {"S": "COMPANY001"}},
                            "ConditionExpression": "subscription_status = :s",
                            "ExpressionAttributeValues": {":s": {"S": "suspended"}}}}]))
    check(e.response["Error"]["Code"] == "TransactionCanceledException", "transaction cancelled")
    reasons = [r["Code"] for r in e.response["CancellationReasons"]]
    check(reasons == ["None", "ConditionalCheckFailed"], "cancellation reasons %s" % reasons)
    got = client.get_item(TableName="IssueTracker-Issues-Pooled",
                          Key={"company_issue_id": {"S": "COMPANY001#ISSUE#ISS-999"}})
    check("Item" not in got, "a cancelled transaction writes nothing")
    # Two actions on one item are refused, as DynamoDB refuses them.
    same_item = {"TableName": "IssueTracker-CompanyManagement", "Key": {"company_id": {"S": "COMPANY001"}}}
    e = error_of(lambda: client.transact_write_items(TransactItems=[
        {"Update": {**same_item, "UpdateExpression": "ADD api_calls_used :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        {"ConditionCheck": {**same_item, "ConditionExpression": "attribute_exists(company_id)"}}]))
    check(e.response["Error"]["Code"] == "ValidationException", "one item twice in a transaction")
    # And one that commits.
    client.transact_write_items(TransactItems=[
        {"Update": {**same_item, "UpdateExpression": "ADD api_calls_used :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        {"ConditionCheck": {"TableName": "IssueTracker-Teams-Pooled",
                            "Key": {"company_team_id": {"S": "COMPANY001#TEAM#TEAM-001"}},
                            "ConditionExpression": "#s = :s", "ExpressionAttributeNames": {"#s": "status"},
                            "ExpressionAttributeValues": {":s": {"S": "active"}}}}])
    got = client.get_item(TableName="IssueTracker-CompanyManagement", Key={"company_id": {"S": "COMPANY001"}})
    check(got["Item"]["api_calls_used"] == {"N": "246"}, "a committed transaction")


def restore_to_point_in_time(client, resource):
    time.sleep(1.1)
    restore_at = time.time()
    time.sleep(1.1)
    issues = resource.Table("IssueTracker-Issues-Pooled")
    issues.delete_item(Key={"company_issue_id": "COMPANY001#ISSUE#ISS-001"})
    issues.update_item(Key={"company_issue_id": "COMPANY002#ISSUE#ISS-001"},
                       UpdateExpression="SET #s = :s", ExpressionAttributeNames={"#s": "status"},
                       ExpressionAttributeValues={":s": "Closed"})
    from datetime import datetime, timezone
    r = client.restore_table_to_point_in_time(
        SourceTableName="IssueTracker-Issues-Pooled", TargetTableName="IssueTracker-Issues-Restored",
        RestoreDateTime=datetime.fromtimestamp(restore_at, timezone.utc))
    check(r["TableDescription"]["TableName"] == "IssueTracker-Issues-Restored", "restore started")
    client.get_waiter("table_exists").wait(TableName="IssueTracker-Issues-Restored",
                                            WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    restored = resource.Table("IssueTracker-Issues-Restored")
    old = restored.get_item(Key={"company_issue_id": "COMPANY001#ISSUE#ISS-001"}, ConsistentRead=True)
    check("Item" in old and old["Item"]["title"] == "User login page loading slowly", "deleted issue restored")
    other = restored.get_item(Key={"company_issue_id": "COMPANY002#ISSUE#ISS-001"})["Item"]
    check(other["status"] == "In Progress", "updated issue as it was")
    count = restored.scan(Select="COUNT")["Count"]
    check(count == 62, "restored table holds the 62 issues (%d)" % count)
    via_gsi = restored.query(IndexName="PriorityIndex",
                             KeyConditionExpression=Key("company_id").eq("COMPANY001") & Key("priority").eq("High"))
    check(len(via_gsi["Items"]) == 1, "restored GSI answers")
    e = error_of(lambda: client.restore_table_to_point_in_time(
        SourceTableName="IssueTracker-Issues-Pooled", TargetTableName="IssueTracker-Issues-Restored",
        UseLatestRestorableTime=True))
    check(e.response["Error"]["Code"] == "TableAlreadyExistsException", "restore onto an existing table")


def read_stream(client, resource, streams):
    d = client.update_table(TableName="IssueTracker-Comments-Pooled",
                            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    arn = d["TableDescription"]["LatestStreamArn"]
    client.get_waiter("table_exists").wait(TableName="IssueTracker-Comments-Pooled")
    comments = resource.Table("IssueTracker-Comments-Pooled")
    key = {"company_comment_id": "COMPANY001#COMMENT#CMT-002", "created_date": "2024-01-16T10:00:00Z"}
    comments.put_item(Item={**key, "company_id": "COMPANY001", "company_issue_id": "COMPANY001#ISSUE#ISS-001",
                            "author_email": "sarah@techstart.com", "content": "Fix deployed."})
    comments.update_item(Key=key, UpdateExpression="SET content = :c", ExpressionAttributeValues={":c": "Fix verified."})
    comments.delete_item(Key=key)
    listed = streams.list_streams(TableName="IssueTracker-Comments-Pooled")["Streams"]
    check([s["StreamArn"] for s in listed] == [arn], "ListStreams finds the stream")
    desc = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    check(desc["StreamViewType"] == "NEW_AND_OLD_IMAGES" and desc["StreamStatus"] == "ENABLED", "DescribeStream")
    records = stream_records(streams, arn)
    events = [r["eventName"] for r in records]
    check(events == ["INSERT", "MODIFY", "REMOVE"], "stream events %s" % events)
    check(records[1]["dynamodb"]["OldImage"]["content"] == {"S": "Fix deployed."}, "old image")
    check(records[1]["dynamodb"]["NewImage"]["content"] == {"S": "Fix verified."}, "new image")
    check(records[2]["dynamodb"]["Keys"]["company_comment_id"] == {"S": "COMPANY001#COMMENT#CMT-002"}, "keys")
    check(all(r["eventSource"] == "aws:dynamodb" for r in records), "eventSource")


def verified_mode(binary):
    """With access keys configured, boto3 signing with a known key is served; a wrong secret,
    an unknown key and an unsigned request get DynamoDB's errors."""
    endpoint = Endpoint(binary, extra_args=("--access-key", "AKIDVERIFIED:right-secret"))
    try:
        def client(key, secret, **kwargs):
            return boto3.session.Session(aws_access_key_id=key, aws_secret_access_key=secret,
                                         region_name="us-east-1").client(
                "dynamodb", endpoint_url=endpoint.url, config=Config(retries={"max_attempts": 1}, **kwargs))
        check(client("AKIDVERIFIED", "right-secret").list_tables()["TableNames"] == [], "a good signature")
        e = error_of(lambda: client("AKIDVERIFIED", "wrong-secret").list_tables())
        check(e.response["Error"]["Code"] == "InvalidSignatureException", "wrong secret: %s" % e)
        check(e.response["ResponseMetadata"]["HTTPStatusCode"] == 400, "HTTP 400")
        e = error_of(lambda: client("AKIDUNKNOWN", "right-secret").list_tables())
        check(e.response["Error"]["Code"] == "UnrecognizedClientException", "unknown key: %s" % e)
        from botocore import UNSIGNED
        e = error_of(lambda: client("x", "y", signature_version=UNSIGNED).list_tables())
        check(e.response["Error"]["Code"] == "MissingAuthenticationTokenException", "unsigned: %s" % e)
    except BaseException:
        print(endpoint.log(), file=sys.stderr)
        endpoint.kill()
        raise
    endpoint.stop()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: boto3_spec_test.py <issuetracker binary>")
    endpoint = Endpoint(sys.argv[1])
    try:
        session = boto3.session.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret",
                                        region_name="us-east-1")
        config = Config(retries={"max_attempts": 1})
        client = session.client("dynamodb", endpoint_url=endpoint.url, config=config)
        resource = session.resource("dynamodb", endpoint_url=endpoint.url, config=config)
        streams = session.client("dynamodbstreams", endpoint_url=endpoint.url, config=config)
        create_tables(client)
        enable_pitr(client)
        put_sample(resource)
        isolation_queries(client, resource)
        verification_steps(client, resource)
        error_cases(client)
        restore_to_point_in_time(client, resource)
        read_stream(client, resource, streams)
    except BaseException:
        print(endpoint.log(), file=sys.stderr)
        endpoint.kill()
        raise
    endpoint.stop()
    verified_mode(sys.argv[1])
    print("boto3 %s replayed the spec against issuetracker dynamodb: %d checks passed" % (boto3.__version__, checks))


if __name__ == "__main__":
    main()
