// Tests src/cli/validate_logs.cc: the digest walk and its report over an in-memory bucket with
// digests signed by a fresh key — each failure kind with the AWS CLI's exact line.

#include "cli/validate_logs.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <mutex>
#include <string>

#include "common/encoding.h"
#include "common/gzip.h"
#include "common/time.h"
#include "crypto/hash.h"
#include "crypto/rsa.h"

namespace ot::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kBucket[] = "b";
constexpr char kAccount[] = "111122223333";
constexpr char kArn[] = "arn:aws:cloudtrail:us-east-1:111122223333:trail/t";

class MemSource : public ObjectSource {
 public:
  Result<std::vector<std::string>> List(const std::string& /*bucket*/, const std::string& prefix,
                                        const std::string& marker) override {
    std::lock_guard lock(mu);
    std::vector<std::string> out;
    for (const auto& [k, v] : objects) {
      if (k.starts_with(prefix) && k > marker) out.push_back(k);
    }
    return out;
  }
  // Hands the object out in pieces of `piece` bytes, as a network read would.
  Result<std::optional<ObjectMetadata>> Read(const std::string& /*bucket*/, const std::string& key,
                                             const ByteSink& sink) override {
    StoredObject object;
    {
      std::lock_guard lock(mu);
      ++reads[key];
      if (fail_key == key) return Status(Error::kUnavailable, "connection reset");
      auto it = objects.find(key);
      if (it == objects.end()) return std::optional<ObjectMetadata>();
      object = it->second;
    }
    std::string_view data = object.data;
    for (size_t at = 0; at < data.size(); at += piece) sink(data.substr(at, piece));
    return std::optional<ObjectMetadata>(object.metadata);
  }
  std::mutex mu;
  std::map<std::string, StoredObject> objects;
  std::map<std::string, int> reads;  // Read calls per key
  std::string fail_key;              // Read of this key fails (a transport error)
  size_t piece = 7;
};

SysMillis At(const char* iso) { return *ParseIso8601(iso); }

struct Output {
  int code;
  std::string out;
  std::string err;
};

class ValidateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pair = crypto::GenerateRsaKeyPair();
    ASSERT_TRUE(pair.ok());
    key_ = *pair;
    fingerprint_ = crypto::PublicKeyFingerprint(key_.public_pkcs1_der);
    keys_[fingerprint_] = Base64Encode(key_.public_pkcs1_der);
  }

  std::string DigestKey(const std::string& stamp) {
    return std::string("AWSLogs/") + kAccount + "/CloudTrail-Digest/us-east-1/2024/05/01/" +
           kAccount + "_CloudTrail-Digest_us-east-1_t_us-east-1_" + stamp + ".json.gz";
  }

  // Adds a log file and returns its key.
  std::string AddLog(const std::string& name, const std::string& body) {
    std::string key = std::string("AWSLogs/") + kAccount + "/CloudTrail/us-east-1/2024/05/01/" +
                      name + ".json.gz";
    source_.objects[key].data = GzipCompress(body);
    logs_[key] = crypto::Sha256Hex(body);
    return key;
  }

  // Writes a signed digest for [start, end] naming `logs`, chained to the previous one unless
  // `chain` is false. Returns its key.
  std::string AddDigest(const char* start, const char* end, std::vector<std::string> logs,
                        bool chain = true) {
    std::string stamp = FormatAmzDate(At(end));
    std::string key = DigestKey(stamp);
    std::string json = std::string("{\"awsAccountId\":\"") + kAccount +
                       "\",\"digestStartTime\":\"" + start + "\",\"digestEndTime\":\"" + end +
                       "\",\"digestS3Bucket\":\"" + kBucket + "\",\"digestS3Object\":\"" + key +
                       "\",\"digestPublicKeyFingerprint\":\"" + fingerprint_ +
                       "\",\"digestSignatureAlgorithm\":\"SHA256withRSA\",";
    bool linked = chain && !last_key_.empty();
    if (linked) {
      json += std::string("\"previousDigestS3Bucket\":\"") + kBucket +
              "\",\"previousDigestS3Object\":\"" + last_key_ + "\",\"previousDigestSignature\":\"" +
              last_signature_ + "\",";
    } else {
      json +=
          "\"previousDigestS3Bucket\":null,\"previousDigestS3Object\":null,"
          "\"previousDigestSignature\":null,";
    }
    json += "\"logFiles\":[";
    for (size_t i = 0; i < logs.size(); ++i) {
      if (i) json += ",";
      json += std::string("{\"s3Bucket\":\"") + kBucket + "\",\"s3Object\":\"" + logs[i] +
              "\",\"hashValue\":\"" + logs_[logs[i]] + "\",\"hashAlgorithm\":\"SHA-256\"}";
    }
    json += "]}";
    std::string to_sign = std::string(end) + "\n" + kBucket + "/" + key + "\n" +
                          crypto::Sha256Hex(json) + "\n" + (linked ? last_signature_ : "null");
    std::string signature = HexEncode(*crypto::RsaSignSha256(key_.private_pkcs8_der, to_sign));
    StoredObject& o = source_.objects[key];
    o.data = GzipCompress(json);
    o.metadata = {{"signature", signature}, {"signature-algorithm", "SHA256withRSA"}};
    last_key_ = key;
    last_signature_ = signature;
    return key;
  }

  Output Run(int concurrency = 3) {
    ValidationPlan plan;
    plan.trail_arn = kArn;
    plan.start = At("2024-05-01T10:00:00Z");
    plan.end = At("2024-05-01T14:00:00Z");
    plan.bucket = kBucket;
    plan.account_id = kAccount;
    plan.trail_name = "t";
    plan.home_region = "us-east-1";
    plan.source_region = "us-east-1";
    plan.verbose = true;
    plan.concurrency = concurrency;
    char* out_buf = nullptr;
    char* err_buf = nullptr;
    size_t out_len = 0;
    size_t err_len = 0;
    std::FILE* out = open_memstream(&out_buf, &out_len);
    std::FILE* err = open_memstream(&err_buf, &err_len);
    auto keys = keys_;
    int code = ValidateDigests(
        plan, source_,
        [&](SysMillis, SysMillis) -> Result<std::map<std::string, std::string>> { return keys; },
        out, err);
    std::fclose(out);
    std::fclose(err);
    Output o{code, std::string(out_buf, out_len), std::string(err_buf, err_len)};
    free(out_buf);
    free(err_buf);
    return o;
  }

  // Three chained digests with two logs each.
  void BuildChain() {
    a1_ = AddLog("a1", R"({"Records":[1]})");
    a2_ = AddLog("a2", R"({"Records":[2]})");
    b1_ = AddLog("b1", R"({"Records":[3]})");
    d1_ = AddDigest("2024-05-01T11:00:00Z", "2024-05-01T12:00:00Z", {a1_, a2_});
    d2_ = AddDigest("2024-05-01T12:00:00Z", "2024-05-01T13:00:00Z", {b1_});
    d3_ = AddDigest("2024-05-01T13:00:00Z", "2024-05-01T13:30:00Z", {});
  }

  static std::string Url(const std::string& key) { return std::string("s3://b/") + key; }

  crypto::RsaKeyPair key_;
  std::string fingerprint_;
  std::map<std::string, std::string> keys_;
  MemSource source_;
  std::map<std::string, std::string> logs_;
  std::string last_key_;
  std::string last_signature_;
  std::string a1_, a2_, b1_, d1_, d2_, d3_;
};

TEST_F(ValidateTest, AllValidReportExactly) {
  BuildChain();
  Output o = Run();
  EXPECT_EQ(o.code, 0);
  EXPECT_EQ(o.err, "");
  EXPECT_EQ(o.out,
            std::string("Validating log files for trail ") + kArn +
                " between 2024-05-01T10:00:00Z and 2024-05-01T14:00:00Z\n\n"
                "Digest file\t" +
                Url(d3_) + "\tvalid\nDigest file\t" + Url(d2_) + "\tvalid\nLog file\t" + Url(b1_) +
                "\tvalid\nDigest file\t" + Url(d1_) + "\tvalid\nLog file\t" + Url(a1_) +
                "\tvalid\nLog file\t" + Url(a2_) +
                "\tvalid\n\nResults requested for 2024-05-01T10:00:00Z to 2024-05-01T14:00:00Z\n"
                "Results found for 2024-05-01T11:00:00Z to 2024-05-01T13:30:00Z:\n"
                "\n3/3 digest files valid\n3/3 log files valid\n");
}

