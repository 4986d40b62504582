// S3 object operations on local buckets (protocols.md §5.5): ListObjects (v1 and v2),
// GetBucketLocation, GetObject, HeadObject, DeleteObject and DeleteObjects (PutObject:
// s3_upload.cc).
#include <algorithm>
#include <charconv>
#include <optional>

#include "api/handlers/s3_operations.h"
#include "api/protocol/reply.h"
#include "api/protocol/s3_xml.h"
#include "buckets/bucket_registry.h"
#include "common/encoding.h"
#include "common/gzip.h"
#include "common/time.h"
#include "crypto/hash.h"

namespace ot::api::handlers {
namespace {

S3Outcome WithRecordFacts(const S3Request& request) {
  S3Outcome out;
  out.outcome.request_parameters = S3RequestParameters(request);
  out.outcome.resources = S3Resources(request);
  return out;
}

Status InvalidArgument(std::string message) {
  return Status(Error::kInvalidArgument, std::move(message));
}

// A delete marker answers GET/HEAD with an error carrying its headers: 405 when addressed by
// version id, else 404 NoSuchKey (S3's behaviour for a key whose newest version is a marker).
Status DeleteMarkerError(const S3Request& request, const buckets::ObjectInfo& marker,
                         bool addressed) {
  request.error_headers.emplace_back("x-amz-delete-marker", "true");
  request.error_headers.emplace_back("x-amz-version-id", marker.version_id);
  if (addressed) {
    request.error_headers.emplace_back("Last-Modified", FormatHttpDate(marker.last_modified));
    return Status(Error::kMethodNotAllowed,
                  "The specified method is not allowed against this resource.");
  }
  return Status(Error::kNoSuchKey, "The specified key does not exist.");
}

// The object GET/HEAD serves: the current one, or the version `versionId` names.
Result<buckets::ObjectInfo> ObjectFacts(const Services& services, const S3Request& request) {
  auto version = request.Param("versionId");
  if (version) {
    OT_ASSIGN_OR_RETURN(buckets::ObjectInfo info,
                        services.buckets->HeadObjectVersion(request.bucket, request.key, *version));
    if (info.delete_marker) return DeleteMarkerError(request, info, true);
    return info;
  }
  auto info = services.buckets->HeadObject(request.bucket, request.key);
  if (!info.ok() && info.status().code() == Error::kNoSuchKey) {
    // The key may end in a delete marker (versioned buckets only have them).
    auto latest = services.buckets->LatestVersion(request.bucket, request.key);
    if (latest.ok() && latest->delete_marker) return DeleteMarkerError(request, *latest, false);
  }
  return info;
}

// ---- listing ---------------------------------------------------------------------------------

struct ListParams {
  std::string prefix;
  std::string delimiter;
  int max_keys = 1000;
  bool url = false;  // encoding-type=url
};

Result<ListParams> ReadListParams(const S3Request& request) {
  ListParams p;
  p.prefix = request.Param("prefix").value_or("");
  p.delimiter = request.Param("delimiter").value_or("");
  if (auto enc = request.Param("encoding-type")) {
    if (*enc != "url") return InvalidArgument("Invalid Encoding Method specified in Request");
    p.url = true;
  }
  if (auto mk = request.Param("max-keys")) {
    int v = -1;
    auto [end, ec] = std::from_chars(mk->data(), mk->data() + mk->size(), v);
    if (ec != std::errc() || end != mk->data() + mk->size() || v < 0) {
      return InvalidArgument("Provided max-keys not an integer or within integer range");
    }
    p.max_keys = std::min(v, 1000);
  }
  return p;
}

// A listed name as the response carries it: percent-encoded (keeping '/') with encoding-type=url,
// so that botocore's unquote_plus restores it exactly ('+' → %2B, ' ' → %20), else XML-escaped.
std::string Name(const ListParams& p, std::string_view text) {
  return XmlEscape(p.url ? UriEncode(text, true) : std::string(text));
}

void AppendContents(std::string* b, const ListParams& p, const buckets::ObjectListing& page,
                    const std::string* owner) {
  for (const buckets::ObjectInfo& o : page.objects) {
    *b += "<Contents><Key>" + Name(p, o.key) + "</Key><LastModified>";
    *b += FormatIso8601Millis(o.last_modified) + "</LastModified><ETag>" + XmlEscape(o.etag);
    *b += "</ETag><Size>" + std::to_string(o.size) + "</Size>";
    if (owner != nullptr) *b += *owner;
    *b += "<StorageClass>" + XmlEscape(o.storage_class) + "</StorageClass></Contents>";
  }
  for (const std::string& cp : page.common_prefixes) {
    *b += "<CommonPrefixes><Prefix>" + Name(p, cp) + "</Prefix></CommonPrefixes>";
  }
}

// ---- GetObject / HeadObject ------------------------------------------------------------------

// The ETags an If-Match / If-None-Match header lists ("*" included), without quotes or W/.
std::vector<std::string> EtagList(std::string_view header) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= header.size()) {
    size_t comma = header.find(',', start);
    std::string_view item =
        header.substr(start, comma == std::string_view::npos ? header.npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"') {
      item = item.substr(1, item.size() - 2);
    }
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

bool EtagMatches(std::string_view header, std::string_view quoted_etag) {
  std::string_view bare = quoted_etag.substr(1, quoted_etag.size() - 2);
  for (const std::string& e : EtagList(header)) {
    if (e == "*" || e == bare) return true;
  }
  return false;
}

int64_t Seconds(SysMillis t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

// 0: go on; 304: not modified; else an error (412). RFC 7232 as S3 applies it (§5.5).
Result<int> CheckConditions(const S3Request& request, const buckets::ObjectInfo& info) {
  std::string_view if_match = request.Header("If-Match");
  std::string_view if_none_match = request.Header("If-None-Match");
  std::string_view if_unmodified = request.Header("If-Unmodified-Since");
  std::string_view if_modified = request.Header("If-Modified-Since");
  Status failed(Error::kPreconditionFailed,
                "At least one of the pre-conditions you specified did not hold");
  int64_t modified = Seconds(info.last_modified);
  if (!if_match.empty()) {
    if (!EtagMatches(if_match, info.etag)) return failed;
  } else if (!if_unmodified.empty()) {
    auto since = ParseHttpDate(if_unmodified);
    if (since.ok() && modified > Seconds(*since)) return failed;
  }
  if (!if_none_match.empty()) {
    if (EtagMatches(if_none_match, info.etag)) return 304;
  } else if (!if_modified.empty()) {
    auto since = ParseHttpDate(if_modified);
    if (since.ok() && modified <= Seconds(*since)) return 304;
  }
  return 0;
}

struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive
};

// A single "bytes=a-b" / "bytes=a-" / "bytes=-n" range; nullopt → the whole object (absent or
// not a form S3 honours, which it ignores). kInvalidRange when unsatisfiable.
Result<std::optional<ByteRange>> ParseRange(std::string_view header, uint64_t size) {
  if (!header.starts_with("bytes=")) return std::optional<ByteRange>();
  std::string_view spec = header.substr(6);
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) {
    return std::optional<ByteRange>();
  }
  auto number = [](std::string_view s, uint64_t* out) {
    if (s.empty()) return false;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && end == s.data() + s.size();
  };
  std::string_view a = spec.substr(0, dash);
  std::string_view b = spec.substr(dash + 1);
  Status unsatisfiable(Error::kInvalidRange, "The requested range is not satisfiable");
  ByteRange r;
  if (a.empty()) {
    uint64_t n = 0;
    if (!number(b, &n)) return std::optional<ByteRange>();
    if (n == 0 || size == 0) return unsatisfiable;
    r.first = size - std::min(n, size);
    r.last = size - 1;
    return std::optional<ByteRange>(r);
  }
  if (!number(a, &r.first)) return std::optional<ByteRange>();
  if (b.empty()) {
    r.last = size == 0 ? 0 : size - 1;
  } else if (!number(b, &r.last) || r.last < r.first) {
    return std::optional<ByteRange>();
  }
  if (r.first >= size) return unsatisfiable;
  r.last = std::min(r.last, size - 1);
  return std::optional<ByteRange>(r);
}

// `whole`: the reply carries the whole object, so the stored checksum (sent only when the client
// asked with x-amz-checksum-mode: ENABLED) describes it; never on a 206 (§5.5).
void AddObjectHeaders(S3Outcome* out, const buckets::ObjectInfo& info, const S3Request& request,
                      bool whole) {
  out->headers.emplace_back("ETag", info.etag);
  out->headers.emplace_back("Last-Modified", FormatHttpDate(info.last_modified));
  out->headers.emplace_back("Accept-Ranges", "bytes");
  if (!info.content_encoding.empty()) {
    out->headers.emplace_back("Content-Encoding", info.content_encoding);
  }
  for (const auto& [k, v] : info.metadata) out->headers.emplace_back("x-amz-meta-" + k, v);
  if (!info.sse_algorithm.empty()) {
    out->headers.emplace_back("x-amz-server-side-encryption", info.sse_algorithm);
    if (!info.sse_kms_key_arn.empty()) {
      out->headers.emplace_back("x-amz-server-side-encryption-aws-kms-key-id",
                                info.sse_kms_key_arn);
    }
  }
  // Lifecycle: the storage class (S3 omits STANDARD), a restore's state, the tag count.
  if (info.storage_class != buckets::kStandard) {
    out->headers.emplace_back("x-amz-storage-class", info.storage_class);
  }
  if (!info.restore.empty()) out->headers.emplace_back("x-amz-restore", info.restore);
  if (!info.tags.empty() && request.method == "GET") {
    out->headers.emplace_back("x-amz-tagging-count", std::to_string(info.tags.size()));
  }
  std::string_view mode = request.Header("x-amz-checksum-mode");
  if (whole && mode.size() == 7 && (mode == "ENABLED" || mode == "enabled")) {
    for (const auto& [alg, value] : info.checksums) {
      out->headers.emplace_back("x-amz-checksum-" + alg, value);
    }
  }
}

// GetObject and HeadObject: the same headers and conditions; only GET reads the bytes.
// The object (or its range) is read into the reply body: the HTTP layer sends string bodies.
// SSE-KMS: reading the bytes also needs kms:Decrypt on the object's key (HEAD does not).
Status CheckDecrypt(const S3Request& request, const buckets::ObjectInfo& facts) {
  if (facts.sse_algorithm != buckets::kSseKms) return Status::Ok();
  Status allowed = request.authorize ? request.authorize("kms:Decrypt", facts.sse_kms_key_arn)
                                     : Status(Error::kAccessDenied, "kms:Decrypt is not allowed");
  if (allowed.ok()) return allowed;
  return Status(Error::kAccessDenied,
                "The ciphertext refers to a customer master key that "
                "does not exist, does not exist in this region, or you "
                "are not allowed to access (kms:Decrypt on " +
                    facts.sse_kms_key_arn + ").");
}

Result<S3Outcome> ServeObject(const Services& services, const S3Request& request, bool head) {
  buckets::ObjectReader reader;
  // A GET of the current object opens it straight away: OpenObject reads the object's facts
  // (a stat and the sidecar) itself, so asking HeadObject first read them twice — about a
  // sixth of the server's CPU per GetObject (validate-logs over 2,000 files) went to the
  // second round of path walks. Anything but a plain success (no such key, a delete marker, a
  // KMS failure) takes the general path below, so errors and their order are what they were.
  if (!head && !request.Param("versionId")) {
    auto opened = services.buckets->OpenObject(request.bucket, request.key);
    if (opened.ok()) {
      OT_RETURN_IF_ERROR(CheckDecrypt(request, opened->info));
      reader = std::move(*opened);
    }
  }
  if (reader.file == nullptr) {
    OT_ASSIGN_OR_RETURN(buckets::ObjectInfo facts, ObjectFacts(services, request));
    if (!head) OT_RETURN_IF_ERROR(CheckDecrypt(request, facts));
    if (head) {
      reader.info = std::move(facts);
    } else if (auto version = request.Param("versionId")) {
      OT_ASSIGN_OR_RETURN(
          reader, services.buckets->OpenObjectVersion(request.bucket, request.key, *version));
    } else {
      OT_ASSIGN_OR_RETURN(reader, services.buckets->OpenObject(request.bucket, request.key));
    }
  }
  const buckets::ObjectInfo& info = reader.info;
  S3Outcome out = WithRecordFacts(request);
  out.raw = true;
  OT_ASSIGN_OR_RETURN(int condition, CheckConditions(request, info));
  if (condition == 304) {
    out.status = 304;
    out.headers.emplace_back("ETag", info.etag);
    out.headers.emplace_back("Last-Modified", FormatHttpDate(info.last_modified));
    return out;
  }
  OT_ASSIGN_OR_RETURN(std::optional<ByteRange> range,
                      ParseRange(request.Header("Range"), info.size));
  uint64_t first = range ? range->first : 0;
  uint64_t length = range ? range->last - range->first + 1 : info.size;
  out.content_type = info.content_type;
  AddObjectHeaders(&out, info, request, !range);
  AddVersionHeaders(&out, info);
  if (range) {
    out.status = 206;
    out.headers.emplace_back("Content-Range", "bytes " + std::to_string(range->first) + "-" +
                                                  std::to_string(range->last) + "/" +
                                                  std::to_string(info.size));
  }
  if (head) {
    out.headers.emplace_back("Content-Length", std::to_string(length));
    return out;
  }
  std::string& body = out.outcome.body;
  // Up to 4 MiB (every log and digest file) is read straight into the reply body: one pread,
  // no copy through a chunk buffer.
  constexpr uint64_t kOneRead = 4 << 20;
  if (length <= kOneRead) {
    OT_RETURN_IF_ERROR(reader.file->Read(first, static_cast<size_t>(length), &body));
    if (body.size() < length) {
      return Status(Error::kIoError, "object '" + request.key + "' shrank while being read");
    }
    return out;
  }
  body.reserve(length);
  std::string chunk;
  while (body.size() < length) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(length - body.size(), 4 << 20));
    OT_RETURN_IF_ERROR(reader.file->Read(first + body.size(), want, &chunk));
    if (chunk.empty()) {
      return Status(Error::kIoError, "object '" + request.key + "' shrank while being read");
    }
    body += chunk;
  }
  return out;
}

