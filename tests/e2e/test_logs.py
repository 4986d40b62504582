"""CloudWatch Logs over JSON 1.1 (Logs_20140328) with AWS CLI v2 and boto3: log groups, streams,
events, metric filters, and a trail delivering its events into a log group."""
import json
import time
import uuid

import botocore.exceptions
import pytest

from conftest import Server, ingest, signed_request
from records import now, record


def ms():
    return int(time.time() * 1000)


def err(p):
    """The error code of a failed AWS CLI run."""
    assert p.returncode != 0, p.stdout
    return p.stderr


def test_groups_streams_and_events_with_the_cli(server):
    g = f"/e2e/app-{uuid.uuid4().hex[:8]}"
    server.aws("logs", "create-log-group", "--log-group-name", g, "--tags", "team=sec")
    again = server.aws("logs", "create-log-group", "--log-group-name", g, check=False)
    assert "ResourceAlreadyExistsException" in err(again)
    bad = server.aws("logs", "create-log-group", "--log-group-name", "bad name", check=False)
    assert "InvalidParameterException" in err(bad) and "logGroupName" in bad.stderr

    groups = server.aws("logs", "describe-log-groups", "--log-group-name-prefix", g)["logGroups"]
    assert [x["logGroupName"] for x in groups] == [g]
    assert groups[0]["arn"].endswith(f":log-group:{g}:*")
    tags = server.aws("logs", "list-tags-log-group", "--log-group-name", g)["tags"]
    assert tags == {"team": "sec"}

    bad_days = server.aws("logs", "put-retention-policy", "--log-group-name", g,
                          "--retention-in-days", "4", check=False)
    assert "InvalidParameterException" in err(bad_days) and "retentionInDays" in bad_days.stderr
    server.aws("logs", "put-retention-policy", "--log-group-name", g, "--retention-in-days", "7")
    groups = server.aws("logs", "describe-log-groups", "--log-group-name-prefix", g)["logGroups"]
    assert groups[0]["retentionInDays"] == 7
    logs = server.client("logs")
    logs.delete_retention_policy(logGroupName=g)
    groups = logs.describe_log_groups(logGroupNamePrefix=g)["logGroups"]
    assert "retentionInDays" not in groups[0]

    server.aws("logs", "create-log-stream", "--log-group-name", g, "--log-stream-name", "web-1")
    missing = server.aws("logs", "put-log-events", "--log-group-name", g, "--log-stream-name",
                         "nope", "--log-events", f"timestamp={ms()},message=x", check=False)
    assert "ResourceNotFoundException" in err(missing)
    t = ms()
    out = server.aws("logs", "put-log-events", "--log-group-name", g, "--log-stream-name", "web-1",
                     "--log-events", f"timestamp={t - 2},message=first line",
                     f"timestamp={t - 1},message=second line")
    assert "rejectedLogEventsInfo" not in out
    unordered = server.aws("logs", "put-log-events", "--log-group-name", g, "--log-stream-name",
                           "web-1", "--log-events", f"timestamp={t},message=b",
                           f"timestamp={t - 5},message=a", check=False)
    assert "InvalidParameterException" in err(unordered) and "chronological" in unordered.stderr

    got = server.aws("logs", "get-log-events", "--log-group-name", g, "--log-stream-name", "web-1",
                     "--start-from-head")
    assert [e["message"] for e in got["events"]] == ["first line", "second line"]
    assert got["nextForwardToken"].startswith("f/") and got["nextBackwardToken"].startswith("b/")
    streams = server.aws("logs", "describe-log-streams", "--log-group-name", g)["logStreams"]
    assert [s["logStreamName"] for s in streams] == ["web-1"]
    assert streams[0]["lastEventTimestamp"] == t - 1

    logs.delete_log_stream(logGroupName=g, logStreamName="web-1")
    logs.delete_log_group(logGroupName=g)
    gone = server.aws("logs", "delete-log-group", "--log-group-name", g, check=False)
    assert "ResourceNotFoundException" in err(gone)


