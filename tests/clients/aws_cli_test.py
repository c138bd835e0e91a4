#!/usr/bin/python3
"""The AWS CLI (Debian's awscli) runs a handful of the spec's steps against
`issuetracker dynamodb`, as a user types them: create-table with a GSI, wait table-exists,
update-continuous-backups, put-item, query --index-name, a conditional put that fails, and
list-tables, each with --endpoint-url.

Usage: aws_cli_test.py <issuetracker binary> [aws]. Exit 0 when every step gave what
DynamoDB gives, 77 when the AWS CLI is not installed."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from endpoint import Endpoint, skip  # noqa: E402

# What a user types, with {url} for the endpoint's URL. The table is the spec's Issues table
# with one of its GSIs.
CREATE_TABLE = """aws dynamodb create-table --endpoint-url {url} \\
  --table-name IssueTracker-Issues-Pooled \\
  --attribute-definitions AttributeName=company_issue_id,AttributeType=S \\
      AttributeName=company_id,AttributeType=S AttributeName=priority,AttributeType=S \\
  --key-schema AttributeName=company_issue_id,KeyType=HASH \\
  --global-secondary-indexes '[{{"IndexName": "PriorityIndex",
      "KeySchema": [{{"AttributeName": "company_id", "KeyType": "HASH"}},
                    {{"AttributeName": "priority", "KeyType": "RANGE"}}],
      "Projection": {{"ProjectionType": "ALL"}}}}]' \\
  --billing-mode PAY_PER_REQUEST \\
  --tags Key=Project,Value=IssueTrackingSaaS Key=Environment,Value=Development"""
WAIT = "aws dynamodb wait table-exists --table-name IssueTracker-Issues-Pooled --endpoint-url {url}"
PITR = """aws dynamodb update-continuous-backups --table-name IssueTracker-Issues-Pooled \\
  --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true --endpoint-url {url}"""
PUT_ITEM = """aws dynamodb put-item --table-name IssueTracker-Issues-Pooled --endpoint-url {url} \\
  --item '{{"company_issue_id": {{"S": "COMPANY001#ISSUE#ISS-001"}}, "company_id": {{"S": "COMPANY001"}},
          "title": {{"S": "User login page loading slowly"}}, "status": {{"S": "Open"}},
          "priority": {{"S": "High"}}, "labels": {{"L": [{{"S": "performance"}}, {{"S": "login"}}]}},
          "estimated_hours": {{"N": "8"}}}}'"""
PUT_OTHER = """aws dynamodb put-item --table-name IssueTracker-Issues-Pooled --endpoint-url {url} \\
  --item '{{"company_issue_id": {{"S": "COMPANY002#ISSUE#ISS-001"}}, "company_id": {{"S": "COMPANY002"}},
          "title": {{"S": "Add dark mode theme option"}}, "priority": {{"S": "High"}}}}'"""
QUERY = """aws dynamodb query --table-name IssueTracker-Issues-Pooled --index-name PriorityIndex \\
  --key-condition-expression "company_id = :c AND priority = :p" \\
  --expression-attribute-values '{{":c": {{"S": "COMPANY001"}}, ":p": {{"S": "High"}}}}' \\
  --endpoint-url {url}"""
CONDITIONAL_PUT = """aws dynamodb put-item --table-name IssueTracker-Issues-Pooled --endpoint-url {url} \\
  --item '{{"company_issue_id": {{"S": "COMPANY001#ISSUE#ISS-001"}}}}' \\
  --condition-expression "attribute_not_exists(company_issue_id)" """
MISSING_TABLE = "aws dynamodb describe-table --table-name IssueTracker-Nope --endpoint-url {url}"
LIST_TABLES = "aws dynamodb list-tables --endpoint-url {url}"


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: aws_cli_test.py <issuetracker binary> [aws]")
    aws = sys.argv[2] if len(sys.argv) == 3 else shutil.which("aws")
    if not aws or not os.access(aws, os.X_OK):
        skip("the AWS CLI (Debian's awscli) is not installed")
    home = tempfile.TemporaryDirectory(prefix="issuetracker-aws-cli-")
    bin_dir = os.path.join(home.name, "bin")
    os.mkdir(bin_dir)
    os.symlink(aws, os.path.join(bin_dir, "aws"))
    # A user with credentials and a region in the environment and no configuration files.
    env = {"PATH": bin_dir + ":/usr/bin:/bin", "HOME": home.name, "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
           "AWS_SECRET_ACCESS_KEY": "secret", "AWS_DEFAULT_REGION": "us-east-1", "AWS_PAGER": "",
           "AWS_CONFIG_FILE": os.path.join(home.name, "config"),
           "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home.name, "credentials"),
           "AWS_MAX_ATTEMPTS": "1", "LANG": "C.UTF-8"}
    endpoint = Endpoint(sys.argv[1])
    steps = 0

    def run(command, expect_ok=True):
        nonlocal steps
        r = subprocess.run(command.format(url=endpoint.url), shell=True, env=env, capture_output=True,
                           text=True, timeout=120)
        if (r.returncode == 0) != expect_ok:
            raise AssertionError("%s\nexit %d\nstdout: %s\nstderr: %s" % (command, r.returncode, r.stdout, r.stderr))
        steps += 1
        return json.loads(r.stdout) if expect_ok and r.stdout.strip() else r

    try:
        version = subprocess.run([aws, "--version"], env=env, capture_output=True, text=True).stdout.strip()
        d = run(CREATE_TABLE)["TableDescription"]
        assert d["TableName"] == "IssueTracker-Issues-Pooled", d
        assert [g["IndexName"] for g in d["GlobalSecondaryIndexes"]] == ["PriorityIndex"], d
        run(WAIT)
        p = run(PITR)["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
        assert p["PointInTimeRecoveryStatus"] == "ENABLED", p
        run(PUT_ITEM)
        run(PUT_OTHER)
        q = run(QUERY)
        assert q["Count"] == 1, q
        assert q["Items"][0]["title"] == {"S": "User login page loading slowly"}, q
        assert q["Items"][0]["labels"] == {"L": [{"S": "performance"}, {"S": "login"}]}, q
        e = run(CONDITIONAL_PUT, expect_ok=False)
        assert "(ConditionalCheckFailedException) when calling the PutItem operation" in e.stderr, e.stderr
        e = run(MISSING_TABLE, expect_ok=False)
        assert "(ResourceNotFoundException) when calling the DescribeTable operation" in e.stderr, e.stderr
        tables = run(LIST_TABLES)
        assert tables == {"TableNames": ["IssueTracker-Issues-Pooled"]}, tables
    except BaseException:
        print(endpoint.log(), file=sys.stderr)
        endpoint.kill()
        raise
    endpoint.stop()
    print("%s ran %d steps against issuetracker dynamodb" % (version, steps))


if __name__ == "__main__":
    main()
