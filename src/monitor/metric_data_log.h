#pragma once

// The durable log of PutMetricData datapoints. The MetricStore is in memory; metric-filter
// datapoints are rebuilt from the log groups at start, but PutMetricData's exist nowhere else,
// so each accepted batch is appended here (one JSON line per datapoint, fdatasync'd before the
// call is answered) and replayed into the MetricStore when the server opens.
//
// Line format: {"r":region,"ns":namespace,"n":name,"d":[[name,value],…],"t":epoch ms,"u":unit,
// then either "v":value,"c":count or "s":[sampleCount,sum,min,max]}. A torn last line (a crash
// mid-append) is cut off at open. Datapoints older than `retention` are dropped when the log is
// rewritten at open.

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "monitor/metrics.h"

namespace ot::monitor {

class MetricDataLog {
 public:
  // Opens (creating) `path`, replaying every datapoint into `sink`.
  static Result<std::unique_ptr<MetricDataLog>> Open(const std::string& path, Env& env,
                                                     MetricSink& sink,
                                                     std::chrono::hours retention);

  // Durable once OK; the caller then puts the datapoints into the MetricStore.
  Status Append(const std::vector<Datapoint>& points);

 private:
  MetricDataLog() = default;
  std::mutex mu_;
  std::unique_ptr<WritableFile> file_;
};

// One datapoint as a log line (without the newline), and back.
std::string EncodeDatapoint(const Datapoint& point);
Result<Datapoint> DecodeDatapoint(std::string_view line);

}  // namespace ot::monitor
