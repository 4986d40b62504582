#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/env.h"
#include "common/status.h"

namespace ot::server {

struct ServerConfig {
  std::string data_dir = "./data";
  std::string listen = "127.0.0.1:8421";  // HOST:PORT; port 0 picks a free one
  std::string region;                     // home region on first start (default us-east-1)
  std::string account_id;                 // first start only; random when empty
  int history_retention_days = 90;
  int threads = 2;
  uint64_t max_body_bytes = 16ull << 20;
  bool access_log = true;
  // Remote buckets (JSON array, see ParseBucketsConfig in server/buckets_setup.h); empty = none.
  std::string buckets_config;
  size_t max_trails_per_region = 5;         // AWS's quota; raise for big self-hosted setups
  std::string delivery_interval = "5m";     // how often trails' log files are written ("2s", "5m")
  std::string digest_interval = "1h";       // digest window of validating trails ("10s", "1h")
  std::string digest_key_rotation = "30d";  // lifetime of a region's digest-signing key
  // S3 lifecycle of local buckets: how often the rules are applied, how long a lifecycle "day"
  // lasts (86400 s; tests shorten it so that Days pass in seconds) and how long a RestoreObject
  // takes ("0s": done at the next pass).
  std::string lifecycle_interval = "1h";
  int64_t lifecycle_day_seconds = 86400;
  std::string restore_delay = "0s";
  // HTTPS (issue: transport security). Either both files, or `tls_self_signed` (a CA and a
  // certificate for the listen address under DATA_DIR/tls). Plain HTTP is served only on
  // loopback addresses, unless `allow_plain_http`.
  std::string tls_cert;
  std::string tls_key;
  bool tls_self_signed = false;
  bool allow_plain_http = false;
  // The server's own https calls (remote buckets): trusted CAs (PEM; empty = the system store,
  // a bucket's own "ca_bundle" wins) and whether to skip verification altogether.
  std::string outbound_ca_bundle;
  bool outbound_tls_insecure = false;
  // SNS: the base URL put in SubscribeURL, UnsubscribeURL and SigningCertURL (empty = the
  // listen address with its scheme), and a delay replacing every delivery retry delay (empty =
  // the delivery policy's, 20 s by default; e.g. "200ms" for tests).
  std::string public_url;
  std::string sns_retry_delay;
  // SNS email and email-json subscriptions: the SMTP relay (smtp://host[:port], STARTTLS when
  // offered, or smtps://; user:password@ to log in), the sender address, and whether the relay
  // must speak TLS. Without a relay such subscriptions are refused.
  std::string smtp_relay;
  std::string smtp_from;
  bool smtp_require_tls = false;
  // Written once listening: the bound port, for scripts and tests that use port 0.
  std::string port_file;
};

// The embedded default: everything in one process over one data directory.
class Server {
 public:
  // Opens (or initialises) the data directory, replays the journal and binds the listener.
  static Result<std::unique_ptr<Server>> Start(const ServerConfig& config, Env& env);
  ~Server();

  uint16_t port() const;
  // Serves until Stop() or SIGINT/SIGTERM.
  void Run();
  void Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ot::server
