"""The S3 read API over delivered log files (issue 5, item 1): AWS CLI v2 and v1, boto3."""
import gzip
import hashlib
import json
import subprocess
import time
import urllib.parse
import urllib.request
import uuid

import botocore.exceptions
import pytest

from conftest import AWS, Server, ingest
from records import now, record

AWS_V1 = "/root/.pyenv/shims/aws"
ODD_KEY = "odd dir/sp ace+plus \u00e9t\u00e9.txt"


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def keys_on_disk(srv, bucket):
    root = srv.data_dir / "buckets" / bucket
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    """A server whose trail delivered the ingested records into a local bucket, then stopped:
    the bucket's contents no longer change. Yields (server, bucket, event ids)."""
    srv = Server(tmp_path_factory.mktemp("s3objects") / "data",
                 extra_args=["--delivery-interval", "1s"]).start()
    bucket, name = f"logs-{uuid.uuid4().hex[:8]}", f"trail-{uuid.uuid4().hex[:6]}"
    srv.aws("s3api", "create-bucket", "--bucket", bucket)
    srv.aws("cloudtrail", "create-trail", "--name", name, "--s3-bucket-name", bucket)
    srv.aws("cloudtrail", "start-logging", "--name", name)
    ids = set()
    for batch in range(3):  # three deliveries: several files
        recs = [record(now(), name=f"Call{batch}") for _ in range(20)]
        ids.update(r["eventID"] for r in recs)
        status, body, _ = ingest(srv, recs)
        assert status == 200, body
        time.sleep(1.2)
    srv.aws("cloudtrail", "stop-logging", "--name", name)
    deadline = time.time() + 30
    while True:
        seen = b""
        for key in keys_on_disk(srv, bucket):
            seen += gzip.decompress((srv.data_dir / "buckets" / bucket / key).read_bytes())
        if b'"StopLogging"' in seen:
            break
        assert time.time() < deadline, "StopLogging was not delivered"
        time.sleep(0.3)
    time.sleep(2.5)  # the delivery rounds after StopLogging write nothing more
    yield srv, bucket, ids
    srv.stop()