// ---- DeleteObject(s) -------------------------------------------------------------------------

// x-amz-mfa and x-amz-bypass-governance-retention (the bypass needs s3:BypassGovernanceRetention
// on the bucket's objects).
Result<buckets::DeleteOptions> DeleteOptionsOf(const Services& services, const S3Request& request) {
  buckets::DeleteOptions options;
  OT_ASSIGN_OR_RETURN(options.mfa, CheckMfaHeader(services, request, nullptr));
  std::string_view bypass = request.Header("x-amz-bypass-governance-retention");
  if (bypass == "true" || bypass == "True" || bypass == "TRUE") {
    std::string arn = "arn:aws:s3:::" + request.bucket + "/" +
                      (request.key.empty() ? std::string("*") : request.key);
    OT_RETURN_IF_ERROR(request.authorize ? request.authorize("s3:BypassGovernanceRetention", arn)
                                         : Status(Error::kAccessDenied, "Access Denied"));
    options.bypass_governance = true;
  }
  return options;
}

// Decodes the five XML entities and numeric character references.
std::optional<std::string> XmlUnescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos) return std::nullopt;
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    if (ent == "amp") {
      out += '&';
    } else if (ent == "lt") {
      out += '<';
    } else if (ent == "gt") {
      out += '>';
    } else if (ent == "quot") {
      out += '"';
    } else if (ent == "apos") {
      out += '\'';
    } else if (ent.starts_with("#")) {
      uint32_t cp = 0;
      bool hex = ent.size() > 1 && (ent[1] == 'x' || ent[1] == 'X');
      std::string_view digits = ent.substr(hex ? 2 : 1);
      auto [end, ec] =
          std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() ||
          cp > 0x10FFFF) {
        return std::nullopt;
      }
      AppendUtf8(static_cast<uint32_t>(cp), &out);
    } else {
      return std::nullopt;
    }
    i = semi;
  }
  return out;
}

