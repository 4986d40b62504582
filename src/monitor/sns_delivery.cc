#include "monitor/sns_delivery.h"

#include <cmath>

#include "api/protocol/json_value.h"
#include "common/json_writer.h"
#include "common/log.h"
#include "common/time.h"

namespace ot::monitor {
namespace {

Status Invalid(std::string_view reason) {
  return Status(Error::kInvalidParameter,
                "Invalid parameter: DeliveryPolicy: " + std::string(reason));
}

Status ReadInt(const api::JsonValue& obj, std::string_view name, int lo, int hi, int* out) {
  auto v = obj.Get(name);
  if (!v) return Status::Ok();
  std::optional<int64_t> n =
      v->type() == api::JsonValue::Type::kNumber ? v->AsInt() : std::optional<int64_t>();
  if (!n || *n < lo || *n > hi) {
    return Invalid(std::string(name) + " must be an integer between " + std::to_string(lo) +
                   " and " + std::to_string(hi));
  }
  *out = static_cast<int>(*n);
  return Status::Ok();
}

}  // namespace

Result<SnsRetryPolicy> ParseSnsDeliveryPolicy(std::string_view json, bool subscription) {
  auto doc = api::JsonDocument::Parse(json);
  if (!doc.ok() || !(*doc)->root().is_object()) return Invalid("not a JSON object");
  SnsRetryPolicy p;
  std::optional<api::JsonValue> retry, request;
  if (subscription) {
    retry = (*doc)->root().Get("healthyRetryPolicy");
    request = (*doc)->root().Get("requestPolicy");
  } else if (auto http = (*doc)->root().Get("http")) {
    if (!http->is_object()) return Invalid("http must be an object");
    retry = http->Get("defaultHealthyRetryPolicy");
    request = http->Get("defaultRequestPolicy");
    if (auto d = http->Get("disableSubscriptionOverrides")) {
      if (d->type() != api::JsonValue::Type::kBool) {
        return Invalid("disableSubscriptionOverrides must be a boolean");
      }
      p.disable_subscription_overrides = d->AsBool();
    }
  }
  if (request) {
    auto type = request->is_object() ? request->Get("headerContentType") : std::nullopt;
    if (!request->is_object() || (type && !type->is_string())) {
      return Invalid("headerContentType must be a string");
    }
    if (type) {
      p.header_content_type = std::string(type->AsString());
      for (char c : p.header_content_type) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          return Invalid("headerContentType must be printable");
        }
      }
    }
  }
  if (!retry) return p;
  if (!retry->is_object()) return Invalid("the healthy retry policy must be an object");
  OT_RETURN_IF_ERROR(ReadInt(*retry, "numRetries", 0, 100, &p.num_retries));
  OT_RETURN_IF_ERROR(ReadInt(*retry, "numNoDelayRetries", 0, 100, &p.num_no_delay_retries));
  OT_RETURN_IF_ERROR(ReadInt(*retry, "numMinDelayRetries", 0, 100, &p.num_min_delay_retries));
  OT_RETURN_IF_ERROR(ReadInt(*retry, "numMaxDelayRetries", 0, 100, &p.num_max_delay_retries));
  OT_RETURN_IF_ERROR(ReadInt(*retry, "minDelayTarget", 1, 3600, &p.min_delay_seconds));
  OT_RETURN_IF_ERROR(ReadInt(*retry, "maxDelayTarget", 1, 3600, &p.max_delay_seconds));
  if (auto b = retry->Get("backoffFunction")) {
    if (!b->is_string()) return Invalid("backoffFunction must be a string");
    p.backoff = std::string(b->AsString());
    if (p.backoff != "linear" && p.backoff != "arithmetic" && p.backoff != "geometric" &&
        p.backoff != "exponential") {
      return Invalid("backoffFunction must be linear, arithmetic, geometric or exponential");
    }
  }
  if (p.min_delay_seconds > p.max_delay_seconds) {
    return Invalid("minDelayTarget must not exceed maxDelayTarget");
  }
  if (p.num_no_delay_retries + p.num_min_delay_retries + p.num_max_delay_retries > p.num_retries) {
    return Invalid(
        "numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries exceeds numRetries");
  }
  return p;
}

