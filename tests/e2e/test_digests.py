"""Log file integrity: signed, chained digest files and ListPublicKeys (digest.md), checked the
way a validator does — from the bucket's files on disk, RSA verified with the `openssl` command."""
import base64
import datetime
import gzip
import hashlib
import json
import re
import shutil
import subprocess
import time
import uuid

import pytest

from conftest import BINARY, Server, ingest
from records import now, record

DIGEST_KEY = re.compile(
    r"^AWSLogs/(?P<account>\d{12})/CloudTrail-Digest/(?P<region>[a-z0-9-]+)/(?P<y>\d{4})/(?P<m>\d{2})/"
    r"(?P<d>\d{2})/(?P=account)_CloudTrail-Digest_(?P=region)_(?P<trail>[^_]+)_(?P<home>[a-z0-9-]+)_"
    r"(?P<stamp>\d{8}T\d{6}Z)\.json\.gz$")
REQUIRED = ["awsAccountId", "digestStartTime", "digestEndTime", "digestS3Bucket", "digestS3Object",
            "digestPublicKeyFingerprint", "digestSignatureAlgorithm", "newestEventTime",
            "oldestEventTime", "previousDigestS3Bucket", "previousDigestS3Object",
            "previousDigestHashValue", "previousDigestHashAlgorithm", "previousDigestSignature",
            "logFiles"]


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("digests") / "data",
               extra_args=["--delivery-interval", "1s", "--digest-interval", "3s"]).start()
    yield s
    s.stop()


def objects(srv, bucket, part):
    """{key: (inflated bytes, metadata)} of the bucket's objects whose key contains `part`."""
    root = srv.data_dir / "buckets" / bucket
    meta_root = srv.data_dir / "bucket-meta" / bucket
    out = {}
    for path in sorted(root.rglob("*.json.gz")):
        key = path.relative_to(root).as_posix()
        if part not in key:
            continue
        meta = json.loads((meta_root / (key + ".json")).read_text()).get("Metadata", {})
        out[key] = (gzip.decompress(path.read_bytes()), meta)
    return out


def rsa_verify(tmp_path, der, message, signature):
    """SHA256withRSA with the openssl command (PKCS#1 DER key → SPKI PEM first)."""
    (tmp_path / "pub.der").write_bytes(der)
    (tmp_path / "msg").write_bytes(message)
    (tmp_path / "sig").write_bytes(signature)
    subprocess.run(["openssl", "rsa", "-RSAPublicKey_in", "-inform", "DER", "-in",
                    str(tmp_path / "pub.der"), "-pubout", "-out", str(tmp_path / "pub.pem")],
                   check=True, capture_output=True)
    p = subprocess.run(["openssl", "dgst", "-sha256", "-verify", str(tmp_path / "pub.pem"),
                        "-signature", str(tmp_path / "sig"), str(tmp_path / "msg")],
                       capture_output=True)
    return p.returncode == 0


def public_keys(srv, start, end, region="us-east-1"):
    out = srv.aws("cloudtrail", "list-public-keys", "--start-time", str(int(start)),
                  "--end-time", str(int(end)), region=region)
    keys = {}
    for k in out["PublicKeyList"]:
        der = base64.b64decode(k["Value"])
        assert k["Value"].startswith("MIIBCgKCAQEA")  # PKCS#1 RSAPublicKey, 2048 bits
        assert hashlib.md5(der).hexdigest() == k["Fingerprint"]
        assert k["ValidityStartTime"] < k["ValidityEndTime"]
        keys[k["Fingerprint"]] = der
    return keys


def check_chain(srv, tmp_path, bucket, region, keys, trail):
    """Verifies every digest of `region` (format, key, signature, chain, log hashes); returns
    (digests oldest first, log keys named)."""
    digests = objects(srv, bucket, "/CloudTrail-Digest/" + region + "/")
    logs = objects(srv, bucket, "/CloudTrail/")
    assert digests, f"no digest for {region}"
    ordered = sorted(digests)
    named = []
    parsed = []
    for i, key in enumerate(ordered):
        body, meta = digests[key]
        d = json.loads(body)
        assert list(d) == REQUIRED, list(d)
        m = DIGEST_KEY.match(key)
        assert m and m["trail"] == trail and m["home"] == "us-east-1", key
        end = datetime.datetime.strptime(d["digestEndTime"], "%Y-%m-%dT%H:%M:%SZ")
        assert m["stamp"] == end.strftime("%Y%m%dT%H%M%SZ")
        assert (m["y"], m["m"], m["d"]) == (end.strftime("%Y"), end.strftime("%m"), end.strftime("%d"))
        assert d["digestS3Bucket"] == bucket and d["digestS3Object"] == key
        assert d["digestSignatureAlgorithm"] == "SHA256withRSA"
        assert meta["signature-algorithm"] == "SHA256withRSA"
        signature = meta["signature"]
        assert re.fullmatch(r"[0-9a-f]{512}", signature)
        prev_sig = d["previousDigestSignature"]
        to_sign = "\n".join([d["digestEndTime"], f"{bucket}/{key}", hashlib.sha256(body).hexdigest(),
                             prev_sig if prev_sig is not None else "null"]).encode()
        assert d["digestPublicKeyFingerprint"] in keys, "public key not found"
        assert rsa_verify(tmp_path, keys[d["digestPublicKeyFingerprint"]], to_sign,
                          bytes.fromhex(signature)), key
        if i == 0:
            assert d["previousDigestS3Object"] is None and prev_sig is None
        else:
            pkey = ordered[i - 1]
            pbody, pmeta = digests[pkey]
            assert d["previousDigestS3Bucket"] == bucket and d["previousDigestS3Object"] == pkey
            assert d["previousDigestHashValue"] == hashlib.sha256(pbody).hexdigest()
            assert d["previousDigestHashAlgorithm"] == "SHA-256"
            assert prev_sig == pmeta["signature"]
            assert d["digestStartTime"] == json.loads(pbody)["digestEndTime"]
        if not d["logFiles"]:
            assert d["newestEventTime"] is None and d["oldestEventTime"] is None
        for f in d["logFiles"]:
            assert f["s3Bucket"] == bucket and f["hashAlgorithm"] == "SHA-256"
            assert f["s3Object"] in logs, "log not found: " + f["s3Object"]
            assert f["hashValue"] == hashlib.sha256(logs[f["s3Object"]][0]).hexdigest()
            assert f"/CloudTrail/{region}/" in f["s3Object"]
            named.append(f["s3Object"])
        parsed.append(d)
    return parsed, named


