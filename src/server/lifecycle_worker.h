#pragma once

// The background job that applies S3 lifecycle rules to local buckets: every `interval` one
// BucketRegistry::RunLifecycle pass, each action it took recorded as an event (what S3 would
// report: an AwsServiceEvent by s3.amazonaws.com) in the event history.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "buckets/bucket_registry.h"
#include "common/env.h"
#include "store/event_store.h"

namespace ot::server {

struct LifecycleWorkerOptions {
  std::chrono::milliseconds interval{std::chrono::hours(1)};
  buckets::LifecyclePassOptions pass;
  std::string account_id;
};

class LifecycleWorker {
 public:
  LifecycleWorker(buckets::BucketRegistry& buckets, store::EventStore& store, Env& env,
                  LifecycleWorkerOptions options);
  ~LifecycleWorker();  // Stop()
  void Start();
  // Waits for a pass in progress to end; no pass starts afterwards.
  void Stop();
  // One pass now (also what the thread runs): the number of actions taken.
  Result<size_t> RunOnce();

 private:
  void Loop();

  buckets::BucketRegistry& buckets_;
  store::EventStore& store_;
  Env& env_;
  LifecycleWorkerOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace ot::server