TEST_F(ValidateTest, LogProblems) {
  BuildChain();
  source_.objects[a1_].data = GzipCompress(R"({"Records":[9]})");
  source_.objects.erase(a2_);
  source_.objects[b1_].data = "not gzip at all";
  Output o = Run();
  EXPECT_EQ(o.code, 1);
  EXPECT_EQ(o.err, "\nLog file\t" + Url(b1_) +
                       "\tINVALID: invalid format\n\n"
                       // the valid digest line between them resets the spacing
                       "\nLog file\t" +
                       Url(a1_) +
                       "\tINVALID: hash value doesn't match\n\n"
                       "Log file\t" +
                       Url(a2_) + "\tINVALID: not found\n\n");
  EXPECT_THAT(o.out, HasSubstr("\n3/3 digest files valid\n0/3 log files valid, 3/3 log files "
                               "INVALID\n"));
}

TEST_F(ValidateTest, LogsInflateAsPythonsDecompressobj) {
  // The AWS CLI reads one gzip member: bytes after it are ignored, and a truncated file hashes
  // what could be inflated (a mismatch, not a format error) — whichever inflater we use.
  BuildChain();
  source_.objects[a1_].data = GzipCompress(R"({"Records":[1]})") + "trailing bytes";
  source_.objects[a2_].data = GzipCompress(R"({"Records":[2]})") + std::string("\xff\xff\0\0", 4);
  std::string gz = GzipCompress(R"({"Records":[3]})");
  source_.objects[b1_].data = gz.substr(0, gz.size() / 2);
  Output o = Run();
  EXPECT_EQ(o.code, 1);
  EXPECT_EQ(o.err, "\nLog file\t" + Url(b1_) + "\tINVALID: hash value doesn't match\n\n");
  EXPECT_THAT(o.out, HasSubstr("\n3/3 digest files valid\n2/3 log files valid, 1/3 log files "
                               "INVALID\n"));
}

TEST_F(ValidateTest, DigestProblems) {
  BuildChain();
  StoredObject d2 = source_.objects[d2_];
  source_.objects.erase(d2_);  // found missing through d3's previous pointer
  Output o = Run();
  EXPECT_EQ(o.code, 1);
  EXPECT_EQ(o.err, "\nDigest file\t" + Url(d2_) + "\tINVALID: not found\n\n");
  EXPECT_THAT(o.out, HasSubstr("Digest file\t" + Url(d1_) + "\tvalid\n"));
  EXPECT_THAT(o.out, HasSubstr("2/3 digest files valid, 1/3 digest files INVALID"));

  std::string& signature = d2.metadata["signature"];
  signature[0] = signature[0] == '0' ? '1' : '0';
  source_.objects[d2_] = d2;
  o = Run();
  EXPECT_EQ(o.code, 1);
  EXPECT_EQ(o.err, "\nDigest file\t" + Url(d2_) + "\tINVALID: signature verification failed\n\n");
  signature = "abc";
  source_.objects[d2_] = d2;
  EXPECT_EQ(Run().err, "\nDigest file\t" + Url(d2_) + "\tINVALID: Odd-length string\n\n");
}

TEST_F(ValidateTest, FormatMovedKeyAndFingerprint) {
  BuildChain();
  source_.objects[d3_].data = "{}";                            // not gzip
  source_.objects[d2_].metadata.erase("signature-algorithm");  // metadata missing
  Output o = Run();
  EXPECT_THAT(o.err, HasSubstr("Digest file\t" + Url(d3_) + "\tINVALID: invalid format\n"));
  EXPECT_THAT(o.err,
              HasSubstr("Digest file\t" + Url(d2_) + "\tINVALID: signature verification failed\n"));

  source_.objects[DigestKey("20240501T133500Z")] = source_.objects[d1_];
  keys_.clear();
  keys_["other"] = "AAAA";
  o = Run();
  EXPECT_THAT(o.err, HasSubstr("Digest file\t" + Url(DigestKey("20240501T133500Z")) +
                               "\tINVALID: has been moved from its original location\n"));
  EXPECT_THAT(o.err, HasSubstr("Digest file\t" + Url(d1_) +
                               "\tINVALID: public key not found in region us-east-1 for "
                               "fingerprint " +
                               fingerprint_ + "\n"));
  keys_[fingerprint_] = "AAAA";
  o = Run();
  EXPECT_THAT(o.err, HasSubstr("Digest file\t" + Url(d1_) +
                               "\tINVALID: Unable to load PKCS #1 key with fingerprint " +
                               fingerprint_ + "\n"));
  EXPECT_EQ(o.code, 1);
}

