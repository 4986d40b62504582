// Bucket-policy validation. The structure is checked here first, so that the messages are S3's
// ("Missing required field Principal", "Policy has invalid resource") rather than IAM's; the
// policy language (auth::ParsePolicy) then compiles it and judges conditions and principals.
#include "buckets/bucket_policy.h"

#include <algorithm>

#include "api/protocol/json_value.h"

namespace ot::buckets {
namespace {

using api::JsonValue;

Status Malformed(std::string message) {
  return Status(Error::kMalformedPolicy, std::move(message));
}

// A string or a non-empty list of strings; false otherwise.
bool Strings(JsonValue v, std::vector<std::string_view>* out) {
  if (v.is_string()) {
    out->push_back(v.AsString());
    return true;
  }
  if (!v.is_array()) return false;
  for (const JsonValue& item : v.Items()) {
    if (!item.is_string()) return false;
    out->push_back(item.AsString());
  }
  return !out->empty();
}

bool IsS3Action(std::string_view action) {
  if (action == "*") return true;
  if (action.size() < 4) return false;
  std::string vendor(action.substr(0, 3));
  std::transform(vendor.begin(), vendor.end(), vendor.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (vendor != "s3:") return false;
  std::string_view name = action.substr(3);
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '*' || c == '?';
  });
}

bool InBucket(std::string_view resource, std::string_view bucket) {
  const std::string arn = "arn:aws:s3:::" + std::string(bucket);
  return resource == arn || resource.starts_with(arn + "/");
}

Status CheckStatement(JsonValue st, std::string_view bucket) {
  if (!st.is_object()) return Malformed("This policy contains invalid Json");
  bool effect = false, principal = false, action = false, resource = false;
  for (const auto& [name, value] : st.Members()) {
    if (name == "Sid" || name == "Condition") continue;
    if (name == "Effect") {
      effect = true;
      if (!value.is_string() || (value.AsString() != "Allow" && value.AsString() != "Deny")) {
        return Malformed("Invalid effect: " +
                         (value.is_string() ? std::string(value.AsString()) : value.Minified()));
      }
    } else if (name == "Principal" || name == "NotPrincipal") {
      principal = true;
    } else if (name == "Action" || name == "NotAction") {
      action = true;
      std::vector<std::string_view> actions;
      if (!Strings(value, &actions)) return Malformed("Policy has invalid action");
      for (std::string_view a : actions) {
        if (!IsS3Action(a)) return Malformed("Policy has invalid action");
      }
    } else if (name == "Resource" || name == "NotResource") {
      resource = true;
      std::vector<std::string_view> resources;
      if (!Strings(value, &resources)) return Malformed("Policy has invalid resource");
      for (std::string_view r : resources) {
        if (!InBucket(r, bucket)) return Malformed("Policy has invalid resource");
      }
    } else {
      return Malformed("Unknown field " + std::string(name));
    }
  }
  if (!effect) return Malformed("Missing required field Effect");
  if (!principal) return Malformed("Missing required field Principal");
  if (!action) return Malformed("Missing required field Action");
  if (!resource) return Malformed("Missing required field Resource");
  return Status::Ok();
}

std::vector<JsonValue> StatementsOf(JsonValue root) {
  auto st = root.Get("Statement");
  if (!st) return {};
  if (st->is_array()) return st->Items();
  return {*st};
}

}  // namespace

Result<auth::Policy> ParseBucketPolicy(std::string_view bucket, std::string_view json) {
  if (json.size() > kMaxBucketPolicyBytes) {
    return Malformed("Policy exceeds the maximum allowed document size.");
  }
  size_t first = json.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || json[first] != '{') {
    return Malformed("Policies must be valid JSON and the first byte must be '{'");
  }
  auto doc = api::JsonDocument::Parse(json);
  if (!doc.ok() || !(*doc)->root().is_object()) {
    return Malformed("This policy contains invalid Json");
  }
  JsonValue root = (*doc)->root();
  for (const auto& [name, value] : root.Members()) {
    if (name != "Version" && name != "Id" && name != "Statement") {
      return Malformed("Unknown field " + std::string(name));
    }
  }
  if (auto version = root.Get("Version")) {
    if (!version->is_string() ||
        (version->AsString() != "2012-10-17" && version->AsString() != "2008-10-17")) {
      return Malformed("The policy must contain a valid version string");
    }
  }
  auto statement = root.Get("Statement");
  if (!statement || (statement->is_array() && statement->Items().empty())) {
    return Malformed("Could not parse the policy: Statement is empty!");
  }
  for (const JsonValue& st : StatementsOf(root)) OT_RETURN_IF_ERROR(CheckStatement(st, bucket));

  auth::ParseOptions options;
  options.kind = auth::PolicyKind::kResource;
  options.max_chars = 0;
  options.latin1_only = false;
  auto policy = auth::ParsePolicy(json, options);
  if (!policy.ok()) {
    const std::string& m = policy.status().message();
    if (m.find("Syntax errors") != std::string::npos) return Malformed("Invalid policy syntax.");
    return Malformed(m);
  }
  return std::move(*policy);
}

std::vector<std::string> PolicyPrincipalArns(std::string_view json) {
  std::vector<std::string> out;
  auto doc = api::JsonDocument::Parse(json);
  if (!doc.ok() || !(*doc)->root().is_object()) return out;
  for (const JsonValue& st : StatementsOf((*doc)->root())) {
    if (!st.is_object()) continue;
    for (std::string_view member : {"Principal", "NotPrincipal"}) {
      auto p = st.Get(member);
      if (!p || !p->is_object()) continue;
      auto aws = p->Get("AWS");
      std::vector<std::string_view> ids;
      if (!aws || !Strings(*aws, &ids)) continue;
      for (std::string_view id : ids) {
        if (id != "*") out.emplace_back(id);
      }
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

auth::Decision DeliveryDecision(const auth::Policy& policy, std::string_view bucket,
                                std::string_view key, const DeliveryFacts& facts) {
  auth::RequestContext ctx;
  ctx.action = "s3:PutObject";
  ctx.resource = "arn:aws:s3:::" + std::string(bucket) + "/" + std::string(key);
  ctx.principal_service = "cloudtrail.amazonaws.com";
  auth::RequestFacts request;
  request.secure_transport = true;  // CloudTrail writes over HTTPS
  request.now = facts.now;
  auth::SetGlobalKeys(request, ctx);
  ctx.keys["s3:x-amz-acl"] = {"bucket-owner-full-control"};
  ctx.keys["aws:SourceAccount"] = {facts.source_account};
  if (!facts.source_arn.empty()) ctx.keys["aws:SourceArn"] = {facts.source_arn};
  ctx.keys["aws:PrincipalServiceName"] = {"cloudtrail.amazonaws.com"};
  auth::NamedPolicy named{"", auth::PolicySourceType::kResource, policy};
  return auth::Decide(std::span(&named, 1), ctx);
}

}  // namespace ot::buckets
