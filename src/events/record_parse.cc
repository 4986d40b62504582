#include <simdjson.h>

#include <bitset>
#include <utility>

#include "common/ids.h"
#include "common/json_writer.h"
#include "common/time.h"
#include "crypto/hash.h"
#include "events/internal/fields.h"
#include "events/internal/json_util.h"
#include "events/record.h"

namespace ot::events {
namespace {

using internal::Field;
using internal::IdentityField;
namespace od = internal::od;

constexpr size_t kMaxEventIdBytes = 128;

Status Invalid(std::string message) { return Status(Error::kInvalidRecord, std::move(message)); }

std::string Quote(std::string_view s) {
  std::string out;
  AppendJsonString(&out, s.substr(0, 64));
  return out;
}

Status Malformed(std::string_view path, simdjson::error_code err) {
  return Invalid(std::string(path) + ": malformed JSON (" + simdjson::error_message(err) + ")");
}

// Reads and validates the members of one record. `path` prefixes name nested members, e.g.
// "userIdentity.type" or "resources[2].ARN".
class RecordReader {
 public:
  explicit RecordReader(Record* record) : r_(*record) {}

  Status ReadMember(std::string_view key, od::value value) {
    const Field field = internal::LookupField(key);
    if (field == Field::kUnknown) {
      r_.extra.emplace_back(std::string(key), RawJson());
      return ReadAny(key, value, &r_.extra.back().second);
    }
    const auto bit = static_cast<size_t>(field);
    if (seen_[bit]) return Invalid(std::string(key) + ": duplicate member");
    seen_[bit] = true;
    switch (field) {
      case Field::kUnknown:
        break;
      case Field::kEventVersion:
        return ReadString(key, value, &r_.event_version);
      case Field::kUserIdentity:
        return ReadIdentity(value);
      case Field::kEventTime:
        return ReadEventTime(value);
      case Field::kEventSource:
        return ReadString(key, value, &r_.event_source.emplace());
      case Field::kEventName:
        return ReadString(key, value, &r_.event_name.emplace());
      case Field::kAwsRegion:
        return ReadString(key, value, &r_.aws_region);
      case Field::kSourceIpAddress:
        return ReadString(key, value, &r_.source_ip_address.emplace());
      case Field::kUserAgent:
        return ReadString(key, value, &r_.user_agent.emplace());
      case Field::kErrorCode:
        return ReadString(key, value, &r_.error_code.emplace());
      case Field::kErrorMessage:
        return ReadString(key, value, &r_.error_message.emplace());
      case Field::kRequestParameters:
        return ReadFreeForm(key, value, &r_.request_parameters);
      case Field::kResponseElements:
        return ReadFreeForm(key, value, &r_.response_elements);
      case Field::kAdditionalEventData:
        return ReadFreeForm(key, value, &r_.additional_event_data);
      case Field::kRequestId:
        return ReadString(key, value, &r_.request_id.emplace());
      case Field::kEventId:
        return ReadEventId(value);
      case Field::kReadOnly:
        return ReadBool(key, value, &r_.read_only.emplace());
      case Field::kResources:
        return ReadResources(value);
      case Field::kEventType:
        return ReadNonEmptyString(key, value, &r_.event_type);
      case Field::kApiVersion:
        return ReadString(key, value, &r_.api_version.emplace());
      case Field::kManagementEvent:
        return ReadBool(key, value, &r_.management_event.emplace());
      case Field::kRecipientAccountId:
        return ReadString(key, value, &r_.recipient_account_id.emplace());
      case Field::kSharedEventId:
        return ReadString(key, value, &r_.shared_event_id.emplace());
      case Field::kVpcEndpointId:
        return ReadString(key, value, &r_.vpc_endpoint_id.emplace());
      case Field::kVpcEndpointAccountId:
        return ReadString(key, value, &r_.vpc_endpoint_account_id.emplace());
      case Field::kServiceEventDetails:
        return ReadFreeForm(key, value, &r_.service_event_details);
      case Field::kEventCategory:
        return ReadString(key, value, &r_.event_category.emplace());
      case Field::kAddendum:
        return ReadObject(key, value, /*allow_null=*/true, &r_.addendum);
      case Field::kSessionCredentialFromConsole:
        return ReadStringOrBool(key, value, &r_.session_credential_from_console);
      case Field::kEdgeDeviceDetails:
        return ReadObject(key, value, /*allow_null=*/true, &r_.edge_device_details);
      case Field::kTlsDetails:
        return ReadObject(key, value, /*allow_null=*/true, &r_.tls_details);
      case Field::kEventContext:
        return ReadObject(key, value, /*allow_null=*/true, &r_.event_context);
      case Field::kInsightDetails:
        return ReadObject(key, value, /*allow_null=*/false, &r_.insight_details);
    }
    return Status::Ok();
  }

