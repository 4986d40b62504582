#!/usr/bin/python3
"""SNS delivery latency: Publish (boto3, keep-alive) → the signed Notification arriving at an http
endpoint on 127.0.0.1, measured per message, and Publish throughput with one subscriber.

Usage: OPENTRAIL_BIN=build/opentrail bench/sns_latency.py [--messages N] [--runs R]
Prints per run the median and p99 latency and the Publish rate, then medians over runs."""
import argparse
import pathlib
import statistics
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests" / "e2e"))
from conftest import Server  # noqa: E402
from test_sns import Hook, subscribe_and_confirm  # noqa: E402


def run(messages):
    with tempfile.TemporaryDirectory(prefix="ot-sns-bench-") as d:
        s = Server(pathlib.Path(d) / "data", extra_args=["--no-access-log"]).start()
        hook = Hook()
        try:
            sns = s.client("sns")
            topic = sns.create_topic(Name="bench")["TopicArn"]
            subscribe_and_confirm(s, sns, topic, hook)
            sns.publish(TopicArn=topic, Message="warm-up")
            hook.wait("Notification", 1)
            latencies = []
            for i in range(messages):
                before = len(hook.messages("Notification"))
                start = time.perf_counter()
                sns.publish(TopicArn=topic, Message=f"m{i}")
                while len(hook.messages("Notification")) <= before:
                    time.sleep(0.0002)
                latencies.append(time.perf_counter() - start)
            start = time.perf_counter()
            for i in range(messages):
                sns.publish(TopicArn=topic, Message=f"t{i}")
            rate = messages / (time.perf_counter() - start)
            hook.wait("Notification", 2 * messages + 1, timeout=120)
            latencies.sort()
            return (statistics.median(latencies) * 1000,
                    latencies[int(len(latencies) * 0.99) - 1] * 1000, rate)
        finally:
            hook.close()
            s.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    results = []
    for r in range(args.runs):
        p50, p99, rate = run(args.messages)
        results.append((p50, p99, rate))
        print(f"run {r + 1}: publish→delivery p50 {p50:.2f} ms, p99 {p99:.2f} ms; "
              f"Publish {rate:.0f}/s")
    print(f"median of {args.runs}: p50 {statistics.median(x[0] for x in results):.2f} ms, "
          f"p99 {statistics.median(x[1] for x in results):.2f} ms, "
          f"Publish {statistics.median(x[2] for x in results):.0f}/s")


if __name__ == "__main__":
    main()
