"""`opentrail validate-logs` (digest.md §6) against a real trail with log file validation: all valid
through the S3 API and from a local copy of the bucket; then each tampering case is reported with
the AWS CLI's exact line and exit status — and the unmodified AWS CLI v1 (botocore honouring
AWS_ENDPOINT_URL_S3) reports exactly the same, byte for byte."""
import datetime
import gzip
import json
import os
import pathlib
import shutil
import subprocess
import time
import uuid

import pytest

from conftest import BINARY, Server, ingest
from records import now, record

AWS_V1 = "/root/.pyenv/shims/aws"


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Trail:
    def __init__(self, srv, bucket, arn, start):
        self.srv, self.bucket, self.arn, self.start = srv, bucket, arn, start
        self.root = srv.data_dir / "buckets" / bucket
        self.meta = srv.data_dir / "bucket-meta" / bucket

    def keys(self, part):
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*")
                      if p.is_file() and part in p.as_posix())

    def digests(self):
        return self.keys("/CloudTrail-Digest/")

    def logs(self):
        return self.keys("/CloudTrail/")

    def digest(self, key):
        return json.loads(gzip.decompress((self.root / key).read_bytes()))


@pytest.fixture(scope="module")
def trail(tmp_path_factory):
    srv = Server(tmp_path_factory.mktemp("validate") / "data",
                 extra_args=["--delivery-interval", "1s", "--digest-interval", "2s"]).start()
    started = time.time() - 60
    bucket, name = f"val-{uuid.uuid4().hex[:8]}", f"trail-{uuid.uuid4().hex[:6]}"
    srv.aws("s3api", "create-bucket", "--bucket", bucket)
    arn = srv.aws("cloudtrail", "create-trail", "--name", name, "--s3-bucket-name", bucket,
                  "--enable-log-file-validation")["TrailARN"]
    srv.aws("cloudtrail", "start-logging", "--name", name)
    base = now() - datetime.timedelta(minutes=5)
    for i in range(5):
        status, _, _ = ingest(srv, [record(base + datetime.timedelta(seconds=10 * i + j))
                                    for j in range(10)])
        assert status == 200
        time.sleep(2.2)
    srv.aws("cloudtrail", "stop-logging", "--name", name)
    time.sleep(5)  # the last log files, then the final digest
    t = Trail(srv, bucket, arn, started)
    assert len(t.digests()) >= 4 and len(t.logs()) >= 3, (t.digests(), t.logs())
    backup = tmp_path_factory.mktemp("backup")
    shutil.copytree(t.root, backup / "objects")
    shutil.copytree(t.meta, backup / "meta")
    t.backup = backup
    yield t
    srv.stop()


@pytest.fixture
def pristine(trail):
    """Each test tampers with the served bucket; put it back afterwards."""
    yield trail
    shutil.rmtree(trail.root)
    shutil.rmtree(trail.meta)
    shutil.copytree(trail.backup / "objects", trail.root)
    shutil.copytree(trail.backup / "meta", trail.meta)


def opentrail(t, end, *extra):
    return subprocess.run(
        [str(BINARY), "validate-logs", "--trail-arn", t.arn, "--start-time", iso(t.start),
         "--end-time", end, "--verbose", "--endpoint-url", t.srv.endpoint, *extra],
        env=t.srv.env(), capture_output=True, text=True, timeout=120)


def copy_of_bucket(t, dest):
    """The bucket's files with their metadata beside them as <key>.metadata.json."""
    shutil.copytree(t.root, dest)
    for meta in t.meta.rglob("*.json"):
        key = meta.relative_to(t.meta).as_posix()[:-len(".json")]
        if (dest / key).exists():
            (dest / (key + ".metadata.json")).write_text(meta.read_text())
    return dest


def aws_v1(t, end):
    """The unmodified AWS CLI's validator; fails loudly when it cannot be run here."""
    if not os.path.exists(AWS_V1):
        pytest.fail(f"AWS CLI v1 not found at {AWS_V1}: cannot cross-check with the AWS validator")
    env = t.srv.env()
    env["AWS_ENDPOINT_URL_S3"] = t.srv.endpoint
    version = subprocess.run([AWS_V1, "--version"], env=env, capture_output=True, text=True)
    if "botocore/1.4" not in version.stdout + version.stderr and \
            "botocore/2" not in version.stdout + version.stderr:
        pytest.fail(f"{AWS_V1} ({version.stdout.strip()}) predates AWS_ENDPOINT_URL_S3")
    return subprocess.run(
        [AWS_V1, "cloudtrail", "validate-logs", "--trail-arn", t.arn, "--start-time", iso(t.start),
         "--end-time", end, "--verbose", "--endpoint-url", t.srv.endpoint],
        env=env, capture_output=True, text=True, timeout=300)


