// The policy authorizer per request (iam.md §2.6): a user holding 10 customer managed policies
// of 20 statements each, through the registry's cached compiled set. Target: < 5 µs.
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "iam/iam.h"
#include "store/metadata.h"

namespace {

using ot::SysMillis;

// Time stands still: the benchmark measures the authorizer, not the clock.
class FixedClock final : public ot::Clock {
 public:
  SysMillis Now() override { return SysMillis(std::chrono::milliseconds(1714566896000)); }
  std::chrono::steady_clock::time_point Mono() override {
    return std::chrono::steady_clock::time_point(Now().time_since_epoch());
  }
};

// Statement `i` of policy `p`: services and actions vary so that most statements do not match.
std::string Statement(int p, int i) {
  static const char* kServices[] = {"dynamodb", "logs", "sns", "kms", "cloudwatch"};
  const std::string service = kServices[(p + i) % 5];
  std::string s = R"({"Effect":")" + std::string(i == 7 ? "Deny" : "Allow") + R"(","Action":[")" +
                  service + ":Get" + std::to_string(p) + "x" + std::to_string(i) + R"(",")" +
                  service + ":List" + std::to_string(i) + R"(*"],"Resource":"arn:aws:)" + service +
                  ":*:123456789012:r" + std::to_string(p) + "/" + std::to_string(i) + R"(*")";
  if (i % 4 == 1) {
    s += R"(,"Condition":{"IpAddress":{"aws:SourceIp":["10.)" + std::to_string(i) +
         R"(.0.0/16","192.0.2.0/24"]}})";
  } else if (i % 4 == 2) {
    s += R"(,"Condition":{"Bool":{"aws:SecureTransport":"true"}})";
  }
  return s + "}";
}

std::string Document(int p) {
  std::string doc = R"({"Version":"2012-10-17","Statement":[)";
  for (int i = 0; i < 20; ++i) {
    if (i > 0) doc += ",";
    if (p == 9 && i == 19) {
      // What the benchmark's allowed request matches: the last statement of the last policy.
      doc += R"({"Effect":"Allow","Action":"cloudtrail:Get*","Resource":"*","Condition":)"
             R"({"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}})";
    } else {
      doc += Statement(p, i);
    }
  }
  return doc + "]}";
}

struct Setup {
  Setup() {
    char tmpl[] = "/tmp/ot_iam_bench_XXXXXX";
    OT_CHECK(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    auto opened = ot::store::MetadataDb::Open(dir + "/metadata.db");
    OT_CHECK(opened.ok());
    db = std::move(*opened);
    ot::iam::IamOptions options;
    options.account_id = "123456789012";
    options.master_key = std::string(32, 'k');
    auto r = ot::iam::IamRegistry::Open(*db, credentials, env, options);
    OT_CHECK(r.ok());
    registry = std::move(*r);
    auto user = registry->CreateUser("alice", "/", {}, std::nullopt);
    OT_CHECK(user.ok());
    for (int p = 0; p < 10; ++p) {
      auto policy = registry->CreatePolicy("p" + std::to_string(p), "/", "", Document(p), {});
      OT_CHECK(policy.ok());
      OT_CHECK(registry->AttachPolicy(false, "alice", policy->arn).ok());
    }
    principal.type = ot::auth::PrincipalType::kIAMUser;
    principal.account_id = "123456789012";
    principal.principal_id = user->id;
    principal.arn = user->arn;
    principal.user_name = "alice";
    principal.access_key_id = "AKIAEXAMPLEEXAMPLE01";
    authorizer = ot::iam::NewPolicyAuthorizer(*registry);
  }
  ~Setup() {
    authorizer.reset();
    registry.reset();
    db.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  ot::Status Authorize(std::string_view action, std::string_view resource) const {
    ot::auth::AuthzRequest r(principal, action, resource);
    r.source_ip = "203.0.113.7";
    r.secure_transport = true;
    r.now = SysMillis(std::chrono::milliseconds(1714566896000));
    r.region = "us-east-1";
    return authorizer->Authorize(r);
  }

  std::string dir;
  FixedClock clock;
  ot::Env env{clock, ot::RealFileSystem(), ot::RealRandom()};
  ot::auth::CredentialStore credentials;
  std::unique_ptr<ot::store::MetadataDb> db;
  std::unique_ptr<ot::iam::IamRegistry> registry;
  ot::auth::Principal principal;
  std::unique_ptr<ot::auth::Authorizer> authorizer;
};

Setup& Shared() {
  static Setup setup;
  return setup;
}

void BM_IamAuthorizeAllowedByLastStatement(benchmark::State& state) {
  const Setup& s = Shared();
  OT_CHECK(
      s.Authorize("cloudtrail:GetTrail", "arn:aws:cloudtrail:us-east-1:123456789012:trail/t").ok());
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        s.Authorize("cloudtrail:GetTrail", "arn:aws:cloudtrail:us-east-1:123456789012:trail/t"));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IamAuthorizeAllowedByLastStatement);

void BM_IamAuthorizeImplicitDeny(benchmark::State& state) {
  const Setup& s = Shared();
  OT_CHECK(!s.Authorize("cloudtrail:StopLogging", "arn:aws:cloudtrail:us-east-1:1:trail/t").ok());
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        s.Authorize("cloudtrail:StopLogging", "arn:aws:cloudtrail:us-east-1:1:trail/t"));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_IamAuthorizeImplicitDeny);

void BM_IamAuthorizeAfterMutation(benchmark::State& state) {
  // The first request after an IAM change recompiles nothing (policies are compiled when
  // stored) but rebuilds the principal's set.
  Setup& s = Shared();
  for (auto _ : state) {
    state.PauseTiming();
    OT_CHECK(s.registry->CreateGroup("g", "/").ok());
    OT_CHECK(s.registry->DeleteGroup("g").ok());
    state.ResumeTiming();
    benchmark::DoNotOptimize(
        s.Authorize("cloudtrail:GetTrail", "arn:aws:cloudtrail:us-east-1:123456789012:trail/t"));
  }
}
BENCHMARK(BM_IamAuthorizeAfterMutation)->Iterations(200);

}  // namespace

BENCHMARK_MAIN();
