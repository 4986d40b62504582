#include "common/json_writer.h"
#include "common/time.h"
#include "events/record.h"

namespace ot::events {
namespace {

// Members are written straight into `out` with pre-quoted keys: this runs for every stored
// event, and the member order is fixed, so JsonWriter's comma bookkeeping is not needed.
// `first` tracks whether a comma is due; only the opening member of an object omits it.
class MemberWriter {
 public:
  explicit MemberWriter(std::string* out) : out_(*out) { out_.push_back('{'); }
  void Close() { out_.push_back('}'); }

  // `key` is the member name without quotes; it must need no escaping.
  void Key(std::string_view key) {
    if (!first_) out_.push_back(',');
    first_ = false;
    out_.push_back('"');
    out_.append(key);
    out_.append("\":");
  }
  void String(std::string_view key, std::string_view value) {
    Key(key);
    AppendJsonString(&out_, value);
  }
  void Optional(std::string_view key, const std::optional<std::string>& value) {
    if (value) String(key, *value);
  }
  void Bool(std::string_view key, const std::optional<bool>& value) {
    if (!value) return;
    Key(key);
    out_.append(*value ? "true" : "false");
  }
  // Raw JSON; empty means absent.
  void Raw(std::string_view key, std::string_view json) {
    if (json.empty()) return;
    Key(key);
    out_.append(json);
  }
  void Extra(const std::vector<std::pair<std::string, RawJson>>& extra) {
    for (const auto& [key, json] : extra) {
      if (!first_) out_.push_back(',');
      first_ = false;
      AppendJsonString(&out_, key);
      out_.push_back(':');
      out_.append(json.empty() ? std::string_view("null") : std::string_view(json));
    }
  }

 private:
  std::string& out_;
  bool first_ = true;
};

void AppendIdentity(const UserIdentity& id, std::string* out) {
  MemberWriter w(out);
  if (!id.type.empty()) w.String("type", id.type);
  w.Optional("principalId", id.principal_id);
  w.Optional("arn", id.arn);
  w.Optional("accountId", id.account_id);
  w.Optional("accessKeyId", id.access_key_id);
  w.Optional("userName", id.user_name);
  w.Raw("sessionContext", id.session_context);
  w.Optional("invokedBy", id.invoked_by);
  w.Optional("identityProvider", id.identity_provider);
  if (id.on_behalf_of_json) w.Raw("onBehalfOf", *id.on_behalf_of_json);
  w.Optional("credentialId", id.credential_id);
  w.Extra(id.extra);
  w.Close();
}

void AppendResources(const std::vector<Resource>& resources, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < resources.size(); ++i) {
    if (i > 0) out->push_back(',');
    const Resource& res = resources[i];
    // CloudTrail writes accountId, type, ARN in that order (records.md §8).
    MemberWriter w(out);
    if (res.has_account_id) w.String("accountId", res.account_id);
    if (res.has_type) w.String("type", res.type);
    if (res.has_arn) w.String("ARN", res.arn);
    w.Extra(res.extra);
    w.Close();
  }
  out->push_back(']');
}

}  // namespace

void AppendSerializedRecord(const Record& r, std::string* out) {
  MemberWriter w(out);
  w.String("eventVersion", r.event_version);
  if (r.user_identity) {
    w.Key("userIdentity");
    AppendIdentity(*r.user_identity, out);
  }
  if (r.event_time_text.empty()) {
    w.String("eventTime", FormatIso8601(r.event_time));
  } else {
    w.String("eventTime", r.event_time_text);
  }
  w.Optional("eventSource", r.event_source);
  w.Optional("eventName", r.event_name);
  w.String("awsRegion", r.aws_region);
  w.Optional("sourceIPAddress", r.source_ip_address);
  w.Optional("userAgent", r.user_agent);
  w.Optional("errorCode", r.error_code);
  w.Optional("errorMessage", r.error_message);
  w.Raw("requestParameters", r.request_parameters);
  w.Raw("responseElements", r.response_elements);
  w.Raw("additionalEventData", r.additional_event_data);
  w.Optional("requestID", r.request_id);
  w.String("eventID", r.event_id);
  w.Bool("readOnly", r.read_only);
  if (r.resources) {
    w.Key("resources");
    AppendResources(*r.resources, out);
  }
  if (!r.event_type.empty()) w.String("eventType", r.event_type);
  w.Optional("apiVersion", r.api_version);
  w.Bool("managementEvent", r.management_event);
  w.Optional("recipientAccountId", r.recipient_account_id);
  w.Optional("sharedEventID", r.shared_event_id);
  w.Optional("vpcEndpointId", r.vpc_endpoint_id);
  w.Optional("vpcEndpointAccountId", r.vpc_endpoint_account_id);
  w.Raw("serviceEventDetails", r.service_event_details);
  // AWS writes insightDetails just before eventCategory (records.md §9 example).
  w.Raw("insightDetails", r.insight_details);
  w.Optional("eventCategory", r.event_category);
  w.Raw("addendum", r.addendum);
  w.Raw("edgeDeviceDetails", r.edge_device_details);
  w.Raw("tlsDetails", r.tls_details);
  // Real logs (and gen_cloudtrail.py) put sessionCredentialFromConsole after tlsDetails.
  w.Raw("sessionCredentialFromConsole", r.session_credential_from_console);
  w.Raw("eventContext", r.event_context);
  w.Extra(r.extra);
  w.Close();
}

std::string SerializeRecord(const Record& record) {
  std::string out;
  out.reserve(2048);
  AppendSerializedRecord(record, &out);
  return out;
}

}  // namespace ot::events