@pytest.mark.skipif(shutil.which("openssl") is None, reason="LOUD SKIP: no openssl command")
def test_digests_chain_sign_and_name_every_log_file_once_across_a_key_rotation(srv, tmp_path):
    started = time.time()
    bucket, name = f"dig-{uuid.uuid4().hex[:8]}", f"trail-{uuid.uuid4().hex[:6]}"
    srv.aws("s3api", "create-bucket", "--bucket", bucket)
    srv.aws("cloudtrail", "create-trail", "--name", name, "--s3-bucket-name", bucket,
            "--enable-log-file-validation", "--is-multi-region-trail")
    srv.aws("cloudtrail", "start-logging", "--name", name)
    base = now() - datetime.timedelta(minutes=5)
    for i in range(3):
        status, _, _ = ingest(srv, [record(base + datetime.timedelta(seconds=j), region=r)
                                 for j in range(20) for r in ("us-east-1", "eu-west-1")])
        assert status == 200
        time.sleep(2)
    # Rotation in the middle of the chain, beside the running server.
    p = subprocess.run([str(BINARY), "keys", "rotate", "--data-dir", str(srv.data_dir)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    for i in range(2):
        ingest(srv, [record(base + datetime.timedelta(seconds=j)) for j in range(5)])
        time.sleep(2)
    srv.aws("cloudtrail", "stop-logging", "--name", name)
    time.sleep(6)  # the rest is delivered, then the final digests

    keys = public_keys(srv, started - 60, time.time() + 7200)
    assert len(keys) >= 2, "the rotated-out key stays listed"
    home, named_home = check_chain(srv, tmp_path, bucket, "us-east-1", keys, name)
    eu_keys = public_keys(srv, started - 60, time.time() + 7200, region="eu-west-1")
    eu, named_eu = check_chain(srv, tmp_path, bucket, "eu-west-1", eu_keys, name)
    assert len(home) >= 4
    assert any(not d["logFiles"] for d in home) or len(home) >= 4
    assert len({d["digestPublicKeyFingerprint"] for d in home}) == 2, "rotation mid-chain"
    named = named_home + named_eu
    logs = objects(srv, bucket, "/CloudTrail/")
    assert sorted(named) == sorted(logs), "every log file is named by exactly one digest"
    status = srv.aws("cloudtrail", "get-trail-status", "--name", name)
    assert "LatestDigestDeliveryTime" in status and "LatestDigestDeliveryError" not in status
    # Stopped: no more digests.
    count = len(objects(srv, bucket, "/CloudTrail-Digest/"))
    time.sleep(4)
    assert len(objects(srv, bucket, "/CloudTrail-Digest/")) == count


def test_list_public_keys_with_boto3_and_errors(srv):
    ct = srv.client()
    keys = ct.list_public_keys()["PublicKeyList"]  # default: now
    assert keys, "the home region has a key from the first start"
    for k in keys:
        assert isinstance(k["Value"], bytes) and k["Value"][:4] == b"\x30\x82\x01\x0a"
        assert hashlib.md5(k["Value"]).hexdigest() == k["Fingerprint"]
        assert k["ValidityStartTime"] <= datetime.datetime.now(datetime.timezone.utc)
    old = ct.list_public_keys(StartTime=datetime.datetime(2000, 1, 1),
                              EndTime=datetime.datetime(2000, 1, 2))["PublicKeyList"]
    assert old == []
    with pytest.raises(ct.exceptions.InvalidTimeRangeException):
        ct.list_public_keys(StartTime=datetime.datetime(2030, 1, 2),
                            EndTime=datetime.datetime(2030, 1, 1))
    p = srv.aws("cloudtrail", "list-public-keys", "--start-time", "2030-01-02T00:00:00Z",
                "--end-time", "2030-01-01T00:00:00Z", check=False)
    assert p.returncode != 0 and "InvalidTimeRangeException" in p.stderr


def test_no_digests_without_validation(srv):
    bucket, name = f"nodig-{uuid.uuid4().hex[:8]}", f"trail-{uuid.uuid4().hex[:6]}"
    srv.aws("s3api", "create-bucket", "--bucket", bucket)
    srv.aws("cloudtrail", "create-trail", "--name", name, "--s3-bucket-name", bucket)
    srv.aws("cloudtrail", "start-logging", "--name", name)
    time.sleep(5)
    assert objects(srv, bucket, "/CloudTrail/")
    assert not objects(srv, bucket, "/CloudTrail-Digest/")
    srv.aws("cloudtrail", "delete-trail", "--name", name)
