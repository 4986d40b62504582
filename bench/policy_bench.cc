// IAM policy evaluation per request (iam.md §2.6): what the single authorization point pays
// for a user holding AWSCloudTrail_FullAccess, AWSCloudTrail_ReadOnlyAccess and a 10-statement
// customer policy with conditions and variables.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "auth/managed_policies.h"
#include "auth/policy.h"
#include "common/status.h"

namespace {

using ot::auth::NamedPolicy;
using ot::auth::PolicySourceType;

constexpr std::string_view kCustomer = R"({"Version":"2012-10-17","Statement":[
  {"Sid":"S1","Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::logs","arn:aws:s3:::logs/*"]},
  {"Sid":"S2","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"},
  {"Sid":"S3","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::home","Condition":{"StringLike":{"s3:prefix":["","home/${aws:username}/*"]}}},
  {"Sid":"S4","Effect":"Allow","Action":"iam:*AccessKey*","Resource":"arn:aws:iam::*:user/${aws:username}"},
  {"Sid":"S5","Effect":"Deny","Action":"cloudtrail:StopLogging","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}},
  {"Sid":"S6","Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}},
  {"Sid":"S7","Effect":"Allow","Action":"logs:*","Resource":"arn:aws:logs:*:*:log-group:/trails/*"},
  {"Sid":"S8","Effect":"Deny","Action":"cloudtrail:DeleteTrail","Resource":"arn:aws:cloudtrail:*:*:trail/prod-*"},
  {"Sid":"S9","Effect":"Allow","Action":"sns:Publish","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}},
  {"Sid":"S10","Effect":"Allow","Action":"kms:Decrypt","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["dept","cost"]}}}]})";

std::vector<NamedPolicy> Policies() {
  std::vector<NamedPolicy> out;
  for (std::string_view arn : {"arn:aws:iam::aws:policy/AWSCloudTrail_FullAccess",
                               "arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess"}) {
    auto p = ot::auth::ParsePolicy(ot::auth::FindAwsManagedPolicy(arn)->document);
    OT_CHECK(p.ok());
    out.push_back({std::string(arn), PolicySourceType::kAwsManaged, *p});
  }
  auto customer = ot::auth::ParsePolicy(kCustomer);
  OT_CHECK(customer.ok());
  out.push_back({"customer", PolicySourceType::kUserManaged, *customer});
  return out;
}

ot::auth::RequestContext Context(std::string action, std::string resource) {
  ot::auth::RequestContext ctx;
  ctx.action = std::move(action);
  ctx.resource = std::move(resource);
  ot::auth::RequestFacts facts;
  facts.principal_arn = "arn:aws:iam::123456789012:user/alice";
  facts.principal_account = "123456789012";
  facts.user_id = "AIDAJQABLZS4A3QDU576Q";
  facts.user_name = "alice";
  facts.temporary_credentials = true;
  facts.mfa_authenticated = true;
  facts.mfa_age = std::chrono::seconds(300);
  facts.source_ip = "203.0.113.7";
  facts.secure_transport = true;
  facts.now = ot::SysMillis(std::chrono::milliseconds(1714566896000));
  facts.requested_region = "us-east-1";
  ot::auth::SetGlobalKeys(facts, ctx);
  return ctx;
}

// Arg 0: an allowed LookupEvents; 1: an explicitly denied DeleteTrail; 2: an implicit deny that
// must look at every statement.
ot::auth::RequestContext Scenario(int64_t n) {
  switch (n) {
    case 0:
      return Context("cloudtrail:LookupEvents", "*");
    case 1:
      return Context("cloudtrail:DeleteTrail", "arn:aws:cloudtrail:us-east-1:1:trail/prod-main");
    default:
      return Context("ec2:RunInstances", "arn:aws:ec2:us-east-1:1:instance/i-1");
  }
}

void BM_PolicyDecide(benchmark::State& state) {
  const auto policies = Policies();
  const auto ctx = Scenario(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(ot::auth::Decide(policies, ctx));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PolicyDecide)->Arg(0)->Arg(1)->Arg(2);

void BM_PolicyEvaluate(benchmark::State& state) {
  const auto policies = Policies();
  const auto ctx = Scenario(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(ot::auth::Evaluate(policies, ctx));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PolicyEvaluate)->Arg(0)->Arg(1)->Arg(2);

void BM_PolicyParse(benchmark::State& state) {
  for (auto _ : state) {
    auto p = ot::auth::ParsePolicy(kCustomer);
    benchmark::DoNotOptimize(p.ok());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(kCustomer.size()));
}
BENCHMARK(BM_PolicyParse);

}  // namespace
BENCHMARK_MAIN();
