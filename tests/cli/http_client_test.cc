// Tests src/cli/http_client.cc: endpoint parsing, error descriptions, and streamed and pipelined
// answers over kept-alive connections against a canned HTTP server (the rest of the HTTP exchange
// is covered by the server tests, which drive the in-process server through it).

#include "cli/http_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "support/matchers.h"

namespace ot::cli {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;
using ::testing::ElementsAre;

TEST(ParseEndpoint, ReadsHostAndPort) {
  struct Case {
    std::string_view url, host, port, host_header;
    bool tls = false;
  };
  const Case cases[] = {
      {"http://127.0.0.1:8421", "127.0.0.1", "8421", "127.0.0.1:8421"},
      {"http://127.0.0.1:8421/", "127.0.0.1", "8421", "127.0.0.1:8421"},
      {"http://localhost", "localhost", "80", "localhost"},
      {"http://localhost/", "localhost", "80", "localhost"},
      {"http://opentrail.internal:65535/x", "opentrail.internal", "65535",
       "opentrail.internal:65535"},
      {"http://[::1]:8080", "::1", "8080", "[::1]:8080"},
      {"http://[::1]", "::1", "80", "[::1]"},
      {"https://127.0.0.1:8421", "127.0.0.1", "8421", "127.0.0.1:8421", true},
      {"https://trail.example.internal/", "trail.example.internal", "443", "trail.example.internal",
       true},
      {"https://[::1]", "::1", "443", "[::1]", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);

    auto e = ParseEndpoint(c.url);

    ASSERT_THAT(e, IsOk());
    EXPECT_EQ(e->host, c.host);
    EXPECT_EQ(e->port, c.port);
    EXPECT_EQ(e->host_header, c.host_header);
    EXPECT_EQ(e->tls, c.tls);
  }
}

TEST(ParseEndpoint, RejectsGarbage) {
  for (std::string_view url :
       {"", "127.0.0.1:8421", "ftp://host", "http://", "http:///path", "http//host:1",
        "http://host:", "http://host:abc", "http://host:99999", "http://host:-1", "http://host:0",
        "http://:8080", "http://[::1", "https://", "https://host:0", "httpss://host"}) {
    SCOPED_TRACE(url);
    EXPECT_THAT(ParseEndpoint(url), HasError(Error::kValidation));
  }
}

TEST(DescribeJsonError, NamesTypeAndMessage) {
  HttpResponse r;
  r.status = 400;
  r.body = R"({"__type":"InvalidEventException","message":"Records[1].eventTime: required"})";

  EXPECT_EQ(DescribeJsonError(r), "InvalidEventException: Records[1].eventTime: required");
}

TEST(DescribeJsonError, FallsBackToTheStatus) {
  HttpResponse r;
  r.status = 502;
  r.body = "<html>Bad Gateway</html>";

  EXPECT_EQ(DescribeJsonError(r), "HTTP 502");
}

TEST(HttpResponse, HeaderLookupIgnoresCase) {
  HttpResponse r;
  r.headers = {{"x-amzn-RequestId", "abc"}};

  EXPECT_EQ(r.Header("X-Amzn-Requestid"), "abc");
  EXPECT_EQ(r.Header("missing"), "");
}

// An HTTP server on 127.0.0.1 answering the n-th request it reads (on whichever connection) with
// the n-th canned answer, verbatim; an answer ending in "<close>" is sent without that marker and
// the connection is closed after it. Counts accepted connections.
class CannedServer {
 public:
  explicit CannedServer(std::vector<std::string> answers)
      : answers_(std::move(answers)),
        acceptor_(io_, {boost::asio::ip::make_address("127.0.0.1"), 0}) {
    thread_ = std::thread([this] { Serve(); });
  }
  ~CannedServer() {
    boost::system::error_code ec;
    acceptor_.close(ec);
    thread_.join();
  }
  Endpoint endpoint() const {
    std::string port = std::to_string(acceptor_.local_endpoint().port());
    return Endpoint{"127.0.0.1", port, "127.0.0.1:" + port};
  }
  int connections() const { return connections_; }

