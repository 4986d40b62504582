#pragma once

#include <memory>
#include <string>

#include "api/handlers/operation.h"
#include "auth/identity.h"
#include "server/http_server.h"
#include "server/metrics.h"

namespace ot::server {

struct DispatcherOptions {
  std::string account_id;
  std::string home_region;
  uint64_t max_decoded_body_bytes = 64ull << 20;  // after Content-Encoding: gzip
  bool access_log = true;                         // one JSON line per request on stderr
};

// Turns HTTP requests into API calls: health and metrics, SigV4, routing by protocol
// (JSON 1.1 X-Amz-Target, Query Action, otherwise S3 REST-XML), the authorization point, the
// handler, and the call's own CloudTrail record — durable before the reply is released.
class Dispatcher final : public RequestHandler {
 public:
  Dispatcher(DispatcherOptions options, api::handlers::Services& services,
             const auth::CredentialStore& credentials, const auth::Authorizer& authorizer,
             Metrics& metrics);

  void Handle(std::shared_ptr<HttpRequest> request, Responder respond) override;

 private:
  struct Call;
  void HandleJson(std::shared_ptr<Call> call);
  void HandleQuery(std::shared_ptr<Call> call);
  void HandleSnsLink(std::shared_ptr<Call> call, api::QueryParams params);
  // The single authorization point: every operation, with its IAM action and resource.
  Status Authorize(const Call& call, std::string_view action, std::string_view resource) const;
  void HandleS3(std::shared_ptr<Call> call);
  api::Reply ErrorReply(const Call& call, const Status& status) const;
  void Finish(std::shared_ptr<Call> call, Status status, api::handlers::Outcome outcome);
  void Answer(Call& call, const Status& status, std::string body);
  void Reply(const Call& call, api::Reply reply);

  DispatcherOptions options_;
  api::handlers::Services& services_;
  const auth::CredentialStore& credentials_;
  const auth::Authorizer& authorizer_;
  Metrics& metrics_;
};

}  // namespace ot::server
