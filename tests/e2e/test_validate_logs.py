"""`opentrail validate-logs` (digest.md §6) against real trails with log file validation, side by side
with the unmodified AWS CLI v1 validator (botocore honouring AWS_ENDPOINT_URL_S3): both must print
exactly the same stdout and stderr and exit with the same status — over a chain of ≥ 24 digest
windows with a signing-key rotation in the middle, over a chain that restarts and changes bucket,
and after each kind of tampering the AWS validator reports distinctly. Ours also reads a local
copy of the bucket (--from-dir) with the same result."""
import datetime
import gzip
import json
import os
import shutil
import subprocess
import time
import uuid

import pytest

from conftest import BINARY, Server, ingest
from records import now, record

AWS_V1 = "/root/.pyenv/shims/aws"
WINDOWS = 24  # digest windows the long chain must span


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Trail:
    def __init__(self, srv, buckets, arn, start):
        self.srv, self.buckets, self.arn, self.start = srv, buckets, arn, start
        self.bucket = buckets[-1]  # where it delivers now
        self.root = srv.data_dir / "buckets" / self.bucket
        self.meta = srv.data_dir / "bucket-meta" / self.bucket

    def keys(self, part, bucket=None):
        root = self.srv.data_dir / "buckets" / (bucket or self.bucket)
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                      if p.is_file() and part in p.as_posix())

    def digests(self, bucket=None):
        return self.keys("/CloudTrail-Digest/", bucket)

    def logs(self, bucket=None):
        return self.keys("/CloudTrail/", bucket)

    def digest(self, key):
        return json.loads(gzip.decompress((self.root / key).read_bytes()))

    def meta_of(self, key):
        return json.loads((self.meta / (key + ".json")).read_text())

    def move(self, key, to):
        """Renames an object together with its metadata, as an S3 copy + delete would."""
        for base, suffix in ((self.root, ""), (self.meta, ".json")):
            (base / (to + suffix)).parent.mkdir(parents=True, exist_ok=True)
            (base / (key + suffix)).rename(base / (to + suffix))


@pytest.fixture(scope="module")
def trails(tmp_path_factory):
    """Two trails on one server delivering every 0.5 s with 1 s digest windows:
    `long`: one unbroken chain over ≥ 24 windows, the signing key rotated half-way;
    `moved`: a chain that moves to a second bucket, then StopLogging + StartLogging (a gap)."""
    srv = Server(tmp_path_factory.mktemp("validate") / "data",
                 extra_args=["--delivery-interval", "500ms", "--digest-interval", "1s"]).start()
    started = time.time() - 60
    tag = uuid.uuid4().hex[:8]
    long_bucket, first, second = f"val-{tag}", f"val-a-{tag}", f"val-b-{tag}"
    for b in (long_bucket, first, second):
        srv.aws("s3api", "create-bucket", "--bucket", b)
    arn = srv.aws("cloudtrail", "create-trail", "--name", f"long-{tag}", "--s3-bucket-name",
                  long_bucket, "--enable-log-file-validation")["TrailARN"]
    moved_arn = srv.aws("cloudtrail", "create-trail", "--name", f"moved-{tag}", "--s3-bucket-name",
                        first, "--enable-log-file-validation")["TrailARN"]
    ct = srv.client()
    ct.start_logging(Name=arn)
    ct.start_logging(Name=moved_arn)
    base = now() - datetime.timedelta(minutes=5)
    steps = {4: lambda: ct.update_trail(Name=moved_arn, S3BucketName=second),
             8: lambda: ct.stop_logging(Name=moved_arn),
             11: lambda: ct.start_logging(Name=moved_arn),
             15: lambda: ct.stop_logging(Name=moved_arn)}
    t0 = time.time()
    for second_no in range(WINDOWS + 3):
        status, _, _ = ingest(srv, [record(base + datetime.timedelta(seconds=second_no, milliseconds=j))
                                    for j in range(5)])
        assert status == 200
        if second_no in steps:
            steps[second_no]()
        if second_no == (WINDOWS + 3) // 2:  # beside the running server, mid-chain
            p = subprocess.run([str(BINARY), "keys", "rotate", "--data-dir", str(srv.data_dir)],
                               capture_output=True, text=True, timeout=60)
            assert p.returncode == 0, p.stderr
        time.sleep(max(0.0, t0 + second_no + 1 - time.time()))
    ct.stop_logging(Name=arn)
    time.sleep(3)  # the last log files, then the final digests
    long = Trail(srv, [long_bucket], arn, started)
    moved = Trail(srv, [first, second], moved_arn, started)
    assert len(long.digests()) >= WINDOWS, long.digests()
    assert moved.digests(first) and moved.digests(second) and moved.logs(first)
    backup = tmp_path_factory.mktemp("backup")
    shutil.copytree(long.root, backup / "objects")
    shutil.copytree(long.meta, backup / "meta")
    long.backup = backup
    yield long, moved
    srv.stop()