 private:
  void Serve() {
    size_t next = 0;
    while (next < answers_.size()) {
      boost::asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec) return;
      ++connections_;
      std::string buffer;
      while (next < answers_.size()) {
        size_t n =
            boost::asio::read_until(socket, boost::asio::dynamic_buffer(buffer), "\r\n\r\n", ec);
        if (ec) break;
        buffer.erase(0, n);  // GET requests: no body
        std::string answer = answers_[next++];
        const bool close = answer.ends_with("<close>");
        if (close) answer.resize(answer.size() - 7);
        boost::asio::write(socket, boost::asio::buffer(answer), ec);
        if (close || ec) break;
      }
    }
  }

  std::vector<std::string> answers_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<int> connections_{0};
  std::thread thread_;
};

std::string Ok(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nx-amz-meta-signature: abc\r\n\r\n" + body;
}

struct Collected {
  std::vector<std::string> pieces;
  BodySink sink() {
    return [this](std::string_view p) { pieces.emplace_back(p); };
  }
  std::string joined() const {
    std::string out;
    for (const std::string& p : pieces) out += p;
    return out;
  }
};

TEST(HttpClientStreaming, HandsA2xxBodyOverInPiecesOnOneKeptConnection) {
  std::string big(1 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 4099) big[i] = static_cast<char>('a' + i % 26);
  CannedServer server({Ok(big),
                       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
                       "HTTP/1.1 404 Not Found\r\nContent-Length: 29\r\n\r\n"
                       "<Error><Code>NoSuchKey</Code>",
                       Ok("whole")});
  HttpClient client(server.endpoint());

  Collected first;
  auto r = client.SendStreaming("GET", "/b/k", {{"Host", "h"}}, "", first.sink());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "") << "a streamed body is not kept";
  EXPECT_EQ(r->Header("x-amz-meta-signature"), "abc");
  EXPECT_GE(first.pieces.size(), 16u) << "1 MiB arrives in pieces of at most 64 KiB";
  EXPECT_EQ(first.joined(), big);

  Collected chunked;
  r = client.SendStreaming("GET", "/b/c", {{"Host", "h"}}, "", chunked.sink());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(chunked.joined(), "hello world");

  Collected missing;
  r = client.SendStreaming("GET", "/b/m", {{"Host", "h"}}, "", missing.sink());
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, "<Error><Code>NoSuchKey</Code>");
  EXPECT_TRUE(missing.pieces.empty()) << "an error document is not streamed";

  r = client.Send("GET", "/b/w", {{"Host", "h"}}, "");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->body, "whole");
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpClientStreaming, ReconnectsOnceWhenTheServerClosedTheKeptConnection) {
  CannedServer server({Ok("one") + "<close>", Ok("two")});
  HttpClient client(server.endpoint());
  Collected one, two;

  ASSERT_THAT(client.SendStreaming("GET", "/1", {{"Host", "h"}}, "", one.sink()), IsOk());
  auto r = client.SendStreaming("GET", "/2", {{"Host", "h"}}, "", two.sink());

  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(one.joined(), "one");
  EXPECT_EQ(two.joined(), "two");
  EXPECT_EQ(server.connections(), 2);
}

TEST(HttpClientStreaming, ABodyCutShortIsAnError) {
  CannedServer server({"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this<close>"});
  HttpClient client(server.endpoint());
  Collected got;

  auto r = client.SendStreaming("GET", "/cut", {{"Host", "h"}}, "", got.sink());

  EXPECT_THAT(r, HasError(Error::kUnavailable));
  EXPECT_EQ(got.joined(), "only this");
}

// What SendPipelined reported, per request index.
struct PipelineLog {
  std::map<size_t, std::string> bodies;  // streamed pieces, joined
  std::vector<size_t> order;             // done's indexes, in call order
  std::map<size_t, Result<HttpResponse>> results;
  PipelineSink sink() {
    return [this](size_t i, std::string_view p) { bodies[i] += p; };
  }
  PipelineDone done() {
    return [this](size_t i, Result<HttpResponse> r) {
      order.push_back(i);
      results.emplace(i, std::move(r));
    };
  }
};

