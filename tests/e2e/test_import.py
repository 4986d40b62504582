"""`opentrail import` of generated CloudTrail log files, checked event by event."""
import collections
import gzip
import json

import pytest

from conftest import generate


@pytest.fixture(scope="module")
def logs(server, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("logs")
    # Events in the last day so that the 90-day history keeps them.
    import datetime
    start = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=30))
    start = start.strftime("%Y-%m-%dT%H:00:00Z")
    tree = generate(tmp, 4000, 11, "logfiles", "tree", start=start, span_hours=24, accounts=2,
                    regions=2)
    jsonl = generate(tmp, 4000, 11, "jsonl", "events.jsonl", start=start, span_hours=24,
                     accounts=2, regions=2)
    records = [json.loads(line) for line in jsonl.read_text().splitlines()]
    return tree, records


def test_import_then_lookup_every_event(server, logs):
    tree, records = logs
    p = server.opentrail("import", str(tree))
    assert "4000 events read, 4000 new" in p.stdout, p.stdout + p.stderr

    clients = {}
    by_region = collections.Counter()
    for r in records:
        region = r["awsRegion"]
        ct = clients.setdefault(region, server.client(region=region))
        got = ct.lookup_events(LookupAttributes=[{"AttributeKey": "EventId",
                                                  "AttributeValue": r["eventID"]}])["Events"]
        if r.get("eventCategory") == "Data":
            assert got == [], "data events are not in the event history"
            continue
        assert len(got) == 1, r["eventID"]
        assert json.loads(got[0]["CloudTrailEvent"]) == r
        assert got[0]["EventName"] == r["eventName"]
        by_region[region] += 1
    assert sum(by_region.values()) > 2000


def test_reimport_adds_nothing(server, logs):
    tree, _ = logs
    p = server.opentrail("import", str(tree))
    assert "0 new, 4000 already present" in p.stdout, p.stdout


def test_import_lookup_by_username_with_cli(server, logs):
    _, records = logs
    users = collections.Counter(r["userIdentity"].get("userName") for r in records
                                if r["awsRegion"] == "us-east-1"
                                and r.get("eventCategory") != "Data"
                                and r["userIdentity"].get("userName"))
    user, count = users.most_common(1)[0]
    out = server.aws("cloudtrail", "lookup-events", "--lookup-attributes",
                     f"AttributeKey=Username,AttributeValue={user}", region="us-east-1")
    assert len(out["Events"]) >= count


def test_import_reads_plain_json_and_json_lines(server, tmp_path):
    import datetime
    import uuid
    t = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    recs = []
    for i in range(3):
        recs.append({"eventVersion": "1.08", "userIdentity": {"type": "Root", "principalId": "1",
                                                               "arn": "arn:aws:iam::1:root",
                                                               "accountId": "111122223333"},
                     "eventTime": t, "eventSource": "iam.amazonaws.com", "eventName": "ListUsers",
                     "awsRegion": "us-east-1", "sourceIPAddress": "1.2.3.4",
                     "requestParameters": None, "responseElements": None,
                     "eventID": str(uuid.uuid4()), "eventType": "AwsApiCall",
                     "recipientAccountId": "111122223333"})
    (tmp_path / "a.json").write_text(json.dumps({"Records": recs[:2]}))
    (tmp_path / "b.jsonl").write_text(json.dumps(recs[2]) + "\n")
    with gzip.open(tmp_path / "CloudTrail-Digest-skip.json.gz", "wt") as f:
        f.write("{}")
    p = server.opentrail("import", str(tmp_path))
    assert "3 events read, 3 new" in p.stdout, p.stdout + p.stderr
    got = server.client().lookup_events(LookupAttributes=[
        {"AttributeKey": "Username", "AttributeValue": "root"}])["Events"]
    assert {r["eventID"] for r in recs} <= {e["EventId"] for e in got}


def test_import_reports_a_bad_file_and_continues(server, tmp_path):
    (tmp_path / "bad.json").write_text('{"Records":[{"eventVersion":"1.08"}]}')
    p = server.opentrail("import", str(tmp_path / "bad.json"), check=False)
    assert p.returncode != 0
    assert "InvalidEventException" in p.stderr and "eventTime" in p.stderr
