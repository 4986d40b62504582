"""KMS keys (TrentService) and server-side encryption of trail log files (issue 5, items 5 and 6),
with the AWS CLI v2 and boto3."""
import base64
import datetime
import gzip
import hashlib
import json
import os
import re
import subprocess
import time
import uuid

import botocore.exceptions
import pytest

from conftest import AWS, BINARY, Server, ingest, signed_request
from records import now, record

AWS_V1 = "/root/.pyenv/shims/aws"


def uniq(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def error_of(excinfo):
    e = excinfo.value.response
    return e["Error"]["Code"], e["ResponseMetadata"]["HTTPStatusCode"], e["Error"]["Message"]


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("kms") / "data",
               extra_args=["--delivery-interval", "1s", "--digest-interval", "2s"]).start()
    yield s
    s.stop()


def user_with_policy(srv, statements):
    """A new IAM user allowed `statements`; returns a boto3-style key dict."""
    iam = srv.client("iam")
    name = uniq("kmsuser")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": statements}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def aws_as(srv, key, *args):
    env = srv.env()
    env.pop("AWS_SHARED_CREDENTIALS_FILE")
    env.update(AWS_ACCESS_KEY_ID=key[0], AWS_SECRET_ACCESS_KEY=key[1])
    return subprocess.run([AWS, *args, "--endpoint-url", srv.endpoint], env=env,
                          capture_output=True, timeout=120)


def test_cli_key_lifecycle_rotation_aliases_and_crypto(srv, tmp_path):
    # The AWS CLI v2 for the calls a user types (each CLI start is slow: boto3 checks the rest).
    kms = srv.client("kms")
    meta = srv.aws("kms", "create-key", "--description", "trail-logs")["KeyMetadata"]
    key_id, arn = meta["KeyId"], meta["Arn"]
    assert arn == f"arn:aws:kms:us-east-1:{meta['AWSAccountId']}:key/{key_id}"
    assert meta["KeyState"] == "Enabled" and meta["Enabled"] is True
    assert meta["KeySpec"] == "SYMMETRIC_DEFAULT" and meta["KeyManager"] == "CUSTOMER"

    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
    srv.aws("kms", "enable-key-rotation", "--key-id", key_id)
    assert kms.get_key_rotation_status(KeyId=arn)["KeyRotationEnabled"] is True
    # (botocore 1.29's model predates the KeyId and RotationPeriodInDays members.)
    code, status, _ = signed_request(srv, "TrentService.GetKeyRotationStatus",
                                     json.dumps({"KeyId": key_id}), service="kms")
    assert code == 200 and status["KeyId"] == arn and status["RotationPeriodInDays"] == 365

    alias = uniq("alias/cli")
    srv.aws("kms", "create-alias", "--alias-name", alias, "--target-key-id", key_id)
    aliases = kms.list_aliases(KeyId=key_id)["Aliases"]
    assert [a["AliasName"] for a in aliases] == [alias]
    assert aliases[0]["TargetKeyId"] == key_id
    assert kms.describe_key(KeyId=alias)["KeyMetadata"]["Arn"] == arn
    assert any(k["KeyArn"] == arn for k in kms.list_keys()["Keys"])

    plain = tmp_path / "plain.bin"
    plain.write_bytes(b"log file data key \x00\xff")
    enc = srv.aws("kms", "encrypt", "--key-id", alias, "--plaintext", f"fileb://{plain}",
                  "--encryption-context", "purpose=test")
    assert enc["KeyId"] == arn and enc["EncryptionAlgorithm"] == "SYMMETRIC_DEFAULT"
    blob = tmp_path / "blob.bin"
    blob.write_bytes(base64.b64decode(enc["CiphertextBlob"]))
    dec = srv.aws("kms", "decrypt", "--ciphertext-blob", f"fileb://{blob}",
                  "--encryption-context", "purpose=test")
    assert base64.b64decode(dec["Plaintext"]) == plain.read_bytes() and dec["KeyId"] == arn

    dk = srv.aws("kms", "generate-data-key", "--key-id", key_id, "--key-spec", "AES_256")
    assert len(base64.b64decode(dk["Plaintext"])) == 32
    assert kms.decrypt(CiphertextBlob=base64.b64decode(dk["CiphertextBlob"]))["Plaintext"] == \
        base64.b64decode(dk["Plaintext"])
    bare = kms.generate_data_key_without_plaintext(KeyId=alias, NumberOfBytes=16)
    assert "Plaintext" not in bare and bare["KeyId"] == arn
    assert len(kms.decrypt(CiphertextBlob=bare["CiphertextBlob"])["Plaintext"]) == 16

    kms.disable_key(KeyId=key_id)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"
    kms.enable_key(KeyId=key_id)
    sched = kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert sched["KeyState"] == "PendingDeletion" and sched["PendingWindowInDays"] == 7
    assert sched["KeyId"] == arn
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["DeletionDate"]
    assert kms.cancel_key_deletion(KeyId=key_id)["KeyId"] == arn
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"
    kms.delete_alias(AliasName=alias)
    assert kms.list_aliases(KeyId=key_id)["Aliases"] == []


