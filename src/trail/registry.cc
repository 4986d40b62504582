#include "trail/registry.h"

#include <set>

#include "trail/validation.h"

namespace ot::trail {
namespace {

constexpr std::string_view kKind = "trail";
constexpr size_t kMaxTags = 50;

bool IsArn(std::string_view s) { return s.substr(0, 4) == "arn:"; }

Status NotFound(std::string_view name_or_arn) {
  return Status(Error::kTrailNotFound,
                "Unknown trail: " + std::string(name_or_arn) + " for the user.");
}

// Sets or clears (empty value) an optional member.
void SetOpt(std::optional<std::string>* field, const std::optional<std::string>& v) {
  if (!v) return;
  if (v->empty()) {
    field->reset();
  } else {
    *field = *v;
  }
}

}  // namespace

Status ValidateTags(const std::vector<Tag>& tags) {
  std::set<std::string_view> keys;
  for (const Tag& t : tags) {
    if (t.key.empty() || t.key.size() > 128) {
      return Status(Error::kInvalidTagParameter,
                    "Tag key '" + t.key + "' is not valid: it must be 1 to 128 characters.");
    }
    if (t.value && t.value->size() > 256) {
      return Status(Error::kInvalidTagParameter,
                    "The value of tag '" + t.key + "' is longer than 256 characters.");
    }
    if (!keys.insert(t.key).second) {
      return Status(Error::kInvalidTagParameter, "Tag key '" + t.key + "' appears twice.");
    }
  }
  if (tags.size() > kMaxTags) {
    return Status(Error::kTagsLimitExceeded, "A resource can have at most 50 tags.");
  }
  return Status::Ok();
}

Result<std::unique_ptr<TrailRegistry>> TrailRegistry::Open(store::MetadataDb& db,
                                                           RegistryOptions options) {
  std::unique_ptr<TrailRegistry> r(new TrailRegistry(db, std::move(options)));
  OT_ASSIGN_OR_RETURN(auto docs, db.ListDocuments(kKind));
  for (const auto& [id, json] : docs) {
    auto trail = DecodeTrail(json);
    if (!trail.ok()) {
      return Status(Error::kCorruption, "trail document " + id + ": " + trail.status().ToString());
    }
    auto selectors = std::make_shared<const TrailSelectors>(trail->selectors);
    std::string arn = trail->arn;
    r->trails_.emplace(std::move(arn), Entry{std::move(*trail), std::move(selectors)});
  }
  return r;
}

Result<const TrailRegistry::Entry*> TrailRegistry::Resolve(std::string_view name_or_arn,
                                                           std::string_view region) const {
  if (IsArn(name_or_arn)) {
    OT_ASSIGN_OR_RETURN(TrailArn arn, ParseTrailArn(name_or_arn));
    auto it = trails_.find(name_or_arn);
    if (it == trails_.end()) return NotFound(name_or_arn);
    const Trail& t = it->second.trail;
    if (t.home_region != region && !t.is_multi_region_trail) return NotFound(name_or_arn);
    return &it->second;
  }
  OT_RETURN_IF_ERROR(ValidateTrailName(name_or_arn));
  auto it = trails_.find(MakeTrailArn(region, options_.account_id, name_or_arn));
  if (it == trails_.end()) return NotFound(name_or_arn);
  return &it->second;
}

Result<TrailRegistry::Entry*> TrailRegistry::Resolve(std::string_view name_or_arn,
                                                     std::string_view region, bool mutating) {
  OT_ASSIGN_OR_RETURN(const Entry* found,
                      static_cast<const TrailRegistry*>(this)->Resolve(name_or_arn, region));
  if (mutating && found->trail.home_region != region) {
    return Status(Error::kInvalidHomeRegion,
                  "This operation must be called from the trail's home region, " +
                      found->trail.home_region + ".");
  }
  return const_cast<Entry*>(found);
}

Result<TrailRegistry::Entry*> TrailRegistry::ResolveTagResource(std::string_view resource_id,
                                                                std::string_view region,
                                                                bool mutating) {
  if (!IsArn(resource_id)) {
    return Status(Error::kCloudTrailARNInvalid,
                  "ResourceId " + std::string(resource_id) + " is not an ARN.");
  }
  auto parsed = ParseTrailArn(resource_id);
  if (!parsed.ok()) {
    size_t colon = 0;
    int colons = 0;
    for (size_t i = 0; i < resource_id.size() && colons < 5; ++i) {
      if (resource_id[i] == ':' && ++colons == 5) colon = i;
    }
    std::string_view rest = colons == 5 ? resource_id.substr(colon + 1) : "";
    if (resource_id.find(":cloudtrail:") != std::string_view::npos &&
        (rest.starts_with("eventdatastore/") || rest.starts_with("channel/") ||
         rest.starts_with("dashboard/"))) {
      return Status(Error::kResourceTypeNotSupported,
                    "Tags on " + std::string(resource_id) + " are not supported by this server.");
    }
    return parsed.status();
  }
  auto it = trails_.find(resource_id);
  if (it == trails_.end() ||
      (it->second.trail.home_region != region && !it->second.trail.is_multi_region_trail)) {
    return Status(Error::kResourceNotFound,
                  "Resource " + std::string(resource_id) + " was not found.");
  }
  if (mutating && it->second.trail.home_region != region) {
    return Status(Error::kInvalidHomeRegion, "Tags must be changed from the trail's home region, " +
                                                 it->second.trail.home_region + ".");
  }
  return &it->second;
}

Status TrailRegistry::ApplySpec(const TrailSpec& spec, std::string_view region, bool create,
                                Trail* t) const {
  if (spec.s3_bucket_name) {
    OT_RETURN_IF_ERROR(ValidateBucketName(*spec.s3_bucket_name));
    if (options_.bucket_exists && !options_.bucket_exists(*spec.s3_bucket_name)) {
      return Status(Error::kS3BucketDoesNotExist,
                    "S3 bucket " + *spec.s3_bucket_name + " does not exist.");
    }
    t->s3_bucket_name = *spec.s3_bucket_name;
  }
  if (spec.s3_key_prefix) OT_RETURN_IF_ERROR(ValidateS3Prefix(*spec.s3_key_prefix));
  SetOpt(&t->s3_key_prefix, spec.s3_key_prefix);
  if (spec.sns_topic_name) {
    if (spec.sns_topic_name->empty()) {
      t->sns_topic_name.reset();
      t->sns_topic_arn.reset();
    } else {
      OT_RETURN_IF_ERROR(ValidateSnsTopic(*spec.sns_topic_name));
      std::string arn = SnsTopicArn(*spec.sns_topic_name, region, options_.account_id);
      t->sns_topic_name = arn.substr(arn.rfind(':') + 1);
      t->sns_topic_arn = arn;
    }
  }
  if (spec.kms_key_id) {
    if (spec.kms_key_id->empty()) {
      t->kms_key_id.reset();
    } else {
      OT_RETURN_IF_ERROR(ValidateKmsKeyId(*spec.kms_key_id));
      if (options_.kms_key_arn) {
        OT_ASSIGN_OR_RETURN(t->kms_key_id, options_.kms_key_arn(*spec.kms_key_id, region));
      } else {
        t->kms_key_id = KmsKeyArn(*spec.kms_key_id, region, options_.account_id);
      }
    }
  }
  if (spec.cloud_watch_logs_log_group_arn && !spec.cloud_watch_logs_log_group_arn->empty()) {
    OT_RETURN_IF_ERROR(ValidateLogGroupArn(*spec.cloud_watch_logs_log_group_arn));
  }
  if (spec.cloud_watch_logs_role_arn && !spec.cloud_watch_logs_role_arn->empty()) {
    OT_RETURN_IF_ERROR(ValidateCloudWatchRoleArn(*spec.cloud_watch_logs_role_arn));
  }
  SetOpt(&t->cloud_watch_logs_log_group_arn, spec.cloud_watch_logs_log_group_arn);
  SetOpt(&t->cloud_watch_logs_role_arn, spec.cloud_watch_logs_role_arn);
  if (t->cloud_watch_logs_log_group_arn.has_value() != t->cloud_watch_logs_role_arn.has_value()) {
    return Status(Error::kInvalidParameterCombination,
                  "CloudWatchLogsLogGroupArn and CloudWatchLogsRoleArn must be given together.");
  }
  // The group must exist (checked after the pair rule, as CloudTrail reports the pair first).
  if (spec.cloud_watch_logs_log_group_arn && !spec.cloud_watch_logs_log_group_arn->empty() &&
      options_.log_group_exists &&
      !options_.log_group_exists(*spec.cloud_watch_logs_log_group_arn)) {
    return Status(Error::kInvalidCloudWatchLogsLogGroupArn,
                  "The log group in " + *spec.cloud_watch_logs_log_group_arn + " does not exist.");
  }
  if (spec.include_global_service_events) {
    t->include_global_service_events = *spec.include_global_service_events;
  }
  if (spec.is_multi_region_trail) t->is_multi_region_trail = *spec.is_multi_region_trail;
  if (spec.enable_log_file_validation) {
    t->log_file_validation_enabled = *spec.enable_log_file_validation;
  }
  if (spec.is_organization_trail) t->is_organization_trail = *spec.is_organization_trail;
  if (t->is_multi_region_trail && !t->include_global_service_events) {
    return Status(Error::kInvalidParameterCombination,
                  "A multi-region trail must include global service events.");
  }
  if (create) OT_RETURN_IF_ERROR(ValidateTags(spec.tags));
  return Status::Ok();
}

Status TrailRegistry::CheckLimit(const Trail& candidate) const {
  std::set<std::string_view> regions = {candidate.home_region};
  size_t multi = candidate.is_multi_region_trail ? 1 : 0;
  for (const auto& [arn, e] : trails_) {
    if (arn == candidate.arn) continue;
    if (e.trail.is_multi_region_trail) ++multi;
    regions.insert(e.trail.home_region);
  }
  for (std::string_view r : regions) {
    if (!candidate.is_multi_region_trail && r != candidate.home_region) continue;
    size_t count = multi + (r == candidate.home_region && !candidate.is_multi_region_trail);
    for (const auto& [arn, e] : trails_) {
      if (arn != candidate.arn && !e.trail.is_multi_region_trail && e.trail.home_region == r) {
        ++count;
      }
    }
    if (count > options_.max_trails_per_region) {
      return Status(Error::kMaximumNumberOfTrailsExceeded,
                    "User: " + options_.account_id + " already has " +
                        std::to_string(options_.max_trails_per_region) + " trails in " +
                        std::string(r) + ".");
    }
  }
  return Status::Ok();
}

Status TrailRegistry::Persist(Entry* entry, Trail updated) {
  OT_RETURN_IF_ERROR(db_.PutDocument(kKind, updated.arn, EncodeTrail(updated)));
  if (!(updated.selectors == entry->trail.selectors) || entry->selectors == nullptr) {
    entry->selectors = std::make_shared<const TrailSelectors>(updated.selectors);
  }
  entry->trail = std::move(updated);
  return Status::Ok();
}

Result<Trail> TrailRegistry::Create(const TrailSpec& spec, std::string_view region) {
  OT_RETURN_IF_ERROR(ValidateTrailName(spec.name));
  if (!spec.s3_bucket_name) {
    return Status(Error::kValidation, "S3BucketName is required.");
  }
  Trail t;
  t.name = spec.name;
  t.account_id = options_.account_id;
  t.home_region = std::string(region);
  t.arn = MakeTrailArn(region, options_.account_id, spec.name);
  OT_RETURN_IF_ERROR(ApplySpec(spec, region, true, &t));
  t.tags = spec.tags;
  std::lock_guard lock(mu_);
  if (trails_.contains(t.arn)) {
    return Status(Error::kTrailAlreadyExists,
                  "Trail " + t.name + " already exists for customer: " + options_.account_id);
  }
  OT_RETURN_IF_ERROR(CheckLimit(t));
  Entry entry;
  OT_RETURN_IF_ERROR(Persist(&entry, t));
  trails_.emplace(t.arn, std::move(entry));
  return t;
}

Result<Trail> TrailRegistry::Update(std::string_view name_or_arn, std::string_view region,
                                    const TrailSpec& spec) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(Entry * e, Resolve(name_or_arn, region, true));
  Trail t = e->trail;
  OT_RETURN_IF_ERROR(ApplySpec(spec, region, false, &t));
  if (t.is_multi_region_trail && !e->trail.is_multi_region_trail) {
    OT_RETURN_IF_ERROR(CheckLimit(t));
  }
  OT_RETURN_IF_ERROR(Persist(e, t));
  return t;
}

