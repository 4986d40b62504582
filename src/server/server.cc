#include "server/server.h"

#include <cstdio>

#include "api/handlers/operation.h"
#include "buckets/bucket_registry.h"
#include "buckets/http_post.h"
#include "buckets/smtp_send.h"
#include "common/json_writer.h"
#include "common/log.h"
#include "common/time.h"
#include "iam/iam.h"
#include "kms/key_service.h"
#include "monitor/alarm_engine.h"
#include "monitor/alarm_store.h"
#include "monitor/log_store.h"
#include "monitor/metric_data_log.h"
#include "monitor/metrics.h"
#include "monitor/sns_email.h"
#include "monitor/sns_service.h"
#include "server/buckets_setup.h"
#include "server/data_dir.h"
#include "server/dispatcher.h"
#include "server/http_server.h"
#include "server/lifecycle_worker.h"
#include "server/metrics.h"
#include "server/sse_keys.h"
#include "server/tls_setup.h"
#include "store/event_store.h"
#include "store/metadata.h"
#include "trail/delivery.h"
#include "trail/logs_delivery.h"
#include "trail/registry.h"
#include "trail/signing_keys.h"

namespace ot::server {
namespace {

Result<std::pair<std::string, uint16_t>> SplitListen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return Status(Error::kValidation, "--listen must be HOST:PORT, got '" + listen + "'");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned long port = 0;
  try {
    size_t used = 0;
    port = std::stoul(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) port = 70000;
  } catch (...) {
    port = 70000;
  }
  if (port > 65535) return Status(Error::kValidation, "--listen port must be 0..65535");
  return std::make_pair(host, static_cast<uint16_t>(port));
}

// HTTPS from the given files or the self-signed set; plain HTTP only where it cannot leak (a
// loopback listener) unless the operator allows it.
Status SetUpTransport(const ServerConfig& config, const std::string& host, Env& env,
                      HttpServerOptions& http, std::string& ca_file) {
  if (config.tls_self_signed && (!config.tls_cert.empty() || !config.tls_key.empty())) {
    return Status(Error::kValidation,
                  "--tls-self-signed and --tls-cert/--tls-key exclude each other");
  }
  if (config.tls_cert.empty() != config.tls_key.empty()) {
    return Status(Error::kValidation, "--tls-cert and --tls-key go together");
  }
  if (config.tls_self_signed) {
    OT_ASSIGN_OR_RETURN(auto self_signed, EnsureSelfSignedTls(config.data_dir, host, env));
    http.tls = TlsFiles{self_signed.cert_file, self_signed.key_file};
    ca_file = self_signed.ca_file;
  } else if (!config.tls_cert.empty()) {
    http.tls = TlsFiles{config.tls_cert, config.tls_key};
  }
  http.allow_plain_http = config.allow_plain_http;
  if (!http.tls && !IsLoopbackHost(host)) {
    if (!config.allow_plain_http) {
      return Status(Error::kValidation,
                    "refusing to serve plain HTTP on " + host +
                        ": credentials and logs would cross the network in clear text. Give "
                        "--tls-cert and --tls-key (or --tls-self-signed), or --allow-plain-http");
    }
    Log(LogLevel::kWarn, "serving plain HTTP on the non-loopback address " + host +
                             " (--allow-plain-http): requests and credentials are not encrypted");
  } else if (http.tls && config.allow_plain_http) {
    Log(LogLevel::kWarn, "the TLS port also answers plain HTTP (--allow-plain-http)");
  }
  return Status::Ok();
}

// SNS delivery's client: buckets' verified outbound POST, and mail (mailto: deliveries) through
// the SMTP relay. A relay's 2xx counts as delivered, 5xx as a permanent refusal (as an HTTP 4xx:
// dropped), anything else is retried.
class SnsHttpTransport final : public monitor::SnsTransport {
 public:
  SnsHttpTransport(buckets::HttpPostOptions options, buckets::SmtpOptions smtp)
      : options_(std::move(options)), smtp_(std::move(smtp)) {}
  monitor::SnsHttpResult Post(const std::string& url,
                              const std::vector<std::pair<std::string, std::string>>& headers,
                              const std::string& body, std::chrono::milliseconds timeout,
                              const std::atomic<bool>& cancel) override {
    if (url.starts_with("mailto:")) {
      buckets::SmtpResult r = buckets::SmtpSend(smtp_, url.substr(7), body, timeout, &cancel);
      if (r.error.empty()) return {200, ""};
      if (r.code >= 500) return {400, "relay refused the mail: " + r.error};
      return {0, r.error};
    }
    buckets::HttpPostResult r = buckets::HttpPost(options_, url, headers, body, timeout, &cancel);
    return {r.status, std::move(r.error)};
  }

