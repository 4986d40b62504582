// opentrail: the server (`serve`) and its command-line client (`import`, …) in one binary.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/http_client.h"
#include "cli/import.h"
#include "cli/monitor_cis.h"
#include "cli/validate_logs.h"
#include "common/env.h"
#include "common/log.h"
#include "common/time.h"
#include "server/keys_command.h"
#include "server/server.h"
#include "trail/delivery.h"

namespace {

void AddClientOptions(CLI::App* cmd, ot::cli::ClientOptions* o) {
  cmd->add_option("--endpoint-url", o->endpoint_url,
                  "Server URL (default: $AWS_ENDPOINT_URL or http://127.0.0.1:8421)");
  cmd->add_option("--region", o->region, "Region (default: as the AWS CLI finds it)");
  cmd->add_option("--profile", o->profile, "Profile of the shared credentials/config files");
  cmd->add_option("--ca-bundle", o->ca_bundle,
                  "CA certificates (PEM) for an https endpoint (default: $AWS_CA_BUNDLE, system)");
  cmd->add_flag("--no-verify-ssl", o->no_verify_ssl,
                "Do not verify the https endpoint's certificate");
}

void ApplyClientTls(const ot::cli::ClientOptions& o) {
  ot::cli::SetClientTls({o.ca_bundle, !o.no_verify_ssl});
}

int Serve(const ot::server::ServerConfig& config) {
  auto server = ot::server::Server::Start(config, ot::RealEnv());
  if (!server.ok()) {
    std::fprintf(stderr, "opentrail serve: %s\n", server.status().message().c_str());
    return 1;
  }
  (*server)->Run();
  return 0;
}

int Import(const ot::cli::ImportOptions& options) {
  auto summary = ot::cli::RunImport(options, ot::RealEnv());
  if (!summary.ok()) {
    std::fprintf(stderr, "opentrail import: %s\n", summary.status().message().c_str());
    return 1;
  }
  const ot::cli::ImportSummary& s = *summary;
  for (const std::string& e : s.errors) std::fprintf(stderr, "error: %s\n", e.c_str());
  double mb = static_cast<double>(s.input_bytes) / 1e6;
  std::printf(
      "imported %llu files: %llu events read, %llu new, %llu already present; "
      "%.1f MB in %.2f s (%.1f MB/s, %.0f events/s)%s\n",
      static_cast<unsigned long long>(s.files - s.failed_files),
      static_cast<unsigned long long>(s.records), static_cast<unsigned long long>(s.ingested),
      static_cast<unsigned long long>(s.duplicates), mb, s.seconds,
      s.seconds > 0 ? mb / s.seconds : 0.0,
      s.seconds > 0 ? static_cast<double>(s.records) / s.seconds : 0.0,
      s.failed_files ? (", " + std::to_string(s.failed_files) + " files failed").c_str() : "");
  return s.failed_files == 0 ? 0 : 2;
}

int RotateKeys(ot::server::RotateKeysOptions options, const std::string& rotation) {
  auto lifetime = ot::trail::ParseDuration(rotation);
  if (!lifetime.ok()) {
    std::fprintf(stderr, "opentrail keys rotate: %s\n", lifetime.status().message().c_str());
    return 1;
  }
  options.rotation = *lifetime;
  auto keys = ot::server::RotateSigningKeys(options, ot::RealEnv());
  if (!keys.ok()) {
    std::fprintf(stderr, "opentrail keys rotate: %s\n", keys.status().message().c_str());
    return 1;
  }
  for (const ot::trail::PublicKeyInfo& k : *keys) {
    std::printf("%s\t%s\tvalid from %s to %s\n", k.region.c_str(), k.fingerprint.c_str(),
                ot::FormatIso8601(k.valid_from).c_str(), ot::FormatIso8601(k.valid_to).c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"OpenTrail: a self-hosted audit trail that speaks CloudTrail's API"};
  app.require_subcommand(1);

  ot::server::ServerConfig serve;
  std::string log_level = "info";
  CLI::App* serve_cmd = app.add_subcommand("serve", "Run the server");
  serve_cmd->add_option("--data-dir", serve.data_dir, "Data directory")->capture_default_str();
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT to listen on")->capture_default_str();
  serve_cmd->add_option("--region", serve.region, "Home region on first start (us-east-1)");
  serve_cmd->add_option("--account-id", serve.account_id, "12-digit account id on first start");
  serve_cmd
      ->add_option("--history-retention-days", serve.history_retention_days,
                   "Days of event history LookupEvents keeps, by eventTime")
      ->capture_default_str();
  serve_cmd->add_option("--threads", serve.threads, "HTTP threads")->capture_default_str();
  serve_cmd->add_option("--max-body-bytes", serve.max_body_bytes, "Largest request body")
      ->capture_default_str();
  serve_cmd->add_option("--port-file", serve.port_file, "Write the bound port to this file");
  serve_cmd
      ->add_option("--delivery-interval", serve.delivery_interval,
                   "How often trails deliver log files (e.g. 2s, 5m)")
      ->capture_default_str();
  serve_cmd
      ->add_option("--digest-interval", serve.digest_interval,
                   "Digest window of trails with log file validation (e.g. 10s, 1h)")
      ->capture_default_str();
  serve_cmd
      ->add_option("--lifecycle-interval", serve.lifecycle_interval,
                   "How often S3 lifecycle rules of local buckets are applied (e.g. 1s, 1h)")
      ->capture_default_str();
  serve_cmd
      ->add_option("--lifecycle-day-seconds", serve.lifecycle_day_seconds,
                   "Length of a lifecycle day in seconds (lifecycle Days and restore Days; "
                   "shorten for tests)")
      ->check(CLI::Range(int64_t{1}, int64_t{86400}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--restore-delay", serve.restore_delay,
                   "How long a RestoreObject of an archived object takes (e.g. 0s, 4h)")
      ->capture_default_str();
  serve_cmd
      ->add_option("--digest-key-rotation", serve.digest_key_rotation,
                   "Lifetime of a region's digest-signing key before a new one is made (e.g. 30d)")
      ->capture_default_str();
  serve_cmd
      ->add_option(
          "--max-trails-per-region", serve.max_trails_per_region,
          "Trails per region (a multi-region trail counts in every region); AWS's quota is 5")
      ->check(CLI::Range(1, 1000));
  serve_cmd->add_option("--buckets-config", serve.buckets_config,
                        "JSON file registering remote S3 buckets (endpoint, region, keys)");
  bool no_access_log = false;
  serve_cmd->add_option("--tls-cert", serve.tls_cert, "PEM certificate chain: serve HTTPS");
  serve_cmd->add_option("--tls-key", serve.tls_key, "PEM private key of --tls-cert");
  serve_cmd->add_flag("--tls-self-signed", serve.tls_self_signed,
                      "Serve HTTPS with a local CA and certificate made under DATA_DIR/tls");
  serve_cmd->add_flag("--allow-plain-http", serve.allow_plain_http,
                      "Also serve plain HTTP (on a TLS port, or on a non-loopback address)");
  serve_cmd->add_option("--public-url", serve.public_url,
                        "Base URL subscribers reach the server at, for SNS SubscribeURL, "
                        "UnsubscribeURL and SigningCertURL (default: the listen address)");
  serve_cmd->add_option("--sns-retry-delay", serve.sns_retry_delay,
                        "Delay between SNS delivery retries, replacing the delivery policy's "
                        "(e.g. 200ms; default: the policy's, 20s)");
  serve_cmd->add_option("--smtp-relay", serve.smtp_relay,
                        "SMTP relay for SNS email subscriptions: smtp://host[:port] (STARTTLS "
                        "when offered) or smtps://host[:port]; user:password@ to log in");
  serve_cmd->add_option("--smtp-from", serve.smtp_from, "Sender address of SNS mails");
  serve_cmd->add_flag("--smtp-require-tls", serve.smtp_require_tls,
                      "Refuse to send mail unless the relay speaks TLS");
  serve_cmd->add_option("--outbound-ca-bundle", serve.outbound_ca_bundle,
                        "PEM CAs trusted for the server's own https calls (default: system)");
  serve_cmd->add_flag("--outbound-tls-insecure", serve.outbound_tls_insecure,
                      "Do not verify certificates on the server's own https calls (logged)");
  serve_cmd->add_flag("--no-access-log", no_access_log, "Do not log each request");
  serve_cmd->add_option("--log-level", log_level, "debug, info, warn or error")
      ->capture_default_str();

  ot::cli::ImportOptions import;
  bool no_progress = false;
  CLI::App* import_cmd = app.add_subcommand(
      "import", "Import CloudTrail log files (.json.gz, .json, JSON lines) into the server");
  import_cmd->add_option("paths", import.paths, "Files or folders (walked recursively)")
      ->required();
  AddClientOptions(import_cmd, &import.client);
  import_cmd->add_option("--concurrency", import.concurrency, "Parallel requests")
      ->capture_default_str();
  import_cmd->add_option("--batch-bytes", import.max_batch_bytes, "Largest batch of JSON")
      ->capture_default_str();
  import_cmd->add_flag("--no-progress", no_progress, "No progress line on the terminal");

  ot::server::RotateKeysOptions rotate;
  rotate.data_dir = "./data";
  std::string rotation = "30d";
  CLI::App* keys_cmd = app.add_subcommand("keys", "Digest-signing keys");
  keys_cmd->require_subcommand(1);
  CLI::App* rotate_cmd = keys_cmd->add_subcommand(
      "rotate",
      "Replace the digest-signing key of a region (or of every region) now; the old public keys "
      "stay listed by ListPublicKeys. Works on the data directory, also beside a running server");
  rotate_cmd->add_option("--data-dir", rotate.data_dir, "Data directory")->capture_default_str();
  rotate_cmd->add_option("--region", rotate.region, "Only this region (default: every region)");
  rotate_cmd->add_option("--digest-key-rotation", rotation, "Lifetime of the new keys")
      ->capture_default_str();

  ot::cli::ValidateLogsOptions validate;
  CLI::App* validate_cmd = app.add_subcommand(
      "validate-logs",
      "Validate a trail's digest and log files, as `aws cloudtrail validate-logs` does");
  validate_cmd->add_option("--trail-arn", validate.trail_arn, "ARN of the trail")->required();
  validate_cmd->add_option("--start-time", validate.start_time, "Validate from (UTC)")->required();
  validate_cmd->add_option("--end-time", validate.end_time, "Validate up to (UTC; default: now)");
  validate_cmd->add_option("--s3-bucket", validate.s3_bucket,
                           "Bucket of the digests (default: the trail's, from DescribeTrails)");
  validate_cmd->add_option("--s3-prefix", validate.s3_prefix, "Key prefix of the digests");
  validate_cmd->add_option("--account-id", validate.account_id, "Account of the digests");
  validate_cmd->add_flag("--verbose", validate.verbose, "Print valid files too");
  validate_cmd->add_option("--from-dir", validate.from_dir,
                           "Read a local copy of the bucket (DIR/<key>, metadata in "
                           "DIR/<key>.metadata.json) instead of S3");
  validate_cmd->add_option("--metadata-dir", validate.metadata_dir,
                           "With --from-dir: metadata sidecars MDIR/<key>.json (the server's "
                           "DATA/bucket-meta/<bucket>)");
  validate_cmd
      ->add_option("--concurrency", validate.concurrency,
                   "Requests in flight: digests fetched and log files checked in parallel")
      ->capture_default_str();
  AddClientOptions(validate_cmd, &validate.client);

  ot::cli::MonitorCisOptions cis;
  CLI::App* monitor_cmd = app.add_subcommand("monitor", "Monitoring set-ups");
  monitor_cmd->require_subcommand(1);
  CLI::App* cis_cmd = monitor_cmd->add_subcommand(
      "cis",
      "Create, idempotently, the CIS AWS Foundations Benchmark monitoring controls (4.1-4.15): "
      "the trail's log group, a metric filter and an alarm per control, notifying one topic");
  cis_cmd->add_option("--trail", cis.trail, "Name or ARN of the trail to watch")->required();
  cis_cmd->add_option("--topic", cis.topic_arn, "ARN of the SNS topic the alarms notify")
      ->required();
  cis_cmd->add_option("--log-group", cis.log_group,
                      "The trail's log group (default: the trail's, else "
                      "aws-cloudtrail-logs-<trail>; created when missing)");
  cis_cmd->add_option("--role-arn", cis.role_arn,
                      "CloudWatchLogsRoleArn for the trail (default: "
                      "arn:aws:iam::<account>:role/CloudTrail_CloudWatchLogs_Role)");
  cis_cmd->add_option("--namespace", cis.metric_namespace, "Metric namespace")
      ->capture_default_str();
  cis_cmd->add_option("--period", cis.period_seconds, "The alarms' period in seconds")
      ->capture_default_str();
  AddClientOptions(cis_cmd, &cis.client);

  CLI11_PARSE(app, argc, argv);

  if (*serve_cmd) {
    serve.access_log = !no_access_log;
    if (log_level == "debug") ot::SetLogLevel(ot::LogLevel::kDebug);
    if (log_level == "warn") ot::SetLogLevel(ot::LogLevel::kWarn);
    if (log_level == "error") ot::SetLogLevel(ot::LogLevel::kError);
    return Serve(serve);
  }
  if (*keys_cmd) return RotateKeys(rotate, rotation);
  if (*monitor_cmd) {
    ApplyClientTls(cis.client);
    return ot::cli::RunMonitorCis(cis, ot::RealEnv(), stdout, stderr);
  }
  if (*validate_cmd) {
    ApplyClientTls(validate.client);
    return ot::cli::RunValidateLogs(validate, ot::RealEnv(), stdout, stderr);
  }
  ApplyClientTls(import.client);
  import.progress = !no_progress;
  return Import(import);
}
