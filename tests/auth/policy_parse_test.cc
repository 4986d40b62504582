#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "auth/policy.h"
#include "support/matchers.h"

namespace ot::auth {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;

// A one-statement document around `statement` (a JSON object body without braces).
std::string Doc(std::string_view statement) {
  return R"({"Version":"2012-10-17","Statement":{)" + std::string(statement) + "}}";
}

constexpr std::string_view kOk = R"("Effect":"Allow","Action":"s3:ListBucket","Resource":"*")";

TEST(ParsePolicy, AcceptsSingleStatementObjectAndStatementList) {
  auto one = ParsePolicy(Doc(kOk));
  auto list = ParsePolicy(R"({"Version":"2012-10-17","Statement":[{)" + std::string(kOk) + "},{" +
                          std::string(kOk) + "}]}");

  ASSERT_THAT(one, IsOk());
  ASSERT_THAT(list, IsOk());
  EXPECT_EQ(one->statements().size(), 1u);
  EXPECT_EQ(list->statements().size(), 2u);
  EXPECT_EQ(one->version(), "2012-10-17");
}

TEST(ParsePolicy, ReadsSidEffectIdAndVersion) {
  auto p = ParsePolicy(R"({"Version":"2008-10-17","Id":"pol-1","Statement":[
      {"Sid":"A1","Effect":"Deny","Action":["s3:*"],"Resource":["*"]}]})");

  ASSERT_THAT(p, IsOk());
  EXPECT_EQ(p->version(), "2008-10-17");
  EXPECT_EQ(p->id(), "pol-1");
  EXPECT_EQ(p->statements()[0].sid, "A1");
  EXPECT_EQ(p->statements()[0].effect, Effect::kDeny);
  EXPECT_EQ(p->kind(), PolicyKind::kIdentity);
}

TEST(ParsePolicy, AcceptsDocumentsIamAccepts) {
  const std::string_view cases[] = {
      R"({"Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam: asdf safdsf af ","Resource":"*"}})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b"}})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3.s:X","Resource":"arn:aws:s3:::b"}})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"s3:X","NotResource":"*"}})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:X","Resource":"arn:aws:ec2:region:account-id:instance/*"}})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:X","Resource":"*","Condition":{}}})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:X","Resource":"*","Condition":{"x":{},"y":{}}}})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:X","Resource":"*","Condition":{"DateGreaterThan":{"a":[]}}}})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:X","Resource":"*","Condition":{"ForAnyValue:StringEqualsIfExists":{"a":"b"}}}})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:X","Resource":"*","Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":3600},"Bool":{"aws:SecureTransport":true}}}})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:X","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":["2019-07-01T13:20:15Z","2016-12-13T21:20:37.593194+00:00","1700000000","2024-05-01"]}}}})",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:X","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32","192.0.2.1"]}}}})",
      R"({"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Action":"s3:X","Resource":"*"},{"Sid":"","Effect":"Allow","Action":"s3:X","Resource":"*"}]})",
  };
  for (std::string_view c : cases) {
    SCOPED_TRACE(c);
    EXPECT_THAT(ParsePolicy(c), IsOk());
  }
}

struct Rejection {
  std::string doc;
  std::string_view message;
  PolicyKind kind = PolicyKind::kIdentity;
};

