#include "trail/selectors.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/json_writer.h"
#include "support/matchers.h"

namespace ot::trail {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;

// An event for the matching tables; `resources` as (type, ARN) pairs.
struct Ev {
  std::string category = "Management";
  std::string source = "ec2.amazonaws.com";
  std::string name = "DescribeInstances";
  std::optional<bool> read_only = true;
  std::vector<std::pair<std::string, std::string>> resources;
  std::string user_arn = "arn:aws:iam::111122223333:user/alice";

  bool SelectedBy(const TrailSelectors& s) const {
    std::vector<events::ResourceRef> rs;
    for (const auto& [type, arn] : resources) rs.push_back({type, arn});
    EventView v;
    v.event_category = category;
    v.event_source = source;
    v.event_name = name;
    v.read_only = read_only;
    v.event_type = "AwsApiCall";
    v.user_identity_arn = user_arn;
    v.resources = rs;
    return s.Selects(v);
  }
};

TrailSelectors Basic(std::string_view json) {
  auto config = ParseEventSelectors(json, "");
  EXPECT_THAT(config, IsOk());
  return TrailSelectors(config.ok() ? *config : SelectorConfig{});
}

TrailSelectors Advanced(std::string_view json) {
  auto config = ParseEventSelectors("", json);
  EXPECT_THAT(config, IsOk());
  return TrailSelectors(config.ok() ? *config : SelectorConfig{});
}

Ev Write(std::string source = "ec2.amazonaws.com", std::string name = "RunInstances") {
  Ev e;
  e.source = std::move(source);
  e.name = std::move(name);
  e.read_only = false;
  return e;
}

Ev S3Data(std::string arn, std::string name = "PutObject", bool read_only = false) {
  Ev e;
  e.category = "Data";
  e.source = "s3.amazonaws.com";
  e.name = std::move(name);
  e.read_only = read_only;
  e.resources = {{"AWS::S3::Bucket", "arn:aws:s3:::" + arn.substr(13, arn.find('/') - 13)},
                 {"AWS::S3::Object", arn}};
  return e;
}

TEST(SelectorMatchTest, DefaultIsAllManagementEvents) {
  TrailSelectors s;
  EXPECT_TRUE(Ev{}.SelectedBy(s));
  EXPECT_TRUE(Write().SelectedBy(s));
  EXPECT_FALSE(S3Data("arn:aws:s3:::b/k").SelectedBy(s));
  Ev insight;
  insight.category = "Insight";
  EXPECT_FALSE(insight.SelectedBy(s));
}

TEST(SelectorMatchTest, BasicReadWriteAndExclusion) {
  TrailSelectors read_only = Basic(R"([{"ReadWriteType":"ReadOnly"}])");
  EXPECT_TRUE(Ev{}.SelectedBy(read_only));
  EXPECT_FALSE(Write().SelectedBy(read_only));
  TrailSelectors write_only = Basic(R"([{"ReadWriteType":"WriteOnly"}])");
  EXPECT_FALSE(Ev{}.SelectedBy(write_only));
  EXPECT_TRUE(Write().SelectedBy(write_only));
  TrailSelectors no_kms = Basic(R"([{"ExcludeManagementEventSources":["kms.amazonaws.com"]}])");
  EXPECT_FALSE(Write("kms.amazonaws.com", "Decrypt").SelectedBy(no_kms));
  EXPECT_TRUE(Write("rdsdata.amazonaws.com", "ExecuteStatement").SelectedBy(no_kms));
  TrailSelectors none = Basic(R"([{"IncludeManagementEvents":false}])");
  EXPECT_FALSE(Ev{}.SelectedBy(none));
}

TEST(SelectorMatchTest, BasicDataResources) {
  TrailSelectors prefix =
      Basic(R"([{"IncludeManagementEvents":false,"DataResources":[{"Type":"AWS::S3::Object",)"
            R"("Values":["arn:aws:s3:::logs/2024/","arn:aws:s3:::whole/"]}]}])");
  EXPECT_TRUE(S3Data("arn:aws:s3:::logs/2024/a.txt").SelectedBy(prefix));
  EXPECT_FALSE(S3Data("arn:aws:s3:::logs/2023/a.txt").SelectedBy(prefix));
  EXPECT_TRUE(S3Data("arn:aws:s3:::whole/x").SelectedBy(prefix));
  EXPECT_FALSE(S3Data("arn:aws:s3:::wholesale/x").SelectedBy(prefix));
  EXPECT_FALSE(Ev{}.SelectedBy(prefix));

  TrailSelectors all_s3 =
      Basic(R"([{"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}]}])");
  EXPECT_TRUE(S3Data("arn:aws:s3:::any/key").SelectedBy(all_s3));
  EXPECT_TRUE(Ev{}.SelectedBy(all_s3));

  TrailSelectors reads = Basic(
      R"([{"ReadWriteType":"ReadOnly","DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}]}])");
  EXPECT_TRUE(S3Data("arn:aws:s3:::b/k", "GetObject", true).SelectedBy(reads));
  EXPECT_FALSE(S3Data("arn:aws:s3:::b/k", "PutObject", false).SelectedBy(reads));

  std::string fn = "arn:aws:lambda:us-east-1:111122223333:function:f";
  TrailSelectors lambda =
      Basic(R"([{"DataResources":[{"Type":"AWS::Lambda::Function","Values":[")" + fn + R"("]}]}])");
  Ev invoke;
  invoke.category = "Data";
  invoke.source = "lambda.amazonaws.com";
  invoke.name = "Invoke";
  invoke.read_only = false;
  invoke.resources = {{"AWS::Lambda::Function", fn}};
  EXPECT_TRUE(invoke.SelectedBy(lambda));
  invoke.resources = {{"AWS::Lambda::Function", fn + "2"}};
  EXPECT_FALSE(invoke.SelectedBy(lambda)) << "Lambda values match exactly";
  TrailSelectors all_lambda = Basic(
      R"([{"DataResources":[{"Type":"AWS::Lambda::Function","Values":["arn:aws:lambda"]}]}])");
  EXPECT_TRUE(invoke.SelectedBy(all_lambda));
  invoke.resources = {{"AWS::S3::Object", "arn:aws:s3:::b/k"}};
  EXPECT_FALSE(invoke.SelectedBy(all_lambda)) << "types must agree";
}

