#pragma once

// An IamRegistry over a real metadata database in a temporary directory, with a FakeClock and
// deterministic randomness; Reopen() simulates a restart.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "common/encoding.h"
#include "crypto/totp.h"
#include "iam/iam.h"
#include "support/matchers.h"
#include "support/temp_dir.h"
#include "support/test_env.h"

namespace ot::iam {

using ot::testing::HasError;
using ot::testing::IsOk;

inline constexpr std::string_view kAccount = "123456789012";
inline constexpr std::string_view kAdminKeyId = "AKIAADMINEXAMPLE0001";
inline constexpr std::string_view kAdminSecret = "adminSecretKeyForTests/ABCDEFGHIJKLMNOPQR";

class IamTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  IamOptions Options() const {
    IamOptions o;
    o.account_id = std::string(kAccount);
    o.master_key = std::string(32, 'M');
    o.admin_user_name = "admin";
    o.admin_access_key_id = std::string(kAdminKeyId);
    o.admin_secret_access_key = std::string(kAdminSecret);
    return o;
  }

  void Reopen() {
    registry_.reset();
    db_.reset();
    credentials_ = std::make_unique<auth::CredentialStore>();
    auto db = store::MetadataDb::Open(DbPath());
    ASSERT_THAT(db, IsOk());
    db_ = std::move(*db);
    auto registry = IamRegistry::Open(*db_, *credentials_, env_, Options());
    ASSERT_THAT(registry, IsOk());
    registry_ = std::move(*registry);
  }

  std::string DbPath() const { return dir_.path() + "/metadata.db"; }
  IamRegistry& iam() { return *registry_; }
  auth::CredentialStore& credentials() { return *credentials_; }

  // The code an authenticator shows for `base32_seed`, `steps` time steps from now.
  std::string Code(std::string_view base32_seed, int steps = 0) {
    auto seed = Base32Decode(base32_seed);
    EXPECT_TRUE(seed.has_value());
    return crypto::Totp(seed.value_or(""), clock_.Now() + std::chrono::seconds(30 * steps));
  }

  User MakeUser(std::string_view name, std::string_view path = "/") {
    auto u = iam().CreateUser(name, path, {}, std::nullopt);
    EXPECT_THAT(u, IsOk());
    return u.ok() ? *u : User{};
  }

  // A device enabled for `user`; returns its base32 seed. Moves the clock past the enabling
  // codes' steps so the next code is fresh.
  std::string EnabledDevice(std::string_view user, std::string_view device,
                            std::string* serial = nullptr) {
    auto d = iam().CreateVirtualMfaDevice(device, "/", {});
    EXPECT_THAT(d, IsOk());
    if (!d.ok()) return "";
    EXPECT_THAT(iam().EnableMfaDevice(user, d->serial_number, Code(d->base32_seed, -1),
                                      Code(d->base32_seed, 0)),
                IsOk());
    clock_.Advance(std::chrono::seconds(30));
    if (serial != nullptr) *serial = d->serial_number;
    return d->base32_seed;
  }

  auth::Principal PrincipalOf(std::string_view user_name) {
    auto u = iam().GetUser(user_name);
    EXPECT_THAT(u, IsOk());
    auth::Principal p;
    p.type = auth::PrincipalType::kIAMUser;
    p.account_id = std::string(kAccount);
    if (u.ok()) {
      p.principal_id = u->id;
      p.arn = u->arn;
      p.user_name = u->name;
    }
    p.access_key_id = "AKIATESTTESTTEST0000";
    return p;
  }

  ot::testing::TempDir dir_;
  ot::testing::FakeClock clock_;
  ot::testing::SeededRandom random_{42};
  Env env_{clock_, RealFileSystem(), random_};
  std::unique_ptr<auth::CredentialStore> credentials_;
  std::unique_ptr<store::MetadataDb> db_;
  std::unique_ptr<IamRegistry> registry_;
};

}  // namespace ot::iam
