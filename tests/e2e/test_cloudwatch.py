"""CloudWatch metrics and alarms end to end (shared/spec/filter-patterns.md §6, protocols.md §2):
the AWS CLI v2 2.9 and Debian's boto3 speak the Query protocol, the AWS CLI v1 1.45 (botocore 1.43)
speaks JSON 1.0. An ingested event flows trail → log group → metric filter → metric → alarm →
SNS → an http subscriber on 127.0.0.1, which verifies the notification's signature."""
import json
import subprocess
import time
import uuid

import botocore.exceptions
import pytest

from conftest import Server, ingest
from records import record, now
from test_sns import Hook, subscribe_and_confirm, verify

AWS_V1 = "/root/.pyenv/shims/aws"
REGION = "us-east-1"


def uniq(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def srv(tmp_path_factory):
    s = Server(tmp_path_factory.mktemp("cloudwatch") / "data",
               extra_args=["--sns-retry-delay", "200ms"]).start()
    yield s
    s.stop()


@pytest.fixture
def hook():
    h = Hook()
    yield h
    h.close()


def aws_v1(srv, *args, check=True):
    """The AWS CLI v1 (botocore 1.43): CloudWatch over JSON 1.0."""
    env = srv.env()
    p = subprocess.run([AWS_V1, *args, "--endpoint-url", srv.endpoint, "--output", "json"],
                       env=env, capture_output=True, text=True, timeout=120)
    if not check:
        return p
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout) if p.stdout.strip() else {}


def cw_error(excinfo):
    e = excinfo.value.response
    return e["Error"]["Code"], e["ResponseMetadata"]["HTTPStatusCode"], e["Error"]["Message"]


def alarm_args(name, *extra, period="10", metric="Errors", namespace="App"):
    return ["cloudwatch", "put-metric-alarm", "--alarm-name", name, "--metric-name", metric,
            "--namespace", namespace, "--statistic", "Sum", "--period", period,
            "--evaluation-periods", "1", "--threshold", "1",
            "--comparison-operator", "GreaterThanOrEqualToThreshold", *extra]


def wait_state(cw, name, state, timeout=25):
    deadline = time.time() + timeout
    while time.time() < deadline:
        alarms = cw.describe_alarms(AlarmNames=[name])["MetricAlarms"]
        if alarms and alarms[0]["StateValue"] == state:
            return alarms[0]
        time.sleep(0.2)
    raise AssertionError(f"{name} never reached {state}: {alarms}")


def topic_with_hook(srv, hook):
    sns = srv.client("sns")
    topic = sns.create_topic(Name=uniq("alarms"))["TopicArn"]
    subscribe_and_confirm(srv, sns, topic, hook)
    return topic


# --- alarms over both protocols ---------------------------------------------------------------

def test_alarms_with_the_cli_v2_over_query(srv):
    name = uniq("q")
    topic = f"arn:aws:sns:{REGION}:111122223333:nowhere"
    srv.aws(*alarm_args(name, "--alarm-actions", topic, "--dimensions", "Name=Host,Value=h1",
                        "--alarm-description", "errors & more", "--treat-missing-data", "ignore",
                        "--datapoints-to-alarm", "1"))
    got = srv.aws("cloudwatch", "describe-alarms", "--alarm-names", name)
    assert got["CompositeAlarms"] == []
    [a] = got["MetricAlarms"]
    account = srv.aws("sts", "get-caller-identity")["Account"]
    assert a["AlarmArn"] == f"arn:aws:cloudwatch:{REGION}:{account}:alarm:{name}"
    assert a["AlarmDescription"] == "errors & more"
    assert a["AlarmActions"] == [topic] and a["OKActions"] == []
    assert a["Dimensions"] == [{"Name": "Host", "Value": "h1"}]
    assert a["StateValue"] == "INSUFFICIENT_DATA"
    assert (a["Period"], a["EvaluationPeriods"], a["DatapointsToAlarm"], a["Threshold"]) == \
        (10, 1, 1, 1.0)
    assert a["TreatMissingData"] == "ignore" and a["ActionsEnabled"] is True
    for_metric = srv.aws("cloudwatch", "describe-alarms-for-metric", "--metric-name", "Errors",
                         "--namespace", "App", "--dimensions", "Name=Host,Value=h1")
    assert [m["AlarmName"] for m in for_metric["MetricAlarms"]] == [name]
    cw = srv.client("cloudwatch")
    assert cw.describe_alarms(AlarmNamePrefix=name[:6], StateValue="ALARM")["MetricAlarms"] == []
    assert [m["AlarmName"] for m in cw.describe_alarms(ActionPrefix=topic)["MetricAlarms"]] == \
        [name]
    srv.aws("cloudwatch", "delete-alarms", "--alarm-names", name)
    assert cw.describe_alarms(AlarmNames=[name])["MetricAlarms"] == []
    p = srv.aws("cloudwatch", "delete-alarms", "--alarm-names", name, check=False)
    assert "An error occurred (ResourceNotFound) when calling the DeleteAlarms operation" in p.stderr
    p = srv.aws(*alarm_args(uniq("bad"), period="15"), check=False)
    assert ("An error occurred (InvalidParameterValue) when calling the PutMetricAlarm operation: "
            "The parameter Period must be 10, 20, 30 or a multiple of 60.") in p.stderr