def run_all(t, tmp_path):
    """(exit, stdout, stderr) of: ours over S3, ours from a copy, the AWS CLI — all the same."""
    end = iso(time.time() + 1)
    ours = opentrail(t, end)
    assert ours.returncode in (0, 1), ours.stdout + ours.stderr
    local = opentrail(t, end, "--from-dir", str(copy_of_bucket(t, tmp_path / "copy")))
    assert (local.returncode, local.stdout, local.stderr) == \
        (ours.returncode, ours.stdout, ours.stderr)
    by_meta_dir = opentrail(t, end, "--from-dir", str(t.root), "--metadata-dir", str(t.meta))
    assert (by_meta_dir.returncode, by_meta_dir.stdout, by_meta_dir.stderr) == \
        (ours.returncode, ours.stdout, ours.stderr)
    theirs = aws_v1(t, end)
    assert (theirs.returncode, theirs.stdout, theirs.stderr) == \
        (ours.returncode, ours.stdout, ours.stderr), "AWS CLI differs:\n" + theirs.stdout + \
        theirs.stderr + "\nours:\n" + ours.stdout + ours.stderr
    return ours.returncode, ours.stdout, ours.stderr


def test_all_valid(trail, tmp_path):
    code, out, err = run_all(trail, tmp_path)
    assert code == 0, out + err
    assert err == ""
    digests, logs = trail.digests(), trail.logs()
    assert out.startswith(f"Validating log files for trail {trail.arn} between ")
    for key in digests:
        assert f"Digest file\ts3://{trail.bucket}/{key}\tvalid\n" in out
    for key in logs:
        assert f"Log file\ts3://{trail.bucket}/{key}\tvalid\n" in out
    assert f"\n{len(digests)}/{len(digests)} digest files valid" in out
    assert f"\n{len(logs)}/{len(logs)} log files valid" in out


def test_edited_log_is_a_hash_mismatch(pristine, tmp_path):
    t = pristine
    key = t.logs()[0]
    body = json.loads(gzip.decompress((t.root / key).read_bytes()))
    body["Records"][0]["eventName"] = "Tampered"
    (t.root / key).write_bytes(gzip.compress(json.dumps(body).encode()))
    code, out, err = run_all(t, tmp_path)
    assert code == 1
    assert f"Log file\ts3://{t.bucket}/{key}\tINVALID: hash value doesn't match\n" in err
    assert "log files INVALID" in out


def test_deleted_log_is_not_found(pristine, tmp_path):
    t = pristine
    key = t.logs()[-1]
    (t.root / key).unlink()
    (t.meta / (key + ".json")).unlink(missing_ok=True)
    code, out, err = run_all(t, tmp_path)
    assert code == 1
    assert f"Log file\ts3://{t.bucket}/{key}\tINVALID: not found\n" in err


def test_altered_signature_fails_verification(pristine, tmp_path):
    t = pristine
    key = t.digests()[-2]
    meta_path = t.meta / (key + ".json")
    meta = json.loads(meta_path.read_text())
    sig = meta["Metadata"]["signature"]
    meta["Metadata"]["signature"] = ("0" if sig[0] != "0" else "1") + sig[1:]
    meta_path.write_text(json.dumps(meta))
    code, out, err = run_all(t, tmp_path)
    assert code == 1
    assert f"Digest file\ts3://{t.bucket}/{key}\tINVALID: signature verification failed\n" in err


def test_deleted_middle_digest_is_not_found(pristine, tmp_path):
    t = pristine
    digests = t.digests()
    key = digests[len(digests) // 2]
    older = digests[len(digests) // 2 - 1]
    (t.root / key).unlink()
    (t.meta / (key + ".json")).unlink(missing_ok=True)
    code, out, err = run_all(t, tmp_path)
    assert code == 1
    assert f"Digest file\ts3://{t.bucket}/{key}\tINVALID: not found\n" in err
    assert f"Digest file\ts3://{t.bucket}/{older}\tvalid\n" in out, "the walk goes on past it"