TEST(ParsePolicy, RejectsMalformedDocumentsWithIamMessages) {
  constexpr std::string_view kSyntax = "Syntax errors in policy.";
  constexpr std::string_view kLegacy = "The policy failed legacy parsing";
  constexpr std::string_view kVendor =
      "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
  const Rejection cases[] = {
      {"", kSyntax},
      {"   \n", kSyntax},
      {"This is not a json document", kSyntax},
      {"[]", kSyntax},
      {R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:X","Resource":"*"})",
       kSyntax},
      {R"({"Version":"2013-10-17","Statement":{"Effect":"Allow","Action":"s3:X","Resource":"*"}})",
       kSyntax},
      {R"({"Version":20121017,"Statement":{"Effect":"Allow","Action":"s3:X","Resource":"*"}})",
       kSyntax},
      {R"({"Version":"2012-10-17"})", kSyntax},
      {R"({"Version":"2012-10-17","Statement":[]})", kSyntax},
      {R"({"Version":"2012-10-17","Statement":["afd"]})", kSyntax},
      {R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:X","Resource":"*"},"Extra":"v"})",
       kSyntax},
      {R"({"Version":"2012-10-17","Id":["x"],"Statement":{"Effect":"Allow","Action":"s3:X","Resource":"*"}})",
       kSyntax},
      {R"({"Version":"2012-10-17","Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:X","Resource":"*"}})",
       kSyntax},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"*","Extra":"v")"), kSyntax},
      {Doc(R"("Effect":"invalid","Action":"s3:X","Resource":"*")"), kSyntax},
      {Doc(R"("Action":"s3:X","Resource":"*")"), kSyntax},
      {Doc(R"("Effect":"Allow","Action":"s3:X","NotAction":"s3:Y","Resource":"*")"), kSyntax},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"*","NotResource":"*")"), kSyntax},
      {Doc(R"("Effect":"Allow","Action":{},"Resource":"*")"), kSyntax},
      {Doc(R"("Effect":"Allow","Action":[[]],"Resource":"*")"), kSyntax},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":["a",{}])"), kSyntax},
      {Doc(R"("Sid":{},"Effect":"Allow","Action":"s3:X","Resource":"*")"), kSyntax},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"*","Condition":[])"), kSyntax},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"*","Condition":"a")"), kSyntax},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"*","Condition":{"a":"b"})"), kSyntax},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"*","Condition":{"DateGreaterThan":[]})"),
       kSyntax},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"*","Condition":{"DateGreaterThan":{"a":{}}})"),
       kSyntax},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"*","Condition":{"StringEquals":{"a":null}})"),
       kSyntax},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"*","Condition":{"StringEqualz":{"a":"1"}})"),
       kSyntax},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"*","Condition":{"ForAnyValue::StringEquals":{"a":"1"}})"),
       kSyntax},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"*","Condition":{"NullIfExists":{"a":"true"}})"),
       kSyntax},
      {Doc(R"("Effect":"Allow","Principal":"*","Action":"s3:X","Resource":"*")"),
       "Policy document should not specify a principal."},
      {Doc(R"("Effect":"denY","Action":"s3:X","Resource":"*")"), kLegacy},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"arn:aws:s3::example_bucket")"), kLegacy},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"*","Condition":{"DateGreaterThan":{"a":"sdfdsf"}})"),
       kLegacy},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"*","Condition":{"NumericLessThan":{"a":"ten"}})"),
       kLegacy},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"*","Condition":{"IpAddress":{"a":"10.0.0.0/33"}})"),
       kLegacy},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"*","Condition":{"Null":{"a":"maybe"}})"),
       kLegacy},
      {R"({"Version":"2012-10-17","Statement":[{"Sid":"s","Effect":"Allow","Action":"s3:X","Resource":"*"},{"Sid":"s","Effect":"Allow"}]})",
       "Statement IDs (SID) in a single policy must be unique."},
      {Doc(R"("Effect":"Allow","Action":"invalid","Resource":"*")"), kVendor},
      {Doc(R"("Effect":"Allow","Action":"invalid")"), kVendor},
      {Doc(R"("Effect":"Allow","NotAction":"","Resource":"*")"), kVendor},
      {Doc(R"("Effect":"Allow","Action":"a a:ListBucket","Resource":"*")"),
       "Vendor a a is not valid"},
      {Doc(R"("Effect":"Allow","Action":"s3:List:Bucket","Resource":"*")"),
       "Actions/Condition can contain only one colon."},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"invalid resource")"),
       R"(Resource invalid resource must be in ARN format or "*".)"},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"")"),
       R"(Resource  must be in ARN format or "*".)"},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"arn:aws")"),
       "Resource vendor must be fully qualified and cannot contain regexes."},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"arn:error:s3:::b")"),
       R"(Partition "error" is not valid for resource "arn:error:s3:::b".)"},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"arn:aws:s3:us-east-1::b")"),
       "Resource arn:aws:s3:us-east-1::b can not contain region information."},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"arn:aws:iam:us-east-1::user/a")"),
       "IAM resource arn:aws:iam:us-east-1::user/a cannot contain region information."},
      {Doc(R"("Effect":"Allow","Resource":"*")"), "Policy statement must contain actions."},
      {Doc(R"("Effect":"Allow","Action":[],"Resource":"*")"),
       "Policy statement must contain actions."},
      {R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny"},{"Effect":"Allow","Action":"s3:X","Resource":"*"}]})",
       "Policy statement must contain actions."},
      {Doc(R"("Effect":"Allow","Action":"s3:X")"), "Policy statement must contain resources."},
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":[])"),
       "Policy statement must contain resources."},
      // Resource policies.
      {Doc(R"("Effect":"Allow","Action":"s3:X","Resource":"*")"),
       "Missing required field Principal", PolicyKind::kResource},
      {Doc(R"("Principal":"*","Action":"s3:X","Resource":"*")"), "Missing required field Effect",
       PolicyKind::kResource},
      {R"({"Version":"2012-10-17"})", "Missing required field Statement", PolicyKind::kResource},
      {Doc(R"("Effect":"Allow","Principal":"someone","Action":"s3:X","Resource":"*")"),
       "Invalid principal in policy", PolicyKind::kResource},
      {Doc(R"("Effect":"Allow","Principal":{"Robot":"x"},"Action":"s3:X","Resource":"*")"),
       "Invalid principal in policy", PolicyKind::kResource},
      {Doc(R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/*"},"Action":"s3:X","Resource":"*")"),
       "Invalid principal in policy", PolicyKind::kResource},
      {Doc(R"("Effect":"Allow","Principal":{"AWS":"alice"},"Action":"s3:X","Resource":"*")"),
       "Invalid principal in policy", PolicyKind::kResource},
      {Doc(R"("Effect":"Allow","Principal":{},"Action":"s3:X","Resource":"*")"),
       "Invalid principal in policy", PolicyKind::kResource},
      {Doc(R"("Effect":"Allow","Principal":"*","NotPrincipal":"*","Action":"s3:X","Resource":"*")"),
       kSyntax, PolicyKind::kResource},
  };
  for (const Rejection& c : cases) {
    SCOPED_TRACE(c.doc);
    auto p = ParsePolicy(c.doc, {.kind = c.kind});
    ASSERT_THAT(p, HasError(Error::kMalformedPolicyDocument));
    EXPECT_EQ(p.status().message(), c.message);
  }
}

TEST(ParsePolicy, ManagedPoliciesMayRequireVersion2012) {
  const ParseOptions managed{.require_2012_version = true};
  const std::string body = R"("Statement":{"Effect":"Allow","Action":"s3:X","Resource":"*"}})";

  auto missing = ParsePolicy("{" + body, managed);
  auto old = ParsePolicy(R"({"Version":"2008-10-17",)" + body, managed);
  auto current = ParsePolicy(R"({"Version":"2012-10-17",)" + body, managed);

  EXPECT_EQ(missing.status().message(), "Policy document must be version 2012-10-17 or greater.");
  EXPECT_EQ(old.status().message(), "Policy document must be version 2012-10-17 or greater.");
  EXPECT_THAT(current, IsOk());
}

TEST(ParsePolicy, ResourcePolicyAcceptsEveryPrincipalForm) {
  auto p = ParsePolicy(Doc(R"("Effect":"Allow","Principal":{
      "AWS":["*","123456789012","arn:aws:iam::123456789012:root","arn:aws:iam::111122223333:user/bob"],
      "Service":"cloudtrail.amazonaws.com","Federated":"cognito-identity.amazonaws.com",
      "CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
      "Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*")"),
                       {.kind = PolicyKind::kResource});

  EXPECT_THAT(p, IsOk());
  EXPECT_EQ(p->kind(), PolicyKind::kResource);
}

TEST(ParsePolicy, RejectsCharactersOutsideLatin1UnlessAllowed) {
  const std::string doc = Doc(R"("Sid":"caf)"
                              "\xC3\xA9"
                              R"(","Effect":"Allow","Action":"s3:X","Resource":"*")");
  const std::string emoji = Doc(R"("Sid":"x)"
                                "\xF0\x9F\x98\x80"
                                R"(","Effect":"Allow","Action":"s3:X","Resource":"*")");

  EXPECT_THAT(ParsePolicy(doc), IsOk());
  EXPECT_THAT(ParsePolicy(emoji), HasError(Error::kMalformedPolicyDocument));
  EXPECT_THAT(ParsePolicy(emoji, {.latin1_only = false}), IsOk());
}

TEST(ParsePolicy, RejectsDocumentsLongerThanTheLimit) {
  std::string doc = Doc(kOk);
  doc.insert(doc.size() - 1, std::string(200, ' '));

  EXPECT_THAT(ParsePolicy(doc, {.max_chars = doc.size()}), IsOk());
  EXPECT_THAT(ParsePolicy(doc, {.max_chars = doc.size() - 1}),
              HasError(Error::kMalformedPolicyDocument));
}

TEST(ParsePolicy, ReportsStatementPositions) {
  const std::string doc =
      "{\"Version\": \"2012-10-17\",\n \"Statement\": [\n"
      "  {\"Effect\": \"Allow\", \"Action\": \"s3:X\", \"Resource\": \"*\"},\n"
      "  {\"Sid\": \"B\", \"Effect\": \"Deny\", \"Action\": [\"s3:Y\"],\n   \"Resource\": "
      "\"*\"}\n]}";

  auto p = ParsePolicy(doc);

  ASSERT_THAT(p, IsOk());
  const auto& s = p->statements();
  EXPECT_EQ(s[0].start.line, 3);
  EXPECT_EQ(s[0].start.column, 3);
  EXPECT_EQ(s[0].end.line, 3);
  EXPECT_EQ(s[0].end.column, 56);
  EXPECT_EQ(s[1].start.line, 4);
  EXPECT_EQ(s[1].start.column, 3);
  EXPECT_EQ(s[1].end.line, 5);
  EXPECT_EQ(s[1].end.column, 19);
}

TEST(ParsePolicy, DefaultPolicyHasNoStatements) {
  Policy p;

  EXPECT_TRUE(p.statements().empty());
  EXPECT_EQ(p.version(), "");
}

TEST(PolicySizeForQuota, CountsAllButWhitespace) {
  EXPECT_EQ(PolicySizeForQuota("{ \"a\" :\n\t\"b c\" }\r\n"), 10u);
}

TEST(ErrorTable, MalformedPolicyDocumentIsA400WithIamCode) {
  EXPECT_EQ(ErrorQueryCode(Error::kMalformedPolicyDocument), "MalformedPolicyDocument");
  EXPECT_EQ(ErrorWireName(Error::kMalformedPolicyDocument), "MalformedPolicyDocument");
  EXPECT_EQ(ErrorHttpStatus(Error::kMalformedPolicyDocument), 400);
}

}  // namespace
}  // namespace ot::auth
