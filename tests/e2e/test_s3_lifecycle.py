"""Lifecycle of local buckets (issue 5, item 3): configuration, archival of delivered log files to
GLACIER, RestoreObject, expiration, object tags, every rejection; AWS CLI v2 and boto3.

The server runs its lifecycle pass every second and a lifecycle "day" lasts one second
(`--lifecycle-day-seconds 1`), so rules with Days 1 apply within a few seconds."""
import gzip
import hashlib
import json
import subprocess
import time
import uuid

import botocore.exceptions
import pytest

from conftest import AWS, Server, ingest
from records import now, record

ISSUE_EXAMPLE = ('{"Rules":[{"ID":"archive","Status":"Enabled","Filter":{"Prefix":"AWSLogs/"},'
                 '"Transitions":[{"Days":90,"StorageClass":"GLACIER"}],"Expiration":{"Days":2555}}]}')


def error(excinfo):
    e = excinfo.value.response
    return e["Error"]["Code"], e["ResponseMetadata"]["HTTPStatusCode"], e["Error"].get("Message", "")


def wait_for(predicate, what, timeout=20):
    deadline = time.time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.time() < deadline, what
        time.sleep(0.25)


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("lifecycle") / "data",
               extra_args=["--delivery-interval", "1s", "--lifecycle-interval", "1s",
                           "--lifecycle-day-seconds", "1"]).start()
    yield s
    s.stop()


def new_bucket(srv):
    bucket = f"lc-{uuid.uuid4().hex[:10]}"
    srv.aws("s3api", "create-bucket", "--bucket", bucket)
    return bucket


def allow_uploads(srv, bucket):
    account = srv.aws("sts", "get-caller-identity")["Account"]
    srv.client("s3").put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
        "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}))


def deliver_log_file(srv, bucket):
    """A trail delivers one batch of records into `bucket` and stops: returns its log file keys."""
    trail = f"lc-{uuid.uuid4().hex[:6]}"
    srv.aws("cloudtrail", "create-trail", "--name", trail, "--s3-bucket-name", bucket)
    srv.aws("cloudtrail", "start-logging", "--name", trail)
    status, body, _ = ingest(srv, [record(now(), name=f"Call{i}") for i in range(200)])
    assert status == 200, body
    srv.aws("cloudtrail", "stop-logging", "--name", trail)
    root = srv.data_dir / "buckets" / bucket

    def delivered():
        keys = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.json.gz"))
        seen = b"".join(gzip.decompress((root / k).read_bytes()) for k in keys)
        return keys if b'"StopLogging"' in seen else None

    keys = wait_for(delivered, "StopLogging was not delivered")
    srv.aws("cloudtrail", "delete-trail", "--name", trail)
    return keys


