// Golden SigV4 vectors from tests/fixtures/sigv4/<vector>/ (botocore-generated, see
// generate.py there): every stage must match byte for byte, and VerifyRequest must accept them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "auth/auth_test_util.h"
#include "auth/identity.h"
#include "auth/sigv4.h"
#include "common/encoding.h"
#include "common/time.h"
#include "crypto/hash.h"
#include "support/matchers.h"

namespace ot::auth {
namespace {

using ot::testing::IsOk;

const std::filesystem::path kVectorDir =
    std::filesystem::path(OT_SOURCE_DIR) / "tests/fixtures/sigv4";

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The expected-output files never end in a newline; tolerate one added by an editor.
std::string ReadExpected(const std::filesystem::path& path) {
  std::string text = ReadText(path);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

// request.txt parsed into a view that points into `text`.
struct Vector {
  std::string name;
  std::string text;
  HttpRequestView request;
  std::string secret;
  bool s3 = false;
};

std::unique_ptr<Vector> LoadVector(const std::string& name) {
  auto v = std::make_unique<Vector>();
  v->name = name;
  v->text = ReadText(kVectorDir / name / "request.txt");
  std::string_view text = v->text;
  size_t blank = text.find("\n\n");
  OT_CHECK(blank != text.npos);
  v->request.body = text.substr(blank + 2);
  std::string_view head = text.substr(0, blank);
  size_t eol = head.find('\n');
  std::string_view line = head.substr(0, eol);
  size_t sp1 = line.find(' '), sp2 = line.rfind(' ');
  v->request.method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t q = target.find('?');
  v->request.raw_path = target.substr(0, q);
  if (q != target.npos) v->request.raw_query = target.substr(q + 1);
  while (eol != head.npos) {
    size_t next = head.find('\n', eol + 1);
    line = head.substr(eol + 1, next == head.npos ? head.npos : next - eol - 1);
    size_t colon = line.find(':');
    v->request.headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
    eol = next;
  }
  std::istringstream context(ReadText(kVectorDir / name / "context.txt"));
  for (std::string kv; std::getline(context, kv);) {
    if (kv.starts_with("secret=")) v->secret = kv.substr(7);
    if (kv == "s3=true") v->s3 = true;
  }
  return v;
}

std::string_view HeaderOf(const HttpRequestView& r, std::string_view name) {
  for (const auto& [k, value] : r.headers) {
    if (k == name) return value;
  }
  return {};
}

std::vector<std::string> VectorNames() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(kVectorDir, ec)) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class SigV4Vector : public ::testing::TestWithParam<std::string> {};

TEST_P(SigV4Vector, MatchesEveryStageAndVerifies) {
  auto v = LoadVector(GetParam());
  const std::string amz_date(HeaderOf(v->request, "X-Amz-Date"));

  auto auth = ParseAuthorization(HeaderOf(v->request, "Authorization"));
  ASSERT_THAT(auth, IsOk());
  auto canonical = CanonicalRequest(v->request, *auth, v->s3);
  ASSERT_THAT(canonical, IsOk());
  const std::string scope = auth->date + "/" + auth->region + "/" + auth->service + "/aws4_request";
  const std::string string_to_sign = StringToSign(amz_date, scope, *canonical);
  const std::string signature =
      Sign(v->secret, auth->date, auth->region, auth->service, string_to_sign);

  EXPECT_EQ(*canonical, ReadExpected(kVectorDir / v->name / "canonical_request.txt"));
  EXPECT_EQ(string_to_sign, ReadExpected(kVectorDir / v->name / "string_to_sign.txt"));
  EXPECT_EQ(signature, ReadExpected(kVectorDir / v->name / "signature.txt"));
  EXPECT_EQ(auth->signature, signature);

  CredentialStore store;
  AccessKey key = testing::ExampleKey(HeaderOf(v->request, "X-Amz-Security-Token"));
  key.secret_access_key = v->secret;
  store.Put(key);
  auto parsed_time = ParseIso8601(amz_date);
  ASSERT_THAT(parsed_time, IsOk());
  VerifyOptions options;
  options.s3 = v->s3;
  EXPECT_THAT(VerifyRequest(v->request, store, *parsed_time, options), IsOk());
}

INSTANTIATE_TEST_SUITE_P(Fixtures, SigV4Vector, ::testing::ValuesIn(VectorNames()),
                         [](const auto& param_info) { return param_info.param; });

TEST(SigV4Fixtures, DirectoryHoldsTheWorkedExamples) {
  EXPECT_THAT(VectorNames(), ::testing::IsSupersetOf({"get_trail", "get_trail_session_token"}));
}

// sigv4.md §3 key-derivation table, step by step.
TEST(SigV4KeyDerivation, MatchesTheWorkedExampleAtEachStep) {
  const std::string k_date = crypto::HmacSha256("AWS4" + std::string(testing::kSecret), "20240501");
  const std::string k_region = crypto::HmacSha256(k_date, "us-east-1");
  const std::string k_service = crypto::HmacSha256(k_region, "cloudtrail");
  const std::string k_signing = crypto::HmacSha256(k_service, "aws4_request");

  EXPECT_EQ(HexEncode(k_date), "41ff1c935791487d5cd47154f197d16ede5de0bc3b53bf696543481364628466");
  EXPECT_EQ(HexEncode(k_region),
            "c911a22b63b25202067c645fab071c77b911546252e6555f28e04bfbffb06913");
  EXPECT_EQ(HexEncode(k_service),
            "00b3114c79c05016d12a5c612af090c323483676bfb5695fa0d0185ce7ce5e42");
  EXPECT_EQ(HexEncode(k_signing),
            "9858abb769ad9703d6762449c21b1b4fc13d293226dfeae112967a1b905add4e");
  EXPECT_EQ(DeriveSigningKey(testing::kSecret, "20240501", "us-east-1", "cloudtrail"), k_signing);
}

TEST(SigV4KeyDerivation, BodyHashOfTheWorkedExample) {
  EXPECT_EQ(crypto::Sha256Hex(R"({"Name": "my-trail"})"),
            "53b52398cb60cd4b3566c9c3ad755d9758f8eaf9f744c155a1104c1ea1e413d5");
}

}  // namespace
}  // namespace ot::auth
