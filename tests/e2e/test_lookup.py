"""LookupEvents end to end: attributes, time ranges, paging, and every error case."""
import datetime
import json
import uuid

import botocore.exceptions
import pytest

from conftest import ingest
from records import now, record


@pytest.fixture(scope="module")
def dataset(server):
    """620 management events in us-east-1 with a unique tag, plus decoys."""
    tag = uuid.uuid4().hex[:8]
    base = now() - datetime.timedelta(days=2)
    recs = []
    for i in range(620):
        recs.append(record(base + datetime.timedelta(seconds=i), name=f"Op{tag}{i % 3}",
                           source=f"svc{tag}.amazonaws.com", user=f"user{tag}{i % 2}",
                           key=f"AKIA{tag.upper()}{i % 4:08d}", read_only=(i % 5 != 0),
                           resources=[{"ARN": f"arn:aws:s3:::bucket-{tag}-{i % 7}",
                                       "type": f"AWS::S3::Bucket{tag}"}]))
    # Decoys: another region, and a data event, which LookupEvents must never return.
    recs.append(record(base, name=f"Op{tag}0", source=f"svc{tag}.amazonaws.com",
                       region="eu-west-1", user=f"user{tag}0"))
    recs.append(record(base, name=f"Op{tag}0", source=f"svc{tag}.amazonaws.com",
                       category="Data", user=f"user{tag}0"))
    status, body, _ = ingest(server, recs)
    assert status == 200, body
    assert body["Ingested"] == len(recs)
    return tag, base, recs


def all_events(client, **kw):
    pages = client.get_paginator("lookup_events").paginate(**kw)
    return [e for p in pages for e in p["Events"]]


@pytest.mark.parametrize("key,value,expected", [
    ("EventName", "Op{tag}1", lambda i: i % 3 == 1),
    ("Username", "user{tag}0", lambda i: i % 2 == 0),
    ("AccessKeyId", "AKIA{TAG}00000003", lambda i: i % 4 == 3),
    ("EventSource", "svc{tag}.amazonaws.com", lambda i: True),
    ("ResourceName", "arn:aws:s3:::bucket-{tag}-5", lambda i: i % 7 == 5),
    ("ResourceType", "AWS::S3::Bucket{tag}", lambda i: True),
])
def test_lookup_by_attribute_with_boto3_paginator(server, dataset, key, value, expected):
    tag, _, recs = dataset
    value = value.format(tag=tag, TAG=tag.upper())
    events = all_events(server.client(), LookupAttributes=[{"AttributeKey": key,
                                                            "AttributeValue": value}])
    want = [r["eventID"] for i, r in enumerate(recs[:620]) if expected(i)]
    got = [e["EventId"] for e in events]
    assert sorted(got) == sorted(want)
    assert len(got) == len(set(got))
    times = [e["EventTime"] for e in events]
    assert times == sorted(times, reverse=True), "newest first"


def test_lookup_by_event_id_and_read_only(server, dataset):
    tag, base, recs = dataset
    ct = server.client()
    target = recs[17]
    got = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventId",
                                              "AttributeValue": target["eventID"]}])["Events"]
    assert len(got) == 1
    e = got[0]
    assert e["EventName"] == target["eventName"]
    assert e["ReadOnly"] == "true"
    assert e["AccessKeyId"] == target["userIdentity"]["accessKeyId"]
    assert e["Username"] == target["userIdentity"]["userName"]
    assert e["EventSource"] == target["eventSource"]
    assert e["Resources"] == [{"ResourceType": f"AWS::S3::Bucket{tag}",
                               "ResourceName": f"arn:aws:s3:::bucket-{tag}-3"}]
    assert json.loads(e["CloudTrailEvent"]) == target
    writes = all_events(ct, LookupAttributes=[{"AttributeKey": "ReadOnly", "AttributeValue": "false"}],
                        StartTime=base, EndTime=base + datetime.timedelta(seconds=619))
    mine = [w for w in writes if w["EventSource"] == f"svc{tag}.amazonaws.com"]
    assert len(mine) == 124 and all(w["ReadOnly"] == "false" for w in mine)


def test_time_range_is_inclusive(server, dataset):
    tag, base, recs = dataset
    start = base + datetime.timedelta(seconds=100)
    end = base + datetime.timedelta(seconds=149)
    events = all_events(server.client(), StartTime=start, EndTime=end,
                        LookupAttributes=[{"AttributeKey": "EventSource",
                                           "AttributeValue": f"svc{tag}.amazonaws.com"}])
    assert sorted(e["EventId"] for e in events) == sorted(r["eventID"] for r in recs[100:150])


