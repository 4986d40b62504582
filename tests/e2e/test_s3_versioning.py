"""S3 versioning with MFA delete, ListObjectVersions and object lock on local buckets, driven by
the AWS CLI v2 and boto3 (issue 5 item 4): the issue's put-bucket-versioning --mfa example,
permanent deletes refused without the bucket's MFA device and under object lock, and every
refusal's S3 error shape."""
import base64
import hashlib
import hmac
import json
import struct
import time
import uuid
from datetime import datetime, timedelta, timezone

import boto3
import botocore.config
import botocore.exceptions
import pytest

from conftest import Server


def uniq(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def err(excinfo):
    """(code, HTTP status, message) of a ClientError."""
    r = excinfo.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"], r["Error"].get("Message", "")


def totp(seed, step):
    """RFC 6238 with SHA-1, 30 s steps, 6 digits."""
    key = base64.b32decode(seed + "=" * (-len(seed) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)


def current_step():
    """The current 30 s step, not within 5 s of its end (so the codes of a test stay valid)."""
    if time.time() % 30 > 25:
        time.sleep(30 - time.time() % 30 + 0.2)
    return int(time.time()) // 30


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("versioning") / "data",
               ["--delivery-interval", "500ms"]).start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def account(srv):
    return srv.client("sts").get_caller_identity()["Account"]


def s3(srv):
    return srv.client("s3")


def uploadable_bucket(srv, account, name, **create):
    """A bucket whose policy lets the account's identities upload (client PutObject needs it)."""
    c = s3(srv)
    c.create_bucket(Bucket=name, **create)
    c.put_bucket_policy(Bucket=name, Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                       "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{name}/*"}]}))
    return c


def mfa_device(srv, tmp_path, user="admin"):
    """A virtual MFA device enabled for `user`; returns (serial, seed, the last step used)."""
    device = uniq("root-phone")
    seed_file = tmp_path / f"{device}.txt"
    serial = srv.aws("iam", "create-virtual-mfa-device", "--virtual-mfa-device-name", device,
                     "--outfile", str(seed_file), "--bootstrap-method",
                     "Base32StringSeed")["VirtualMFADevice"]["SerialNumber"]
    seed = seed_file.read_text().strip()
    step = current_step()
    # Two steps back, so that the current and the next step's codes stay usable once each.
    srv.aws("iam", "enable-mfa-device", "--user-name", user, "--serial-number", serial,
            "--authentication-code1", totp(seed, step - 2),
            "--authentication-code2", totp(seed, step - 1))
    return serial, seed, step - 1