@pytest.fixture
def long_trail(trails):
    return trails[0]


@pytest.fixture
def pristine(trails):
    """The long trail for a test that tampers with its bucket; put back afterwards."""
    t = trails[0]
    yield t
    shutil.rmtree(t.root)
    shutil.rmtree(t.meta)
    shutil.copytree(t.backup / "objects", t.root)
    shutil.copytree(t.backup / "meta", t.meta)


def opentrail(t, args, *extra):
    return subprocess.run([str(BINARY), "validate-logs", *args, "--endpoint-url", t.srv.endpoint,
                           *extra], env=t.srv.env(), capture_output=True, text=True, timeout=120)


def aws_v1(t, args):
    """The unmodified AWS CLI's validator; fails loudly when it cannot be run here."""
    if not os.path.exists(AWS_V1):
        pytest.fail(f"AWS CLI v1 not found at {AWS_V1}: cannot cross-check with the AWS validator")
    env = t.srv.env()
    env["AWS_ENDPOINT_URL_S3"] = t.srv.endpoint
    version = subprocess.run([AWS_V1, "--version"], env=env, capture_output=True, text=True)
    if "botocore/1.4" not in version.stdout + version.stderr and \
            "botocore/2" not in version.stdout + version.stderr:
        pytest.fail(f"{AWS_V1} ({version.stdout.strip()}) predates AWS_ENDPOINT_URL_S3")
    return subprocess.run([AWS_V1, "cloudtrail", "validate-logs", *args, "--endpoint-url",
                           t.srv.endpoint], env=env, capture_output=True, text=True, timeout=300)


def copy_of_bucket(t, dest):
    """The bucket's files with their metadata beside them as <key>.metadata.json."""
    shutil.copytree(t.root, dest)
    for meta in t.meta.rglob("*.json"):
        key = meta.relative_to(t.meta).as_posix()[:-len(".json")]
        if (dest / key).exists():
            (dest / (key + ".metadata.json")).write_text(meta.read_text())
    return dest


def run_all(t, tmp_path, args=None, local=True):
    """(exit, stdout, stderr) of: ours over S3, ours from copies of the bucket, the AWS CLI — all
    the same, byte for byte."""
    args = args or ["--trail-arn", t.arn, "--start-time", iso(t.start),
                    "--end-time", iso(time.time() + 1), "--verbose"]
    ours = opentrail(t, args)
    assert ours.returncode in (0, 1, 255), ours.stdout + ours.stderr
    if local:
        by_copy = opentrail(t, args, "--from-dir", str(copy_of_bucket(t, tmp_path / "copy")))
        assert (by_copy.returncode, by_copy.stdout, by_copy.stderr) == \
            (ours.returncode, ours.stdout, ours.stderr)
        by_meta_dir = opentrail(t, args, "--from-dir", str(t.root), "--metadata-dir", str(t.meta))
        assert (by_meta_dir.returncode, by_meta_dir.stdout, by_meta_dir.stderr) == \
            (ours.returncode, ours.stdout, ours.stderr)
    theirs = aws_v1(t, args)
    assert (theirs.returncode, theirs.stdout, theirs.stderr) == \
        (ours.returncode, ours.stdout, ours.stderr), "AWS CLI differs:\n" + theirs.stdout + \
        theirs.stderr + "\nours:\n" + ours.stdout + ours.stderr
    return ours.returncode, ours.stdout, ours.stderr


def invalid(t, kind, key, why):
    return f"{kind} file\ts3://{t.bucket}/{key}\tINVALID: {why}\n"