// The text of the first <name>…</name> in `xml` (nullopt when absent; <name/> is empty).
std::optional<std::string_view> Child(std::string_view xml, std::string_view name) {
  std::string open = "<" + std::string(name) + ">";
  std::string empty = "<" + std::string(name) + "/>";
  std::string empty_sp = "<" + std::string(name) + " />";
  size_t start = xml.find(open);
  if (start == std::string_view::npos) {
    if (xml.find(empty) != std::string_view::npos || xml.find(empty_sp) != std::string_view::npos)
      return std::string_view();
    return std::nullopt;
  }
  start += open.size();
  size_t end = xml.find("</" + std::string(name) + ">", start);
  if (end == std::string_view::npos) return std::nullopt;
  return xml.substr(start, end - start);
}

struct DeleteItem {
  std::string key;
  std::optional<std::string> version_id;
};

struct DeleteRequest {
  std::vector<DeleteItem> items;
  bool quiet = false;
};

Result<DeleteRequest> ParseDelete(std::string_view body) {
  Status malformed(Error::kMalformedXml,
                   "The XML you provided was not well-formed or did not validate against our "
                   "published schema");
  size_t root = body.find("<Delete");
  if (root == std::string_view::npos || body.find("</Delete>") == std::string_view::npos) {
    return malformed;
  }
  std::string_view xml = body.substr(root);
  DeleteRequest out;
  size_t pos = 0;
  while (true) {
    size_t open = xml.find("<Object>", pos);
    if (open == std::string_view::npos) break;
    size_t close = xml.find("</Object>", open);
    if (close == std::string_view::npos) return malformed;
    std::string_view obj = xml.substr(open + 8, close - open - 8);
    auto key = Child(obj, "Key");
    if (!key || key->empty()) return malformed;
    auto decoded = XmlUnescape(*key);
    if (!decoded) return malformed;
    DeleteItem item{std::move(*decoded), std::nullopt};
    if (auto v = Child(obj, "VersionId")) {
      auto dv = XmlUnescape(*v);
      if (!dv) return malformed;
      item.version_id = std::move(*dv);
    }
    out.items.push_back(std::move(item));
    if (out.items.size() > 1000) return malformed;
    pos = close + 9;
  }
  if (out.items.empty()) return malformed;
  // <Quiet> sits outside the <Object> elements.
  std::string outside = std::string(xml.substr(0, xml.find("<Object>")));
  size_t last = xml.rfind("</Object>");
  if (last != std::string_view::npos) outside += xml.substr(last);
  if (auto q = Child(outside, "Quiet")) out.quiet = *q == "true";
  return out;
}