Result<Trail> TrailRegistry::Delete(std::string_view name_or_arn, std::string_view region) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(Entry * e, Resolve(name_or_arn, region, true));
  Trail t = e->trail;
  OT_RETURN_IF_ERROR(db_.DeleteDocument(kKind, t.arn));
  trails_.erase(t.arn);
  return t;
}

Result<Trail> TrailRegistry::Get(std::string_view name_or_arn, std::string_view region) const {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(const Entry* e, Resolve(name_or_arn, region));
  return e->trail;
}

std::vector<Trail> TrailRegistry::Visible(std::string_view region, bool include_shadows) const {
  std::lock_guard lock(mu_);
  std::vector<Trail> out;
  for (const auto& [arn, e] : trails_) {
    bool home = e.trail.home_region == region;
    if (home || (include_shadows && e.trail.is_multi_region_trail)) out.push_back(e.trail);
  }
  return out;
}

Result<Trail> TrailRegistry::StartLogging(std::string_view name_or_arn, std::string_view region,
                                          SysMillis now) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(Entry * e, Resolve(name_or_arn, region, true));
  if (e->trail.status.is_logging) return e->trail;
  Trail t = e->trail;
  t.status.is_logging = true;
  t.status.start_logging_time = now;
  OT_RETURN_IF_ERROR(Persist(e, t));
  return t;
}

