#pragma once

#include <string>

#include "common/env.h"
#include "common/status.h"

namespace ot::server {

// Where `serve --tls-self-signed` keeps its certificates: DIR/tls/ca.pem (the CA to give clients
// as --ca-bundle / AWS_CA_BUNDLE), ca.key, server.pem, server.key.
struct SelfSignedTls {
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  bool issued = false;  // the server certificate was (re)issued on this start
};

// Makes or reuses the self-signed certificates under `data_dir`/tls. The CA is made once (valid
// 10 years). The server certificate names `localhost`, 127.0.0.1, ::1 and `listen_host` (when it
// is a specific address or name) and is reissued when it does not cover them, was not signed by
// the CA, or expires within 30 days. Private keys are written 0600.
Result<SelfSignedTls> EnsureSelfSignedTls(const std::string& data_dir,
                                          const std::string& listen_host, Env& env);

// Whether `host` is a loopback address (127.0.0.0/8, ::1) or "localhost".
bool IsLoopbackHost(const std::string& host);

}  // namespace ot::server