def test_long_chain_across_a_key_rotation_is_valid(long_trail, tmp_path):
    t = long_trail
    digests, logs = t.digests(), t.logs()
    fingerprints = [t.digest(k)["digestPublicKeyFingerprint"] for k in digests]
    assert len(set(fingerprints)) == 2, "the key was rotated once"
    switch = fingerprints.index(fingerprints[-1])
    assert switch >= 6 and len(digests) - switch >= 6, "rotation in the middle of the chain"
    assert [t.digest(k)["previousDigestS3Object"] for k in digests[1:]] == digests[:-1]

    code, out, err = run_all(t, tmp_path)

    assert code == 0, out + err
    assert err == ""
    assert out.startswith(f"Validating log files for trail {t.arn} between ")
    for key in digests:
        assert f"Digest file\ts3://{t.bucket}/{key}\tvalid\n" in out
    for key in logs:
        assert f"Log file\ts3://{t.bucket}/{key}\tvalid\n" in out
    assert f"\n{len(digests)}/{len(digests)} digest files valid" in out
    assert f"\n{len(logs)}/{len(logs)} log files valid" in out


def test_chain_that_changed_bucket_and_restarted_is_valid_with_a_gap(trails, tmp_path):
    t = trails[1]
    first, second = t.buckets
    restart = [k for k in t.digests(second) if t.digest(k)["previousDigestSignature"] is None]
    assert restart, "StartLogging began a new chain in the second bucket"
    crossing = [k for k in t.digests(second)
                if t.digest(k)["previousDigestS3Bucket"] == first]
    assert crossing, "the first digest in the new bucket points to the old one"

    code, out, err = run_all(t, tmp_path, local=False)

    assert code == 0, out + err
    assert err.count("No log files were delivered by CloudTrail between ") == 1, err
    for bucket in (first, second):
        for key in t.digests(bucket):
            assert f"Digest file\ts3://{bucket}/{key}\tvalid\n" in out
        for key in t.logs(bucket):
            assert f"Log file\ts3://{bucket}/{key}\tvalid\n" in out


def test_edited_log_is_a_hash_mismatch(pristine, tmp_path):
    t = pristine
    key = t.logs()[0]
    body = json.loads(gzip.decompress((t.root / key).read_bytes()))
    body["Records"][0]["eventName"] = "Tampered"
    (t.root / key).write_bytes(gzip.compress(json.dumps(body).encode()))
    code, out, err = run_all(t, tmp_path)
    assert code == 1
    assert invalid(t, "Log", key, "hash value doesn't match") in err
    assert "log files INVALID" in out


def test_deleted_log_is_not_found(pristine, tmp_path):
    t = pristine
    key = t.logs()[-1]
    (t.root / key).unlink()
    (t.meta / (key + ".json")).unlink(missing_ok=True)
    code, out, err = run_all(t, tmp_path)
    assert code == 1
    assert invalid(t, "Log", key, "not found") in err