// DeleteObjects must carry Content-MD5 or an x-amz-checksum-* header, and it must match the
// body (protocols.md §5.4).
Status CheckBodyChecksum(const S3Request& request) {
  std::string_view md5 = request.Header("Content-MD5");
  std::string_view crc32 = request.Header("x-amz-checksum-crc32");
  std::string_view sha256 = request.Header("x-amz-checksum-sha256");
  bool other = !request.Header("x-amz-checksum-crc32c").empty() ||
               !request.Header("x-amz-checksum-crc64nvme").empty() ||
               !request.Header("x-amz-checksum-sha1").empty();
  if (md5.empty() && crc32.empty() && sha256.empty() && !other) {
    return Status(Error::kValidation, "Missing required header for this request: Content-MD5");
  }
  if (!md5.empty()) {
    auto raw = Base64Decode(md5);
    if (!raw || raw->size() != 16) {
      return Status(Error::kInvalidDigest, "The Content-MD5 you specified was invalid.");
    }
    crypto::Md5Hasher h;
    h.Update(request.body);
    if (h.Finish() != *raw) {
      return Status(Error::kBadDigest,
                    "The Content-MD5 you specified did not match what we received.");
    }
  }
  if (!crc32.empty()) {
    uint32_t c = Crc32(request.body);
    char be[4] = {static_cast<char>(c >> 24), static_cast<char>(c >> 16), static_cast<char>(c >> 8),
                  static_cast<char>(c)};
    if (Base64Encode(std::string_view(be, 4)) != crc32) {
      return Status(Error::kBadDigest,
                    "The CRC32 you specified did not match the calculated checksum.");
    }
  }
  if (!sha256.empty() && Base64Encode(crypto::Sha256(request.body)) != sha256) {
    return Status(Error::kBadDigest,
                  "The SHA256 you specified did not match the calculated checksum.");
  }
  return Status::Ok();
}

}  // namespace

