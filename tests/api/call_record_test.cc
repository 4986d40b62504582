// Tests src/api/handlers/call_record.cc: the record of the server's own API calls
// (records.md §4 emission rules, §5 userIdentity).

#include "api/handlers/call_record.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/ids.h"
#include "events/record.h"
#include "support/matchers.h"
#include "support/test_env.h"

namespace ot::api::handlers {
namespace {

using ::ot::testing::IsOk;

constexpr SysMillis kNow{std::chrono::milliseconds(1714566896123)};  // 2024-05-01T12:34:56.123Z

auth::Principal Admin() {
  auth::Principal p;
  p.type = auth::PrincipalType::kIAMUser;
  p.account_id = "111122223333";
  p.principal_id = "AIDAEXAMPLEADMIN0001";
  p.arn = "arn:aws:iam::111122223333:user/admin";
  p.user_name = "admin";
  p.access_key_id = "AKIDEXAMPLEADMIN0001";
  return p;
}

CallFacts Facts(const auth::Principal* principal) {
  CallFacts f;
  f.principal = principal;
  f.access_key_id = principal ? principal->access_key_id : "AKIDPRESENTED0000001";
  f.account_id = "111122223333";
  f.region = "eu-west-1";
  f.event_source = "cloudtrail.amazonaws.com";
  f.event_name = "LookupEvents";
  f.source_ip = "192.0.2.7";
  f.user_agent = "aws-cli/2.15.30";
  f.request_parameters = R"({"maxResults":5})";
  f.request_id = "5b1d9c62-0d4e-4c1a-9f63-2f3f1d0a7e11";
  f.read_only = true;
  f.event_time = kNow;
  return f;
}

events::Record Build(const CallFacts& facts, uint64_t seed = 1) {
  ot::testing::SeededRandom random(seed);
  store::NewEvent e = BuildCallEvent(facts, random);
  auto record = events::ParseRecord(e.json);
  EXPECT_THAT(record, IsOk()) << e.json;
  return record.ok() ? std::move(record).value() : events::Record{};
}

TEST(BuildCallEvent, FillsUserIdentityFromThePrincipal) {
  auth::Principal p = Admin();

  events::Record r = Build(Facts(&p));

  ASSERT_TRUE(r.user_identity.has_value());
  const events::UserIdentity& id = *r.user_identity;
  EXPECT_EQ(id.type, "IAMUser");
  EXPECT_EQ(id.principal_id, "AIDAEXAMPLEADMIN0001");
  EXPECT_EQ(id.arn, "arn:aws:iam::111122223333:user/admin");
  EXPECT_EQ(id.account_id, "111122223333");
  EXPECT_EQ(id.access_key_id, "AKIDEXAMPLEADMIN0001");
  EXPECT_EQ(id.user_name, "admin");
}

TEST(BuildCallEvent, SessionCredentialsCarryTheirMfaInSessionContext) {
  auth::Principal with_mfa = Admin();
  with_mfa.access_key_id = "ASIAEXAMPLETEMP00001";
  with_mfa.temporary = with_mfa.mfa_authenticated = true;
  with_mfa.mfa_auth_time = kNow;
  auth::Principal without = with_mfa;
  without.mfa_authenticated = false;
  without.mfa_auth_time.reset();

  events::Record a = Build(Facts(&with_mfa));
  events::Record b = Build(Facts(&without));
  auth::Principal long_term = Admin();
  events::Record c = Build(Facts(&long_term));

  EXPECT_EQ(a.user_identity->session_context,
            R"({"attributes":{"creationDate":"2024-05-01T12:34:56Z","mfaAuthenticated":"true"}})");
  EXPECT_EQ(b.user_identity->session_context, R"({"attributes":{"mfaAuthenticated":"false"}})");
  EXPECT_EQ(c.user_identity->session_context, "");
}

TEST(BuildCallEvent, RootWithoutAliasHasNoUserName) {
  auth::Principal p = Admin();
  p.type = auth::PrincipalType::kRoot;
  p.principal_id = p.account_id;
  p.arn = "arn:aws:iam::111122223333:root";
  p.user_name.clear();

  events::Record r = Build(Facts(&p));

  EXPECT_EQ(r.user_identity->type, "Root");
  EXPECT_EQ(r.user_identity->principal_id, "111122223333");
  EXPECT_FALSE(r.user_identity->user_name.has_value());
}

TEST(BuildCallEvent, UnauthenticatedCallerIsUnknownWithThePresentedKey) {
  events::Record r = Build(Facts(nullptr));

  ASSERT_TRUE(r.user_identity.has_value());
  EXPECT_EQ(r.user_identity->type, "Unknown");
  EXPECT_EQ(r.user_identity->access_key_id, "AKIDPRESENTED0000001");
  EXPECT_EQ(r.user_identity->account_id, "111122223333");
  EXPECT_FALSE(r.user_identity->arn.has_value());
  EXPECT_FALSE(r.user_identity->principal_id.has_value());
  EXPECT_FALSE(r.user_identity->user_name.has_value());
}

TEST(BuildCallEvent, CopiesTheCallFacts) {
  auth::Principal p = Admin();

  events::Record r = Build(Facts(&p));

  EXPECT_EQ(r.event_source, "cloudtrail.amazonaws.com");
  EXPECT_EQ(r.event_name, "LookupEvents");
  EXPECT_EQ(r.aws_region, "eu-west-1");
  EXPECT_EQ(r.source_ip_address, "192.0.2.7");
  EXPECT_EQ(r.user_agent, "aws-cli/2.15.30");
  EXPECT_EQ(r.request_parameters, R"({"maxResults":5})");
  EXPECT_EQ(r.request_id, "5b1d9c62-0d4e-4c1a-9f63-2f3f1d0a7e11");
  EXPECT_EQ(r.recipient_account_id, "111122223333");
}

TEST(BuildCallEvent, MarksAManagementApiCall) {
  auth::Principal p = Admin();

  events::Record r = Build(Facts(&p));

  EXPECT_EQ(r.event_type, "AwsApiCall");
  EXPECT_EQ(r.event_category, "Management");
  EXPECT_EQ(r.management_event, true);
  EXPECT_EQ(r.event_version, "1.11");
}

TEST(BuildCallEvent, EventTimeIsWholeSeconds) {
  auth::Principal p = Admin();

  events::Record r = Build(Facts(&p));

  EXPECT_EQ(r.event_time, SysMillis(std::chrono::milliseconds(1714566896000)));
}

TEST(BuildCallEvent, EventIdIsAFreshUuid) {
  auth::Principal p = Admin();
  ot::testing::SeededRandom random(3);

  store::NewEvent a = BuildCallEvent(Facts(&p), random);
  store::NewEvent b = BuildCallEvent(Facts(&p), random);

  EXPECT_TRUE(IsUuid(a.attrs.event_id));
  EXPECT_NE(a.attrs.event_id, b.attrs.event_id);
}

TEST(BuildCallEvent, LookupAttributesMatchTheRecord) {
  auth::Principal p = Admin();
  ot::testing::SeededRandom random(1);

  store::NewEvent e = BuildCallEvent(Facts(&p), random);
  auto record = events::ParseRecord(e.json);

  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(e.attrs, events::DeriveLookupAttributes(*record));
  EXPECT_EQ(e.attrs.username, "admin");
  EXPECT_EQ(e.attrs.aws_region, "eu-west-1");
}

TEST(BuildCallEvent, ReadOnlyFollowsTheFacts) {
  auth::Principal p = Admin();
  CallFacts write = Facts(&p);
  write.read_only = false;

  EXPECT_EQ(Build(Facts(&p)).read_only, true);
  EXPECT_EQ(Build(write).read_only, false);
}

TEST(BuildCallEvent, EmptyRequestParametersAreNull) {
  auth::Principal p = Admin();
  CallFacts f = Facts(&p);
  f.request_parameters.clear();

  EXPECT_EQ(Build(f).request_parameters, "null");
}

TEST(BuildCallEvent, ResponseElementsOfASuccessfulWriteAreKept) {
  auth::Principal p = Admin();
  CallFacts f = Facts(&p);
  f.event_name = "CreateTrail";
  f.read_only = false;
  f.response_elements = R"({"name":"t"})";

  EXPECT_EQ(Build(f).response_elements, R"({"name":"t"})");
}

TEST(BuildCallEvent, ResponseElementsAreNullForReadOnlyCalls) {
  auth::Principal p = Admin();
  CallFacts f = Facts(&p);
  f.response_elements = R"({"events":[]})";

  EXPECT_EQ(Build(f).response_elements, "null");
}

TEST(BuildCallEvent, FailedCallCarriesErrorAndNullResponseElements) {
  auth::Principal p = Admin();
  CallFacts f = Facts(&p);
  f.read_only = false;
  f.response_elements = R"({"name":"t"})";
  f.error_code = "InvalidTimeRangeException";
  f.error_message = "StartTime is after EndTime.";

  events::Record r = Build(f);

  EXPECT_EQ(r.error_code, "InvalidTimeRangeException");
  EXPECT_EQ(r.error_message, "StartTime is after EndTime.");
  EXPECT_EQ(r.response_elements, "null");
}

TEST(BuildCallEvent, SuccessfulCallHasNoErrorFields) {
  auth::Principal p = Admin();

  events::Record r = Build(Facts(&p));

  EXPECT_FALSE(r.error_code.has_value());
  EXPECT_FALSE(r.error_message.has_value());
}

TEST(BuildCallEvent, TruncatesUserAgentToOneKilobyte) {
  auth::Principal p = Admin();
  CallFacts f = Facts(&p);
  f.user_agent = std::string(3000, 'a');

  EXPECT_EQ(Build(f).user_agent, std::string(1024, 'a'));
}

TEST(BuildCallEvent, TruncatesErrorTextToOneKilobyte) {
  auth::Principal p = Admin();
  CallFacts f = Facts(&p);
  f.error_code = std::string(1500, 'E');
  f.error_message = std::string(5000, 'm');

  events::Record r = Build(f);

  EXPECT_EQ(r.error_code->size(), 1024u);
  EXPECT_EQ(r.error_message->size(), 1024u);
}

TEST(BuildCallEvent, EmptyUserAgentIsLeftOut) {
  auth::Principal p = Admin();
  CallFacts f = Facts(&p);
  f.user_agent.clear();

  EXPECT_FALSE(Build(f).user_agent.has_value());
}

TEST(IsReadOnlyName, ClassifiesByVerb) {
  struct Case {
    std::string_view name;
    bool read_only;
  };
  const Case cases[] = {
      {"GetTrail", true},
      {"GetCallerIdentity", true},
      {"DescribeTrails", true},
      {"ListTags", true},
      {"LookupEvents", true},
      {"CreateTrail", false},
      {"DeleteTrail", false},
      {"IngestEvents", false},
      {"PutEventSelectors", false},
      {"StartLogging", false},
      {"UpdateTrail", false},
      {"Unknown", false},
      {"", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(IsReadOnlyName(c.name), c.read_only);
  }
}

}  // namespace
}  // namespace ot::api::handlers
