#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "store/event_store.h"
#include "trail/delivery.h"

namespace ot::server {

// Request counters and latency histograms, rendered in Prometheus text format. Thread-safe.
class Metrics {
 public:
  static constexpr std::array<double, 14> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  void ObserveRequest(std::string_view operation, int status, double seconds);
  void AddEventsIngested(uint64_t n) { events_ingested_ += n; }
  void AddEventsRecorded(uint64_t n) { events_recorded_ += n; }

  std::string Render(const store::StoreStats& store, const trail::DeliveryStats& delivery) const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> buckets{};
    uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;  // (operation, status) → count
  std::map<std::string, Histogram> latency_;                  // operation → histogram
  std::atomic<uint64_t> events_ingested_{0};  // external events appended (IngestEvents)
  std::atomic<uint64_t> events_recorded_{0};  // the server's own API-call records
};

}  // namespace ot::server