def test_versions_delete_markers_and_listing_with_boto3(srv, account):
    bucket = uniq("ver-boto")
    c = uploadable_bucket(srv, account, bucket)
    c.put_object(Bucket=bucket, Key="pre.txt", Body=b"before versioning")
    c.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert c.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"

    v1 = c.put_object(Bucket=bucket, Key="doc.txt", Body=b"one")["VersionId"]
    v2 = c.put_object(Bucket=bucket, Key="doc.txt", Body=b"two")["VersionId"]
    assert v1 != v2 and len(v1) == 32
    assert c.get_object(Bucket=bucket, Key="doc.txt")["Body"].read() == b"two"
    old = c.get_object(Bucket=bucket, Key="doc.txt", VersionId=v1)
    assert old["Body"].read() == b"one" and old["VersionId"] == v1
    assert c.head_object(Bucket=bucket, Key="pre.txt", VersionId="null")["ContentLength"] == 17

    marker = c.delete_object(Bucket=bucket, Key="doc.txt")
    assert marker["DeleteMarker"] is True and marker["VersionId"] not in (v1, v2)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.get_object(Bucket=bucket, Key="doc.txt")
    assert err(e)[:2] == ("NoSuchKey", 404)
    assert e.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.get_object(Bucket=bucket, Key="doc.txt", VersionId=marker["VersionId"])
    assert err(e)[:2] == ("MethodNotAllowed", 405)
    assert c.list_objects_v2(Bucket=bucket)["KeyCount"] == 1  # pre.txt only

    listing = c.list_object_versions(Bucket=bucket)
    versions = [(v["Key"], v["VersionId"], v["IsLatest"]) for v in listing["Versions"]]
    assert versions == [("doc.txt", v2, False), ("doc.txt", v1, False), ("pre.txt", "null", True)]
    assert [(m["Key"], m["VersionId"], m["IsLatest"]) for m in listing["DeleteMarkers"]] == [
        ("doc.txt", marker["VersionId"], True)]
    # Paging one entry at a time with the key and version-id markers sees each exactly once.
    seen = []
    for page in c.get_paginator("list_object_versions").paginate(
            Bucket=bucket, PaginationConfig={"PageSize": 1}):
        seen += [v["VersionId"] for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
    assert sorted(seen) == sorted([v1, v2, "null", marker["VersionId"]])

    # Removing the marker brings the object back; DeleteObjects takes VersionIds.
    c.delete_object(Bucket=bucket, Key="doc.txt", VersionId=marker["VersionId"])
    assert c.get_object(Bucket=bucket, Key="doc.txt")["VersionId"] == v2
    out = c.delete_objects(Bucket=bucket, Delete={"Objects": [
        {"Key": "doc.txt", "VersionId": v2}, {"Key": "doc.txt", "VersionId": v1},
        {"Key": "pre.txt"}]})
    assert sorted(d.get("VersionId", "") for d in out["Deleted"]) == sorted([v1, v2, ""])
    assert [d for d in out["Deleted"] if d["Key"] == "pre.txt"][0]["DeleteMarker"] is True
    # A bucket that still holds versions is not empty.
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.delete_bucket(Bucket=bucket)
    assert err(e)[:2] == ("BucketNotEmpty", 409)

    c.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert c.put_object(Bucket=bucket, Key="s.txt", Body=b"n1").get("VersionId") == "null"
    c.put_object(Bucket=bucket, Key="s.txt", Body=b"n2")
    assert [v["VersionId"] for v in c.list_object_versions(Bucket=bucket, Prefix="s.")[
        "Versions"]] == ["null"]


def test_cli_pages_list_object_versions(srv, account):
    """aws s3api list-object-versions pages with key and version-id markers (--page-size) and
    resumes from its own token (--max-items/--starting-token), page boundaries falling inside one
    key's versions, over folders, delete markers included."""
    bucket = uniq("ver-pages")
    c = uploadable_bucket(srv, account, bucket)
    c.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for i in range(12):
        key = f"logs/d{i % 3}/f{i:02d}.gz" if i % 4 else f"top{i:02d}.gz"
        for n in range(1 + i % 3):
            c.put_object(Bucket=bucket, Key=key, Body=f"{key}#{n}".encode())
        if i % 5 == 0:
            c.delete_object(Bucket=bucket, Key=key)

    def entries(out):
        both = [(v["Key"], v["VersionId"], v["IsLatest"], "v") for v in out.get("Versions", [])]
        both += [(m["Key"], m["VersionId"], m["IsLatest"], "m")
                 for m in out.get("DeleteMarkers", [])]
        return both

    whole = c.list_object_versions(Bucket=bucket)
    assert not whole["IsTruncated"]
    expected = entries(whole)
    assert len(expected) == 27 and sum(e[3] == "m" for e in expected) == 3
    # The CLI pages 4 entries at a time and merges the pages: the same entries.
    paged = srv.aws("s3api", "list-object-versions", "--bucket", bucket, "--page-size", "4")
    assert sorted(entries(paged)) == sorted(expected)
    # --max-items 5 stops inside a key's versions; the token resumes exactly there.
    got, token = [], None
    while True:
        args = ["s3api", "list-object-versions", "--bucket", bucket, "--max-items", "5",
                "--page-size", "3"]
        out = srv.aws(*args, *(["--starting-token", token] if token else []))
        got += entries(out)
        token = out.get("NextToken")
        if not token:
            break
    assert sorted(got) == sorted(expected) and len(got) == len(expected)
    # One raw page: its markers name its last entry, and the next page starts right after it.
    first = c.list_object_versions(Bucket=bucket, MaxKeys=2)
    assert first["IsTruncated"] and first["MaxKeys"] == 2
    rest = c.list_object_versions(Bucket=bucket, KeyMarker=first["NextKeyMarker"],
                                  VersionIdMarker=first["NextVersionIdMarker"])
    assert len(entries(first)) == 2
    assert sorted(entries(first) + entries(rest)) == sorted(expected)
    # With a delimiter the folder rolls up into one common prefix.
    rolled = srv.aws("s3api", "list-object-versions", "--bucket", bucket, "--delimiter", "/",
                     "--page-size", "2")
    assert [p["Prefix"] for p in rolled["CommonPrefixes"]] == ["logs/"]
    assert {e[0] for e in entries(rolled)} == {f"top{i:02d}.gz" for i in (0, 4, 8)}


def test_version_refusals(srv, account):
    bucket = uniq("ver-refuse")
    c = uploadable_bucket(srv, account, bucket)
    c.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    c.put_object(Bucket=bucket, Key="k", Body=b"x")
    cases = [
        (lambda: c.get_object(Bucket=bucket, Key="k", VersionId="A" * 32),
         "NoSuchVersion", 404),
        (lambda: c.get_object(Bucket=bucket, Key="nope", VersionId="A" * 32), "NoSuchKey", 404),
        (lambda: c.delete_object(Bucket=bucket, Key="k", VersionId="bad.id"),
         "InvalidArgument", 400),
        (lambda: c.list_object_versions(Bucket=bucket, VersionIdMarker="x"),
         "InvalidArgument", 400),
        (lambda: c.put_bucket_versioning(Bucket=bucket,
                                         VersioningConfiguration={"Status": "Sometimes"}),
         "MalformedXML", 400),
        (lambda: c.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={
            "Status": "Enabled", "MFADelete": "Enabled"}), "AccessDenied", 403),
        (lambda: c.put_bucket_versioning(Bucket=bucket, MFA="just-a-serial",
                                         VersioningConfiguration={"Status": "Enabled"}),
         "InvalidArgument", 400),
        (lambda: c.put_bucket_versioning(
            Bucket=bucket, MFA=f"arn:aws:iam::{account}:mfa/none 123456",
            VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"}),
         "AccessDenied", 403),
    ]
    for call, code, status in cases:
        with pytest.raises(botocore.exceptions.ClientError) as e:
            call()
        assert err(e)[:2] == (code, status), err(e)
    # The version listing message names the marker; MFA delete's names the MFA requirement.
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={
            "Status": "Enabled", "MFADelete": "Enabled"})
    assert err(e)[2] == "Mfa Authentication must be used for this request"