def message(i):
    return json.dumps({"n": i, "eventName": "Get" if i % 2 else "Put"})


def test_get_log_events_tokens_and_filter_pagination_with_boto3(server):
    logs = server.client("logs")
    g = f"paging-{uuid.uuid4().hex[:8]}"
    logs.create_log_group(logGroupName=g)
    for s in ("a", "b"):
        logs.create_log_stream(logGroupName=g, logStreamName=s)
    t = ms() - 10000
    logs.put_log_events(logGroupName=g, logStreamName="a", logEvents=[
        {"timestamp": t + i, "message": message(i)} for i in range(0, 20, 2)])
    logs.put_log_events(logGroupName=g, logStreamName="b", logEvents=[
        {"timestamp": t + i, "message": message(i)} for i in range(1, 20, 2)])

    newest = logs.get_log_events(logGroupName=g, logStreamName="a", limit=4)
    assert [json.loads(e["message"])["n"] for e in newest["events"]] == [12, 14, 16, 18]
    older = logs.get_log_events(logGroupName=g, logStreamName="a", limit=4,
                                nextToken=newest["nextBackwardToken"])
    assert [json.loads(e["message"])["n"] for e in older["events"]] == [4, 6, 8, 10]

    pages = logs.get_paginator("filter_log_events").paginate(
        logGroupName=g, filterPattern='{ $.eventName = "Get" }', PaginationConfig={"PageSize": 3})
    events = [e for p in pages for e in p["events"]]
    assert [json.loads(e["message"])["n"] for e in events] == list(range(1, 20, 2))
    assert {e["logStreamName"] for e in events} == {"b"}
    ranged = logs.filter_log_events(logGroupName=g, startTime=t + 5, endTime=t + 8,
                                    logStreamNames=["a"])
    assert [json.loads(e["message"])["n"] for e in ranged["events"]] == [6, 8]

    with pytest.raises(botocore.exceptions.ClientError) as bad:
        logs.filter_log_events(logGroupName=g, filterPattern="{ $.eventName = }")
    assert bad.value.response["Error"]["Code"] == "InvalidParameterException"
    assert "position" in bad.value.response["Error"]["Message"]
    with pytest.raises(botocore.exceptions.ClientError) as missing:
        logs.get_log_events(logGroupName=g, logStreamName="zzz")
    assert missing.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_metric_filters_and_test_metric_filter(server):
    g = f"filters-{uuid.uuid4().hex[:8]}"
    server.aws("logs", "create-log-group", "--log-group-name", g)
    root_use = ('{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
                '$.eventType != "AwsServiceEvent" }')
    server.aws("logs", "put-metric-filter", "--log-group-name", g, "--filter-name", "root-use",
               "--filter-pattern", root_use, "--metric-transformations",
               "metricName=RootUse,metricNamespace=CISBenchmark,metricValue=1")
    filters = server.aws("logs", "describe-metric-filters", "--log-group-name", g)["metricFilters"]
    assert len(filters) == 1 and filters[0]["filterPattern"] == root_use
    assert filters[0]["metricTransformations"] == [
        {"metricName": "RootUse", "metricNamespace": "CISBenchmark", "metricValue": "1"}]
    by_metric = server.aws("logs", "describe-metric-filters", "--metric-name", "RootUse",
                           "--metric-namespace", "CISBenchmark")["metricFilters"]
    assert g in [f["logGroupName"] for f in by_metric]

    bad = server.aws("logs", "put-metric-filter", "--log-group-name", g, "--filter-name", "x",
                     "--filter-pattern", "{ $.a = ", "--metric-transformations",
                     "metricName=M,metricNamespace=N,metricValue=1", check=False)
    assert "InvalidParameterException" in err(bad) and "position" in bad.stderr
    nogroup = server.aws("logs", "put-metric-filter", "--log-group-name", g + "-missing",
                         "--filter-name", "x", "--filter-pattern", "", "--metric-transformations",
                         "metricName=M,metricNamespace=N,metricValue=1", check=False)
    assert "ResourceNotFoundException" in err(nogroup)
    logs = server.client("logs")
    one = [{"metricName": "M", "metricNamespace": "N", "metricValue": "1"}]
    for i in range(5):
        logs.put_metric_filter(logGroupName=g, filterName=f"re{i}", filterPattern=f"%err{i}%",
                               metricTransformations=one)
    with pytest.raises(botocore.exceptions.ClientError) as sixth:
        logs.put_metric_filter(logGroupName=g, filterName="re5", filterPattern="%err5%",
                               metricTransformations=one)
    assert sixth.value.response["Error"]["Code"] == "LimitExceededException"

    root = json.dumps({"userIdentity": {"type": "Root"}, "eventType": "AwsApiCall"})
    service = json.dumps({"userIdentity": {"type": "Root", "invokedBy": "x.amazonaws.com"},
                          "eventType": "AwsApiCall"})
    tested = server.aws("logs", "test-metric-filter", "--filter-pattern", root_use,
                        "--log-event-messages", root, service, "not json")
    assert [m["eventNumber"] for m in tested["matches"]] == [1]
    assert tested["matches"][0]["extractedValues"]["$.userIdentity.type"] == "Root"

    logs.delete_metric_filter(logGroupName=g, filterName="root-use")
    with pytest.raises(botocore.exceptions.ClientError) as gone:
        logs.delete_metric_filter(logGroupName=g, filterName="root-use")
    assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_logs_calls_are_recorded_with_their_event_source(server):
    g = f"recorded-{uuid.uuid4().hex[:8]}"
    server.aws("logs", "create-log-group", "--log-group-name", g)
    ct = server.client("cloudtrail")
    deadline = time.time() + 10
    while time.time() < deadline:
        events = ct.lookup_events(LookupAttributes=[
            {"AttributeKey": "EventName", "AttributeValue": "CreateLogGroup"}])["Events"]
        mine = [e for e in events if g in e["CloudTrailEvent"]]
        if mine:
            break
        time.sleep(0.2)
    assert mine, "CreateLogGroup was not recorded"
    rec = json.loads(mine[0]["CloudTrailEvent"])
    assert rec["eventSource"] == "logs.amazonaws.com"
    assert rec["requestParameters"] == {"logGroupName": g}
    # A Logs call signed for another service is refused.
    status, body, _ = signed_request(server, "Logs_20140328.DescribeLogGroups", "{}",
                                     service="cloudtrail")
    assert status in (400, 403) and "Signature" in body.get("__type", "") + json.dumps(body)


