#pragma once

// Digest files (digest.md §1–§3): where they go, their JSON, the string that is signed, and the
// signed, gzipped object with its S3 metadata.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/env.h"
#include "common/status.h"

namespace ot::trail {

// [prefix/]AWSLogs/[o-org/]<account>/CloudTrail-Digest/<region>/YYYY/MM/DD/
//   <account>_CloudTrail-Digest_<region>_<trail>_<home region>_<YYYYMMDDTHHMMSSZ>.json.gz
// Date folders and the timestamp (with seconds) are the digest's end time, UTC; `region` is the
// region whose log files it covers. The prefix is trimmed of '/' as for log files.
struct DigestFileName {
  std::string prefix;
  std::string organization_id;  // "o-…" for organization trails, else empty
  std::string account_id;
  std::string region;
  std::string trail_name;
  std::string home_region;
  SysMillis end_time{};
};
std::string DigestKey(const DigestFileName& name);

// One log file a digest names.
struct DigestLogFile {
  std::string bucket;
  std::string key;
  std::string sha256_hex;                            // of the inflated log file
  std::string oldest_event_time, newest_event_time;  // "YYYY-MM-DDTHH:MM:SSZ"
};

// The digest that came before in the chain.
struct PreviousDigest {
  std::string bucket;
  std::string key;
  std::string sha256_hex;     // of its inflated bytes
  std::string signature_hex;  // its signature, as in its metadata
};

struct DigestContent {
  std::string account_id;
  SysMillis start_time{}, end_time{};      // written as whole seconds
  std::string bucket, key;                 // where this digest is stored
  std::string fingerprint;                 // of the signing key (crypto::PublicKeyFingerprint)
  std::optional<PreviousDigest> previous;  // none: the first digest of a chain
  std::vector<DigestLogFile> log_files;    // in delivery order; may be empty
};

// The inflated digest: one compact JSON object with every field of digest.md §2 in its order,
// null where there is no value (previous* in a chain's first digest, event times of an empty
// digest).
std::string DigestJson(const DigestContent& content);

// digest.md §3: "<end>\n<bucket>/<key>\n<sha256 hex of the inflated digest>\n<previous sig|null>".
std::string DigestStringToSign(std::string_view end_time, std::string_view bucket,
                               std::string_view key, std::string_view digest_sha256_hex,
                               std::optional<std::string_view> previous_signature_hex);

inline constexpr std::string_view kDigestSignatureAlgorithm = "SHA256withRSA";

// A digest ready to store.
struct SignedDigest {
  std::string json;           // inflated bytes
  std::string sha256_hex;     // of `json`: the next digest's previousDigestHashValue
  std::string signature_hex;  // lowercase hex, 512 chars for RSA-2048
  std::string body;           // one gzip member of `json`
  // S3 user metadata (without "x-amz-meta-"): signature, signature-algorithm.
  std::map<std::string, std::string> metadata;
};

// Builds, signs (SHA256withRSA with the DER PKCS#8 `private_key`) and compresses a digest.
// kValidation when the key does not parse.
Result<SignedDigest> SignDigest(const DigestContent& content, std::string_view private_key);

}  // namespace ot::trail