TEST(SelectorMatchTest, AdvancedOperators) {
  TrailSelectors writes =
      Advanced(R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},)"
               R"({"Field":"readOnly","Equals":["false"]}]}])");
  EXPECT_TRUE(Write().SelectedBy(writes));
  EXPECT_FALSE(Ev{}.SelectedBy(writes));

  TrailSelectors not_kms =
      Advanced(R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},)"
               R"({"Field":"eventSource","NotEquals":["kms.amazonaws.com"]}]}])");
  EXPECT_FALSE(Write("kms.amazonaws.com").SelectedBy(not_kms));
  EXPECT_TRUE(Write("iam.amazonaws.com").SelectedBy(not_kms));

  TrailSelectors s3 = Advanced(
      R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},)"
      R"({"Field":"resources.type","Equals":["AWS::S3::Object"]},)"
      R"({"Field":"resources.ARN","StartsWith":["arn:aws:s3:::b/"],"NotEndsWith":[".tmp"]},)"
      R"({"Field":"eventName","EndsWith":["Object"],"NotStartsWith":["Get"]}]}])");
  EXPECT_TRUE(S3Data("arn:aws:s3:::b/k").SelectedBy(s3));
  EXPECT_FALSE(S3Data("arn:aws:s3:::b/k.tmp").SelectedBy(s3));
  EXPECT_FALSE(S3Data("arn:aws:s3:::c/k").SelectedBy(s3));
  EXPECT_FALSE(S3Data("arn:aws:s3:::b/k", "GetObject", true).SelectedBy(s3));
  EXPECT_FALSE(S3Data("arn:aws:s3:::b/k", "PutBucketPolicy").SelectedBy(s3));
  EXPECT_FALSE(Write().SelectedBy(s3));

  TrailSelectors either = Advanced(
      R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},)"
      R"({"Field":"eventSource","StartsWith":["iam."],"EndsWith":["sts.amazonaws.com"]}]},)"
      R"({"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},)"
      R"({"Field":"resources.type","Equals":["AWS::S3::Object"]},)"
      R"({"Field":"userIdentity.arn","NotEquals":["arn:aws:iam::111122223333:user/bot"]}]}])");
  EXPECT_TRUE(Write("iam.amazonaws.com").SelectedBy(either));
  EXPECT_TRUE(Write("sts.amazonaws.com").SelectedBy(either));
  EXPECT_FALSE(Write("ec2.amazonaws.com").SelectedBy(either));
  Ev bot = S3Data("arn:aws:s3:::b/k");
  EXPECT_TRUE(bot.SelectedBy(either));
  bot.user_arn = "arn:aws:iam::111122223333:user/bot";
  EXPECT_FALSE(bot.SelectedBy(either));
}

