#include "events/record_fields.h"

#include <simdjson.h>

#include <cstring>
#include <string>

namespace ot::events {
namespace {

namespace od = simdjson::ondemand;

Status Malformed(std::string_view what, simdjson::error_code err) {
  return Status(Error::kSerialization,
                "record: " + std::string(what) + ": " + simdjson::error_message(err));
}

// A string member; null counts as absent.
simdjson::error_code ReadString(od::value value, std::string_view* out) {
  bool is_null = false;
  if (value.is_null().get(is_null) == simdjson::SUCCESS && is_null) return simdjson::SUCCESS;
  return value.get_string().get(*out);
}

// A boolean member, also accepted as the strings "true" / "false" (sessionCredentialFromConsole
// is a string in CloudTrail's records).
simdjson::error_code ReadBool(od::value value, std::optional<bool>* out) {
  od::json_type type;
  if (auto err = value.type().get(type)) return err;
  if (type == od::json_type::null) return simdjson::SUCCESS;
  if (type == od::json_type::boolean) {
    bool b = false;
    if (auto err = value.get_bool().get(b)) return err;
    *out = b;
    return simdjson::SUCCESS;
  }
  std::string_view s;
  if (auto err = value.get_string().get(s)) return err;
  if (s == "true") *out = true;
  if (s == "false") *out = false;
  return simdjson::SUCCESS;
}

simdjson::error_code ReadIdentityArn(od::value value, std::string_view* arn) {
  od::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) return simdjson::SUCCESS;
  for (auto member : object) {
    od::field field;
    if (auto err = std::move(member).get(field)) return err;
    std::string_view key;
    if (auto err = field.unescaped_key().get(key)) return err;
    if (key == "arn") return ReadString(field.value(), arn);
  }
  return simdjson::SUCCESS;
}

simdjson::error_code ReadResources(od::value value, std::vector<ResourceRef>* out) {
  od::array array;
  bool is_null = false;
  if (value.is_null().get(is_null) == simdjson::SUCCESS && is_null) return simdjson::SUCCESS;
  if (auto err = value.get_array().get(array)) return err;
  for (auto element : array) {
    od::object object;
    if (auto err = element.get_object().get(object)) return err;
    ResourceRef ref;
    for (auto member : object) {
      od::field field;
      if (auto err = std::move(member).get(field)) return err;
      std::string_view key;
      if (auto err = field.unescaped_key().get(key)) return err;
      if (key == "type") {
        if (auto err = ReadString(field.value(), &ref.type)) return err;
      } else if (key == "ARN") {
        if (auto err = ReadString(field.value(), &ref.arn)) return err;
      }
    }
    out->push_back(ref);
  }
  return simdjson::SUCCESS;
}

}  // namespace

struct RecordScanner::Impl {
  od::parser parser;
  std::string buffer;  // the padded input: string views of the result may point into it
  RecordFields fields;
};

RecordScanner::RecordScanner() : impl_(std::make_unique<Impl>()) {}
RecordScanner::~RecordScanner() = default;

Result<const RecordFields*> RecordScanner::Scan(std::string_view json) {
  Impl& m = *impl_;
  m.buffer.resize(json.size() + simdjson::SIMDJSON_PADDING);
  if (!json.empty()) std::memcpy(m.buffer.data(), json.data(), json.size());
  std::memset(m.buffer.data() + json.size(), ' ', simdjson::SIMDJSON_PADDING);
  RecordFields& f = m.fields;
  std::vector<ResourceRef> resources = std::move(f.resources);  // keeps its capacity
  resources.clear();
  f = RecordFields{};
  f.resources = std::move(resources);

  od::document doc;
  if (auto err =
          m.parser
              .iterate(simdjson::padded_string_view(m.buffer.data(), json.size(), m.buffer.size()))
              .get(doc)) {
    return Malformed("parse", err);
  }
  od::object object;
  if (auto err = doc.get_object().get(object)) return Malformed("expected an object", err);
  for (auto member : object) {
    od::field field;
    if (auto err = std::move(member).get(field)) return Malformed("member", err);
    std::string_view key;
    if (auto err = field.unescaped_key().get(key)) return Malformed("key", err);
    simdjson::error_code err = simdjson::SUCCESS;
    switch (key.empty() ? '\0' : key[0]) {
      case 'a':
        if (key == "awsRegion") err = ReadString(field.value(), &f.aws_region);
        break;
      case 'e':
        if (key == "eventSource") {
          err = ReadString(field.value(), &f.event_source);
        } else if (key == "eventName") {
          err = ReadString(field.value(), &f.event_name);
        } else if (key == "eventType") {
          err = ReadString(field.value(), &f.event_type);
        } else if (key == "eventCategory") {
          err = ReadString(field.value(), &f.event_category);
          if (err == simdjson::SUCCESS && f.event_category.empty()) f.event_category = "Management";
        } else if (key == "errorCode") {
          err = ReadString(field.value(), &f.error_code);
        }
        break;
      case 'r':
        if (key == "recipientAccountId") {
          err = ReadString(field.value(), &f.recipient_account_id);
        } else if (key == "readOnly") {
          err = ReadBool(field.value(), &f.read_only);
        } else if (key == "resources") {
          err = ReadResources(field.value(), &f.resources);
        }
        break;
      case 's':
        if (key == "sessionCredentialFromConsole") {
          err = ReadBool(field.value(), &f.session_credential_from_console);
        }
        break;
      case 'u':
        if (key == "userIdentity") err = ReadIdentityArn(field.value(), &f.user_identity_arn);
        break;
      case 'v':
        if (key == "vpcEndpointId") err = ReadString(field.value(), &f.vpc_endpoint_id);
        break;
      default:
        break;
    }
    if (err) return Malformed(key, err);
  }
  return &f;
}

}  // namespace ot::events
