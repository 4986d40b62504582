#!/usr/bin/python3
"""Alarm latency: an event ingested through IngestEvents → the trail's log group → a metric filter →
a 60-second-period alarm → the signed SNS Notification at an http endpoint on 127.0.0.1. Measured
from the close of the minute the event belongs to (the earliest moment the alarm may fire) to the
Notification's arrival (target < 2 s).

Each run takes one wall-clock minute and two alarms: one whose event is ingested early in the
minute (:30), one whose event arrives just before the boundary (:59.0, so trail → log group
delivery overlaps the close).

Usage: OPENTRAIL_BIN=build/opentrail bench/alarm_latency.py [--runs R]"""
import argparse
import datetime
import json
import pathlib
import statistics
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from conftest import Server, ingest  # noqa: E402
from records import record  # noqa: E402
from test_sns import Hook, subscribe_and_confirm  # noqa: E402


class Stamped(list):
    """Hook.received that notes when each POST arrived (as header "_arrived", epoch seconds)."""

    def append(self, item):
        item[0]["_arrived"] = time.time()
        super().append(item)


def sleep_until(t):
    while time.time() < t:
        time.sleep(min(0.05, max(0.0, t - time.time())))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="ot-alarm-bench-") as d:
        s = Server(pathlib.Path(d) / "data", extra_args=["--no-access-log"]).start()
        hook = Hook()
        hook.received = Stamped()
        try:
            account = s.client("sts").get_caller_identity()["Account"]
            sns = s.client("sns")
            topic = sns.create_topic(Name="bench")["TopicArn"]
            subscribe_and_confirm(s, sns, topic, hook)
            s.client("s3").create_bucket(Bucket="bench-trail")
            ct = s.client("cloudtrail")
            ct.create_trail(Name="bench", S3BucketName="bench-trail")
            logs = s.client("logs")
            logs.create_log_group(logGroupName="bench")
            ct.update_trail(
                Name="bench",
                CloudWatchLogsLogGroupArn=f"arn:aws:logs:us-east-1:{account}:log-group:bench:*",
                CloudWatchLogsRoleArn=f"arn:aws:iam::{account}:role/CloudTrail_CWL")
            ct.start_logging(Name="bench")
            cw = s.client("cloudwatch")
            early, late = [], []
            for r in range(args.runs):
                for kind in ("Early", "Late"):
                    name = f"{kind}{r}"
                    logs.put_metric_filter(
                        logGroupName="bench", filterName=name,
                        filterPattern=f'{{ $.eventName = "{name}" }}',
                        metricTransformations=[{"metricName": name, "metricNamespace": "Bench",
                                                "metricValue": "1"}])
                    cw.put_metric_alarm(AlarmName=name, MetricName=name, Namespace="Bench",
                                        Statistic="Sum", Period=60, EvaluationPeriods=1,
                                        Threshold=1.0, TreatMissingData="notBreaching",
                                        ComparisonOperator="GreaterThanOrEqualToThreshold",
                                        AlarmActions=[topic])
                minute = (int(time.time()) // 60 + 1) * 60  # the next whole minute
                boundary = minute + 60
                for kind, at, out in (("Early", minute + 30, early), ("Late", minute + 59, late)):
                    sleep_until(at)
                    when = datetime.datetime.fromtimestamp(at, datetime.timezone.utc)
                    status, body, _ = ingest(s, [record(when, name=f"{kind}{r}", account=account)])
                    assert status == 200, body
                for kind, out in (("Early", early), ("Late", late)):
                    deadline = time.time() + 30
                    arrived = None
                    while arrived is None and time.time() < deadline:
                        for h, m, _ in hook.messages("Notification"):
                            if json.loads(m["Message"])["AlarmName"] == f"{kind}{r}":
                                arrived = h["_arrived"]
                        time.sleep(0.01)
                    assert arrived is not None, f"no notification for {kind}{r}"
                    out.append(arrived - boundary)
                print(f"run {r + 1}: after the minute closed: event at :30 → "
                      f"{early[-1] * 1000:.0f} ms, event at :59 → {late[-1] * 1000:.0f} ms",
                      flush=True)
            print(f"median of {args.runs}: event at :30 → {statistics.median(early) * 1000:.0f} ms, "
                  f"event at :59 → {statistics.median(late) * 1000:.0f} ms (max "
                  f"{max(early + late) * 1000:.0f} ms)")
        finally:
            hook.close()
            s.stop()


if __name__ == "__main__":
    main()