Result<S3Outcome> ListObjects(const Services& services, const CallContext&,
                              const S3Request& request) {
  OT_ASSIGN_OR_RETURN(ListParams p, ReadListParams(request));
  buckets::ListObjectsOptions options;
  options.prefix = p.prefix;
  options.delimiter = p.delimiter;
  options.after = request.Param("marker").value_or("");
  options.max_keys = p.max_keys;
  OT_ASSIGN_OR_RETURN(buckets::ObjectListing page,
                      services.buckets->ListObjects(request.bucket, options));
  std::string owner = "<Owner><ID>" + S3CanonicalUserId(services.account_id) +
                      "</ID><DisplayName>" + XmlEscape(services.account_id) +
                      "</DisplayName></Owner>";
  S3Outcome out = WithRecordFacts(request);
  std::string& b = out.outcome.body;
  b = "<ListBucketResult xmlns=\"" + std::string(kS3Xmlns) + "\">";
  b += S3XmlElement("Name", XmlEscape(request.bucket)) + S3XmlElement("Prefix", Name(p, p.prefix));
  b += S3XmlElement("Marker", Name(p, options.after));
  // NextMarker only with a delimiter; otherwise clients continue from the last key (§5.5).
  if (page.truncated && !p.delimiter.empty()) b += S3XmlElement("NextMarker", Name(p, page.last));
  b += S3XmlElement("MaxKeys", std::to_string(p.max_keys));
  if (!p.delimiter.empty()) b += S3XmlElement("Delimiter", Name(p, p.delimiter));
  b += S3XmlElement("IsTruncated", page.truncated ? "true" : "false");
  if (p.url) b += S3XmlElement("EncodingType", "url");
  AppendContents(&b, p, page, &owner);
  b += "</ListBucketResult>";
  return out;
}

