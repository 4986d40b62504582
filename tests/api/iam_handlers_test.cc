// The IAM and STS GetSessionToken Query handlers (iam_*.cc, sts_session.cc) over a fake
// registry: result XML, URL-encoded documents, base64 blobs, IAM's validation messages, paging
// parameters, and what the call's record may keep.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "api/handlers/iam_operations.h"
#include "api/protocol/query.h"
#include "common/encoding.h"
#include "fake_iam.h"
#include "handler_test_util.h"

namespace ot::api::handlers {
namespace {

using ::ot::testing::HasError;
using ::ot::testing::IsOk;
using testing::FakeIam;
using testing::HandlerEnv;
using ::testing::HasSubstr;
using ::testing::Not;

class IamHandlersTest : public ::testing::Test {
 protected:
  IamHandlersTest() { env_.services->iam = &iam_; }

  Result<Outcome> Call(QueryHandler* handler, std::string_view form) {
    return handler(*env_.services, env_.Context(), QueryParams::Parse(form));
  }
  // The body of a successful call.
  std::string Body(QueryHandler* handler, std::string_view form) {
    auto out = Call(handler, form);
    EXPECT_THAT(out, IsOk());
    return out.ok() ? out->body : std::string();
  }
  std::string ErrorMessage(QueryHandler* handler, std::string_view form) {
    auto out = Call(handler, form);
    EXPECT_FALSE(out.ok());
    return out.ok() ? std::string() : std::string(out.status().message());
  }