def test_alarms_with_the_cli_v1_over_json10(srv):
    name = uniq("j")
    aws_v1(srv, *alarm_args(name, "--ok-actions", f"arn:aws:sns:{REGION}:111122223333:t"))
    p = aws_v1(srv, "cloudwatch", "describe-alarms", "--alarm-names", name, "--debug", check=False)
    assert p.returncode == 0, p.stderr
    assert "GraniteServiceVersion20100801.DescribeAlarms" in p.stderr  # JSON 1.0 on the wire
    [a] = json.loads(p.stdout)["MetricAlarms"]
    assert a["OKActions"] == [f"arn:aws:sns:{REGION}:111122223333:t"]
    assert isinstance(a["StateUpdatedTimestamp"], float)
    errors = {
        "ResourceNotFound": ["cloudwatch", "set-alarm-state", "--alarm-name", uniq("none"),
                             "--state-value", "OK", "--state-reason", "x"],
        "InvalidParameterValue": alarm_args(uniq("bad"), "--treat-missing-data", "sometimes"),
        "InvalidParameterCombination": ["cloudwatch", "put-metric-alarm", "--alarm-name", "x",
                                        "--metric-name", "M", "--namespace", "N", "--statistic",
                                        "Sum", "--extended-statistic", "p90", "--period", "60",
                                        "--evaluation-periods", "1", "--threshold", "1",
                                        "--comparison-operator", "GreaterThanThreshold"],
    }
    for code, args in errors.items():
        p = aws_v1(srv, *args, check=False)
        assert p.returncode != 0 and f"An error occurred ({code})" in p.stderr, (code, p.stderr)
    aws_v1(srv, "cloudwatch", "delete-alarms", "--alarm-names", name)


def test_errors_with_boto3_carry_aws_codes_and_statuses(srv):
    cw = srv.client("cloudwatch")
    with pytest.raises(cw.exceptions.ResourceNotFound) as e:
        cw.set_alarm_state(AlarmName=uniq("none"), StateValue="ALARM", StateReason="t")
    code, status, message = cw_error(e)
    assert (code, status) == ("ResourceNotFound", 404) and "not found" in message
    with pytest.raises(cw.exceptions.MissingRequiredParameterException) as e:
        cw.put_metric_data(Namespace="App", MetricData=[])
    assert cw_error(e) == ("MissingParameter", 400, "The parameter MetricData is required.")
    with pytest.raises(cw.exceptions.InvalidParameterValueException) as e:
        cw.put_metric_data(Namespace="AWS/EC2", MetricData=[{"MetricName": "M", "Value": 1.0}])
    assert cw_error(e)[:2] == ("InvalidParameterValue", 400)
    with pytest.raises(cw.exceptions.InvalidParameterValueException) as e:
        cw.put_metric_alarm(AlarmName="x", MetricName="M", Namespace="N", Statistic="Sum",
                            Period=60, EvaluationPeriods=1, Threshold=1.0,
                            ComparisonOperator="GreaterThanThreshold",
                            AlarmActions=[f"arn:aws:sns:{REGION}:1:t"] * 6)
    assert "AlarmActions" in cw_error(e)[2]
    with pytest.raises(cw.exceptions.InvalidParameterCombinationException) as e:
        cw.put_metric_data(Namespace="App", MetricData=[
            {"MetricName": "M", "Value": 1.0,
             "StatisticValues": {"SampleCount": 1, "Sum": 1, "Minimum": 1, "Maximum": 1}}])
    with pytest.raises(cw.exceptions.InvalidNextToken):
        cw.describe_alarms(NextToken="bogus")


