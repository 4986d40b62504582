#include <gmock/gmock.h>

#include "iam_fixture.h"

namespace ot::iam {
namespace {

TEST_F(IamTest, CreateVirtualMfaDeviceReturnsSeedAndQr) {
  auto d = iam().CreateVirtualMfaDevice("alice-phone", "/", {{"k", "v"}});

  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(d->serial_number, "arn:aws:iam::123456789012:mfa/alice-phone");
  EXPECT_EQ(d->base32_seed.size(), 64u);
  EXPECT_EQ(d->base32_seed.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
            std::string::npos);
  EXPECT_TRUE(d->qr_code_png.starts_with("\x89PNG\r\n\x1a\n"));
  auto listed = iam().ListVirtualMfaDevices(MfaAssignment::kUnassigned, {});
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_FALSE(listed->items[0].user_name.has_value());
  EXPECT_EQ(listed->items[0].tags, (std::vector<Tag>{{"k", "v"}}));
}

TEST_F(IamTest, DuplicateMfaDeviceIsRefused) {
  ASSERT_THAT(iam().CreateVirtualMfaDevice("phone", "/", {}), IsOk());

  EXPECT_THAT(iam().CreateVirtualMfaDevice("phone", "/", {}),
              HasError(Error::kEntityAlreadyExists));
  EXPECT_THAT(iam().CreateVirtualMfaDevice("phone", "/other/", {}), IsOk());
  EXPECT_THAT(iam().CreateVirtualMfaDevice("bad name", "/", {}), HasError(Error::kValidation));
}

TEST_F(IamTest, EnableNeedsTwoConsecutiveValidCodes) {
  MakeUser("alice");
  auto d = iam().CreateVirtualMfaDevice("phone", "/", {});
  ASSERT_THAT(d, IsOk());

  Status same =
      iam().EnableMfaDevice("alice", d->serial_number, Code(d->base32_seed), Code(d->base32_seed));
  Status reversed = iam().EnableMfaDevice("alice", d->serial_number, Code(d->base32_seed, 0),
                                          Code(d->base32_seed, -1));
  Status stale = iam().EnableMfaDevice("alice", d->serial_number, Code(d->base32_seed, -5),
                                       Code(d->base32_seed, -4));
  Status not_digits = iam().EnableMfaDevice("alice", d->serial_number, "12a456", "123456");

  EXPECT_THAT(same, HasError(Error::kInvalidAuthenticationCode));
  EXPECT_EQ(same.message(), "Authentication code for device is not valid.");
  EXPECT_THAT(reversed, HasError(Error::kInvalidAuthenticationCode));
  EXPECT_THAT(stale, HasError(Error::kInvalidAuthenticationCode));
  EXPECT_THAT(not_digits, HasError(Error::kValidation));
  ASSERT_THAT(iam().EnableMfaDevice("alice", d->serial_number, Code(d->base32_seed, 0),
                                    Code(d->base32_seed, 1)),
              IsOk());
  auto mine = iam().ListMfaDevices("alice", {});
  ASSERT_THAT(mine, IsOk());
  ASSERT_EQ(mine->items.size(), 1u);
  EXPECT_EQ(mine->items[0].serial_number, d->serial_number);
  EXPECT_EQ(mine->items[0].enable_date, clock_.Now());
  EXPECT_EQ(mine->items[0].user_arn, "arn:aws:iam::123456789012:user/alice");
}

TEST_F(IamTest, EnableErrors) {
  MakeUser("alice");
  MakeUser("bob");
  std::string serial;
  const std::string seed = EnabledDevice("alice", "phone", &serial);

  Status in_use = iam().EnableMfaDevice("bob", serial, Code(seed, 0), Code(seed, 1));
  Status no_device =
      iam().EnableMfaDevice("bob", "arn:aws:iam::123456789012:mfa/none", "123456", "654321");
  Status no_user = iam().EnableMfaDevice("carol", serial, "123456", "654321");

  EXPECT_THAT(in_use, HasError(Error::kEntityAlreadyExists));
  EXPECT_THAT(no_device, HasError(Error::kNoSuchEntity));
  EXPECT_THAT(no_user, HasError(Error::kNoSuchEntity));
}

TEST_F(IamTest, DeactivateAndDeleteDevice) {
  MakeUser("alice");
  MakeUser("bob");
  std::string serial;
  EnabledDevice("alice", "phone", &serial);

  Status assigned = iam().DeleteVirtualMfaDevice(serial);
  Status wrong_user = iam().DeactivateMfaDevice("bob", serial);
  ASSERT_THAT(iam().DeactivateMfaDevice("alice", serial), IsOk());

  EXPECT_THAT(assigned, HasError(Error::kDeleteConflict));
  EXPECT_EQ(assigned.message(), "MFA device is still in use");
  EXPECT_THAT(wrong_user, HasError(Error::kNoSuchEntity));
  auto unassigned = iam().ListVirtualMfaDevices(MfaAssignment::kUnassigned, {});
  ASSERT_THAT(unassigned, IsOk());
  EXPECT_EQ(unassigned->items.size(), 1u);
  EXPECT_TRUE(iam().ListMfaDevices("alice", {})->items.empty());
  EXPECT_THAT(iam().DeleteVirtualMfaDevice(serial), IsOk());
  EXPECT_THAT(iam().DeleteVirtualMfaDevice(serial), HasError(Error::kNoSuchEntity));
}

TEST_F(IamTest, ListVirtualDevicesByAssignment) {
  MakeUser("alice");
  EnabledDevice("alice", "a-phone");
  ASSERT_THAT(iam().CreateVirtualMfaDevice("b-spare", "/", {}), IsOk());

  auto any = iam().ListVirtualMfaDevices(MfaAssignment::kAny, {});
  auto assigned = iam().ListVirtualMfaDevices(MfaAssignment::kAssigned, {});

  ASSERT_THAT(any, IsOk());
  EXPECT_EQ(any->items.size(), 2u);
  ASSERT_THAT(assigned, IsOk());
  ASSERT_EQ(assigned->items.size(), 1u);
  EXPECT_EQ(assigned->items[0].user_name, "alice");
}

TEST_F(IamTest, SessionTokenWithoutMfa) {
  MakeUser("alice");
  const auth::Principal caller = PrincipalOf("alice");

  auto s = iam().GetSessionToken(caller, std::nullopt, std::nullopt, std::nullopt);

  ASSERT_THAT(s, IsOk());
  EXPECT_TRUE(s->access_key_id.starts_with("ASIA"));
  EXPECT_EQ(s->access_key_id.size(), 20u);
  EXPECT_EQ(s->secret_access_key.size(), 40u);
  EXPECT_FALSE(s->session_token.empty());
  EXPECT_EQ(s->expiration, clock_.Now() + std::chrono::hours(12));
  auto key = credentials().Find(s->access_key_id);
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->session_token, s->session_token);
  EXPECT_EQ(key->expiration, s->expiration);
  EXPECT_TRUE(key->principal.temporary);
  EXPECT_FALSE(key->principal.mfa_authenticated);
  EXPECT_EQ(key->principal.principal_id, caller.principal_id);
  EXPECT_EQ(key->principal.arn, caller.arn);
  EXPECT_EQ(key->principal.access_key_id, s->access_key_id);
}

TEST_F(IamTest, SessionTokenWithMfaRecordsTheAuthTime) {
  MakeUser("alice");
  std::string serial;
  const std::string seed = EnabledDevice("alice", "phone", &serial);

  auto s =
      iam().GetSessionToken(PrincipalOf("alice"), std::chrono::seconds(900), serial, Code(seed));

  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->expiration, clock_.Now() + std::chrono::seconds(900));
  auto key = credentials().Find(s->access_key_id);
  ASSERT_TRUE(key.has_value());
  EXPECT_TRUE(key->principal.mfa_authenticated);
  EXPECT_EQ(key->principal.mfa_auth_time, clock_.Now());
}