 private:
  buckets::HttpPostOptions options_;
  buckets::SmtpOptions smtp_;
};

// Queued SNS deliveries as metadata.db documents, so that a restart resumes them.
class MetadataSnsOutbox final : public monitor::SnsOutbox {
 public:
  static constexpr std::string_view kKind = "sns-outbox";
  explicit MetadataSnsOutbox(store::MetadataDb& db) : db_(db) {}
  Status Save(const std::string& id, const std::string& json) override {
    return db_.PutDocument(kKind, id, json);
  }
  void Remove(const std::string& id) override {
    Status s = db_.DeleteDocument(kKind, id);
    if (!s.ok()) Log(LogLevel::kWarn, "SNS outbox: " + id + " not removed: " + s.ToString());
  }

 private:
  store::MetadataDb& db_;
};

// The URL clients reach the server at: scheme of the listener, its host (a wildcard address
// becomes 127.0.0.1) and the bound port.
std::string ListenUrl(const ServerConfig& config, uint16_t port) {
  std::string host = config.listen.substr(0, config.listen.rfind(':'));
  if (host == "0.0.0.0" || host == "::" || host == "[::]") host = "127.0.0.1";
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  bool tls = !config.tls_cert.empty() || config.tls_self_signed;
  return (tls ? "https://" : "http://") + host + ":" + std::to_string(port);
}

}  // namespace

// Members are declared in dependency order; they are destroyed in reverse, so the HTTP server
// (whose sessions the store's callbacks post to) outlives the store.
struct Server::Impl {
  ServerConfig config;
  Env& env;
  std::unique_ptr<store::MetadataDb> metadata;
  DataDirState state;
  auth::CredentialStore credentials;
  std::unique_ptr<iam::IamRegistry> iam;
  std::unique_ptr<auth::Authorizer> authorizer;
  Metrics metrics;
  std::unique_ptr<RequestHandler> dispatcher;
  std::unique_ptr<HttpServer> http;
  std::unique_ptr<store::EventStore> store;
  std::unique_ptr<MetadataBucketStore> bucket_store;
  std::unique_ptr<buckets::BucketRegistry> buckets;
  std::unique_ptr<trail::TrailRegistry> trails;
  std::unique_ptr<trail::SigningKeys> signing_keys;
  std::unique_ptr<kms::KeyService> kms;        // KMS keys: trails' and buckets' encryption at rest
  std::unique_ptr<KmsDataKeys> kms_data_keys;  // SSE-KMS data keys for the bucket registry
  std::unique_ptr<trail::Delivery> delivery;
  std::unique_ptr<LifecycleWorker> lifecycle;  // S3 lifecycle of local buckets
  std::unique_ptr<monitor::MetricStore> metric_store;
  std::unique_ptr<monitor::LogStore> logs;
  std::unique_ptr<trail::LogsDelivery> logs_delivery;
  std::unique_ptr<monitor::SnsStore> sns_store;
  std::unique_ptr<monitor::SnsTransport> sns_transport;
  std::unique_ptr<monitor::SnsOutbox> sns_outbox;  // queued deliveries, in metadata.db
  std::unique_ptr<monitor::SnsSender> sns_sender;
  std::unique_ptr<monitor::SnsService> sns;
  std::unique_ptr<monitor::MetricDataLog> metric_data_log;
  std::unique_ptr<monitor::AlarmStore> alarms;
  std::unique_ptr<monitor::AlarmEngine> alarm_engine;
  std::unique_ptr<monitor::AlarmScheduler> alarm_scheduler;
  std::unique_ptr<api::handlers::Services> services;
  uint16_t port = 0;
  std::string ca_file;  // --tls-self-signed: the CA clients should trust

