// Tests src/server/http_server.cc with pipelined HTTP/1.1 requests: safe ones run at once and are
// answered in request order, unsafe ones run alone, "Connection: close" and malformed requests end
// the connection after the answers before them; and the answers' status lines and headers.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/http_server.h"
#include "support/matchers.h"

namespace ot::server {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using ::ot::testing::IsOk;
using ::testing::ElementsAre;

// Answers "METHOD PATH" after the delay the path names (/sleep/30: 30 ms, from another thread),
// and records how many calls were in its hands at once. /head answers like S3's HeadObject,
// /not-modified with 304, /dup with two values of one header.
class RecordingHandler final : public RequestHandler {
 public:
  ~RecordingHandler() override {
    for (std::thread& t : threads_) t.join();
  }

  void Handle(std::shared_ptr<HttpRequest> request, Responder respond) override {
    {
      std::lock_guard lock(mu_);
      order_.push_back(request->method + " " + request->path);
      max_in_flight_ = std::max(max_in_flight_, ++in_flight_);
    }
    api::Reply reply;
    reply.content_type = "text/plain";
    reply.body = request->method + " " + request->path;
    if (request->path == "/head") {
      reply.body.clear();
      reply.headers.emplace_back("Content-Length", "1234");
    } else if (request->path == "/not-modified") {
      reply.status = 304;
      reply.body.clear();
    } else if (request->path == "/dup") {
      reply.headers.emplace_back("X-Thing", "first");
      reply.headers.emplace_back("x-other", "kept");
      reply.headers.emplace_back("x-thing", "second");
    }
    int delay_ms = 0;
    if (request->path.starts_with("/sleep/")) delay_ms = std::stoi(request->path.substr(7));
    auto answer = [this, respond = std::move(respond), reply = std::move(reply)]() mutable {
      {
        std::lock_guard lock(mu_);
        --in_flight_;
      }
      respond(std::move(reply));
    };
    if (delay_ms == 0) return answer();
    std::lock_guard lock(mu_);
    threads_.emplace_back([delay_ms, answer = std::move(answer)]() mutable {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
      answer();
    });
  }

  std::vector<std::string> order() {
    std::lock_guard lock(mu_);
    return order_;
  }
  int max_in_flight() {
    std::lock_guard lock(mu_);
    return max_in_flight_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> order_;
  int in_flight_ = 0;
  int max_in_flight_ = 0;
  std::vector<std::thread> threads_;
};

class HttpPipeliningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    HttpServerOptions options;
    options.threads = 1;
    server_ = std::make_unique<HttpServer>(options, handler_);
    auto port = server_->Listen("127.0.0.1", 0);
    ASSERT_THAT(port, IsOk());
    thread_ = std::thread([this] { server_->Run(); });
    stream_.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), *port));
    stream_.expires_after(std::chrono::seconds(10));
  }

  void TearDown() override {
    server_->Stop();
    thread_.join();
  }

  // Sends every request in one write.
  void SendAll(const std::vector<std::string>& requests) {
    std::string all;
    for (const std::string& r : requests) all += r;
    net::write(stream_, net::buffer(all));
  }

  static std::string Get(const std::string& path, const std::string& extra = "") {
    return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + extra + "\r\n";
  }

  // The next answer on the connection; a HEAD's has no body however long it says it is.
  http::response<http::string_body> Next(bool head = false) {
    http::response_parser<http::string_body> parser;
    parser.skip(head);
    http::read(stream_, buffer_, parser);
    return parser.release();
  }

  // True when the server closed the connection (no further answer).
  bool Closed() {
    http::response_parser<http::string_body> parser;
    beast::error_code ec;
    http::read(stream_, buffer_, parser, ec);
    return ec == http::error::end_of_stream || ec == net::error::eof ||
           ec == net::error::connection_reset;
  }

  RecordingHandler handler_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  net::io_context ioc_;
  beast::tcp_stream stream_{ioc_};
  beast::flat_buffer buffer_;
};

