// The XML side of S3 lifecycle: the reader, LifecycleConfiguration validation, x-amz-tagging and
// the record of a lifecycle action.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/handlers/s3_operations.h"
#include "api/protocol/xml_reader.h"
#include "events/record.h"
#include "support/matchers.h"
#include "support/test_env.h"

namespace ot::api::handlers {
namespace {

using ot::testing::HasError;
using ot::testing::IsOk;
using ::testing::HasSubstr;

TEST(XmlReaderTest, ReadsElementsTextEntitiesAndSkipsAttributes) {
  auto doc = ParseXml(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<s3:A xmlns:s3=\"x\" b='1'>"
      "<!-- c --><B>x &amp; y &#233;&#x41;</B><B/><C><![CDATA[<raw>]]></C></s3:A>");
  ASSERT_THAT(doc, IsOk());
  EXPECT_EQ(doc->name, "A");
  EXPECT_EQ(doc->Count("B"), 2u);
  EXPECT_EQ(doc->Child("B")->text,
            "x & y \xc3\xa9"
            "A");
  EXPECT_EQ(doc->Child("C")->text, "<raw>");
  EXPECT_EQ(doc->Child("D"), nullptr);
  for (std::string_view bad : {"", "<A>", "<A></B>", "<A>&bogus;</A>", "<A/><B/>",
                               "<!DOCTYPE A [<!ENTITY x \"y\">]><A/>", "<A x=1/>", "<A>&#0;</A>"}) {
    EXPECT_THAT(ParseXml(bad), HasError(Error::kMalformedXml)) << bad;
  }
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "<a>";
  for (int i = 0; i < 100; ++i) deep += "</a>";
  EXPECT_THAT(ParseXml(deep), HasError(Error::kMalformedXml));
}

TEST(LifecycleXmlTest, ParsesTheIssueExampleAndNamesRulesWithoutAnId) {
  ot::testing::SeededRandom random(3);
  auto config = ParseLifecycleXml(
      "<LifecycleConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule>"
      "<ID>archive</ID><Filter><Prefix>AWSLogs/</Prefix></Filter><Status>Enabled</Status>"
      "<Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>"
      "<Expiration><Days>2555</Days></Expiration></Rule><Rule><Prefix>tmp/</Prefix>"
      "<Status>Disabled</Status><Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration>"
      "</Rule></LifecycleConfiguration>",
      random);
  ASSERT_THAT(config, IsOk());
  ASSERT_EQ(config->rules.size(), 2u);
  const auto& r = config->rules[0];
  EXPECT_EQ(r.id, "archive");
  EXPECT_TRUE(r.enabled);
  EXPECT_EQ(r.filter.prefix, "AWSLogs/");
  ASSERT_EQ(r.transitions.size(), 1u);
  EXPECT_EQ(*r.transitions[0].days, 90);
  EXPECT_EQ(r.transitions[0].storage_class, "GLACIER");
  EXPECT_EQ(*r.expiration->days, 2555);
  EXPECT_FALSE(config->rules[1].id.empty());
  EXPECT_EQ(config->rules[1].filter.form, buckets::LifecycleFilter::Form::kLegacyPrefix);
}

TEST(LifecycleXmlTest, RefusesWhatS3Refuses) {
  ot::testing::SeededRandom random(3);
  auto rule = [](std::string_view body) {
    return "<LifecycleConfiguration><Rule><ID>r</ID><Status>Enabled</Status>" + std::string(body) +
           "</Rule></LifecycleConfiguration>";
  };
  struct Case {
    std::string xml;
    Error code;
    const char* message;
  };
  for (const Case& c : std::vector<Case>{
           {rule("<Filter/><Expiration><Days>0</Days></Expiration>"), Error::kInvalidArgument,
            "'Days' for Expiration action must be a positive integer"},
           {rule("<Filter/><Expiration><Days>x</Days></Expiration>"), Error::kMalformedXml, ""},
           {rule("<Filter/><Transition><Days>1</Days><StorageClass>STANDARD</StorageClass>"
                 "</Transition>"),
            Error::kInvalidArgument, "'StorageClass' in the Transition action"},
           {rule("<Filter/><Transition><Days>1</Days><Date>2030-01-01T00:00:00Z</Date>"
                 "<StorageClass>GLACIER</StorageClass></Transition>"),
            Error::kMalformedXml, ""},
           {rule("<Filter/>"), Error::kValidation, "At least one action"},
           {rule("<Expiration><Days>1</Days></Expiration>"), Error::kMalformedXml, ""},
           {rule("<Filter><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter>"
                 "<Expiration><Days>1</Days></Expiration>"),
            Error::kMalformedXml, ""},
           {rule("<Filter><And><Tag><Key>k</Key><Value>v</Value></Tag><Tag><Key>k</Key>"
                 "<Value>w</Value></Tag></And></Filter><Expiration><Days>1</Days></Expiration>"),
            Error::kValidation, "Duplicate Tag Keys"},
           {rule("<Filter/><Bogus/><Expiration><Days>1</Days></Expiration>"), Error::kMalformedXml,
            ""},
           {"<LifecycleConfiguration></LifecycleConfiguration>", Error::kMalformedXml, ""},
           {"<Lifecycle><Rule/></Lifecycle>", Error::kMalformedXml, ""},
       }) {
    auto got = ParseLifecycleXml(c.xml, random);
    EXPECT_THAT(got, HasError(c.code)) << c.xml;
    if (!got.ok()) {
      EXPECT_THAT(got.status().message(), HasSubstr(c.message)) << c.xml;
    }
  }
}

TEST(LifecycleXmlTest, TaggingHeaderFollowsS3sLimits) {
  auto tags = ParseTaggingHeader("a=1&b%20c=x%2By&empty=");
  ASSERT_THAT(tags, IsOk());
  EXPECT_EQ(tags->at("b c"), "x+y");
  EXPECT_EQ(tags->at("empty"), "");
  EXPECT_THAT(ParseTaggingHeader("a=1&a=2"), HasError(Error::kInvalidTag));
  EXPECT_THAT(ParseTaggingHeader("aws:k=1"), HasError(Error::kInvalidTag));
  std::string many;
  for (int i = 0; i < 11; ++i) many += "k" + std::to_string(i) + "=v&";
  EXPECT_THAT(ParseTaggingHeader(many), HasError(Error::kInvalidTag));
  EXPECT_THAT(ParseTaggingHeader(std::string(129, 'k') + "=v"), HasError(Error::kInvalidTag));
}

TEST(LifecycleRecordTest, ATransitionIsAnAwsServiceEventByS3) {
  ot::testing::SeededRandom random(3);
  buckets::LifecycleAction a;
  a.kind = buckets::LifecycleAction::Kind::kTransition;
  a.bucket = "logs";
  a.region = "eu-west-1";
  a.owner_account = "111122223333";
  a.key = "AWSLogs/x.json.gz";
  a.rule_id = "archive";
  a.storage_class = "GLACIER";
  a.previous_class = "STANDARD";
  a.size = 1000;
  a.stored_bytes = 600;
  a.time = SysMillis(std::chrono::milliseconds(1800000000000));
  store::NewEvent e = BuildLifecycleEvent(a, "111122223333", random);
  auto r = events::ParseRecord(e.json);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->event_type, "AwsServiceEvent");
  EXPECT_EQ(*r->event_name, "LifecycleTransition");
  EXPECT_EQ(*r->event_source, "s3.amazonaws.com");
  EXPECT_EQ(r->aws_region, "eu-west-1");
  EXPECT_EQ(r->user_identity->type, "AWSService");
  EXPECT_EQ(*r->user_identity->invoked_by, "s3.amazonaws.com");
  EXPECT_EQ(e.attrs.username, "s3.amazonaws.com");
  EXPECT_EQ(e.attrs.category, events::Category::kManagement);
  EXPECT_THAT(r->service_event_details, HasSubstr("\"storedBytes\":600"));
  EXPECT_THAT(r->service_event_details, HasSubstr("\"lifecycleRuleId\":\"archive\""));
  ASSERT_TRUE(r->resources.has_value());
  EXPECT_EQ((*r->resources)[0].arn, "arn:aws:s3:::logs/AWSLogs/x.json.gz");
}

}  // namespace
}  // namespace ot::api::handlers
