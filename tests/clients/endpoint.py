"""Starts `issuetracker dynamodb` on a free loopback port for a client test, and stops it
with SIGTERM, checking that it exits cleanly (graceful shutdown, store closed)."""
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile


class Endpoint:
    """`data_dir`: the store's directory (default: one in a temporary directory removed by
    stop())."""

    def __init__(self, binary, extra_args=(), data_dir=None, threads=2):
        self.dir = tempfile.TemporaryDirectory(prefix="issuetracker-client-test-")
        self.stderr_path = os.path.join(self.dir.name, "stderr")
        self.stderr = open(self.stderr_path, "w")
        self.process = subprocess.Popen(
            [binary, "dynamodb", "--port", "0", "--print-port", "--threads", str(threads),
             "--data-dir", data_dir or os.path.join(self.dir.name, "db"), *extra_args],
            stdout=subprocess.PIPE, stderr=self.stderr, stdin=subprocess.DEVNULL)
        line = self.process.stdout.readline().decode().strip()
        if not line.isdigit():
            self.process.kill()
            self.process.wait()
            raise RuntimeError("the endpoint did not start: " + self.log())
        self.port = int(line)
        self.url = "http://127.0.0.1:%d" % self.port

    def log(self):
        self.stderr.flush()
        with open(self.stderr_path) as f:
            return f.read()

    def stop(self, sig=signal.SIGTERM):
        """Sends `sig` (SIGTERM or SIGINT); returns the exit code after checking that the
        process exited 0 with its shutdown message."""
        self.process.send_signal(sig)
        code = self.process.wait(timeout=60)
        log = self.log()
        if code != 0 or "stopped; the store is closed" not in log:
            raise AssertionError("unclean shutdown (exit %d):\n%s" % (code, log))
        self.dir.cleanup()
        return code

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.dir.cleanup()


def stream_records(streams, arn, pages=10):
    """Every record of the stream `arn` (a boto3 dynamodbstreams client), shard by shard
    from TRIM_HORIZON, until a shard has no more."""
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard["ShardId"],
                                        ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
        for _ in range(pages):
            r = streams.get_records(ShardIterator=it, Limit=100)
            records += r["Records"]
            it = r.get("NextShardIterator")
            if not it or not r["Records"]:
                break
    return records


def skip(reason):
    """Exit code 77: CTest reports the test skipped (SKIP_RETURN_CODE)."""
    print("SKIPPED: " + reason)
    sys.exit(77)


class Server:
    """A keep-alive connection that sends raw, SigV4-signed DynamoDB JSON requests (signed by
    botocore, so that the body may be anything, malformed JSON included)."""

    def __init__(self, name, port, timeout=30):
        try:
            from botocore.auth import SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
        except ImportError as e:  # pragma: no cover
            skip("botocore is not installed (python3-botocore): %s" % e)
        self._auth = SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), "dynamodb", "us-east-1")
        self._request = AWSRequest
        self.name = name
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def call(self, operation, body, raw=None):
        """(HTTP status, parsed body) of `operation` with `body` (or the text `raw`)."""
        payload = (raw if raw is not None else json.dumps(body)).encode()
        prefix = "DynamoDBStreams_20120810" if operation in ("ListStreams",) else "DynamoDB_20120810"
        req = self._request(method="POST", url="http://127.0.0.1:%d/" % self.port, data=payload, headers={
            "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": prefix + "." + operation})
        self._auth.add_auth(req)
        self.conn.request("POST", "/", body=payload, headers=dict(req.headers.items()))
        r = self.conn.getresponse()
        data = r.read()
        try:
            parsed = json.loads(data) if data else {}
        except ValueError:
            parsed = {"__raw": data.decode(errors="replace")}
        return r.status, parsed