def test_boto3_errors_have_kms_shapes(srv):
    kms = srv.client("kms")
    key = kms.create_key(Description="errors")["KeyMetadata"]
    kid, arn = key["KeyId"], key["Arn"]
    alias = uniq("alias/err")
    kms.create_alias(AliasName=alias, TargetKeyId=kid)
    account = key["AWSAccountId"]
    cases = [
        ("NotFoundException", "alias/nope",
         lambda: kms.describe_key(KeyId=uniq("alias/nope"))),
        ("NotFoundException", "does not exist",
         lambda: kms.describe_key(KeyId=str(uuid.uuid4()))),
        ("AlreadyExistsException", alias,
         lambda: kms.create_alias(AliasName=alias, TargetKeyId=kid)),
        ("InvalidAliasNameException", "alias/aws/",
         lambda: kms.create_alias(AliasName="alias/aws/mine", TargetKeyId=kid)),
        ("ValidationException", "pendingWindowInDays",
         lambda: kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=6)),
        ("ValidationException", "NumberOfBytes",
         lambda: kms.generate_data_key(KeyId=kid)),
        ("ValidationException", "NumberOfBytes",
         lambda: kms.generate_data_key(KeyId=kid, KeySpec="AES_256", NumberOfBytes=32)),
        ("InvalidKeyUsageException", "RSAES_OAEP_SHA_256",
         lambda: kms.encrypt(KeyId=kid, Plaintext=b"x", EncryptionAlgorithm="RSAES_OAEP_SHA_256")),
        ("InvalidArnException", "arn:aws:kms:us-east-1",
         lambda: kms.describe_key(KeyId="arn:aws:kms:us-east-1")),
        ("UnsupportedOperationException", "RSA_2048",
         lambda: kms.create_key(KeySpec="RSA_2048", KeyUsage="ENCRYPT_DECRYPT")),
        ("UnsupportedOperationException", "Key policies",
         lambda: kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": []}))),
    ]
    for code, text, call in cases:
        with pytest.raises(botocore.exceptions.ClientError) as e:
            call()
        got = error_of(e)
        assert got[0] == code and got[1] == 400 and text in got[2], (code, got)

    kms.create_key(Description="a second key, for paging")
    page = kms.list_keys(Limit=1)
    assert len(page["Keys"]) == 1 and page["Truncated"] is True
    rest = kms.list_keys(Marker=page["NextMarker"], Limit=1000)
    assert page["Keys"][0] not in rest["Keys"] and rest["Truncated"] is False
    with pytest.raises(kms.exceptions.InvalidMarkerException):
        kms.list_keys(Marker="not-a-marker")

    blob = kms.encrypt(KeyId=kid, Plaintext=b"secret", EncryptionContext={"a": "1"})
    with pytest.raises(kms.exceptions.InvalidCiphertextException):
        kms.decrypt(CiphertextBlob=blob["CiphertextBlob"], EncryptionContext={"a": "2"})
    with pytest.raises(kms.exceptions.InvalidCiphertextException):
        kms.decrypt(CiphertextBlob=b"\x01not a blob of ours at all, not at all......................")
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(kms.exceptions.IncorrectKeyException):
        kms.decrypt(CiphertextBlob=blob["CiphertextBlob"], EncryptionContext={"a": "1"},
                    KeyId=other)

    kms.disable_key(KeyId=arn)
    with pytest.raises(kms.exceptions.DisabledException) as e:
        kms.encrypt(KeyId=alias, Plaintext=b"x")
    assert arn in error_of(e)[2]
    with pytest.raises(kms.exceptions.DisabledException):
        kms.decrypt(CiphertextBlob=blob["CiphertextBlob"], EncryptionContext={"a": "1"})
    with pytest.raises(kms.exceptions.DisabledException):
        kms.enable_key_rotation(KeyId=kid)
    kms.schedule_key_deletion(KeyId=kid, PendingWindowInDays=30)
    with pytest.raises(kms.exceptions.KMSInvalidStateException) as e:
        kms.enable_key(KeyId=kid)
    assert "pending deletion" in error_of(e)[2]
    with pytest.raises(kms.exceptions.KMSInvalidStateException):
        kms.generate_data_key(KeyId=alias, NumberOfBytes=16)
    with pytest.raises(kms.exceptions.KMSInvalidStateException):
        kms.create_alias(AliasName=uniq("alias/late"), TargetKeyId=kid)
    assert account