def test_cli_pages_over_more_than_500_events(server, dataset):
    tag, _, recs = dataset
    out = server.aws("cloudtrail", "lookup-events", "--lookup-attributes",
                     f"AttributeKey=EventSource,AttributeValue=svc{tag}.amazonaws.com",
                     "--page-size", "50")
    ids = [e["EventId"] for e in out["Events"]]
    assert len(ids) == 620 and len(set(ids)) == 620
    first = server.aws("cloudtrail", "lookup-events", "--max-results", "5", "--lookup-attributes",
                       f"AttributeKey=EventSource,AttributeValue=svc{tag}.amazonaws.com")
    assert len(first["Events"]) == 5 and first["NextToken"]
    assert [e["EventId"] for e in first["Events"]] == ids[:5]


def test_next_token_is_bound_to_its_parameters(server, dataset):
    tag, _, _ = dataset
    ct = server.client()
    attrs = [{"AttributeKey": "EventSource", "AttributeValue": f"svc{tag}.amazonaws.com"}]
    page = ct.lookup_events(LookupAttributes=attrs, MaxResults=10)
    token = page["NextToken"]
    again = ct.lookup_events(LookupAttributes=attrs, MaxResults=10, NextToken=token)
    assert again["NextToken"] != token
    other = [{"AttributeKey": "Username", "AttributeValue": f"user{tag}0"}]
    for bad in [dict(LookupAttributes=other, NextToken=token),
                dict(LookupAttributes=attrs, NextToken=token[:-2] + ("AA" if token[-2:] != "AA" else "BB")),
                dict(LookupAttributes=attrs, NextToken="not-a-token")]:
        with pytest.raises(botocore.exceptions.ClientError) as e:
            ct.lookup_events(**bad)
        assert e.value.response["Error"]["Code"] == "InvalidNextTokenException"


@pytest.mark.parametrize("kwargs,code", [
    (dict(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "a"},
                            {"AttributeKey": "Username", "AttributeValue": "b"}]),
     "InvalidLookupAttributesException"),
    (dict(LookupAttributes=[{"AttributeKey": "Bogus", "AttributeValue": "a"}]),
     "InvalidLookupAttributesException"),
    (dict(LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "x" * 2001}]),
     "InvalidLookupAttributesException"),
    (dict(StartTime=datetime.datetime(2026, 11, 2), EndTime=datetime.datetime(2026, 11, 1)),
     "InvalidTimeRangeException"),
    (dict(MaxResults=51), "InvalidMaxResultsException"),
    (dict(EventCategory="management"), "InvalidEventCategoryException"),
    (dict(EventCategory="insight",
          LookupAttributes=[{"AttributeKey": "Username", "AttributeValue": "a"}]),
     "InvalidLookupAttributesException"),
])
def test_lookup_errors(server, kwargs, code):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        server.client().lookup_events(**kwargs)
    assert e.value.response["Error"]["Code"] == code
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert e.value.response["Error"]["Message"]


def test_cli_reports_errors_by_name(server):
    p = server.aws("cloudtrail", "lookup-events", "--start-time", "2026-11-02T00:00:00Z",
                   "--end-time", "2026-11-01T00:00:00Z", check=False)
    assert p.returncode != 0
    assert "InvalidTimeRangeException" in p.stderr


def test_insight_events_only_with_insight_category(server):
    t = now() - datetime.timedelta(hours=3)
    rid = str(uuid.uuid4())
    insight = {"eventVersion": "1.11", "eventTime": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
               "awsRegion": "us-east-1", "eventID": rid, "eventType": "AwsCloudTrailInsight",
               "recipientAccountId": "111122223333", "sharedEventID": str(uuid.uuid4()),
               "insightDetails": {"state": "Start", "eventSource": "ec2.amazonaws.com",
                                  "eventName": "RunInstances", "insightType": "ApiCallRateInsight",
                                  "insightContext": {"statistics": {"baseline": {"average": 0.04},
                                                                    "insight": {"average": 12.0}}}},
               "eventCategory": "Insight"}
    status, body, _ = ingest(server, [insight])
    assert status == 200, body
    ct = server.client()
    by_id = [{"AttributeKey": "EventId", "AttributeValue": rid}]
    assert ct.lookup_events(LookupAttributes=by_id)["Events"] == []
    found = ct.lookup_events(LookupAttributes=by_id, EventCategory="insight")["Events"]
    assert len(found) == 1 and found[0]["EventName"] == "RunInstances"