def test_mfa_delete_with_the_cli_as_in_the_issue(srv, account, tmp_path):
    bucket = uniq("org-trail-logs")
    c = uploadable_bucket(srv, account, bucket)
    serial, seed, last = mfa_device(srv, tmp_path)
    srv.aws("s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration",
            "Status=Enabled,MFADelete=Enabled", "--mfa", f"{serial} {totp(seed, last + 1)}")
    got = srv.aws("s3api", "get-bucket-versioning", "--bucket", bucket)
    assert got == {"Status": "Enabled", "MFADelete": "Enabled"}
    v1 = c.put_object(Bucket=bucket, Key="AWSLogs-copy/x.json.gz", Body=b"log")["VersionId"]

    # A delete marker removes nothing: allowed without MFA. A permanent delete is not.
    srv.aws("s3api", "delete-object", "--bucket", bucket, "--key", "AWSLogs-copy/x.json.gz")
    refused = srv.aws("s3api", "delete-object", "--bucket", bucket, "--key",
                      "AWSLogs-copy/x.json.gz", "--version-id", v1, check=False)
    assert refused.returncode != 0
    assert "AccessDenied" in refused.stderr and "Mfa Authentication" in refused.stderr
    # Nor can MFA delete be switched off, or versioning suspended, without the device.
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert err(e)[:2] == ("AccessDenied", 403)
    # Another device, even a valid one, is not the bucket's.
    other_serial, other_seed, other_last = mfa_device(srv, tmp_path)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.delete_object(Bucket=bucket, Key="AWSLogs-copy/x.json.gz", VersionId=v1,
                        MFA=f"{other_serial} {totp(other_seed, other_last + 1)}")
    assert err(e)[:2] == ("AccessDenied", 403)

    code = totp(seed, last + 2)
    out = srv.aws("s3api", "delete-object", "--bucket", bucket, "--key",
                  "AWSLogs-copy/x.json.gz", "--version-id", v1, "--mfa", f"{serial} {code}")
    assert out["VersionId"] == v1
    assert [v["VersionId"] for v in c.list_object_versions(Bucket=bucket).get("Versions", [])] == []
    # Each code works once.
    reused = srv.aws("s3api", "delete-object", "--bucket", bucket, "--key", "k",
                     "--version-id", "A" * 32, "--mfa", f"{serial} {code}", check=False)
    assert reused.returncode != 0 and "AccessDenied" in reused.stderr

    # The management event of PutBucketVersioning never holds the MFA code.
    events = srv.client().lookup_events(LookupAttributes=[
        {"AttributeKey": "EventName", "AttributeValue": "PutBucketVersioning"}])["Events"]
    mine = [json.loads(e["CloudTrailEvent"]) for e in events
            if bucket in e["CloudTrailEvent"]]
    assert mine and mine[0]["eventSource"] == "s3.amazonaws.com"
    assert totp(seed, last + 1) not in json.dumps(mine)


