#pragma once

// The HTTP client SNS delivery POSTs with (libcurl). Outbound TLS verifies the endpoint's
// certificate against the system store or `ca_bundle` unless `tls_verify` is off.

#include <memory>
#include <string>

#include "monitor/sns_delivery.h"

namespace ot::server {

struct SnsTransportOptions {
  std::string ca_bundle;  // PEM CAs; empty = the system store
  bool tls_verify = true;
};

std::unique_ptr<monitor::SnsTransport> NewCurlSnsTransport(SnsTransportOptions options);

}  // namespace ot::server
