"""Bucket policies and client uploads (issue 5 part 2, the upload half of issue 8): the AWS CLI v2
and boto3 against a local log bucket guarded by docs/policies/trail-bucket-least-privilege.json."""
import base64
import datetime
import gzip
import hashlib
import hmac
import json
import pathlib
import subprocess
import time
import urllib.error
import urllib.request
import uuid
import zlib

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.config
import botocore.credentials
import botocore.exceptions
import pytest

from conftest import AWS, ROOT, Server, ingest
from records import now, record

DOC_POLICY = ROOT / "docs" / "policies" / "trail-bucket-least-privilege.json"


def uniq(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def client_as(srv, creds, service="s3"):
    return boto3.client(
        service, endpoint_url=srv.endpoint, region_name="us-east-1",
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        verify=str(srv.tls_ca) if srv.tls_ca else None,
        config=botocore.config.Config(retries={"max_attempts": 1}))


def cli_as(srv, tmp_path, creds, *args, check=True, text=True, cli=AWS):
    """The AWS CLI (v2 unless `cli` says otherwise) with `creds` in a credentials file of its own;
    raw output."""
    path = tmp_path / f"creds-{uuid.uuid4().hex[:6]}"
    path.write_text(f"[user]\naws_access_key_id = {creds['AccessKeyId']}\n"
                    f"aws_secret_access_key = {creds['SecretAccessKey']}\n")
    env = srv.env()
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(path)
    p = subprocess.run([cli, *args, "--profile", "user", "--endpoint-url", srv.endpoint],
                       env=env, capture_output=True, text=text, timeout=120)
    if check:
        assert p.returncode == 0, p.stderr
    return p


def doc_policy(bucket, account, trail, auditor, require_tls=True, extra=()):
    """The documented least-privilege policy with this test's names in it."""
    text = DOC_POLICY.read_text()
    text = (text.replace("org-trail-logs", bucket).replace("111122223333", account)
            .replace("trail/org-trail", f"trail/{trail}").replace("user/auditor-1", f"user/{auditor}"))
    policy = json.loads(text)
    if not require_tls:
        policy["Statement"] = [s for s in policy["Statement"] if s["Sid"] != "RequireTls"]
    policy["Statement"].extend(extra)
    return policy


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """A server with a log bucket, a trail delivering into it every second, the documented policy
    (without its TLS rule: these tests speak plain HTTP) plus an uploader grant, and four users."""
    srv = Server(tmp_path_factory.mktemp("bucketpolicy") / "data",
                 extra_args=["--delivery-interval", "1s"]).start()
    account = srv.client("sts").get_caller_identity()["Account"]
    iam = srv.client("iam")
    users = {}
    for role in ("auditor", "stranger", "uploader"):
        name = uniq(role)
        iam.create_user(UserName=name)
        users[role] = dict(name=name, **iam.create_access_key(UserName=name)["AccessKey"])
    bucket, trail = uniq("org-trail-logs"), uniq("org-trail")
    srv.aws("s3api", "create-bucket", "--bucket", bucket)
    upload_grant = {"Sid": "UploaderWrites", "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:user/{users['uploader']['name']}"},
                    "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/uploads/*"}
    policy = doc_policy(bucket, account, trail, users["auditor"]["name"], require_tls=False,
                        extra=[upload_grant])
    srv.client("s3").put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    srv.aws("cloudtrail", "create-trail", "--name", trail, "--s3-bucket-name", bucket)
    srv.aws("cloudtrail", "start-logging", "--name", trail)
    status, body, _ = ingest(srv, [record(now(), name="DeliveredCall") for _ in range(5)])
    assert status == 200, body
    deadline = time.time() + 30
    while not list((srv.data_dir / "buckets" / bucket / "AWSLogs").rglob("*.json.gz")):
        assert time.time() < deadline, "nothing was delivered"
        time.sleep(0.2)
    yield dict(srv=srv, account=account, bucket=bucket, trail=trail, users=users, policy=policy)
    srv.stop()


def a_log_key(e):
    root = e["srv"].data_dir / "buckets" / e["bucket"]
    return next(p.relative_to(root).as_posix() for p in (root / "AWSLogs").rglob("*.json.gz"))


