#include "server/metrics.h"

#include <cstdio>

#include "server/tls_stream.h"

namespace ot::server {
namespace {

std::string Num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  return buf;
}

}  // namespace

void Metrics::ObserveRequest(std::string_view operation, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{std::string(operation), status}];
  Histogram& h = latency_[std::string(operation)];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::Render(const store::StoreStats& store,
                            const trail::DeliveryStats& delivery) const {
  std::string out;
  out += "# HELP opentrail_requests_total API requests answered, by operation and HTTP status.\n";
  out += "# TYPE opentrail_requests_total counter\n";
  std::lock_guard lock(mu_);
  for (const auto& [key, count] : requests_) {
    out += "opentrail_requests_total{operation=\"" + key.first + "\",status=\"" +
           std::to_string(key.second) + "\"} " + std::to_string(count) + "\n";
  }
  out += "# HELP opentrail_request_duration_seconds Time from request read to response ready.\n";
  out += "# TYPE opentrail_request_duration_seconds histogram\n";
  for (const auto& [op, h] : latency_) {
    std::string labels = "operation=\"" + op + "\"";
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      out += "opentrail_request_duration_seconds_bucket{" + labels + ",le=\"" + Num(kBuckets[i]) +
             "\"} " + std::to_string(h.buckets[i]) + "\n";
    }
    out += "opentrail_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    out += "opentrail_request_duration_seconds_sum{" + labels + "} " + Num(h.sum) + "\n";
    out += "opentrail_request_duration_seconds_count{" + labels + "} " + std::to_string(h.count) +
           "\n";
  }
  auto gauge = [&out](std::string_view name, std::string_view type, std::string_view help,
                      const std::string& value) {
    out += "# HELP " + std::string(name) + " " + std::string(help) + "\n# TYPE " +
           std::string(name) + " " + std::string(type) + "\n" + std::string(name) + " " + value +
           "\n";
  };
  gauge("opentrail_events_ingested_total", "counter", "External events appended by IngestEvents.",
        std::to_string(events_ingested_.load()));
  gauge("opentrail_events_recorded_total", "counter", "Records of the server's own API calls.",
        std::to_string(events_recorded_.load()));
  gauge("opentrail_delivery_events_total", "counter",
        "Records written into trail log files (once per trail that selected them).",
        std::to_string(delivery.events));
  gauge("opentrail_delivery_files_total", "counter", "Trail log files written.",
        std::to_string(delivery.files));
  gauge("opentrail_delivery_bytes_total", "counter", "Gzip bytes of trail log files written.",
        std::to_string(delivery.bytes_out));
  gauge("opentrail_delivery_failures_total", "counter",
        "Delivery batches that failed and will be retried.", std::to_string(delivery.failures));
  gauge("opentrail_history_events", "gauge", "Events visible to LookupEvents.",
        std::to_string(store.events));
  gauge("opentrail_journal_bytes", "gauge", "Bytes in live journal segments.",
        std::to_string(store.journal_bytes));
  gauge("opentrail_journal_fsyncs_total", "counter", "Group commits (one fdatasync each).",
        std::to_string(store.fsyncs));
  gauge("opentrail_journal_fsync_seconds_total", "counter", "Time spent in journal fdatasync.",
        Num(static_cast<double>(store.fsync_micros_total) / 1e6));
  gauge("opentrail_journal_last_fsync_seconds", "gauge", "Duration of the latest fdatasync.",
        Num(store.last_fsync_seconds));
  TlsStream::WriterCounters tls = TlsStream::Counters();
  out +=
      "# HELP opentrail_tls_record_writer_connections_total TLS connections by who wrote their "
      "records: ours (taken_over: TLS 1.3 AES-GCM), OpenSSL's (openssl: TLS 1.2 or ChaCha20; "
      "not_verified: the takeover could not be proven safe), or ended because OpenSSL wanted to "
      "write after the takeover (closed_openssl_output).\n"
      "# TYPE opentrail_tls_record_writer_connections_total counter\n";
  for (auto [outcome, count] : {std::pair{"taken_over", tls.taken_over},
                                {"openssl", tls.openssl_path},
                                {"not_verified", tls.not_verified},
                                {"closed_openssl_output", tls.openssl_output}}) {
    out += "opentrail_tls_record_writer_connections_total{outcome=\"" + std::string(outcome) +
           "\"} " + std::to_string(count) + "\n";
  }
  return out;
}

}  // namespace ot::server
