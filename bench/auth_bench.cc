// SigV4 verification cost per request (sigv4.md §2), the server's per-request auth overhead.
#include <benchmark/benchmark.h>

#include <string>
#include <utility>
#include <vector>

#include "auth/identity.h"
#include "auth/sigv4.h"

namespace {

using ot::auth::HttpRequestView;

constexpr std::string_view kAkid = "AKIDCTSERVERTEST0001";
constexpr std::string_view kSecret = "cT5ecretKeyForUnitTests/0123456789+abcdefgh";
const ot::SysMillis kNow{std::chrono::milliseconds(1714566896000)};

// A LookupEvents call as AWS CLI sends it: signed and unsigned headers, a ~150-byte JSON body.
struct TypicalRequest {
  std::string body =
      R"({"LookupAttributes": [{"AttributeKey": "EventName", "AttributeValue": "ConsoleLogin"}], )"
      R"("StartTime": 1714521600, "EndTime": 1714566896, "MaxResults": 50})";
  std::vector<std::pair<std::string, std::string>> headers = {
      {"Host", "127.0.0.1:8080"},
      {"X-Amz-Target", "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents"},
      {"Content-Type", "application/x-amz-json-1.1"},
  };

  TypicalRequest() {
    ot::auth::SignedHeaders s =
        ot::auth::SignRequest(View(), kAkid, kSecret, {}, "us-east-1", "cloudtrail", kNow);
    headers.emplace_back("User-Agent", "aws-cli/1.45.11 md/Botocore#1.43.11 os/linux");
    headers.emplace_back("X-Amz-Date", s.amz_date);
    headers.emplace_back("Authorization", s.authorization);
    headers.emplace_back("amz-sdk-invocation-id", "2f0c3b2e-7d64-4f6c-9a43-6f4c0b8e2d11");
    headers.emplace_back("amz-sdk-request", "attempt=1");
    headers.emplace_back("Content-Length", std::to_string(body.size()));
  }

  HttpRequestView View() const {
    HttpRequestView view;
    view.method = "POST";
    view.raw_path = "/";
    view.body = body;
    for (const auto& [name, value] : headers) view.headers.emplace_back(name, value);
    return view;
  }

  std::string_view Authorization() const {
    for (const auto& [name, value] : headers) {
      if (name == "Authorization") return value;
    }
    return {};
  }
};

void AddKey(ot::auth::CredentialStore& store) {
  ot::auth::AccessKey key;
  key.access_key_id = kAkid;
  key.secret_access_key = kSecret;
  key.principal.account_id = "123456789012";
  key.principal.arn = "arn:aws:iam::123456789012:user/admin";
  store.Put(std::move(key));
}

void BM_SigV4Verify(benchmark::State& state) {
  const TypicalRequest request;
  const HttpRequestView view = request.View();
  ot::auth::CredentialStore store;
  AddKey(store);
  for (auto _ : state) {
    auto caller = ot::auth::VerifyRequest(view, store, kNow);
    if (!caller.ok()) state.SkipWithError(caller.status().ToString().c_str());
    benchmark::DoNotOptimize(caller);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SigV4Verify);

void BM_ParseAuthorization(benchmark::State& state) {
  const TypicalRequest request;
  const std::string_view header = request.Authorization();
  for (auto _ : state) {
    auto auth = ot::auth::ParseAuthorization(header);
    benchmark::DoNotOptimize(auth);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseAuthorization);

// What the signing-key cache saves on every request: the four-HMAC derivation.
void BM_SigV4DeriveSigningKey(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        ot::auth::DeriveSigningKey(kSecret, "20240501", "us-east-1", "cloudtrail"));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SigV4DeriveSigningKey);

}  // namespace

BENCHMARK_MAIN();