def test_metrics_put_listed_and_read_back_and_kept_across_a_restart(tmp_path):
    s = Server(tmp_path / "data").start()
    try:
        cw = s.client("cloudwatch")
        t = now()
        cw.put_metric_data(Namespace="Shop", MetricData=[
            {"MetricName": "Latency", "Dimensions": [{"Name": "Api", "Value": "buy"}],
             "Timestamp": t, "Values": [10.0, 30.0], "Counts": [1.0, 3.0], "Unit": "Milliseconds"},
            {"MetricName": "Orders", "Timestamp": t,
             "StatisticValues": {"SampleCount": 2, "Sum": 5, "Minimum": 1, "Maximum": 4}}])
        s.kill()
        s.start()
        cw = s.client("cloudwatch")
        listed = s.aws("cloudwatch", "list-metrics", "--namespace", "Shop")["Metrics"]
        assert {m["MetricName"] for m in listed} == {"Latency", "Orders"}
        got = cw.get_metric_statistics(
            Namespace="Shop", MetricName="Latency", Dimensions=[{"Name": "Api", "Value": "buy"}],
            StartTime=t.timestamp() - 120, EndTime=t.timestamp() + 120, Period=60,
            Statistics=["Sum", "SampleCount", "Average", "Maximum"], ExtendedStatistics=["p50"])
        [d] = got["Datapoints"]
        assert (d["Sum"], d["SampleCount"], d["Average"], d["Maximum"]) == (100.0, 4.0, 25.0, 30.0)
        assert d["ExtendedStatistics"] == {"p50": 30.0} and d["Unit"] == "Milliseconds"
        data = aws_v1(s, "cloudwatch", "get-metric-data", "--start-time",
                      str(int(t.timestamp()) - 120), "--end-time", str(int(t.timestamp()) + 120),
                      "--metric-data-queries", json.dumps([{
                          "Id": "o", "MetricStat": {"Metric": {"Namespace": "Shop",
                                                               "MetricName": "Orders"},
                                                    "Period": 60, "Stat": "Maximum"}}]))
        [r] = data["MetricDataResults"]
        assert r["Id"] == "o" and r["Values"] == [4.0] and r["StatusCode"] == "Complete"
        p = aws_v1(s, "cloudwatch", "get-metric-data", "--start-time", "1", "--end-time", "2",
                   "--metric-data-queries", '[{"Id":"e","Expression":"SUM(METRICS())"}]',
                   check=False)
        assert "InvalidParameterValue" in p.stderr and "metric math" in p.stderr
    finally:
        s.stop()


# --- the whole chain ----------------------------------------------------------------------------

