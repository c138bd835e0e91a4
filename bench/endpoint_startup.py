#!/usr/bin/env python3
"""How fast `issuetracker dynamodb` starts: the time from process start until the port
answers `GET /` (the health check test harnesses poll), on an empty and on an existing data
directory, per access key (the default), with --shared-db and with --in-memory; and the
first request of a key whose database is opened on that request. The reference measured in
the same run is the process alone (`issuetracker --help`: exec, dynamic linking, exit).

Usage: bench/endpoint_startup.py BUILD/src/cli/issuetracker [--runs 10] [--items 100000]
Standard library only. Not a test: prints figures (docs/benchmarks.md records them).
"""
import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time


def http(port, method, body=b"", headers=None):
    """One request on a fresh connection; returns (status, body)."""
    s = socket.create_connection(("127.0.0.1", port))
    head = f"{method} / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    for k, v in (headers or {}).items():
        head += f"{k}: {v}\r\n"
    head += f"Content-Length: {len(body)}\r\n\r\n"
    s.sendall(head.encode() + body)
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    status = int(data.split(b" ", 2)[1])
    return status, data.split(b"\r\n\r\n", 1)[1]


def call(port, op, payload, key="AKIDBENCH", region="us-east-1"):
    # Local mode accepts any well-formed SigV4 signature, as DynamoDB Local does.
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "DynamoDB_20120810." + op,
        "X-Amz-Date": "20240101T000000Z",
        "Authorization": f"AWS4-HMAC-SHA256 Credential={key}/20240101/{region}/dynamodb/"
        "aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
    }
    status, body = http(port, "POST", json.dumps(payload).encode(), headers)
    if status != 200:
        raise RuntimeError(f"{op}: {status} {body[:200]}")
    return json.loads(body)


RUNNING = []  # every endpoint started, stopped at the end whatever happens


class Endpoint:
    """`issuetracker dynamodb` started now; .ready_ms is start -> GET / answered."""

    def __init__(self, binary, flags, cwd):
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            [binary, "dynamodb", "--port", "0", "--print-port"] + flags,
            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        RUNNING.append(self.proc)
        self.port = int(self.proc.stdout.readline())
        while True:
            try:
                if http(self.port, "GET")[0] == 200:
                    break
            except OSError:
                time.sleep(0.0002)
        self.ready_ms = (time.perf_counter() - t0) * 1000

    def stop(self):
        t0 = time.perf_counter()
        self.proc.terminate()
        if self.proc.wait() != 0:
            raise RuntimeError("the endpoint did not stop cleanly")
        return (time.perf_counter() - t0) * 1000


def fill(port, key, items):
    call(port, "CreateTable", {
        "TableName": "Bench", "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}, key=key)
    pad = "x" * 1000
    for start in range(0, items, 25):
        writes = [{"PutRequest": {"Item": {"pk": {"S": f"item{i:08d}"}, "pad": {"S": pad}}}}
                  for i in range(start, min(items, start + 25))]
        call(port, "BatchWriteItem", {"RequestItems": {"Bench": writes}}, key=key)


def summary(values):
    return f"median {statistics.median(values):7.1f} ms   max {max(values):7.1f} ms"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--items", type=int, default=100000, help="items of the existing database")
    ap.add_argument("--databases", type=int, default=20, help="per-key databases existing")
    args = ap.parse_args()
    args.binary = os.path.abspath(args.binary)
    work = tempfile.mkdtemp(prefix="endpoint-startup-")
    try:
        ref = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            subprocess.run([args.binary, "--help"], stdout=subprocess.DEVNULL, check=False)
            ref.append((time.perf_counter() - t0) * 1000)
        print(f"reference: the process alone (--help)           {summary(ref)}")
        ref_median = statistics.median(ref)

        def measure(label, flags, prepare=None, first_request=None):
            ready, first, stop = [], [], []
            for _ in range(args.runs):
                if prepare:
                    prepare()
                e = Endpoint(args.binary, flags, work)
                ready.append(e.ready_ms)
                if first_request:
                    t0 = time.perf_counter()
                    first_request(e.port)
                    first.append((time.perf_counter() - t0) * 1000)
                stop.append(e.stop())
            ratio = statistics.median(ready) / ref_median
            print(f"{label:48s} {summary(ready)}   ({ratio:.1f}x the reference)")
            if first:
                print(f"{'  then its first request':48s} {summary(first)}")
            print(f"{'  SIGTERM until exit':48s} {summary(stop)}")

        empty = os.path.join(work, "empty")
        measure("per key, empty data directory", ["--data-dir", empty],
                prepare=lambda: shutil.rmtree(empty, ignore_errors=True),
                first_request=lambda port: call(port, "ListTables", {}, key="AKIDNEW"))
        measure("--shared-db, empty data directory", ["--data-dir", empty, "--shared-db"],
                prepare=lambda: shutil.rmtree(empty, ignore_errors=True))
        measure("--in-memory", ["--in-memory"],
                first_request=lambda port: call(port, "ListTables", {}, key="AKIDNEW"))

        # Existing data: per-key databases with a table each, and one shared database holding
        # --items items of 1 KB (written through the endpoint, then closed cleanly).
        per_key = os.path.join(work, "per-key")
        e = Endpoint(args.binary, ["--data-dir", per_key], work)
        for d in range(args.databases):
            fill(e.port, f"AKIDWORKER{d}", 100)
        e.stop()
        measure(f"per key, {args.databases} existing databases", ["--data-dir", per_key],
                first_request=lambda port: call(port, "GetItem", {
                    "TableName": "Bench", "Key": {"pk": {"S": "item00000007"}}},
                    key=f"AKIDWORKER{args.databases // 2}"))
        shared = os.path.join(work, "shared")
        e = Endpoint(args.binary, ["--data-dir", shared, "--shared-db"], work)
        t0 = time.perf_counter()
        fill(e.port, "AKIDBENCH", args.items)
        print(f"(wrote {args.items} items of 1 KB in {time.perf_counter() - t0:.1f} s; "
              f"SIGTERM until exit, memtables flushed: {e.stop():.0f} ms)")
        measure(f"--shared-db, {args.items} items existing", ["--data-dir", shared, "--shared-db"],
                first_request=lambda port: call(port, "GetItem", {
                    "TableName": "Bench", "Key": {"pk": {"S": "item00000007"}}}))
    finally:
        for proc in RUNNING:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