  HandlerEnv env_;
  FakeIam iam_;
};

TEST_F(IamHandlersTest, CreateUserReplyIsTheSpecShapeWithTags) {
  auto out = Call(&CreateUser,
                  "Action=CreateUser&Version=2010-05-08&Path=%2Fdev%2F&UserName=alice"
                  "&Tags.member.1.Key=team&Tags.member.1.Value=sec");

  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->body,
            "    <User>\n"
            "      <Path>/dev/</Path>\n"
            "      <UserName>alice</UserName>\n"
            "      <UserId>AIDAZ3EXAMPLEUSER001</UserId>\n"
            "      <Arn>arn:aws:iam::111122223333:user/dev/alice</Arn>\n"
            "      <CreateDate>2024-05-01T12:34:56Z</CreateDate>\n"
            "      <Tags>\n"
            "        <member>\n"
            "          <Key>team</Key>\n"
            "          <Value>sec</Value>\n"
            "        </member>\n"
            "      </Tags>\n"
            "    </User>\n");
  EXPECT_EQ(out->response_elements,
            R"({"user":{"path":"/dev/","userName":"alice","userId":"AIDAZ3EXAMPLEUSER001",)"
            R"("arn":"arn:aws:iam::111122223333:user/dev/alice",)"
            R"("createDate":"2024-05-01T12:34:56Z"}})");
  ASSERT_EQ(out->resources.size(), 1u);
  EXPECT_EQ(out->resources[0].type, "AWS::IAM::User");
  EXPECT_EQ(out->resources[0].account_id, "111122223333");
}

TEST_F(IamHandlersTest, NamesAreValidatedWithIamMessages) {
  struct Case {
    QueryHandler* handler;
    std::string form;
    std::string message;
  };
  const std::string long_name(65, 'a');
  const std::string too_long = "UserName=" + long_name;
  const Case cases[] = {
      {&CreateUser, "UserName=a+b",
       "1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: "
       "Member must satisfy regular expression pattern: [\\w+=,.@-]+"},
      {&CreateUser, too_long,
       "1 validation error detected: Value '" + long_name +
           "' at 'userName' failed to satisfy constraint: Member must have length less than or "
           "equal to 64"},
      {&CreateUser, "",
       "1 validation error detected: Value null at 'userName' failed to satisfy constraint: "
       "Member must not be null"},
      {&CreateUser, "UserName=",
       "1 validation error detected: Value '' at 'userName' failed to satisfy constraint: Member "
       "must have length greater than or equal to 1"},
      {&CreateUser, "UserName=ok&Path=dev",
       "1 validation error detected: Value 'dev' at 'path' failed to satisfy constraint: Member "
       "must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)"},
      {&CreateGroup, "GroupName=a%2Fb&Path=x",
       "2 validation errors detected: Value 'a/b' at 'groupName' failed to satisfy constraint: "
       "Member must satisfy regular expression pattern: [\\w+=,.@-]+; Value 'x' at 'path' "
       "failed to satisfy constraint: Member must satisfy regular expression pattern: "
       "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)"},
      {&ListUsers, "MaxItems=0",
       "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: "
       "Member must have value greater than or equal to 1"},
      {&ListUsers, "MaxItems=1001",
       "1 validation error detected: Value '1001' at 'maxItems' failed to satisfy constraint: "
       "Member must have value less than or equal to 1000"},
      {&UpdateAccessKey, "AccessKeyId=AKIAZ3EXAMPLEKEY0001&Status=Off",
       "1 validation error detected: Value 'Off' at 'status' failed to satisfy constraint: "
       "Member must satisfy enum value set: [Active, Inactive]"},
      {&ListPolicies, "Scope=Mine",
       "1 validation error detected: Value 'Mine' at 'scope' failed to satisfy constraint: "
       "Member must satisfy enum value set: [All, AWS, Local]"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.form);

    auto out = Call(c.handler, c.form);

    EXPECT_THAT(out, HasError(Error::kValidation));
    EXPECT_EQ(out.status().message(), c.message);
  }
}

TEST_F(IamHandlersTest, RegistryErrorsPassThrough) {
  auto out = Call(&GetUser, "UserName=carol");

  EXPECT_THAT(out, HasError(Error::kNoSuchEntity));
  EXPECT_EQ(out.status().message(), "The user with name carol cannot be found.");
  ASSERT_THAT(Call(&CreateUser, "UserName=alice"), IsOk());
  EXPECT_THAT(Call(&CreateUser, "UserName=alice"), HasError(Error::kEntityAlreadyExists));
}

TEST_F(IamHandlersTest, OmittedUserNameMeansTheCallingUser) {
  ASSERT_THAT(Call(&CreateUser, "UserName=admin"), IsOk());

  std::string body = Body(&GetUser, "Action=GetUser");
  auto key = Call(&CreateAccessKey, "Action=CreateAccessKey");

  EXPECT_THAT(body, HasSubstr("<UserName>admin</UserName>"));
  ASSERT_THAT(key, IsOk());
  EXPECT_THAT(key->body, HasSubstr("<UserName>admin</UserName>"));
}

TEST_F(IamHandlersTest, OmittedUserNameFromRootIsAValidationError) {
  env_.caller.principal.type = auth::PrincipalType::kRoot;
  env_.caller.principal.user_name.clear();

  EXPECT_THAT(Call(&ListAccessKeys, ""), HasError(Error::kValidation));
}

TEST_F(IamHandlersTest, ListsPassPagingAndReportTruncation) {
  ASSERT_THAT(Call(&CreateUser, "UserName=alice"), IsOk());
  iam_.next_marker = "page-2";

  std::string body = Body(&ListUsers, "PathPrefix=%2Fdev%2F&Marker=page-1&MaxItems=1");

  EXPECT_EQ(iam_.last_path_prefix, "/dev/");
  EXPECT_EQ(iam_.last_page.marker, "page-1");
  EXPECT_EQ(iam_.last_page.max_items, 1);
  EXPECT_THAT(body, HasSubstr("    <Users>\n      <member>\n        <Path>/</Path>\n"));
  EXPECT_THAT(body, HasSubstr("    <IsTruncated>true</IsTruncated>\n"
                              "    <Marker>page-2</Marker>\n"));
}

TEST_F(IamHandlersTest, EmptyListsAreEmptyElements) {
  EXPECT_EQ(Body(&ListUsers, ""), "    <Users/>\n    <IsTruncated>false</IsTruncated>\n");
  EXPECT_EQ(iam_.last_path_prefix, "/");
  EXPECT_EQ(iam_.last_page.max_items, 100);
  EXPECT_EQ(Body(&ListGroups, ""), "    <Groups/>\n    <IsTruncated>false</IsTruncated>\n");
}

TEST_F(IamHandlersTest, GetGroupListsItsUsers) {
  ASSERT_THAT(Call(&CreateGroup, "GroupName=auditors"), IsOk());
  ASSERT_THAT(Call(&CreateUser, "UserName=auditor-1"), IsOk());

  std::string body = Body(&GetGroup, "GroupName=auditors&MaxItems=5");

  EXPECT_THAT(body, HasSubstr("    <Group>\n      <Path>/</Path>\n"
                              "      <GroupName>auditors</GroupName>\n"));
  EXPECT_THAT(body, HasSubstr("<Users>\n      <member>\n"));
  EXPECT_THAT(body, HasSubstr("<UserName>auditor-1</UserName>"));
  EXPECT_EQ(iam_.last_page.max_items, 5);
}

TEST_F(IamHandlersTest, CreateAccessKeyReturnsTheSecretButNeverRecordsIt) {
  ASSERT_THAT(Call(&CreateUser, "UserName=alice"), IsOk());

  auto out = Call(&CreateAccessKey, "UserName=alice");

  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->body,
            "    <AccessKey>\n"
            "      <UserName>alice</UserName>\n"
            "      <AccessKeyId>AKIAZ3EXAMPLEKEY0001</AccessKeyId>\n"
            "      <Status>Active</Status>\n"
            "      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE01</SecretAccessKey>\n"
            "      <CreateDate>2024-05-01T12:34:56Z</CreateDate>\n"
            "    </AccessKey>\n");
  EXPECT_EQ(out->response_elements,
            R"({"accessKey":{"userName":"alice","accessKeyId":"AKIAZ3EXAMPLEKEY0001",)"
            R"("status":"Active","createDate":"2024-05-01T12:34:56Z"}})");
}