Result<Trail> TrailRegistry::StopLogging(std::string_view name_or_arn, std::string_view region,
                                         SysMillis now) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(Entry * e, Resolve(name_or_arn, region, true));
  if (!e->trail.status.is_logging) return e->trail;
  Trail t = e->trail;
  t.status.is_logging = false;
  t.status.stop_logging_time = now;
  OT_RETURN_IF_ERROR(Persist(e, t));
  return t;
}

Result<Trail> TrailRegistry::PutEventSelectors(std::string_view name_or_arn,
                                               std::string_view region, SelectorConfig config) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(Entry * e, Resolve(name_or_arn, region, true));
  Trail t = e->trail;
  t.selectors = std::move(config);
  t.selectors.configured = true;
  OT_RETURN_IF_ERROR(Persist(e, t));
  return t;
}

Result<Trail> TrailRegistry::AddTags(std::string_view resource_id, std::string_view region,
                                     const std::vector<Tag>& tags) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(Entry * e, ResolveTagResource(resource_id, region, true));
  Status valid = ValidateTags(tags);
  if (!valid.ok() && valid.code() != Error::kTagsLimitExceeded) return valid;
  Trail t = e->trail;
  for (const Tag& tag : tags) {
    bool replaced = false;
    for (Tag& existing : t.tags) {
      if (existing.key == tag.key) {
        existing.value = tag.value;
        replaced = true;
      }
    }
    if (!replaced) t.tags.push_back(tag);
  }
  if (t.tags.size() > kMaxTags) {
    return Status(Error::kTagsLimitExceeded, "The trail would have " +
                                                 std::to_string(t.tags.size()) +
                                                 " tags; a resource can have at most 50.");
  }
  OT_RETURN_IF_ERROR(Persist(e, t));
  return t;
}