def test_object_lock_retention_and_legal_hold(srv, account):
    bucket = uniq("ver-lock")
    c = uploadable_bucket(srv, account, bucket, ObjectLockEnabledForBucket=True)
    assert c.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert c.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"] == {
        "ObjectLockEnabled": "Enabled"}
    c.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
    rule = c.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]["Rule"]
    assert rule == {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}

    # Default retention: GOVERNANCE yields only to the bypass.
    gov = c.put_object(Bucket=bucket, Key="gov", Body=b"g")["VersionId"]
    head = c.head_object(Bucket=bucket, Key="gov")
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert head["ObjectLockRetainUntilDate"] > datetime.now(timezone.utc) + timedelta(hours=23)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.delete_object(Bucket=bucket, Key="gov", VersionId=gov)
    assert err(e) == ("AccessDenied", 403, "Access Denied because object protected by object lock.")
    c.delete_object(Bucket=bucket, Key="gov", VersionId=gov, BypassGovernanceRetention=True)

    # COMPLIANCE: nobody, the administrator included; it can be extended, never shortened.
    until = datetime.now(timezone.utc) + timedelta(hours=1)
    comp = c.put_object(Bucket=bucket, Key="comp", Body=b"c", ObjectLockMode="COMPLIANCE",
                        ObjectLockRetainUntilDate=until)["VersionId"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.delete_object(Bucket=bucket, Key="comp", VersionId=comp, BypassGovernanceRetention=True)
    assert err(e)[:2] == ("AccessDenied", 403)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.put_object_retention(Bucket=bucket, Key="comp", VersionId=comp, Retention={
            "Mode": "COMPLIANCE", "RetainUntilDate": until - timedelta(minutes=30)},
            BypassGovernanceRetention=True)
    assert err(e)[:2] == ("AccessDenied", 403)
    c.put_object_retention(Bucket=bucket, Key="comp", VersionId=comp, Retention={
        "Mode": "COMPLIANCE", "RetainUntilDate": until + timedelta(hours=1)})
    got = c.get_object_retention(Bucket=bucket, Key="comp", VersionId=comp)["Retention"]
    assert got["Mode"] == "COMPLIANCE" and got["RetainUntilDate"] > until
    # A delete marker may still be added over a locked version; the version stays.
    c.delete_object(Bucket=bucket, Key="comp")
    assert c.get_object(Bucket=bucket, Key="comp", VersionId=comp)["Body"].read() == b"c"

    # Legal hold blocks deletion until removed.
    held = c.put_object(Bucket=bucket, Key="held", Body=b"h", ObjectLockLegalHoldStatus="ON",
                        ObjectLockMode="GOVERNANCE",
                        ObjectLockRetainUntilDate=datetime.now(timezone.utc) + timedelta(
                            seconds=2))["VersionId"]
    assert c.get_object_legal_hold(Bucket=bucket, Key="held")["LegalHold"] == {"Status": "ON"}
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.delete_object(Bucket=bucket, Key="held", VersionId=held, BypassGovernanceRetention=True)
    assert err(e)[:2] == ("AccessDenied", 403)
    c.put_object_legal_hold(Bucket=bucket, Key="held", VersionId=held, LegalHold={"Status": "OFF"})
    c.delete_object(Bucket=bucket, Key="held", VersionId=held, BypassGovernanceRetention=True)

    # Object lock keeps versioning on.
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert err(e)[:2] == ("InvalidBucketState", 409)


def test_object_lock_refusals(srv, account):
    plain = uniq("ver-nolock")
    c = uploadable_bucket(srv, account, plain)
    c.put_object(Bucket=plain, Key="k", Body=b"x")
    locked = uniq("ver-locked")
    uploadable_bucket(srv, account, locked, ObjectLockEnabledForBucket=True)
    c.put_object(Bucket=locked, Key="k", Body=b"x")
    past = datetime.now(timezone.utc) - timedelta(days=1)
    future = datetime.now(timezone.utc) + timedelta(days=1)
    lock_cfg = {"ObjectLockEnabled": "Enabled"}
    cases = [
        (lambda: c.get_object_lock_configuration(Bucket=plain),
         "ObjectLockConfigurationNotFoundError", 404),
        (lambda: c.put_object_lock_configuration(Bucket=plain, ObjectLockConfiguration=lock_cfg),
         "InvalidBucketState", 409),
        (lambda: c.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1, "Years": 1}}}),
         "MalformedXML", 400),
        (lambda: c.put_object_lock_configuration(Bucket=locked, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled",
            "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 0}}}),
         "InvalidArgument", 400),
        (lambda: c.put_object_retention(Bucket=plain, Key="k", Retention={
            "Mode": "GOVERNANCE", "RetainUntilDate": future}), "InvalidRequest", 400),
        (lambda: c.put_object_retention(Bucket=locked, Key="k", Retention={
            "Mode": "GOVERNANCE", "RetainUntilDate": past}), "InvalidArgument", 400),
        (lambda: c.put_object_retention(Bucket=locked, Key="k", Retention={
            "Mode": "FOREVER", "RetainUntilDate": future}), "InvalidArgument", 400),
        (lambda: c.get_object_retention(Bucket=locked, Key="k"),
         "NoSuchObjectLockConfiguration", 404),
        (lambda: c.put_object_legal_hold(Bucket=locked, Key="k", LegalHold={"Status": "MAYBE"}),
         "InvalidArgument", 400),
        (lambda: c.get_object_legal_hold(Bucket=plain, Key="k"), "InvalidRequest", 400),
        (lambda: c.put_object(Bucket=plain, Key="k2", Body=b"x", ObjectLockLegalHoldStatus="ON"),
         "InvalidRequest", 400),
        (lambda: c.put_object(Bucket=locked, Key="k2", Body=b"x", ObjectLockMode="GOVERNANCE"),
         "InvalidArgument", 400),
        (lambda: c.put_object(Bucket=locked, Key="k2", Body=b"x", ObjectLockMode="GOVERNANCE",
                              ObjectLockRetainUntilDate=past), "InvalidArgument", 400),
    ]
    for call, code, status in cases:
        with pytest.raises(botocore.exceptions.ClientError) as e:
            call()
        assert err(e)[:2] == (code, status), err(e)