Result<S3Outcome> ListObjectsV2(const Services& services, const CallContext&,
                                const S3Request& request) {
  OT_ASSIGN_OR_RETURN(ListParams p, ReadListParams(request));
  buckets::ListObjectsOptions options;
  options.prefix = p.prefix;
  options.delimiter = p.delimiter;
  options.max_keys = p.max_keys;
  auto token = request.Param("continuation-token");
  auto start_after = request.Param("start-after");
  if (token) {
    // The token is the base64url of the last name returned: opaque to clients.
    auto decoded = Base64Decode(*token);
    if (token->empty() || !decoded) {
      return InvalidArgument("The continuation token provided is incorrect");
    }
    options.after = std::move(*decoded);
  } else if (start_after) {
    options.after = *start_after;
  }
  OT_ASSIGN_OR_RETURN(buckets::ObjectListing page,
                      services.buckets->ListObjects(request.bucket, options));
  S3Outcome out = WithRecordFacts(request);
  std::string& b = out.outcome.body;
  b = "<ListBucketResult xmlns=\"" + std::string(kS3Xmlns) + "\">";
  b += S3XmlElement("Name", XmlEscape(request.bucket)) + S3XmlElement("Prefix", Name(p, p.prefix));
  if (!p.delimiter.empty()) b += S3XmlElement("Delimiter", Name(p, p.delimiter));
  b += S3XmlElement("MaxKeys", std::to_string(p.max_keys));
  if (p.url) b += S3XmlElement("EncodingType", "url");
  b += S3XmlElement("KeyCount", std::to_string(page.objects.size() + page.common_prefixes.size()));
  b += S3XmlElement("IsTruncated", page.truncated ? "true" : "false");
  if (token) b += S3XmlElement("ContinuationToken", XmlEscape(*token));
  if (page.truncated) b += S3XmlElement("NextContinuationToken", Base64UrlEncode(page.last));
  if (start_after) b += S3XmlElement("StartAfter", Name(p, *start_after));
  AppendContents(&b, p, page, nullptr);  // fetch-owner is ignored
  b += "</ListBucketResult>";
  return out;
}