std::vector<std::chrono::milliseconds> SnsRetrySchedule(const SnsRetryPolicy& p) {
  using std::chrono::milliseconds;
  std::vector<milliseconds> out;
  const double lo = p.min_delay_seconds * 1000.0, hi = p.max_delay_seconds * 1000.0;
  for (int i = 0; i < p.num_no_delay_retries; ++i) out.push_back(milliseconds(0));
  for (int i = 0; i < p.num_min_delay_retries; ++i) {
    out.push_back(milliseconds(static_cast<int64_t>(lo)));
  }
  const int backoff =
      p.num_retries - p.num_no_delay_retries - p.num_min_delay_retries - p.num_max_delay_retries;
  for (int i = 0; i < backoff; ++i) {
    // x runs from 0 (first backoff retry: min delay) to 1 (last: max delay).
    double x = backoff == 1 ? 0.0 : static_cast<double>(i) / (backoff - 1);
    double f = x;
    if (p.backoff == "arithmetic") {
      f = x * x;
    } else if (p.backoff == "geometric") {
      f = lo > 0 ? (std::pow(hi / lo, x) - 1.0) / std::max(hi / lo - 1.0, 1e-9) : x;
      if (hi == lo) f = 0;
    } else if (p.backoff == "exponential") {
      f = backoff == 1 ? 0.0 : (std::pow(2.0, i) - 1.0) / (std::pow(2.0, backoff - 1) - 1.0);
    }
    out.push_back(milliseconds(static_cast<int64_t>(std::llround(lo + (hi - lo) * f))));
  }
  for (int i = 0; i < p.num_max_delay_retries; ++i) {
    out.push_back(milliseconds(static_cast<int64_t>(hi)));
  }
  return out;
}

SnsSender::SnsSender(SnsTransport& transport, Clock& clock, SnsSenderOptions options)
    : transport_(transport), clock_(clock), options_(std::move(options)) {
  for (int i = 0; i < std::max(1, options_.threads); ++i) threads_.emplace_back([this] { Work(); });
}

SnsSender::~SnsSender() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cancel_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

std::string SnsQueuedJson(const SnsQueued& q) {
  const SnsDelivery& d = q.delivery;
  JsonWriter w;
  w.BeginObject();
  w.Key("id").String(d.id).Key("type").String(d.message_type).Key("url").String(d.url);
  w.Key("subscription").String(d.subscription_arn);
  w.Key("headers").BeginArray();
  for (const auto& [k, v] : d.headers) w.BeginArray().String(k).String(v).EndArray();
  w.EndArray();
  w.Key("body").String(d.body);
  w.Key("retryDelaysMs").BeginArray();
  for (auto delay : d.retry_delays) w.Int(delay.count());
  w.EndArray();
  w.Key("attempts").Uint(q.attempts);
  w.Key("first").Int(q.first.time_since_epoch().count());
  w.Key("next").Int(q.next.time_since_epoch().count());
  w.EndObject();
  return w.Take();
}

Result<SnsQueued> ParseSnsQueued(std::string_view json) {
  Status bad(Error::kValidation, "not a queued SNS delivery");
  auto doc = api::JsonDocument::Parse(json);
  if (!doc.ok() || !(*doc)->root().is_object()) return bad;
  api::JsonValue root = (*doc)->root();
  auto text = [&](std::string_view name, std::string* out) {
    auto v = root.Get(name);
    if (!v || !v->is_string()) return false;
    *out = std::string(v->AsString());
    return true;
  };
  auto integer = [&](std::string_view name) -> std::optional<int64_t> {
    auto v = root.Get(name);
    if (!v || v->type() != api::JsonValue::Type::kNumber) return std::nullopt;
    return v->AsInt();
  };
  SnsQueued q;
  SnsDelivery& d = q.delivery;
  if (!text("id", &d.id) || !text("type", &d.message_type) || !text("url", &d.url) ||
      !text("subscription", &d.subscription_arn) || !text("body", &d.body)) {
    return bad;
  }
  auto headers = root.Get("headers");
  auto delays = root.Get("retryDelaysMs");
  auto attempts = integer("attempts"), first = integer("first"), next = integer("next");
  if (!headers || !headers->is_array() || !delays || !delays->is_array() || !attempts ||
      *attempts < 0 || !first || !next) {
    return bad;
  }
  for (const api::JsonValue& h : headers->Items()) {
    auto pair = h.is_array() ? h.Items() : std::vector<api::JsonValue>();
    if (pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) return bad;
    d.headers.emplace_back(std::string(pair[0].AsString()), std::string(pair[1].AsString()));
  }
  for (const api::JsonValue& v : delays->Items()) {
    auto ms = v.type() == api::JsonValue::Type::kNumber ? v.AsInt() : std::nullopt;
    if (!ms || *ms < 0) return bad;
    d.retry_delays.emplace_back(*ms);
  }
  q.attempts = static_cast<size_t>(*attempts);
  q.first = SysMillis(std::chrono::milliseconds(*first));
  q.next = SysMillis(std::chrono::milliseconds(*next));
  return q;
}

