// The remote side of the registry against a tiny in-process S3 server that checks SigV4.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "auth/identity.h"
#include "buckets/bucket_registry.h"
#include "buckets_test_util.h"
#include "support/matchers.h"
#include "support/test_env.h"

namespace ot::buckets {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;

constexpr char kKey[] = "AKIDFAKES3EXAMPLE";
constexpr char kSecret[] = "fake/secret/key/for/tests";

// One-connection-at-a-time HTTP/1.1 server: PUT /<bucket>/<key> with Content-Length.
class FakeS3 {
 public:
  FakeS3() {
    auth::AccessKey key;
    key.access_key_id = kKey;
    key.secret_access_key = kSecret;
    key.principal.access_key_id = kKey;
    key.principal.account_id = "123456789012";
    credentials_.Put(key);
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(fd_, 16), 0);
    socklen_t len = sizeof(addr);
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeS3() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }

  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void FailNext(int n) { fail_next_ = n; }
  // Answers 400 AuthorizationHeaderMalformed naming `region` to requests signed for another.
  void RequireRegion(std::string region) {
    std::lock_guard lock(mu_);
    required_region_ = std::move(region);
  }
  void AnswerAlways(int status, std::string code) {
    std::lock_guard lock(mu_);
    always_status_ = status;
    always_code_ = std::move(code);
  }

  struct Received {
    std::string path, body, content_type, meta_signature, acl, service, region, crc32;
    std::string sse, sse_key;  // x-amz-server-side-encryption[-aws-kms-key-id]
  };
  std::vector<Received> received() {
    std::lock_guard lock(mu_);
    return received_;
  }
  int attempts() const { return attempts_; }

 private:
  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  void Serve() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      HandleConnection(c);
      ::close(c);
    }
  }

  void HandleConnection(int c) {
    std::string data;
    char buf[4096];
    size_t header_end;
    while ((header_end = data.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::read(c, buf, sizeof(buf));
      if (n <= 0) return;
      data.append(buf, static_cast<size_t>(n));
    }
    std::string head = data.substr(0, header_end);
    std::vector<std::pair<std::string, std::string>> headers;
    size_t line_end = head.find("\r\n");
    std::string request_line = head.substr(0, line_end);
    size_t length = 0;
    for (size_t pos = line_end + 2; pos < head.size();) {
      size_t e = head.find("\r\n", pos);
      if (e == std::string::npos) e = head.size();
      std::string line = head.substr(pos, e - pos);
      size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      if (Lower(name) == "content-length") length = std::stoul(value);
      headers.emplace_back(name, value);
      pos = e + 2;
    }
    std::string body = data.substr(header_end + 4);
    while (body.size() < length) {
      ssize_t n = ::read(c, buf, sizeof(buf));
      if (n <= 0) return;
      body.append(buf, static_cast<size_t>(n));
    }
    size_t sp1 = request_line.find(' ');
    size_t sp2 = request_line.find(' ', sp1 + 1);
    std::string method = request_line.substr(0, sp1);
    std::string target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    ++attempts_;

    auth::HttpRequestView view;
    view.method = method;
    view.raw_path = target;
    for (const auto& [k, v] : headers) view.headers.emplace_back(k, v);
    view.body = body;
    auth::VerifyOptions options;
    options.s3 = true;
    options.expected_service = "s3";
    options.max_skew = std::chrono::minutes(60 * 24 * 365 * 100);  // the client's clock is fake
    auto caller = auth::VerifyRequest(view, credentials_, SysMillis{}, options);
    if (!caller.ok()) return Respond(c, 403, "SignatureDoesNotMatch");
    {
      std::lock_guard lock(mu_);
      if (!required_region_.empty() && caller->region != required_region_) {
        return Respond(c, 400, "AuthorizationHeaderMalformed",
                       "<Region>" + required_region_ + "</Region>");
      }
    }
    if (fail_next_ > 0) {
      --fail_next_;
      return Respond(c, 503, "SlowDown");
    }
    {
      std::lock_guard lock(mu_);
      if (always_status_ != 0) return Respond(c, always_status_, always_code_);
      Received r;
      r.path = target;
      r.body = body;
      r.service = caller->service;
      r.region = caller->region;
      for (const auto& [k, v] : headers) {
        if (Lower(k) == "content-type") r.content_type = v;
        if (Lower(k) == "x-amz-meta-signature") r.meta_signature = v;
        if (Lower(k) == "x-amz-acl") r.acl = v;
        if (Lower(k) == "x-amz-checksum-crc32") r.crc32 = v;
        if (Lower(k) == "x-amz-server-side-encryption") r.sse = v;
        if (Lower(k) == "x-amz-server-side-encryption-aws-kms-key-id") r.sse_key = v;
      }
      received_.push_back(std::move(r));
    }
    Respond(c, 200, "");
  }

  static void Respond(int c, int status, const std::string& code, const std::string& extra = "") {
    std::string body;
    if (!code.empty()) {
      body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code +
             "</Code><Message>m</Message>" + extra + "</Error>";
    }
    std::string out = "HTTP/1.1 " + std::to_string(status) +
                      " X\r\nContent-Length: " + std::to_string(body.size()) +
                      "\r\nConnection: close\r\n\r\n" + body;
    (void)!::write(c, out.data(), out.size());
  }

  int fd_ = -1;
  uint16_t port_ = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<int> fail_next_{0};
  std::atomic<int> attempts_{0};
  auth::CredentialStore credentials_;
  std::mutex mu_;
  int always_status_ = 0;
  std::string always_code_;
  std::string required_region_;
  std::vector<Received> received_;
};

