#!/usr/bin/env python3
"""Seeding through the client backend against dynalite, and boto3's batch_writer writing the
same items to the same server, in the same run.

Starts dynalite (tools/dynalite), runs `issuetracker provision` and `issuetracker seed
--synthetic` against it, reads every item the seed wrote back, empties the tables, and has
boto3 (Table.batch_writer, the SDK's bulk-load path) write those items again. Prints both
write rates and their ratio. Needs boto3 (Debian's python3-boto3) and a built issuetracker.

  bench/seed_vs_boto3.py [--binary build/src/cli/issuetracker] [-N 20] [-M 1000] [--threads 3]
"""
import argparse
import os
import re
import subprocess
import sys
import time

import boto3
import boto3.dynamodb.types
from boto3.dynamodb.types import TypeDeserializer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start_dynalite():
    p = subprocess.Popen(["node", os.path.join(ROOT, "tools/dynalite/serve.js")],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    port = int(p.stdout.readline())
    return p, port


def run(binary, store, *args):
    out = subprocess.run([binary, "--store", store, *args], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"issuetracker {' '.join(args)} failed:\n{out.stdout}{out.stderr}")
    return out.stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", default=os.path.join(ROOT, "build/src/cli/issuetracker"))
    parser.add_argument("-N", "--companies", type=int, default=20)
    parser.add_argument("-M", "--issues", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=3)
    a = parser.parse_args()

    dynalite, port = start_dynalite()
    try:
        store = f"dynamodb:http://127.0.0.1:{port}"
        run(a.binary, store, "provision")
        out = run(a.binary, store, "seed", "--synthetic", "-N", str(a.companies), "-M",
                  str(a.issues), "--threads", str(a.threads))
        m = re.search(r"Bulk write: ([0-9.]+) s, [0-9]+ issues/s, ([0-9]+) items/s", out)
        ours_seconds, ours_rate = float(m.group(1)), float(m.group(2))
        print(out.strip())

        client = boto3.client("dynamodb", endpoint_url=f"http://127.0.0.1:{port}",
                              region_name="us-east-1", aws_access_key_id="bench",
                              aws_secret_access_key="bench")
        resource = boto3.resource("dynamodb", endpoint_url=f"http://127.0.0.1:{port}",
                                  region_name="us-east-1", aws_access_key_id="bench",
                                  aws_secret_access_key="bench")
        deserializer = TypeDeserializer()
        # The items of the bulk write: the pooled and silo tables (not the system tables,
        # which the seed's setup phase wrote).
        tables = [t for t in client.list_tables()["TableNames"]
                  if not re.search(r"CompanyManagement|CompanyStackMapping|ApiKeys", t)]
        items = {}
        for t in tables:
            key_names = [k["AttributeName"] for k in
                         client.describe_table(TableName=t)["Table"]["KeySchema"]]
            rows = []
            for page in client.get_paginator("scan").paginate(TableName=t):
                rows += [{k: deserializer.deserialize(v) for k, v in i.items()}
                         for i in page["Items"]]
            items[t] = (key_names, rows)
            serializer = boto3.dynamodb.types.TypeSerializer()
            for chunk in range(0, len(rows), 25):
                client.batch_write_item(RequestItems={t: [
                    {"DeleteRequest": {"Key": {k: serializer.serialize(r[k]) for k in key_names}}}
                    for r in rows[chunk:chunk + 25]]})
        total = sum(len(rows) for _, rows in items.values())

        start = time.perf_counter()
        for t, (key_names, rows) in items.items():
            with resource.Table(t).batch_writer() as writer:
                for r in rows:
                    writer.put_item(Item=r)
        boto_seconds = time.perf_counter() - start
        boto_rate = total / boto_seconds
        print(f"issuetracker seed --synthetic (client backend, {a.threads} threads): "
              f"{ours_rate:.0f} items/s ({ours_seconds:.2f} s)")
        print(f"boto3 batch_writer, the same {total} items:  {boto_rate:.0f} items/s "
              f"({boto_seconds:.2f} s)")
        print(f"ratio: {ours_rate / boto_rate:.2f}x")
    finally:
        dynalite.stdin.close()
        dynalite.wait()


if __name__ == "__main__":
    main()