def test_records_have_kms_source_and_no_plaintext_or_key_material(srv):
    kms = srv.client("kms")
    kid = kms.create_key()["KeyMetadata"]["KeyId"]
    secret = b"this-plaintext-must-never-be-recorded"
    blob = kms.encrypt(KeyId=kid, Plaintext=secret, EncryptionContext={"who": "test"})
    dk = kms.generate_data_key(KeyId=kid, KeySpec="AES_256")
    kms.decrypt(CiphertextBlob=blob["CiphertextBlob"], EncryptionContext={"who": "test"})
    needles = [base64.b64encode(secret).decode(), base64.b64encode(dk["Plaintext"]).decode(),
               base64.b64encode(blob["CiphertextBlob"]).decode(),
               base64.b64encode(dk["CiphertextBlob"]).decode()]
    ct = srv.client()
    seen = {}
    deadline = time.time() + 10
    while len(seen) < 3 and time.time() < deadline:
        for name in ("Encrypt", "Decrypt", "GenerateDataKey"):
            events = ct.lookup_events(LookupAttributes=[
                {"AttributeKey": "EventName", "AttributeValue": name}])["Events"]
            for e in events:
                rec = json.loads(e["CloudTrailEvent"])
                if kid in e["CloudTrailEvent"] or name == "Decrypt":
                    seen[name] = rec
        time.sleep(0.2)
    assert set(seen) == {"Encrypt", "Decrypt", "GenerateDataKey"}
    for name, rec in seen.items():
        text = json.dumps(rec)
        assert rec["eventSource"] == "kms.amazonaws.com", rec
        assert rec["responseElements"] is None, rec
        for n in needles:
            assert n not in text, (name, text)
    assert seen["Encrypt"]["requestParameters"] == {
        "keyId": kid, "encryptionContext": {"who": "test"}}
    assert seen["GenerateDataKey"]["requestParameters"] == {"keyId": kid, "keySpec": "AES_256"}
    assert seen["Encrypt"]["resources"][0]["type"] == "AWS::KMS::Key"


def wait_for_files(srv, bucket, predicate, timeout=30):
    root = srv.data_dir / "buckets" / bucket
    deadline = time.time() + timeout
    while time.time() < deadline:
        # A file being written is a temporary (.ot-tmp-*) until it is renamed into place.
        files = sorted(p for p in root.rglob("*")
                       if p.is_file() and not p.name.startswith(".ot-tmp-"))
        if predicate(files):
            return files
        time.sleep(0.3)
    raise AssertionError(f"files did not appear in {bucket}: {files}")