class RemoteTest : public ::testing::Test {
 protected:
  std::unique_ptr<BucketRegistry> Open(std::string endpoint) {
    RegistryOptions options;
    options.dir = dir_.path() + "/buckets";
    options.retry.max_attempts = 4;
    options.retry.initial_backoff = std::chrono::milliseconds(10);
    options.retry.max_backoff = std::chrono::milliseconds(25);
    options.retry.timeout = std::chrono::milliseconds(5000);
    options.retry.sleep = [this](std::chrono::milliseconds d) { sleeps_.push_back(d); };
    auto reg = BucketRegistry::Open(options, store_, env_);
    EXPECT_THAT(reg, IsOk());
    RemoteBucketConfig c;
    c.name = "remote-logs";
    c.endpoint = std::move(endpoint);
    c.region = "eu-west-1";
    c.access_key_id = kKey;
    c.secret_access_key = kSecret;
    EXPECT_THAT((*reg)->AddRemote(c), IsOk());
    return std::move(*reg);
  }

  static PutObjectRequest Put(std::string_view key, std::string_view body) {
    PutObjectRequest put;
    put.bucket = "remote-logs";
    put.key = key;
    put.body = body;
    put.content_type = "application/x-gzip";
    put.metadata = {{"signature", "deadbeef"}};
    put.headers = {{"x-amz-acl", "bucket-owner-full-control"}};
    return put;
  }

  testing::TempDir dir_;
  testing::MemRegistryStore store_;
  ot::testing::FakeClock clock_;
  ot::testing::SeededRandom random_;
  Env env_{clock_, RealFileSystem(), random_};
  std::vector<std::chrono::milliseconds> sleeps_;
};

TEST_F(RemoteTest, SignedPutObjectArrives) {
  FakeS3 s3;
  auto reg = Open(s3.endpoint());
  ASSERT_THAT(reg->PutObject(Put("AWSLogs/1/a b+c.json.gz", "gzip bytes")), IsOk());
  auto got = s3.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].path, "/remote-logs/AWSLogs/1/a%20b%2Bc.json.gz");
  EXPECT_EQ(got[0].body, "gzip bytes");
  EXPECT_EQ(got[0].content_type, "application/x-gzip");
  EXPECT_EQ(got[0].meta_signature, "deadbeef");
  EXPECT_EQ(got[0].acl, "bucket-owner-full-control");
  EXPECT_EQ(got[0].service, "s3");
  EXPECT_EQ(got[0].region, "eu-west-1");
  EXPECT_FALSE(got[0].crc32.empty());
  EXPECT_TRUE(sleeps_.empty());
}

