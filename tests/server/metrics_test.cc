// Tests src/server/metrics.cc: the Prometheus text exposition of request counters, latency
// histograms and store gauges.

#include "server/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>

#include "server/tls_stream.h"

namespace ot::server {
namespace {

using ::testing::HasSubstr;

// Sample lines of a rendering: series (name plus labels) → value text. Comments are skipped.
std::map<std::string, std::string> Samples(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.rfind(' ');
    out[line.substr(0, space)] = line.substr(space + 1);
  }
  return out;
}

std::string Bucket(std::string_view op, std::string_view le) {
  return "opentrail_request_duration_seconds_bucket{operation=\"" + std::string(op) + "\",le=\"" +
         std::string(le) + "\"}";
}

TEST(Metrics, CountsRequestsByOperationAndStatus) {
  Metrics m;
  m.ObserveRequest("LookupEvents", 200, 0.001);
  m.ObserveRequest("LookupEvents", 200, 0.002);
  m.ObserveRequest("LookupEvents", 400, 0.001);
  m.ObserveRequest("GetCallerIdentity", 200, 0.001);

  auto s = Samples(m.Render({}, {}));

  EXPECT_EQ(s["opentrail_requests_total{operation=\"LookupEvents\",status=\"200\"}"], "2");
  EXPECT_EQ(s["opentrail_requests_total{operation=\"LookupEvents\",status=\"400\"}"], "1");
  EXPECT_EQ(s["opentrail_requests_total{operation=\"GetCallerIdentity\",status=\"200\"}"], "1");
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Metrics m;
  for (double seconds : {0.0007, 0.003, 0.004, 0.2, 20.0}) {
    m.ObserveRequest("LookupEvents", 200, seconds);
  }

  auto s = Samples(m.Render({}, {}));

  struct Case {
    std::string_view le, count;
  };
  const Case cases[] = {
      {"0.0005", "0"}, {"0.001", "1"}, {"0.0025", "1"}, {"0.005", "3"}, {"0.1", "3"},
      {"0.25", "4"},   {"1", "4"},     {"10", "4"},     {"+Inf", "5"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.le);
    EXPECT_EQ(s[Bucket("LookupEvents", c.le)], c.count);
  }
}

TEST(Metrics, ObservationOnABucketBoundaryCountsInThatBucket) {
  Metrics m;
  m.ObserveRequest("Op", 200, 0.005);

  auto s = Samples(m.Render({}, {}));

  EXPECT_EQ(s[Bucket("Op", "0.0025")], "0");
  EXPECT_EQ(s[Bucket("Op", "0.005")], "1");
}

TEST(Metrics, InfBucketEqualsCountAndSumAddsUp) {
  Metrics m;
  m.ObserveRequest("Op", 200, 0.25);
  m.ObserveRequest("Op", 500, 0.5);

  auto s = Samples(m.Render({}, {}));

  EXPECT_EQ(s[Bucket("Op", "+Inf")], "2");
  EXPECT_EQ(s["opentrail_request_duration_seconds_count{operation=\"Op\"}"], "2");
  EXPECT_EQ(s["opentrail_request_duration_seconds_sum{operation=\"Op\"}"], "0.75");
}

TEST(Metrics, EveryBucketIsRenderedInOrder) {
  Metrics m;
  m.ObserveRequest("Op", 200, 1);

  std::string text = m.Render({}, {});

  size_t pos = 0;
  for (std::string_view le : {"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
                              "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"}) {
    SCOPED_TRACE(le);
    size_t at = text.find(Bucket("Op", le) + " ", pos);
    ASSERT_NE(at, std::string::npos);
    pos = at;
  }
}

TEST(Metrics, DeclaresTypes) {
  Metrics m;
  m.ObserveRequest("Op", 200, 1);

  std::string text = m.Render({}, {});

  EXPECT_THAT(text, HasSubstr("# TYPE opentrail_requests_total counter\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE opentrail_request_duration_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE opentrail_history_events gauge\n"));
}

TEST(Metrics, RendersEventCountersAndStoreGauges) {
  Metrics m;
  m.AddEventsIngested(7);
  m.AddEventsIngested(3);
  m.AddEventsRecorded(2);
  store::StoreStats stats;
  stats.events = 42;
  stats.journal_bytes = 4096;
  stats.fsyncs = 5;
  stats.fsync_micros_total = 1500000;
  stats.last_fsync_seconds = 0.25;

  trail::DeliveryStats delivery;
  delivery.events = 30;
  delivery.files = 3;
  delivery.bytes_out = 9000;
  delivery.failures = 1;

  auto s = Samples(m.Render(stats, delivery));

  EXPECT_EQ(s["opentrail_events_ingested_total"], "10");
  EXPECT_EQ(s["opentrail_events_recorded_total"], "2");
  EXPECT_EQ(s["opentrail_history_events"], "42");
  EXPECT_EQ(s["opentrail_journal_bytes"], "4096");
  EXPECT_EQ(s["opentrail_journal_fsyncs_total"], "5");
  EXPECT_EQ(s["opentrail_journal_fsync_seconds_total"], "1.5");
  EXPECT_EQ(s["opentrail_journal_last_fsync_seconds"], "0.25");
  EXPECT_EQ(s["opentrail_delivery_events_total"], "30");
  EXPECT_EQ(s["opentrail_delivery_files_total"], "3");
  EXPECT_EQ(s["opentrail_delivery_bytes_total"], "9000");
  EXPECT_EQ(s["opentrail_delivery_failures_total"], "1");
}

TEST(Metrics, NoRequestsRendersNoRequestSeries) {
  Metrics m;

  std::string text = m.Render({}, {});

  EXPECT_THAT(text, ::testing::Not(HasSubstr("opentrail_requests_total{")));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("opentrail_request_duration_seconds_bucket")));
}

TEST(Metrics, ShowsWhoWroteEachTlsConnectionsRecords) {
  Metrics m;
  TlsStream::WriterCounters tls = TlsStream::Counters();
  auto samples = Samples(m.Render({}, {}));
  auto series = [](std::string_view outcome) {
    return "opentrail_tls_record_writer_connections_total{outcome=\"" + std::string(outcome) +
           "\"}";
  };
  EXPECT_EQ(samples[series("taken_over")], std::to_string(tls.taken_over));
  EXPECT_EQ(samples[series("openssl")], std::to_string(tls.openssl_path));
  EXPECT_EQ(samples[series("not_verified")], std::to_string(tls.not_verified));
  EXPECT_EQ(samples[series("closed_openssl_output")], std::to_string(tls.openssl_output));
}

}  // namespace
}  // namespace ot::server