TEST_F(IamHandlersTest, ListAccessKeysShowsMetadataOnly) {
  ASSERT_THAT(Call(&CreateUser, "UserName=alice"), IsOk());
  ASSERT_THAT(Call(&CreateAccessKey, "UserName=alice"), IsOk());

  std::string body = Body(&ListAccessKeys, "UserName=alice");

  EXPECT_THAT(body, HasSubstr("<AccessKeyMetadata>\n      <member>\n"
                              "        <UserName>alice</UserName>\n"
                              "        <AccessKeyId>AKIAZ3EXAMPLEKEY0001</AccessKeyId>\n"
                              "        <Status>Inactive</Status>\n"));
  EXPECT_THAT(body, Not(HasSubstr("Secret")));
}

TEST_F(IamHandlersTest, UpdateAndDeleteAccessKeyNeedTheKeyOfThatUser) {
  ASSERT_THAT(Call(&CreateUser, "UserName=alice"), IsOk());
  ASSERT_THAT(Call(&CreateUser, "UserName=bob"), IsOk());
  ASSERT_THAT(Call(&CreateAccessKey, "UserName=alice"), IsOk());

  EXPECT_THAT(Call(&UpdateAccessKey, "UserName=bob&AccessKeyId=AKIAZ3EXAMPLEKEY0001&Status=Active"),
              HasError(Error::kNoSuchEntity));
  EXPECT_THAT(
      Call(&UpdateAccessKey, "UserName=alice&AccessKeyId=AKIAZ3EXAMPLEKEY0001&Status=Inactive"),
      IsOk());
  EXPECT_THAT(Call(&DeleteAccessKey, "UserName=alice"), HasError(Error::kValidation));
  EXPECT_THAT(Call(&DeleteAccessKey, "UserName=alice&AccessKeyId=AKIAZ3EXAMPLEKEY0001"), IsOk());
}

TEST_F(IamHandlersTest, PolicyDocumentsAreReturnedPercentEncodedWithSpacesAsPercent20) {
  ASSERT_THAT(Call(&CreateUser, "UserName=alice"), IsOk());
  // {"Version":"2012-10-17","Statement":[{"Sid":"Allow all trail ops","Effect":"Allow",
  //  "Action":"cloudtrail:*","Resource":"*"}]} as botocore form-encodes it.
  ASSERT_THAT(Call(&PutUserPolicy,
                   "UserName=alice&PolicyName=p&PolicyDocument=%7B%22Version%22%3A%222012-10-17%22"
                   "%2C%22Statement%22%3A%5B%7B%22Sid%22%3A%22Allow+all+trail+ops%22%2C%22Effect"
                   "%22%3A%22Allow%22%2C%22Action%22%3A%22cloudtrail%3A%2A%22%2C%22Resource%22%3A"
                   "%22%2A%22%7D%5D%7D"),
              IsOk());

  std::string body = Body(&GetUserPolicy, "UserName=alice&PolicyName=p");

  EXPECT_EQ(
      body,
      "    <UserName>alice</UserName>\n"
      "    <PolicyName>p</PolicyName>\n"
      "    <PolicyDocument>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B"
      "%22Sid%22%3A%22Allow%20all%20trail%20ops%22%2C%22Effect%22%3A%22Allow%22%2C%22Action"
      "%22%3A%22cloudtrail%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D</PolicyDocument>\n");
}

