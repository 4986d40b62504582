"""Trails deliver CloudTrail log files into buckets: layout, selection, StopLogging, kill -9."""
import collections
import datetime
import gzip
import json
import re
import threading
import time
import uuid

import pytest

from conftest import Server, ingest
from records import now, record

KEY = re.compile(r"^(?:(?P<prefix>.+)/)?AWSLogs/(?P<account>\d{12})/CloudTrail/(?P<region>[a-z0-9-]+)/"
                 r"(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/(?P=account)_CloudTrail_(?P=region)_"
                 r"(?P<stamp>\d{8}T\d{4}Z)_(?P<unique>[A-Za-z0-9]{16})\.json\.gz$")


@pytest.fixture(scope="module")
def fast(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("delivery") / "data",
               extra_args=["--delivery-interval", "1s"]).start()
    yield s
    s.stop()


def delivered(srv, bucket):
    """{key: [records]} of every log file in a local bucket."""
    root = srv.data_dir / "buckets" / bucket
    out = {}
    for path in root.rglob("*.json.gz"):
        key = path.relative_to(root).as_posix()
        with gzip.open(path, "rt") as f:
            out[key] = json.load(f)["Records"]
    return out


def wait_for(srv, bucket, predicate, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        files = delivered(srv, bucket)
        if predicate(files):
            return files
        time.sleep(0.3)
    raise AssertionError(f"delivery did not happen within {timeout}s: {sorted(delivered(srv, bucket))}")


def make_trail(srv, bucket, name, *extra):
    srv.aws("s3api", "create-bucket", "--bucket", bucket)
    srv.aws("cloudtrail", "create-trail", "--name", name, "--s3-bucket-name", bucket, *extra)
    srv.aws("cloudtrail", "start-logging", "--name", name)


def test_files_follow_cloudtrails_layout_and_stop_logging_is_delivered(fast):
    bucket, name = f"logs-{uuid.uuid4().hex[:8]}", f"trail-{uuid.uuid4().hex[:6]}"
    make_trail(fast, bucket, name, "--is-multi-region-trail", "--s3-key-prefix", "audit/prod")
    fast.aws("sts", "get-caller-identity")
    fast.aws("sts", "get-caller-identity", region="eu-west-1")
    fast.aws("cloudtrail", "stop-logging", "--name", name)
    fast.aws("cloudtrail", "describe-trails")  # after StopLogging: not delivered

    files = wait_for(fast, bucket, lambda f: any(
        r["eventName"] == "StopLogging" for recs in f.values() for r in recs))
    time.sleep(2.5)  # two more delivery rounds: nothing after StopLogging may appear
    files = delivered(fast, bucket)
    account = fast.aws("sts", "get-caller-identity")["Account"]
    names = collections.Counter()
    for key, recs in files.items():
        m = KEY.match(key)
        assert m, key
        assert m["prefix"] == "audit/prod" and m["account"] == account
        assert all(r["awsRegion"] == m["region"] for r in recs)
        stamp = datetime.datetime.strptime(m["stamp"], "%Y%m%dT%H%MZ")
        assert (m["y"], m["m"], m["d"]) == (stamp.strftime("%Y"), stamp.strftime("%m"), stamp.strftime("%d"))
        names.update((r["eventName"], r["awsRegion"]) for r in recs)
    assert names[("StartLogging", "us-east-1")] == 1
    assert names[("GetCallerIdentity", "us-east-1")] == 1
    assert names[("GetCallerIdentity", "eu-west-1")] == 1
    assert names[("StopLogging", "us-east-1")] == 1
    assert ("DescribeTrails", "us-east-1") not in names
    status = fast.aws("cloudtrail", "get-trail-status", "--name", name)
    assert status["IsLogging"] is False and "LatestDeliveryTime" in status


def test_selectors_choose_what_lands_in_the_files(fast):
    bucket, name = f"logs-{uuid.uuid4().hex[:8]}", f"trail-{uuid.uuid4().hex[:6]}"
    fast.aws("s3api", "create-bucket", "--bucket", bucket)
    fast.aws("cloudtrail", "create-trail", "--name", name, "--s3-bucket-name", bucket)
    fast.aws("cloudtrail", "put-event-selectors", "--trail-name", name, "--advanced-event-selectors",
             json.dumps([{"Name": "writes", "FieldSelectors": [
                 {"Field": "eventCategory", "Equals": ["Management"]},
                 {"Field": "readOnly", "Equals": ["false"]},
                 {"Field": "eventSource", "NotEquals": ["s3.amazonaws.com"]}]}]))
    fast.aws("cloudtrail", "start-logging", "--name", name)
    fast.aws("sts", "get-caller-identity")                   # read: not selected
    other = f"other-{uuid.uuid4().hex[:8]}"
    fast.aws("s3api", "create-bucket", "--bucket", other)      # write, but s3: excluded
    fast.aws("s3api", "delete-bucket", "--bucket", other)
    account = fast.aws("sts", "get-caller-identity")["Account"]
    fast.aws("cloudtrail", "add-tags", "--resource-id",        # write: selected
             f"arn:aws:cloudtrail:us-east-1:{account}:trail/{name}", "--tags-list", "Key=k,Value=v")
    fast.aws("cloudtrail", "add-tags", "--resource-id",        # another region: not this trail's
             f"arn:aws:cloudtrail:us-east-1:{account}:trail/{name}", "--tags-list", "Key=k,Value=v",
             region="eu-west-1", check=False)

    files = wait_for(fast, bucket, lambda f: any(
        r["eventName"] == "AddTags" for recs in f.values() for r in recs))
    names = {r["eventName"] for recs in files.values() for r in recs}
    assert {"StartLogging", "AddTags"} <= names
    assert not names & {"GetCallerIdentity", "CreateBucket", "DeleteBucket"}
    assert all(r["awsRegion"] == "us-east-1" for recs in files.values() for r in recs)


def test_kill_during_delivery_loses_and_duplicates_nothing(fresh_server):
    srv = fresh_server
    srv.extra_args = ["--delivery-interval", "1s"]
    srv.start()
    make_trail(srv, "crash-logs", "crash-trail", "--is-multi-region-trail")
    base = now() - datetime.timedelta(hours=2)
    acked, lock, stop = [], threading.Lock(), threading.Event()

    def client(n):
        i = 0
        while not stop.is_set():
            batch = [record(base + datetime.timedelta(seconds=j), name=f"Crash{n}",
                            source="crashdelivery.amazonaws.com",
                            region=["us-east-1", "eu-west-1"][j % 2]) for j in range(50)]
            i += 1
            try:
                status, _, _ = ingest(srv, batch)
            except OSError:
                return
            if status == 200:
                with lock:
                    acked.extend(r["eventID"] for r in batch)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    deadline = time.time() + 30
    while time.time() < deadline:
        with lock:
            if len(acked) >= 3000 and delivered(srv, "crash-logs"):
                break
        time.sleep(0.1)
    srv.kill()
    stop.set()
    for t in threads:
        t.join()
    assert delivered(srv, "crash-logs"), "some files were delivered before the kill"

    srv.start()
    want = set(acked)

    def complete(files):
        seen = {r["eventID"] for recs in files.values() for r in recs}
        return want <= seen

    files = wait_for(srv, "crash-logs", complete, timeout=60)
    counts = collections.Counter(r["eventID"] for recs in files.values() for r in recs
                                 if r["eventSource"] == "crashdelivery.amazonaws.com")
    assert not [i for i, c in counts.items() if c > 1], "an event was delivered twice"
    assert want <= set(counts)