TEST_F(HttpPipeliningTest, SafeRequestsRunAtOnceAndAreAnsweredInOrder) {
  SendAll({Get("/sleep/150"), Get("/sleep/50"), Get("/fast")});
  EXPECT_EQ(Next().body(), "GET /sleep/150");
  EXPECT_EQ(Next().body(), "GET /sleep/50");
  EXPECT_EQ(Next().body(), "GET /fast");
  EXPECT_EQ(handler_.max_in_flight(), 3);
  // The connection stays open for more.
  SendAll({Get("/again")});
  EXPECT_EQ(Next().body(), "GET /again");
}

TEST_F(HttpPipeliningTest, ManyMoreThanOneBatchAreAllAnsweredInOrder) {
  std::vector<std::string> requests;
  for (int i = 0; i < 50; ++i) requests.push_back(Get("/n" + std::to_string(i)));
  SendAll(requests);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(Next().body(), "GET /n" + std::to_string(i));
  EXPECT_LE(handler_.max_in_flight(), 16);
}

TEST_F(HttpPipeliningTest, AnUnsafeRequestRunsAloneBetweenTheOthers) {
  SendAll({Get("/sleep/60"),
           "POST /change HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\n\r\nabc",
           Get("/sleep/30"), Get("/after")});
  EXPECT_EQ(Next().body(), "GET /sleep/60");
  EXPECT_EQ(Next().body(), "POST /change");
  EXPECT_EQ(Next().body(), "GET /sleep/30");
  EXPECT_EQ(Next().body(), "GET /after");
  EXPECT_THAT(handler_.order(),
              ElementsAre("GET /sleep/60", "POST /change", "GET /sleep/30", "GET /after"));
  // The POST never overlapped another call; the two GETs after it did overlap each other.
  EXPECT_EQ(handler_.max_in_flight(), 2);
}

TEST_F(HttpPipeliningTest, ConnectionCloseEndsTheConnectionAfterItsAnswer) {
  SendAll({Get("/sleep/30"), Get("/last", "Connection: close\r\n"), Get("/never")});
  EXPECT_EQ(Next().body(), "GET /sleep/30");
  auto last = Next();
  EXPECT_EQ(last.body(), "GET /last");
  EXPECT_EQ(last[http::field::connection], "close");
  EXPECT_TRUE(Closed());
  EXPECT_THAT(handler_.order(), ElementsAre("GET /sleep/30", "GET /last"));
}

TEST_F(HttpPipeliningTest, AMalformedRequestIsAnsweredAfterTheOnesBeforeIt) {
  SendAll({Get("/sleep/30"), "GARBAGE\r\n\r\n"});
  EXPECT_EQ(Next().body(), "GET /sleep/30");
  auto bad = Next();
  EXPECT_EQ(bad.result_int(), 400);
  EXPECT_EQ(bad[http::field::connection], "close");
  EXPECT_TRUE(Closed());
}

TEST_F(HttpPipeliningTest, AnswersCarryTheirLengthsAndHeaders) {
  SendAll({"HEAD /head HTTP/1.1\r\nHost: localhost\r\n\r\n", Get("/not-modified"), Get("/dup"),
           Get("/plain")});
  auto head = Next(true);
  EXPECT_EQ(head.result_int(), 200);
  EXPECT_EQ(head[http::field::content_length], "1234");
  EXPECT_EQ(head[http::field::server], "OpenTrail");
  auto not_modified = Next();
  EXPECT_EQ(not_modified.result_int(), 304);
  EXPECT_EQ(not_modified.count(http::field::content_length), 0u);
  auto dup = Next();
  EXPECT_EQ(dup.count("X-Thing"), 1u);
  EXPECT_EQ(dup["X-Thing"], "second");
  EXPECT_EQ(dup["x-other"], "kept");
  auto plain = Next();
  EXPECT_EQ(plain.reason(), "OK");
  EXPECT_EQ(plain[http::field::content_type], "text/plain");
  EXPECT_EQ(plain[http::field::content_length], "10");
  EXPECT_EQ(plain.body(), "GET /plain");
}

}  // namespace
}  // namespace ot::server
