"""Listing and paging over more than 1,000 delivered log files (issue 5, "Tests that must exist"):
AWS CLI v2 (`aws s3 ls --recursive`, `aws s3api list-objects-v2` with its automatic paging,
--page-size, --max-items/--starting-token) and boto3 (ListObjectsV2 and ListObjects paginators,
ListObjects v1 with markers), against the keys on disk.

The files come through the server's own delivery: a trail writes one log file per (account,
region) of each batch (records.md §2), so one IngestEvents call of records from 1,050 accounts
(as an organisation trail's bucket holds them) makes one delivery pass write 1,050 files."""
import gzip
import subprocess
import time
import uuid

import pytest

from conftest import AWS, Server, ingest
from records import now, record

ACCOUNTS = [f"{200000000000 + i}" for i in range(1050)]


def keys_on_disk(srv, bucket):
    root = srv.data_dir / "buckets" / bucket
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """A bucket with > 1,000 delivered log files, no longer changing. Yields (server, bucket,
    own account, keys on disk)."""
    srv = Server(tmp_path_factory.mktemp("s3paging") / "data",
                 extra_args=["--delivery-interval", "1s", "--no-access-log"]).start()
    own = srv.aws("sts", "get-caller-identity")["Account"]
    bucket, name = f"org-logs-{uuid.uuid4().hex[:8]}", f"org-{uuid.uuid4().hex[:6]}"
    srv.aws("s3api", "create-bucket", "--bucket", bucket)
    srv.aws("cloudtrail", "create-trail", "--name", name, "--s3-bucket-name", bucket)
    srv.aws("cloudtrail", "start-logging", "--name", name)
    status, body, _ = ingest(srv, [record(now(), account=a) for a in ACCOUNTS])
    assert status == 200 and body["Ingested"] == len(ACCOUNTS), body
    srv.aws("cloudtrail", "stop-logging", "--name", name)
    own_dir = srv.data_dir / "buckets" / bucket / "AWSLogs" / own
    deadline = time.time() + 30
    while True:
        seen = b"".join(gzip.decompress(p.read_bytes()) for p in own_dir.rglob("*.json.gz"))
        if b'"StopLogging"' in seen:
            break
        assert time.time() < deadline, "StopLogging was not delivered"
        time.sleep(0.3)
    # The files of a batch are written one after another: wait for every account's one file.
    while sum(1 for k in keys_on_disk(srv, bucket) if k.split("/")[1] != own) < len(ACCOUNTS):
        assert time.time() < deadline, "not every account's file was delivered"
        time.sleep(0.3)
    time.sleep(2.5)  # the delivery rounds after StopLogging write nothing more
    disk = keys_on_disk(srv, bucket)
    assert sum(1 for k in disk if k.split("/")[1] != own) == len(ACCOUNTS)  # one per account
    yield srv, bucket, own, disk
    srv.stop()


def assert_ordered_unique(keys):
    assert len(keys) == len(set(keys)), "duplicate keys"
    assert keys == sorted(keys, key=lambda k: k.encode()), "not in UTF-8 byte order"