# --- PutBucketPolicy / GetBucketPolicy / DeleteBucketPolicy ----------------------------------------

def test_policy_put_get_delete_with_the_cli(env, tmp_path):
    srv, bucket = env["srv"], uniq("pol")
    srv.aws("s3api", "create-bucket", "--bucket", bucket)
    path = tmp_path / "policy.json"
    text = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Read", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{env['account']}:user/{env['users']['auditor']['name']}"},
         "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}, indent=2)
    path.write_text(text)

    missing = srv.aws("s3api", "get-bucket-policy", "--bucket", bucket, check=False)
    srv.aws("s3api", "put-bucket-policy", "--bucket", bucket, "--policy", f"file://{path}")
    got = srv.aws("s3api", "get-bucket-policy", "--bucket", bucket)
    srv.aws("s3api", "delete-bucket-policy", "--bucket", bucket)
    gone = srv.aws("s3api", "get-bucket-policy", "--bucket", bucket, check=False)

    assert missing.returncode != 0 and "NoSuchBucketPolicy" in missing.stderr
    assert got["Policy"] == text  # stored and returned exactly as sent
    assert gone.returncode != 0 and "NoSuchBucketPolicy" in gone.stderr


@pytest.mark.parametrize("statement,message", [
    ({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::{b}/*"},
     "Missing required field Principal"),
    ({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::elsewhere/*"}, "Policy has invalid resource"),
    ({"Effect": "Allow", "Principal": "*", "Action": "iam:GetUser",
      "Resource": "arn:aws:s3:::{b}/*"}, "Policy has invalid action"),
    ({"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::{a}:user/nobody-here"},
      "Action": "s3:GetObject", "Resource": "arn:aws:s3:::{b}/*"}, "Invalid principal in policy"),
])
def test_malformed_policies_are_refused_with_s3_messages(env, statement, message):
    s3 = env["srv"].client("s3")
    bucket = uniq("bad")
    s3.create_bucket(Bucket=bucket)
    st = json.loads(json.dumps(statement).replace("{b}", bucket).replace("{a}", env["account"]))

    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Statement": [st]}))

    assert code(e) == "MalformedPolicy"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert message in e.value.response["Error"]["Message"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_bucket_policy(Bucket=bucket)
    assert code(e) == "NoSuchBucketPolicy"


def test_policy_changes_are_s3_events_in_lookup_events(env):
    srv = env["srv"]
    events = srv.client().lookup_events(LookupAttributes=[
        {"AttributeKey": "EventName", "AttributeValue": "PutBucketPolicy"}])["Events"]
    mine = [json.loads(e["CloudTrailEvent"]) for e in events]
    mine = [r for r in mine if r["requestParameters"]["bucketName"] == env["bucket"]]

    assert len(mine) == 1
    assert mine[0]["eventSource"] == "s3.amazonaws.com"
    assert mine[0]["readOnly"] is False
    assert mine[0]["requestParameters"]["bucketPolicy"]["Id"] == "TrailLogsLeastPrivilege"
    assert {"type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{env['bucket']}"} in [
        {k: r[k] for k in ("type", "ARN")} for r in mine[0]["resources"]]


# --- CloudTrail and the bucket policy ----------------------------------------------------------------

def test_trail_needs_a_policy_that_lets_cloudtrail_write(env):
    srv, ct, s3 = env["srv"], env["srv"].client(), env["srv"].client("s3")
    bucket, trail = uniq("strict"), uniq("t")
    s3.create_bucket(Bucket=bucket)
    auditors_only = doc_policy(bucket, env["account"], "another-trail", env["users"]["auditor"]["name"],
                               require_tls=False)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(auditors_only))

    with pytest.raises(botocore.exceptions.ClientError) as e:
        ct.create_trail(Name=trail, S3BucketName=bucket)
    assert code(e) == "InsufficientS3BucketPolicyException"
    assert bucket in e.value.response["Error"]["Message"]

    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(
        doc_policy(bucket, env["account"], trail, env["users"]["auditor"]["name"], require_tls=False)))
    ct.create_trail(Name=trail, S3BucketName=bucket)
    with pytest.raises(botocore.exceptions.ClientError) as e:  # the grant is for AWSLogs/ only
        ct.update_trail(Name=trail, S3KeyPrefix="elsewhere")
    assert code(e) == "InsufficientS3BucketPolicyException"
    ct.delete_trail(Name=trail)


def test_a_later_deny_of_cloudtrail_stops_delivery_visibly_and_loses_nothing(env):
    srv, s3, ct = env["srv"], env["srv"].client("s3"), env["srv"].client()
    bucket, trail = uniq("denied"), uniq("t")
    s3.create_bucket(Bucket=bucket)
    ct.create_trail(Name=trail, S3BucketName=bucket)  # no policy yet: accepted
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Statement": [
        {"Sid": "NoCloudTrail", "Effect": "Deny", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}))
    ct.start_logging(Name=trail)
    root = srv.data_dir / "buckets" / bucket

    deadline = time.time() + 20
    while ct.get_trail_status(Name=trail).get("LatestDeliveryError") != "AccessDenied":
        assert time.time() < deadline, ct.get_trail_status(Name=trail)
        time.sleep(0.2)
    assert not list(root.rglob("*.json.gz"))
    s3.delete_bucket_policy(Bucket=bucket)
    while not list(root.rglob("*.json.gz")):
        assert time.time() < deadline + 20, "delivery did not resume"
        time.sleep(0.2)

    delivered = b"".join(gzip.decompress(p.read_bytes()) for p in root.rglob("*.json.gz"))
    assert b'"StartLogging"' in delivered  # written before the policy went away, not lost
    ct.delete_trail(Name=trail)


def test_delivered_logs_are_readable_by_the_auditor_not_by_the_stranger(env, tmp_path):
    srv, bucket, users = env["srv"], env["bucket"], env["users"]
    key = a_log_key(env)

    listing = cli_as(srv, tmp_path, users["auditor"], "s3", "ls", f"s3://{bucket}/AWSLogs/",
                     "--recursive")
    body = cli_as(srv, tmp_path, users["auditor"], "s3", "cp", f"s3://{bucket}/{key}", "-",
                  text=False)
    stranger_ls = cli_as(srv, tmp_path, users["stranger"], "s3", "ls", f"s3://{bucket}/",
                         check=False)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        client_as(srv, users["stranger"]).get_object(Bucket=bucket, Key=key)

    assert key in listing.stdout
    assert body.returncode == 0, body.stderr
    assert json.loads(gzip.decompress(body.stdout))["Records"]
    assert stranger_ls.returncode != 0 and "AccessDenied" in stranger_ls.stderr
    assert code(e) == "AccessDenied"


@pytest.mark.parametrize("role", ["admin", "auditor", "stranger", "uploader"])
def test_nobody_deletes_and_only_the_granted_upload_into_the_log_bucket(env, role):
    srv, bucket = env["srv"], env["bucket"]
    s3 = srv.client("s3") if role == "admin" else client_as(srv, env["users"][role])
    key = a_log_key(env)

    with pytest.raises(botocore.exceptions.ClientError) as deleted:
        s3.delete_object(Bucket=bucket, Key=key)
    with pytest.raises(botocore.exceptions.ClientError) as forged:
        s3.put_object(Bucket=bucket, Key=key, Body=b"forged")
    upload = None
    try:
        s3.put_object(Bucket=bucket, Key=f"uploads/{role}.txt", Body=b"hi")
    except botocore.exceptions.ClientError as e:
        upload = e.response["Error"]["Code"]

    assert code(deleted) == "AccessDenied"
    assert code(forged) == "AccessDenied"
    assert upload == (None if role == "uploader" else "AccessDenied")
    assert "explicit deny" in deleted.value.response["Error"]["Message"]
    assert (srv.data_dir / "buckets" / bucket / key).exists()


def test_admin_reads_but_identity_policies_alone_do_not_open_uploads(env):
    s3, bucket = env["srv"].client("s3"), env["bucket"]
    key = a_log_key(env)

    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.put_object(Bucket=bucket, Key="uploads/admin.txt", Body=b"x")

    assert gzip.decompress(body)
    assert policy == env["policy"]
    assert code(e) == "AccessDenied"


# --- uploads by the real clients ---------------------------------------------------------------------

def test_cli_v2_uploads_with_s3_cp_and_put_object_and_reads_back(env, tmp_path):
    srv, bucket, up = env["srv"], env["bucket"], env["users"]["uploader"]
    src = tmp_path / "report.txt"
    src.write_bytes(b"quarterly audit notes\n" * 100)

    cli_as(srv, tmp_path, up, "s3", "cp", str(src), f"s3://{bucket}/uploads/report.txt")
    cli_as(srv, tmp_path, up, "s3api", "put-object", "--bucket", bucket, "--key",
           "uploads/meta.json", "--body", str(src), "--content-type", "application/json",
           "--metadata", "Team=audit,Ticket=T-1")
    down = tmp_path / "down.txt"
    cli_as(srv, tmp_path, env["users"]["auditor"], "s3", "cp", f"s3://{bucket}/uploads/report.txt",
           str(down))
    head = srv.client("s3").head_object(Bucket=bucket, Key="uploads/meta.json")

    assert down.read_bytes() == src.read_bytes()
    assert head["ContentType"] == "application/json"
    assert head["Metadata"] == {"team": "audit", "ticket": "T-1"}
    assert head["ETag"] == '"' + hashlib.md5(src.read_bytes()).hexdigest() + '"'


def test_boto3_upload_sends_crc32_which_is_kept_and_returned(env):
    srv, bucket = env["srv"], env["bucket"]
    s3 = client_as(srv, env["users"]["uploader"])
    body = b"hello world\n"

    # Current botocore sends CRC32 unasked; Debian's 1.29 only when asked (header over HTTP).
    put = s3.put_object(Bucket=bucket, Key="uploads/hello.txt", Body=body, ChecksumAlgorithm="CRC32",
                        ContentEncoding="identity", Metadata={"Signature": "abc"})
    got = srv.client("s3").get_object(Bucket=bucket, Key="uploads/hello.txt", ChecksumMode="ENABLED")

    assert put["ChecksumCRC32"] == "rwg7LQ=="
    assert got["Body"].read() == body
    assert got["ChecksumCRC32"] == "rwg7LQ=="
    assert got["Metadata"] == {"signature": "abc"}
    assert got["ContentEncoding"] == "identity"


# --- hand-built bodies: aws-chunked, signed chunks, corrupted checksums -------------------------------

class RawS3Signer(botocore.auth.S3SigV4Auth):
    """botocore's S3 signer, with the payload-hash literal chosen by the test."""

    def __init__(self, creds, payload):
        super().__init__(creds, "s3", "us-east-1")
        self._payload = payload

    def payload(self, request):
        return self._payload


def raw_put(srv, path, body, headers, payload, creds=None, chunk_signer=None):
    """PUT `body` (bytes, or a function of the seed signature and signing facts) signed with
    x-amz-content-sha256 = `payload`; returns (status, error code, response headers)."""
    if creds is None:
        k, s = srv.keys()
    else:
        k, s = creds["AccessKeyId"], creds["SecretAccessKey"]
    c = botocore.credentials.Credentials(k, s)
    # urllib would add a form Content-Type, which routes a request to the Query protocol.
    headers = {"Content-Type": "application/octet-stream", **headers}
    req = botocore.awsrequest.AWSRequest(method="PUT", url=srv.endpoint + path,
                                         data=b"" if callable(body) else body, headers=dict(headers))
    RawS3Signer(c, payload).add_auth(req)
    if callable(body):
        seed = req.headers["Authorization"].rsplit("Signature=", 1)[1]
        body = body(seed, req.headers["X-Amz-Date"], s)
    prepared = req.prepare()
    h = dict(prepared.headers)
    h["Content-Length"] = str(len(body))
    r = urllib.request.Request(prepared.url, data=body, method="PUT", headers=h)
    try:
        with urllib.request.urlopen(r, timeout=60, context=srv.ssl_context()) as resp:
            return resp.status, None, dict(resp.headers)
    except urllib.error.HTTPError as e:
        raw = e.read().decode()
        return e.code, raw.split("<Code>")[1].split("</Code>")[0] if "<Code>" in raw else raw, {}


def crc32_b64(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def unsigned_trailer_body(data, checksum):
    return (f"{len(data):x}\r\n".encode() + data + b"\r\n0\r\n" +
            f"x-amz-checksum-crc32:{checksum}\r\n\r\n".encode())


def streaming_headers(data):
    return {"Content-Encoding": "aws-chunked", "X-Amz-Decoded-Content-Length": str(len(data)),
            "X-Amz-Trailer": "x-amz-checksum-crc32", "x-amz-sdk-checksum-algorithm": "CRC32"}


def test_aws_chunked_upload_with_a_corrupted_trailer_is_bad_digest(env):
    srv, bucket, up = env["srv"], env["bucket"], env["users"]["uploader"]
    data = b"hello world\n"
    mode = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"

    bad = raw_put(srv, f"/{bucket}/uploads/chunked-bad.txt",
                  unsigned_trailer_body(data, crc32_b64(b"something else")),
                  streaming_headers(data), mode, creds=up)
    good = raw_put(srv, f"/{bucket}/uploads/chunked.txt", unsigned_trailer_body(data, crc32_b64(data)),
                   {**streaming_headers(data), "Content-Encoding": "gzip,aws-chunked"}, mode,
                   creds=up)
    got = srv.client("s3").get_object(Bucket=bucket, Key="uploads/chunked.txt")

    assert bad[:2] == (400, "BadDigest")
    assert good[0] == 200, good
    assert good[2]["x-amz-checksum-crc32"] == crc32_b64(data)
    assert got["Body"].read() == data
    assert got["ContentEncoding"] == "gzip"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        srv.client("s3").head_object(Bucket=bucket, Key="uploads/chunked-bad.txt")
    assert e.value.response["Error"]["Code"] == "404"


def signing_key(secret, amz_date):
    k = ("AWS4" + secret).encode()
    for part in (amz_date[:8], "us-east-1", "s3", "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return k


def signed_chunks(data, chunk, trailer, corrupt_chunk=None):
    """An aws-chunked body with chunk signatures (and a signed trailer), computed here in Python
    from the AWS documentation's algorithm, independently of the server's implementation."""
    def build(seed, amz_date, secret):
        key = signing_key(secret, amz_date)
        scope = f"{amz_date[:8]}/us-east-1/s3/aws4_request"
        empty = hashlib.sha256(b"").hexdigest()
        prev, out = seed, b""
        pieces = [data[i:i + chunk] for i in range(0, len(data), chunk)] + [b""]
        for i, piece in enumerate(pieces):
            sts = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, prev, empty,
                             hashlib.sha256(piece).hexdigest()])
            prev = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
            sent = piece if i != corrupt_chunk else b"X" + piece[1:]
            out += f"{len(piece):x};chunk-signature={prev}\r\n".encode()
            out += (sent + b"\r\n") if piece else b""
        if trailer:
            line = f"x-amz-checksum-crc32:{crc32_b64(data)}"
            sts = "\n".join(["AWS4-HMAC-SHA256-TRAILER", amz_date, scope, prev,
                             hashlib.sha256((line + "\n").encode()).hexdigest()])
            sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
            out += f"{line}\r\nx-amz-trailer-signature:{sig}\r\n".encode()
        return out + b"\r\n"
    return build


@pytest.mark.parametrize("trailer", [False, True])
def test_signed_chunk_uploads_verify_each_chunk(env, trailer):
    srv, bucket, up = env["srv"], env["bucket"], env["users"]["uploader"]
    data = bytes(range(256)) * 100  # 25 600 bytes in 8 KiB chunks
    mode = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" + ("-TRAILER" if trailer else "")
    headers = {"Content-Encoding": "aws-chunked", "X-Amz-Decoded-Content-Length": str(len(data))}
    if trailer:
        headers["X-Amz-Trailer"] = "x-amz-checksum-crc32"
    key = f"uploads/signed-{trailer}.bin"

    good = raw_put(srv, f"/{bucket}/{key}", signed_chunks(data, 8192, trailer), headers, mode,
                   creds=up)
    bad = raw_put(srv, f"/{bucket}/{key}-bad", signed_chunks(data, 8192, trailer, corrupt_chunk=1),
                  headers, mode, creds=up)

    assert good[0] == 200, good
    assert srv.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read() == data
    assert bad[:2] == (403, "SignatureDoesNotMatch")


@pytest.mark.parametrize("headers,payload,status,error", [
    ({"Content-MD5": base64.b64encode(hashlib.md5(b"other").digest()).decode()}, None, 400,
     "BadDigest"),
    ({"Content-MD5": "not-base64!"}, None, 400, "InvalidDigest"),
    ({"x-amz-checksum-crc32": crc32_b64(b"other")}, None, 400, "BadDigest"),
    ({"x-amz-checksum-crc33": "AAAA"}, None, 400, "InvalidRequest"),
    ({}, "0" * 64, 400, "XAmzContentSHA256Mismatch"),
    ({}, "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", 501, "NotImplemented"),
])
def test_upload_integrity_refusals(env, headers, payload, status, error):
    srv, bucket, up = env["srv"], env["bucket"], env["users"]["uploader"]
    body = b"payload bytes"

    got = raw_put(srv, f"/{bucket}/uploads/refused.txt", body, headers,
                  payload or hashlib.sha256(body).hexdigest(), creds=up)

    assert got[:2] == (status, error)


def test_missing_payload_hash_is_invalid_request(env):
    srv, bucket = env["srv"], env["bucket"]
    k, s = srv.keys()
    req = botocore.awsrequest.AWSRequest(method="GET", url=f"{srv.endpoint}/{bucket}?policy")
    botocore.auth.SigV4Auth(botocore.credentials.Credentials(k, s), "s3", "us-east-1").add_auth(req)
    headers = {k2: v for k2, v in req.prepare().headers.items() if k2 != "X-Amz-Content-SHA256"}

    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(urllib.request.Request(req.url, headers=headers), timeout=30)

    assert e.value.code == 400
    assert b"<Code>InvalidRequest</Code>" in e.value.read()


def test_keys_under_awslogs_are_never_client_objects(env):
    srv = env["srv"]
    s3 = srv.client("s3")
    bucket = uniq("open")
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{env['account']}:root"},
         "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*"}]}))

    s3.put_object(Bucket=bucket, Key="notes/a.txt", Body=b"ok")
    for key in (f"AWSLogs/{env['account']}/CloudTrail/us-east-1/x.json.gz", "prefix/AWSLogs/x"):
        with pytest.raises(botocore.exceptions.ClientError) as e:
            s3.put_object(Bucket=bucket, Key=key, Body=b"forged")
        assert code(e) == "AccessDenied"
        assert "trail delivery" in e.value.response["Error"]["Message"]


def test_a_tls_only_policy_refuses_plain_http_and_needs_confirmation(env, tmp_path):
    srv = env["srv"]
    s3 = srv.client("s3")
    bucket = uniq("tls-only")
    s3.create_bucket(Bucket=bucket)
    policy = doc_policy(bucket, env["account"], "t", env["users"]["auditor"]["name"])
    path = tmp_path / "tls.json"
    path.write_text(json.dumps(policy))

    refused = srv.aws("s3api", "put-bucket-policy", "--bucket", bucket, "--policy",
                      f"file://{path}", check=False)
    srv.aws("s3api", "put-bucket-policy", "--bucket", bucket, "--policy", f"file://{path}",
            "--confirm-remove-self-bucket-access")
    listing = srv.aws("s3", "ls", f"s3://{bucket}/", check=False)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        s3.get_bucket_policy(Bucket=bucket)

    assert refused.returncode != 0 and "x-amz-confirm-remove-self-bucket-access" in refused.stderr
    assert listing.returncode != 0 and "AccessDenied" in listing.stderr
    assert code(e) == "AccessDenied"
    assert "explicit deny" in e.value.response["Error"]["Message"]


# --- over HTTPS: what the clients send there, and a TLS-only policy ----------------------------------

AWS_V1 = pathlib.Path("/root/.pyenv/shims/aws")  # the newer CLI on the machine (botocore 1.43)


@pytest.fixture(scope="module")
def tls_env(tmp_path_factory):
    """`serve --tls-self-signed`; a bucket under the documented policy with its RequireTls rule,
    plus an uploader grant."""
    srv = Server(tmp_path_factory.mktemp("bucketpolicy-tls") / "data",
                 extra_args=["--tls-self-signed"]).start()
    account = srv.client("sts").get_caller_identity()["Account"]
    iam = srv.client("iam")
    users = {}
    for role in ("auditor", "uploader"):
        name = uniq(role)
        iam.create_user(UserName=name)
        users[role] = dict(name=name, **iam.create_access_key(UserName=name)["AccessKey"])
    bucket = uniq("tls-logs")
    s3 = srv.client("s3")
    s3.create_bucket(Bucket=bucket)
    grant = {"Sid": "UploaderWrites", "Effect": "Allow",
             "Principal": {"AWS": f"arn:aws:iam::{account}:user/{users['uploader']['name']}"},
             "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/uploads/*"}
    # Over TLS the RequireTls rule does not deny the author: no confirmation needed.
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(
        doc_policy(bucket, account, "t", users["auditor"]["name"], extra=[grant])))
    yield dict(srv=srv, bucket=bucket, users=users)
    srv.stop()


def test_https_boto3_upload_is_aws_chunked_with_a_verified_crc32_trailer(tls_env):
    srv, bucket = tls_env["srv"], tls_env["bucket"]
    s3 = client_as(srv, tls_env["users"]["uploader"])
    sent = []
    s3.meta.events.register("before-send.s3.PutObject", lambda request, **_: sent.append(
        {k.lower(): v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}))
    body = b"log shipped over TLS\n" * 1000

    s3.put_object(Bucket=bucket, Key="uploads/tls.txt", Body=body, ChecksumAlgorithm="CRC32")
    got = client_as(srv, tls_env["users"]["auditor"]).get_object(
        Bucket=bucket, Key="uploads/tls.txt", ChecksumMode="ENABLED")

    assert sent[0]["x-amz-content-sha256"] == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    assert sent[0]["x-amz-trailer"] == "x-amz-checksum-crc32"
    assert got["Body"].read() == body
    assert got["ChecksumCRC32"] == crc32_b64(body)


def test_https_corrupted_trailer_is_refused_and_cli_v2_uploads_unsigned(tls_env, tmp_path):
    srv, bucket, up = tls_env["srv"], tls_env["bucket"], tls_env["users"]["uploader"]
    data = b"hello world\n"
    src = tmp_path / "cli.txt"
    src.write_bytes(data * 50)

    bad = raw_put(srv, f"/{bucket}/uploads/tls-bad.txt",
                  unsigned_trailer_body(data, crc32_b64(b"tampered")), streaming_headers(data),
                  "STREAMING-UNSIGNED-PAYLOAD-TRAILER", creds=up)
    cli_as(srv, tmp_path, up, "s3", "cp", str(src), f"s3://{bucket}/uploads/cli.txt")
    down = cli_as(srv, tmp_path, tls_env["users"]["auditor"], "s3", "cp",
                  f"s3://{bucket}/uploads/cli.txt", "-", text=False)

    assert bad[:2] == (400, "BadDigest")
    assert down.stdout == src.read_bytes()


@pytest.mark.skipif(not AWS_V1.exists(), reason="no AWS CLI v1 on this machine")
def test_https_newer_cli_streams_its_upload_and_reads_it_back(tls_env, tmp_path):
    srv, bucket, up = tls_env["srv"], tls_env["bucket"], tls_env["users"]["uploader"]
    src = tmp_path / "v1.bin"
    src.write_bytes(bytes(range(256)) * 4096)  # 1 MiB: botocore's chunk size, plus the final chunk

    cli_as(srv, tmp_path, up, "s3", "cp", str(src), f"s3://{bucket}/uploads/v1.bin", cli=str(AWS_V1))
    got = client_as(srv, tls_env["users"]["auditor"]).get_object(Bucket=bucket,
                                                                  Key="uploads/v1.bin")

    assert got["Body"].read() == src.read_bytes()
