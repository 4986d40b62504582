#include "trail/digest.h"

#include "common/encoding.h"
#include "common/gzip.h"
#include "common/json_writer.h"
#include "common/time.h"
#include "crypto/hash.h"
#include "crypto/rsa.h"

namespace ot::trail {
namespace {

void StringOrNull(JsonWriter& w, std::string_view key, const std::string* value) {
  w.Key(key);
  if (value == nullptr) {
    w.Null();
  } else {
    w.String(*value);
  }
}

}  // namespace

std::string DigestKey(const DigestFileName& n) {
  std::string_view prefix = n.prefix;
  while (!prefix.empty() && prefix.front() == '/') prefix.remove_prefix(1);
  while (!prefix.empty() && prefix.back() == '/') prefix.remove_suffix(1);
  const std::string stamp = FormatAmzDate(n.end_time);  // YYYYMMDDTHHMMSSZ: the validator
                                                        // compares these 16 chars as the date
  std::string key;
  if (!prefix.empty()) key += std::string(prefix) + "/";
  key += "AWSLogs/";
  if (!n.organization_id.empty()) key += n.organization_id + "/";
  key += n.account_id + "/CloudTrail-Digest/" + n.region + "/" + stamp.substr(0, 4) + "/" +
         stamp.substr(4, 2) + "/" + stamp.substr(6, 2) + "/";
  key += n.account_id + "_CloudTrail-Digest_" + n.region + "_" + n.trail_name + "_" +
         n.home_region + "_" + stamp + ".json.gz";
  return key;
}

std::string DigestJson(const DigestContent& c) {
  // Event times over all files: ISO-8601 strings of one width compare as times.
  const std::string* newest = nullptr;
  const std::string* oldest = nullptr;
  for (const DigestLogFile& f : c.log_files) {
    if (newest == nullptr || f.newest_event_time > *newest) newest = &f.newest_event_time;
    if (oldest == nullptr || f.oldest_event_time < *oldest) oldest = &f.oldest_event_time;
  }
  static const std::string kSha256 = "SHA-256";
  const PreviousDigest* p = c.previous ? &*c.previous : nullptr;
  JsonWriter w;
  w.BeginObject();
  w.Key("awsAccountId").String(c.account_id);
  w.Key("digestStartTime").String(FormatIso8601(c.start_time));
  w.Key("digestEndTime").String(FormatIso8601(c.end_time));
  w.Key("digestS3Bucket").String(c.bucket);
  w.Key("digestS3Object").String(c.key);
  w.Key("digestPublicKeyFingerprint").String(c.fingerprint);
  w.Key("digestSignatureAlgorithm").String(kDigestSignatureAlgorithm);
  StringOrNull(w, "newestEventTime", newest);
  StringOrNull(w, "oldestEventTime", oldest);
  StringOrNull(w, "previousDigestS3Bucket", p ? &p->bucket : nullptr);
  StringOrNull(w, "previousDigestS3Object", p ? &p->key : nullptr);
  StringOrNull(w, "previousDigestHashValue", p ? &p->sha256_hex : nullptr);
  StringOrNull(w, "previousDigestHashAlgorithm", p ? &kSha256 : nullptr);
  StringOrNull(w, "previousDigestSignature", p ? &p->signature_hex : nullptr);
  w.Key("logFiles").BeginArray();
  for (const DigestLogFile& f : c.log_files) {
    w.BeginObject();
    w.Key("s3Bucket").String(f.bucket);
    w.Key("s3Object").String(f.key);
    w.Key("hashValue").String(f.sha256_hex);
    w.Key("hashAlgorithm").String(kSha256);
    w.Key("newestEventTime").String(f.newest_event_time);
    w.Key("oldestEventTime").String(f.oldest_event_time);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Take();
}

std::string DigestStringToSign(std::string_view end_time, std::string_view bucket,
                               std::string_view key, std::string_view digest_sha256_hex,
                               std::optional<std::string_view> previous_signature_hex) {
  std::string out;
  out.append(end_time).append("\n");
  out.append(bucket).append("/").append(key).append("\n");
  out.append(digest_sha256_hex).append("\n");
  out.append(previous_signature_hex ? *previous_signature_hex : "null");
  return out;
}

Result<SignedDigest> SignDigest(const DigestContent& content, std::string_view private_key) {
  SignedDigest d;
  d.json = DigestJson(content);
  d.sha256_hex = crypto::Sha256Hex(d.json);
  std::optional<std::string_view> previous;
  if (content.previous) previous = content.previous->signature_hex;
  const std::string to_sign = DigestStringToSign(FormatIso8601(content.end_time), content.bucket,
                                                 content.key, d.sha256_hex, previous);
  OT_ASSIGN_OR_RETURN(std::string signature, crypto::RsaSignSha256(private_key, to_sign));
  d.signature_hex = HexEncode(signature);
  d.body = GzipCompress(d.json, 6);
  d.metadata["signature"] = d.signature_hex;
  d.metadata["signature-algorithm"] = std::string(kDigestSignatureAlgorithm);
  return d;
}

}  // namespace ot::trail
