// CreateTrail, UpdateTrail, DeleteTrail, GetTrail, DescribeTrails, ListTrails (api.md §3).

#include "api/handlers/operation.h"
#include "api/handlers/s3_operations.h"
#include "api/handlers/trail_util.h"
#include "common/encoding.h"
#include "common/json_writer.h"
#include "common/log.h"

namespace ot::api::handlers {
namespace {

using internal::Trails;

constexpr size_t kListTrailsPage = 3;  // small, so that paginators are exercised
constexpr std::string_view kTokenPrefix = "trails-";

// The CreateTrail/UpdateTrail members other than Name and TagsList.
Result<trail::TrailSpec> ReadSpec(const Members& in) {
  trail::TrailSpec s;
  OT_ASSIGN_OR_RETURN(s.s3_bucket_name, in.OptString("S3BucketName"));
  OT_ASSIGN_OR_RETURN(s.s3_key_prefix, in.OptString("S3KeyPrefix"));
  OT_ASSIGN_OR_RETURN(s.sns_topic_name, in.OptString("SnsTopicName"));
  OT_ASSIGN_OR_RETURN(s.include_global_service_events, in.OptBool("IncludeGlobalServiceEvents"));
  OT_ASSIGN_OR_RETURN(s.is_multi_region_trail, in.OptBool("IsMultiRegionTrail"));
  OT_ASSIGN_OR_RETURN(s.enable_log_file_validation, in.OptBool("EnableLogFileValidation"));
  OT_ASSIGN_OR_RETURN(s.cloud_watch_logs_log_group_arn, in.OptString("CloudWatchLogsLogGroupArn"));
  OT_ASSIGN_OR_RETURN(s.cloud_watch_logs_role_arn, in.OptString("CloudWatchLogsRoleArn"));
  OT_ASSIGN_OR_RETURN(s.kms_key_id, in.OptString("KmsKeyId"));
  OT_ASSIGN_OR_RETURN(s.is_organization_trail, in.OptBool("IsOrganizationTrail"));
  return s;
}

// The CreateTrail/UpdateTrail response, recorded as the call's responseElements.
Outcome TrailShapeOutcome(const trail::Trail& t) {
  Outcome out;
  JsonWriter w(&out.body);
  w.BeginObject();
  trail::WriteTrailMembers(t, w, /*create_shape=*/true);
  w.EndObject();
  out.response_elements = internal::ResponseElements(out.body);
  out.resources = internal::TrailResource(t);
  return out;
}

}  // namespace

Result<Outcome> CreateTrail(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(trail::TrailRegistry * trails, Trails(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string name, in.ReqString("Name"));
  OT_ASSIGN_OR_RETURN(trail::TrailSpec spec, ReadSpec(in));
  spec.name = std::move(name);
  OT_ASSIGN_OR_RETURN(spec.tags, internal::ReadTags(in, "TagsList"));
  if (spec.s3_bucket_name) {
    // A local bucket with a policy must let CloudTrail write there (s3_policy.cc).
    OT_RETURN_IF_ERROR(CheckTrailBucketPolicy(services, *spec.s3_bucket_name,
                                              spec.s3_key_prefix.value_or(""),
                                              "arn:aws:cloudtrail:" + ctx.caller.region + ":" +
                                                  services.account_id + ":trail/" + spec.name,
                                              ctx.caller.region));
  }
  OT_ASSIGN_OR_RETURN(trail::Trail t, trails->Create(spec, ctx.caller.region));
  return TrailShapeOutcome(t);
}

Result<Outcome> UpdateTrail(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(trail::TrailRegistry * trails, Trails(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string name, in.ReqString("Name"));
  OT_ASSIGN_OR_RETURN(trail::TrailSpec spec, ReadSpec(in));
  if (spec.s3_bucket_name || spec.s3_key_prefix) {
    if (auto current = trails->Get(name, ctx.caller.region); current.ok()) {
      OT_RETURN_IF_ERROR(
          CheckTrailBucketPolicy(services, spec.s3_bucket_name.value_or(current->s3_bucket_name),
                                 spec.s3_key_prefix.value_or(current->s3_key_prefix.value_or("")),
                                 current->arn, current->home_region));
    }
  }
  OT_ASSIGN_OR_RETURN(trail::Trail t, trails->Update(name, ctx.caller.region, spec));
  return TrailShapeOutcome(t);
}

Result<Outcome> DeleteTrail(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(trail::TrailRegistry * trails, Trails(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string name, in.ReqString("Name"));
  OT_ASSIGN_OR_RETURN(trail::Trail t, trails->Delete(name, ctx.caller.region));
  Outcome out;
  out.body = "{}";
  out.resources = internal::TrailResource(t);
  if (services.delivery != nullptr) {
    // What the trail logged before this call is still delivered, with its last configuration.
    out.finish = [delivery = services.delivery, t](const store::AppendResult& r, std::string*) {
      Status s = delivery->TrailDeleted(t, r.sequences.back());
      if (!s.ok()) Log(LogLevel::kError, "telling delivery about a deleted trail: " + s.ToString());
    };
  }
  return out;
}

Result<Outcome> GetTrail(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(trail::TrailRegistry * trails, Trails(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(std::string name, in.ReqString("Name"));
  OT_ASSIGN_OR_RETURN(trail::Trail t, trails->Get(name, ctx.caller.region));
  Outcome out;
  JsonWriter w(&out.body);
  w.BeginObject().Key("Trail").BeginObject();
  trail::WriteTrailMembers(t, w);
  w.EndObject().EndObject();
  out.resources = internal::TrailResource(t);
  return out;
}

Result<Outcome> DescribeTrails(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(trail::TrailRegistry * trails, Trails(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(auto shadows, in.OptBool("includeShadowTrails"));
  OT_ASSIGN_OR_RETURN(auto names, in.OptList("trailNameList"));
  bool include_shadows = shadows.value_or(true);
  std::vector<trail::Trail> found;
  if (!names || names->empty()) {
    found = trails->Visible(ctx.caller.region, include_shadows);
  } else {
    for (size_t i = 0; i < names->size(); ++i) {
      if (!(*names)[i].is_string()) {
        return Status(Error::kSerialization, "Expected string for member 'trailNameList[" +
                                                 std::to_string(i) + "]' but found " +
                                                 std::string(JsonTypeName((*names)[i].type())));
      }
      auto t = trails->Get((*names)[i].AsString(), ctx.caller.region);
      if (!t.ok()) {
        if (t.status().code() == Error::kTrailNotFound) continue;
        return t.status();
      }
      if (!include_shadows && t->home_region != ctx.caller.region) continue;
      bool duplicate = false;
      for (const trail::Trail& f : found) duplicate = duplicate || f.arn == t->arn;
      if (!duplicate) found.push_back(std::move(*t));
    }
  }
  Outcome out;
  JsonWriter w(&out.body);
  w.BeginObject().Key("trailList").BeginArray();
  for (const trail::Trail& t : found) {
    w.BeginObject();
    trail::WriteTrailMembers(t, w);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

Result<Outcome> ListTrails(const Services& services, const CallContext& ctx, JsonValue input) {
  OT_ASSIGN_OR_RETURN(trail::TrailRegistry * trails, Trails(services));
  Members in(input, "");
  OT_ASSIGN_OR_RETURN(auto token, in.OptString("NextToken"));
  std::string after;  // the ARN the previous page ended with
  if (token) {
    auto decoded = token->substr(0, kTokenPrefix.size()) == kTokenPrefix
                       ? HexDecode(std::string_view(*token).substr(kTokenPrefix.size()))
                       : std::optional<std::string>();
    if (!decoded || decoded->empty()) {
      return Status(Error::kInvalidNextToken, "NextToken " + *token + " is not valid.");
    }
    after = std::move(*decoded);
  }
  std::vector<trail::Trail> all = trails->Visible(ctx.caller.region);  // ordered by ARN
  Outcome out;
  JsonWriter w(&out.body);
  w.BeginObject().Key("Trails").BeginArray();
  size_t written = 0;
  std::string last;
  bool more = false;
  for (const trail::Trail& t : all) {
    if (!after.empty() && t.arn <= after) continue;
    if (written == kListTrailsPage) {
      more = true;
      break;
    }
    w.BeginObject().Key("TrailARN").String(t.arn).Key("Name").String(t.name);
    w.Key("HomeRegion").String(t.home_region).EndObject();
    last = t.arn;
    ++written;
  }
  w.EndArray();
  if (more) w.Key("NextToken").String(std::string(kTokenPrefix) + HexEncode(last));
  w.EndObject();
  return out;
}

}  // namespace ot::api::handlers