TEST_F(IamHandlersTest, PrettyDocumentsKeepTheirNewlinesAndPlusSigns) {
  ASSERT_THAT(Call(&CreateGroup, "GroupName=g"), IsOk());
  std::string doc =
      "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Sid\": \"a+b\", \"Effect\": "
      "\"Allow\", \"Action\": \"cloudtrail:Get*\", \"Resource\": \"*\"}]\n}";
  ASSERT_THAT(Call(&PutGroupPolicy, "GroupName=g&PolicyName=p&PolicyDocument=" + UriEncode(doc)),
              IsOk());

  std::string body = Body(&GetGroupPolicy, "GroupName=g&PolicyName=p");

  EXPECT_THAT(body, HasSubstr("<GroupName>g</GroupName>"));
  EXPECT_THAT(body, HasSubstr("<PolicyDocument>%7B%0A%20%20%22Version%22"));
  EXPECT_THAT(body, HasSubstr("%22a%2Bb%22"));
  EXPECT_THAT(body, Not(HasSubstr("+")));
  EXPECT_EQ(Body(&ListGroupPolicies, "GroupName=g"),
            "    <PolicyNames>\n      <member>p</member>\n    </PolicyNames>\n"
            "    <IsTruncated>false</IsTruncated>\n");
}

TEST_F(IamHandlersTest, MalformedDocumentsAreRefused) {
  ASSERT_THAT(Call(&CreateUser, "UserName=alice"), IsOk());

  EXPECT_THAT(Call(&PutUserPolicy, "UserName=alice&PolicyName=p&PolicyDocument=%7Bnope"),
              HasError(Error::kMalformedPolicyDocument));
  EXPECT_THAT(Call(&CreatePolicy, "PolicyName=p&PolicyDocument=%7B%7D"),
              HasError(Error::kMalformedPolicyDocument));
  EXPECT_THAT(Call(&PutUserPolicy, "UserName=alice&PolicyName=p"), HasError(Error::kValidation));
}

constexpr std::string_view kDoc =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"cloudtrail:Get*","Resource":"*"}]})";

TEST_F(IamHandlersTest, CreatePolicyAndGetPolicyVersion) {
  auto created = Call(&CreatePolicy,
                      "PolicyName=read&Description=trail+reads&PolicyDocument=" + UriEncode(kDoc));
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(created->body,
            "    <Policy>\n"
            "      <PolicyName>read</PolicyName>\n"
            "      <PolicyId>ANPAZ3EXAMPLEPOLICY1</PolicyId>\n"
            "      <Arn>arn:aws:iam::111122223333:policy/read</Arn>\n"
            "      <Path>/</Path>\n"
            "      <DefaultVersionId>v1</DefaultVersionId>\n"
            "      <AttachmentCount>0</AttachmentCount>\n"
            "      <PermissionsBoundaryUsageCount>0</PermissionsBoundaryUsageCount>\n"
            "      <IsAttachable>true</IsAttachable>\n"
            "      <Description>trail reads</Description>\n"
            "      <CreateDate>2024-05-01T12:34:56Z</CreateDate>\n"
            "      <UpdateDate>2024-05-01T12:34:56Z</UpdateDate>\n"
            "    </Policy>\n");
  EXPECT_THAT(created->response_elements, HasSubstr(R"("policyName":"read")"));

  std::string version = Body(&GetPolicyVersion,
                             "PolicyArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Apolicy%2Fread"
                             "&VersionId=v1");

  EXPECT_EQ(version,
            "    <PolicyVersion>\n"
            "      <Document>" +
                UriEncode(kDoc) +
                "</Document>\n"
                "      <VersionId>v1</VersionId>\n"
                "      <IsDefaultVersion>true</IsDefaultVersion>\n"
                "      <CreateDate>2024-05-01T12:34:56Z</CreateDate>\n"
                "    </PolicyVersion>\n");
  EXPECT_THAT(Call(&GetPolicyVersion,
                   "PolicyArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Apolicy%2Fread&VersionId=1"),
              HasError(Error::kValidation));
}