TEST_F(RemoteTest, SseKmsIsPassedThroughAsHeadersAndTheBodyStaysAsGiven) {
  FakeS3 s3;
  auto reg = Open(s3.endpoint());
  PutObjectRequest put = Put("AWSLogs/1/enc.json.gz", "gzip bytes");
  put.sse_algorithm = kSseKms;
  put.sse_kms_key_id = "arn:aws:kms:eu-west-1:111122223333:key/k";
  put.sse_context = {{"aws:cloudtrail:arn", "arn:aws:cloudtrail:eu-west-1:1:trail/t"}};
  ASSERT_THAT(reg->PutObject(put), IsOk());  // no DataKeyProvider needed: the remote encrypts
  ASSERT_THAT(reg->PutObject(Put("AWSLogs/1/plain.json.gz", "x")), IsOk());
  auto got = s3.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].sse, "aws:kms");
  EXPECT_EQ(got[0].sse_key, "arn:aws:kms:eu-west-1:111122223333:key/k");
  EXPECT_EQ(got[0].body, "gzip bytes");
  EXPECT_EQ(got[0].acl, "bucket-owner-full-control");  // the other headers still go
  EXPECT_TRUE(got[1].sse.empty());
  EXPECT_TRUE(got[1].sse_key.empty());
}

TEST_F(RemoteTest, ChecksumIsTheBase64BigEndianCrc32) {
  FakeS3 s3;
  auto reg = Open(s3.endpoint());
  ASSERT_THAT(reg->PutObject(Put("k", "hello world\n")), IsOk());
  ASSERT_EQ(s3.received().size(), 1u);
  EXPECT_EQ(s3.received()[0].crc32, "rwg7LQ==");  // protocols.md §5.4
}

TEST_F(RemoteTest, FollowsTheBucketsRegion) {
  FakeS3 s3;
  auto reg = Open(s3.endpoint());  // configured for eu-west-1
  s3.RequireRegion("ap-southeast-2");
  ASSERT_THAT(reg->PutObject(Put("k", "b")), IsOk());
  EXPECT_EQ(s3.attempts(), 2);
  ASSERT_EQ(s3.received().size(), 1u);
  EXPECT_EQ(s3.received()[0].region, "ap-southeast-2");
  EXPECT_TRUE(sleeps_.empty());
  ASSERT_THAT(reg->PutObject(Put("k2", "b")), IsOk());  // remembered: no second redirect
  EXPECT_EQ(s3.attempts(), 3);
}

TEST_F(RemoteTest, RetriesWithExponentialBackoff) {
  FakeS3 s3;
  auto reg = Open(s3.endpoint());
  s3.FailNext(3);
  ASSERT_THAT(reg->PutObject(Put("k1", "body")), IsOk());
  EXPECT_EQ(s3.attempts(), 4);
  EXPECT_EQ(s3.received().size(), 1u);
  using std::chrono::milliseconds;
  EXPECT_THAT(sleeps_,
              ::testing::ElementsAre(milliseconds(10), milliseconds(20), milliseconds(25)));
}

TEST_F(RemoteTest, GivesUpAfterMaxAttempts) {
  FakeS3 s3;
  auto reg = Open(s3.endpoint());
  s3.FailNext(10);
  Status s = reg->PutObject(Put("k1", "body"));
  EXPECT_THAT(s, HasError(Error::kUnavailable));
  EXPECT_THAT(s.message(), ::testing::StartsWith("SlowDown"));
  EXPECT_EQ(s3.attempts(), 4);
}