// MaySelectDataEvents may answer true where no data event is selected in the end, but never false
// where one is: the dispatcher leaves data events unrecorded on its false.
TEST(SelectorMatchTest, MaySelectDataEventsIsASupersetOfSelects) {
  EXPECT_FALSE(TrailSelectors().MaySelectDataEvents()) << "the default logs management events";
  EXPECT_FALSE(Basic(R"([{"ReadWriteType":"All"}])").MaySelectDataEvents());
  EXPECT_FALSE(Basic(R"([{"DataResources":[]}])").MaySelectDataEvents());
  EXPECT_FALSE(
      Advanced(R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]}])")
          .MaySelectDataEvents());

  TrailSelectors basic =
      Basic(R"([{"IncludeManagementEvents":false,"DataResources":[{"Type":"AWS::S3::Object",)"
            R"("Values":["arn:aws:s3:::b/"]}]}])");
  EXPECT_TRUE(basic.MaySelectDataEvents());
  TrailSelectors advanced =
      Advanced(R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]},)"
               R"({"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},)"
               R"({"Field":"resources.type","Equals":["AWS::S3::Object"]}]}])");
  EXPECT_TRUE(advanced.MaySelectDataEvents());
  for (const TrailSelectors* s : {&basic, &advanced}) {
    EXPECT_TRUE(S3Data("arn:aws:s3:::b/k", "GetObject", true).SelectedBy(*s));
  }

  // Configurations validation would refuse still answer on the safe side: a selector without an
  // eventCategory condition, or one whose condition lets "Data" through, may select data events.
  SelectorConfig unchecked;
  unchecked.configured = unchecked.advanced = true;
  FieldSelector get;
  get.field = "eventName";
  get.equals = {"GetObject"};
  unchecked.advanced_selectors = {{{}, {get}}};
  EXPECT_TRUE(TrailSelectors(unchecked).MaySelectDataEvents());
  FieldSelector not_management;
  not_management.field = "eventCategory";
  not_management.not_equals = {"Management"};
  unchecked.advanced_selectors = {{{}, {not_management}}};
  EXPECT_TRUE(TrailSelectors(unchecked).MaySelectDataEvents());
  not_management.not_equals = {"Data"};
  unchecked.advanced_selectors = {{{}, {not_management}}};
  EXPECT_FALSE(TrailSelectors(unchecked).MaySelectDataEvents());
}

TEST(SelectorMatchTest, ViewOfScannedRecord) {
  std::string json =
      R"({"eventVersion":"1.11","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/alice"},)"
      R"("eventTime":"2024-05-01T12:00:00Z","eventSource":"s3.amazonaws.com","eventName":"PutObject",)"
      R"("awsRegion":"us-east-1","readOnly":false,"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::b/k"}],)"
      R"("eventType":"AwsApiCall","managementEvent":false,"eventCategory":"Data",)"
      R"("sessionCredentialFromConsole":"true","eventID":"11111111-1111-1111-1111-111111111111"})";
  events::RecordScanner scanner;
  auto fields = scanner.Scan(json);
  ASSERT_THAT(fields, IsOk());
  EventView v = ViewOf(**fields);
  EXPECT_EQ(v.event_category, "Data");
  EXPECT_EQ(v.session_credential_from_console, true);
  EXPECT_EQ(v.user_identity_arn, "arn:aws:iam::111122223333:user/alice");
  TrailSelectors console =
      Advanced(R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},)"
               R"({"Field":"resources.type","Equals":["AWS::S3::Object"]},)"
               R"({"Field":"sessionCredentialFromConsole","Equals":["true"]},)"
               R"({"Field":"eventType","Equals":["AwsApiCall"]}]}])");
  EXPECT_TRUE(console.Selects(v));
  std::string from_api = json;
  const std::string console_true = R"("sessionCredentialFromConsole":"true")";
  from_api.replace(from_api.find(console_true), console_true.size(),
                   R"("sessionCredentialFromConsole":false)");
  auto other = scanner.Scan(from_api);
  ASSERT_THAT(other, IsOk());
  EXPECT_FALSE(console.Selects(ViewOf(**other)));
  EXPECT_FALSE(TrailSelectors().Selects(ViewOf(**other))) << "default: management only";
}