Result<S3Outcome> GetBucketLocation(const Services& services, const CallContext&,
                                    const S3Request& request) {
  OT_ASSIGN_OR_RETURN(buckets::BucketInfo info, services.buckets->Get(request.bucket));
  S3Outcome out = WithRecordFacts(request);
  std::string open = "<LocationConstraint xmlns=\"" + std::string(kS3Xmlns) + "\"";
  // us-east-1 is the empty constraint, which botocore reads as None (§5.5).
  out.outcome.body = info.region == "us-east-1" || info.region.empty()
                         ? open + "/>"
                         : open + ">" + XmlEscape(info.region) + "</LocationConstraint>";
  return out;
}

Result<S3Outcome> GetObject(const Services& services, const CallContext&,
                            const S3Request& request) {
  return ServeObject(services, request, false);
}

Result<S3Outcome> HeadObject(const Services& services, const CallContext&,
                             const S3Request& request) {
  return ServeObject(services, request, true);
}

Result<S3Outcome> DeleteObject(const Services& services, const CallContext&,
                               const S3Request& request) {
  OT_ASSIGN_OR_RETURN(buckets::DeleteOptions options, DeleteOptionsOf(services, request));
  OT_ASSIGN_OR_RETURN(buckets::DeleteOutcome deleted,
                      services.buckets->DeleteVersion(request.bucket, request.key,
                                                      request.Param("versionId"), options));
  S3Outcome out = WithRecordFacts(request);
  out.status = 204;
  if (!deleted.version_id.empty()) out.headers.emplace_back("x-amz-version-id", deleted.version_id);
  if (deleted.delete_marker) out.headers.emplace_back("x-amz-delete-marker", "true");
  return out;
}

Result<S3Outcome> DeleteObjects(const Services& services, const CallContext&,
                                const S3Request& request) {
  OT_RETURN_IF_ERROR(services.buckets->Get(request.bucket).status());
  OT_RETURN_IF_ERROR(CheckBodyChecksum(request));
  OT_ASSIGN_OR_RETURN(DeleteRequest del, ParseDelete(request.body));
  OT_ASSIGN_OR_RETURN(buckets::DeleteOptions options, DeleteOptionsOf(services, request));
  S3Outcome out = WithRecordFacts(request);
  std::string& b = out.outcome.body;
  b = "<DeleteResult xmlns=\"" + std::string(kS3Xmlns) + "\">";
  for (const DeleteItem& item : del.items) {
    std::string version =
        item.version_id ? S3XmlElement("VersionId", XmlEscape(*item.version_id)) : std::string();
    Status s =
        request.authorize
            ? request.authorize(item.version_id ? "s3:DeleteObjectVersion" : "s3:DeleteObject",
                                "arn:aws:s3:::" + request.bucket + "/" + item.key)
            : Status(Error::kAccessDenied, "Access Denied");
    buckets::DeleteOutcome deleted;
    if (s.ok()) {
      auto r = services.buckets->DeleteVersion(request.bucket, item.key, item.version_id, options);
      if (r.ok()) {
        deleted = std::move(*r);
      } else {
        s = r.status();
      }
    }
    if (s.ok()) {
      if (del.quiet) continue;
      b += "<Deleted>" + S3XmlElement("Key", XmlEscape(item.key)) + version;
      if (deleted.delete_marker) {
        b += S3XmlElement("DeleteMarker", "true");
        if (!item.version_id)
          b += S3XmlElement("DeleteMarkerVersionId", XmlEscape(deleted.version_id));
      }
      b += "</Deleted>";
      continue;
    }
    b += "<Error>" + S3XmlElement("Key", XmlEscape(item.key)) + version;
    b += S3XmlElement("Code", XmlEscape(S3ErrorCode(s.code())));
    b += S3XmlElement("Message", XmlEscape(S3PublicMessage(s))) + "</Error>";
  }
  b += "</DeleteResult>";
  return out;
}

}  // namespace ot::api::handlers