def test_cli_s3_ls_recursive_lists_every_file(many):
    srv, bucket, _, disk = many
    p = subprocess.run([AWS, "s3", "ls", f"s3://{bucket}/AWSLogs/", "--recursive",
                        "--endpoint-url", srv.endpoint], env=srv.env(), capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    listed = [line.split(None, 3)[3] for line in p.stdout.splitlines()]
    assert_ordered_unique(listed)
    assert listed == disk


def test_cli_list_objects_v2_pages(many):
    srv, bucket, _, disk = many
    # One page, as the service answers it: 1,000 keys and a continuation token.
    one = srv.aws("s3api", "list-objects-v2", "--bucket", bucket, "--no-paginate")
    assert one["KeyCount"] == 1000 and one["MaxKeys"] == 1000 and one["IsTruncated"] is True
    assert [o["Key"] for o in one["Contents"]] == disk[:1000]
    assert one["NextContinuationToken"]
    # The CLI's automatic paging, 300 keys a request: the whole bucket in one answer.
    whole = srv.aws("s3api", "list-objects-v2", "--bucket", bucket, "--page-size", "300")
    assert [o["Key"] for o in whole["Contents"]] == disk
    # --max-items with --starting-token: the CLI's own resumable paging.
    got, token, calls = [], None, 0
    while True:
        args = ["s3api", "list-objects-v2", "--bucket", bucket, "--max-items", "600",
                "--page-size", "200"]
        if token:
            args += ["--starting-token", token]
        out = srv.aws(*args)
        calls += 1
        got += [o["Key"] for o in out["Contents"]]
        token = out.get("NextToken")
        if not token:
            break
        assert len(out["Contents"]) == 600
    assert calls == (len(disk) + 599) // 600
    assert_ordered_unique(got)
    assert got == disk


def test_boto3_list_objects_v2_paginator(many):
    srv, bucket, _, disk = many
    s3 = srv.client("s3")
    pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket=bucket))
    assert [p["KeyCount"] for p in pages] == [min(1000, len(disk) - i)
                                              for i in range(0, len(disk), 1000)]
    assert [p["IsTruncated"] for p in pages] == [True] * (len(pages) - 1) + [False]
    assert all("NextContinuationToken" in p for p in pages[:-1])
    assert "NextContinuationToken" not in pages[-1]
    keys = [o["Key"] for p in pages for o in p["Contents"]]
    assert_ordered_unique(keys)
    assert keys == disk
    # Smaller pages under a prefix, started after a key in the middle.
    start = disk[len(disk) // 2]
    pages = list(s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix="AWSLogs/", StartAfter=start, PaginationConfig={"PageSize": 333}))
    assert all(p["KeyCount"] == len(p["Contents"]) <= 333 for p in pages)
    assert [o["Key"] for p in pages for o in p["Contents"]] == [k for k in disk if k > start]
    # MaxKeys above 1,000 still gives at most 1,000 (S3's page limit).
    page = s3.list_objects_v2(Bucket=bucket, MaxKeys=5000)
    assert page["KeyCount"] == 1000 and page["IsTruncated"] is True


def test_boto3_list_objects_v1_with_markers(many):
    srv, bucket, _, disk = many
    s3 = srv.client("s3")
    got, marker, pages = [], "", []
    while True:
        page = s3.list_objects(Bucket=bucket, Marker=marker)
        pages.append(page)
        got += [o["Key"] for o in page["Contents"]]
        assert page["MaxKeys"] == 1000 and page.get("Marker", "") == marker
        if not page["IsTruncated"]:
            break
        assert len(page["Contents"]) == 1000
        assert "NextMarker" not in page  # no delimiter: the next marker is the last key
        marker = got[-1]
    assert len(pages) == (len(disk) + 999) // 1000
    assert_ordered_unique(got)
    assert got == disk
    paged = [o["Key"] for p in s3.get_paginator("list_objects").paginate(
        Bucket=bucket, PaginationConfig={"PageSize": 400}) for o in p["Contents"]]
    assert paged == disk


def test_common_prefixes_page_over_accounts(many):
    """Over 1,000 account folders under AWSLogs/: the prefixes themselves page (v2 tokens, v1
    NextMarker), each page counting prefixes in KeyCount."""
    srv, bucket, own, disk = many
    s3 = srv.client("s3")
    accounts = sorted({f"AWSLogs/{k.split('/')[1]}/" for k in disk})
    assert len(accounts) == len(ACCOUNTS) + 1 and f"AWSLogs/{own}/" in accounts
    pages = list(s3.get_paginator("list_objects_v2").paginate(
        Bucket=bucket, Prefix="AWSLogs/", Delimiter="/"))
    assert [p["KeyCount"] for p in pages] == [1000, len(accounts) - 1000]
    assert all("Contents" not in p for p in pages)
    assert [c["Prefix"] for p in pages for c in p["CommonPrefixes"]] == accounts

    first = s3.list_objects(Bucket=bucket, Prefix="AWSLogs/", Delimiter="/")
    assert first["IsTruncated"] is True and len(first["CommonPrefixes"]) == 1000
    assert first["NextMarker"] == accounts[999]
    rest = s3.list_objects(Bucket=bucket, Prefix="AWSLogs/", Delimiter="/",
                           Marker=first["NextMarker"])
    assert rest["IsTruncated"] is False and "NextMarker" not in rest
    assert [c["Prefix"] for c in first["CommonPrefixes"] + rest["CommonPrefixes"]] == accounts
    # The CLI shows them as PRE lines.
    p = subprocess.run([AWS, "s3", "ls", f"s3://{bucket}/AWSLogs/", "--endpoint-url", srv.endpoint],
                       env=srv.env(), capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert [line.split() for line in p.stdout.splitlines()] == [
        ["PRE", a.split("/")[1] + "/"] for a in accounts]