TEST_F(IamHandlersTest, ListPoliciesLeavesOutDescriptionAndPassesFilters) {
  ASSERT_THAT(
      Call(&CreatePolicy, "PolicyName=read&Description=d&PolicyDocument=" + UriEncode(kDoc)),
      IsOk());

  std::string body = Body(&ListPolicies, "Scope=Local&OnlyAttached=true&PathPrefix=%2F");

  EXPECT_EQ(iam_.last_scope, iam::PolicyScope::kLocal);
  EXPECT_TRUE(iam_.last_only_attached);
  EXPECT_THAT(body, HasSubstr("<Policies>\n      <member>\n        <PolicyName>read"));
  EXPECT_THAT(body, Not(HasSubstr("Description")));
  EXPECT_EQ(Body(&ListPolicies, "PolicyUsageFilter=PermissionsBoundary"),
            "    <Policies/>\n    <IsTruncated>false</IsTruncated>\n");
}

TEST_F(IamHandlersTest, AttachAndListAttachedPolicies) {
  ASSERT_THAT(Call(&CreateGroup, "GroupName=auditors"), IsOk());
  ASSERT_THAT(Call(&CreatePolicy, "PolicyName=read&PolicyDocument=" + UriEncode(kDoc)), IsOk());
  const std::string arn = "PolicyArn=arn%3Aaws%3Aiam%3A%3A111122223333%3Apolicy%2Fread";

  EXPECT_THAT(Call(&AttachGroupPolicy, "GroupName=auditors&" + arn), IsOk());
  EXPECT_THAT(Call(&AttachGroupPolicy,
                   "GroupName=auditors&PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws"
                   "%3Apolicy%2FNope"),
              HasError(Error::kNoSuchEntity));
  EXPECT_THAT(Call(&AttachUserPolicy, "UserName=nobody&" + arn), HasError(Error::kNoSuchEntity));
  EXPECT_EQ(Body(&ListAttachedGroupPolicies, "GroupName=auditors"),
            "    <AttachedPolicies>\n      <member>\n"
            "        <PolicyName>read</PolicyName>\n"
            "        <PolicyArn>arn:aws:iam::111122223333:policy/read</PolicyArn>\n"
            "      </member>\n    </AttachedPolicies>\n"
            "    <IsTruncated>false</IsTruncated>\n");
}

TEST_F(IamHandlersTest, CreateVirtualMfaDeviceSendsBase64BlobsAndRecordsOnlyTheSerial) {
  auto out = Call(&CreateVirtualMFADevice, "VirtualMFADeviceName=alice-phone");

  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(out->body,
            "    <VirtualMFADevice>\n"
            "      <SerialNumber>arn:aws:iam::111122223333:mfa/alice-phone</SerialNumber>\n"
            "      <Base32StringSeed>SkJTV1kzRFBFSFBLM1BYUEpCU1dZM0RQRUhQSzNQWFBKQlNXWTNEUEVIUEsz"
            "UFhQSkJTV1kzRFBFSFBLM1BYUA==</Base32StringSeed>\n"
            "      <QRCodePNG>iVBORw0KGgo=</QRCodePNG>\n"
            "    </VirtualMFADevice>\n");
  EXPECT_EQ(out->response_elements,
            R"({"virtualMFADevice":{"serialNumber":"arn:aws:iam::111122223333:mfa/alice-phone"}})");
}

