// Fuzzes the SigV4 Authorization parser, the canonicaliser and the verifier with hostile input,
// and checks one property: whatever request SignRequest signs, VerifyRequest accepts.
//
// Input layout: parts separated by '\n' — [0] Authorization header, [1] method, [2] raw path,
// [3] raw query, [4] body, [5..] headers as "name:value".
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "auth/identity.h"
#include "auth/sigv4.h"

namespace {

using ot::auth::HttpRequestView;

constexpr std::string_view kAkid = "AKIDCTSERVERTEST0001";
constexpr std::string_view kSecret = "cT5ecretKeyForUnitTests/0123456789+abcdefgh";
const ot::SysMillis kNow{std::chrono::milliseconds(1714566896000)};

const ot::auth::CredentialStore& Store() {
  static auto* store = [] {
    auto* s = new ot::auth::CredentialStore;
    ot::auth::AccessKey key;
    key.access_key_id = kAkid;
    key.secret_access_key = kSecret;
    key.principal.account_id = "123456789012";
    s->Put(key);
    return s;
  }();
  return *store;
}

std::vector<std::string_view> Split(std::string_view data) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= data.size()) {
    size_t nl = data.find('\n', start);
    if (nl == data.npos) nl = data.size();
    parts.push_back(data.substr(start, nl - start));
    start = nl + 1;
  }
  return parts;
}

// Header names the signer may use: lowercase token characters, none that SignRequest replaces.
std::string SafeHeaderName(std::string_view name) {
  std::string out;
  for (char c : name) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') out += c;
  }
  if (out.empty() || out == "host" || out == "x-amz-date" || out == "x-amz-security-token" ||
      out == "x-amz-content-sha256" || out == "authorization" || out == "date") {
    out = "x-fuzz-" + out;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  ot::auth::ParseAuthorization(input).status().IgnoreError();

  std::vector<std::string_view> parts = Split(input);
  parts.resize(std::max<size_t>(parts.size(), 5));
  HttpRequestView request;
  request.method = parts[1];
  request.raw_path = parts[2];
  request.raw_query = parts[3];
  request.body = parts[4];
  for (size_t i = 5; i < parts.size(); ++i) {
    size_t colon = parts[i].find(':');
    request.headers.emplace_back(parts[i].substr(0, colon),
                                 colon == parts[i].npos ? "" : parts[i].substr(colon + 1));
  }

  // Hostile verification: the Authorization header and every other part come from the input.
  HttpRequestView hostile = request;
  hostile.headers.emplace_back("Authorization", parts[0]);
  hostile.headers.emplace_back("X-Amz-Date", "20240501T123456Z");
  auto auth = ot::auth::ParseAuthorization(parts[0]);
  if (auth.ok()) {
    ot::auth::CanonicalRequest(hostile, *auth, false).status().IgnoreError();
    ot::auth::CanonicalRequest(hostile, *auth, true).status().IgnoreError();
  }
  ot::auth::VerifyRequest(hostile, Store(), kNow).status().IgnoreError();
  ot::auth::VerifyRequest(request, Store(), kNow).status().IgnoreError();
  hostile.headers.erase(hostile.headers.end() - 1);  // let the input's own X-Amz-Date/Date rule
  ot::auth::VerifyRequest(hostile, Store(), kNow).status().IgnoreError();

  // Property: a request signed by SignRequest verifies.
  std::vector<std::string> names;
  names.reserve(request.headers.size());
  for (const auto& header : request.headers) names.push_back(SafeHeaderName(header.first));
  HttpRequestView clean = request;
  for (size_t i = 0; i < names.size(); ++i) clean.headers[i].first = names[i];
  clean.headers.emplace_back("Host", "127.0.0.1:8080");
  ot::auth::SignedHeaders s =
      ot::auth::SignRequest(clean, kAkid, kSecret, {}, "us-east-1", "cloudtrail", kNow);
  clean.headers.emplace_back("X-Amz-Date", s.amz_date);
  clean.headers.emplace_back("Authorization", s.authorization);
  auto verified = ot::auth::VerifyRequest(clean, Store(), kNow);
  if (!verified.ok()) {
    fprintf(stderr, "sign/verify mismatch: %s\n", verified.status().ToString().c_str());
    __builtin_trap();
  }
  return 0;
}