  Impl(const ServerConfig& c, Env& e) : config(c), env(e) {}
  ~Impl() {
    // Stop delivery first (it reads the store and writes buckets; remote transfers and retry
    // waits are abandoned, the batch is redone after the restart), then the writer (running the
    // last callbacks) while the io_context still exists.
    // The alarm scheduler publishes through SNS: stop it before the sender goes.
    if (metric_store) metric_store->SetListener(nullptr);
    alarm_scheduler.reset();
    if (buckets) buckets->Shutdown();
    lifecycle.reset();   // waits for a pass in progress
    sns_sender.reset();  // queued SNS deliveries stay in the outbox for the next start
    logs_delivery.reset();
    delivery.reset();
    services.reset();
    buckets.reset();
    store.reset();
    dispatcher.reset();
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::Start(const ServerConfig& config, Env& env) {
  if (config.history_retention_days < 1 || config.history_retention_days > 36500) {
    return Status(Error::kValidation, "--history-retention-days must be 1..36500");
  }
  auto impl = std::make_unique<Impl>(config, env);
  OT_ASSIGN_OR_RETURN(auto listen, SplitListen(config.listen));
  OT_RETURN_IF_ERROR(env.fs.CreateDirs(config.data_dir));
  OT_ASSIGN_OR_RETURN(impl->metadata, store::MetadataDb::Open(config.data_dir + "/metadata.db"));
  OT_ASSIGN_OR_RETURN(impl->state, OpenDataDir({config.data_dir, config.region, config.account_id},
                                               *impl->metadata, env));
  // IAM owns every key from here on (the administrator's too: it can be deactivated or deleted
  // like any other). The bootstrap administrator is made once, on IAM's first start.
  iam::IamOptions iam_options;
  iam_options.account_id = impl->state.account_id;
  iam_options.master_key = impl->state.master_key;
  OT_ASSIGN_OR_RETURN(auto bootstrapped, impl->metadata->GetSetting("iam_bootstrapped"));
  if (!bootstrapped) {
    const auth::Principal& admin = impl->state.admin.principal;
    iam_options.admin_user_name = admin.user_name;
    iam_options.admin_user_id = admin.principal_id;
    iam_options.admin_access_key_id = impl->state.admin.access_key_id;
    iam_options.admin_secret_access_key = impl->state.admin.secret_access_key;
  } else {
    iam_options.admin_user_name.clear();
  }
  OT_ASSIGN_OR_RETURN(impl->iam,
                      iam::IamRegistry::Open(*impl->metadata, impl->credentials, env, iam_options));
  if (!bootstrapped) {
    OT_RETURN_IF_ERROR(
        impl->metadata->PutSetting("iam_bootstrapped", FormatIso8601(env.clock.Now())));
  }
  impl->authorizer = iam::NewPolicyAuthorizer(*impl->iam);
  OT_ASSIGN_OR_RETURN(impl->kms,
                      kms::KeyService::Open(*impl->metadata, env,
                                            {impl->state.account_id, impl->state.master_key}));

  store::StoreOptions store_options;
  store_options.dir = config.data_dir + "/events";
  store_options.retention = std::chrono::days(config.history_retention_days);
  store_options.token_key = impl->state.token_key;
  OT_ASSIGN_OR_RETURN(impl->store, store::EventStore::Open(store_options, env));

  impl->bucket_store = std::make_unique<MetadataBucketStore>(*impl->metadata);
  buckets::RegistryOptions bucket_options;
  bucket_options.dir = config.data_dir + "/buckets";
  bucket_options.meta_dir = config.data_dir + "/bucket-meta";
  impl->kms_data_keys = std::make_unique<KmsDataKeys>(*impl->kms);
  bucket_options.kms = impl->kms_data_keys.get();
  bucket_options.sse_s3_key = SseS3Key(impl->state.master_key);
  bucket_options.archive_dir = config.data_dir + "/bucket-archive";
  OT_ASSIGN_OR_RETURN(impl->buckets,
                      buckets::BucketRegistry::Open(bucket_options, *impl->bucket_store, env));
  if (!config.buckets_config.empty()) {
    OT_ASSIGN_OR_RETURN(std::string text, env.fs.ReadFile(config.buckets_config));
    OT_ASSIGN_OR_RETURN(auto remotes, ParseBucketsConfig(text));
    for (auto& remote : remotes) {
      if (remote.ca_bundle.empty()) remote.ca_bundle = config.outbound_ca_bundle;
      if (config.outbound_tls_insecure) remote.tls_verify = false;
      if (!remote.tls_verify) {
        Log(LogLevel::kWarn, "remote bucket " + remote.name +
                                 ": TLS certificates are NOT verified (--outbound-tls-insecure "
                                 "or tls_verify false)");
      }
      OT_RETURN_IF_ERROR(impl->buckets->AddRemote(std::move(remote)));
    }
  }

  trail::RegistryOptions trail_options;
  trail_options.account_id = impl->state.account_id;
  trail_options.max_trails_per_region = config.max_trails_per_region;
  buckets::BucketRegistry* bucket_registry = impl->buckets.get();
  // A remote bucket must exist on its service (HeadBucket); one that cannot be reached right now
  // is accepted: delivery retries and reports the error in GetTrailStatus.
  trail_options.bucket_exists = [bucket_registry](std::string_view bucket) {
    if (!bucket_registry->Get(bucket).ok()) return false;
    return bucket_registry->CheckRemote(bucket).code() != Error::kNoSuchBucket;
  };
  // CloudWatch Logs: log groups under DIR/logs; metric filters feed the in-memory aggregates.
  impl->metric_store = std::make_unique<monitor::MetricStore>();
  // PutMetricData datapoints exist only in their own log: replay it (15 months, CloudWatch's
  // longest retention).
  OT_RETURN_IF_ERROR(env.fs.CreateDirs(config.data_dir + "/metrics"));
  OT_ASSIGN_OR_RETURN(
      impl->metric_data_log,
      monitor::MetricDataLog::Open(config.data_dir + "/metrics/put-metric-data.log", env,
                                   *impl->metric_store, std::chrono::hours(24 * 455)));
  monitor::LogStoreOptions logs_options;
  logs_options.dir = config.data_dir + "/logs";
  logs_options.account_id = impl->state.account_id;
  logs_options.metrics = impl->metric_store.get();
  OT_ASSIGN_OR_RETURN(impl->logs, monitor::LogStore::Open(*impl->metadata, env, logs_options));
  monitor::LogStore* logs = impl->logs.get();
  trail_options.log_group_exists = [logs](std::string_view arn) {
    auto parsed = monitor::ParseLogGroupArn(arn);
    return parsed && logs->GetLogGroup(parsed->first, parsed->second).ok();
  };
  kms::KeyService* trail_kms = impl->kms.get();
  trail_options.kms_key_arn = [trail_kms](std::string_view key_id, std::string_view region) {
    return TrailKmsKeyArn(*trail_kms, key_id, region);
  };
  OT_ASSIGN_OR_RETURN(impl->trails, trail::TrailRegistry::Open(*impl->metadata, trail_options));

  impl->services = std::make_unique<api::handlers::Services>(
      api::handlers::Services{*impl->store, env, impl->state.account_id, impl->state.home_region});
  trail::DeliveryOptions delivery_options;
  OT_ASSIGN_OR_RETURN(delivery_options.interval, trail::ParseDuration(config.delivery_interval));
  OT_ASSIGN_OR_RETURN(delivery_options.digest_interval,
                      trail::ParseDuration(config.digest_interval));
  if (delivery_options.digest_interval < std::chrono::seconds(1)) {
    return Status(Error::kValidation, "--digest-interval must be at least 1s");
  }
  trail::SigningKeyOptions key_options;
  key_options.master_key = impl->state.master_key;
  OT_ASSIGN_OR_RETURN(key_options.rotation, trail::ParseDuration(config.digest_key_rotation));
  if (key_options.rotation < std::chrono::minutes(1)) {
    return Status(Error::kValidation, "--digest-key-rotation must be at least 1m");
  }
  impl->signing_keys = std::make_unique<trail::SigningKeys>(*impl->metadata, env, key_options);
  // The home region has a key from the first start on, so ListPublicKeys is never empty there.
  OT_RETURN_IF_ERROR(impl->signing_keys->Active(impl->state.home_region, env.clock.Now()).status());
  delivery_options.signing_keys = impl->signing_keys.get();
  // A trail with SnsTopicName announces each delivery: {"s3Bucket":…,"s3ObjectKey":[…]}
  // (records.md §2), published by the server itself (no topic policy is consulted).
  Impl* raw = impl.get();
  delivery_options.on_delivered = [raw](const trail::Trail& trail,
                                        const std::vector<std::string>& keys) {
    if (!trail.sns_topic_arn || raw->sns == nullptr) return;
    JsonWriter w;
    w.BeginObject().Key("s3Bucket").String(trail.s3_bucket_name).Key("s3ObjectKey").BeginArray();
    for (const std::string& k : keys) w.String(k);
    w.EndArray().EndObject();
    monitor::SnsPublishRequest request;
    request.topic_arn = *trail.sns_topic_arn;
    request.message = w.Take();
    auto published = raw->sns->Publish(request, raw->env.clock.Now());
    if (!published.ok()) {
      Log(LogLevel::kWarn, "trail " + trail.arn + ": delivery notification to " +
                               *trail.sns_topic_arn + " failed: " + published.status().ToString());
    }
  };
  impl->delivery = std::make_unique<trail::Delivery>(
      *impl->store, *impl->metadata, *impl->trails,
      [bucket_registry](std::string_view bucket, std::string_view key, std::string_view body,
                        const trail::Delivery::ObjectMetadata& metadata,
                        const trail::Delivery::ObjectEncryption& encryption) {
        buckets::PutObjectRequest put;
        put.bucket = bucket;
        put.key = key;
        put.body = body;
        put.content_type = "application/x-gzip";
        put.metadata = metadata;
        if (!encryption.kms_key_id.empty()) {
          // SSE-KMS under the trail's key, with CloudTrail's encryption context.
          put.sse_algorithm = buckets::kSseKms;
          put.sse_kms_key_id = encryption.kms_key_id;
          put.sse_context = {{"aws:cloudtrail:arn", std::string(encryption.trail_arn)}};
        }
        return bucket_registry->PutObject(put);
      },
      env, delivery_options);
  impl->delivery->Start();
  impl->logs_delivery = std::make_unique<trail::LogsDelivery>(
      *impl->store, *impl->metadata, *impl->trails, *impl->delivery,
      [logs](std::string_view group_arn, std::string_view stream, std::string_view trail_arn,
             std::span<const trail::LogsRecord> records) -> Status {
        auto group = monitor::ParseLogGroupArn(group_arn);
        if (!group) return Status(Error::kResourceNotFound, "bad log group ARN");
        std::vector<monitor::DeliveredRecord> batch;
        batch.reserve(records.size());
        for (const trail::LogsRecord& r : records) {
          batch.push_back({r.sequence, r.timestamp_ms, r.message});
        }
        return logs->AppendDelivered(group->first, group->second, stream, trail_arn, batch)
            .status();
      },
      env);
  impl->logs_delivery->Start();

  impl->services->trails = impl->trails.get();
  impl->services->buckets = impl->buckets.get();
  impl->services->delivery = impl->delivery.get();
  impl->services->signing_keys = impl->signing_keys.get();
  impl->services->logs = impl->logs.get();
  impl->services->iam = impl->iam.get();
  impl->services->kms = impl->kms.get();
  // S3 lifecycle: a pass every --lifecycle-interval; "days" last --lifecycle-day-seconds.
  LifecycleWorkerOptions lifecycle_options;
  OT_ASSIGN_OR_RETURN(lifecycle_options.interval, trail::ParseDuration(config.lifecycle_interval));
  if (lifecycle_options.interval < std::chrono::milliseconds(100)) {
    return Status(Error::kValidation, "--lifecycle-interval must be at least 100ms");
  }
  if (config.lifecycle_day_seconds < 1 || config.lifecycle_day_seconds > 86400) {
    return Status(Error::kValidation, "--lifecycle-day-seconds must be 1..86400");
  }
  lifecycle_options.pass.day = std::chrono::seconds(config.lifecycle_day_seconds);
  OT_ASSIGN_OR_RETURN(lifecycle_options.pass.restore_delay,
                      trail::ParseDuration(config.restore_delay));
  lifecycle_options.account_id = impl->state.account_id;
  impl->services->lifecycle_day = lifecycle_options.pass.day;
  impl->lifecycle =
      std::make_unique<LifecycleWorker>(*impl->buckets, *impl->store, env, lifecycle_options);
  impl->lifecycle->Start();
  DispatcherOptions dispatch_options;
  dispatch_options.account_id = impl->state.account_id;
  dispatch_options.home_region = impl->state.home_region;
  dispatch_options.access_log = config.access_log;
  impl->dispatcher = std::make_unique<Dispatcher>(
      dispatch_options, *impl->services, impl->credentials, *impl->authorizer, impl->metrics);
  HttpServerOptions http_options;
  http_options.threads = config.threads;
  http_options.max_body_bytes = config.max_body_bytes;
  OT_RETURN_IF_ERROR(SetUpTransport(config, listen.first, env, http_options, impl->ca_file));
  impl->http = std::make_unique<HttpServer>(http_options, *impl->dispatcher);
  OT_ASSIGN_OR_RETURN(impl->port, impl->http->Listen(listen.first, listen.second));

  // SNS: topics and subscriptions in the metadata DB, a signing key sealed there, and delivery
  // threads posting to subscribers (sns.md).
  OT_ASSIGN_OR_RETURN(impl->sns_store,
                      monitor::SnsStore::Open(*impl->metadata, env, impl->state.account_id));
  OT_ASSIGN_OR_RETURN(monitor::SnsSigningKey sns_key,
                      monitor::LoadOrCreateSnsSigningKey(
                          *impl->metadata, env, impl->state.master_key, impl->state.home_region));
  buckets::HttpPostOptions sns_transport;
  sns_transport.ca_bundle = config.outbound_ca_bundle;
  sns_transport.tls_verify = !config.outbound_tls_insecure;
  buckets::SmtpOptions smtp;
  smtp.relay = config.smtp_relay;
  smtp.from = config.smtp_from;
  smtp.require_tls = config.smtp_require_tls;
  smtp.ca_bundle = config.outbound_ca_bundle;
  smtp.tls_verify = !config.outbound_tls_insecure;
  if (!smtp.relay.empty()) {
    if (!smtp.relay.starts_with("smtp://") && !smtp.relay.starts_with("smtps://")) {
      return Status(Error::kValidation, "--smtp-relay must be smtp://host[:port] or smtps://…");
    }
    if (!monitor::IsEmailAddress(smtp.from)) {
      return Status(Error::kValidation,
                    "--smtp-from must be the sender's email address (with --smtp-relay)");
    }
  }
  impl->sns_transport = std::make_unique<SnsHttpTransport>(sns_transport, smtp);
  impl->sns_outbox = std::make_unique<MetadataSnsOutbox>(*impl->metadata);
  monitor::SnsSenderOptions sender_options;
  sender_options.outbox = impl->sns_outbox.get();
  if (!config.sns_retry_delay.empty()) {
    OT_ASSIGN_OR_RETURN(auto delay, trail::ParseDuration(config.sns_retry_delay));
    sender_options.retry_delay_override =
        std::chrono::duration_cast<std::chrono::milliseconds>(delay);
  }
  impl->sns_sender =
      std::make_unique<monitor::SnsSender>(*impl->sns_transport, env.clock, sender_options);
  monitor::SnsServiceOptions sns_options;
  if (!config.smtp_relay.empty()) sns_options.email_from = config.smtp_from;
  sns_options.base_url =
      config.public_url.empty() ? ListenUrl(config, impl->port) : config.public_url;
  while (!sns_options.base_url.empty() && sns_options.base_url.back() == '/') {
    sns_options.base_url.pop_back();
  }
  impl->sns = std::make_unique<monitor::SnsService>(*impl->sns_store, *impl->sns_sender,
                                                    std::move(sns_key), env, sns_options);
  impl->services->sns = impl->sns.get();
  {
    // Deliveries queued when the server last stopped (or crashed) go on where they stood.
    OT_ASSIGN_OR_RETURN(auto queued, impl->metadata->ListDocuments(MetadataSnsOutbox::kKind));
    std::vector<std::string> documents;
    for (auto& [id, json] : queued) documents.push_back(std::move(json));
    if (!documents.empty()) {
      Log(LogLevel::kInfo,
          "resuming " + std::to_string(documents.size()) + " queued SNS deliveries");
    }
    impl->sns->Resume(documents);
  }

  // CloudWatch alarms: definitions and history in the metadata DB; the scheduler evaluates them
  // at each period boundary (at least every 10 s) and soon after their metric receives data, and
  // publishes state changes to the actions' SNS topics.
  OT_ASSIGN_OR_RETURN(impl->alarms,
                      monitor::AlarmStore::Open(*impl->metadata, env, {impl->state.account_id}));
  monitor::SnsService* sns_service = impl->sns.get();
  impl->alarm_engine = std::make_unique<monitor::AlarmEngine>(
      *impl->alarms, *impl->metric_store,
      [sns_service](const std::string& topic, const std::string& subject,
                    const std::string& message, SysMillis now) {
        monitor::SnsPublishRequest request;
        request.topic_arn = topic;
        request.message = message;
        request.subject = subject;
        return sns_service->Publish(request, now);
      });
  impl->alarm_scheduler = std::make_unique<monitor::AlarmScheduler>(*impl->alarm_engine, env.clock);
  monitor::AlarmScheduler* scheduler = impl->alarm_scheduler.get();
  impl->metric_store->SetListener([scheduler](const monitor::MetricId&) { scheduler->Wake(); });
  impl->services->alarms = impl->alarms.get();
  impl->services->alarm_engine = impl->alarm_engine.get();
  impl->services->metric_store = impl->metric_store.get();
  impl->services->metric_data_log = impl->metric_data_log.get();
  impl->services->wake_alarms = [scheduler] { scheduler->Wake(); };
  impl->alarm_scheduler->Start();

  store::EventStore* store = impl->store.get();
  impl->http->Every(std::chrono::minutes(10), [store] {
    Status s = store->EnforceRetention();
    if (!s.ok()) Log(LogLevel::kError, "retention failed: " + s.ToString());
  });
  kms::KeyService* key_service = impl->kms.get();
  impl->http->Every(std::chrono::minutes(1), [key_service] {
    // Due rotations and deletions of keys whose waiting period has passed.
    auto changed = key_service->Maintain();
    if (!changed.ok()) {
      Log(LogLevel::kError, "KMS maintenance failed: " + changed.status().ToString());
    }
  });
  impl->http->Every(std::chrono::minutes(10), [logs] {
    Status s = logs->EnforceRetention();
    if (!s.ok()) Log(LogLevel::kError, "log group retention failed: " + s.ToString());
  });
  if (!config.port_file.empty()) {
    OT_RETURN_IF_ERROR(env.fs.WriteFileAtomic(config.port_file, std::to_string(impl->port)));
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

uint16_t Server::port() const { return impl_->port; }

void Server::Run() {
  const DataDirState& s = impl_->state;
  std::string endpoint = ListenUrl(impl_->config, impl_->port);
  std::printf("OpenTrail listening on %s\n", endpoint.c_str());
  std::printf("  account %s, home region %s, data in %s\n", s.account_id.c_str(),
              s.home_region.c_str(), impl_->config.data_dir.c_str());
  if (s.created) {
    std::printf("  administrator access key: %s\n  secret access key:        %s\n",
                s.admin.access_key_id.c_str(), s.admin.secret_access_key.c_str());
  }
  std::printf("  credentials file: %s (profile default)\n\n", s.credentials_path.c_str());
  std::printf("  export AWS_SHARED_CREDENTIALS_FILE=%s AWS_DEFAULT_REGION=%s\n",
              s.credentials_path.c_str(), s.home_region.c_str());
  if (!impl_->ca_file.empty()) {
    std::printf("  the server's CA (self-signed): %s\n", impl_->ca_file.c_str());
    std::printf("  aws sts get-caller-identity --endpoint-url %s --ca-bundle %s\n",
                endpoint.c_str(), impl_->ca_file.c_str());
  } else {
    std::printf("  aws sts get-caller-identity --endpoint-url %s\n", endpoint.c_str());
  }
  std::fflush(stdout);
  impl_->http->Run();
  Log(LogLevel::kInfo, "shutting down");
}

void Server::Stop() { impl_->http->Stop(); }

}  // namespace ot::server