def test_logs_moved_to_other_keys_and_a_log_that_is_not_gzip(pristine, tmp_path):
    t = pristine
    logs = t.logs()
    a, b, c = logs[1], logs[len(logs) // 2], logs[-2]
    (t.root / b).write_bytes((t.root / a).read_bytes())  # a copied over b, then a moved away
    t.move(a, a.replace(".json.gz", "-moved.json.gz"))
    (t.root / c).write_bytes(gzip.decompress((t.root / c).read_bytes()))  # stored inflated
    code, out, err = run_all(t, tmp_path)
    assert code == 1
    assert invalid(t, "Log", a, "not found") in err
    assert invalid(t, "Log", b, "hash value doesn't match") in err
    assert invalid(t, "Log", c, "invalid format") in err
    assert f"{len(logs) - 3}/{len(logs)} log files valid, 3/{len(logs)} log files INVALID" in out


def test_altered_signature_fails_verification(pristine, tmp_path):
    t = pristine
    key = t.digests()[-2]
    meta = t.meta_of(key)
    sig = meta["Metadata"]["signature"]
    meta["Metadata"]["signature"] = ("0" if sig[0] != "0" else "1") + sig[1:]
    (t.meta / (key + ".json")).write_text(json.dumps(meta))
    code, out, err = run_all(t, tmp_path)
    assert code == 1
    assert invalid(t, "Digest", key, "signature verification failed") in err


def test_deleted_middle_digest_is_not_found(pristine, tmp_path):
    t = pristine
    digests = t.digests()
    key = digests[len(digests) // 2]
    older = digests[len(digests) // 2 - 1]
    (t.root / key).unlink()
    (t.meta / (key + ".json")).unlink(missing_ok=True)
    code, out, err = run_all(t, tmp_path)
    assert code == 1
    assert invalid(t, "Digest", key, "not found") in err
    assert f"Digest file\ts3://{t.bucket}/{older}\tvalid\n" in out, "the walk goes on past it"


def test_digest_format_and_metadata_problems(pristine, tmp_path):
    """Five digests spoilt five ways; each is reported and the walk goes on to the next."""
    t = pristine
    d = t.digests()
    uncompressed, no_field, no_metadata, odd, not_hex = d[-2], d[-5], d[-8], d[-11], d[-14]
    (t.root / uncompressed).write_bytes(gzip.decompress((t.root / uncompressed).read_bytes()))
    body = t.digest(no_field)
    del body["digestEndTime"]
    (t.root / no_field).write_bytes(gzip.compress(json.dumps(body).encode()))
    meta = t.meta_of(no_metadata)
    meta["Metadata"] = {}
    (t.meta / (no_metadata + ".json")).write_text(json.dumps(meta))
    for key, signature in ((odd, "abc"), (not_hex, "zz" * 256)):
        meta = t.meta_of(key)
        meta["Metadata"]["signature"] = signature
        (t.meta / (key + ".json")).write_text(json.dumps(meta))
    code, out, err = run_all(t, tmp_path)
    assert code == 1
    assert invalid(t, "Digest", uncompressed, "invalid format") in err
    assert invalid(t, "Digest", no_field, "invalid format") in err
    assert invalid(t, "Digest", no_metadata, "signature verification failed") in err
    assert invalid(t, "Digest", odd, "Odd-length string") in err
    assert invalid(t, "Digest", not_hex, "Non-hexadecimal digit found") in err
    assert f"{len(d) - 5}/{len(d)} digest files valid, 5/{len(d)} digest files INVALID" in out


def test_moved_digest_and_unknown_signing_key(pristine, tmp_path):
    t = pristine
    d = t.digests()
    newest, older = d[-1], d[len(d) // 2]
    # The newest digest renamed to the next second: nothing points to its old key any more.
    stamp = datetime.datetime.strptime(newest[-24:-8], "%Y%m%dT%H%M%SZ") + datetime.timedelta(seconds=1)
    moved = newest[:-24] + stamp.strftime("%Y%m%dT%H%M%SZ") + ".json.gz"
    t.move(newest, moved)
    body = t.digest(older)
    body["digestPublicKeyFingerprint"] = "0123456789abcdef0123456789abcdef"
    (t.root / older).write_bytes(gzip.compress(json.dumps(body).encode()))
    code, out, err = run_all(t, tmp_path)
    assert code == 1
    assert invalid(t, "Digest", moved, "has been moved from its original location") in err
    assert invalid(t, "Digest", older, "public key not found in region us-east-1 for fingerprint "
                   "0123456789abcdef0123456789abcdef") in err
    assert f"Digest file\ts3://{t.bucket}/{d[-2]}\tvalid\n" in out


def test_fatal_errors_match(long_trail, tmp_path):
    t = long_trail
    no_keys = ["--trail-arn", t.arn, "--start-time", "2001-01-01T00:00:00Z",
               "--end-time", "2001-01-02T00:00:00Z"]
    code, out, err = run_all(t, tmp_path, no_keys, local=False)
    assert code == 255
    assert err == "\nNo public keys found between 2001-01-01T00:00:00Z and 2001-01-02T02:00:00Z\n"
    unknown = t.arn.rsplit("/", 1)[0] + "/no-such-trail"
    code, out, err = run_all(t, tmp_path, ["--trail-arn", unknown, "--start-time", iso(t.start),
                                           "--end-time", iso(time.time())], local=False)
    assert code == 255
    assert err == f"\nA trail could not be found for {unknown}\n"
