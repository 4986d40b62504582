// Tests src/cli/http_client.cc: endpoint parsing and error descriptions (the HTTP exchange itself
// is covered by the server tests, which drive the in-process server through it).

#include "cli/http_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "support/matchers.h"

namespace ot::cli {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;

TEST(ParseEndpoint, ReadsHostAndPort) {
  struct Case {
    std::string_view url, host, port, host_header;
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
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.url);

    auto e = ParseEndpoint(c.url);

    ASSERT_THAT(e, IsOk());
    EXPECT_EQ(e->host, c.host);
    EXPECT_EQ(e->port, c.port);
    EXPECT_EQ(e->host_header, c.host_header);
  }
}

TEST(ParseEndpoint, RejectsHttps) {
  EXPECT_THAT(ParseEndpoint("https://127.0.0.1:8421"), HasError(Error::kValidation));
}

TEST(ParseEndpoint, RejectsGarbage) {
  for (std::string_view url :
       {"", "127.0.0.1:8421", "ftp://host", "http://", "http:///path", "http//host:1",
        "http://host:", "http://host:abc", "http://host:99999", "http://host:-1", "http://host:0",
        "http://:8080", "http://[::1"}) {
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

}  // namespace
}  // namespace ot::cli