  // Checks what only the whole record can tell: required members and the Insights exceptions.
  Status Finish(std::string_view json) {
    if (!seen(Field::kEventVersion)) return Invalid("eventVersion: required");
    if (!IsEventVersion(r_.event_version)) {
      return Invalid("eventVersion: expected \"<major>.<minor>\", got " + Quote(r_.event_version));
    }
    if (!seen(Field::kEventTime)) return Invalid("eventTime: required");
    if (!seen(Field::kAwsRegion)) return Invalid("awsRegion: required");
    // Insights records (records.md §9) carry insightDetails instead of a caller and an API.
    const bool insight = r_.event_type == "AwsCloudTrailInsight" || r_.event_category == "Insight";
    if (insight) {
      if (!seen(Field::kInsightDetails)) return Invalid("insightDetails: required on Insights");
    } else {
      if (!seen(Field::kUserIdentity)) return Invalid("userIdentity: required");
      if (!seen(Field::kEventSource)) return Invalid("eventSource: required");
      if (!seen(Field::kEventName)) return Invalid("eventName: required");
    }
    // AwsServiceEvent records may name the caller only by {accountId, invokedBy}.
    if (r_.user_identity && r_.user_identity->type.empty() && r_.event_type != "AwsServiceEvent") {
      return Invalid("userIdentity.type: required");
    }
    if (!seen(Field::kEventId)) r_.event_id = UuidFromDigest(crypto::Sha256(json));
    return Status::Ok();
  }

 private:
  bool seen(Field f) const { return seen_[static_cast<size_t>(f)]; }

  static bool IsEventVersion(std::string_view v) {
    const size_t dot = v.find('.');
    if (dot == 0 || dot == std::string_view::npos || dot + 1 == v.size()) return false;
    for (size_t i = 0; i < v.size(); ++i) {
      if (i != dot && (v[i] < '0' || v[i] > '9')) return false;
    }
    return true;
  }

  static Status WrongType(std::string_view path, std::string_view expected, od::value& value) {
    return Invalid(std::string(path) + ": expected " + std::string(expected) + ", got " +
                   std::string(internal::TypeName(value)));
  }

  static Status ReadString(std::string_view path, od::value& value, std::string* out) {
    std::string_view s;
    if (auto err = value.get_string().get(s)) {
      if (err == simdjson::INCORRECT_TYPE) return WrongType(path, "a string", value);
      return Malformed(path, err);
    }
    out->assign(s);
    return Status::Ok();
  }

  static Status ReadNonEmptyString(std::string_view path, od::value& value, std::string* out) {
    OT_RETURN_IF_ERROR(ReadString(path, value, out));
    if (out->empty()) return Invalid(std::string(path) + ": must not be empty");
    return Status::Ok();
  }

  static Status ReadBool(std::string_view path, od::value& value, bool* out) {
    if (auto err = value.get_bool().get(*out)) {
      if (err == simdjson::INCORRECT_TYPE) return WrongType(path, "a boolean", value);
      return Malformed(path, err);
    }
    return Status::Ok();
  }

  static Status ReadAny(std::string_view path, od::value& value, RawJson* out) {
    if (auto err = internal::AppendCompactJson(value, out)) return Malformed(path, err);
    return Status::Ok();
  }