void SnsSender::Save(const Job& job, std::chrono::steady_clock::time_point due) {
  if (options_.outbox == nullptr || job.delivery.id.empty()) return;
  const SysMillis now = clock_.Now();
  SnsQueued q;
  q.delivery = job.delivery;
  q.attempts = job.attempt;
  q.first = job.first_wall;
  q.next = now + std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::max(due - clock_.Mono(), std::chrono::steady_clock::duration{}));
  Status saved = options_.outbox->Save(job.delivery.id, SnsQueuedJson(q));
  if (!saved.ok()) {
    Log(LogLevel::kError, "SNS delivery " + job.delivery.id +
                              " could not be saved; a restart would lose it: " + saved.ToString());
  }
}

void SnsSender::Forget(const Job& job) {
  if (options_.outbox != nullptr && !job.delivery.id.empty()) {
    options_.outbox->Remove(job.delivery.id);
  }
}

void SnsSender::Enqueue(SnsDelivery delivery) {
  Job job;
  job.delivery = std::move(delivery);
  const auto now = clock_.Mono();
  Save(job, now);
  {
    std::lock_guard lock(mu_);
    queue_.emplace(now, std::move(job));
  }
  cv_.notify_one();
}

void SnsSender::Resume(SnsQueued queued) {
  const auto mono = clock_.Mono();
  const SysMillis wall = clock_.Now();
  Job job;
  job.delivery = std::move(queued.delivery);
  job.attempt = queued.attempts;
  if (queued.attempts > 0) {
    job.first_wall = queued.first;
    job.first_attempt = mono - std::max(wall - queued.first, SysMillis::duration{});
  }
  auto due = mono + std::max(queued.next - wall, SysMillis::duration{});
  {
    std::lock_guard lock(mu_);
    queue_.emplace(due, std::move(job));
  }
  cv_.notify_one();
}

SnsSenderStats SnsSender::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void SnsSender::Work() {
  std::unique_lock lock(mu_);
  while (true) {
    if (stopping_) return;
    if (queue_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto due = queue_.begin()->first;
    if (due > clock_.Mono()) {
      cv_.wait_until(lock, due);
      continue;
    }
    Job job = std::move(queue_.begin()->second);
    queue_.erase(queue_.begin());
    stats_.attempts++;
    lock.unlock();

    const auto start = clock_.Mono();
    if (job.attempt == 0) {
      job.first_attempt = start;
      job.first_wall = clock_.Now();
    }
    bool wanted = !job.delivery.still_wanted || job.delivery.still_wanted();
    SnsHttpResult r;
    if (wanted) {
      r = transport_.Post(job.delivery.url, job.delivery.headers, job.delivery.body,
                          options_.request_timeout, cancel_);
    }
    job.attempt++;
    const auto end = clock_.Mono();

    if (!wanted || (r.status >= 200 && r.status < 300)) Forget(job);
    lock.lock();
    if (!wanted) continue;
    if (r.status >= 200 && r.status < 300) {
      stats_.delivered++;
      continue;
    }
    const bool permanent = r.status >= 400 && r.status < 500;
    const size_t retry = job.attempt - 1;  // index of the next retry's delay
    std::string what = r.status != 0 ? "HTTP " + std::to_string(r.status) : r.error;
    if (permanent || retry >= job.delivery.retry_delays.size()) {
      Forget(job);
      stats_.failed++;
      Log(LogLevel::kWarn, "SNS delivery to " + job.delivery.url + " failed (" + what + "), " +
                               (permanent ? "permanent failure" : "retries exhausted") +
                               "; subscription " + job.delivery.subscription_arn);
      continue;
    }
    auto delay = options_.retry_delay_override.value_or(job.delivery.retry_delays[retry]);
    if (end + delay - job.first_attempt > options_.max_lifetime) {
      Forget(job);
      stats_.failed++;
      Log(LogLevel::kWarn, "SNS delivery to " + job.delivery.url + " expired after an hour");
      continue;
    }
    stats_.retried++;
    Log(LogLevel::kInfo, "SNS delivery to " + job.delivery.url + " failed (" + what + "), retry " +
                             std::to_string(job.attempt) + " in " + std::to_string(delay.count()) +
                             " ms");
    lock.unlock();
    Save(job, end + delay);
    lock.lock();
    queue_.emplace(end + delay, std::move(job));
    cv_.notify_one();
  }
}

}  // namespace ot::monitor
