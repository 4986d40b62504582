"""`opentrail monitor cis` (issue 7, item 5): the trail's log group, a metric filter and an alarm
for every CIS AWS Foundations Benchmark monitoring control, idempotently; then a synthetic event
per control goes trail → log group → metric filter → metric → alarm → a signed SNS notification
at an http endpoint on 127.0.0.1."""
import json
import time

import pytest

from conftest import Server, ingest
from records import now, record
from test_sns import Hook, subscribe_and_confirm, verify

# One event that must trip each control (spec/filter-patterns.md §7), as (control, changes).
TRIPS = [
    ("4.1", {"eventName": "RunInstances", "errorCode": "Client.UnauthorizedOperation"}),
    ("4.2", {"eventName": "ConsoleLogin", "eventSource": "signin.amazonaws.com",
             "additionalEventData": {"MFAUsed": "No"}}),
    ("4.3", {"eventName": "ListBuckets", "userIdentity": {"type": "Root", "accountId": None},
             "eventType": "AwsApiCall"}),
    ("4.4", {"eventName": "PutUserPolicy", "eventSource": "iam.amazonaws.com"}),
    ("4.5", {"eventName": "StopLogging", "eventSource": "cloudtrail.amazonaws.com"}),
    ("4.6", {"eventName": "ConsoleLogin", "eventSource": "signin.amazonaws.com",
             "errorMessage": "Failed authentication"}),
    ("4.7", {"eventName": "ScheduleKeyDeletion", "eventSource": "kms.amazonaws.com"}),
    ("4.8", {"eventName": "PutBucketPolicy", "eventSource": "s3.amazonaws.com"}),
    ("4.9", {"eventName": "StopConfigurationRecorder", "eventSource": "config.amazonaws.com"}),
    ("4.10", {"eventName": "ModifySecurityGroupRules"}),
    ("4.11", {"eventName": "CreateNetworkAclEntry"}),
    ("4.12", {"eventName": "AttachInternetGateway"}),
    ("4.13", {"eventName": "ReplaceRoute"}),
    ("4.14", {"eventName": "CreateVpcPeeringConnection"}),
    ("4.15", {"eventName": "CreateAccount", "eventSource": "organizations.amazonaws.com"}),
]


def trip_record(account, changes):
    r = record(now(), account=account, read_only=False)
    for k, v in changes.items():
        if k == "userIdentity":
            r[k] = {"type": v["type"], "principalId": account, "accountId": account,
                    "arn": f"arn:aws:iam::{account}:root"}
        else:
            r[k] = v
    return r


@pytest.fixture
def env(tmp_path):
    srv = Server(tmp_path / "data").start()
    hook = Hook()
    yield srv, hook
    hook.close()
    srv.stop()


