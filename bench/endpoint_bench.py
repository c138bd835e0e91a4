#!/usr/bin/python3
"""Benchmark (not a test): `issuetracker dynamodb` against dynalite on the same data in the
same run, driven by wrk on loopback with 16 connections.

Both servers get the spec's Issues table with its four GSIs (CompanyStatusIndex,
AssigneeIndex, TeamIndex, PriorityIndex) holding the same 5,000 issues (50 companies, 20
issues per company and status). Workloads, each run alternately against both servers
(ROUNDS times, best throughput kept; p99 of that run):
  - GetItem of a random issue;
  - Query of CompanyStatusIndex for a random company and status: 20 items;
  - PutItem of new issues (every one written to the table and its four GSIs).
Prints requests/s, p50/p99 latency and the server's CPU time per request (user + system,
from /proc: what the machine's other load changes least) for each server, and the ratios.

Usage: bench/endpoint_bench.py <issuetracker binary> [--seconds N] [--rounds N] [--workloads GetItem,Query,PutItem]
Needs wrk, Node.js and dynalite (tools/dynalite, scripts/install-deps installs it)."""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "clients"))
from endpoint import Endpoint, Server  # noqa: E402

COMPANIES = 50
STATUSES = ["Open", "In Progress", "In Review", "Blocked", "Closed"]
PER_STATUS = 20
PRIORITIES = ["Low", "Medium", "High", "Critical"]

TABLE = {
    "TableName": "IssueTracker-Issues-Pooled", "BillingMode": "PAY_PER_REQUEST",
    "AttributeDefinitions": [{"AttributeName": n, "AttributeType": "S"} for n in (
        "company_issue_id", "company_id", "status", "assigned_user", "assigned_team", "priority")],
    "KeySchema": [{"AttributeName": "company_issue_id", "KeyType": "HASH"}],
    "GlobalSecondaryIndexes": [
        {"IndexName": name, "Projection": {"ProjectionType": "ALL"},
         "KeySchema": [{"AttributeName": "company_id", "KeyType": "HASH"},
                       {"AttributeName": rng, "KeyType": "RANGE"}]}
        for name, rng in (("CompanyStatusIndex", "status"), ("AssigneeIndex", "assigned_user"),
                          ("TeamIndex", "assigned_team"), ("PriorityIndex", "priority"))]}


def issue(company, n, status):
    return {
        "company_issue_id": {"S": "COMPANY%03d#ISSUE#ISS-%04d" % (company, n)},
        "company_id": {"S": "COMPANY%03d" % company}, "issue_id": {"S": "ISS-%04d" % n},
        "title": {"S": "User login page loading slowly (%d)" % n},
        "description": {"S": "Users reporting that the login page takes more than 5 seconds to load"},
        "status": {"S": status}, "priority": {"S": PRIORITIES[n % 4]}, "issue_type": {"S": "Bug"},
        "assigned_user": {"S": "user%d@company%03d.com" % (n % 7, company)},
        "assigned_team": {"S": "TEAM-%03d" % (n % 5)}, "reporter": {"S": "sarah@techstart.com"},
        "created_date": {"S": "2024-01-15"}, "updated_date": {"S": "2024-01-15"},
        "labels": {"L": [{"S": "performance"}, {"S": "login"}, {"S": "urgent"}]},
        "estimated_hours": {"N": "8"}, "story_points": {"N": str(n % 13)}}


def load(server):
    status, reply = server.call("CreateTable", TABLE)
    assert status == 200, reply
    for _ in range(100):
        status, reply = server.call("DescribeTable", {"TableName": TABLE["TableName"]})
        if reply["Table"]["TableStatus"] == "ACTIVE":
            break
        time.sleep(0.05)
    items = [issue(c, s * PER_STATUS + i, status_name)
             for c in range(COMPANIES) for s, status_name in enumerate(STATUSES) for i in range(PER_STATUS)]
    for i in range(0, len(items), 25):
        request = {"RequestItems": {TABLE["TableName"]: [{"PutRequest": {"Item": it}} for it in items[i:i + 25]]}}
        while request["RequestItems"]:
            status, reply = server.call("BatchWriteItem", request)
            assert status == 200, reply
            request = {"RequestItems": reply.get("UnprocessedItems", {})}
    # The query the benchmark runs answers 20 items on both.
    status, reply = server.call("Query", query_body(3, "Blocked"))
    assert status == 200 and reply["Count"] == PER_STATUS, reply
    return len(items)


