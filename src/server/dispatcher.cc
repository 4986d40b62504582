#include "server/dispatcher.h"

#include "api/handlers/call_record.h"
#include "api/handlers/s3_operations.h"
#include "api/handlers/sns_operations.h"
#include "api/protocol/reply.h"
#include "api/protocol/s3_xml.h"
#include "common/encoding.h"
#include "common/gzip.h"
#include "common/ids.h"
#include "common/json_writer.h"
#include "common/log.h"
#include "common/time.h"
#include "monitor/sns_service.h"
#include "server/data_dir.h"
#include "trail/registry.h"

namespace ot::server {
namespace {

using api::handlers::Outcome;

enum class Protocol { kJson, kQuery, kS3 };

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

auth::HttpRequestView ViewOf(const HttpRequest& r) {
  auth::HttpRequestView v;
  v.method = r.method;
  v.raw_path = r.path;
  v.raw_query = r.query;
  for (const auto& [k, val] : r.headers) v.headers.emplace_back(k, val);
  v.body = r.body;
  return v;
}

// The credential-scope fields of an Authorization header, read leniently so that a call that
// fails authentication can still be recorded under the key and region it claimed.
void ClaimedScope(std::string_view authorization, std::string* access_key, std::string* region) {
  size_t pos = authorization.find("Credential=");
  if (pos == std::string_view::npos) return;
  std::string_view cred = authorization.substr(pos + 11);
  cred = cred.substr(0, cred.find_first_of(", "));
  size_t slash = cred.find('/');
  *access_key = ToValidUtf8(cred.substr(0, std::min<size_t>(slash, 128)));
  if (slash == std::string_view::npos) return;
  std::string_view rest = cred.substr(slash + 1);  // date/region/service/aws4_request
  size_t a = rest.find('/');
  if (a == std::string_view::npos) return;
  std::string_view after = rest.substr(a + 1);
  std::string_view r = after.substr(0, after.find('/'));
  if (IsValidRegion(r)) *region = std::string(r);
}

// The service field of the credential scope ("sns"), read leniently like ClaimedScope.
std::string_view ClaimedService(std::string_view authorization) {
  size_t pos = authorization.find("Credential=");
  if (pos == std::string_view::npos) return {};
  std::string_view cred = authorization.substr(pos + 11);
  cred = cred.substr(0, cred.find_first_of(", "));
  for (int i = 0; i < 3; ++i) {
    size_t slash = cred.find('/');
    if (slash == std::string_view::npos) return {};
    cred = cred.substr(slash + 1);
  }
  return cred.substr(0, cred.find('/'));
}

// S3's ids: x-amz-request-id is 16 uppercase hex, x-amz-id-2 an opaque base64 host id.
api::S3Ids NewS3Ids(Random& random) {
  uint8_t bytes[32];
  random.Fill(bytes);
  std::string_view raw(reinterpret_cast<const char*>(bytes), sizeof(bytes));
  std::string id = HexEncode(raw.substr(0, 8));
  for (char& c : id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return {id, Base64Encode(raw.substr(8))};
}

}  // namespace

struct Dispatcher::Call {
  std::shared_ptr<HttpRequest> http;
  Responder respond;
  std::string request_id;
  std::chrono::steady_clock::time_point started;
  SysMillis now;
  Protocol protocol = Protocol::kJson;
  std::string operation;     // for logs, metrics and the record
  std::string event_source;  // cloudtrail.amazonaws.com / sts.amazonaws.com
  std::string xmlns;         // Query replies
  bool read_only = false;
  std::optional<auth::Caller> caller;
  std::string claimed_key;
  std::string region;
  std::string request_parameters;  // JSON or empty
  std::function<void(const store::AppendResult&, std::string*)> finish;
  std::string body;  // decoded request body
  size_t bytes_in = 0;
  // S3 only: the addressed bucket/key, the operation, the reply's ids, status and headers.
  api::handlers::S3Request s3;
  const api::handlers::S3Operation* s3_op = nullptr;
  api::S3Ids s3_ids;
  int s3_status = 200;
  std::vector<std::pair<std::string, std::string>> s3_headers;
  bool s3_raw = false;  // the body is object bytes of type s3_content_type, not XML
  std::string s3_content_type;
  // S3 authorization: the bucket's policy and owner, the request's s3: condition keys, and
  // whether only the bucket policy may allow the operation (client PutObject).
  std::optional<auth::Policy> s3_policy;
  std::string s3_owner;
  std::vector<std::pair<std::string, std::string>> s3_keys;
  bool s3_policy_required = false;
  std::string s3_body;  // the decoded body of an aws-chunked upload
  // SNS: the addressed topic's access policy, evaluated with the caller's policies.
  std::optional<auth::Policy> sns_policy;
  // CloudWatch over JSON 1.0 (protocols.md §2): JSON 1.0 replies, errors with x-amzn-query-error.
  bool cloudwatch_json = false;
};

Dispatcher::Dispatcher(DispatcherOptions options, api::handlers::Services& services,
                       const auth::CredentialStore& credentials, const auth::Authorizer& authorizer,
                       Metrics& metrics)
    : options_(std::move(options)),
      services_(services),
      credentials_(credentials),
      authorizer_(authorizer),
      metrics_(metrics) {}

void Dispatcher::Handle(std::shared_ptr<HttpRequest> request, Responder respond) {
  auto call = std::make_shared<Call>();
  call->started = services_.env.clock.Mono();
  call->now = services_.env.clock.Now();
  call->request_id = NewUuid(services_.env.random);
  call->http = std::move(request);
  call->respond = std::move(respond);
  call->bytes_in = call->http->body.size();
  const HttpRequest& req = *call->http;

  if (req.method == "GET" && (req.path == "/health" || req.path == "/metrics")) {
    call->operation = req.path == "/health" ? "Health" : "Metrics";
    api::Reply reply;
    if (req.path == "/health") {
      reply.body = "{\"status\":\"ok\"}";
      reply.content_type = "application/json";
    } else {
      reply.body = metrics_.Render(services_.store.Stats(), services_.delivery != nullptr
                                                                ? services_.delivery->stats()
                                                                : trail::DeliveryStats{});
      reply.content_type = "text/plain; version=0.0.4";
    }
    return Reply(*call, std::move(reply));
  }
  // SNS: the certificate that verifies message signatures (SigningCertURL, sns.md §4.2), and
  // the unsigned SubscribeURL / UnsubscribeURL links (protocols.md §0).
  if (services_.sns != nullptr && req.method == "GET") {
    if (req.path == services_.sns->CertificatePath()) {
      call->operation = "GetSigningCertificate";
      api::Reply reply;
      reply.body = services_.sns->CertificatePem();
      reply.content_type = "application/x-x509-ca-cert";
      return Reply(*call, std::move(reply));
    }
    if (req.path == "/" && req.Header("Authorization").empty() &&
        req.query.find("X-Amz-Signature=") == std::string::npos) {
      api::QueryParams params = api::QueryParams::Parse(req.query);
      auto action = params.Get("Action");
      if (action && (*action == "ConfirmSubscription" || *action == "Unsubscribe")) {
        return HandleSnsLink(std::move(call), std::move(params));
      }
    }
  }

  std::string_view target = req.Header("X-Amz-Target");
  std::string_view content_type = req.Header("Content-Type");
  if (!target.empty()) {
    call->protocol = Protocol::kJson;
    call->operation = ToValidUtf8(api::handlers::TargetOperationName(target).substr(0, 128));
    call->event_source = api::handlers::JsonSigningName(target) == "kms"
                             ? "kms.amazonaws.com"
                             : "cloudtrail.amazonaws.com";
  } else if (StartsWith(content_type, "application/x-www-form-urlencoded") ||
             (req.method == "GET" && req.query.find("Action=") != std::string::npos)) {
    call->protocol = Protocol::kQuery;
  } else {
    // Anything else is S3 REST-XML, path-style (protocols.md §0, §5.1).
    call->protocol = Protocol::kS3;
    call->s3_ids = NewS3Ids(services_.env.random);
    call->request_id = call->s3_ids.request_id;
    call->s3 = api::handlers::ParseS3Path(req.method, req.path, req.query);
    call->s3.host = req.Header("Host");
    for (const auto& [k, v] : req.headers) call->s3.headers.emplace_back(k, v);
    call->s3_op = &api::handlers::RouteS3(call->s3);
    call->operation = std::string(call->s3_op->name);
    call->event_source = "s3.amazonaws.com";
    call->read_only = call->s3_op->read_only;
    call->request_parameters = api::handlers::S3RequestParameters(call->s3);
  }

  // CloudWatch over JSON 1.0 answers in its own dialect (protocols.md §2).
  if (call->protocol == Protocol::kJson &&
      StartsWith(target, api::handlers::kCloudWatchTargetPrefix)) {
    call->cloudwatch_json = true;
    call->event_source = "monitoring.amazonaws.com";
  }
  call->region = options_.home_region;
  ClaimedScope(req.Header("Authorization"), &call->claimed_key, &call->region);
  if (call->protocol == Protocol::kQuery) {
    // The service comes from the credential scope (STS, later IAM/SNS/CloudWatch).
    api::QueryParams params =
        api::QueryParams::Parse(req.method == "GET" ? std::string_view(req.query) : req.body);
    call->operation = std::string(params.Get("Action").value_or(""));
    call->event_source = "sts.amazonaws.com";
    call->xmlns = "https://sts.amazonaws.com/doc/2011-06-15/";
    if (ClaimedService(req.Header("Authorization")) == "sns") {
      call->event_source = "sns.amazonaws.com";
      call->xmlns = "http://sns.amazonaws.com/doc/2010-03-31/";
    }
    if (ClaimedService(req.Header("Authorization")) == "monitoring") {
      call->event_source = "monitoring.amazonaws.com";
      call->xmlns = "http://monitoring.amazonaws.com/doc/2010-08-01/";
    }
  }

  auth::VerifyOptions verify;
  // A JSON 1.1 target is signed for its service (logs for CloudWatch Logs; cloudtrail for
  // CloudTrail's and OpenTrail's own); a Query request's service picks its operation table below.
  if (call->protocol == Protocol::kJson) {
    verify.expected_service = std::string(api::handlers::JsonSigningName(target));
  }
  if (call->protocol == Protocol::kS3) {
    verify.s3 = true;
    verify.expected_service = "s3";
  }
  auto caller = auth::VerifyRequest(ViewOf(req), credentials_, call->now, verify);
  if (!caller.ok()) return Finish(call, caller.status(), {});
  call->caller = std::move(*caller);
  call->region = call->caller->region;
  if (!IsValidRegion(call->region)) {
    return Finish(call,
                  Status(Error::kIncompleteSignature,
                         "The credential scope names an invalid region '" + call->region + "'."),
                  {});
  }

  std::string_view encoding = req.Header("Content-Encoding");
  if (call->protocol == Protocol::kS3) {
    call->body = std::move(call->http->body);  // S3's Content-Encoding describes the object
    call->s3.body = call->body;
    return HandleS3(std::move(call));
  }
  if (encoding == "gzip") {
    auto decoded = GzipDecompress(req.body, options_.max_decoded_body_bytes);
    if (!decoded.ok()) return Finish(call, decoded.status(), {});
    call->body = std::move(*decoded);
  } else if (encoding.empty() || encoding == "identity") {
    call->body = std::move(call->http->body);
  } else {
    return Finish(call,
                  Status(Error::kSerialization,
                         "Content-Encoding '" + std::string(encoding) + "' is not supported."),
                  {});
  }

  if (call->protocol == Protocol::kJson) return HandleJson(std::move(call));
  HandleQuery(std::move(call));
}

void Dispatcher::HandleJson(std::shared_ptr<Call> call) {
  const api::handlers::JsonOperation* op =
      api::handlers::FindJsonOperation(call->http->Header("X-Amz-Target"));
  if (op == nullptr) {
    return Finish(
        call,
        Status(Error::kUnknownOperation, "Operation '" + call->operation + "' is not supported."),
        {});
  }
  call->read_only = op->read_only;
  call->event_source = std::string(op->event_source);
  api::handlers::CallContext ctx{*call->caller, call->request_id, call->now};

  Result<Outcome> outcome = Status(Error::kInternal, "no handler");
  if (op->handle_raw != nullptr) {
    Status allowed = Authorize(*call, op->action, "*");
    if (!allowed.ok()) return Finish(call, allowed, {});
    outcome = op->handle_raw(services_, ctx, call->body);
  } else {
    auto doc = api::JsonDocument::Parse(call->body);
    if (!doc.ok()) return Finish(call, doc.status(), {});
    api::JsonValue root = (*doc)->root();
    if (!root.is_object()) {
      return Finish(call, Status(Error::kSerialization, "The request body must be a JSON object."),
                    {});
    }
    call->request_parameters =
        op->record_parameters != nullptr ? op->record_parameters(root) : api::LowerCamelJson(root);
    if (call->request_parameters == "{}") call->request_parameters.clear();
    Status allowed =
        Authorize(*call, op->action, api::handlers::JsonResource(services_, ctx, op->action, root));
    if (!allowed.ok()) return Finish(call, allowed, {});
    outcome = op->handle(services_, ctx, root);
  }
  if (!outcome.ok()) return Finish(call, outcome.status(), {});
  Finish(call, Status::Ok(), std::move(*outcome));
}

Status Dispatcher::Authorize(const Call& call, std::string_view action,
                             std::string_view resource) const {
  auth::AuthzRequest request{call.caller->principal, action, resource};
  request.source_ip = call.http->remote_ip;
  request.secure_transport = call.http->tls;
  request.now = call.now;
  request.region = call.caller->region;
  if (call.sns_policy) {
    request.resource_policy = &*call.sns_policy;
    request.resource_account = options_.account_id;
  }
  // The KMS permission an S3 call needs besides its own (kms:Decrypt to read an SSE-KMS object)
  // is the caller's alone: the bucket's policy and s3: condition keys do not apply to it.
  if (call.protocol == Protocol::kS3 && !action.starts_with("kms:")) {
    request.keys = &call.s3_keys;
    request.resource_policy = call.s3_policy ? &*call.s3_policy : nullptr;
    request.resource_account = call.s3_owner;
    // Only the operation's own action needs the bucket policy's Allow (client PutObject), not
    // the permissions it implies (s3:PutObjectRetention for an upload's lock headers).
    request.resource_policy_must_allow =
        call.s3_policy_required && call.s3_op != nullptr && action == call.s3_op->action;
  }
  return authorizer_.Authorize(request);
}

void Dispatcher::HandleQuery(std::shared_ptr<Call> call) {
  api::QueryParams params = api::QueryParams::Parse(
      call->http->method == "GET" ? std::string_view(call->http->query) : call->body);
  call->request_parameters = params.ToRequestParametersJson();
  if (call->request_parameters == "null") call->request_parameters.clear();
  if (call->operation.empty()) {
    call->operation = "Unknown";
    return Finish(
        call, Status(Error::kMissingAction, "The request must contain the parameter Action."), {});
  }
  const api::handlers::QueryOperation* op =
      api::handlers::FindQueryOperation(call->caller->service, call->operation);
  if (op == nullptr) {
    return Finish(call,
                  Status(Error::kUnknownOperation,
                         "The action " + call->operation + " is not valid for this endpoint."),
                  {});
  }
  call->read_only = op->read_only;
  call->event_source = std::string(op->event_source);
  call->xmlns = std::string(op->xmlns);
  api::handlers::CallContext ctx{*call->caller, call->request_id, call->now};
  if (op->needs_authorization) {
    std::string resource = api::handlers::QueryResource(services_, ctx, op->action, params);
    const bool sns = call->event_source == "sns.amazonaws.com";
    // A topic's access policy is a resource policy (sns.md §3); SNS names a refusal
    // AuthorizationError (403).
    if (sns) call->sns_policy = api::handlers::SnsTopicPolicy(services_, op->action, resource);
    Status allowed = Authorize(*call, op->action, resource);
    if (!allowed.ok() && sns && allowed.code() == Error::kAccessDenied) {
      allowed = Status(Error::kSnsAuthorizationError, allowed.message());
    }
    if (!allowed.ok()) return Finish(call, allowed, {});
  }
  auto outcome = op->handle(services_, ctx, params);
  if (!outcome.ok()) return Finish(call, outcome.status(), {});
  Finish(call, Status::Ok(), std::move(*outcome));
}

// An unsigned GET of a SubscribeURL or UnsubscribeURL: answered like the signed Query action,
// by nobody in particular (the token, or the subscription ARN, is the authority), and recorded.
void Dispatcher::HandleSnsLink(std::shared_ptr<Call> call, api::QueryParams params) {
  call->protocol = Protocol::kQuery;
  call->operation = std::string(*params.Get("Action"));
  const api::handlers::QueryOperation* op =
      api::handlers::FindQueryOperation("sns", call->operation);
  call->read_only = false;
  call->event_source = std::string(op->event_source);
  call->xmlns = std::string(op->xmlns);
  call->request_parameters = params.ToRequestParametersJson();
  if (call->request_parameters == "null") call->request_parameters.clear();
  std::string topic(params.Get("TopicArn").value_or(""));
  if (topic.empty()) {
    topic =
        monitor::TopicOfSubscriptionArn(params.Get("SubscriptionArn").value_or("")).value_or("");
  }
  auto parts = monitor::ParseSnsTopicArn(topic);
  call->region = parts && IsValidRegion(parts->region) ? parts->region : options_.home_region;
  api::handlers::CallContext ctx{api::handlers::SnsAnonymousCaller(), call->request_id, call->now};
  auto outcome = op->handle(services_, ctx, params);
  if (!outcome.ok()) return Finish(call, outcome.status(), {});
  Finish(call, Status::Ok(), std::move(*outcome));
}

void Dispatcher::HandleS3(std::shared_ptr<Call> call) {
  const api::handlers::S3Operation& op = *call->s3_op;
  if (op.handle == nullptr) {
    return Finish(call,
                  Status(Error::kS3NotImplemented,
                         "A header you provided implies functionality that is not implemented"),
                  {});
  }
  // The body is decoded and its checksums verified before anyone reads it (protocols.md §5.4);
  // a bad chunk signature is an authentication failure, so this comes before authorization.
  call->s3.source_ip = call->http->remote_ip;
  call->s3.secure_transport = call->http->tls;
  Status body = api::handlers::PrepareS3Body(*call->caller, &call->s3, &call->s3_body);
  if (!body.ok()) return Finish(call, body, {});
  // Bucket policies are evaluated with the caller's own policies (S3's rules); a missing bucket
  // has neither, and its handler reports NoSuchBucket to whoever may ask.
  if (services_.buckets != nullptr && !call->s3.bucket.empty()) {
    if (auto info = services_.buckets->Get(call->s3.bucket); info.ok() && !info->remote) {
      call->s3_owner = info->owner_account;
      call->s3_policy = services_.buckets->CompiledPolicy(call->s3.bucket);
      call->s3_policy_required = op.bucket_policy_required;
    }
  }
  call->s3_keys = api::handlers::S3ConditionKeys(call->s3);
  // Object operations are authorized on the object's ARN (iam.md §4.2); an operation without an
  // action (DeleteObjects) authorizes each item through the request's callback.
  if (!op.action.empty()) {
    Status allowed = Authorize(*call, op.action, api::handlers::S3ResourceArn(call->s3));
    if (!allowed.ok()) return Finish(call, allowed, {});
  }
  call->s3.authorize = [this, c = call.get()](std::string_view action, std::string_view resource) {
    return Authorize(*c, action, resource);
  };
  if (services_.buckets == nullptr) {
    return Finish(call, Status(Error::kS3NotImplemented, "This server has no bucket store."), {});
  }
  api::handlers::CallContext ctx{*call->caller, call->request_id, call->now};
  auto outcome = op.handle(services_, ctx, call->s3);
  if (!outcome.ok()) return Finish(call, outcome.status(), {});
  call->s3_status = outcome->status;
  call->s3_headers = std::move(outcome->headers);
  call->s3_raw = outcome->raw;
  call->s3_content_type = std::move(outcome->content_type);
  Finish(call, Status::Ok(), std::move(outcome->outcome));
}

// The error reply in the call's protocol.
api::Reply Dispatcher::ErrorReply(const Call& call, const Status& status) const {
  switch (call.protocol) {
    case Protocol::kQuery:
      return api::QueryErrorReply(status, call.request_id, call.xmlns);
    case Protocol::kS3: {
      api::Reply reply = api::S3ErrorReply(status, call.s3_ids, call.s3.bucket,
                                           call.http->method == "HEAD", call.s3.key);
      // A delete marker's headers ride on its 404/405 (versioning).
      for (const auto& h : call.s3.error_headers) reply.headers.push_back(h);
      return reply;
    }
    case Protocol::kJson:
      break;
  }
  if (call.cloudwatch_json) return api::CloudWatchJsonErrorReply(status, call.request_id);
  return api::JsonErrorReply(status, call.request_id);
}

// Appends the call's own record (and any external events) and replies only once it is durable:
// no answered call escapes the record. A data event that no trail could select is logged nowhere
// (CloudTrail records data events only for the trails that select them), so it is not recorded and
// its reply waits for no commit.
void Dispatcher::Finish(std::shared_ptr<Call> call, Status status, Outcome outcome) {
  const bool data_event =
      call->protocol == Protocol::kS3 && api::handlers::IsS3DataEvent(call->s3, call->operation);
  if (data_event && outcome.events.empty() && !outcome.finish && services_.trails != nullptr &&
      !services_.trails->AnyMaySelectDataEvents()) {
    return Answer(*call, status, std::move(outcome.body));
  }
  api::handlers::CallFacts facts;
  facts.principal = call->caller ? &call->caller->principal : nullptr;
  facts.access_key_id = call->caller ? call->caller->principal.access_key_id : call->claimed_key;
  facts.account_id = options_.account_id;
  facts.region = call->region;
  facts.event_source = call->event_source.empty() ? "cloudtrail.amazonaws.com" : call->event_source;
  facts.event_name = call->operation.empty() ? "Unknown" : call->operation.substr(0, 128);
  facts.source_ip = call->http->remote_ip;
  if (call->http->tls) {
    facts.tls_version = call->http->tls_version;
    facts.tls_cipher_suite = call->http->tls_cipher;
    facts.host_header = ToValidUtf8(call->http->Header("Host"));
  }
  facts.user_agent = ToValidUtf8(call->http->Header("User-Agent").substr(0, 1024));
  facts.request_parameters =
      outcome.request_parameters.empty() ? call->request_parameters : outcome.request_parameters;
  if (facts.request_parameters.size() > 100 * 1024) facts.request_parameters = "{}";
  facts.response_elements = call->read_only ? "" : outcome.response_elements;
  if (!status.ok()) {
    facts.error_code =
        std::string(call->protocol == Protocol::kQuery ? ErrorQueryCode(status.code())
                    : call->protocol == Protocol::kS3  ? api::S3ErrorCode(status.code())
                                                       : ErrorWireName(status.code()));
    facts.error_message =
        call->protocol == Protocol::kS3 ? api::S3PublicMessage(status) : api::PublicMessage(status);
  }
  facts.request_id = call->request_id;
  facts.read_only = call->read_only || api::handlers::IsReadOnlyName(facts.event_name);
  facts.resources = std::move(outcome.resources);
  if (call->protocol == Protocol::kS3 && facts.resources.empty()) {
    facts.resources = api::handlers::S3Resources(call->s3);
  }
  if (data_event) {
    facts.data_event = true;
    facts.resources = api::handlers::S3DataEventResources(call->s3, call->s3_owner);
    facts.additional_event_data = api::handlers::S3AdditionalEventData(
        call->http->tls ? std::string_view(call->http->tls_cipher) : std::string_view(),
        call->bytes_in, status.ok() ? outcome.body.size() : 0, call->s3_ids.host_id);
  }
  facts.event_time = call->now;

  std::vector<store::NewEvent> batch = std::move(outcome.events);
  size_t external = batch.size();
  batch.push_back(api::handlers::BuildCallEvent(facts, services_.env.random));

  auto finish = std::move(outcome.finish);
  services_.store.AppendAsync(
      std::move(batch), [this, call, status, external, finish = std::move(finish),
                         body = std::move(outcome.body)](Result<store::AppendResult> r) mutable {
        if (!r.ok()) {
          Log(
              LogLevel::kError, "journal append failed; the call is answered with an error",
              "\"request_id\":\"" + call->request_id + "\",\"error\":" + [&] {
                std::string s;
                AppendJsonString(&s, r.status().ToString());
                return s;
              }());
          Status failed(Error::kUnavailable,
                        "The call could not be recorded durably; it was not performed.");
          return Reply(*call, ErrorReply(*call, failed));
        }
        metrics_.AddEventsRecorded(1);
        metrics_.AddEventsIngested(external - std::min(external, r->duplicates));
        if (status.ok() && finish) finish(*r, &body);
        Answer(*call, status, std::move(body));
      });
}

// The call's reply: its error in the call's protocol, or the handler's body.
void Dispatcher::Answer(Call& call, const Status& status, std::string body) {
  if (!status.ok()) {
    if (ErrorHttpStatus(status.code()) >= 500) {
      Log(
          LogLevel::kError, "internal error",
          "\"request_id\":\"" + call.request_id + "\",\"error\":" + [&] {
            std::string s;
            AppendJsonString(&s, status.ToString());
            return s;
          }());
    }
    return Reply(call, ErrorReply(call, status));
  }
  if (call.protocol == Protocol::kS3) {
    api::Reply reply;
    if (call.s3_raw) {
      reply.status = call.s3_status;
      reply.content_type = std::move(call.s3_content_type);
      reply.body = std::move(body);
      api::AddS3Headers(&reply, call.s3_ids);
    } else {
      reply = api::S3Reply(call.s3_status, body, call.s3_ids);
    }
    for (auto& h : call.s3_headers) reply.headers.push_back(std::move(h));
    return Reply(call, std::move(reply));
  }
  if (call.protocol == Protocol::kQuery) {
    return Reply(call, api::QueryReply(call.operation, call.xmlns, body, call.request_id));
  }
  api::Reply reply = api::JsonReply(std::move(body), call.request_id);
  if (call.cloudwatch_json) reply.content_type = "application/x-amz-json-1.0";
  Reply(call, std::move(reply));
}

void Dispatcher::Reply(const Call& call, api::Reply reply) {
  double seconds = std::chrono::duration<double>(services_.env.clock.Mono() - call.started).count();
  metrics_.ObserveRequest(call.operation, reply.status, seconds);
  if (options_.access_log) {
    JsonWriter w;
    w.BeginObject();
    w.Key("ts").String(FormatIso8601Millis(call.now));
    w.Key("level").String("info").Key("msg").String("request");
    w.Key("request_id").String(call.request_id);
    w.Key("remote").String(call.http->remote_ip);
    w.Key("method").String(call.http->method);
    w.Key("path").String(ToValidUtf8(std::string_view(call.http->path).substr(0, 256)));
    w.Key("operation").String(call.operation);
    w.Key("status").Int(reply.status);
    if (reply.status >= 400) {
      for (const auto& [k, v] : reply.headers) {
        if (k == "x-amzn-ErrorType") w.Key("error").String(v);
      }
    }
    if (!call.region.empty()) w.Key("region").String(call.region);
    std::string_view key = call.caller ? std::string_view(call.caller->principal.access_key_id)
                                       : std::string_view(call.claimed_key);
    if (!key.empty()) w.Key("access_key").String(key);
    w.Key("bytes_in").Uint(call.bytes_in);
    w.Key("bytes_out").Uint(reply.body.size());
    w.Key("ms").Double(static_cast<double>(static_cast<int64_t>(seconds * 1e5)) / 100.0);
    w.EndObject();
    std::string line = w.Take();
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  call.respond(std::move(reply));
}

}  // namespace ot::server