std::vector<PipelinedRequest> Gets(int n) {
  std::vector<PipelinedRequest> out;
  for (int i = 0; i < n; ++i) {
    PipelinedRequest r;
    r.target = "/b/k" + std::to_string(i);
    r.headers = {{"Host", "h"}};
    out.push_back(std::move(r));
  }
  return out;
}

TEST(HttpClientPipelined, AnswersComeBackInOrderOverOneConnection) {
  CannedServer server({Ok("zero"),
                       "HTTP/1.1 404 Not Found\r\nContent-Length: 29\r\n\r\n"
                       "<Error><Code>NoSuchKey</Code>",
                       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
                       Ok("three")});
  HttpClient client(server.endpoint());
  PipelineLog log;

  client.SendPipelined(Gets(4), log.sink(), log.done());

  EXPECT_THAT(log.order, ElementsAre(0u, 1u, 2u, 3u));
  ASSERT_THAT(log.results.at(0), IsOk());
  EXPECT_EQ(log.results.at(0)->Header("x-amz-meta-signature"), "abc");
  EXPECT_EQ(log.bodies[0], "zero");
  ASSERT_THAT(log.results.at(1), IsOk());
  EXPECT_EQ(log.results.at(1)->status, 404);
  EXPECT_EQ(log.results.at(1)->body, "<Error><Code>NoSuchKey</Code>");
  EXPECT_FALSE(log.bodies.contains(1)) << "an error document is not streamed";
  EXPECT_EQ(log.bodies[2], "hello world");
  EXPECT_EQ(log.bodies[3], "three");
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpClientPipelined, RequestsAClosedConnectionLeftAreSentAgainOnAFreshOne) {
  CannedServer server({Ok("zero"), Ok("one") + "<close>", Ok("two"), Ok("three")});
  HttpClient client(server.endpoint());
  PipelineLog log;

  client.SendPipelined(Gets(4), log.sink(), log.done());

  EXPECT_THAT(log.order, ElementsAre(0u, 1u, 2u, 3u));
  for (size_t i = 0; i < 4; ++i) EXPECT_THAT(log.results.at(i), IsOk()) << i;
  EXPECT_EQ(log.bodies[1], "one");
  EXPECT_EQ(log.bodies[2], "two");
  EXPECT_EQ(log.bodies[3], "three");
  EXPECT_EQ(server.connections(), 2);
}

TEST(HttpClientPipelined, ABodyCutShortFailsThatRequestOnly) {
  CannedServer server(
      {Ok("zero"), "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npart<close>", Ok("two")});
  HttpClient client(server.endpoint());
  PipelineLog log;

  client.SendPipelined(Gets(3), log.sink(), log.done());

  EXPECT_THAT(log.order, ElementsAre(0u, 1u, 2u));
  EXPECT_THAT(log.results.at(0), IsOk());
  EXPECT_THAT(log.results.at(1), HasError(Error::kUnavailable));
  EXPECT_EQ(log.bodies[1], "part");
  ASSERT_THAT(log.results.at(2), IsOk());
  EXPECT_EQ(log.bodies[2], "two");
}

TEST(HttpClientPipelined, NoServerFailsEveryRequest) {
  std::string port;
  {
    CannedServer gone({});
    port = gone.endpoint().port;
  }
  HttpClient client(Endpoint{"127.0.0.1", port, "127.0.0.1:" + port});
  PipelineLog log;

  client.SendPipelined(Gets(3), log.sink(), log.done());

  EXPECT_THAT(log.order, ElementsAre(0u, 1u, 2u));
  for (size_t i = 0; i < 3; ++i) EXPECT_THAT(log.results.at(i), HasError(Error::kUnavailable));
}

}  // namespace
}  // namespace ot::cli