TEST_F(IamTest, TotpCodeIsUsableOnce) {
  MakeUser("alice");
  std::string serial;
  const std::string seed = EnabledDevice("alice", "phone", &serial);
  const std::string code = Code(seed);
  ASSERT_THAT(iam().GetSessionToken(PrincipalOf("alice"), std::nullopt, serial, code), IsOk());

  auto reused = iam().GetSessionToken(PrincipalOf("alice"), std::nullopt, serial, code);
  auto older = iam().GetSessionToken(PrincipalOf("alice"), std::nullopt, serial, Code(seed, -1));

  EXPECT_THAT(reused, HasError(Error::kAccessDenied));
  EXPECT_EQ(reused.status().message(),
            "MultiFactorAuthentication failed with invalid MFA one time pass code.");
  EXPECT_THAT(older, HasError(Error::kAccessDenied));
  clock_.Advance(std::chrono::seconds(30));
  EXPECT_THAT(iam().GetSessionToken(PrincipalOf("alice"), std::nullopt, serial, Code(seed)),
              IsOk());
}

TEST_F(IamTest, EnablingCodesCannotBeReplayedForASession) {
  MakeUser("alice");
  auto d = iam().CreateVirtualMfaDevice("phone", "/", {});
  const std::string c1 = Code(d->base32_seed, -1), c2 = Code(d->base32_seed, 0);
  ASSERT_THAT(iam().EnableMfaDevice("alice", d->serial_number, c1, c2), IsOk());

  auto replay = iam().GetSessionToken(PrincipalOf("alice"), std::nullopt, d->serial_number, c2);

  EXPECT_THAT(replay, HasError(Error::kAccessDenied));
}