TEST_F(RemoteTest, ClientErrorsAreNotRetried) {
  FakeS3 s3;
  auto reg = Open(s3.endpoint());
  s3.AnswerAlways(404, "NoSuchBucket");
  Status s = reg->PutObject(Put("k1", "body"));
  EXPECT_THAT(s, HasError(Error::kNoSuchBucket));
  EXPECT_THAT(s.message(), ::testing::StartsWith("NoSuchBucket"));
  EXPECT_EQ(s3.attempts(), 1);
  s3.AnswerAlways(403, "AccessDenied");
  s = reg->PutObject(Put("k1", "body"));
  EXPECT_THAT(s, HasError(Error::kAccessDenied));
  EXPECT_THAT(s.message(), ::testing::StartsWith("AccessDenied"));
}

TEST_F(RemoteTest, WrongSecretIsAccessDenied) {
  FakeS3 s3;
  RegistryOptions options;
  options.dir = dir_.path() + "/buckets";
  auto reg = BucketRegistry::Open(options, store_, env_);
  ASSERT_THAT(reg, IsOk());
  RemoteBucketConfig c;
  c.name = "remote-logs";
  c.endpoint = s3.endpoint();
  c.access_key_id = kKey;
  c.secret_access_key = "wrong";
  ASSERT_THAT((*reg)->AddRemote(c), IsOk());
  Status s = (*reg)->PutObject(Put("k", "b"));
  EXPECT_THAT(s, HasError(Error::kAccessDenied));
  EXPECT_THAT(s.message(), ::testing::StartsWith("SignatureDoesNotMatch"));
}

TEST_F(RemoteTest, RefusedConnectionIsRetriedThenReported) {
  // Bind and close a socket to get a port nobody listens on.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  auto reg = Open("http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)));
  Status s = reg->PutObject(Put("k", "b"));
  EXPECT_THAT(s, HasError(Error::kUnavailable));
  EXPECT_THAT(s.message(), ::testing::StartsWith("connection refused"));
  EXPECT_EQ(sleeps_.size(), 3u);
}

TEST_F(RemoteTest, CheckRemoteAsksTheServiceWithASignedHeadBucket) {
  FakeS3 s3;
  auto reg = Open(s3.endpoint());
  EXPECT_THAT(reg->CheckRemote("remote-logs"), IsOk());
  ASSERT_EQ(s3.received().size(), 1u);
  EXPECT_EQ(s3.received()[0].path, "/remote-logs");
  EXPECT_EQ(s3.received()[0].service, "s3");
  s3.AnswerAlways(404, "");  // HEAD answers have no body: the status alone says it
  EXPECT_THAT(reg->CheckRemote("remote-logs"), HasError(Error::kNoSuchBucket));
  s3.AnswerAlways(403, "");
  EXPECT_THAT(reg->CheckRemote("remote-logs"), HasError(Error::kAccessDenied));
  EXPECT_THAT(reg->CheckRemote("not-remote"), IsOk()) << "local or unknown: nothing to ask";
}

TEST_F(RemoteTest, ShutdownAbandonsRetryWaits) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  RegistryOptions options;
  options.dir = dir_.path() + "/buckets";
  options.retry.max_attempts = 6;
  options.retry.initial_backoff = std::chrono::seconds(20);  // real waits, far longer than a test
  auto reg = BucketRegistry::Open(options, store_, env_);
  ASSERT_THAT(reg, IsOk());
  RemoteBucketConfig c;
  c.name = "remote-logs";
  c.endpoint = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  c.access_key_id = kKey;
  c.secret_access_key = kSecret;
  ASSERT_THAT((*reg)->AddRemote(c), IsOk());

  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    (*reg)->Shutdown();
  });
  Status s = (*reg)->PutObject(Put("k", "b"));
  stopper.join();
  EXPECT_THAT(s, HasError(Error::kUnavailable));
  EXPECT_THAT(s.message(), ::testing::HasSubstr("shutting down"));
}

}  // namespace
}  // namespace ot::buckets
