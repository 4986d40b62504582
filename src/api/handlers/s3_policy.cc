// Bucket policies: PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy (protocols.md §5.5), the
// S3 condition keys policies see (iam.md §4.2), and the bucket-policy check CloudTrail makes when
// a trail names a bucket.
#include "api/handlers/s3_operations.h"
#include "api/protocol/json_value.h"
#include "buckets/bucket_policy.h"
#include "buckets/bucket_registry.h"
#include "common/encoding.h"
#include "common/json_writer.h"
#include "iam/iam.h"

namespace ot::api::handlers {
namespace {

Status InvalidPrincipal() { return Status(Error::kMalformedPolicy, "Invalid principal in policy"); }

// S3 refuses a policy naming a principal that does not exist. Users of this account can be
// checked; other accounts' principals cannot, and are taken as they are.
Status CheckPrincipalsExist(const Services& services, std::string_view json) {
  if (services.iam == nullptr) return Status::Ok();
  const std::string user_prefix = "arn:aws:iam::" + services.account_id + ":user/";
  for (const std::string& id : buckets::PolicyPrincipalArns(json)) {
    if (!id.starts_with(user_prefix)) continue;
    std::string name = id.substr(id.rfind('/') + 1);
    auto user = services.iam->GetUser(name);
    if (!user.ok() || user->arn != id) return InvalidPrincipal();
  }
  return Status::Ok();
}

std::string BucketArn(const S3Request& request) { return "arn:aws:s3:::" + request.bucket; }

// S3 keeps the owner from locking itself out by accident: a policy that explicitly denies the
// caller the policy actions needs x-amz-confirm-remove-self-bucket-access: true.
Status CheckSelfLockout(const CallContext& ctx, const S3Request& request,
                        const auth::Policy& policy) {
  if (ctx.caller.principal.type == auth::PrincipalType::kRoot) return Status::Ok();
  // botocore serialises the boolean as "True" (AWS CLI v2 2.9), the SDKs as "true".
  std::string_view confirm = request.Header("x-amz-confirm-remove-self-bucket-access");
  if (confirm == "true" || confirm == "True") return Status::Ok();
  const std::string arn = BucketArn(request);
  const auto keys = S3ConditionKeys(request);
  for (std::string_view action : {"s3:PutBucketPolicy", "s3:DeleteBucketPolicy"}) {
    auth::AuthzRequest authz(ctx.caller.principal, action, arn);
    authz.source_ip = request.source_ip;
    authz.secure_transport = request.secure_transport;
    authz.now = ctx.now;
    authz.region = ctx.caller.region;
    authz.keys = &keys;
    auth::NamedPolicy named{"", auth::PolicySourceType::kResource, policy};
    if (auth::Decide(std::span(&named, 1), auth::AuthzContext(authz)) ==
        auth::Decision::kExplicitDeny) {
      return Status(Error::kAccessDenied,
                    "This policy would deny you " + std::string(action) + " on " + arn +
                        ", so you could not change or remove it afterwards; send "
                        "x-amz-confirm-remove-self-bucket-access: true to apply it anyway.");
    }
  }
  return Status::Ok();
}

// CloudTrail's requestParameters for PutBucketPolicy: the policy as a JSON object.
std::string PutPolicyParameters(const S3Request& request) {
  JsonWriter w;
  w.BeginObject();
  auto doc = JsonDocument::Parse(request.body);
  if (doc.ok() && (*doc)->root().is_object()) {
    w.Key("bucketPolicy").Raw((*doc)->root().Minified());
  }
  w.Key("bucketName").String(ToValidUtf8(request.bucket));
  w.Key("Host").String(ToValidUtf8(request.host));
  w.Key("policy").BeginArray().String("").EndArray();
  w.EndObject();
  return w.Take();
}

}  // namespace

std::vector<std::pair<std::string, std::string>> S3ConditionKeys(const S3Request& request) {
  std::vector<std::pair<std::string, std::string>> keys;
  keys.emplace_back("s3:signatureversion", "AWS4-HMAC-SHA256");
  keys.emplace_back("s3:authType", "REST-HEADER");
  if (request.key.empty() && request.method == "GET") {
    for (std::string_view p : {"prefix", "delimiter", "max-keys"}) {
      if (auto v = request.Param(p)) keys.emplace_back("s3:" + std::string(p), *v);
    }
  }
  if (auto v = request.Param("versionId")) keys.emplace_back("s3:versionid", *v);
  for (std::string_view h : {"x-amz-acl", "x-amz-content-sha256", "x-amz-server-side-encryption",
                             "x-amz-server-side-encryption-aws-kms-key-id"}) {
    std::string_view v = request.Header(h);
    if (!v.empty()) keys.emplace_back("s3:" + std::string(h), std::string(v));
  }
  return keys;
}

Result<S3Outcome> PutBucketPolicy(const Services& services, const CallContext& ctx,
                                  const S3Request& request) {
  OT_RETURN_IF_ERROR(services.buckets->Get(request.bucket).status());
  OT_RETURN_IF_ERROR(RequireChecksum(request));
  OT_ASSIGN_OR_RETURN(auth::Policy policy,
                      buckets::ParseBucketPolicy(request.bucket, request.body));
  OT_RETURN_IF_ERROR(CheckPrincipalsExist(services, request.body));
  OT_RETURN_IF_ERROR(CheckSelfLockout(ctx, request, policy));
  OT_RETURN_IF_ERROR(services.buckets->PutPolicy(request.bucket, request.body));
  S3Outcome out;
  out.status = 204;
  out.outcome.request_parameters = PutPolicyParameters(request);
  out.outcome.resources = S3Resources(request);
  return out;
}

Result<S3Outcome> GetBucketPolicy(const Services& services, const CallContext&,
                                  const S3Request& request) {
  OT_ASSIGN_OR_RETURN(std::string policy, services.buckets->GetPolicy(request.bucket));
  S3Outcome out;
  out.raw = true;
  out.content_type = "application/json";
  out.outcome.body = std::move(policy);
  out.outcome.request_parameters = S3RequestParameters(request);
  out.outcome.resources = S3Resources(request);
  return out;
}

Result<S3Outcome> DeleteBucketPolicy(const Services& services, const CallContext&,
                                     const S3Request& request) {
  OT_RETURN_IF_ERROR(services.buckets->DeletePolicy(request.bucket));
  S3Outcome out;
  out.status = 204;
  out.outcome.request_parameters = S3RequestParameters(request);
  out.outcome.resources = S3Resources(request);
  return out;
}

Status CheckTrailBucketPolicy(const Services& services, std::string_view bucket,
                              std::string_view prefix, std::string_view trail_arn,
                              std::string_view region) {
  if (services.buckets == nullptr) return Status::Ok();
  auto info = services.buckets->Get(bucket);
  if (!info.ok() || info->remote) return Status::Ok();
  std::optional<auth::Policy> policy = services.buckets->CompiledPolicy(bucket);
  if (!policy) return Status::Ok();
  // A key of the trail's own layout: [prefix/]AWSLogs/<account>/CloudTrail/<region>/…
  std::string key = prefix.empty() ? "" : std::string(prefix) + "/";
  key += "AWSLogs/" + services.account_id + "/CloudTrail/" + std::string(region) +
         "/bucket-policy-check.json.gz";
  buckets::DeliveryFacts facts;
  facts.source_account = services.account_id;
  facts.source_arn = std::string(trail_arn);
  facts.now = services.env.clock.Now();
  if (buckets::DeliveryDecision(*policy, bucket, key, facts) != auth::Decision::kAllowed) {
    return Status(Error::kInsufficientS3BucketPolicy,
                  "Incorrect S3 bucket policy is detected for bucket: " + std::string(bucket));
  }
  return Status::Ok();
}

}  // namespace ot::api::handlers