TEST(SelectorValidationTest, BasicErrorsNameTheField) {
  struct Case {
    std::string json, message_part;
  };
  std::vector<Case> cases = {
      {R"([{},{},{},{},{},{}])", "at most 5"},
      {R"([{"ReadWriteType":"Some"}])", "EventSelectors[0].ReadWriteType"},
      {R"([{"ExcludeManagementEventSources":["ec2.amazonaws.com"]}])",
       "ExcludeManagementEventSources"},
      {R"([{},{"DataResources":[{"Type":"AWS::EC2::Instance","Values":[]}]}])",
       "EventSelectors[1].DataResources[0].Type"},
      {R"([{"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:lambda"]}]}])", "Values"},
  };
  std::string many = R"([{"DataResources":[{"Type":"AWS::S3::Object","Values":[)";
  for (int i = 0; i < 251; ++i) many += (i ? "," : "") + std::string(R"("arn:aws:s3:::b/")");
  cases.push_back({many + "]}]}]", "250"});
  for (const Case& c : cases) {
    auto r = ParseEventSelectors(c.json, "");
    EXPECT_THAT(r, HasError(Error::kInvalidEventSelectors)) << c.json;
    EXPECT_NE(r.status().message().find(c.message_part), std::string::npos) << r.status().message();
  }
  EXPECT_THAT(ParseEventSelectors("", ""), HasError(Error::kInvalidEventSelectors));
  EXPECT_THAT(ParseEventSelectors("[]", "[]"), HasError(Error::kInvalidEventSelectors));
  EXPECT_THAT(ParseEventSelectors(R"([{"ReadWriteType":5}])", ""), HasError(Error::kSerialization));
}

TEST(SelectorValidationTest, AdvancedErrorsNameTheField) {
  auto cat = [](std::string c) { return R"({"Field":"eventCategory","Equals":[")" + c + R"("]})"; };
  struct Case {
    std::string json, message_part;
  };
  std::vector<Case> cases = {
      {R"([{"FieldSelectors":[{"Field":"eventName","Equals":["X"]}]}])", "eventCategory"},
      {"[{\"FieldSelectors\":[" + cat("Insight") + "]}]", "Insight"},
      {"[{\"FieldSelectors\":[" + cat("Data") + "]}]", "resources.type"},
      {"[{\"FieldSelectors\":[" + cat("NetworkActivity") + "]}]", "eventSource"},
      {"[{\"FieldSelectors\":[" + cat("Management") +
           R"(,{"Field":"readOnly","NotEquals":["true"]}]}])",
       "AdvancedEventSelectors[0].FieldSelectors[1]: readOnly supports only Equals"},
      {"[{\"FieldSelectors\":[" + cat("Management") +
           R"(,{"Field":"readOnly","Equals":["yes"]}]}])",
       "true or false"},
      {"[{\"FieldSelectors\":[" + cat("Management") +
           R"(,{"Field":"resources.ARN","Equals":["x"]}]}])",
       "cannot be used"},
      {"[{\"FieldSelectors\":[" + cat("Management") + R"(,{"Field":"bogus","Equals":["x"]}]}])",
       "not supported"},
      {"[{\"FieldSelectors\":[" + cat("Management") + R"(,{"Field":"eventSource"}]}])",
       "no operator"},
      {"[{\"FieldSelectors\":[" + cat("Management") +
           R"(,{"Field":"eventSource","Equals":[""]}]}])",
       "1 to 2048"},
      {R"([{"Name":"x"}])", "FieldSelectors is required"},
  };
  std::string many =
      "[{\"FieldSelectors\":[" + cat("Management") + R"(,{"Field":"eventSource","Equals":[)";
  for (int i = 0; i < 500; ++i) many += (i ? ",\"s" : "\"s") + std::to_string(i) + "\"";
  cases.push_back({many + "]}]}]", "500"});
  for (const Case& c : cases) {
    auto r = ParseEventSelectors("", c.json);
    EXPECT_THAT(r, HasError(Error::kInvalidEventSelectors)) << c.json;
    EXPECT_NE(r.status().message().find(c.message_part), std::string::npos)
        << c.json << " → " << r.status().message();
  }
}