TEST_F(ValidateTest, ChainRestartIsAGapNotAnError) {
  a1_ = AddLog("a1", R"({"Records":[1]})");
  d1_ = AddDigest("2024-05-01T11:00:00Z", "2024-05-01T12:00:00Z", {a1_});
  d2_ = AddDigest("2024-05-01T12:30:00Z", "2024-05-01T13:00:00Z", {}, /*chain=*/false);
  Output o = Run();
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_EQ(o.err,
            "\nNo log files were delivered by CloudTrail between 2024-05-01T12:00:00Z and "
            "2024-05-01T12:30:00Z\n\n");
  EXPECT_THAT(o.out, HasSubstr("2/2 digest files valid"));
}

TEST_F(ValidateTest, NoPublicKeysIsFatalAndNoDigestsIsReported) {
  keys_.clear();
  Output o = Run();
  EXPECT_EQ(o.code, 255);
  EXPECT_EQ(o.err,
            "\nNo public keys found between 2024-05-01T10:00:00Z and 2024-05-01T16:00:00Z\n");
  keys_["x"] = "y";
  o = Run();
  EXPECT_EQ(o.code, 0);
  EXPECT_THAT(o.out, HasSubstr("Results requested for 2024-05-01T10:00:00Z to "
                               "2024-05-01T14:00:00Z\nNo digests found\n"));
  EXPECT_THAT(o.out, Not(HasSubstr("files valid")));
}

// 40 five-minute digests of three logs each, with a missing digest, a chain restart and bad log
// files in the middle: the walk fetches digests ahead and checks logs in parallel, yet the report
// is the same at every concurrency, and every object is read exactly once.
TEST_F(ValidateTest, LongChainReportIsTheSameAtAnyConcurrencyAndReadsEachObjectOnce) {
  std::vector<std::string> digests;
  std::vector<std::string> all_logs;
  SysMillis t = At("2024-05-01T10:30:00Z");
  for (int i = 0; i < 40; ++i) {
    std::vector<std::string> logs;
    for (int j = 0; j < 3; ++j) {
      std::string body = R"({"Records":[)" + std::to_string(i * 3 + j) + "]}";
      logs.push_back(AddLog("l" + std::to_string(i) + "_" + std::to_string(j), body));
    }
    all_logs.insert(all_logs.end(), logs.begin(), logs.end());
    if (i == 21) t += std::chrono::minutes(2);  // a gap, then a new chain
    std::string start = FormatIso8601(t);
    t += std::chrono::minutes(5);
    std::string end = FormatIso8601(t);
    digests.push_back(AddDigest(start.c_str(), end.c_str(), logs, /*chain=*/i != 21));
  }
  source_.objects.erase(digests[30]);
  source_.objects[all_logs[5]].data = GzipCompress("edited");
  source_.objects[all_logs[100]].data = "plain";
  source_.objects.erase(all_logs[70]);

  Output one = Run(1);
  Output three = Run(3);
  source_.reads.clear();
  Output many = Run(16);

  EXPECT_EQ(one.code, 1);
  EXPECT_EQ(many.code, one.code);
  EXPECT_EQ(many.out, one.out);
  EXPECT_EQ(many.err, one.err);
  EXPECT_EQ(three.out, one.out);
  EXPECT_EQ(three.err, one.err);
  EXPECT_THAT(one.err, HasSubstr("Digest file\t" + Url(digests[30]) + "\tINVALID: not found\n"));
  EXPECT_THAT(one.err, HasSubstr("No log files were delivered by CloudTrail between "
                                 "2024-05-01T12:15:00Z and 2024-05-01T12:17:00Z\n"));
  EXPECT_THAT(one.err,
              HasSubstr("Log file\t" + Url(all_logs[5]) + "\tINVALID: hash value doesn't match"));
  EXPECT_THAT(one.err, HasSubstr("Log file\t" + Url(all_logs[100]) + "\tINVALID: invalid format"));
  EXPECT_THAT(one.err, HasSubstr("Log file\t" + Url(all_logs[70]) + "\tINVALID: not found"));
  EXPECT_THAT(one.out, HasSubstr("\n39/40 digest files valid, 1/40 digest files INVALID\n"
                                 "114/117 log files valid, 3/117 log files INVALID\n"));
  // The walk's order: newest digest first, each followed by its logs in the digest's order.
  size_t newest = one.out.find(Url(digests[39]));
  size_t its_log = one.out.find(Url(all_logs[117]));
  size_t older = one.out.find(Url(digests[38]));
  EXPECT_LT(newest, its_log);
  EXPECT_LT(its_log, older);
  for (const auto& [key, object] : source_.objects) {
    // The logs of the missing digest are not known, so not read.
    bool unnamed = key.find("/l30_") != std::string::npos;
    EXPECT_EQ(source_.reads[key], unnamed ? 0 : 1) << key;
  }
}

