#pragma once

#include <string>
#include <utility>
#include <vector>

#include "auth/identity.h"
#include "auth/sigv4.h"
#include "common/env.h"

namespace ot::auth::testing {

inline constexpr std::string_view kAccessKeyId = "AKIDCTSERVERTEST0001";
inline constexpr std::string_view kSecret = "cT5ecretKeyForUnitTests/0123456789+abcdefgh";
inline constexpr std::string_view kSessionToken = "FQoGZXIvYXdzEXAMPLEsessionTOKEN==";
inline constexpr std::string_view kAccountId = "123456789012";
inline constexpr std::string_view kGetTrailTarget =
    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.GetTrail";

// 2024-05-01T12:34:56Z, the time of the sigv4.md worked example.
inline SysMillis ExampleTime() { return SysMillis(std::chrono::milliseconds(1714566896000)); }

// An HTTP request that owns its bytes; View() points into them (don't mutate while viewing).
class TestRequest {
 public:
  TestRequest& Method(std::string m) {
    method_ = std::move(m);
    return *this;
  }
  TestRequest& Path(std::string p) {
    path_ = std::move(p);
    return *this;
  }
  TestRequest& Query(std::string q) {
    query_ = std::move(q);
    return *this;
  }
  TestRequest& Body(std::string b) {
    body_ = std::move(b);
    return *this;
  }
  TestRequest& Header(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  // Removes every header named `name` (exact spelling).
  TestRequest& Remove(std::string_view name) {
    std::erase_if(headers_, [&](const auto& h) { return h.first == name; });
    return *this;
  }

  HttpRequestView View() const {
    HttpRequestView view;
    view.method = method_;
    view.raw_path = path_;
    view.raw_query = query_;
    view.body = body_;
    for (const auto& [name, value] : headers_) view.headers.emplace_back(name, value);
    return view;
  }

 private:
  std::string method_ = "POST";
  std::string path_ = "/";
  std::string query_;
  std::string body_;
  std::vector<std::pair<std::string, std::string>> headers_;
};

// The worked example's GetTrail request, unsigned.
inline TestRequest GetTrailRequest() {
  TestRequest r;
  r.Header("Host", "127.0.0.1:8080")
      .Header("X-Amz-Target", std::string(kGetTrailTarget))
      .Header("Content-Type", "application/x-amz-json-1.1")
      .Body(R"({"Name": "my-trail"})");
  return r;
}

// Signs `request` with SignRequest and adds X-Amz-Date, X-Amz-Security-Token, Authorization and
// an unsigned User-Agent, as botocore sends them.
inline TestRequest SignedWith(TestRequest request, SysMillis at, std::string_view secret = kSecret,
                              std::string_view token = {},
                              std::string_view service = "cloudtrail") {
  SignedHeaders s =
      SignRequest(request.View(), kAccessKeyId, secret, token, "us-east-1", service, at);
  request.Header("User-Agent", "aws-cli/1.45.11").Header("X-Amz-Date", s.amz_date);
  if (!token.empty()) request.Header("X-Amz-Security-Token", std::string(token));
  request.Header("Authorization", s.authorization);
  return request;
}

inline Principal AdminPrincipal() {
  Principal p;
  p.type = PrincipalType::kIAMUser;
  p.account_id = kAccountId;
  p.principal_id = "AIDAEXAMPLEADMIN0001";
  p.arn = "arn:aws:iam::123456789012:user/admin";
  p.user_name = "admin";
  p.access_key_id = kAccessKeyId;
  return p;
}

inline AccessKey ExampleKey(std::string_view token = {}) {
  AccessKey key;
  key.access_key_id = kAccessKeyId;
  key.secret_access_key = kSecret;
  key.session_token = token;
  key.principal = AdminPrincipal();
  return key;
}

}  // namespace ot::auth::testing