def test_ingested_event_trips_an_alarm_that_notifies_a_signed_http_subscriber(srv, hook):
    account = srv.client("sts").get_caller_identity()["Account"]
    topic = topic_with_hook(srv, hook)
    g = uniq("trail-events")
    bucket = uniq("cwbucket")
    trail = uniq("trail")
    srv.client("s3").create_bucket(Bucket=bucket)
    ct = srv.client("cloudtrail")
    ct.create_trail(Name=trail, S3BucketName=bucket)
    logs = srv.client("logs")
    logs.create_log_group(logGroupName=g)
    logs.put_metric_filter(
        logGroupName=g, filterName="no-mfa",
        filterPattern='{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
        metricTransformations=[{"metricName": f"NoMfa-{g}", "metricNamespace": "CIS",
                                "metricValue": "1"}])
    ct.update_trail(Name=trail,
                    CloudWatchLogsLogGroupArn=f"arn:aws:logs:{REGION}:{account}:log-group:{g}:*",
                    CloudWatchLogsRoleArn=f"arn:aws:iam::{account}:role/CloudTrail_CWL_Role")
    ct.start_logging(Name=trail)
    name = uniq("console-no-mfa")
    # Three 10 s periods, one datapoint: the alarm fires even if log delivery lags a period.
    srv.aws("cloudwatch", "put-metric-alarm", "--alarm-name", name, "--metric-name",
            f"NoMfa-{g}", "--namespace", "CIS", "--statistic", "Sum", "--period", "10",
            "--evaluation-periods", "3", "--datapoints-to-alarm", "1", "--threshold", "1",
            "--comparison-operator", "GreaterThanOrEqualToThreshold", "--treat-missing-data",
            "notBreaching", "--alarm-actions", topic)

    login = record(now(), name="ConsoleLogin", source="signin.amazonaws.com", account=account)
    login["additionalEventData"] = {"MFAUsed": "No"}
    status, body, _ = ingest(srv, [login])
    assert status == 200, body

    headers, msg, _ = hook.wait("Notification", timeout=30)[-1]
    verify(srv, msg)
    assert msg["TopicArn"] == topic
    assert msg["Subject"] == f'ALARM: "{name}" in US East (N. Virginia)'
    alarm = json.loads(msg["Message"])
    assert alarm["AlarmName"] == name and alarm["NewStateValue"] == "ALARM"
    assert alarm["OldStateValue"] in ("INSUFFICIENT_DATA", "OK")
    assert alarm["AWSAccountId"] == account and alarm["Region"] == "US East (N. Virginia)"
    assert alarm["AlarmArn"] == f"arn:aws:cloudwatch:{REGION}:{account}:alarm:{name}"
    assert alarm["NewStateReason"].startswith("Threshold Crossed: 1 out of the last 3 datapoints")
    assert alarm["Trigger"]["MetricName"] == f"NoMfa-{g}" and alarm["Trigger"]["Statistic"] == "SUM"
    assert alarm["Trigger"]["Period"] == 10 and alarm["Trigger"]["EvaluationPeriods"] == 3
    cw = srv.client("cloudwatch")
    a = cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]
    assert a["StateValue"] == "ALARM"
    assert json.loads(a["StateReasonData"])["recentDatapoints"].count(1.0) == 1
    # The alarm's own API calls are CloudTrail events of monitoring.amazonaws.com.
    events = srv.client("cloudtrail").lookup_events(LookupAttributes=[
        {"AttributeKey": "EventName", "AttributeValue": "PutMetricAlarm"}])["Events"]
    assert any(e["EventSource"] == "monitoring.amazonaws.com" and
               json.loads(e["CloudTrailEvent"])["requestParameters"]["alarmName"] == name
               for e in events)


def test_treat_missing_data_variants(srv):
    cw = srv.client("cloudwatch")
    ns = uniq("Missing")
    names = {}
    for treat in ("missing", "notBreaching", "breaching", "ignore"):
        names[treat] = uniq(treat)
        cw.put_metric_alarm(AlarmName=names[treat], MetricName="Nothing", Namespace=ns,
                            Statistic="Sum", Period=10, EvaluationPeriods=1, Threshold=1.0,
                            ComparisonOperator="GreaterThanOrEqualToThreshold",
                            TreatMissingData=treat)
    assert wait_state(cw, names["notBreaching"], "OK")["StateReason"] == (
        "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoints "
        "were treated as [NonBreaching].")
    wait_state(cw, names["breaching"], "ALARM")
    state = {a["AlarmName"]: a for a in cw.describe_alarms(
        AlarmNames=list(names.values()))["MetricAlarms"]}
    assert state[names["missing"]]["StateValue"] == "INSUFFICIENT_DATA"
    assert state[names["ignore"]]["StateValue"] == "INSUFFICIENT_DATA"
    # `ignore` keeps whatever state it is in; `missing` goes back to INSUFFICIENT_DATA.
    for treat in ("ignore", "missing"):
        cw.set_alarm_state(AlarmName=names[treat], StateValue="ALARM", StateReason="by hand")
    wait_state(cw, names["missing"], "INSUFFICIENT_DATA", timeout=15)
    assert cw.describe_alarms(AlarmNames=[names["ignore"]])["MetricAlarms"][0]["StateValue"] == \
        "ALARM"
    cw.delete_alarms(AlarmNames=list(names.values()))


