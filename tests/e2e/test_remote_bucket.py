"""Delivery into a remote S3-compatible bucket (issue 3): s3rver on 127.0.0.1, registered with
`serve --buckets-config`; the trail is made with the AWS CLI, the files are read back from s3rver
with boto3. s3rver going away for a while loses and duplicates nothing."""
import collections
import datetime
import gzip
import json
import time
import uuid

from conftest import generate, ingest
from records import now, record
from test_delivery import KEY

SOURCE = "remotedelivery.amazonaws.com"


def serve_with_remote(srv, tmp_path, *entries):
    """Starts `srv` with the remote buckets `entries` and a one-second delivery interval."""
    config = tmp_path / "buckets.json"
    config.write_text(json.dumps(list(entries)))
    srv.extra_args = ["--buckets-config", str(config), "--delivery-interval", "1s"]
    return srv.start()


def make_trail(srv, bucket, name):
    srv.aws("cloudtrail", "create-trail", "--name", name, "--s3-bucket-name", bucket)
    srv.aws("cloudtrail", "start-logging", "--name", name)


def remote_files(s3, bucket):
    """{key: [records]} of every object in the remote bucket."""
    out = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            body = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
            out[obj["Key"]] = json.loads(gzip.decompress(body))["Records"]
    return out


def event_counts(files, ids=None):
    """eventID → how many times it was delivered, over every file (only `ids` if given)."""
    return collections.Counter(r["eventID"] for recs in files.values() for r in recs
                               if ids is None or r["eventID"] in ids)


def wait_for_events(s3, bucket, want, timeout):
    """Waits until every eventID of `want` is in the bucket; returns the files."""
    deadline = time.time() + timeout
    while True:
        files = remote_files(s3, bucket)
        missing = want - set(event_counts(files))
        if not missing:
            return files
        if time.time() > deadline:
            raise AssertionError(f"{len(missing)} of {len(want)} events not delivered within "
                                 f"{timeout}s; objects: {sorted(files)}")
        time.sleep(0.3)


def trail_status(srv, name, timeout):
    """GetTrailStatus, asserting that it is answered within `timeout` seconds."""
    started = time.time()
    status = srv.client().get_trail_status(Name=name)
    assert time.time() - started < timeout, "GetTrailStatus was slow to answer"
    return status


def wait_for_status(srv, name, predicate, timeout, what):
    deadline = time.time() + timeout
    while True:
        status = trail_status(srv, name, 5)
        if predicate(status):
            return status
        if time.time() > deadline:
            raise AssertionError(f"{what} within {timeout}s: {status}")
        time.sleep(0.3)


def acked_ingest(srv, records):
    status, body, _ = ingest(srv, records)
    assert status == 200 and body["Ingested"] == len(records), body
    return {r["eventID"] for r in records}


def batch(n, name):
    base = now() - datetime.timedelta(minutes=30)
    return [record(base + datetime.timedelta(seconds=i), name=name, source=SOURCE)
            for i in range(n)]