TEST_F(IamHandlersTest, EnableMfaDeviceChecksCodesWithoutEchoingThem) {
  ASSERT_THAT(Call(&CreateUser, "UserName=alice"), IsOk());
  const std::string serial = "SerialNumber=arn%3Aaws%3Aiam%3A%3A111122223333%3Amfa%2Fphone";

  auto bad = Call(&EnableMFADevice, "UserName=alice&" + serial +
                                        "&AuthenticationCode1=12a456&AuthenticationCode2=1234567");
  auto wrong = Call(&EnableMFADevice, "UserName=alice&" + serial +
                                          "&AuthenticationCode1=000000&AuthenticationCode2=111111");
  auto ok = Call(&EnableMFADevice, "UserName=alice&" + serial +
                                       "&AuthenticationCode1=123456&AuthenticationCode2=654321");

  EXPECT_THAT(bad, HasError(Error::kValidation));
  EXPECT_EQ(bad.status().message(),
            "2 validation errors detected: Value at 'authenticationCode1' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [\\d]+; Value at "
            "'authenticationCode2' failed to satisfy constraint: Member must have length less "
            "than or equal to 6");
  EXPECT_THAT(wrong, HasError(Error::kInvalidAuthenticationCode));
  EXPECT_THAT(ok, IsOk());
  EXPECT_EQ(iam_.last_codes, (std::vector<std::string>{"123456", "654321"}));
}

TEST_F(IamHandlersTest, MfaListings) {
  ASSERT_THAT(Call(&CreateUser, "UserName=alice"), IsOk());

  std::string mine = Body(&ListMFADevices, "UserName=alice");
  std::string all = Body(&ListVirtualMFADevices, "AssignmentStatus=Assigned");

  EXPECT_EQ(mine,
            "    <MFADevices>\n      <member>\n"
            "        <UserName>alice</UserName>\n"
            "        <SerialNumber>arn:aws:iam::111122223333:mfa/phone</SerialNumber>\n"
            "        <EnableDate>2024-05-01T12:34:56Z</EnableDate>\n"
            "      </member>\n    </MFADevices>\n"
            "    <IsTruncated>false</IsTruncated>\n");
  EXPECT_EQ(iam_.last_assignment, iam::MfaAssignment::kAssigned);
  EXPECT_THAT(all, HasSubstr("        <SerialNumber>arn:aws:iam::111122223333:mfa/phone"
                             "</SerialNumber>\n        <User>\n          <Path>/</Path>\n"));
  EXPECT_THAT(all, HasSubstr("<EnableDate>2024-05-01T12:34:56Z</EnableDate>"));
  EXPECT_THAT(all, HasSubstr("      <member>\n        <SerialNumber>arn:aws:iam::111122223333:"
                             "mfa/spare</SerialNumber>\n      </member>\n"));
  EXPECT_THAT(all, Not(HasSubstr("Seed")));
}

TEST_F(IamHandlersTest, GetSessionTokenPassesDurationAndMfa) {
  auto out = Call(&GetSessionToken,
                  "DurationSeconds=900&SerialNumber=arn%3Aaws%3Aiam%3A%3A111122223333%3Amfa%2Fa"
                  "&TokenCode=123456");

  ASSERT_THAT(out, IsOk());
  EXPECT_EQ(iam_.last_duration, std::chrono::seconds(900));
  EXPECT_EQ(iam_.last_serial, "arn:aws:iam::111122223333:mfa/a");
  EXPECT_EQ(iam_.last_token, "123456");
  EXPECT_EQ(iam_.last_session_caller, "arn:aws:iam::111122223333:user/admin");
  EXPECT_EQ(out->body,
            "    <Credentials>\n"
            "      <AccessKeyId>ASIAZ3EXAMPLETEMP001</AccessKeyId>\n"
            "      <SecretAccessKey>tMpS3cr3tKeyForUnitTests/ABCDEFGHIJKLMNO</SecretAccessKey>\n"
            "      <SessionToken>IQoJb3JpZ2luX2VjEXAMPLEsessionTOKEN==</SessionToken>\n"
            "      <Expiration>2024-05-01T12:49:56Z</Expiration>\n"
            "    </Credentials>\n");
}

TEST_F(IamHandlersTest, GetSessionTokenValidatesDuration) {
  EXPECT_EQ(ErrorMessage(&GetSessionToken, "DurationSeconds=60"),
            "1 validation error detected: Value '60' at 'durationSeconds' failed to satisfy "
            "constraint: Member must have value greater than or equal to 900");
  EXPECT_THAT(Call(&GetSessionToken, "DurationSeconds=129601"), HasError(Error::kValidation));
  EXPECT_THAT(Call(&GetSessionToken, "TokenCode=12345"), HasError(Error::kValidation));
  EXPECT_THAT(Call(&GetSessionToken, ""), IsOk());
  EXPECT_EQ(iam_.last_duration, std::nullopt);
}

}  // namespace
}  // namespace ot::api::handlers