TEST_F(IamTest, CodeReuseIsRefusedAfterReopen) {
  MakeUser("alice");
  std::string serial;
  const std::string seed = EnabledDevice("alice", "phone", &serial);
  const std::string code = Code(seed);
  ASSERT_THAT(iam().GetSessionToken(PrincipalOf("alice"), std::nullopt, serial, code), IsOk());

  Reopen();

  EXPECT_THAT(iam().GetSessionToken(PrincipalOf("alice"), std::nullopt, serial, code),
              HasError(Error::kAccessDenied));
}

TEST_F(IamTest, SessionTokenErrors) {
  MakeUser("alice");
  MakeUser("bob");
  std::string serial;
  const std::string seed = EnabledDevice("alice", "phone", &serial);
  auth::Principal session = PrincipalOf("alice");
  session.temporary = true;

  auto from_session = iam().GetSessionToken(session, std::nullopt, std::nullopt, std::nullopt);
  auto too_short = iam().GetSessionToken(PrincipalOf("alice"), std::chrono::seconds(899),
                                         std::nullopt, std::nullopt);
  auto too_long = iam().GetSessionToken(PrincipalOf("alice"), std::chrono::seconds(129601),
                                        std::nullopt, std::nullopt);
  auto not_mine = iam().GetSessionToken(PrincipalOf("bob"), std::nullopt, serial, Code(seed));
  auto wrong_code = iam().GetSessionToken(PrincipalOf("alice"), std::nullopt, serial, "000000");
  auto no_code = iam().GetSessionToken(PrincipalOf("alice"), std::nullopt, serial, std::nullopt);

  EXPECT_THAT(from_session, HasError(Error::kAccessDenied));
  EXPECT_EQ(from_session.status().message(),
            "Cannot call GetSessionToken with session credentials");
  EXPECT_THAT(too_short, HasError(Error::kValidation));
  EXPECT_THAT(too_long, HasError(Error::kValidation));
  EXPECT_THAT(not_mine, HasError(Error::kAccessDenied));
  EXPECT_EQ(not_mine.status().message(),
            "MultiFactorAuthentication failed with invalid MFA one time pass code.");
  EXPECT_THAT(wrong_code, HasError(Error::kAccessDenied));
  EXPECT_THAT(no_code, HasError(Error::kAccessDenied));
  EXPECT_THAT(iam().GetSessionToken(PrincipalOf("alice"), std::chrono::seconds(129600),
                                    std::nullopt, std::nullopt),
              IsOk());
}

