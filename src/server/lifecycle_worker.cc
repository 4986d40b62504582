#include "server/lifecycle_worker.h"

#include "api/handlers/s3_operations.h"
#include "common/log.h"

namespace ot::server {

LifecycleWorker::LifecycleWorker(buckets::BucketRegistry& buckets, store::EventStore& store,
                                 Env& env, LifecycleWorkerOptions options)
    : buckets_(buckets), store_(store), env_(env), options_(std::move(options)) {}

LifecycleWorker::~LifecycleWorker() { Stop(); }

void LifecycleWorker::Start() {
  worker_ = std::thread([this] { Loop(); });
}

void LifecycleWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

Result<size_t> LifecycleWorker::RunOnce() {
  OT_ASSIGN_OR_RETURN(std::vector<buckets::LifecycleAction> actions,
                      buckets_.RunLifecycle(options_.pass));
  if (actions.empty()) return size_t{0};
  std::vector<store::NewEvent> events;
  events.reserve(actions.size());
  for (const buckets::LifecycleAction& a : actions) {
    events.push_back(api::handlers::BuildLifecycleEvent(a, options_.account_id, env_.random));
  }
  // The actions are done: a failed append loses their records, not objects (logged).
  auto appended = store_.Append(std::move(events));
  if (!appended.ok()) {
    Log(LogLevel::kError, "lifecycle: recording " + std::to_string(actions.size()) +
                              " actions failed: " + appended.status().ToString());
  }
  return actions.size();
}

void LifecycleWorker::Loop() {
  auto next = env_.clock.Mono() + options_.interval;
  while (true) {
    {
      std::unique_lock lock(mu_);
      if (cv_.wait_until(lock, next, [&] { return stopping_; })) break;
    }
    next = env_.clock.Mono() + options_.interval;
    auto done = RunOnce();
    if (!done.ok()) Log(LogLevel::kError, "lifecycle pass failed: " + done.status().ToString());
  }
}

}  // namespace ot::server