def query_body(company, status):
    return {"TableName": TABLE["TableName"], "IndexName": "CompanyStatusIndex",
            "KeyConditionExpression": "company_id = :c AND #s = :s", "ExpressionAttributeNames": {"#s": "status"},
            "ExpressionAttributeValues": {":c": {"S": "COMPANY%03d" % company}, ":s": {"S": status}}}


# wrk scripts: a SigV4-shaped Authorization (neither server verifies signatures in its
# local mode) and bodies built per request.
LUA_COMMON = r'''
local date = os.date("!%%Y%%m%%dT%%H%%M%%SZ")
local day = date:sub(1, 8)
local auth = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/" .. day ..
  "/us-east-1/dynamodb/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, " ..
  "Signature=" .. string.rep("0", 64)
function headers(target)
  return {["Content-Type"] = "application/x-amz-json-1.0", ["X-Amz-Date"] = date,
          ["X-Amz-Target"] = "DynamoDB_20120810." .. target, ["Authorization"] = auth}
end
local statuses = {"Open", "In Progress", "In Review", "Blocked", "Closed"}
'''
LUA = {
    "GetItem": LUA_COMMON + r'''
local h = headers("GetItem")
request = function()
  local c = math.random(0, %(companies)d - 1)
  local n = math.random(0, %(per_company)d - 1)
  local body = string.format('{"TableName":"IssueTracker-Issues-Pooled","Key":{"company_issue_id":' ..
    '{"S":"COMPANY%%03d#ISSUE#ISS-%%04d"}}}', c, n)
  return wrk.format("POST", "/", h, body)
end
''',
    "Query": LUA_COMMON + r'''
local h = headers("Query")
request = function()
  local c = math.random(0, %(companies)d - 1)
  local s = statuses[math.random(1, 5)]
  local body = string.format('{"TableName":"IssueTracker-Issues-Pooled","IndexName":"CompanyStatusIndex",' ..
    '"KeyConditionExpression":"company_id = :c AND #s = :s","ExpressionAttributeNames":{"#s":"status"},' ..
    '"ExpressionAttributeValues":{":c":{"S":"COMPANY%%03d"},":s":{"S":"%%s"}}}', c, s)
  return wrk.format("POST", "/", h, body)
end
''',
    "PutItem": LUA_COMMON + r'''
local h = headers("PutItem")
local counter = 0
local prefix = nil
request = function()
  if prefix == nil then prefix = tostring(math.random(1, 1000000000)) end
  counter = counter + 1
  local c = counter %% %(companies)d
  local body = string.format('{"TableName":"IssueTracker-Issues-Pooled","Item":{' ..
    '"company_issue_id":{"S":"COMPANY%%03d#ISSUE#NEW-%%s-%%d"},"company_id":{"S":"COMPANY%%03d"},' ..
    '"title":{"S":"New issue %%d"},"description":{"S":"Users reporting that the login page is slow"},' ..
    '"status":{"S":"%%s"},"priority":{"S":"High"},"assigned_user":{"S":"user%%d@example.com"},' ..
    '"assigned_team":{"S":"TEAM-%%03d"},"created_date":{"S":"2024-02-01"},' ..
    '"labels":{"L":[{"S":"performance"},{"S":"login"}]},"estimated_hours":{"N":"8"}}}',
    c, prefix, counter, c, counter, statuses[counter %% 5 + 1], counter %% 7, counter %% 5)
  return wrk.format("POST", "/", h, body)
end
''',
}