def test_cli_ls_recursive_and_cp_to_stdout(logs):
    srv, bucket, ids = logs
    env = srv.env()
    p = subprocess.run([AWS, "s3", "ls", f"s3://{bucket}/AWSLogs/", "--recursive",
                        "--endpoint-url", srv.endpoint], env=env, capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    listed = [line.split(None, 3)[3] for line in p.stdout.splitlines()]
    disk = keys_on_disk(srv, bucket)
    assert listed == disk and len(disk) >= 3
    sizes = {line.split(None, 3)[3]: int(line.split()[2]) for line in p.stdout.splitlines()}
    assert all(sizes[k] == (srv.data_dir / "buckets" / bucket / k).stat().st_size for k in disk)

    found = set()
    for key in disk:
        p = subprocess.run([AWS, "s3", "cp", f"s3://{bucket}/{key}", "-",
                            "--endpoint-url", srv.endpoint], env=env, capture_output=True,
                           timeout=120)
        assert p.returncode == 0, p.stderr
        found.update(r["eventID"] for r in json.loads(gzip.decompress(p.stdout))["Records"])
    assert ids <= found

    # `aws s3 ls` of a folder: PRE lines for common prefixes.
    p = subprocess.run([AWS, "s3", "ls", f"s3://{bucket}/AWSLogs/", "--endpoint-url", srv.endpoint],
                       env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    accounts = sorted({k.split("/")[1] + "/" for k in disk})
    assert [line.split() for line in p.stdout.splitlines()] == [["PRE", a] for a in accounts]


def test_cli_v1_ls(logs):
    srv, bucket, _ = logs
    p = subprocess.run([AWS_V1, "s3", "ls", f"s3://{bucket}/", "--recursive",
                        "--endpoint-url", srv.endpoint], env=srv.env(), capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert [line.split(None, 3)[3] for line in p.stdout.splitlines()] == keys_on_disk(srv, bucket)
    p = subprocess.run([AWS_V1, "s3api", "get-object", "--bucket", bucket, "--key", "nope",
                        "/dev/null", "--endpoint-url", srv.endpoint], env=srv.env(),
                       capture_output=True, text=True, timeout=120)
    assert p.returncode != 0 and "NoSuchKey" in p.stderr


def test_boto3_list_objects_v1_with_marker_and_url_encoding(logs):
    srv, bucket, _ = logs
    s3 = srv.client("s3")
    disk = keys_on_disk(srv, bucket)
    got, marker, pages = [], "", 0
    while True:
        page = s3.list_objects(Bucket=bucket, Prefix="AWSLogs/", Marker=marker, MaxKeys=2,
                               EncodingType="url")
        pages += 1
        got += [o["Key"] for o in page.get("Contents", [])]
        assert all(o["ETag"].startswith('"') and o["StorageClass"] == "STANDARD"
                   for o in page.get("Contents", []))
        if not page["IsTruncated"]:
            break
        assert "NextMarker" not in page  # no delimiter: continue from the last key
        marker = got[-1]
    assert got == disk and pages >= 2
    # The paginator (as `validate-logs` lists digests) gives the same keys.
    paged = [o["Key"] for p in s3.get_paginator("list_objects").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 2}) for o in p.get("Contents", [])]
    assert paged == disk
    # With a delimiter: common prefixes and NextMarker.
    page = s3.list_objects(Bucket=bucket, Delimiter="/")
    assert [c["Prefix"] for c in page["CommonPrefixes"]] == ["AWSLogs/"]


def test_boto3_list_objects_v2_paginates(logs):
    srv, bucket, _ = logs
    s3 = srv.client("s3")
    disk = keys_on_disk(srv, bucket)
    pages = list(s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 2}))
    assert len(pages) >= 2
    assert [o["Key"] for p in pages for o in p.get("Contents", [])] == disk
    assert all(p["KeyCount"] == len(p.get("Contents", [])) for p in pages)
    after = s3.list_objects_v2(Bucket=bucket, StartAfter=disk[0])
    assert [o["Key"] for o in after["Contents"]] == disk[1:]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.list_objects_v2(Bucket=bucket, ContinuationToken="!!not-ours!!")
    assert error_code(e) == "InvalidArgument"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.list_objects_v2(Bucket="no-such-bucket-x")
    assert error_code(e) == "NoSuchBucket"