  static Status ReadObject(std::string_view path, od::value& value, bool allow_null, RawJson* out) {
    od::json_type type;
    if (auto err = value.type().get(type)) return Malformed(path, err);
    if (type != od::json_type::object && !(allow_null && type == od::json_type::null)) {
      return WrongType(path, allow_null ? "an object or null" : "an object", value);
    }
    return ReadAny(path, value, out);
  }

  // Service-defined payloads (requestParameters, responseElements, additionalEventData,
  // serviceEventDetails): CloudTrail documents objects, but logs written by AWS over the years are
  // not all that tidy, and these members are opaque to us — any JSON value is kept as it is.
  static Status ReadFreeForm(std::string_view path, od::value& value, RawJson* out) {
    return ReadAny(path, value, out);
  }

  static Status ReadStringOrBool(std::string_view path, od::value& value, RawJson* out) {
    od::json_type type;
    if (auto err = value.type().get(type)) return Malformed(path, err);
    if (type != od::json_type::string && type != od::json_type::boolean) {
      return WrongType(path, "a string or a boolean", value);
    }
    return ReadAny(path, value, out);
  }

  Status ReadEventTime(od::value& value) {
    std::string text;
    OT_RETURN_IF_ERROR(ReadString("eventTime", value, &text));
    Result<SysMillis> t = ParseIso8601(text);
    if (!t.ok()) return Invalid("eventTime: expected an ISO-8601 timestamp, got " + Quote(text));
    r_.event_time = *t;
    // Keep the text only when the canonical form would not reproduce it.
    if (FormatIso8601(*t) != text) r_.event_time_text = std::move(text);
    return Status::Ok();
  }

  Status ReadEventId(od::value& value) {
    OT_RETURN_IF_ERROR(ReadNonEmptyString("eventID", value, &r_.event_id));
    if (r_.event_id.size() > kMaxEventIdBytes) {
      return Invalid("eventID: longer than " + std::to_string(kMaxEventIdBytes) + " bytes");
    }
    return Status::Ok();
  }

  Status ReadIdentity(od::value& value) {
    od::object object;
    if (auto err = value.get_object().get(object)) {
      if (err == simdjson::INCORRECT_TYPE) return WrongType("userIdentity", "an object", value);
      return Malformed("userIdentity", err);
    }
    UserIdentity& id = r_.user_identity.emplace();
    std::bitset<internal::kIdentityFieldCount> seen;
    std::string path;
    for (auto member : object) {
      od::field f;
      std::string_view key;
      bool canonical;
      if (auto err = std::move(member).get(f)) return Malformed("userIdentity", err);
      if (auto err = internal::FieldKey(f, &key, &canonical)) return Malformed("userIdentity", err);
      path.assign("userIdentity.").append(key);
      od::value v = f.value();
      const IdentityField field = internal::LookupIdentityField(key);
      if (field == IdentityField::kUnknown) {
        id.extra.emplace_back(std::string(key), RawJson());
        OT_RETURN_IF_ERROR(ReadAny(path, v, &id.extra.back().second));
        continue;
      }
      if (seen[static_cast<size_t>(field)]) return Invalid(path + ": duplicate member");
      seen[static_cast<size_t>(field)] = true;
      OT_RETURN_IF_ERROR(ReadIdentityMember(field, path, v, id));
    }
    return Status::Ok();
  }