def test_remote_files_follow_cloudtrails_layout_and_hold_each_selected_event_once(
        fresh_server, s3rver, tmp_path):
    bucket, name = "remote-logs", f"trail-{uuid.uuid4().hex[:6]}"
    s3 = s3rver.client()
    s3.create_bucket(Bucket=bucket)
    srv = serve_with_remote(fresh_server, tmp_path, s3rver.bucket_config(bucket))
    make_trail(srv, bucket, name)

    start = (now() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = generate(tmp_path, 600, 7, "records", "events.json", start=start, span_hours=1)
    records = json.loads(out.read_text())["Records"]
    ingested = acked_ingest(srv, records)
    # A single-region trail in us-east-1 with the default selectors: its region's management
    # events, no data events, nothing from the other regions.
    selected = {r["eventID"] for r in records
                if r["awsRegion"] == "us-east-1" and r["eventCategory"] == "Management"}
    assert 0 < len(selected) < len(records)

    wait_for_events(s3, bucket, selected, timeout=30)
    time.sleep(2.5)  # two more delivery rounds: nothing may be written again
    files = remote_files(s3, bucket)
    counts = event_counts(files, ingested)
    assert set(counts) == selected
    assert [i for i, c in counts.items() if c > 1] == []
    assert "StartLogging" in {r["eventName"] for recs in files.values() for r in recs}

    for key, recs in files.items():
        m = KEY.match(key)
        assert m and m["prefix"] is None, key
        assert recs and all(r["awsRegion"] == m["region"] == "us-east-1" for r in recs), key
        assert all(r.get("recipientAccountId", m["account"]) == m["account"] for r in recs), key
        stamp = datetime.datetime.strptime(m["stamp"], "%Y%m%dT%H%MZ")
        assert (m["y"], m["m"], m["d"]) == (stamp.strftime("%Y"), stamp.strftime("%m"),
                                            stamp.strftime("%d"))
        head = s3.head_object(Bucket=bucket, Key=key)
        assert head["ContentType"] == "application/x-gzip"

    status = trail_status(srv, name, 5)
    assert status["IsLogging"] and "LatestDeliveryTime" in status
    assert not status.get("LatestDeliveryError")


def test_remote_down_for_a_while_then_back_loses_and_duplicates_nothing(
        fresh_server, s3rver, tmp_path):
    bucket, name = "remote-outage", f"trail-{uuid.uuid4().hex[:6]}"
    s3 = s3rver.client()
    s3.create_bucket(Bucket=bucket)
    srv = serve_with_remote(fresh_server, tmp_path, s3rver.bucket_config(bucket))
    make_trail(srv, bucket, name)

    acked = acked_ingest(srv, batch(200, "BeforeOutage"))
    wait_for_events(s3, bucket, acked, timeout=30)

    s3rver.stop()  # its directory, with the objects delivered so far, stays
    acked |= acked_ingest(srv, batch(300, "DuringOutage"))
    status = wait_for_status(srv, name, lambda s: s.get("LatestDeliveryError"), 30,
                             "no LatestDeliveryError while s3rver is down")
    print("LatestDeliveryError while down:", status["LatestDeliveryError"])
    # The server keeps answering and acknowledging while its deliveries fail.
    acked |= acked_ingest(srv, batch(300, "StillDown"))
    srv.aws("sts", "get-caller-identity")
    assert trail_status(srv, name, 5)["IsLogging"]

    s3rver.start()
    files = wait_for_events(s3, bucket, acked, timeout=40)
    counts = event_counts(files, acked)
    assert [i for i, c in counts.items() if c > 1] == [], "an event was delivered twice"
    assert set(counts) == acked
    wait_for_status(srv, name, lambda s: not s.get("LatestDeliveryError"), 20,
                    "LatestDeliveryError did not clear after s3rver came back")
    for key in files:
        assert KEY.match(key), key


def test_create_trail_refuses_a_bucket_the_remote_server_lacks(fresh_server, s3rver, tmp_path):
    bucket, name = "remote-missing", f"trail-{uuid.uuid4().hex[:6]}"
    srv = serve_with_remote(fresh_server, tmp_path, s3rver.bucket_config(bucket))
    result = srv.aws("cloudtrail", "create-trail", "--name", name, "--s3-bucket-name", bucket,
                     check=False)
    assert result.returncode != 0
    assert "S3BucketDoesNotExistException" in result.stderr, result.stderr
    assert srv.client().describe_trails()["trailList"] == []


def test_a_remote_bucket_that_goes_away_reports_no_such_bucket_then_recovers(
        fresh_server, s3rver, tmp_path):
    bucket, name = "remote-vanishing", f"trail-{uuid.uuid4().hex[:6]}"
    s3 = s3rver.client()
    s3.create_bucket(Bucket=bucket)
    srv = serve_with_remote(fresh_server, tmp_path, s3rver.bucket_config(bucket))
    make_trail(srv, bucket, name)
    # Empty it (a first delivery may have landed) and remove it while the trail logs.
    for key in remote_files(s3, bucket):
        s3.delete_object(Bucket=bucket, Key=key)
    s3.delete_bucket(Bucket=bucket)
    acked = acked_ingest(srv, batch(50, "BucketGone"))

    status = wait_for_status(srv, name, lambda s: s.get("LatestDeliveryError"), 20,
                             "no LatestDeliveryError for a missing remote bucket")
    assert status["LatestDeliveryError"] == "NoSuchBucket"

    # Once the bucket exists again the pending events arrive, once, and the error clears.
    s3.create_bucket(Bucket=bucket)
    files = wait_for_events(s3, bucket, acked, timeout=30)
    assert [i for i, c in event_counts(files, acked).items() if c > 1] == []
    wait_for_status(srv, name, lambda s: not s.get("LatestDeliveryError"), 20,
                    "LatestDeliveryError did not clear once the bucket existed")
