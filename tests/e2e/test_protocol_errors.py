"""Wire-protocol and authentication failures get AWS's error shapes and change nothing."""
import datetime
import json
import urllib.request

import botocore.exceptions
import pytest

from conftest import ingest, signed_request
from records import now, record

LOOKUP = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"


def raw_post(server, headers, body=b"{}"):
    req = urllib.request.Request(server.endpoint + "/", data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_missing_authentication(server):
    status, body = raw_post(server, {"X-Amz-Target": LOOKUP,
                                     "Content-Type": "application/x-amz-json-1.1"})
    assert status == 403
    assert body["__type"] == "MissingAuthenticationTokenException"


def test_malformed_authorization_header(server):
    status, body = raw_post(server, {"X-Amz-Target": LOOKUP, "X-Amz-Date": "20261127T000000Z",
                                     "Authorization": "AWS4-HMAC-SHA256 Credential=AKIA/x",
                                     "Content-Type": "application/x-amz-json-1.1"})
    assert status == 400
    assert body["__type"] == "IncompleteSignatureException"


def test_wrong_secret_is_rejected_by_cli_and_boto3(server):
    bad = server.client(secret="A" * 40)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        bad.lookup_events()
    assert e.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    sts = server.client("sts", secret="A" * 40)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        sts.get_caller_identity()
    assert e.value.response["Error"]["Code"] == "SignatureDoesNotMatch"


def test_unknown_access_key(server):
    bad = server.client(key="AKIAUNKNOWNKEY000000")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        bad.lookup_events()
    assert e.value.response["Error"]["Code"] == "UnrecognizedClientException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        server.client("sts", key="AKIAUNKNOWNKEY000000").get_caller_identity()
    assert e.value.response["Error"]["Code"] == "InvalidClientTokenId"


def test_expired_signature(server):
    old = datetime.datetime.utcnow() - datetime.timedelta(minutes=16)
    status, body, _ = signed_request(server, LOOKUP, "{}", amz_date=old)
    assert status == 403
    assert body["__type"] == "InvalidSignatureException"
    assert "Signature expired" in body["message"]


def test_unknown_operation_and_malformed_json(server):
    status, body, headers = signed_request(
        server, "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.NoSuchThing", "{}")
    assert status == 400 and body["__type"] == "UnknownOperationException"
    assert headers.get("x-amzn-ErrorType") == "UnknownOperationException"
    status, body, _ = signed_request(server, LOOKUP, "{not json")
    assert status == 400 and body["__type"] == "SerializationException"
    status, body, _ = signed_request(server, LOOKUP, json.dumps({"MaxResults": "ten"}))
    assert status == 400 and body["__type"] == "SerializationException"
    assert "MaxResults" in body["message"]
    status, body, _ = signed_request(server, LOOKUP,
                                     json.dumps({"LookupAttributes": [{"AttributeKey": "EventName"}]}))
    assert status == 400 and body["__type"] == "InvalidLookupAttributesException"
    assert "AttributeValue" in body["message"]


def test_both_target_prefixes_are_accepted(server):
    status, body, _ = signed_request(server, "CloudTrail_20131101.LookupEvents",
                                     json.dumps({"MaxResults": 1}))
    assert status == 200 and len(body["Events"]) == 1


def test_invalid_record_rejects_the_whole_batch_naming_the_field(server):
    good = record(now() - datetime.timedelta(hours=1), name="BatchProbeGood")
    bad = record(now() - datetime.timedelta(hours=1), name="BatchProbeBad")
    bad["eventTime"] = "yesterday"
    status, body, _ = ingest(server, [good, bad])
    assert status == 400
    assert body["__type"] == "InvalidEventException"
    assert "Records[1]" in body["message"] and "eventTime" in body["message"]
    found = server.client().lookup_events(LookupAttributes=[
        {"AttributeKey": "EventId", "AttributeValue": good["eventID"]}])["Events"]
    assert found == [], "a rejected batch writes nothing"


def test_ingest_dedupes_by_event_id(server):
    r = record(now() - datetime.timedelta(hours=1), name="DedupeProbe")
    status, body, _ = ingest(server, [r, r])
    assert status == 200 and body == {"Received": 2, "Ingested": 1, "Duplicates": 1}
    status, body, _ = ingest(server, [r])
    assert body == {"Received": 1, "Ingested": 0, "Duplicates": 1}


def test_expect_100_continue_is_answered_before_the_body(server):
    """botocore sends S3 uploads with "Expect: 100-continue" and waits for the interim answer."""
    import socket
    import urllib.parse

    host = urllib.parse.urlparse(server.endpoint)
    body = b"{}"
    with socket.create_connection((host.hostname, host.port), timeout=5) as s:
        s.sendall(b"POST / HTTP/1.1\r\nHost: " + host.netloc.encode() +
                  b"\r\nContent-Type: application/x-amz-json-1.1\r\n"
                  b"X-Amz-Target: CloudTrail_20131101.LookupEvents\r\n"
                  b"Expect: 100-continue\r\nContent-Length: 2\r\n\r\n")
        interim = s.recv(64)
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n\r\n"), interim
        s.sendall(body)
        final = interim[len(b"HTTP/1.1 100 Continue\r\n\r\n"):]
        while b"\r\n\r\n" not in final:
            chunk = s.recv(4096)
            assert chunk, final
            final += chunk
        # Unsigned: the final answer is the authentication error, after the body was read.
        assert final.startswith(b"HTTP/1.1 400") or final.startswith(b"HTTP/1.1 403"), final
