#pragma once

#include <cstdio>
#include <string>

#include "cli/aws_config.h"
#include "common/env.h"

namespace ot::cli {

struct MonitorCisOptions {
  ClientOptions client;
  std::string trail;      // name or ARN of the trail whose events are watched
  std::string topic_arn;  // SNS topic every alarm notifies
  // The trail's log group: as configured on the trail, else this name (created when missing;
  // default "aws-cloudtrail-logs-<trail>"). Naming a different group moves the trail to it.
  std::string log_group;
  // The role CloudTrail assumes to write to the group (default
  // arn:aws:iam::<account>:role/CloudTrail_CloudWatchLogs_Role).
  std::string role_arn;
  std::string metric_namespace = "CISBenchmark";
  // The alarms' period: CIS guidance is 300 s (any matching event within five minutes alarms);
  // 10, 20, 30 or a multiple of 60.
  int period_seconds = 300;
};

// `opentrail monitor cis`: wires a trail to a CloudWatch Logs group and creates, for every CIS
// AWS Foundations Benchmark monitoring control (4.1–4.15), a metric filter on that group and an
// alarm on its metric notifying `topic_arn` — idempotently: what already matches is left alone,
// so a second run changes nothing. Prints one line per change and a summary to `out`; problems
// to `err`. Returns 0 on success, 1 when a call failed.
int RunMonitorCis(const MonitorCisOptions& options, Env& env, std::FILE* out, std::FILE* err);

}  // namespace ot::cli