TEST(SelectorValidationTest, TypeErrorsKeepTheirWording) {
  struct Case {
    std::string basic, advanced, message;
  };
  std::vector<Case> cases = {
      {"{}", "", "Expected a list for member 'EventSelectors' but found an object"},
      {"[5]", "", "Expected a structure for member 'EventSelectors[0]' but found a number"},
      {R"([{"ReadWriteType":[]}])", "",
       "Expected a string for member 'EventSelectors[0].ReadWriteType' but found an array"},
      {R"([{"IncludeManagementEvents":"yes"}])", "",
       "Expected a boolean for member 'EventSelectors[0].IncludeManagementEvents' but found a "
       "string"},
      {R"([{"ExcludeManagementEventSources":[null]}])", "",
       "Expected a string for member 'EventSelectors[0].ExcludeManagementEventSources[0]' but "
       "found null"},
      // Items are checked in order: the first item's bad member before the second item's type.
      {R"([{"DataResources":[{"Type":true},7]}])", "",
       "Expected a string for member 'EventSelectors[0].DataResources[0].Type' but found a "
       "boolean"},
      {"", R"([{"FieldSelectors":{}}])",
       "Expected a list for member 'AdvancedEventSelectors[0].FieldSelectors' but found an "
       "object"},
      {"", R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":"Data"}]}])",
       "Expected a list for member 'AdvancedEventSelectors[0].FieldSelectors[0].Equals' but "
       "found a string"},
  };
  for (const Case& c : cases) {
    auto r = ParseEventSelectors(c.basic, c.advanced);
    EXPECT_THAT(r, HasError(Error::kSerialization)) << c.basic << c.advanced;
    EXPECT_EQ(r.status().message(), c.message);
  }
  // Null members count as absent.
  EXPECT_THAT(ParseEventSelectors(R"([{"ReadWriteType":null,"DataResources":null}])", ""), IsOk());
}

TEST(SelectorValidationTest, MalformedBlankAndDeepTextIsRefused) {
  EXPECT_THAT(ParseEventSelectors("[{", ""), HasError(Error::kSerialization));
  EXPECT_THAT(ParseEventSelectors(" \n", ""), HasError(Error::kSerialization));
  auto nested = [](int depth, std::string_view inner) {
    return R"([{"X":)" + std::string(depth, '[') + std::string(inner) + std::string(depth, ']') +
           "}]";
  };
  // Values may sit at most 64 containers deep (the list and its structure count).
  EXPECT_THAT(ParseEventSelectors(nested(62, "1"), ""), IsOk());
  EXPECT_THAT(ParseEventSelectors(nested(63, ""), ""), IsOk());
  EXPECT_THAT(ParseEventSelectors(nested(63, "1"), ""), HasError(Error::kSerialization));
  EXPECT_THAT(ParseEventSelectors(nested(64, ""), ""), HasError(Error::kSerialization));
  EXPECT_THAT(ParseEventSelectors(nested(5000, ""), ""), HasError(Error::kSerialization));
  EXPECT_THAT(ParseEventSelectors(std::string(200000, '['), ""), HasError(Error::kSerialization));
}

TEST(SelectorWriteTest, DefaultAndRoundTrip) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  WriteSelectors(SelectorConfig{}, w);
  w.EndObject();
  EXPECT_EQ(out, R"({"EventSelectors":[{"ReadWriteType":"All","IncludeManagementEvents":true,)"
                 R"("DataResources":[],"ExcludeManagementEventSources":[]}]})");
  std::string adv =
      R"([{"Name":"n","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},)"
      R"({"Field":"eventSource","NotStartsWith":["kms."]}]}])";
  auto config = ParseEventSelectors("", adv);
  ASSERT_THAT(config, IsOk());
  std::string text;
  JsonWriter w2(&text);
  w2.BeginObject();
  WriteSelectors(*config, w2);
  w2.EndObject();
  EXPECT_EQ(text, R"({"AdvancedEventSelectors":)" + adv + "}");
}

}  // namespace
}  // namespace ot::trail
