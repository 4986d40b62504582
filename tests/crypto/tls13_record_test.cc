#include "crypto/tls13_record.h"

#include <gtest/gtest.h>

#include <vector>

#include "common/encoding.h"
#include "support/matchers.h"

namespace ot::crypto {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;

std::string Hex(std::string_view hex) {
  std::string clean;
  for (char c : hex) {
    if (c != ' ' && c != '\n') clean.push_back(c);
  }
  auto bytes = HexDecode(clean);
  OT_CHECK(bytes.has_value());
  return *bytes;
}

// RFC 8448 section 3 (Simple 1-RTT Handshake, TLS_AES_128_GCM_SHA256).
const std::string kServerHandshakeSecret =
    Hex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38");
const std::string kServerAppSecret =
    Hex("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643");
// "{server} send application_data record": 50 bytes 00..31 under the server's application key
// with sequence number 1 (the NewSessionTicket record took 0).
const std::string kAppPayload = [] {
  std::string s;
  for (int i = 0; i < 50; ++i) s.push_back(static_cast<char>(i));
  return s;
}();
const std::string kAppRecord = Hex(
    "17030300432e937e11ef4ac740e538ad36005fc4a46932fc3225d05f82aa1b36e30efaf97d90e6dffc602dcb501a"
    "59a8fcc49c4bf2e5f0a21c0047c2abf332540dd032e167c2955d");

std::string Pattern(size_t size, uint32_t seed) {
  std::string s(size, '\0');
  for (auto& c : s) {
    seed = seed * 1664525u + 1013904223u;
    c = static_cast<char>(seed >> 24);
  }
  return s;
}

// Splits a sealed stream into its records by their headers.
std::vector<std::string> Records(std::string_view sealed) {
  std::vector<std::string> out;
  while (!sealed.empty()) {
    size_t length = (static_cast<size_t>(static_cast<unsigned char>(sealed[3])) << 8) |
                    static_cast<unsigned char>(sealed[4]);
    out.emplace_back(sealed.substr(0, kTls13HeaderBytes + length));
    sealed.remove_prefix(kTls13HeaderBytes + length);
  }
  return out;
}

TEST(Tls13Record, ExpandLabelMatchesRfc8448) {
  // The handshake traffic key and iv, and the application traffic key and iv, of RFC 8448 3.
  auto hs = Tls13DeriveTrafficKey(Tls13Suite::kAes128GcmSha256, kServerHandshakeSecret);
  auto app = Tls13DeriveTrafficKey(Tls13Suite::kAes128GcmSha256, kServerAppSecret);
  // "derive secret for handshake tls13 derived" from the early secret, with a context.
  auto derived = Tls13ExpandLabel(
      Tls13Suite::kAes128GcmSha256,
      Hex("33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a"), "derived",
      Hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), 32);

  ASSERT_THAT(hs, IsOk());
  ASSERT_THAT(app, IsOk());
  ASSERT_THAT(derived, IsOk());
  EXPECT_EQ(HexEncode(hs->key), "3fce516009c21727d0f2e4e86ee403bc");
  EXPECT_EQ(HexEncode(hs->iv), "5d313eb2671276ee13000b30");
  EXPECT_EQ(HexEncode(app->key), "9f02283b6c9c07efc26bb9f2ac92e356");
  EXPECT_EQ(HexEncode(app->iv), "cf782b88dd83549aadf1e984");
  EXPECT_EQ(HexEncode(*derived),
            "6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba");
}

TEST(Tls13Record, SealsTheRfc8448ApplicationDataRecord) {
  auto sealer = Tls13RecordSealer::Create(Tls13Suite::kAes128GcmSha256, kServerAppSecret, 1);
  ASSERT_THAT(sealer, IsOk());
  std::string out = "kept";
  std::vector<std::string_view> pieces = {std::string_view(kAppPayload).substr(0, 7),
                                          std::string_view(kAppPayload).substr(7, 0),
                                          std::string_view(kAppPayload).substr(7)};

  ASSERT_THAT(sealer->SealApplicationData(pieces, &out), IsOk());

  EXPECT_EQ(HexEncode(out), HexEncode("kept" + kAppRecord));
  EXPECT_EQ(sealer->next_sequence(), 2u);
}

TEST(Tls13Record, OpensTheRfc8448RecordOnlyWithItsSequenceNumber) {
  auto key = Tls13DeriveTrafficKey(Tls13Suite::kAes128GcmSha256, kServerAppSecret);
  ASSERT_THAT(key, IsOk());

  auto opened = Tls13OpenRecord(Tls13Suite::kAes128GcmSha256, *key, 1, kAppRecord);

  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(opened->type, 23);
  EXPECT_EQ(opened->data, kAppPayload);
  for (uint64_t wrong : {uint64_t{0}, uint64_t{2}, uint64_t{1} << 32}) {
    EXPECT_THAT(Tls13OpenRecord(Tls13Suite::kAes128GcmSha256, *key, wrong, kAppRecord),
                HasError(Error::kCorruption));
  }
  std::string altered = kAppRecord;
  altered[20] ^= 1;
  EXPECT_THAT(Tls13OpenRecord(Tls13Suite::kAes128GcmSha256, *key, 1, altered),
              HasError(Error::kCorruption));
}