def test_version_actions_are_authorized_separately(srv, account):
    bucket = uniq("ver-authz")
    c = uploadable_bucket(srv, account, bucket, ObjectLockEnabledForBucket=True)
    v1 = c.put_object(Bucket=bucket, Key="k", Body=b"x", ObjectLockMode="GOVERNANCE",
                      ObjectLockRetainUntilDate=datetime.now(timezone.utc) + timedelta(hours=1))[
        "VersionId"]
    iam = srv.client("iam")
    name = uniq("reader")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket",
                                                     "s3:DeleteObjectVersion"],
                       "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}]}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    user = boto3.client("s3", endpoint_url=srv.endpoint, region_name="us-east-1",
                        aws_access_key_id=key["AccessKeyId"],
                        aws_secret_access_key=key["SecretAccessKey"],
                        config=botocore.config.Config(retries={"max_attempts": 1}))
    assert user.get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"
    for call in (lambda: user.get_object(Bucket=bucket, Key="k", VersionId=v1),
                 lambda: user.list_object_versions(Bucket=bucket),
                 lambda: user.delete_object(Bucket=bucket, Key="k", VersionId=v1,
                                            BypassGovernanceRetention=True)):
        with pytest.raises(botocore.exceptions.ClientError) as e:
            call()
        assert err(e)[:2] == ("AccessDenied", 403)


def test_delivered_log_files_get_versions_and_the_default_retention(srv, account):
    bucket = uniq("ver-trail")
    c = s3(srv)
    c.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    c.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Years": 1}}})
    ct = srv.client()
    trail = uniq("ver")
    ct.create_trail(Name=trail, S3BucketName=bucket)
    ct.start_logging(Name=trail)
    ct.describe_trails()
    deadline = time.time() + 20
    keys = []
    while time.time() < deadline and not keys:
        keys = [o["Key"] for o in c.list_objects_v2(Bucket=bucket).get("Contents", [])]
        time.sleep(0.3)
    ct.stop_logging(Name=trail)
    assert keys, "no log file was delivered"
    head = c.head_object(Bucket=bucket, Key=keys[0])
    assert head["ObjectLockMode"] == "COMPLIANCE" and len(head["VersionId"]) == 32
    assert head["ObjectLockRetainUntilDate"] > datetime.now(timezone.utc) + timedelta(days=364)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.delete_object(Bucket=bucket, Key=keys[0], VersionId=head["VersionId"])
    assert err(e)[:2] == ("AccessDenied", 403)
    # The AWS CLI reads it back through the current version, as before.
    versions = srv.aws("s3api", "list-object-versions", "--bucket", bucket)["Versions"]
    assert set(keys) <= {v["Key"] for v in versions}  # more may have arrived since
