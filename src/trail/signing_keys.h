#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "store/metadata.h"

namespace ot::trail {

struct SigningKeyOptions {
  std::string master_key;  // 32 bytes (DataDirState::master_key): seals the private keys
  std::chrono::milliseconds rotation{std::chrono::hours(24 * 30)};  // serve --digest-key-rotation
};

// A public key as ListPublicKeys returns it (digest.md §5).
struct PublicKeyInfo {
  std::string region;
  std::string der;          // DER PKCS#1 RSAPublicKey
  std::string fingerprint;  // lowercase hex MD5 of `der`
  SysMillis valid_from{}, valid_to{};
};

// What a digest is signed with.
struct SigningKey {
  std::string private_der;  // DER PKCS#8
  std::string fingerprint;
};

// The digest-signing keys: one RSA-2048 key pair per region, valid for `rotation` from its
// creation, then replaced by a new one. Every key stays stored (public part forever) with its
// validity window [valid_from, valid_to]; rotating on demand ends the current key's window now.
//
// Stored as metadata documents, kind "signing-key", id "<region>/<valid_from ms, 16 digits>":
// {"region","publicKey" (base64 DER),"fingerprint","validFrom","validTo" (epoch ms),
//  "sealedPrivateKey" (base64 of crypto::AeadSeal with aad "signing-key:<fingerprint>")}.
// Nothing is cached: another process (`opentrail keys rotate`) may rotate through the same
// database and the next digest uses its key. Thread-safe.
class SigningKeys {
 public:
  SigningKeys(store::MetadataDb& db, Env& env, SigningKeyOptions options);

  // The key to sign with in `region` at `now`: the newest key whose window contains `now`; a new
  // one is made (and stored) when there is none — first need, or the last one expired.
  Result<SigningKey> Active(std::string_view region, SysMillis now);

  // Ends the current key of `region` at `now` and makes a new one valid from `now`.
  Result<PublicKeyInfo> Rotate(std::string_view region, SysMillis now);

  // The keys of `region` whose window intersects [from, to], oldest first.
  Result<std::vector<PublicKeyInfo>> List(std::string_view region, SysMillis from, SysMillis to);

  // Every region that has keys.
  Result<std::vector<std::string>> Regions();

 private:
  struct Stored {
    std::string id;
    PublicKeyInfo info;
    std::string sealed;  // raw sealed private key
  };
  Result<std::vector<Stored>> Load(std::string_view region);
  Status Put(const Stored& key);
  Result<Stored> Create(std::string_view region, SysMillis now);

  store::MetadataDb& db_;
  Env& env_;
  SigningKeyOptions options_;
  std::mutex mu_;
};

}  // namespace ot::trail
