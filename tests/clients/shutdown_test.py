#!/usr/bin/python3
"""Graceful shutdown of `issuetracker dynamodb`: while several clients write without pause,
SIGINT (then, on the reopened store, SIGTERM) stops the process. It must exit 0 with its
"store is closed" message; every request that was in flight when the signal came and
whose answer arrived must have been answered whole (status 200, a JSON body); and after
the store is reopened by a new process, every write that was acknowledged is there.

Usage: shutdown_test.py <issuetracker binary>. Exit 0 on success, 77 without botocore."""
import http.client
import os
import signal
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from endpoint import Endpoint, Server  # noqa: E402

WRITERS = 6
PAD = "x" * 4000  # ~100 KB per BatchWriteItem: long enough to be caught in flight


class Writer(threading.Thread):
    def __init__(self, port, index, signalled, prefix):
        super().__init__(daemon=True)
        self.server = Server("endpoint", port)
        self.index = index
        self.prefix = prefix  # keys differ between rounds
        self.signalled = signalled  # set just before the signal is sent
        self.acknowledged = []
        self.straddling = 0  # requests sent before the signal, answered after it
        self.bad = []

    def run(self):
        n = 0
        while True:
            keys = ["%s%d-%d" % (self.prefix, self.index, n + i) for i in range(25)]
            n += 25
            body = {"RequestItems": {"Writes": [{"PutRequest": {"Item": {"pk": {"S": k}, "pad": {"S": PAD}}}}
                                           for k in keys]}}
            before = self.signalled.is_set()
            try:
                status, reply = self.server.call("BatchWriteItem", body)
            except (OSError, http.client.BadStatusLine):
                return  # refused, or closed before an answer began: the server has stopped
            except Exception as e:  # an answer cut off: an in-flight request not finished
                self.bad.append(("exception", repr(e)))
                return
            if not before and self.signalled.is_set():
                self.straddling += 1
            if status != 200 or reply.get("UnprocessedItems"):
                self.bad.append((status, reply))
                return
            self.acknowledged += keys


def round_trip(binary, data_dir, sig, create):
    endpoint = Endpoint(binary, data_dir=data_dir)
    try:
        admin = Server("admin", endpoint.port)
        if create:
            status, reply = admin.call("CreateTable", {
                "TableName": "Writes", "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]})
            assert status == 200, reply
        signalled = threading.Event()
        writers = [Writer(endpoint.port, i, signalled, sig.name) for i in range(WRITERS)]
        for w in writers:
            w.start()
        time.sleep(0.5)
        signalled.set()
        endpoint.stop(sig)  # asserts exit 0 and "stopped; the store is closed"
        for w in writers:
            w.join(timeout=30)
            assert not w.is_alive(), "a writer hung after the shutdown"
    except BaseException:
        print(endpoint.log(), file=sys.stderr)
        endpoint.kill()
        raise
    bad = [b for w in writers for b in w.bad]
    assert not bad, "requests answered with errors during the shutdown: %s" % bad[:3]
    return sum((w.acknowledged for w in writers), []), sum(w.straddling for w in writers)


def count_items(binary, data_dir, keys):
    endpoint = Endpoint(binary, data_dir=data_dir)
    try:
        admin = Server("admin", endpoint.port)
        missing = []
        for i in range(0, len(keys), 100):
            chunk = keys[i:i + 100]
            request = {"RequestItems": {"Writes": {"Keys": [{"pk": {"S": k}} for k in chunk],
                                              "ProjectionExpression": "pk"}}}
            found = set()
            while request["RequestItems"]:
                status, reply = admin.call("BatchGetItem", request)
                assert status == 200, reply
                found |= {i["pk"]["S"] for i in reply["Responses"].get("Writes", [])}
                request = {"RequestItems": reply.get("UnprocessedKeys", {})}
            missing += [k for k in chunk if k not in found]
        status, reply = admin.call("Scan", {"TableName": "Writes", "Select": "COUNT"})
        total = reply.get("Count", 0)
        while "LastEvaluatedKey" in reply:
            status, reply = admin.call("Scan", {"TableName": "Writes", "Select": "COUNT",
                                                "ExclusiveStartKey": reply["LastEvaluatedKey"]})
            total += reply.get("Count", 0)
    finally:
        endpoint.stop()
    return missing, total


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: shutdown_test.py <issuetracker binary>")
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory(prefix="issuetracker-shutdown-") as tmp:
        data_dir = os.path.join(tmp, "db")
        acknowledged, straddling = [], 0
        for i, sig in enumerate((signal.SIGINT, signal.SIGTERM)):
            acked, s = round_trip(binary, data_dir, sig, create=(i == 0))
            acknowledged += acked
            straddling += s
        missing, total = count_items(binary, data_dir, acknowledged)
        assert not missing, "%d acknowledged writes lost, e.g. %s" % (len(missing), missing[:5])
        assert len(set(acknowledged)) == len(acknowledged)
        assert total >= len(acknowledged), (total, len(acknowledged))
        # Requests sent before the signal and answered (whole, 200) after it: the in-flight
        # requests were finished, not cut off.
        assert straddling > 0, "no request was in flight at a signal: nothing was tested"
    print("SIGINT and SIGTERM: %d acknowledged writes all kept (%d items stored), %d requests in "
          "flight at the signals answered whole" % (len(acknowledged), total, straddling))


if __name__ == "__main__":
    main()