TEST(Tls13Record, SplitsIntoFullRecordsWithConsecutiveSequenceNumbers) {
  for (auto suite : {Tls13Suite::kAes128GcmSha256, Tls13Suite::kAes256GcmSha384}) {
    std::string secret = Pattern(suite == Tls13Suite::kAes128GcmSha256 ? 32 : 48, 9);
    auto key = Tls13DeriveTrafficKey(suite, secret);
    ASSERT_THAT(key, IsOk());
    EXPECT_EQ(key->key.size(), suite == Tls13Suite::kAes128GcmSha256 ? 16u : 32u);
    for (size_t size : {size_t{0}, size_t{1}, size_t{16383}, size_t{16384}, size_t{16385},
                        size_t{113000}, size_t{1} << 20}) {
      SCOPED_TRACE(size);
      auto sealer = Tls13RecordSealer::Create(suite, secret, 5);
      ASSERT_THAT(sealer, IsOk());
      std::string data = Pattern(size, static_cast<uint32_t>(size));
      // Pieces that straddle record boundaries: a header-like start, then the rest.
      std::string_view view(data);
      size_t cut = std::min<size_t>(size, 211);
      std::vector<std::string_view> pieces = {view.substr(0, cut), view.substr(cut)};
      std::string out;

      ASSERT_THAT(sealer->SealApplicationData(pieces, &out), IsOk());

      EXPECT_EQ(out.size(), Tls13SealedSize(size));
      auto records = Records(out);
      ASSERT_EQ(records.size(), (size + 16383) / 16384);
      std::string back;
      for (size_t i = 0; i < records.size(); ++i) {
        EXPECT_LE(records[i].size(), Tls13RecordSize(16384));
        auto opened = Tls13OpenRecord(suite, *key, 5 + i, records[i]);
        ASSERT_THAT(opened, IsOk()) << "record " << i;
        EXPECT_EQ(opened->type, 23);
        back += opened->data;
      }
      EXPECT_TRUE(back == data);
      EXPECT_EQ(sealer->next_sequence(), 5 + records.size());
    }
  }
}

TEST(Tls13Record, AlertRecordCarriesItsInnerType) {
  auto sealer = Tls13RecordSealer::Create(Tls13Suite::kAes128GcmSha256, kServerAppSecret, 0);
  ASSERT_THAT(sealer, IsOk());
  std::string out;

  ASSERT_THAT(sealer->SealRecord(Tls13ContentType::kAlert, std::string("\x01\x00", 2), &out),
              IsOk());

  auto key = Tls13DeriveTrafficKey(Tls13Suite::kAes128GcmSha256, kServerAppSecret);
  ASSERT_THAT(key, IsOk());
  auto opened = Tls13OpenRecord(Tls13Suite::kAes128GcmSha256, *key, 0, out);
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(opened->type, 21);
  EXPECT_EQ(opened->data, std::string("\x01\x00", 2));
  EXPECT_EQ(out.substr(0, 3), "\x17\x03\x03");  // the outer type hides the alert
}

TEST(Tls13Record, RefusesToPassTheRecordLimit) {
  EXPECT_THAT(
      Tls13RecordSealer::Create(Tls13Suite::kAes128GcmSha256, kServerAppSecret, kTls13RecordLimit),
      HasError(Error::kLimitExceeded));
  auto sealer = Tls13RecordSealer::Create(Tls13Suite::kAes128GcmSha256, kServerAppSecret,
                                          kTls13RecordLimit - 2);
  ASSERT_THAT(sealer, IsOk());
  std::string three(3 * kTls13MaxPlaintext, 'a');
  std::vector<std::string_view> pieces = {three};
  std::string out;

  EXPECT_THAT(sealer->SealApplicationData(pieces, &out), HasError(Error::kLimitExceeded));
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(sealer->next_sequence(), kTls13RecordLimit - 2);
  pieces = {std::string_view(three).substr(0, 2 * kTls13MaxPlaintext)};
  EXPECT_THAT(sealer->SealApplicationData(pieces, &out), IsOk());
  EXPECT_EQ(sealer->next_sequence(), kTls13RecordLimit);
  out.clear();
  pieces = {std::string_view(three).substr(0, 1)};
  EXPECT_THAT(sealer->SealApplicationData(pieces, &out), HasError(Error::kLimitExceeded));
  EXPECT_THAT(sealer->SealRecord(Tls13ContentType::kAlert, "\x01", &out),
              HasError(Error::kLimitExceeded));
  EXPECT_TRUE(out.empty());
}

TEST(Tls13Record, RefusesASecretOfTheWrongLength) {
  EXPECT_THAT(Tls13RecordSealer::Create(Tls13Suite::kAes256GcmSha384, kServerAppSecret, 0),
              HasError(Error::kInternal));
  auto key128 = Tls13DeriveTrafficKey(Tls13Suite::kAes128GcmSha256, kServerAppSecret);
  ASSERT_THAT(key128, IsOk());
  EXPECT_THAT(Tls13RecordSealer::Create(Tls13Suite::kAes256GcmSha384, *key128, 0),
              HasError(Error::kInternal));
  EXPECT_THAT(Tls13RecordSealer::Create(Tls13Suite::kAes128GcmSha256, *key128, 0), IsOk());
}

}  // namespace
}  // namespace ot::crypto