Result<Trail> TrailRegistry::RemoveTags(std::string_view resource_id, std::string_view region,
                                        const std::vector<Tag>& tags) {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(Entry * e, ResolveTagResource(resource_id, region, true));
  Trail t = e->trail;
  std::erase_if(t.tags, [&](const Tag& existing) {
    for (const Tag& tag : tags) {
      if (tag.key == existing.key) return true;
    }
    return false;
  });
  OT_RETURN_IF_ERROR(Persist(e, t));
  return t;
}

Result<Trail> TrailRegistry::TagsOf(std::string_view resource_id, std::string_view region) const {
  std::lock_guard lock(mu_);
  OT_ASSIGN_OR_RETURN(
      Entry * e, const_cast<TrailRegistry*>(this)->ResolveTagResource(resource_id, region, false));
  return e->trail;
}

std::vector<LoggingTrail> TrailRegistry::LoggingTrails() const {
  std::lock_guard lock(mu_);
  std::vector<LoggingTrail> out;
  for (const auto& [arn, e] : trails_) {
    if (e.trail.status.is_logging) out.push_back(LoggingTrail{e.trail, e.selectors});
  }
  return out;
}

std::vector<LoggingTrail> TrailRegistry::AllTrails() const {
  std::lock_guard lock(mu_);
  std::vector<LoggingTrail> out;
  for (const auto& [arn, e] : trails_) out.push_back(LoggingTrail{e.trail, e.selectors});
  return out;
}

bool TrailRegistry::AnyMaySelectDataEvents() const {
  std::lock_guard lock(mu_);
  for (const auto& [arn, e] : trails_) {
    if (e.selectors->MaySelectDataEvents()) return true;
  }
  return false;
}

Status TrailRegistry::UpdateStatus(std::string_view arn,
                                   const std::function<void(TrailStatus&)>& change) {
  std::lock_guard lock(mu_);
  auto it = trails_.find(arn);
  if (it == trails_.end()) return NotFound(arn);
  Trail t = it->second.trail;
  change(t.status);
  return Persist(&it->second, std::move(t));
}

}  // namespace ot::trail