def test_set_alarm_state_runs_actions_unless_disabled_and_history_records_it(srv, hook):
    topic = topic_with_hook(srv, hook)
    cw = srv.client("cloudwatch")
    name = uniq("manual")
    cw.put_metric_alarm(AlarmName=name, MetricName="Manual", Namespace=uniq("NS"),
                        Statistic="Maximum", Period=60, EvaluationPeriods=1, Threshold=1.0,
                        ComparisonOperator="GreaterThanThreshold", AlarmActions=[topic],
                        OKActions=[topic], TreatMissingData="ignore")
    srv.aws("cloudwatch", "set-alarm-state", "--alarm-name", name, "--state-value", "ALARM",
            "--state-reason", "drill")
    _, msg, _ = hook.wait("Notification")[-1]
    verify(srv, msg)
    assert json.loads(msg["Message"])["NewStateReason"] == "drill"

    srv.aws("cloudwatch", "disable-alarm-actions", "--alarm-names", name)
    assert cw.describe_alarms(AlarmNames=[name])["MetricAlarms"][0]["ActionsEnabled"] is False
    cw.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="quiet")
    time.sleep(1)
    assert len(hook.messages("Notification")) == 1
    aws_v1(srv, "cloudwatch", "enable-alarm-actions", "--alarm-names", name)
    cw.set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="loud")
    _, msg, _ = hook.wait("Notification", count=2)[-1]
    assert json.loads(msg["Message"])["OldStateValue"] == "OK"

    history = srv.aws("cloudwatch", "describe-alarm-history", "--alarm-name", name)
    items = history["AlarmHistoryItems"]
    kinds = [i["HistoryItemType"] for i in items]
    assert kinds.count("StateUpdate") == 3 and kinds.count("Action") == 2
    assert kinds.count("ConfigurationUpdate") == 3  # created, disabled, enabled
    assert items[-1]["HistorySummary"] == f'Alarm "{name}" created'
    updates = aws_v1(srv, "cloudwatch", "describe-alarm-history", "--alarm-name", name,
                     "--history-item-type", "StateUpdate", "--scan-by", "TimestampAscending")
    summaries = [i["HistorySummary"] for i in updates["AlarmHistoryItems"]]
    assert summaries == ["Alarm updated from INSUFFICIENT_DATA to ALARM",
                         "Alarm updated from ALARM to OK", "Alarm updated from OK to ALARM"]
    data = json.loads(updates["AlarmHistoryItems"][0]["HistoryData"])
    assert data["newState"] == {"stateValue": "ALARM", "stateReason": "drill"}
    page = srv.client("cloudwatch").describe_alarm_history(AlarmName=name, MaxRecords=2)
    assert len(page["AlarmHistoryItems"]) == 2 and "NextToken" in page


def test_read_only_policy_grants_no_cloudwatch_writes(srv):
    user = uniq("reader")
    iam = srv.client("iam")
    iam.create_user(UserName=user)
    iam.attach_user_policy(UserName=user,
                           PolicyArn="arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess")
    creds = iam.create_access_key(UserName=user)["AccessKey"]
    name = uniq("guarded")
    srv.client("cloudwatch").put_metric_alarm(
        AlarmName=name, MetricName="M", Namespace="N", Statistic="Sum", Period=60,
        EvaluationPeriods=1, Threshold=1.0, ComparisonOperator="GreaterThanThreshold")
    cw = srv.client("cloudwatch", key=creds["AccessKeyId"], secret=creds["SecretAccessKey"])
    for call in (lambda: cw.delete_alarms(AlarmNames=[name]),
                 lambda: cw.disable_alarm_actions(AlarmNames=[name]),
                 lambda: cw.set_alarm_state(AlarmName=name, StateValue="OK", StateReason="x")):
        with pytest.raises(botocore.exceptions.ClientError) as e:
            call()
        code, status, message = cw_error(e)
        assert (code, status) == ("AccessDenied", 403)
        assert f"arn:aws:cloudwatch:{REGION}:" in message and f"alarm:{name}" in message
    assert srv.client("cloudwatch").describe_alarms(AlarmNames=[name])["MetricAlarms"]


def test_large_put_metric_data_arrives_gzip_compressed_from_botocore_1_43(srv, tmp_path):
    ns = uniq("Bulk")
    data = [{"MetricName": "Hits", "Dimensions": [{"Name": "Shard", "Value": f"s{i % 40}"}],
             "Value": 1.0} for i in range(400)]
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data))
    p = aws_v1(srv, "cloudwatch", "put-metric-data", "--namespace", ns, "--metric-data",
               f"file://{path}", "--debug", check=False)
    assert p.returncode == 0, p.stderr[-2000:]
    assert "Content-Encoding': 'gzip'" in p.stderr or "'Content-Encoding': b'gzip'" in p.stderr
    metrics = srv.client("cloudwatch").list_metrics(Namespace=ns)["Metrics"]
    assert len(metrics) == 40