def test_encrypted_trail_delivers_ciphertext_readable_only_with_kms_decrypt(srv, tmp_path):
    kms = srv.client("kms")
    ct = srv.client()
    key = kms.create_key(Description="trail logs")["KeyMetadata"]
    kms.create_alias(AliasName="alias/trail-logs", TargetKeyId=key["KeyId"])
    bucket, name = uniq("enc-logs"), uniq("enc-trail")
    srv.client("s3").create_bucket(Bucket=bucket)

    # CloudTrail's checks of the key (api.md §3).
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ct.create_trail(Name=name, S3BucketName=bucket, KmsKeyId="alias/no-such-key")
    assert error_of(e)[:2] == ("KmsKeyNotFoundException", 400)
    assert "alias/no-such-key" in error_of(e)[2]
    off = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.disable_key(KeyId=off)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ct.create_trail(Name=name, S3BucketName=bucket, KmsKeyId=off)
    assert error_of(e)[:2] == ("KmsKeyDisabledException", 400)

    trail = srv.aws("cloudtrail", "create-trail", "--name", name, "--s3-bucket-name", bucket,
                    "--kms-key-id", "alias/trail-logs", "--enable-log-file-validation")
    assert trail["KmsKeyId"] == key["Arn"]
    started = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=1)
    ct.start_logging(Name=name)
    rec = record(now(), name="EncryptedCall")
    status, body, _ = ingest(srv, [rec])
    assert status == 200, body
    log_key = wait_for_event(srv, bucket, rec["eventID"])
    assert log_key

    def delivered(files):
        return any("CloudTrail-Digest" in f.as_posix() for f in files)
    files = wait_for_files(srv, bucket, delivered)
    for f in files:
        data = f.read_bytes()
        assert data[:2] != b"\x1f\x8b", f  # ciphertext on disk, not gzip
        with pytest.raises(Exception):
            gzip.decompress(data)

    s3 = srv.client("s3")
    for o in s3.list_objects_v2(Bucket=bucket)["Contents"]:
        head = s3.head_object(Bucket=bucket, Key=o["Key"])
        assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == key["Arn"]
        assert o["Size"] == head["ContentLength"]
    # The AWS CLI reads the plaintext; a range of it, and its ETag, are the plaintext's.
    out = subprocess.run([AWS, "s3", "cp", f"s3://{bucket}/{log_key}", "-", "--endpoint-url",
                          srv.endpoint], env=srv.env(), capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert rec["eventID"] in gzip.decompress(out.stdout).decode()
    head = s3.head_object(Bucket=bucket, Key=log_key)
    assert len(out.stdout) == head["ContentLength"]
    assert head["ETag"] == '"' + hashlib.md5(out.stdout).hexdigest() + '"'
    part = s3.get_object(Bucket=bucket, Key=log_key, Range="bytes=0-1")
    assert part["Body"].read() == b"\x1f\x8b" and part["ETag"] == head["ETag"]

    reader = user_with_policy(srv, [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key["Arn"]}])
    no_kms = user_with_policy(srv, [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}])
    ok = aws_as(srv, reader, "s3", "cp", f"s3://{bucket}/{log_key}", str(tmp_path / "ok.gz"))
    assert ok.returncode == 0, ok.stderr
    gzip.decompress((tmp_path / "ok.gz").read_bytes())
    refused = aws_as(srv, no_kms, "s3", "cp", f"s3://{bucket}/{log_key}", str(tmp_path / "no.gz"))
    assert refused.returncode != 0 and b"AccessDenied" in refused.stderr, refused.stderr
    # HEAD needs no kms:Decrypt (as in S3).
    s3_no_kms = srv.client("s3", key=no_kms[0], secret=no_kms[1])
    assert s3_no_kms.head_object(Bucket=bucket, Key=log_key)["SSEKMSKeyId"] == key["Arn"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3_no_kms.get_object(Bucket=bucket, Key=log_key)
    assert error_of(e)[:2] == ("AccessDenied", 403) and "kms:Decrypt" in error_of(e)[2]

    # Log file validation still passes: the digests hash the plaintext log files.
    ct.stop_logging(Name=name)
    time.sleep(2.5)
    end = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=5))
    args = ["--trail-arn", trail["TrailARN"], "--start-time",
            started.strftime("%Y-%m-%dT%H:%M:%SZ"), "--end-time",
            end.strftime("%Y-%m-%dT%H:%M:%SZ")]
    ours = subprocess.run([str(BINARY), "validate-logs", *args, "--endpoint-url", srv.endpoint],
                          env=srv.env(), capture_output=True, text=True, timeout=120)
    assert ours.returncode == 0, ours.stdout + ours.stderr
    counts = re.findall(r"^(\d+)/(\d+) (digest|log) files valid$", ours.stdout, re.M)
    assert {c[2] for c in counts} == {"digest", "log"}, ours.stdout
    assert all(a == b and int(a) > 0 for a, b, _ in counts), ours.stdout
    if not os.path.exists(AWS_V1):
        pytest.fail(f"AWS CLI v1 not found at {AWS_V1}: cannot cross-check with its validator")
    env = srv.env()
    env["AWS_ENDPOINT_URL_S3"] = srv.endpoint
    theirs = subprocess.run([AWS_V1, "cloudtrail", "validate-logs", *args, "--endpoint-url",
                             srv.endpoint], env=env, capture_output=True, text=True, timeout=300)
    assert theirs.returncode == 0, theirs.stdout + theirs.stderr
    assert "INVALID" not in theirs.stdout and "log files valid" in theirs.stdout, theirs.stdout