def test_get_object_range_head_object_and_conditionals(logs):
    srv, bucket, _ = logs
    s3 = srv.client("s3")
    key = keys_on_disk(srv, bucket)[0]
    data = (srv.data_dir / "buckets" / bucket / key).read_bytes()
    etag = '"' + hashlib.md5(data).hexdigest() + '"'
    whole = s3.get_object(Bucket=bucket, Key=key)
    assert whole["Body"].read() == data and whole["ETag"] == etag
    assert whole["ContentLength"] == len(data) and whole["AcceptRanges"] == "bytes"
    part = s3.get_object(Bucket=bucket, Key=key, Range="bytes=10-19")
    assert part["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert part["Body"].read() == data[10:20]
    assert part["ContentRange"] == f"bytes 10-19/{len(data)}"
    suffix = s3.get_object(Bucket=bucket, Key=key, Range="bytes=-5")
    assert suffix["Body"].read() == data[-5:]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_object(Bucket=bucket, Key=key, Range=f"bytes={len(data)}-")
    assert error_code(e) == "InvalidRange"

    head = s3.head_object(Bucket=bucket, Key=key)
    assert head["ContentLength"] == len(data) and head["ETag"] == etag
    assert head["LastModified"].year >= 2024
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_object(Bucket=bucket, Key=key, IfNoneMatch=etag)
    assert error_code(e) == "304"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_object(Bucket=bucket, Key=key, IfMatch='"0000"')
    assert error_code(e) == "PreconditionFailed"
    assert s3.get_object(Bucket=bucket, Key=key, IfMatch=etag)["Body"].read() == data

    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_object(Bucket=bucket, Key="AWSLogs/nope.json.gz")
    assert error_code(e) == "NoSuchKey"
    assert e.value.response["Error"]["Key"] == "AWSLogs/nope.json.gz"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.head_object(Bucket=bucket, Key="AWSLogs/nope.json.gz")
    assert error_code(e) == "404"
    p = srv.aws("s3api", "get-object", "--bucket", bucket, "--key", "nope", "/dev/null",
                check=False)
    assert p.returncode != 0 and "NoSuchKey" in p.stderr


def test_get_bucket_location(logs):
    srv, bucket, _ = logs
    s3 = srv.client("s3")
    assert s3.get_bucket_location(Bucket=bucket).get("LocationConstraint") is None
    srv.aws("s3api", "create-bucket", "--bucket", "eu-loc-bucket", "--create-bucket-configuration",
            "LocationConstraint=eu-west-1", region="eu-west-1")
    out = srv.aws("s3api", "get-bucket-location", "--bucket", "eu-loc-bucket")
    assert out["LocationConstraint"] == "eu-west-1"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_bucket_location(Bucket="no-such-bucket-x")
    assert error_code(e) == "NoSuchBucket"


def test_keys_with_spaces_plus_and_unicode_round_trip(logs):
    srv, bucket, _ = logs
    # An object written straight into the bucket's directory (no sidecar: as objects written
    # before sidecars carried ETags); the listing computes its ETag.
    path = srv.data_dir / "buckets" / bucket / ODD_KEY
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"hello world\n")
    s3 = srv.client("s3")
    # botocore asks for encoding-type=url itself and decodes the answer...
    page = s3.list_objects(Bucket=bucket, Prefix="odd dir/")
    assert [(o["Key"], o["ETag"]) for o in page["Contents"]] == [
        (ODD_KEY, '"6f5902ac237024bdd0c176cb93063dc4"')]
    # ...but leaves it to the caller who asked for it explicitly.
    page = s3.list_objects(Bucket=bucket, Prefix="odd dir/", EncodingType="url")
    assert [o["Key"] for o in page["Contents"]] == [urllib.parse.quote(ODD_KEY, safe="/")]
    page = s3.list_objects_v2(Bucket=bucket, Prefix="odd ", Delimiter="/")
    assert [c["Prefix"] for c in page["CommonPrefixes"]] == ["odd dir/"]
    assert s3.get_object(Bucket=bucket, Key=ODD_KEY)["Body"].read() == b"hello world\n"
    out = srv.aws("s3api", "list-objects", "--bucket", bucket, "--prefix", "odd dir/")
    assert [o["Key"] for o in out["Contents"]] == [ODD_KEY]
    s3.delete_object(Bucket=bucket, Key=ODD_KEY)
    assert not (srv.data_dir / "buckets" / bucket / "odd dir").exists()


def test_client_put_object_is_refused(logs):
    srv, bucket, _ = logs
    s3 = srv.client("s3")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.put_object(Bucket=bucket, Key="AWSLogs/forged.json.gz", Body=b"forged")
    assert error_code(e) == "AccessDenied"
    assert "delivery" in e.value.response["Error"]["Message"]
    assert not (srv.data_dir / "buckets" / bucket / "AWSLogs" / "forged.json.gz").exists()


