"""Signs requests with botocore's SigV4Auth, for sigv4_test.cc.

Reads a JSON list of requests (method, url, headers as [name, value] pairs, base64 body,
region, service, credentials and the signing time) from the file named by argv[1] and
prints, for each, one line: the X-Amz-Date and Authorization headers botocore added,
separated by a tab.
"""
import base64
import datetime as _dt
import json
import sys

import botocore.auth
import botocore.awsrequest
import botocore.credentials


class _FixedClock:
    now = None


class _FixedDateTime(_dt.datetime):
    @classmethod
    def utcnow(cls):
        return _FixedClock.now

    @classmethod
    def now(cls, tz=None):
        return _FixedClock.now if tz is None else _FixedClock.now.replace(tzinfo=tz)


class _DateTimeModule:
    datetime = _FixedDateTime
    timezone = _dt.timezone
    timedelta = _dt.timedelta


# botocore reads the clock through its module's `datetime` (older releases) or through
# get_current_datetime (newer ones): pin both.
botocore.auth.datetime = _DateTimeModule
if hasattr(botocore.auth, "get_current_datetime"):
    botocore.auth.get_current_datetime = lambda *args, **kwargs: _FixedClock.now


def main():
    with open(sys.argv[1]) as f:
        requests = json.load(f)
    for r in requests:
        _FixedClock.now = _dt.datetime.utcfromtimestamp(r["time"])
        request = botocore.awsrequest.AWSRequest(
            method=r["method"], url=r["url"], data=base64.b64decode(r["body"]))
        for name, value in r["headers"]:
            request.headers[name] = value
        credentials = botocore.credentials.Credentials(
            r["access_key"], r["secret_key"], r["token"] or None)
        botocore.auth.SigV4Auth(credentials, r["service"], r["region"]).add_auth(request)
        print(request.headers["X-Amz-Date"] + "\t" + request.headers["Authorization"])


main()