TEST_F(IamTest, SessionsSurviveReopenUntilTheyExpire) {
  MakeUser("alice");
  auto s = iam().GetSessionToken(PrincipalOf("alice"), std::chrono::seconds(3600), std::nullopt,
                                 std::nullopt);
  ASSERT_THAT(s, IsOk());

  Reopen();
  auto kept = credentials().Find(s->access_key_id);
  clock_.Advance(std::chrono::seconds(3601));
  Reopen();
  auto dropped = credentials().Find(s->access_key_id);

  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->session_token, s->session_token);
  EXPECT_EQ(kept->secret_access_key, s->secret_access_key);
  EXPECT_TRUE(kept->principal.temporary);
  EXPECT_EQ(kept->principal.account_id, kAccount);
  EXPECT_FALSE(dropped.has_value());
  auto doc = db_->GetDocument("iam-session", s->access_key_id);
  ASSERT_THAT(doc, IsOk());
  EXPECT_FALSE(doc->has_value());
}

TEST_F(IamTest, ExpiredSessionsArePurgedOnTheNextIssue) {
  MakeUser("alice");
  auto old = iam().GetSessionToken(PrincipalOf("alice"), std::chrono::seconds(900), std::nullopt,
                                   std::nullopt);
  clock_.Advance(std::chrono::seconds(901));

  ASSERT_THAT(iam().GetSessionToken(PrincipalOf("alice"), std::nullopt, std::nullopt, std::nullopt),
              IsOk());

  EXPECT_FALSE(credentials().Find(old->access_key_id).has_value());
}

TEST_F(IamTest, DeletingAUserEndsItsSessions) {
  MakeUser("alice");
  auto s = iam().GetSessionToken(PrincipalOf("alice"), std::nullopt, std::nullopt, std::nullopt);
  ASSERT_THAT(s, IsOk());

  ASSERT_THAT(iam().DeleteUser("alice"), IsOk());

  EXPECT_FALSE(credentials().Find(s->access_key_id).has_value());
}

TEST_F(IamTest, RootSessionsAreCappedAtOneHour) {
  auth::Principal root;
  root.type = auth::PrincipalType::kRoot;
  root.account_id = std::string(kAccount);
  root.principal_id = std::string(kAccount);
  root.arn = "arn:aws:iam::123456789012:root";

  auto s = iam().GetSessionToken(root, std::chrono::seconds(7200), std::nullopt, std::nullopt);

  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->expiration, clock_.Now() + std::chrono::hours(1));
}

TEST_F(IamTest, S3MfaCodeNamesTheDevicesUserAndIsUsableOnce) {
  MakeUser("alice");
  std::string serial;
  const std::string seed = EnabledDevice("alice", "phone", &serial);
  auto unassigned = iam().CreateVirtualMfaDevice("spare", "/", {});
  ASSERT_THAT(unassigned, IsOk());
  const std::string code = Code(seed);

  auto user = iam().CheckMfaCode(serial, code);
  auto reused = iam().CheckMfaCode(serial, code);
  auto wrong = iam().CheckMfaCode(serial, "000000");
  auto spare = iam().CheckMfaCode(unassigned->serial_number, Code(unassigned->base32_seed));
  auto unknown = iam().CheckMfaCode("arn:aws:iam::123456789012:mfa/none", code);

  ASSERT_THAT(user, IsOk());
  EXPECT_EQ(*user, "arn:aws:iam::123456789012:user/alice");
  EXPECT_THAT(reused, HasError(Error::kAccessDenied));
  EXPECT_THAT(wrong, HasError(Error::kAccessDenied));
  EXPECT_THAT(spare, HasError(Error::kAccessDenied));
  EXPECT_THAT(unknown, HasError(Error::kAccessDenied));
}

}  // namespace
}  // namespace ot::iam