TEST_F(ValidateTest, LargeLogFilesAreHashedPieceByPiece) {
  // Beyond the whole-file bound (4 MiB of gzip): streamed through zlib.
  std::string body = R"({"Records":[)";
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 700000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift: digits that barely compress
    body += std::to_string(x % 1000000007) + ",";
  }
  body += "0]}";
  std::string big = AddLog("big", body);
  AddDigest("2024-05-01T11:00:00Z", "2024-05-01T12:00:00Z", {big});
  source_.piece = 1000;
  Output o = Run();
  EXPECT_EQ(o.code, 0) << o.err;
  EXPECT_THAT(o.out, HasSubstr("Log file\t" + Url(big) + "\tvalid\n"));
}

TEST_F(ValidateTest, ATransportErrorIsFatalAfterTheLinesBeforeIt) {
  BuildChain();
  source_.fail_key = b1_;  // the log of the second digest reached
  Output o = Run();
  EXPECT_EQ(o.code, 255);
  EXPECT_EQ(o.out, std::string("Validating log files for trail ") + kArn +
                       " between 2024-05-01T10:00:00Z and 2024-05-01T14:00:00Z\n\n"
                       "Digest file\t" +
                       Url(d3_) + "\tvalid\nDigest file\t" + Url(d2_) + "\tvalid\n");
  EXPECT_EQ(o.err, "\nconnection reset\n");

  source_.fail_key = d2_;  // a digest
  o = Run();
  EXPECT_EQ(o.code, 255);
  EXPECT_THAT(o.out, HasSubstr("Digest file\t" + Url(d3_) + "\tvalid\n"));
  EXPECT_THAT(o.out, Not(HasSubstr(Url(d1_))));
  EXPECT_EQ(o.err, "\nconnection reset\n");
}

TEST(GzipInflaterTest, PythonDecompressobjSemantics) {
  std::string body(300000, 'x');
  std::string gz = GzipCompress(body) + "trailing garbage";
  auto inflate = [](std::string_view in) -> Result<std::string> {
    GzipInflater inflater;
    std::string out;
    OT_RETURN_IF_ERROR(inflater.Feed(in, [&](std::string_view p) { out += p; }));
    return out;
  };
  EXPECT_EQ(*inflate(gz), body);
  auto truncated = inflate(std::string_view(gz).substr(0, gz.size() / 2));
  ASSERT_TRUE(truncated.ok());
  EXPECT_LT(truncated->size(), body.size());
  EXPECT_FALSE(inflate("plain text").ok());
}

TEST(ParseCliTimeTest, Forms) {
  EXPECT_EQ(*ParseCliTime("2024-05-01T10:00:00Z"), At("2024-05-01T10:00:00Z"));
  EXPECT_EQ(*ParseCliTime("2024-05-01T10:00:00"), At("2024-05-01T10:00:00Z"));
  EXPECT_EQ(*ParseCliTime("2024-05-01"), At("2024-05-01T00:00:00Z"));
  EXPECT_FALSE(ParseCliTime("yesterday").ok());
}

}  // namespace
}  // namespace ot::cli
