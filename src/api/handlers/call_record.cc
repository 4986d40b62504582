#include "api/handlers/call_record.h"

#include "common/ids.h"
#include "common/json_writer.h"
#include "common/time.h"
#include "events/record.h"

namespace ot::api::handlers {
namespace {

constexpr size_t kMaxTextField = 1024;  // userAgent, errorCode, errorMessage: ≤ 1 KB

std::string Truncate(std::string_view s) { return std::string(s.substr(0, kMaxTextField)); }

}  // namespace

bool IsReadOnlyName(std::string_view name) {
  for (std::string_view verb : {"Get", "Describe", "List", "Lookup"}) {
    if (name.substr(0, verb.size()) == verb) return true;
  }
  return false;
}

store::NewEvent BuildCallEvent(const CallFacts& f, Random& random) {
  events::Record r;
  r.event_version = "1.11";
  events::UserIdentity id;
  if (f.principal != nullptr) {
    const auth::Principal& p = *f.principal;
    id.type = std::string(auth::PrincipalTypeName(p.type));
    id.principal_id = p.principal_id;
    id.arn = p.arn;
    id.account_id = p.account_id;
    id.access_key_id = p.access_key_id;
    if (!p.user_name.empty()) id.user_name = p.user_name;
    if (p.temporary) {
      // Session credentials (GetSessionToken): whether the session was opened with MFA
      // (records.md §5), which is what MFA-conditioned audits look for.
      id.session_context = R"({"attributes":{)";
      if (p.mfa_auth_time) {
        id.session_context += R"("creationDate":")" + FormatIso8601(*p.mfa_auth_time) + "\",";
      }
      id.session_context += std::string(R"("mfaAuthenticated":")") +
                            (p.mfa_authenticated ? "true" : "false") + "\"}}";
    }
  } else {
    // The caller could not be authenticated: CloudTrail's "Unknown" identity, with the key
    // that was presented so that failed attempts can still be traced to it.
    id.type = "Unknown";
    id.account_id = f.account_id;
    id.access_key_id = f.access_key_id;
  }
  r.user_identity = std::move(id);
  r.event_time = std::chrono::time_point_cast<std::chrono::seconds>(f.event_time);
  r.event_source = f.event_source;
  r.event_name = f.event_name;
  r.aws_region = f.region;
  r.source_ip_address = f.source_ip;
  if (!f.user_agent.empty()) r.user_agent = Truncate(f.user_agent);
  if (!f.error_code.empty()) {
    r.error_code = Truncate(f.error_code);
    r.error_message = Truncate(f.error_message);
  }
  r.request_parameters = f.request_parameters.empty() ? "null" : f.request_parameters;
  // records.md §4: null for read-only calls and for failures.
  r.response_elements = f.response_elements.empty() || f.read_only || !f.error_code.empty()
                            ? "null"
                            : f.response_elements;
  r.request_id = f.request_id;
  r.event_id = NewUuid(random);
  r.read_only = f.read_only;
  if (!f.resources.empty()) r.resources = f.resources;
  if (!f.additional_event_data.empty()) r.additional_event_data = f.additional_event_data;
  r.event_type = "AwsApiCall";
  r.management_event = !f.data_event;
  r.recipient_account_id = f.account_id;
  r.event_category = f.data_event ? "Data" : "Management";
  if (!f.tls_version.empty()) {
    JsonWriter tls;
    tls.BeginObject();
    tls.Key("tlsVersion").String(f.tls_version);
    tls.Key("cipherSuite").String(f.tls_cipher_suite);
    tls.Key("clientProvidedHostHeader").String(Truncate(f.host_header));
    tls.EndObject();
    r.tls_details = tls.str();
  }

  store::NewEvent e;
  e.attrs = events::DeriveLookupAttributes(r);
  events::AppendSerializedRecord(r, &e.json);
  return e;
}

}  // namespace ot::api::handlers
