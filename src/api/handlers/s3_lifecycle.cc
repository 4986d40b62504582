// S3 lifecycle of local buckets: Put/Get/DeleteBucketLifecycleConfiguration (validated with S3's
// errors), Put/Get/DeleteObjectTagging (and the x-amz-tagging header of PutObject), RestoreObject,
// and the records of what the lifecycle pass does (protocols.md §5.5; docs/formats/buckets.md
// § Lifecycle).

#include <algorithm>
#include <set>

#include "api/handlers/s3_operations.h"
#include "api/protocol/s3_xml.h"
#include "api/protocol/xml_reader.h"
#include "buckets/bucket_registry.h"
#include "common/encoding.h"
#include "common/ids.h"
#include "common/json_writer.h"
#include "common/time.h"
#include "events/record.h"

namespace ot::api::handlers {
namespace {

constexpr size_t kMaxRules = 1000;
constexpr size_t kMaxObjectTags = 10;

Status InvalidArgument(std::string message) {
  return Status(Error::kInvalidArgument, std::move(message));
}

Status InvalidRequest(std::string message) {
  return Status(Error::kValidation, std::move(message));
}

std::string Trimmed(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return std::string(s);
}

// An xsd:int/long element: MalformedXML unless it is a decimal integer.
Result<int64_t> IntOf(const XmlElement& e) {
  std::string text = Trimmed(e.text);
  if (text.empty() || text.size() > 18) return S3MalformedXml();
  int64_t v = 0;
  bool negative = text[0] == '-';
  for (size_t i = negative ? 1 : 0; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return S3MalformedXml();
    v = v * 10 + (text[i] - '0');
  }
  if (negative && text.size() == 1) return S3MalformedXml();
  return negative ? -v : v;
}

// At most one child named `name`: MalformedXML for repeats.
Result<const XmlElement*> Single(const XmlElement& parent, std::string_view name) {
  if (parent.Count(name) > 1) return S3MalformedXml();
  return parent.Child(name);
}

// A lifecycle Date: ISO 8601 at midnight UTC.
Result<SysMillis> DateOf(const XmlElement& e, std::string_view action) {
  auto t = ParseIso8601(Trimmed(e.text));
  if (!t.ok()) {
    return InvalidArgument("'Date' in the " + std::string(action) +
                           " action must be an ISO 8601 date, not '" + Trimmed(e.text) + "'");
  }
  if (t->time_since_epoch() % std::chrono::days(1) != std::chrono::milliseconds(0)) {
    return InvalidArgument("'Date' must be at midnight GMT");
  }
  return *t;
}

Result<buckets::LifecycleTag> TagOf(const XmlElement& e) {
  OT_ASSIGN_OR_RETURN(const XmlElement* key, Single(e, "Key"));
  OT_ASSIGN_OR_RETURN(const XmlElement* value, Single(e, "Value"));
  if (key == nullptr || value == nullptr) return S3MalformedXml();
  if (key->text.empty() || key->text.size() > 128) {
    return Status(Error::kInvalidTag, "The TagKey you have provided is invalid");
  }
  if (value->text.size() > 256) {
    return Status(Error::kInvalidTag, "The TagValue you have provided is invalid");
  }
  return buckets::LifecycleTag{key->text, value->text};
}

std::string FilterDescription(const buckets::LifecycleFilter& f) {
  if (f.form == buckets::LifecycleFilter::Form::kLegacyPrefix ||
      f.form == buckets::LifecycleFilter::Form::kPrefix ||
      f.form == buckets::LifecycleFilter::Form::kEmpty) {
    return "prefix '" + f.prefix + "'";
  }
  std::string out = "filter '(";
  bool first = true;
  auto add = [&](const std::string& part) {
    out += (first ? "" : " and ") + part;
    first = false;
  };
  if (!f.prefix.empty()) add("prefix=" + f.prefix);
  for (const auto& t : f.tags) add("tag: key=" + t.key + ", value=" + t.value);
  if (f.size_greater_than) add("objectSizeGreaterThan=" + std::to_string(*f.size_greater_than));
  if (f.size_less_than) add("objectSizeLessThan=" + std::to_string(*f.size_less_than));
  return out + ")'";
}

Status ParseFilter(const XmlElement& rule, buckets::LifecycleFilter* f) {
  using Form = buckets::LifecycleFilter::Form;
  OT_ASSIGN_OR_RETURN(const XmlElement* filter, Single(rule, "Filter"));
  OT_ASSIGN_OR_RETURN(const XmlElement* legacy, Single(rule, "Prefix"));
  if (filter != nullptr && legacy != nullptr) return S3MalformedXml();
  if (filter == nullptr && legacy == nullptr) return S3MalformedXml();
  if (legacy != nullptr) {
    f->form = Form::kLegacyPrefix;
    f->prefix = legacy->text;
    return Status::Ok();
  }
  if (filter->children.empty()) {
    f->form = Form::kEmpty;
    return Status::Ok();
  }
  if (filter->children.size() > 1) return S3MalformedXml();  // one condition, or And
  const XmlElement& c = filter->children.front();
  auto size = [&](const XmlElement& e, std::optional<uint64_t>* out) -> Status {
    OT_ASSIGN_OR_RETURN(int64_t v, IntOf(e));
    if (v < 0) {
      return InvalidArgument("'" + e.name + "' in the Filter must be a nonnegative number");
    }
    *out = static_cast<uint64_t>(v);
    return Status::Ok();
  };
  if (c.name == "Prefix") {
    f->form = Form::kPrefix;
    f->prefix = c.text;
  } else if (c.name == "Tag") {
    f->form = Form::kTag;
    OT_ASSIGN_OR_RETURN(auto tag, TagOf(c));
    f->tags.push_back(std::move(tag));
  } else if (c.name == "ObjectSizeGreaterThan") {
    f->form = Form::kSizeGreater;
    OT_RETURN_IF_ERROR(size(c, &f->size_greater_than));
  } else if (c.name == "ObjectSizeLessThan") {
    f->form = Form::kSizeLess;
    OT_RETURN_IF_ERROR(size(c, &f->size_less_than));
  } else if (c.name == "And") {
    f->form = Form::kAnd;
    size_t conditions = 0;
    std::set<std::string> keys;
    for (const XmlElement& a : c.children) {
      ++conditions;
      if (a.name == "Prefix") {
        if (c.Count("Prefix") > 1) return S3MalformedXml();
        f->prefix = a.text;
      } else if (a.name == "Tag") {
        OT_ASSIGN_OR_RETURN(auto tag, TagOf(a));
        if (!keys.insert(tag.key).second) {
          return InvalidRequest("Duplicate Tag Keys are not allowed.");
        }
        f->tags.push_back(std::move(tag));
      } else if (a.name == "ObjectSizeGreaterThan") {
        if (c.Count(a.name) > 1) return S3MalformedXml();
        OT_RETURN_IF_ERROR(size(a, &f->size_greater_than));
      } else if (a.name == "ObjectSizeLessThan") {
        if (c.Count(a.name) > 1) return S3MalformedXml();
        OT_RETURN_IF_ERROR(size(a, &f->size_less_than));
      } else {
        return S3MalformedXml();
      }
    }
    if (conditions < 2) return S3MalformedXml();  // And joins two or more conditions
    if (f->size_greater_than && f->size_less_than && *f->size_greater_than >= *f->size_less_than) {
      return InvalidArgument(
          "'ObjectSizeGreaterThan' must be less than 'ObjectSizeLessThan' in the And filter");
    }
  } else {
    return S3MalformedXml();
  }
  return Status::Ok();
}

Status CheckStorageClass(std::string_view storage_class, std::string_view action) {
  if (!buckets::IsTransitionStorageClass(storage_class)) {
    return InvalidArgument("'StorageClass' in the " + std::string(action) +
                           " action must be one of GLACIER, STANDARD_IA, ONEZONE_IA, "
                           "INTELLIGENT_TIERING, DEEP_ARCHIVE, GLACIER_IR, not '" +
                           std::string(storage_class) + "'");
  }
  return Status::Ok();
}

Result<buckets::LifecycleRule> ParseRule(const XmlElement& e, std::set<std::string>* ids,
                                         Random& random) {
  buckets::LifecycleRule r;
  for (const XmlElement& c : e.children) {
    static const std::set<std::string_view> kKnown = {"ID",
                                                      "Filter",
                                                      "Prefix",
                                                      "Status",
                                                      "Transition",
                                                      "Expiration",
                                                      "NoncurrentVersionTransition",
                                                      "NoncurrentVersionExpiration",
                                                      "AbortIncompleteMultipartUpload"};
    if (!kKnown.contains(c.name)) return S3MalformedXml();
  }
  OT_ASSIGN_OR_RETURN(const XmlElement* id, Single(e, "ID"));
  if (id != nullptr && !id->text.empty()) {
    if (id->text.size() > 255) {
      return InvalidArgument("ID length should not exceed allowed limit of 255");
    }
    r.id = id->text;
  } else {
    // S3 names a rule without an ID itself.
    uint64_t n[2] = {random.Next64(), random.Next64()};
    r.id = Base64Encode(std::string_view(reinterpret_cast<const char*>(n), 16));
  }
  if (!ids->insert(r.id).second) {
    return InvalidArgument("Rule ID must be unique. Found same ID for more than one rule");
  }
  OT_ASSIGN_OR_RETURN(const XmlElement* status, Single(e, "Status"));
  if (status == nullptr || (status->text != "Enabled" && status->text != "Disabled")) {
    return S3MalformedXml();
  }
  r.enabled = status->text == "Enabled";
  OT_RETURN_IF_ERROR(ParseFilter(e, &r.filter));
  const std::string where = FilterDescription(r.filter);
  bool has_tags = !r.filter.tags.empty();

  std::optional<bool> by_days;  // whether Transitions and Expiration time by Days (or by Date)
  auto timing = [&](bool days) -> Status {
    if (by_days && *by_days != days) {
      return InvalidRequest(
          "Found mixed 'Date' and 'Days' based Expiration and Transition actions in lifecycle "
          "rule for " +
          where);
    }
    by_days = days;
    return Status::Ok();
  };
  std::set<std::string> classes;
  for (const XmlElement* t : e.Children("Transition")) {
    buckets::LifecycleTransition tr;
    OT_ASSIGN_OR_RETURN(const XmlElement* days, Single(*t, "Days"));
    OT_ASSIGN_OR_RETURN(const XmlElement* date, Single(*t, "Date"));
    OT_ASSIGN_OR_RETURN(const XmlElement* sc, Single(*t, "StorageClass"));
    if (sc == nullptr || (days == nullptr) == (date == nullptr)) return S3MalformedXml();
    tr.storage_class = Trimmed(sc->text);
    OT_RETURN_IF_ERROR(CheckStorageClass(tr.storage_class, "Transition"));
    if (days != nullptr) {
      OT_ASSIGN_OR_RETURN(int64_t d, IntOf(*days));
      if (d < 0) return InvalidArgument("'Days' in Transition action must be nonnegative");
      if ((tr.storage_class == "STANDARD_IA" || tr.storage_class == "ONEZONE_IA") && d < 30) {
        return InvalidArgument(
            "'Days' in Transition action must be greater than or equal to 30 for storageClass '" +
            tr.storage_class + "'");
      }
      tr.days = d;
      OT_RETURN_IF_ERROR(timing(true));
    } else {
      OT_ASSIGN_OR_RETURN(tr.date, DateOf(*date, "Transition"));
      OT_RETURN_IF_ERROR(timing(false));
    }
    if (!classes.insert(tr.storage_class).second) {
      return InvalidRequest(
          "'StorageClass' must be different for 'Transition' actions in same 'Rule' with " + where);
    }
    r.transitions.push_back(std::move(tr));
  }
  OT_ASSIGN_OR_RETURN(const XmlElement* exp, Single(e, "Expiration"));
  if (exp != nullptr) {
    buckets::LifecycleExpiration ex;
    OT_ASSIGN_OR_RETURN(const XmlElement* days, Single(*exp, "Days"));
    OT_ASSIGN_OR_RETURN(const XmlElement* date, Single(*exp, "Date"));
    OT_ASSIGN_OR_RETURN(const XmlElement* marker, Single(*exp, "ExpiredObjectDeleteMarker"));
    int given = (days != nullptr) + (date != nullptr) + (marker != nullptr);
    if (given == 0) return S3MalformedXml();
    if (marker != nullptr && given > 1) {
      return InvalidArgument(
          "ExpiredObjectDeleteMarker cannot be specified with Days or Date in a Lifecycle "
          "Expiration Policy.");
    }
    if (days != nullptr && date != nullptr) return S3MalformedXml();
    if (days != nullptr) {
      OT_ASSIGN_OR_RETURN(int64_t d, IntOf(*days));
      if (d <= 0) return InvalidArgument("'Days' for Expiration action must be a positive integer");
      ex.days = d;
      OT_RETURN_IF_ERROR(timing(true));
      for (const auto& tr : r.transitions) {
        if (tr.days && *tr.days >= d) {
          return InvalidArgument("'Days' in the Expiration action for " + where +
                                 " must be greater than 'Days' in the Transition action");
        }
      }
    }
    if (date != nullptr) {
      OT_ASSIGN_OR_RETURN(ex.date, DateOf(*date, "Expiration"));
      OT_RETURN_IF_ERROR(timing(false));
      for (const auto& tr : r.transitions) {
        if (tr.date && *tr.date >= *ex.date) {
          return InvalidArgument("'Date' in the Expiration action for " + where +
                                 " must be later than 'Date' in the Transition action");
        }
      }
    }
    if (marker != nullptr) {
      if (marker->text != "true" && marker->text != "false") return S3MalformedXml();
      if (has_tags) {
        return InvalidRequest("ExpiredObjectDeleteMarker cannot be specified with object tagging");
      }
      ex.expired_object_delete_marker = marker->text == "true";
    }
    r.expiration = ex;
  }
  std::set<std::string> nc_classes;
  for (const XmlElement* t : e.Children("NoncurrentVersionTransition")) {
    buckets::NoncurrentVersionTransition tr;
    OT_ASSIGN_OR_RETURN(const XmlElement* days, Single(*t, "NoncurrentDays"));
    OT_ASSIGN_OR_RETURN(const XmlElement* newer, Single(*t, "NewerNoncurrentVersions"));
    OT_ASSIGN_OR_RETURN(const XmlElement* sc, Single(*t, "StorageClass"));
    if (days == nullptr || sc == nullptr) return S3MalformedXml();
    tr.storage_class = Trimmed(sc->text);
    OT_RETURN_IF_ERROR(CheckStorageClass(tr.storage_class, "NoncurrentVersionTransition"));
    OT_ASSIGN_OR_RETURN(tr.noncurrent_days, IntOf(*days));
    if (tr.noncurrent_days < 0) {
      return InvalidArgument(
          "'NoncurrentDays' in NoncurrentVersionTransition action must be "
          "nonnegative");
    }
    if (newer != nullptr) {
      OT_ASSIGN_OR_RETURN(int64_t n, IntOf(*newer));
      if (n <= 0 || n > 100) {
        return InvalidArgument("'NewerNoncurrentVersions' must be an integer from 1 to 100");
      }
      tr.newer_noncurrent_versions = n;
    }
    if (!nc_classes.insert(tr.storage_class).second) {
      return InvalidRequest(
          "'StorageClass' must be different for 'NoncurrentVersionTransition' actions in same "
          "'Rule' with " +
          where);
    }
    r.noncurrent_transitions.push_back(std::move(tr));
  }
  OT_ASSIGN_OR_RETURN(const XmlElement* ncexp, Single(e, "NoncurrentVersionExpiration"));
  if (ncexp != nullptr) {
    buckets::NoncurrentVersionExpiration ex;
    OT_ASSIGN_OR_RETURN(const XmlElement* days, Single(*ncexp, "NoncurrentDays"));
    OT_ASSIGN_OR_RETURN(const XmlElement* newer, Single(*ncexp, "NewerNoncurrentVersions"));
    if (days == nullptr) return S3MalformedXml();
    OT_ASSIGN_OR_RETURN(int64_t d, IntOf(*days));
    if (d <= 0) {
      return InvalidArgument(
          "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer");
    }
    ex.noncurrent_days = d;
    if (newer != nullptr) {
      OT_ASSIGN_OR_RETURN(int64_t n, IntOf(*newer));
      if (n <= 0 || n > 100) {
        return InvalidArgument("'NewerNoncurrentVersions' must be an integer from 1 to 100");
      }
      ex.newer_noncurrent_versions = n;
    }
    r.noncurrent_expiration = ex;
  }
  OT_ASSIGN_OR_RETURN(const XmlElement* abort, Single(e, "AbortIncompleteMultipartUpload"));
  if (abort != nullptr) {
    OT_ASSIGN_OR_RETURN(const XmlElement* days, Single(*abort, "DaysAfterInitiation"));
    if (days == nullptr) return S3MalformedXml();
    OT_ASSIGN_OR_RETURN(int64_t d, IntOf(*days));
    if (d <= 0) {
      return InvalidArgument(
          "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive "
          "integer");
    }
    if (has_tags)
      return InvalidRequest("AbortIncompleteMultipartUpload cannot be specified with Tags.");
    r.abort_incomplete_multipart_days = d;
  }
  if (r.transitions.empty() && !r.expiration && r.noncurrent_transitions.empty() &&
      !r.noncurrent_expiration && !r.abort_incomplete_multipart_days) {
    return InvalidRequest("At least one action needs to be specified in a rule");
  }
  return r;
}

std::string Elem(std::string_view name, std::string_view value) {
  return "<" + std::string(name) + ">" + XmlEscape(value) + "</" + std::string(name) + ">";
}

std::string TagXml(const buckets::LifecycleTag& t) {
  return "<Tag>" + Elem("Key", t.key) + Elem("Value", t.value) + "</Tag>";
}

std::string FilterXml(const buckets::LifecycleFilter& f) {
  using Form = buckets::LifecycleFilter::Form;
  switch (f.form) {
    case Form::kLegacyPrefix:
      return Elem("Prefix", f.prefix);
    case Form::kEmpty:
      return "<Filter></Filter>";
    case Form::kPrefix:
      return "<Filter>" + Elem("Prefix", f.prefix) + "</Filter>";
    case Form::kTag:
      return "<Filter>" + (f.tags.empty() ? std::string() : TagXml(f.tags.front())) + "</Filter>";
    case Form::kSizeGreater:
      return "<Filter>" +
             Elem("ObjectSizeGreaterThan", std::to_string(f.size_greater_than.value_or(0))) +
             "</Filter>";
    case Form::kSizeLess:
      return "<Filter>" + Elem("ObjectSizeLessThan", std::to_string(f.size_less_than.value_or(0))) +
             "</Filter>";
    case Form::kAnd: {
      std::string out = "<Filter><And>";
      if (!f.prefix.empty()) out += Elem("Prefix", f.prefix);
      for (const auto& t : f.tags) out += TagXml(t);
      if (f.size_greater_than) {
        out += Elem("ObjectSizeGreaterThan", std::to_string(*f.size_greater_than));
      }
      if (f.size_less_than) out += Elem("ObjectSizeLessThan", std::to_string(*f.size_less_than));
      return out + "</And></Filter>";
    }
  }
  return "";
}

std::string LifecycleXml(const buckets::LifecycleConfiguration& config) {
  std::string b = "<LifecycleConfiguration xmlns=\"" + std::string(kS3Xmlns) + "\">";
  for (const buckets::LifecycleRule& r : config.rules) {
    b += "<Rule>" + Elem("ID", r.id) + FilterXml(r.filter);
    b += Elem("Status", r.enabled ? "Enabled" : "Disabled");
    for (const auto& t : r.transitions) {
      b += "<Transition>";
      if (t.days) b += Elem("Days", std::to_string(*t.days));
      if (t.date) b += Elem("Date", FormatIso8601(*t.date));
      b += Elem("StorageClass", t.storage_class) + "</Transition>";
    }
    if (r.expiration) {
      b += "<Expiration>";
      if (r.expiration->days) b += Elem("Days", std::to_string(*r.expiration->days));
      if (r.expiration->date) b += Elem("Date", FormatIso8601(*r.expiration->date));
      if (r.expiration->expired_object_delete_marker) {
        b += Elem("ExpiredObjectDeleteMarker",
                  *r.expiration->expired_object_delete_marker ? "true" : "false");
      }
      b += "</Expiration>";
    }
    for (const auto& t : r.noncurrent_transitions) {
      b += "<NoncurrentVersionTransition>" +
           Elem("NoncurrentDays", std::to_string(t.noncurrent_days));
      if (t.newer_noncurrent_versions) {
        b += Elem("NewerNoncurrentVersions", std::to_string(*t.newer_noncurrent_versions));
      }
      b += Elem("StorageClass", t.storage_class) + "</NoncurrentVersionTransition>";
    }
    if (r.noncurrent_expiration) {
      b += "<NoncurrentVersionExpiration>";
      if (r.noncurrent_expiration->noncurrent_days) {
        b += Elem("NoncurrentDays", std::to_string(*r.noncurrent_expiration->noncurrent_days));
      }
      if (r.noncurrent_expiration->newer_noncurrent_versions) {
        b += Elem("NewerNoncurrentVersions",
                  std::to_string(*r.noncurrent_expiration->newer_noncurrent_versions));
      }
      b += "</NoncurrentVersionExpiration>";
    }
    if (r.abort_incomplete_multipart_days) {
      b += "<AbortIncompleteMultipartUpload>" +
           Elem("DaysAfterInitiation", std::to_string(*r.abort_incomplete_multipart_days)) +
           "</AbortIncompleteMultipartUpload>";
    }
    b += "</Rule>";
  }
  return b + "</LifecycleConfiguration>";
}

Status CheckTags(const std::map<std::string, std::string>& tags, size_t count) {
  if (count > kMaxObjectTags) {
    return Status(Error::kInvalidTag, "Object tags cannot be greater than 10");
  }
  if (tags.size() != count) {
    return Status(Error::kInvalidTag, "Cannot provide multiple Tags with the same key");
  }
  for (const auto& [k, v] : tags) {
    if (k.empty() || k.size() > 128) {
      return Status(Error::kInvalidTag, "The TagKey you have provided is invalid");
    }
    if (v.size() > 256) {
      return Status(Error::kInvalidTag, "The TagValue you have provided is invalid");
    }
    if (k.starts_with("aws:")) {
      return Status(Error::kInvalidTag, "Your TagKey cannot be prefixed with aws:");
    }
  }
  return Status::Ok();
}

// Lifecycle "days" as the server counts them (serve --lifecycle-day-seconds).
std::chrono::milliseconds LifecycleDay(const Services& services) {
  return services.lifecycle_day.count() > 0 ? services.lifecycle_day
                                            : std::chrono::milliseconds(std::chrono::hours(24));
}

}  // namespace

Result<buckets::LifecycleConfiguration> ParseLifecycleXml(std::string_view body, Random& random) {
  OT_ASSIGN_OR_RETURN(XmlElement root, ParseXml(body));
  if (root.name != "LifecycleConfiguration") return S3MalformedXml();
  for (const XmlElement& c : root.children) {
    if (c.name != "Rule") return S3MalformedXml();
  }
  if (root.children.empty()) return S3MalformedXml();
  if (root.children.size() > kMaxRules) {
    return InvalidArgument("The number of lifecycle rules must not exceed 1000");
  }
  buckets::LifecycleConfiguration config;
  std::set<std::string> ids;
  for (const XmlElement& rule : root.children) {
    OT_ASSIGN_OR_RETURN(auto r, ParseRule(rule, &ids, random));
    config.rules.push_back(std::move(r));
  }
  return config;
}

Result<std::map<std::string, std::string>> ParseTaggingHeader(std::string_view header) {
  std::map<std::string, std::string> tags;
  size_t count = 0;
  if (header.empty()) return tags;
  size_t start = 0;
  while (start <= header.size()) {
    size_t amp = header.find('&', start);
    std::string_view part =
        header.substr(start, amp == std::string_view::npos ? header.npos : amp - start);
    if (!part.empty()) {
      size_t eq = part.find('=');
      std::string key = UriDecode(part.substr(0, eq), true);
      std::string value = eq == std::string_view::npos ? "" : UriDecode(part.substr(eq + 1), true);
      tags.emplace(std::move(key), std::move(value));
      ++count;
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  OT_RETURN_IF_ERROR(CheckTags(tags, count));
  return tags;
}

Result<S3Outcome> PutBucketLifecycleConfiguration(const Services& services, const CallContext&,
                                                  const S3Request& request) {
  OT_RETURN_IF_ERROR(services.buckets->Get(request.bucket).status());
  OT_RETURN_IF_ERROR(RequireChecksum(request));
  OT_ASSIGN_OR_RETURN(auto config, ParseLifecycleXml(request.body, services.env.random));
  OT_RETURN_IF_ERROR(services.buckets->PutLifecycle(request.bucket, config));
  return S3Recorded(request, 200);
}

Result<S3Outcome> GetBucketLifecycleConfiguration(const Services& services, const CallContext&,
                                                  const S3Request& request) {
  OT_ASSIGN_OR_RETURN(auto config, services.buckets->GetLifecycle(request.bucket));
  S3Outcome out = S3Recorded(request, 200);
  out.outcome.body = LifecycleXml(config);
  return out;
}

Result<S3Outcome> DeleteBucketLifecycle(const Services& services, const CallContext&,
                                        const S3Request& request) {
  OT_RETURN_IF_ERROR(services.buckets->DeleteLifecycle(request.bucket));
  return S3Recorded(request, 204);
}

Result<S3Outcome> PutObjectTagging(const Services& services, const CallContext&,
                                   const S3Request& request) {
  OT_RETURN_IF_ERROR(services.buckets->HeadObject(request.bucket, request.key).status());
  OT_RETURN_IF_ERROR(RequireChecksum(request));
  OT_ASSIGN_OR_RETURN(XmlElement root, ParseXml(request.body));
  if (root.name != "Tagging") return S3MalformedXml();
  OT_ASSIGN_OR_RETURN(const XmlElement* set, Single(root, "TagSet"));
  if (set == nullptr) return S3MalformedXml();
  std::map<std::string, std::string> tags;
  size_t count = 0;
  for (const XmlElement& t : set->children) {
    if (t.name != "Tag") return S3MalformedXml();
    OT_ASSIGN_OR_RETURN(const XmlElement* key, Single(t, "Key"));
    OT_ASSIGN_OR_RETURN(const XmlElement* value, Single(t, "Value"));
    if (key == nullptr || value == nullptr) return S3MalformedXml();
    tags.emplace(key->text, value->text);
    ++count;
  }
  OT_RETURN_IF_ERROR(CheckTags(tags, count));
  OT_RETURN_IF_ERROR(services.buckets->PutObjectTags(request.bucket, request.key, tags));
  return S3Recorded(request, 200);
}

Result<S3Outcome> GetObjectTagging(const Services& services, const CallContext&,
                                   const S3Request& request) {
  OT_ASSIGN_OR_RETURN(auto tags, services.buckets->GetObjectTags(request.bucket, request.key));
  S3Outcome out = S3Recorded(request, 200);
  std::string& b = out.outcome.body;
  b = "<Tagging xmlns=\"" + std::string(kS3Xmlns) + "\"><TagSet>";
  for (const auto& [k, v] : tags) b += "<Tag>" + Elem("Key", k) + Elem("Value", v) + "</Tag>";
  b += "</TagSet></Tagging>";
  return out;
}

Result<S3Outcome> DeleteObjectTagging(const Services& services, const CallContext&,
                                      const S3Request& request) {
  OT_RETURN_IF_ERROR(services.buckets->PutObjectTags(request.bucket, request.key, {}));
  return S3Recorded(request, 204);
}

Result<S3Outcome> RestoreObject(const Services& services, const CallContext&,
                                const S3Request& request) {
  OT_RETURN_IF_ERROR(services.buckets->HeadObject(request.bucket, request.key).status());
  OT_ASSIGN_OR_RETURN(XmlElement root, ParseXml(request.body));
  if (root.name != "RestoreRequest") return S3MalformedXml();
  OT_ASSIGN_OR_RETURN(const XmlElement* days, Single(root, "Days"));
  if (days == nullptr) return S3MalformedXml();
  OT_ASSIGN_OR_RETURN(int64_t d, IntOf(*days));
  if (d < 1) return InvalidArgument("'Days' in the RestoreRequest must be a positive integer");
  if (const XmlElement* job = root.Child("GlacierJobParameters")) {
    const XmlElement* tier = job->Child("Tier");
    if (tier == nullptr ||
        (tier->text != "Standard" && tier->text != "Bulk" && tier->text != "Expedited")) {
      return S3MalformedXml();
    }
  }
  OT_ASSIGN_OR_RETURN(bool started, services.buckets->RestoreObject(request.bucket, request.key, d,
                                                                    LifecycleDay(services)));
  return S3Recorded(request, started ? 202 : 200);
}

store::NewEvent BuildLifecycleEvent(const buckets::LifecycleAction& action,
                                    std::string_view account_id, Random& random) {
  using Kind = buckets::LifecycleAction::Kind;
  events::Record r;
  r.event_version = "1.11";
  events::UserIdentity id;
  id.type = "AWSService";
  id.invoked_by = "s3.amazonaws.com";
  r.user_identity = std::move(id);
  r.event_time = std::chrono::time_point_cast<std::chrono::seconds>(action.time);
  r.event_source = "s3.amazonaws.com";
  switch (action.kind) {
    case Kind::kTransition:
      r.event_name = "LifecycleTransition";
      break;
    case Kind::kExpiration:
      r.event_name = action.version_id.empty() || action.permanent
                         ? "LifecycleExpiration:Delete"
                         : "LifecycleExpiration:DeleteMarkerCreated";
      break;
    case Kind::kRestoreComplete:
      r.event_name = "ObjectRestore:Completed";
      break;
    case Kind::kRestoreExpired:
      r.event_name = "ObjectRestore:Delete";
      break;
  }
  r.aws_region = action.region;
  r.source_ip_address = "s3.amazonaws.com";
  r.user_agent = "s3.amazonaws.com";
  r.request_parameters = "null";
  r.response_elements = "null";
  r.event_id = NewUuid(random);
  r.read_only = false;
  std::string object_arn = "arn:aws:s3:::" + action.bucket + "/" + action.key;
  events::Resource object;
  object.type = "AWS::S3::Object";
  object.arn = object_arn;
  object.has_type = object.has_arn = true;
  events::Resource bucket;
  bucket.type = "AWS::S3::Bucket";
  bucket.arn = "arn:aws:s3:::" + action.bucket;
  bucket.has_type = bucket.has_arn = true;
  if (!action.owner_account.empty()) {
    bucket.account_id = action.owner_account;
    bucket.has_account_id = true;
  }
  r.resources = std::vector<events::Resource>{object, bucket};
  r.event_type = "AwsServiceEvent";
  r.management_event = true;
  r.recipient_account_id = std::string(account_id);
  JsonWriter w;
  w.BeginObject();
  w.Key("bucketName").String(ToValidUtf8(action.bucket));
  w.Key("key").String(ToValidUtf8(action.key));
  if (!action.rule_id.empty()) w.Key("lifecycleRuleId").String(ToValidUtf8(action.rule_id));
  w.Key("storageClass").String(action.storage_class);
  if (!action.previous_class.empty()) w.Key("previousStorageClass").String(action.previous_class);
  w.Key("objectSize").Uint(action.size);
  if (action.kind == Kind::kTransition) w.Key("storedBytes").Uint(action.stored_bytes);
  if (!action.version_id.empty()) {
    w.Key(action.permanent ? "versionId" : "deleteMarkerVersionId").String(action.version_id);
  }
  if (action.kind == Kind::kRestoreComplete) {
    w.Key("restoreExpiryDate").String(FormatIso8601(action.restore_expiry));
  }
  w.EndObject();
  r.service_event_details = w.Take();
  r.event_category = "Management";
  store::NewEvent e;
  e.attrs = events::DeriveLookupAttributes(r);
  events::AppendSerializedRecord(r, &e.json);
  return e;
}

}  // namespace ot::api::handlers
