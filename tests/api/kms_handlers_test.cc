// The KMS handlers' record and authorization helpers (kms_keys.cc).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/handlers/kms_operations.h"
#include "api/protocol/json_value.h"

namespace ot::api::handlers {
namespace {

std::string Params(std::string_view json) {
  auto doc = JsonDocument::Parse(json);
  EXPECT_TRUE(doc.ok());
  return KmsRecordParameters((*doc)->root());
}

TEST(KmsRecordParametersTest, NeverCarryPlaintextOrCiphertext) {
  EXPECT_EQ(
      Params(
          R"({"KeyId":"alias/x","Plaintext":"c2VjcmV0","EncryptionContext":{"Purpose":"Logs"},"EncryptionAlgorithm":"SYMMETRIC_DEFAULT"})"),
      R"({"keyId":"alias/x","encryptionContext":{"Purpose":"Logs"},"encryptionAlgorithm":"SYMMETRIC_DEFAULT"})");
  EXPECT_EQ(Params(R"({"CiphertextBlob":"AQID","EncryptionContext":{"a":"1"}})"),
            R"({"encryptionContext":{"a":"1"}})");
  EXPECT_EQ(Params(R"({"KeyId":"k","KeySpec":"AES_256"})"), R"({"keyId":"k","keySpec":"AES_256"})");
  EXPECT_EQ(Params(R"({"Plaintext":"c2VjcmV0"})"), "");  // nothing left: no requestParameters
}

}  // namespace
}  // namespace ot::api::handlers
