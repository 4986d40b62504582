"""Local buckets through the S3 REST API on the server's port (issue 3, item 2)."""
import json
import os
import subprocess
import time
import urllib.request

import botocore.exceptions
import pytest

from conftest import AWS


def s3(server, region="us-east-1"):
    return server.client("s3", region=region)


def error_of(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response


def test_cli_create_head_list_delete(server):
    out = server.aws("s3api", "create-bucket", "--bucket", "cli-bucket-1")
    assert out["Location"] == "/cli-bucket-1"
    head = server.aws("s3api", "head-bucket", "--bucket", "cli-bucket-1")
    assert head.get("BucketRegion", "us-east-1") == "us-east-1"
    names = [b["Name"] for b in server.aws("s3api", "list-buckets")["Buckets"]]
    assert "cli-bucket-1" in names
    assert (server.data_dir / "buckets" / "cli-bucket-1").is_dir()
    server.aws("s3api", "delete-bucket", "--bucket", "cli-bucket-1")
    names = [b["Name"] for b in server.aws("s3api", "list-buckets")["Buckets"]]
    assert "cli-bucket-1" not in names
    p = server.aws("s3api", "head-bucket", "--bucket", "cli-bucket-1", check=False)
    assert p.returncode != 0 and "404" in p.stderr


def test_cli_errors(server):
    p = server.aws("s3api", "create-bucket", "--bucket", "Bad_Name", check=False)
    assert p.returncode != 0 and "InvalidBucketName" in p.stderr
    server.aws("s3api", "create-bucket", "--bucket", "cli-dup-bucket")
    p = server.aws("s3api", "create-bucket", "--bucket", "cli-dup-bucket", check=False)
    assert p.returncode != 0 and "BucketAlreadyOwnedByYou" in p.stderr
    p = server.aws("s3api", "delete-bucket", "--bucket", "cli-never-made", check=False)
    assert p.returncode != 0 and "NoSuchBucket" in p.stderr


def test_cli_s3_mb_ls_rb(server):
    env = server.env()
    run = lambda *a: subprocess.run([AWS, *a, "--endpoint-url", server.endpoint], env=env,
                                    capture_output=True, text=True, timeout=120)
    p = run("s3", "mb", "s3://mb-bucket-1")
    assert p.returncode == 0, p.stderr
    assert "make_bucket: mb-bucket-1" in p.stdout
    p = run("s3", "ls")
    assert p.returncode == 0 and "mb-bucket-1" in p.stdout
    p = run("s3", "rb", "s3://mb-bucket-1")
    assert p.returncode == 0, p.stderr
    assert "remove_bucket: mb-bucket-1" in p.stdout


def test_cli_location_constraint(server):
    server.aws("s3api", "create-bucket", "--bucket", "eu-bucket-1", "--create-bucket-configuration",
               "LocationConstraint=eu-west-1", region="eu-west-1")
    c = s3(server)
    head = c.head_bucket(Bucket="eu-bucket-1")
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "eu-west-1"
    c.delete_bucket(Bucket="eu-bucket-1")


def test_boto3_lifecycle_and_headers(server):
    c = s3(server)
    r = c.create_bucket(Bucket="boto-bucket-1")
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert r["Location"] == "/boto-bucket-1"
    meta = r["ResponseMetadata"]
    assert len(meta["RequestId"]) == 16 and meta["HostId"]
    head = c.head_bucket(Bucket="boto-bucket-1")
    assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "us-east-1"
    listed = c.list_buckets()
    assert "boto-bucket-1" in [b["Name"] for b in listed["Buckets"]]
    assert listed["Owner"]["ID"]
    created = [b for b in listed["Buckets"] if b["Name"] == "boto-bucket-1"][0]["CreationDate"]
    assert abs(time.time() - created.timestamp()) < 300
    r = c.delete_bucket(Bucket="boto-bucket-1")
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_boto3_errors(server):
    c = s3(server)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.create_bucket(Bucket="ab")
    code, resp = error_of(e)
    assert code == "InvalidBucketName" and resp["ResponseMetadata"]["HTTPStatusCode"] == 400

    c.create_bucket(Bucket="boto-owned-1")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.create_bucket(Bucket="boto-owned-1")
    code, resp = error_of(e)
    assert code == "BucketAlreadyOwnedByYou" and resp["ResponseMetadata"]["HTTPStatusCode"] == 409

    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.head_bucket(Bucket="boto-missing-1")
    code, resp = error_of(e)
    assert code == "404" and resp["ResponseMetadata"]["HTTPStatusCode"] == 404

    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.delete_bucket(Bucket="boto-missing-1")
    code, resp = error_of(e)
    assert code == "NoSuchBucket" and resp["Error"].get("BucketName") == "boto-missing-1"

    # An object written into the bucket's directory (what delivery does) makes it non-empty.
    obj = server.data_dir / "buckets" / "boto-owned-1" / "AWSLogs" / "x.json.gz"
    obj.parent.mkdir(parents=True)
    obj.write_bytes(b"x")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.delete_bucket(Bucket="boto-owned-1")
    code, resp = error_of(e)
    assert code == "BucketNotEmpty" and resp["ResponseMetadata"]["HTTPStatusCode"] == 409
    obj.unlink()
    c.delete_bucket(Bucket="boto-owned-1")


def test_unimplemented_operations_are_501(server):
    c = s3(server)
    c.create_bucket(Bucket="boto-ni-1")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.get_bucket_acl(Bucket="boto-ni-1")
    code, resp = error_of(e)
    assert code == "NotImplemented" and resp["ResponseMetadata"]["HTTPStatusCode"] == 501
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.get_object_acl(Bucket="boto-ni-1", Key="k")
    assert error_of(e)[0] == "NotImplemented"
    c.delete_bucket(Bucket="boto-ni-1")


def test_wrong_secret_is_signature_does_not_match(server):
    key, _ = server.keys()
    c = server.client("s3", key=key, secret="not-the-secret")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        c.list_buckets()
    code, resp = error_of(e)
    assert code == "SignatureDoesNotMatch" and resp["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_buckets_survive_restart(fresh_server):
    fresh_server.start()
    s3(fresh_server).create_bucket(Bucket="durable-bucket-1")
    fresh_server.stop()
    fresh_server.start()
    names = [b["Name"] for b in s3(fresh_server).list_buckets()["Buckets"]]
    assert names == ["durable-bucket-1"]


def test_bucket_calls_are_recorded(server):
    c = s3(server)
    c.create_bucket(Bucket="recorded-bucket-1")
    c.head_bucket(Bucket="recorded-bucket-1")
    with pytest.raises(botocore.exceptions.ClientError):
        c.create_bucket(Bucket="recorded-bucket-1")
    ct = server.client()
    events = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventSource",
                                                 "AttributeValue": "s3.amazonaws.com"}],
                              MaxResults=50)["Events"]
    mine = [e for e in events if any(r.get("ResourceName") == "arn:aws:s3:::recorded-bucket-1"
                                     for r in e.get("Resources", []))]
    names = [e["EventName"] for e in mine]
    assert names.count("CreateBucket") == 2 and "HeadBucket" in names
    created = [json.loads(e["CloudTrailEvent"]) for e in mine if e["EventName"] == "CreateBucket"]
    ok = [r for r in created if "errorCode" not in r][0]
    failed = [r for r in created if "errorCode" in r][0]
    assert ok["eventSource"] == "s3.amazonaws.com"
    assert ok["requestParameters"]["bucketName"] == "recorded-bucket-1"
    assert ok["requestParameters"]["Host"].startswith("127.0.0.1:")
    assert ok["readOnly"] is False
    assert ok["resources"] == [{"type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::recorded-bucket-1"}]
    assert failed["errorCode"] == "BucketAlreadyOwnedByYou"
    head = [json.loads(e["CloudTrailEvent"]) for e in mine if e["EventName"] == "HeadBucket"][0]
    assert head["readOnly"] is True
    c.delete_bucket(Bucket="recorded-bucket-1")


def test_buckets_config_registers_remote_buckets(tmp_path):
    from conftest import Server
    cfg = tmp_path / "buckets.json"
    cfg.write_text(json.dumps([{"name": "remote-logs-1", "endpoint": "http://127.0.0.1:9",
                                "region": "eu-west-2", "access_key_id": "AKID",
                                "secret_access_key": "secret", "path_style": True}]))
    srv = Server(tmp_path / "data", ["--buckets-config", str(cfg)]).start()
    try:
        c = s3(srv)
        head = c.head_bucket(Bucket="remote-logs-1")
        assert head["ResponseMetadata"]["HTTPHeaders"]["x-amz-bucket-region"] == "eu-west-2"
        assert "remote-logs-1" in [b["Name"] for b in c.list_buckets()["Buckets"]]
    finally:
        srv.stop()
    bad = tmp_path / "bad.json"
    bad.write_text('[{"name": "x"}]')
    with pytest.raises(RuntimeError):
        Server(tmp_path / "data2", ["--buckets-config", str(bad)]).start()