def wait_for_event(srv, bucket, event_id):
    """The key of the delivered log file holding `event_id` (read through GetObject)."""
    s3 = srv.client("s3")
    deadline = time.time() + 20
    while time.time() < deadline:
        for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            if "/CloudTrail/" in o["Key"]:
                body = s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()
                if event_id in gzip.decompress(body).decode():
                    return o["Key"]
        time.sleep(0.5)
    return None


def test_bucket_default_encryption_applies_to_delivered_files(srv):
    s3 = srv.client("s3")
    kms = srv.client("kms")
    key = kms.create_key()["KeyMetadata"]
    bucket, name = uniq("default-enc"), uniq("plain-trail")
    s3.create_bucket(Bucket=bucket)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_bucket_encryption(Bucket=bucket)
    assert error_of(e)[:2] == ("ServerSideEncryptionConfigurationNotFoundError", 404)
    bad = {"Rules": [{"ApplyServerSideEncryptionByDefault": {
        "SSEAlgorithm": "AES256", "KMSMasterKeyID": key["KeyId"]}}]}
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=bad)
    assert error_of(e)[:2] == ("InvalidArgument", 400)
    missing = {"Rules": [{"ApplyServerSideEncryptionByDefault": {
        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": str(uuid.uuid4())}}]}
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=missing)
    assert error_of(e)[0] == "KMS.NotFoundException"

    srv.aws("s3api", "put-bucket-encryption", "--bucket", bucket,
            "--server-side-encryption-configuration", json.dumps({"Rules": [{
                "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms",
                                                       "KMSMasterKeyID": key["Arn"]}}]}))
    got = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    assert got["Rules"][0]["ApplyServerSideEncryptionByDefault"] == {
        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": key["Arn"]}

    ct = srv.client()
    ct.create_trail(Name=name, S3BucketName=bucket)
    ct.start_logging(Name=name)
    status, body, _ = ingest(srv, [record(now(), name="DefaultEncrypted")])
    assert status == 200, body
    files = wait_for_files(srv, bucket, lambda fs: len(fs) > 0)
    root = srv.data_dir / "buckets" / bucket
    k = files[0].relative_to(root).as_posix()
    assert files[0].read_bytes()[:2] != b"\x1f\x8b"
    obj = s3.get_object(Bucket=bucket, Key=k)
    assert obj["ServerSideEncryption"] == "aws:kms" and obj["SSEKMSKeyId"] == key["Arn"]
    gzip.decompress(obj["Body"].read())

    # SSE-S3: the server-held key; no KMS permission needed to read.
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    before = set(files)
    status, body, _ = ingest(srv, [record(now(), name="SseS3")])
    assert status == 200, body
    new = wait_for_files(srv, bucket, lambda fs: len(set(fs) - before) > 0)
    f = sorted(set(new) - before)[0]
    assert f.read_bytes()[:2] != b"\x1f\x8b"
    k = f.relative_to(root).as_posix()
    reader = user_with_policy(srv, [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}])
    got = srv.client("s3", key=reader[0], secret=reader[1]).get_object(Bucket=bucket, Key=k)
    assert got["ServerSideEncryption"] == "AES256" and "SSEKMSKeyId" not in got
    gzip.decompress(got["Body"].read())

    s3.delete_bucket_encryption(Bucket=bucket)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_bucket_encryption(Bucket=bucket)
    assert error_of(e)[0] == "ServerSideEncryptionConfigurationNotFoundError"
    ct.stop_logging(Name=name)


def test_disabled_key_stops_delivery_visibly_and_nothing_is_lost(srv):
    kms = srv.client("kms")
    ct = srv.client()
    key = kms.create_key()["KeyMetadata"]
    bucket, name = uniq("paused-logs"), uniq("paused-trail")
    srv.client("s3").create_bucket(Bucket=bucket)
    arn = ct.create_trail(Name=name, S3BucketName=bucket, KmsKeyId=key["KeyId"])["TrailARN"]
    ct.start_logging(Name=arn)
    kms.disable_key(KeyId=key["KeyId"])
    held = record(now(), name="WhileDisabled")
    status, body, _ = ingest(srv, [held])
    assert status == 200, body
    deadline = time.time() + 20
    while ct.get_trail_status(Name=arn).get("LatestDeliveryError") != "KMS.DisabledException":
        assert time.time() < deadline, ct.get_trail_status(Name=arn)
        time.sleep(0.3)
    assert not list((srv.data_dir / "buckets" / bucket).rglob("*.json.gz"))
    kms.enable_key(KeyId=key["KeyId"])
    assert wait_for_event(srv, bucket, held["eventID"])
    deadline = time.time() + 10
    while ct.get_trail_status(Name=arn).get("LatestDeliveryError"):
        assert time.time() < deadline, ct.get_trail_status(Name=arn)
        time.sleep(0.3)
    ct.stop_logging(Name=arn)


def test_client_upload_with_sse_headers(srv):
    s3 = srv.client("s3")
    kms = srv.client("kms")
    key = kms.create_key()["KeyMetadata"]
    bucket = uniq("uploads")
    s3.create_bucket(Bucket=bucket)
    me = srv.client("sts").get_caller_identity()["Arn"]
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": me}, "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{bucket}/uploads/*"}]}))
    put = s3.put_object(Bucket=bucket, Key="uploads/a.txt", Body=b"uploaded secret",
                        ServerSideEncryption="aws:kms", SSEKMSKeyId=key["KeyId"])
    assert put["ServerSideEncryption"] == "aws:kms" and put["SSEKMSKeyId"] == key["Arn"]
    assert b"secret" not in (srv.data_dir / "buckets" / bucket / "uploads" / "a.txt").read_bytes()
    got = s3.get_object(Bucket=bucket, Key="uploads/a.txt")
    assert got["Body"].read() == b"uploaded secret" and got["SSEKMSKeyId"] == key["Arn"]
    put = s3.put_object(Bucket=bucket, Key="uploads/b.txt", Body=b"x", ServerSideEncryption="AES256")
    assert put["ServerSideEncryption"] == "AES256"
    cases = [
        (dict(ServerSideEncryption="aws:kms"), "InvalidArgument"),
        (dict(ServerSideEncryption="AES256", SSEKMSKeyId=key["KeyId"]), "InvalidArgument"),
        (dict(ServerSideEncryption="aws:kms", SSEKMSKeyId=str(uuid.uuid4())),
         "KMS.NotFoundException"),
    ]
    for extra, code in cases:
        with pytest.raises(botocore.exceptions.ClientError) as e:
            s3.put_object(Bucket=bucket, Key="uploads/c.txt", Body=b"x", **extra)
        assert error_of(e)[:2] == (code, 400), (extra, error_of(e))