def cpu_seconds(pid):
    """User + system CPU time a process has used so far (/proc/<pid>/stat)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_wrk(url, script, seconds, connections, threads, pid):
    cpu_before = cpu_seconds(pid)
    out = subprocess.run(["nice", "wrk", "-t%d" % threads, "-c%d" % connections, "-d%ds" % seconds,
                          "--latency", "-s", script, url], capture_output=True, text=True, check=True).stdout
    cpu = cpu_seconds(pid) - cpu_before
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    lat = {}
    for p in ("50", "99"):
        m = re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\s*$" % p, out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        lat[p] = value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    if bad:
        raise RuntimeError("%s answered %s non-2xx responses:\n%s" % (url, bad.group(1), out))
    return {"rps": rps, "p50_ms": lat["50"], "p99_ms": lat["99"], "cpu_us": cpu / requests * 1e6,
            "socket_errors": errors.group(1) if errors else ""}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--wrk-threads", type=int, default=2)
    ap.add_argument("--endpoint-threads", type=int, default=0, help="issuetracker dynamodb --threads (0: cores)")
    ap.add_argument("--workloads", default=",".join(LUA), help="comma-separated subset of " + ",".join(LUA))
    args = ap.parse_args()
    workloads = args.workloads.split(",")
    for w in workloads:
        if w not in LUA:
            ap.error("unknown workload %r (known: %s)" % (w, ", ".join(LUA)))

    dynalite = subprocess.Popen(["node", os.path.join(ROOT, "tools", "dynalite", "serve.js")],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    dynalite_port = int(dynalite.stdout.readline().decode().strip())
    endpoint = Endpoint(args.binary, threads=args.endpoint_threads)
    urls = {"issuetracker": endpoint.url, "dynalite": "http://127.0.0.1:%d" % dynalite_port}
    pids = {"issuetracker": endpoint.process.pid, "dynalite": dynalite.pid}
    results = {}
    try:
        n = load(Server("issuetracker", endpoint.port))
        load(Server("dynalite", dynalite_port))
        with tempfile.TemporaryDirectory() as tmp:
            for workload in workloads:
                lua = LUA[workload]
                script = os.path.join(tmp, workload + ".lua")
                with open(script, "w") as f:
                    f.write(lua % {"companies": COMPANIES, "per_company": len(STATUSES) * PER_STATUS})
                for r in range(args.rounds):
                    # Alternate which server goes first: the machine's load varies.
                    order = list(urls) if r % 2 == 0 else list(reversed(list(urls)))
                    for name in order:
                        res = run_wrk(urls[name], script, args.seconds, args.connections, args.wrk_threads,
                                      pids[name])
                        print("  %-8s %-12s round %d: %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  "
                              "server CPU %7.1f us/request %s" % (
                                  workload, name, r + 1, res["rps"], res["p50_ms"], res["p99_ms"], res["cpu_us"],
                                  res["socket_errors"]), flush=True)
                        best = results.setdefault((workload, name), res)
                        if res["rps"] > best["rps"]:
                            results[(workload, name)] = res
    finally:
        dynalite.stdin.close()
        dynalite.wait(timeout=30)
        endpoint.stop()
    print("\n%d issues with four GSIs; wrk %d connections, %d threads, %d s x %d rounds (best kept)" % (
        n, args.connections, args.wrk_threads, args.seconds, args.rounds))
    print("%-8s %11s %11s %7s %10s %10s %9s %9s %7s" % (
        "", "ours req/s", "dyn. req/s", "ratio", "ours p99", "dyn. p99", "ours CPU", "dyn. CPU", "ratio"))
    for workload in workloads:
        a, b = results[(workload, "issuetracker")], results[(workload, "dynalite")]
        print("%-8s %11.0f %11.0f %6.1fx %7.2f ms %7.2f ms %6.1f us %6.1f us %6.1fx" % (
            workload, a["rps"], b["rps"], a["rps"] / b["rps"], a["p99_ms"], b["p99_ms"], a["cpu_us"], b["cpu_us"],
            b["cpu_us"] / a["cpu_us"]))
    print("(throughput target: ours >= 20x dynalite's, with a lower p99; CPU: server CPU time per request, "
          "user + system, which depends less on the machine's other load)")
    print(json.dumps({"%s/%s" % k: v for k, v in results.items()}))


if __name__ == "__main__":
    main()
