"""STS GetCallerIdentity and the recording of every answered call."""
import json
import urllib.request

import botocore.exceptions
import pytest


def test_health_and_metrics(server):
    with urllib.request.urlopen(server.endpoint + "/health") as r:
        assert r.status == 200
    server.aws("sts", "get-caller-identity")
    with urllib.request.urlopen(server.endpoint + "/metrics") as r:
        text = r.read().decode()
    assert 'opentrail_requests_total{operation="GetCallerIdentity",status="200"}' in text
    assert "opentrail_request_duration_seconds_bucket" in text
    assert "opentrail_journal_fsyncs_total" in text
    assert "opentrail_journal_bytes" in text


def test_credentials_file_is_private_and_default_profile(server):
    assert (server.credentials_file.stat().st_mode & 0o777) == 0o600
    key, secret = server.keys()
    assert key.startswith("AKIA") and len(key) == 20
    assert len(secret) == 40


def test_get_caller_identity_with_cli_and_boto3(server):
    out = server.aws("sts", "get-caller-identity")
    assert len(out["Account"]) == 12 and out["Account"].isdigit()
    assert out["Arn"] == f"arn:aws:iam::{out['Account']}:user/admin"
    assert out["UserId"].startswith("AIDA")
    ident = server.client("sts").get_caller_identity()
    assert ident["Arn"] == out["Arn"] and ident["Account"] == out["Account"]


def test_each_call_is_recorded_before_it_is_answered(server):
    ident = server.client("sts", region="eu-west-3").get_caller_identity()
    ct = server.client(region="eu-west-3")
    events = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName",
                                                 "AttributeValue": "GetCallerIdentity"}])["Events"]
    assert events, "the GetCallerIdentity call must already be in the history"
    rec = json.loads(events[0]["CloudTrailEvent"])
    assert rec["eventSource"] == "sts.amazonaws.com"
    assert rec["awsRegion"] == "eu-west-3"
    assert rec["userIdentity"]["type"] == "IAMUser"
    assert rec["userIdentity"]["arn"] == ident["Arn"]
    assert rec["userIdentity"]["accessKeyId"] == server.keys()[0]
    assert rec["userIdentity"]["userName"] == "admin"
    assert rec["sourceIPAddress"] == "127.0.0.1"
    assert rec["userAgent"].startswith("Boto3/")
    assert rec["readOnly"] is True
    assert rec["eventType"] == "AwsApiCall" and rec["managementEvent"] is True
    assert rec["eventCategory"] == "Management"
    assert rec["recipientAccountId"] == ident["Account"]
    assert rec["requestID"] and rec["eventID"]
    assert events[0]["Username"] == "admin"
    assert events[0]["EventSource"] == "sts.amazonaws.com"


def test_failed_calls_are_recorded_with_their_error(server):
    ct = server.client(region="ap-south-2")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ct.lookup_events(MaxResults=51)
    assert e.value.response["Error"]["Code"] == "InvalidMaxResultsException"
    events = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventName",
                                                 "AttributeValue": "LookupEvents"}])["Events"]
    failed = [json.loads(e["CloudTrailEvent"]) for e in events]
    failed = [r for r in failed if r.get("errorCode")]
    assert failed and failed[0]["errorCode"] == "InvalidMaxResultsException"
    assert "MaxResults" in failed[0]["errorMessage"]
    assert failed[0]["requestParameters"] == {"maxResults": 51}
    assert failed[0]["responseElements"] is None


def test_calls_with_a_bad_signature_are_recorded_as_unknown_identity(server):
    key, _ = server.keys()
    bad = server.client(region="sa-east-1", secret="x" * 40)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        bad.lookup_events()
    assert e.value.response["Error"]["Code"] == "InvalidSignatureException"
    events = server.client(region="sa-east-1").lookup_events(
        LookupAttributes=[{"AttributeKey": "AccessKeyId", "AttributeValue": key}])["Events"]
    recs = [json.loads(e["CloudTrailEvent"]) for e in events]
    unknown = [r for r in recs if r["userIdentity"]["type"] == "Unknown"]
    assert unknown and unknown[-1]["errorCode"] == "InvalidSignatureException"
