#pragma once

// Outbound mail through an SMTP relay with libcurl, for SNS email and email-json subscriptions.
// `relay` is smtp://host[:port] (STARTTLS when the relay offers it; required with
// `require_tls`) or smtps://host[:port] (TLS from the start); user:password@ in the URL logs in.
// TLS verifies the relay's certificate against the system store or `ca_bundle` unless
// `tls_verify` is off.

#include <atomic>
#include <chrono>
#include <string>

namespace ot::buckets {

struct SmtpOptions {
  std::string relay;  // smtp://… or smtps://…; empty = no mail
  std::string from;   // envelope sender and From: address
  bool require_tls = false;
  std::string ca_bundle;  // PEM CAs; empty = the system store
  bool tls_verify = true;
};

struct SmtpResult {
  // The relay's last reply code (250 when the message was accepted), 0 when no reply came.
  int code = 0;
  std::string error;  // empty when accepted
};

// Sends one RFC 5322 `message` (headers, blank line, body; CRLF line ends) to `recipient`.
// Thread-safe; one connection per call; a set `*cancel` abandons it within about a second.
SmtpResult SmtpSend(const SmtpOptions& options, const std::string& recipient,
                    const std::string& message, std::chrono::milliseconds timeout,
                    const std::atomic<bool>* cancel = nullptr);

}  // namespace ot::buckets