def test_trail_delivers_selected_events_to_its_log_group_exactly_once(tmp_path):
    srv = Server(tmp_path / "data").start()
    try:
        account = srv.aws("sts", "get-caller-identity")["Account"]
        g = "org-trail-events"
        arn = f"arn:aws:logs:us-east-1:{account}:log-group:{g}:*"
        role = f"arn:aws:iam::{account}:role/CloudTrail_CloudWatchLogs_Role"
        srv.aws("s3api", "create-bucket", "--bucket", "cwl-trail-bucket")
        srv.aws("cloudtrail", "create-trail", "--name", "org-trail", "--s3-bucket-name",
                "cwl-trail-bucket")
        missing = srv.aws("cloudtrail", "update-trail", "--name", "org-trail",
                          "--cloud-watch-logs-log-group-arn", arn,
                          "--cloud-watch-logs-role-arn", role, check=False)
        assert "InvalidCloudWatchLogsLogGroupArnException" in err(missing)
        srv.aws("logs", "create-log-group", "--log-group-name", g)
        bad_role = srv.aws("cloudtrail", "update-trail", "--name", "org-trail",
                           "--cloud-watch-logs-log-group-arn", arn,
                           "--cloud-watch-logs-role-arn", "not-a-role", check=False)
        assert "InvalidCloudWatchLogsRoleArnException" in err(bad_role)
        srv.aws("logs", "put-metric-filter", "--log-group-name", g, "--filter-name", "console",
                "--filter-pattern", '{ $.eventName = "ConsoleLogin" }', "--metric-transformations",
                "metricName=ConsoleLogins,metricNamespace=CIS,metricValue=1")
        t = srv.aws("cloudtrail", "update-trail", "--name", "org-trail",
                    "--cloud-watch-logs-log-group-arn", arn, "--cloud-watch-logs-role-arn", role)
        assert t["CloudWatchLogsLogGroupArn"] == arn
        srv.aws("cloudtrail", "start-logging", "--name", "org-trail")

        base = now()
        records = [record(base, name="ConsoleLogin", source="signin.amazonaws.com",
                          account=account) for _ in range(3)]
        records += [record(base, name="DescribeInstances", account=account) for _ in range(2)]
        status, body, _ = ingest(srv, records)
        assert status == 200, body
        ids = {r["eventID"] for r in records}
        stream = f"{account}_CloudTrail_us-east-1"
        logs = srv.client("logs")

        def delivered():
            try:
                events = logs.filter_log_events(logGroupName=g)["events"]
            except botocore.exceptions.ClientError:
                return []
            return [json.loads(e["message"]) for e in events]

        deadline = time.time() + 15
        while time.time() < deadline and not ids <= {e["eventID"] for e in delivered()}:
            time.sleep(0.2)
        got = delivered()
        assert ids <= {e["eventID"] for e in got}, "trail events did not reach the log group"
        streams = logs.describe_log_streams(logGroupName=g)["logStreams"]
        assert [s["logStreamName"] for s in streams] == [stream]
        # The trail's own StartLogging record is delivered too, as bucket delivery does.
        assert "StartLogging" in [e["eventName"] for e in got]
        logins = logs.filter_log_events(logGroupName=g,
                                        filterPattern='{ $.eventName = "ConsoleLogin" }')
        assert len(logins["events"]) == 3
        st = srv.aws("cloudtrail", "get-trail-status", "--name", "org-trail")
        assert "LatestCloudWatchLogsDeliveryTime" in st
        assert "LatestCloudWatchLogsDeliveryError" not in st

        # kill -9 right after more events are acknowledged: after the restart each is there once.
        more = [record(now(), name="ConsoleLogin", source="signin.amazonaws.com",
                       account=account) for _ in range(20)]
        status, body, _ = ingest(srv, more)
        assert status == 200, body
        srv.kill()
        srv.start()
        ids |= {r["eventID"] for r in more}
        logs = srv.client("logs")
        deadline = time.time() + 15
        while time.time() < deadline and not ids <= {e["eventID"] for e in delivered()}:
            time.sleep(0.2)
        got = delivered()
        counts = {}
        for e in got:
            counts[e["eventID"]] = counts.get(e["eventID"], 0) + 1
        assert ids <= set(counts), "events lost across kill -9"
        assert max(counts.values()) == 1, "an event was delivered twice"
    finally:
        srv.stop()


def test_logs_actions_are_authorized_on_log_group_arns(server):
    iam = server.client("iam")
    user = f"logs-user-{uuid.uuid4().hex[:6]}"
    iam.create_user(UserName=user)
    account = server.aws("sts", "get-caller-identity")["Account"]
    iam.put_user_policy(UserName=user, PolicyName="logs", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["logs:CreateLogGroup", "logs:PutMetricFilter"],
                       "Resource": f"arn:aws:logs:us-east-1:{account}:log-group:team-a-*"}]}))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    logs = server.client("logs", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
    allowed = f"team-a-{uuid.uuid4().hex[:6]}"

    logs.create_log_group(logGroupName=allowed)
    with pytest.raises(botocore.exceptions.ClientError) as denied:
        logs.create_log_group(logGroupName=f"team-b-{uuid.uuid4().hex[:6]}")
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    with pytest.raises(botocore.exceptions.ClientError) as describe:
        logs.describe_log_groups()
    assert describe.value.response["Error"]["Code"] == "AccessDeniedException"