def test_zz_delete_object_and_delete_objects(logs):
    """Runs last in the module: it removes delivered files."""
    srv, bucket, _ = logs
    s3 = srv.client("s3")
    disk = keys_on_disk(srv, bucket)
    assert len(disk) >= 3
    r = s3.delete_object(Bucket=bucket, Key=disk[0])
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    r = s3.delete_object(Bucket=bucket, Key=disk[0])  # gone already: still 204
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_object(Bucket=bucket, Key=disk[0])
    assert error_code(e) == "NoSuchKey"

    r = s3.delete_objects(Bucket=bucket, Delete={"Objects": [
        {"Key": disk[1]}, {"Key": "AWSLogs/never-there"}]})
    assert sorted(d["Key"] for d in r["Deleted"]) == sorted([disk[1], "AWSLogs/never-there"])
    assert "Errors" not in r
    out = srv.aws("s3api", "delete-objects", "--bucket", bucket, "--delete",
                  json.dumps({"Objects": [{"Key": k} for k in disk[2:]], "Quiet": True}))
    assert "Errors" not in out and "Deleted" not in out
    assert keys_on_disk(srv, bucket) == []
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0
    # The bucket is empty: it can go now.
    srv.aws("s3api", "delete-bucket", "--bucket", bucket)


def first_delivered_key(srv, bucket):
    """The first key of the bucket once a trail has delivered anything into it."""
    deadline = time.time() + 30
    while not keys_on_disk(srv, bucket):
        assert time.time() < deadline, "no log file was delivered"
        time.sleep(0.3)
    return keys_on_disk(srv, bucket)[0]


def delivered_records(srv, bucket):
    out = []
    for key in keys_on_disk(srv, bucket):
        if key.endswith(".json.gz") and "/CloudTrail/" in key:
            path = srv.data_dir / "buckets" / bucket / key
            out += json.loads(gzip.decompress(path.read_bytes()))["Records"]
    return out


def test_object_calls_are_data_events(tmp_path):
    """GetObject, HeadObject and a failed GetObject are data events (records.md §8): delivered by
    a trail that selects AWS::S3::Object for the bucket, not by one with the default selectors, and
    never returned by LookupEvents."""
    srv = Server(tmp_path / "data", extra_args=["--delivery-interval", "1s"]).start()
    try:
        account = srv.aws("sts", "get-caller-identity")["Account"]
        data_bucket, mgmt_bucket = f"data-{uuid.uuid4().hex[:8]}", f"mgmt-{uuid.uuid4().hex[:8]}"
        for b in (data_bucket, mgmt_bucket):
            srv.aws("s3api", "create-bucket", "--bucket", b)
        srv.aws("cloudtrail", "create-trail", "--name", "with-data", "--s3-bucket-name", data_bucket)
        srv.aws("cloudtrail", "put-event-selectors", "--trail-name", "with-data",
                "--event-selectors", json.dumps([{
                    "ReadWriteType": "All", "IncludeManagementEvents": True,
                    "DataResources": [{"Type": "AWS::S3::Object",
                                       "Values": [f"arn:aws:s3:::{data_bucket}/"]}]}]))
        srv.aws("cloudtrail", "create-trail", "--name", "default", "--s3-bucket-name", mgmt_bucket)
        for t in ("with-data", "default"):
            srv.aws("cloudtrail", "start-logging", "--name", t)
        key = first_delivered_key(srv, data_bucket)
        s3 = srv.client("s3")
        body = s3.get_object(Bucket=data_bucket, Key=key)["Body"].read()
        s3.head_object(Bucket=data_bucket, Key=key)
        with pytest.raises(botocore.exceptions.ClientError) as e:
            s3.get_object(Bucket=data_bucket, Key="AWSLogs/missing.json.gz")
        assert error_code(e) == "NoSuchKey"

        deadline = time.time() + 30
        while True:
            recs = delivered_records(srv, data_bucket)
            mine = {r["eventName"]: r for r in recs if r["eventSource"] == "s3.amazonaws.com"
                    and r["eventName"] in ("GetObject", "HeadObject")
                    and r["requestParameters"]["key"] == key}
            failed = [r for r in recs if r.get("errorCode") == "NoSuchKey"]
            if len(mine) == 2 and failed:
                break
            assert time.time() < deadline, f"data events not delivered: {sorted(mine)}"
            time.sleep(0.3)
        get = mine["GetObject"]
        assert get["eventCategory"] == "Data" and get["managementEvent"] is False
        assert get["readOnly"] is True and get["responseElements"] is None
        assert get["resources"] == [
            {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{data_bucket}/{key}"},
            {"accountId": account, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{data_bucket}"}]
        extra = get["additionalEventData"]
        assert extra["bytesTransferredOut"] == len(body) and extra["bytesTransferredIn"] == 0
        assert extra["SignatureVersion"] == "SigV4" and extra["AuthenticationMethod"] == "AuthHeader"
        assert get["requestParameters"]["bucketName"] == data_bucket
        assert mine["HeadObject"]["eventCategory"] == "Data"
        assert failed[0]["eventCategory"] == "Data" and failed[0]["eventName"] == "GetObject"

        # The default trail delivers management events only (its CreateTrail is there) …
        srv.aws("cloudtrail", "stop-logging", "--name", "default")
        deadline = time.time() + 30
        while not any(r["eventName"] == "StopLogging" for r in delivered_records(srv, mgmt_bucket)):
            assert time.time() < deadline, "StopLogging was not delivered"
            time.sleep(0.3)
        plain = delivered_records(srv, mgmt_bucket)
        assert all(r["eventCategory"] == "Management" for r in plain)
        assert not any(r["eventName"] in ("GetObject", "HeadObject") for r in plain)
        # … and the event history has no data events.
        ct = srv.client()
        for name in ("GetObject", "HeadObject"):
            found = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName",
                                                        "AttributeValue": name}])["Events"]
            assert found == []
        bucket_calls = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName",
                                                           "AttributeValue": "CreateBucket"}])
        assert len(bucket_calls["Events"]) == 2  # bucket-level calls stay management events
    finally:
        srv.stop()


