#pragma once

#include "support/temp_dir.h"

// The whole server in-process on 127.0.0.1 port 0 over a temp data dir, and small HTTP helpers
// that send real (signed) requests to it. Shared by the server tests.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "api/protocol/json_value.h"
#include "auth/sigv4.h"
#include "cli/aws_config.h"
#include "cli/http_client.h"
#include "common/env.h"
#include "server/server.h"
#include "support/matchers.h"
#include "support/test_env.h"

namespace ot::server::testing {

using TempDir = ::ot::testing::TempDir;

inline constexpr std::string_view kAccountId = "123456789012";
inline constexpr std::string_view kLookupTarget =
    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents";
inline constexpr std::string_view kIngestTarget = "OpenTrail_20261101.IngestEvents";

// A plain-socket GET (the CLI's client only POSTs). Returns status and body; status 0 on failure.
inline std::pair<int, std::string> HttpGet(uint16_t port, std::string_view path) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {0, ""};
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return {0, ""};
  }
  std::string request =
      "GET " + std::string(path) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    close(fd);
    return {0, ""};
  }
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof(buf))) > 0;) response.append(buf, n);
  close(fd);
  size_t space = response.find(' ');
  size_t body = response.find("\r\n\r\n");
  if (space == std::string::npos || body == std::string::npos) return {0, ""};
  return {std::atoi(response.c_str() + space + 1), response.substr(body + 4)};
}

// Starts the server in SetUp on a background thread and stops it in TearDown. The server and
// the client share one FakeClock, so signatures are always fresh.
class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerConfig config;
    config.data_dir = dir_.path() + "/data";
    config.listen = "127.0.0.1:0";
    config.account_id = std::string(kAccountId);
    config.access_log = false;
    config.max_body_bytes = 16 << 10;
    config.port_file = dir_.path() + "/port";
    auto started = Server::Start(config, env_);
    ASSERT_THAT(started, ot::testing::IsOk());
    server_ = std::move(started).value();
    thread_ = std::thread([this] { server_->Run(); });

    auto text = RealFileSystem().ReadFile(config.data_dir + "/credentials");
    ASSERT_THAT(text, ot::testing::IsOk());
    cli::IniFile ini = cli::ParseIni(*text);
    credentials_.access_key_id = ini["default"]["aws_access_key_id"];
    credentials_.secret_access_key = ini["default"]["aws_secret_access_key"];
    auto endpoint = cli::ParseEndpoint("http://127.0.0.1:" + std::to_string(server_->port()));
    ASSERT_THAT(endpoint, ot::testing::IsOk());
    endpoint_ = *endpoint;
    client_ = std::make_unique<cli::HttpClient>(endpoint_);
  }

  void TearDown() override {
    client_.reset();
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
    server_.reset();
  }

  // A signed JSON 1.1 call, as the CLI's import command sends it.
  cli::HttpResponse Json(std::string_view target, std::string body,
                         std::string region = "us-east-1", std::string encoding = "") {
    cli::JsonCall call;
    call.target = std::string(target);
    call.body = std::move(body);
    call.content_encoding = std::move(encoding);
    auto r = cli::SendJson(*client_, endpoint_, credentials_, region, call, clock_);
    EXPECT_THAT(r, ot::testing::IsOk());
    return r.ok() ? *r : cli::HttpResponse{};
  }

  // A signed AWS Query call (form body), as botocore sends STS calls.
  cli::HttpResponse Query(std::string form, const cli::Credentials& credentials,
                          std::string service = "sts") {
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
        {"Host", endpoint_.host_header},
    };
    auth::HttpRequestView view;
    view.method = "POST";
    view.raw_path = "/";
    for (const auto& [k, v] : headers) view.headers.emplace_back(k, v);
    view.body = form;
    auth::SignedHeaders s =
        auth::SignRequest(view, credentials.access_key_id, credentials.secret_access_key, "",
                          "us-east-1", service, clock_.Now());
    headers.emplace_back("X-Amz-Date", s.amz_date);
    headers.emplace_back("Authorization", s.authorization);
    return Post(headers, form);
  }

  cli::HttpResponse Post(const std::vector<std::pair<std::string, std::string>>& headers,
                         std::string_view body) {
    auto r = client_->Post("/", headers, body);
    EXPECT_THAT(r, ot::testing::IsOk());
    return r.ok() ? *r : cli::HttpResponse{};
  }

  // The events LookupEvents returns for `body` in `region`, parsed; kept alive by the fixture.
  std::vector<api::JsonValue> LookupEvents(std::string body, std::string region = "us-east-1") {
    cli::HttpResponse r = Json(kLookupTarget, std::move(body), std::move(region));
    EXPECT_EQ(r.status, 200) << r.body;
    api::JsonValue root = Parse(r.body);
    auto events = root.Get("Events");
    return events ? events->Items() : std::vector<api::JsonValue>{};
  }

  api::JsonValue Parse(std::string_view text) {
    auto doc = api::JsonDocument::Parse(text);
    EXPECT_THAT(doc, ot::testing::IsOk()) << text;
    docs_.push_back(doc.ok() ? std::move(doc).value() : nullptr);
    return docs_.back() ? docs_.back()->root() : Parse("{}");
  }

  std::string Member(api::JsonValue object, std::string_view name) {
    auto v = object.Get(name);
    return v && v->is_string() ? std::string(v->AsString()) : "<absent>";
  }

  ot::testing::FakeClock clock_;
  ot::testing::SeededRandom random_{5};
  Env env_{clock_, RealFileSystem(), random_};
  TempDir dir_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  cli::Credentials credentials_;
  cli::Endpoint endpoint_;
  std::unique_ptr<cli::HttpClient> client_;
  std::vector<std::unique_ptr<api::JsonDocument>> docs_;
};

}  // namespace ot::server::testing