  static Status ReadIdentityMember(IdentityField field, std::string_view path, od::value& v,
                                   UserIdentity& id) {
    switch (field) {
      case IdentityField::kUnknown:
        break;
      case IdentityField::kType:
        return ReadNonEmptyString(path, v, &id.type);
      case IdentityField::kPrincipalId:
        return ReadString(path, v, &id.principal_id.emplace());
      case IdentityField::kArn:
        return ReadString(path, v, &id.arn.emplace());
      case IdentityField::kAccountId:
        return ReadString(path, v, &id.account_id.emplace());
      case IdentityField::kAccessKeyId:
        return ReadString(path, v, &id.access_key_id.emplace());
      case IdentityField::kUserName:
        return ReadString(path, v, &id.user_name.emplace());
      case IdentityField::kSessionContext:
        return ReadObject(path, v, /*allow_null=*/false, &id.session_context);
      case IdentityField::kInvokedBy:
        return ReadString(path, v, &id.invoked_by.emplace());
      case IdentityField::kIdentityProvider:
        return ReadString(path, v, &id.identity_provider.emplace());
      case IdentityField::kCredentialId:
        return ReadString(path, v, &id.credential_id.emplace());
      case IdentityField::kOnBehalfOf:
        return ReadObject(path, v, /*allow_null=*/false, &id.on_behalf_of_json.emplace());
    }
    return Status::Ok();
  }

  Status ReadResources(od::value& value) {
    od::array array;
    if (auto err = value.get_array().get(array)) {
      if (err == simdjson::INCORRECT_TYPE) return WrongType("resources", "an array", value);
      return Malformed("resources", err);
    }
    std::vector<Resource>& resources = r_.resources.emplace();
    std::string path;
    for (auto element : array) {
      path = "resources[" + std::to_string(resources.size()) + "]";
      od::value v;
      if (auto err = element.get(v)) return Malformed(path, err);
      OT_RETURN_IF_ERROR(ReadResource(path, v, resources.emplace_back()));
    }
    return Status::Ok();
  }

  static Status ReadResource(const std::string& path, od::value& value, Resource& res) {
    od::object object;
    if (auto err = value.get_object().get(object)) {
      if (err == simdjson::INCORRECT_TYPE) return WrongType(path, "an object", value);
      return Malformed(path, err);
    }
    for (auto member : object) {
      std::string_view key;
      od::value v;
      if (auto err = member.unescaped_key().get(key)) return Malformed(path, err);
      const std::string member_path = path + "." + std::string(key);
      if (auto err = member.value().get(v)) return Malformed(member_path, err);
      std::string* target = nullptr;
      bool* present = nullptr;
      if (key == "ARN") {
        target = &res.arn, present = &res.has_arn;
      } else if (key == "accountId") {
        target = &res.account_id, present = &res.has_account_id;
      } else if (key == "type") {
        target = &res.type, present = &res.has_type;
      } else {
        res.extra.emplace_back(std::string(key), RawJson());
        OT_RETURN_IF_ERROR(ReadAny(member_path, v, &res.extra.back().second));
        continue;
      }
      if (*present) return Invalid(member_path + ": duplicate member");
      *present = true;
      OT_RETURN_IF_ERROR(ReadString(member_path, v, target));
    }
    return Status::Ok();
  }

  Record& r_;
  std::bitset<internal::kFieldCount> seen_;
};

}  // namespace

Result<Record> ParseRecord(std::string_view json) {
  if (json.size() > kMaxRecordBytes) {
    return Invalid("record: " + std::to_string(json.size()) + " bytes, more than the " +
                   std::to_string(kMaxRecordBytes) + "-byte limit");
  }
  internal::ParserLease lease(internal::ParserSlot::kRecord);
  od::document doc;
  if (auto err = lease.parser().iterate(lease.Pad(json)).get(doc)) return Malformed("record", err);
  od::object object;
  if (auto err = doc.get_object().get(object)) {
    if (err == simdjson::INCORRECT_TYPE) return Invalid("record: expected a JSON object");
    return Malformed("record", err);
  }
  Record record;
  RecordReader reader(&record);
  for (auto member : object) {
    od::field field;
    std::string_view key;
    bool canonical;
    if (auto err = std::move(member).get(field)) return Malformed("record", err);
    if (auto err = internal::FieldKey(field, &key, &canonical)) return Malformed("record", err);
    OT_RETURN_IF_ERROR(reader.ReadMember(key, field.value()));
  }
  if (!internal::AtEnd(doc)) return Invalid("record: unexpected content after the object");
  OT_RETURN_IF_ERROR(reader.Finish(json));
  return record;
}

}  // namespace ot::events
