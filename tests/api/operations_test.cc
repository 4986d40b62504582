// Tests src/api/handlers/operations.cc (routing tables, api.md §1) and
// get_caller_identity.cc (protocols.md §4).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "api/handlers/operation.h"
#include "handler_test_util.h"
#include "support/matchers.h"

namespace ot::api::handlers {
namespace {

using ::ot::testing::IsOk;
using ::testing::HasSubstr;

TEST(FindJsonOperation, RoutesKnownTargets) {
  struct Case {
    std::string_view target;
    std::string_view name;  // empty: no operation
  };
  const Case cases[] = {
      {"com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents", "LookupEvents"},
      {"CloudTrail_20131101.LookupEvents", "LookupEvents"},
      {"OpenTrail_20261101.IngestEvents", "IngestEvents"},
      {"com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.lookupEvents", ""},
      {"com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.NoSuchThing", ""},
      {"CloudTrail_20131101.IngestEvents", ""},
      {"OpenTrail_20261101.LookupEvents", ""},
      {"LookupEvents", ""},
      {"TrentService.LookupEvents", ""},
      {"", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.target);

    const JsonOperation* op = FindJsonOperation(c.target);

    if (c.name.empty()) {
      EXPECT_EQ(op, nullptr);
    } else {
      ASSERT_NE(op, nullptr);
      EXPECT_EQ(op->name, c.name);
    }
  }
}

TEST(FindJsonOperation, LookupEventsIsAReadOnlyCloudTrailCall) {
  const JsonOperation* op = FindJsonOperation("CloudTrail_20131101.LookupEvents");

  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->event_source, "cloudtrail.amazonaws.com");
  EXPECT_EQ(op->action, "cloudtrail:LookupEvents");
  EXPECT_TRUE(op->read_only);
  EXPECT_NE(op->handle, nullptr);
}

TEST(FindJsonOperation, IngestEventsTakesTheRawBody) {
  const JsonOperation* op = FindJsonOperation("OpenTrail_20261101.IngestEvents");

  ASSERT_NE(op, nullptr);
  EXPECT_FALSE(op->read_only);
  EXPECT_NE(op->handle_raw, nullptr);
}

TEST(TargetOperationName, IsThePartAfterTheLastDot) {
  EXPECT_EQ(TargetOperationName("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.GetTrail"),
            "GetTrail");
  EXPECT_EQ(TargetOperationName("NoDots"), "NoDots");
}

TEST(FindQueryOperation, SelectsByServiceAndAction) {
  struct Case {
    std::string_view service, action;
    bool found;
  };
  const Case cases[] = {
      {"sts", "GetCallerIdentity", true}, {"iam", "GetCallerIdentity", false},
      {"st", "GetCallerIdentity", false}, {"stsx", "GetCallerIdentity", false},
      {"", "GetCallerIdentity", false},   {"sts", "getcalleridentity", false},
      {"sts", "GetSessionTokenX", false}, {"sts", "", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.service) + " " + std::string(c.action));

    const QueryOperation* op = FindQueryOperation(c.service, c.action);

    EXPECT_EQ(op != nullptr, c.found);
  }
}

TEST(FindQueryOperation, GetCallerIdentityNeedsNoAuthorization) {
  const QueryOperation* op = FindQueryOperation("sts", "GetCallerIdentity");

  ASSERT_NE(op, nullptr);
  EXPECT_FALSE(op->needs_authorization);
  EXPECT_TRUE(op->read_only);
  EXPECT_EQ(op->event_source, "sts.amazonaws.com");
  EXPECT_EQ(op->xmlns, "https://sts.amazonaws.com/doc/2011-06-15/");
}

TEST(GetCallerIdentity, AnswersArnUserIdAndAccount) {
  testing::HandlerEnv env;

  auto out = GetCallerIdentity(*env.services, env.Context(),
                               QueryParams::Parse("Action=GetCallerIdentity&Version=2011-06-15"));

  ASSERT_THAT(out, IsOk());
  EXPECT_THAT(out->body, HasSubstr("<Arn>arn:aws:iam::111122223333:user/admin</Arn>"));
  EXPECT_THAT(out->body, HasSubstr("<UserId>AIDAEXAMPLEADMIN0001</UserId>"));
  EXPECT_THAT(out->body, HasSubstr("<Account>111122223333</Account>"));
}

TEST(GetCallerIdentity, EscapesValuesAsXml) {
  testing::HandlerEnv env;
  env.caller.principal.arn = "arn:aws:iam::111122223333:user/a&b<c>";

  auto out = GetCallerIdentity(*env.services, env.Context(), QueryParams::Parse(""));

  ASSERT_THAT(out, IsOk());
  EXPECT_THAT(out->body, HasSubstr("<Arn>arn:aws:iam::111122223333:user/a&amp;b&lt;c&gt;</Arn>"));
}

}  // namespace
}  // namespace ot::api::handlers