def recorded_total(srv):
    with urllib.request.urlopen(srv.endpoint + "/metrics", timeout=30) as r:
        for line in r.read().decode().splitlines():
            if line.startswith("opentrail_events_recorded_total "):
                return int(line.split()[1])
    raise AssertionError("opentrail_events_recorded_total is missing from /metrics")


def test_data_events_are_recorded_only_while_a_trail_may_select_them(tmp_path):
    """As in CloudTrail, a data event is logged only for the trails that select it: while no trail
    selects data events, GetObject and HeadObject leave no record (and wait for no commit); once
    one does, they are recorded again and delivered; dropping the selector stops it again."""
    srv = Server(tmp_path / "data", extra_args=["--delivery-interval", "1s"]).start()
    try:
        bucket = f"logs-{uuid.uuid4().hex[:8]}"
        srv.aws("s3api", "create-bucket", "--bucket", bucket)
        srv.aws("cloudtrail", "create-trail", "--name", "reader", "--s3-bucket-name", bucket)
        srv.aws("cloudtrail", "start-logging", "--name", "reader")
        key = first_delivered_key(srv, bucket)
        s3 = srv.client("s3")

        def read_object():
            s3.get_object(Bucket=bucket, Key=key)["Body"].read()
            s3.head_object(Bucket=bucket, Key=key)

        before = recorded_total(srv)
        read_object()
        assert recorded_total(srv) == before, "unselected data events were recorded"

        data = [{"ReadWriteType": "All", "IncludeManagementEvents": True,
                 "DataResources": [{"Type": "AWS::S3::Object",
                                    "Values": [f"arn:aws:s3:::{bucket}/"]}]}]
        srv.aws("cloudtrail", "put-event-selectors", "--trail-name", "reader",
                "--event-selectors", json.dumps(data))
        before = recorded_total(srv)
        read_object()
        assert recorded_total(srv) == before + 2
        deadline = time.time() + 30
        while not any(r["eventName"] == "HeadObject" for r in delivered_records(srv, bucket)):
            assert time.time() < deadline, "the selected data events were not delivered"
            time.sleep(0.3)

        srv.aws("cloudtrail", "put-event-selectors", "--trail-name", "reader", "--event-selectors",
                json.dumps([{"ReadWriteType": "All", "IncludeManagementEvents": True}]))
        before = recorded_total(srv)
        read_object()
        assert recorded_total(srv) == before
    finally:
        srv.stop()