def test_issue_example_is_stored_returned_and_deleted_with_the_cli(srv):
    bucket = new_bucket(srv)
    srv.aws("s3api", "put-bucket-lifecycle-configuration", "--bucket", bucket,
            "--lifecycle-configuration", ISSUE_EXAMPLE)
    got = srv.aws("s3api", "get-bucket-lifecycle-configuration", "--bucket", bucket)
    assert got["Rules"] == json.loads(ISSUE_EXAMPLE)["Rules"]
    # boto3 sees the same, and both calls are management events by the caller.
    rules = srv.client("s3").get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert rules[0]["Transitions"] == [{"Days": 90, "StorageClass": "GLACIER"}]
    for name in ("PutBucketLifecycleConfiguration", "GetBucketLifecycleConfiguration"):
        events = srv.client().lookup_events(LookupAttributes=[{
            "AttributeKey": "EventName", "AttributeValue": name}])["Events"]
        mine = [json.loads(e["CloudTrailEvent"]) for e in events
                if json.loads(e["CloudTrailEvent"])["requestParameters"]["bucketName"] == bucket]
        assert mine, name
        assert mine[0]["eventSource"] == "s3.amazonaws.com"
        assert mine[0]["managementEvent"] is True and mine[0]["userIdentity"]["type"] == "IAMUser"
    srv.aws("s3api", "delete-bucket-lifecycle", "--bucket", bucket)
    p = srv.aws("s3api", "get-bucket-lifecycle-configuration", "--bucket", bucket, check=False)
    assert p.returncode != 0 and "NoSuchLifecycleConfiguration" in p.stderr
    # The other rule forms come back as they were given.
    config = {"Rules": [
        {"ID": "tags", "Status": "Disabled",
         "Filter": {"And": {"Prefix": "a/", "Tags": [{"Key": "k", "Value": "v"}],
                            "ObjectSizeGreaterThan": 10}},
         "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"},
                         {"Days": 60, "StorageClass": "DEEP_ARCHIVE"}],
         "NoncurrentVersionExpiration": {"NoncurrentDays": 7}},
        {"ID": "dated", "Status": "Enabled", "Filter": {"Tag": {"Key": "tmp", "Value": "1"}},
         "Expiration": {"Date": "2030-01-01T00:00:00Z"}},
        {"ID": "mpu", "Status": "Enabled", "Filter": {"Prefix": ""},
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 3}}]}
    s3 = srv.client("s3")
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=config)
    back = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert back[0]["Filter"] == config["Rules"][0]["Filter"]
    assert back[0]["Transitions"] == config["Rules"][0]["Transitions"]
    assert back[1]["Expiration"]["Date"].year == 2030
    assert back[2]["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 3}


def test_a_delivered_log_file_is_archived_restored_byte_identical_and_recorded(srv):
    bucket = new_bucket(srv)
    keys = deliver_log_file(srv, bucket)
    s3 = srv.client("s3")
    originals = {k: s3.get_object(Bucket=bucket, Key=k)["Body"].read() for k in keys}
    on_disk_before = sum(len(b) for b in originals.values())
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{
        "ID": "archive", "Status": "Enabled", "Filter": {"Prefix": "AWSLogs/"},
        "Transitions": [{"Days": 1, "StorageClass": "GLACIER"}]}]})

    def listed_glacier():
        out = srv.aws("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "AWSLogs/")
        classes = {o["Key"]: o["StorageClass"] for o in out.get("Contents", [])}
        return out if set(classes) == set(keys) and set(classes.values()) == {"GLACIER"} else None

    listing = wait_for(listed_glacier, "log files did not move to GLACIER")
    for o in listing["Contents"]:
        assert o["Size"] == len(originals[o["Key"]])
        assert o["ETag"].strip('"') == hashlib.md5(originals[o["Key"]]).hexdigest()
    key = keys[0]
    head = s3.head_object(Bucket=bucket, Key=key)
    assert head["StorageClass"] == "GLACIER" and "Restore" not in head
    assert head["ContentLength"] == len(originals[key])
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_object(Bucket=bucket, Key=key)
    assert error(e)[:2] == ("InvalidObjectState", 403)
    p = srv.aws("s3", "cp", f"s3://{bucket}/{key}", "-", check=False)
    assert p.returncode != 0 and "InvalidObjectState" in p.stderr
    # Colder and smaller: the hot files are emptied, the archive holds less than they did.
    assert all((srv.data_dir / "buckets" / bucket / k).stat().st_size == 0 for k in keys)
    archive = srv.data_dir / "bucket-archive" / bucket
    packed = sum(p.stat().st_size for p in archive.rglob("*") if p.is_file())
    # (these records carry random ids; docs/benchmarks.md has the ratio on generator log files)
    assert 0 < packed < on_disk_before, (packed, on_disk_before)

    # RestoreObject (CLI): 202, in progress, then a readable copy with x-amz-restore.
    srv.aws("s3api", "restore-object", "--bucket", bucket, "--key", key,
            "--restore-request", "Days=2")
    head = wait_for(lambda: (lambda h: h if 'ongoing-request="false"' in h.get("Restore", "")
                             else None)(s3.head_object(Bucket=bucket, Key=key)),
                    "the restore did not complete")
    assert "expiry-date=" in head["Restore"] and head["StorageClass"] == "GLACIER"
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    assert body == originals[key]
    p = subprocess.run([AWS, "s3", "cp", f"s3://{bucket}/{key}", "-", "--endpoint-url",
                        srv.endpoint], env=srv.env(), capture_output=True, timeout=60)
    assert p.returncode == 0 and p.stdout == originals[key], p.stderr
    # Restoring a restored object again extends it: 200 (boto3 reports no error).
    s3.restore_object(Bucket=bucket, Key=key, RestoreRequest={"Days": 3})

    # Each transition and the restore are AwsServiceEvents by S3 in the event history.
    def recorded():
        evs = srv.client().lookup_events(LookupAttributes=[{
            "AttributeKey": "EventSource", "AttributeValue": "s3.amazonaws.com"}],
            MaxResults=50)["Events"]
        mine = [json.loads(e["CloudTrailEvent"]) for e in evs
                if any(r.get("ResourceName", "").startswith(f"arn:aws:s3:::{bucket}/")
                       for r in e.get("Resources", []))]
        names = [r["eventName"] for r in mine]
        return mine if names.count("LifecycleTransition") == len(keys) and \
            "ObjectRestore:Completed" in names else None

    mine = wait_for(recorded, "lifecycle actions were not recorded")
    # (the largest file: a tiny one may be kept as it is, packing would not shrink it)
    t = max((r for r in mine if r["eventName"] == "LifecycleTransition"),
            key=lambda r: r["serviceEventDetails"]["objectSize"])
    assert t["eventType"] == "AwsServiceEvent"
    assert t["userIdentity"] == {"type": "AWSService", "invokedBy": "s3.amazonaws.com"}
    details = t["serviceEventDetails"]
    assert details["lifecycleRuleId"] == "archive" and details["storageClass"] == "GLACIER"
    assert details["previousStorageClass"] == "STANDARD"
    assert details["storedBytes"] < details["objectSize"]


def test_expiration_deletes_and_tag_filters_choose(srv):
    bucket = new_bucket(srv)
    allow_uploads(srv, bucket)
    s3 = srv.client("s3")
    s3.put_object(Bucket=bucket, Key="tmp/a.txt", Body=b"a", Tagging="retention=short")
    s3.put_object(Bucket=bucket, Key="tmp/b.txt", Body=b"b", Tagging="retention=long")
    s3.put_object(Bucket=bucket, Key="keep/c.txt", Body=b"c")
    assert s3.get_object_tagging(Bucket=bucket, Key="tmp/a.txt")["TagSet"] == [
        {"Key": "retention", "Value": "short"}]
    assert s3.get_object(Bucket=bucket, Key="tmp/a.txt")["TagCount"] == 1
    # Tags can be replaced and removed; the CLI shows them.
    s3.put_object_tagging(Bucket=bucket, Key="keep/c.txt",
                          Tagging={"TagSet": [{"Key": "x", "Value": "1"}]})
    assert srv.aws("s3api", "get-object-tagging", "--bucket", bucket,
                   "--key", "keep/c.txt")["TagSet"] == [{"Key": "x", "Value": "1"}]
    s3.delete_object_tagging(Bucket=bucket, Key="keep/c.txt")
    assert s3.get_object_tagging(Bucket=bucket, Key="keep/c.txt")["TagSet"] == []
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{
        "ID": "short", "Status": "Enabled",
        "Filter": {"And": {"Prefix": "tmp/", "Tags": [{"Key": "retention", "Value": "short"}]}},
        "Expiration": {"Days": 1}}]})

    def expired():
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
        return keys if "tmp/a.txt" not in keys else None

    assert wait_for(expired, "tmp/a.txt did not expire") == ["keep/c.txt", "tmp/b.txt"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.head_object(Bucket=bucket, Key="tmp/a.txt")
    assert error(e)[1] == 404
    evs = srv.client().lookup_events(LookupAttributes=[{
        "AttributeKey": "EventName", "AttributeValue": "LifecycleExpiration:Delete"}])["Events"]
    assert any(e["Username"] == "s3.amazonaws.com" and
               any(r.get("ResourceName") == f"arn:aws:s3:::{bucket}/tmp/a.txt"
                   for r in e.get("Resources", [])) for e in evs)


BAD_CONFIGS = [
    ({"Rules": [{"ID": "x", "Status": "Enabled", "Filter": {"Prefix": ""},
                 "Expiration": {"Days": 0}}]},
     "InvalidArgument", "'Days' for Expiration action must be a positive integer"),
    ({"Rules": [{"ID": "x", "Status": "Enabled", "Filter": {"Prefix": ""},
                 "Transitions": [{"Days": 1, "StorageClass": "STANDARD"}]}]},
     "InvalidArgument", "'StorageClass' in the Transition action"),
    ({"Rules": [{"ID": "x", "Status": "Enabled", "Filter": {"Prefix": ""},
                 "Transitions": [{"Days": 10, "StorageClass": "STANDARD_IA"}]}]},
     "InvalidArgument", "greater than or equal to 30 for storageClass 'STANDARD_IA'"),
    ({"Rules": [{"ID": "x", "Status": "Enabled", "Filter": {"Prefix": "a/"},
                 "Transitions": [{"Days": 100, "StorageClass": "GLACIER"}],
                 "Expiration": {"Days": 50}}]},
     "InvalidArgument", "'Days' in the Expiration action for prefix 'a/' must be greater"),
    ({"Rules": [{"ID": "x", "Status": "Enabled", "Filter": {"Prefix": ""},
                 "Transitions": [{"Date": "2030-01-01T00:00:00Z", "StorageClass": "GLACIER"}],
                 "Expiration": {"Days": 50}}]},
     "InvalidRequest", "Found mixed 'Date' and 'Days'"),
    ({"Rules": [{"ID": "x", "Status": "Enabled", "Filter": {"Prefix": ""},
                 "Expiration": {"Date": "2030-01-01T05:00:00Z"}}]},
     "InvalidArgument", "'Date' must be at midnight GMT"),
    ({"Rules": [{"ID": "x", "Status": "Enabled", "Filter": {"Prefix": ""},
                 "Transitions": [{"Days": 1, "StorageClass": "GLACIER"},
                                 {"Days": 5, "StorageClass": "GLACIER"}]}]},
     "InvalidRequest", "'StorageClass' must be different"),
    ({"Rules": [{"ID": "x", "Status": "Enabled", "Filter": {"Prefix": ""},
                 "Expiration": {"Days": 1}},
                {"ID": "x", "Status": "Enabled", "Filter": {"Prefix": "b"},
                 "Expiration": {"Days": 1}}]},
     "InvalidArgument", "Rule ID must be unique"),
    ({"Rules": [{"ID": "x", "Status": "Enabled", "Filter": {"Prefix": ""}}]},
     "InvalidRequest", "At least one action needs to be specified in a rule"),
    ({"Rules": [{"ID": "x" * 256, "Status": "Enabled", "Filter": {"Prefix": ""},
                 "Expiration": {"Days": 1}}]},
     "InvalidArgument", "ID length should not exceed allowed limit of 255"),
    ({"Rules": [{"ID": "x", "Status": "Sometimes", "Filter": {"Prefix": ""},
                 "Expiration": {"Days": 1}}]},
     "MalformedXML", "not well-formed"),
    ({"Rules": [{"ID": "x", "Status": "Enabled", "Expiration": {"Days": 1}}]},
     "MalformedXML", "not well-formed"),
    ({"Rules": [{"ID": "x", "Status": "Enabled", "Filter": {"Tag": {"Key": "k", "Value": "v"}},
                 "Expiration": {"ExpiredObjectDeleteMarker": True}}]},
     "InvalidRequest", "ExpiredObjectDeleteMarker cannot be specified with object tagging"),
    ({"Rules": [{"ID": "x", "Status": "Enabled", "Filter": {"Tag": {"Key": "k", "Value": "v"}},
                 "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}]},
     "InvalidRequest", "AbortIncompleteMultipartUpload cannot be specified with Tags"),
    ({"Rules": [{"ID": "x", "Status": "Enabled", "Filter": {"Prefix": ""},
                 "NoncurrentVersionExpiration": {"NoncurrentDays": 0}}]},
     "InvalidArgument", "'NoncurrentDays' for NoncurrentVersionExpiration action"),
]


@pytest.mark.parametrize("config,code,message", BAD_CONFIGS)
def test_invalid_configurations_are_refused_as_s3_refuses_them(srv, config, code, message):
    s3 = srv.client("s3")
    bucket = new_bucket(srv)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration=config)
    got_code, status, got_message = error(e)
    assert (got_code, status) == (code, 400)
    assert message in got_message
    with pytest.raises(botocore.exceptions.ClientError) as e:  # nothing was stored
        s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert error(e)[:2] == ("NoSuchLifecycleConfiguration", 404)


def test_other_rejections(srv):
    s3 = srv.client("s3")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_bucket_lifecycle_configuration(Bucket="no-such-bucket-lc")
    assert error(e)[:2] == ("NoSuchBucket", 404)
    bucket = new_bucket(srv)
    allow_uploads(srv, bucket)
    s3.put_object(Bucket=bucket, Key="hot.txt", Body=b"hot")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.restore_object(Bucket=bucket, Key="hot.txt", RestoreRequest={"Days": 1})
    assert error(e)[:2] == ("ObjectAlreadyInActiveTierError", 403)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.restore_object(Bucket=bucket, Key="missing.txt", RestoreRequest={"Days": 1})
    assert error(e)[:2] == ("NoSuchKey", 404)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.put_object(Bucket=bucket, Key="t.txt", Body=b"x",
                      Tagging="&".join(f"k{i}=v" for i in range(11)))
    assert error(e)[:2] == ("InvalidTag", 400) and "greater than 10" in error(e)[2]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.put_object_tagging(Bucket=bucket, Key="hot.txt",
                              Tagging={"TagSet": [{"Key": "aws:x", "Value": "1"}]})
    assert error(e)[:2] == ("InvalidTag", 400) and "aws:" in error(e)[2]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.put_object_tagging(Bucket=bucket, Key="missing.txt",
                              Tagging={"TagSet": [{"Key": "a", "Value": "1"}]})
    assert error(e)[:2] == ("NoSuchKey", 404)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.put_object(Bucket=bucket, Key="t.txt", Body=b"x", StorageClass="COLDEST")
    assert error(e)[:2] == ("InvalidStorageClass", 400)
    # x-amz-storage-class GLACIER archives at once: GetObject refused until restored.
    s3.put_object(Bucket=bucket, Key="cold.txt", Body=b"cold", StorageClass="GLACIER")
    assert s3.head_object(Bucket=bucket, Key="cold.txt")["StorageClass"] == "GLACIER"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_object(Bucket=bucket, Key="cold.txt")
    assert error(e)[:2] == ("InvalidObjectState", 403)
    # A caller without s3:GetLifecycleConfiguration is refused.
    iam = srv.client("iam")
    user = f"lc-{uuid.uuid4().hex[:6]}"
    iam.create_user(UserName=user)
    k = iam.create_access_key(UserName=user)["AccessKey"]
    stranger = srv.client("s3", key=k["AccessKeyId"], secret=k["SecretAccessKey"])
    with pytest.raises(botocore.exceptions.ClientError) as e:
        stranger.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert error(e)[:2] == ("AccessDenied", 403)


def test_a_restore_in_progress_is_refused_a_second_time(tmp_path):
    srv = Server(tmp_path / "data", extra_args=["--lifecycle-interval", "1s",
                                                 "--restore-delay", "1h"]).start()
    try:
        s3 = srv.client("s3")
        bucket = new_bucket(srv)
        allow_uploads(srv, bucket)
        s3.put_object(Bucket=bucket, Key="cold.txt", Body=b"cold", StorageClass="DEEP_ARCHIVE")
        r = s3.restore_object(Bucket=bucket, Key="cold.txt", RestoreRequest={"Days": 1})
        assert r["ResponseMetadata"]["HTTPStatusCode"] == 202
        assert s3.head_object(Bucket=bucket, Key="cold.txt")["Restore"] == 'ongoing-request="true"'
        with pytest.raises(botocore.exceptions.ClientError) as e:
            s3.restore_object(Bucket=bucket, Key="cold.txt", RestoreRequest={"Days": 1})
        assert error(e)[:2] == ("RestoreAlreadyInProgress", 409)
        with pytest.raises(botocore.exceptions.ClientError) as e:
            s3.get_object(Bucket=bucket, Key="cold.txt")
        assert error(e)[:2] == ("InvalidObjectState", 403)
    finally:
        srv.stop()


def test_kill_9_during_transitions_loses_and_duplicates_nothing(tmp_path):
    """Forty log-like objects fall due together; the server is killed (SIGKILL) while the pass
    packs them and started again: every object is there once, archived, and restores to its
    bytes."""
    args = ["--lifecycle-interval", "1s", "--lifecycle-day-seconds", "1"]
    srv = Server(tmp_path / "data", extra_args=args).start()
    try:
        s3 = srv.client("s3")
        bucket = new_bucket(srv)
        allow_uploads(srv, bucket)
        bodies = {}
        for i in range(40):
            lines = [json.dumps({"eventID": str(uuid.uuid4()), "eventName": f"Call{j % 17}",
                                 "n": i * 1000 + j}) for j in range(1500)]
            body = gzip.compress(("\n".join(lines)).encode(), mtime=0)
            bodies[f"logs/{i:02d}.json.gz"] = body
            s3.put_object(Bucket=bucket, Key=f"logs/{i:02d}.json.gz", Body=body)
        s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{
            "ID": "now", "Status": "Enabled", "Filter": {"Prefix": "logs/"},
            "Transitions": [{"Days": 0, "StorageClass": "DEEP_ARCHIVE"}]}]})

        def some_archived():
            out = s3.list_objects_v2(Bucket=bucket)["Contents"]
            n = sum(o["StorageClass"] == "DEEP_ARCHIVE" for o in out)
            return n if n > 0 else None

        archived = wait_for(some_archived, "no transition started", timeout=30)
        srv.kill()  # mid-pass, most likely with objects still to go
        srv.start()
        s3 = srv.client("s3")

        def all_archived():
            out = s3.list_objects_v2(Bucket=bucket)["Contents"]
            return out if all(o["StorageClass"] == "DEEP_ARCHIVE" for o in out) else None

        listing = wait_for(all_archived, "transitions did not finish after the restart", 60)
        assert sorted(o["Key"] for o in listing) == sorted(bodies)
        assert archived <= len(bodies)
        for key in ("logs/00.json.gz", "logs/39.json.gz"):
            s3.restore_object(Bucket=bucket, Key=key, RestoreRequest={"Days": 1})
        for key in ("logs/00.json.gz", "logs/39.json.gz"):
            wait_for(lambda: 'ongoing-request="false"' in
                     s3.head_object(Bucket=bucket, Key=key).get("Restore", ""), "no restore")
            assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == bodies[key]
    finally:
        srv.stop()


def test_noncurrent_versions_expire_in_a_versioned_bucket(srv):
    bucket = new_bucket(srv)
    allow_uploads(srv, bucket)
    s3 = srv.client("s3")
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket=bucket, Key="k.txt", Body=b"one")
    s3.put_object(Bucket=bucket, Key="k.txt", Body=b"two")
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [{
        "ID": "old-versions", "Status": "Enabled", "Filter": {"Prefix": ""},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}]})

    def one_version():
        v = s3.list_object_versions(Bucket=bucket).get("Versions", [])
        return v if len(v) == 1 else None

    versions = wait_for(one_version, "the noncurrent version did not expire")
    assert versions[0]["IsLatest"] is True
    assert s3.get_object(Bucket=bucket, Key="k.txt")["Body"].read() == b"two"
