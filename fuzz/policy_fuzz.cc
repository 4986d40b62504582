// Fuzzes the IAM policy language: parsing with every option, then evaluation of whatever parses
// against fixed request contexts (identity and resource policies). Nothing may crash, and the
// two evaluation entry points must agree on every decision.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "auth/policy.h"

namespace {

using ot::auth::Decision;
using ot::auth::NamedPolicy;
using ot::auth::Policy;
using ot::auth::PolicyKind;
using ot::auth::RequestContext;

std::vector<RequestContext> Contexts() {
  std::vector<RequestContext> out;
  RequestContext a;
  a.action = "s3:GetObject";
  a.resource = "arn:aws:s3:::logs/AWSLogs/123456789012/CloudTrail/f.json.gz";
  a.principal_arn = "arn:aws:iam::123456789012:user/alice";
  a.principal_account = "123456789012";
  ot::auth::RequestFacts facts;
  facts.principal_arn = a.principal_arn;
  facts.principal_account = a.principal_account;
  facts.user_id = "AIDAJQABLZS4A3QDU576Q";
  facts.user_name = "alice";
  facts.temporary_credentials = true;
  facts.mfa_authenticated = true;
  facts.mfa_age = std::chrono::seconds(300);
  facts.source_ip = "203.0.113.7";
  facts.secure_transport = true;
  facts.now = ot::SysMillis(std::chrono::milliseconds(1714566896000));
  facts.requested_region = "us-east-1";
  ot::auth::SetGlobalKeys(facts, a);
  a.keys["s3:prefix"] = {"home/alice/"};
  a.keys["aws:TagKeys"] = {"dept", "cost", "owner"};
  a.keys["aws:SourceArn"] = {"arn:aws:cloudtrail:us-east-1:123456789012:trail/t"};
  a.keys["empty"] = {};
  out.push_back(a);

  RequestContext b;
  b.action = "CloudTrail:StopLogging";
  b.resource = "*";
  b.principal_service = "cloudtrail.amazonaws.com";
  b.keys["aws:SourceIp"] = {"2001:db8::1"};
  b.keys["aws:CurrentTime"] = {"not a date"};
  b.keys["aws:MultiFactorAuthAge"] = {"1e400"};
  out.push_back(b);
  return out;
}

void Check(const Policy& policy) {
  static const std::vector<RequestContext> contexts = Contexts();
  std::vector<NamedPolicy> policies = {{"fuzz", ot::auth::PolicySourceType::kUser, policy}};
  for (const RequestContext& ctx : contexts) {
    ot::auth::EvalResult full = ot::auth::Evaluate(policies, ctx);
    Decision fast = ot::auth::Decide(policies, ctx);
    if (fast != full.decision) {
      fprintf(stderr, "Decide %s != Evaluate %s\n", ot::auth::DecisionName(fast).data(),
              ot::auth::DecisionName(full.decision).data());
      __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (PolicyKind kind : {PolicyKind::kIdentity, PolicyKind::kResource}) {
    auto policy = ot::auth::ParsePolicy(input, {.kind = kind, .latin1_only = false});
    if (!policy.ok()) {
      if (policy.status().code() != ot::Error::kMalformedPolicyDocument) __builtin_trap();
      continue;
    }
    Check(*policy);
  }
  (void)ot::auth::ParsePolicy(input, {.require_2012_version = true}).ok();
  (void)ot::auth::PolicySizeForQuota(input);
  return 0;
}