def test_monitor_cis_wires_filters_and_alarms_idempotently_and_every_control_alarms(env):
    srv, hook = env
    account = srv.aws("sts", "get-caller-identity")["Account"]
    srv.aws("s3api", "create-bucket", "--bucket", "cis-trail-logs")
    srv.aws("cloudtrail", "create-trail", "--name", "org-trail", "--s3-bucket-name",
            "cis-trail-logs", "--is-multi-region-trail")
    srv.aws("cloudtrail", "start-logging", "--name", "org-trail")
    sns = srv.client("sns")
    topic = sns.create_topic(Name="security-alerts")["TopicArn"]

    # Without a confirmed subscription it works, and says nobody will hear the alarms.
    first = srv.opentrail("monitor", "cis", "--trail", "org-trail", "--topic", topic,
                          "--period", "10")
    assert "no confirmed subscription" in first.stderr
    assert "warning: trail org-trail" not in first.stderr  # multi-region, logging, all events
    assert "log group aws-cloudtrail-logs-org-trail: created" in first.stdout
    assert "15 metric filters (15 created, 0 updated, 0 unchanged)" in first.stdout
    assert "15 alarms (15 created, 0 updated, 0 unchanged)" in first.stdout
    group = "aws-cloudtrail-logs-org-trail"
    trail = srv.aws("cloudtrail", "get-trail", "--name", "org-trail")["Trail"]
    assert trail["CloudWatchLogsLogGroupArn"] == \
        f"arn:aws:logs:us-east-1:{account}:log-group:{group}:*"
    assert trail["CloudWatchLogsRoleArn"] == \
        f"arn:aws:iam::{account}:role/CloudTrail_CloudWatchLogs_Role"

    subscribe_and_confirm(srv, sns, topic, hook)
    second = srv.opentrail("monitor", "cis", "--trail", "org-trail", "--topic", topic,
                           "--period", "10")
    assert second.stderr == ""
    assert "created" not in second.stdout.replace("0 created", "")
    assert "15 metric filters (0 created, 0 updated, 15 unchanged)" in second.stdout
    assert "15 alarms (0 created, 0 updated, 15 unchanged)" in second.stdout

    # What a CIS checker reads (spec §7's audit chain) is there, verbatim.
    filters = srv.aws("logs", "describe-metric-filters", "--log-group-name", group)["metricFilters"]
    assert len(filters) == 15
    by_metric = {f["metricTransformations"][0]["metricName"]: f for f in filters}
    assert by_metric["RootAccountUsage"]["filterPattern"] == (
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && '
        '$.eventType != "AwsServiceEvent" }')
    assert all(f["metricTransformations"][0]["metricNamespace"] == "CISBenchmark" and
               f["metricTransformations"][0]["metricValue"] == "1" for f in filters)
    alarms = srv.aws("cloudwatch", "describe-alarms", "--alarm-name-prefix", "CIS-")["MetricAlarms"]
    assert len(alarms) == 15
    for a in alarms:
        assert a["AlarmActions"] == [topic] and a["Statistic"] == "Sum" and a["Period"] == 10
        assert a["Threshold"] == 1.0 and a["EvaluationPeriods"] == 1
        assert a["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert a["MetricName"] in by_metric

    # A change made by hand is put back by the next run, and only that one.
    srv.aws("cloudwatch", "put-metric-alarm", "--alarm-name", "CIS-4.3-RootAccountUsage",
            "--metric-name", "RootAccountUsage", "--namespace", "CISBenchmark", "--statistic",
            "Sum", "--period", "60", "--evaluation-periods", "1", "--threshold", "5",
            "--comparison-operator", "GreaterThanOrEqualToThreshold")
    third = srv.opentrail("monitor", "cis", "--trail", "org-trail", "--topic", topic,
                          "--period", "10")
    assert "alarm CIS-4.3-RootAccountUsage: updated" in third.stdout
    assert "15 alarms (0 created, 1 updated, 14 unchanged)" in third.stdout

    # One synthetic event per control: every alarm goes to ALARM and notifies the topic.
    status, body, _ = ingest(srv, [trip_record(account, c) for _, c in TRIPS])
    assert status == 200, body
    names = {f"CIS-{cid}-" for cid, _ in TRIPS}
    deadline = time.time() + 60
    while True:
        states = {a["AlarmName"]: a["StateValue"] for a in
                  srv.client("cloudwatch").describe_alarms(AlarmNamePrefix="CIS-")["MetricAlarms"]}
        if all(v == "ALARM" for v in states.values()):
            break
        assert time.time() < deadline, f"not every control alarmed: {states}"
        time.sleep(0.5)
    assert len(states) == 15 and {n.rsplit("-", 1)[0] + "-" for n in states} == names

    notes = hook.wait("Notification", count=15, timeout=30)
    subjects = set()
    for _, msg, _ in notes:
        verify(srv, msg)
        body = json.loads(msg["Message"])
        assert body["NewStateValue"] == "ALARM" and body["AWSAccountId"] == account
        assert body["Trigger"]["Namespace"] == "CISBenchmark"
        subjects.add(msg["Subject"])
    assert subjects == {f'ALARM: "{a}" in US East (N. Virginia)' for a in states}


def test_monitor_cis_refuses_bad_input(env):
    srv, _ = env
    account = srv.aws("sts", "get-caller-identity")["Account"]
    topic = f"arn:aws:sns:us-east-1:{account}:missing"
    p = srv.opentrail("monitor", "cis", "--trail", "org-trail", "--topic", topic, check=False)
    assert p.returncode == 1 and f"topic {topic} does not exist" in p.stderr
    real = srv.client("sns").create_topic(Name="alerts")["TopicArn"]
    p = srv.opentrail("monitor", "cis", "--trail", "no-such-trail", "--topic", real, check=False)
    assert p.returncode == 1 and "TrailNotFoundException" in p.stderr
    p = srv.opentrail("monitor", "cis", "--trail", "t", "--topic", "security-alerts", check=False)
    assert p.returncode == 1 and "--topic must be an SNS topic ARN" in p.stderr
    p = srv.opentrail("monitor", "cis", "--trail", "t", "--topic", real, "--period", "45",
                      check=False)
    assert p.returncode == 1 and "--period must be 10, 20, 30 or a multiple of 60" in p.stderr
    # Nothing was created by the refused runs.
    assert srv.aws("cloudwatch", "describe-alarms")["MetricAlarms"] == []
    assert srv.aws("logs", "describe-log-groups")["logGroups"] == []

    # A trail a CIS checker would fault is wired all the same, with the reasons said.
    srv.aws("s3api", "create-bucket", "--bucket", "lone-logs")
    srv.aws("cloudtrail", "create-trail", "--name", "lone", "--s3-bucket-name", "lone-logs")
    srv.aws("cloudtrail", "put-event-selectors", "--trail-name", "lone", "--event-selectors",
            '[{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": true}]')
    p = srv.opentrail("monitor", "cis", "--trail", "lone", "--topic", real)
    assert "warning: trail lone is not multi-region" in p.stderr
    assert "warning: trail lone is not logging" in p.stderr
    assert "warning: trail lone does not select all management events" in p.stderr
    assert "15 alarms (15 created, 0 updated, 0 unchanged)" in p.stdout
