// S3 bucket operations on local buckets: CreateBucket, HeadBucket, ListBuckets, DeleteBucket
// (protocols.md §5), and the S3 dispatch table (object operations: s3_objects.cc).
#include <algorithm>
#include <array>

#include "api/handlers/call_record.h"
#include "api/handlers/s3_operations.h"
#include "api/protocol/reply.h"
#include "api/protocol/s3_xml.h"
#include "buckets/bucket_registry.h"
#include "common/encoding.h"
#include "common/json_writer.h"
#include "common/time.h"
#include "crypto/hash.h"

namespace ot::api::handlers {
namespace {

// Sub-resource markers we know the names of (protocols.md §5.1), per method.
struct Marker {
  std::string_view param;
  std::string_view get, put, del, post;
};
constexpr std::array kBucketMarkers = {
    Marker{"location", "GetBucketLocation", "", "", ""},
    Marker{"policy", "GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy", ""},
    Marker{"lifecycle", "GetBucketLifecycleConfiguration", "PutBucketLifecycleConfiguration",
           "DeleteBucketLifecycle", ""},
    Marker{"versioning", "GetBucketVersioning", "PutBucketVersioning", "", ""},
    Marker{"object-lock", "GetObjectLockConfiguration", "PutObjectLockConfiguration", "", ""},
    Marker{"encryption", "GetBucketEncryption", "PutBucketEncryption", "DeleteBucketEncryption",
           ""},
    Marker{"acl", "GetBucketAcl", "PutBucketAcl", "", ""},
    Marker{"delete", "", "", "", "DeleteObjects"},
    Marker{"versions", "ListObjectVersions", "", "", ""},
    Marker{"list-type", "ListObjectsV2", "", "", ""},
    Marker{"uploads", "ListMultipartUploads", "", "", ""},
    Marker{"tagging", "GetBucketTagging", "PutBucketTagging", "DeleteBucketTagging", ""},
};
constexpr std::array kObjectMarkers = {
    Marker{"retention", "GetObjectRetention", "PutObjectRetention", "", ""},
    Marker{"legal-hold", "GetObjectLegalHold", "PutObjectLegalHold", "", ""},
    Marker{"restore", "", "", "", "RestoreObject"},
    Marker{"uploads", "", "", "", "CreateMultipartUpload"},
    Marker{"uploadId", "ListParts", "UploadPart", "AbortMultipartUpload",
           "CompleteMultipartUpload"},
    Marker{"acl", "GetObjectAcl", "PutObjectAcl", "", ""},
    Marker{"tagging", "GetObjectTagging", "PutObjectTagging", "DeleteObjectTagging", ""},
};

bool HasParam(std::string_view query, std::string_view name) {
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    std::string_view part =
        query.substr(start, amp == std::string_view::npos ? query.npos : amp - start);
    if (part.substr(0, part.find('=')) == name) return true;
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return false;
}

// Any parameter besides x-id (which some SDKs add) selects something we do not serve here.
bool HasOtherParams(std::string_view query) {
  size_t start = 0;
  while (start < query.size()) {
    size_t amp = query.find('&', start);
    std::string_view part =
        query.substr(start, amp == std::string_view::npos ? query.npos : amp - start);
    if (!part.empty() && part.substr(0, part.find('=')) != "x-id") return true;
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return false;
}

std::string_view ForMethod(const Marker& m, std::string_view method) {
  if (method == "GET" || method == "HEAD") return m.get;
  if (method == "PUT") return m.put;
  if (method == "DELETE") return m.del;
  if (method == "POST") return m.post;
  return "";
}

// The operations we serve, by name; they live as long as the program.
const S3Operation* Implemented(std::string_view name) {
  static const std::array kOps = {
      S3Operation{"ListBuckets", "s3:ListAllMyBuckets", true, ListBuckets},
      S3Operation{"CreateBucket", "s3:CreateBucket", false, CreateBucket},
      S3Operation{"HeadBucket", "s3:ListBucket", true, HeadBucket},
      S3Operation{"DeleteBucket", "s3:DeleteBucket", false, DeleteBucket},
      S3Operation{"ListObjects", "s3:ListBucket", true, ListObjects},
      S3Operation{"ListObjectsV2", "s3:ListBucket", true, ListObjectsV2},
      S3Operation{"GetBucketLocation", "s3:GetBucketLocation", true, GetBucketLocation},
      S3Operation{"GetObject", "s3:GetObject", true, GetObject},
      S3Operation{"HeadObject", "s3:GetObject", true, HeadObject},
      // Client uploads need the bucket policy's Allow: log buckets are written by delivery.
      S3Operation{"PutObject", "s3:PutObject", false, PutObject, true},
      S3Operation{"DeleteObject", "s3:DeleteObject", false, DeleteObject},
      // s3:DeleteObject is checked per key by the handler (iam.md §4.2).
      S3Operation{"DeleteObjects", "", false, DeleteObjects},
      S3Operation{"GetBucketPolicy", "s3:GetBucketPolicy", true, GetBucketPolicy},
      S3Operation{"PutBucketPolicy", "s3:PutBucketPolicy", false, PutBucketPolicy},
      S3Operation{"DeleteBucketPolicy", "s3:DeleteBucketPolicy", false, DeleteBucketPolicy},
      S3Operation{"PutBucketEncryption", "s3:PutEncryptionConfiguration", false,
                  PutBucketEncryption},
      S3Operation{"GetBucketEncryption", "s3:GetEncryptionConfiguration", true,
                  GetBucketEncryption},
      // S3 authorizes the deletion with the Put action (there is no DeleteEncryption…).
      S3Operation{"DeleteBucketEncryption", "s3:PutEncryptionConfiguration", false,
                  DeleteBucketEncryption},
      // Versioning and object lock (s3_versioning.cc, s3_object_lock.cc); object calls naming a
      // versionId are authorized with the *Version actions (RouteS3).
      S3Operation{"PutBucketVersioning", "s3:PutBucketVersioning", false, PutBucketVersioning},
      S3Operation{"GetBucketVersioning", "s3:GetBucketVersioning", true, GetBucketVersioning},
      S3Operation{"ListObjectVersions", "s3:ListBucketVersions", true, ListObjectVersions},
      S3Operation{"PutObjectLockConfiguration", "s3:PutBucketObjectLockConfiguration", false,
                  PutObjectLockConfiguration},
      S3Operation{"GetObjectLockConfiguration", "s3:GetBucketObjectLockConfiguration", true,
                  GetObjectLockConfiguration},
      S3Operation{"PutObjectRetention", "s3:PutObjectRetention", false, PutObjectRetention},
      S3Operation{"GetObjectRetention", "s3:GetObjectRetention", true, GetObjectRetention},
      S3Operation{"PutObjectLegalHold", "s3:PutObjectLegalHold", false, PutObjectLegalHold},
      S3Operation{"GetObjectLegalHold", "s3:GetObjectLegalHold", true, GetObjectLegalHold},
      // Lifecycle (s3_lifecycle.cc): deleting is authorized as the Put action, as in S3.
      S3Operation{"PutBucketLifecycleConfiguration", "s3:PutLifecycleConfiguration", false,
                  PutBucketLifecycleConfiguration},
      S3Operation{"GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration", true,
                  GetBucketLifecycleConfiguration},
      S3Operation{"DeleteBucketLifecycle", "s3:PutLifecycleConfiguration", false,
                  DeleteBucketLifecycle},
      S3Operation{"PutObjectTagging", "s3:PutObjectTagging", false, PutObjectTagging},
      S3Operation{"GetObjectTagging", "s3:GetObjectTagging", true, GetObjectTagging},
      S3Operation{"DeleteObjectTagging", "s3:DeleteObjectTagging", false, DeleteObjectTagging},
      S3Operation{"RestoreObject", "s3:RestoreObject", false, RestoreObject},
  };
  for (const S3Operation& op : kOps) {
    if (op.name == name) return &op;
  }
  return nullptr;
}

// The operation named `name`: ours, or one we recognise but do not implement (→ 501).
const S3Operation& Named(std::string_view name) {
  static const std::array kNames = {"GetBucketLifecycleConfiguration",
                                    "PutBucketLifecycleConfiguration",
                                    "DeleteBucketLifecycle",
                                    "GetBucketVersioning",
                                    "PutBucketVersioning",
                                    "GetObjectLockConfiguration",
                                    "PutObjectLockConfiguration",
                                    "GetBucketEncryption",
                                    "PutBucketEncryption",
                                    "DeleteBucketEncryption",
                                    "GetBucketAcl",
                                    "PutBucketAcl",
                                    "ListObjectVersions",
                                    "ListMultipartUploads",
                                    "GetBucketTagging",
                                    "PutBucketTagging",
                                    "DeleteBucketTagging",
                                    "GetObjectRetention",
                                    "PutObjectRetention",
                                    "GetObjectLegalHold",
                                    "PutObjectLegalHold",
                                    "RestoreObject",
                                    "CreateMultipartUpload",
                                    "ListParts",
                                    "UploadPart",
                                    "AbortMultipartUpload",
                                    "CompleteMultipartUpload",
                                    "GetObjectAcl",
                                    "PutObjectAcl",
                                    "GetObjectTagging",
                                    "PutObjectTagging",
                                    "DeleteObjectTagging"};
  static const std::vector<S3Operation> kOps = [&] {
    std::vector<S3Operation> ops;
    for (const char* n : kNames) ops.push_back(S3Operation{n, "", IsReadOnlyName(n), nullptr});
    return ops;
  }();
  static const S3Operation kUnknown{"Unknown", "", false, nullptr};
  if (const S3Operation* op = Implemented(name)) return *op;
  for (const S3Operation& op : kOps) {
    if (op.name == name) return op;
  }
  return kUnknown;
}

std::string LocationConstraint(std::string_view body) {
  size_t start = body.find("<LocationConstraint>");
  if (start == std::string_view::npos) return "";
  start += 20;
  size_t end = body.find("</LocationConstraint>", start);
  if (end == std::string_view::npos) return "";
  std::string_view v = body.substr(start, end - start);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\n')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\n')) v.remove_suffix(1);
  return std::string(v);
}

S3Outcome WithRecordFacts(const S3Request& request) {
  S3Outcome out;
  out.outcome.request_parameters = S3RequestParameters(request);
  out.outcome.resources = S3Resources(request);
  return out;
}

}  // namespace

S3Request ParseS3Path(std::string_view method, std::string_view raw_path,
                      std::string_view raw_query) {
  S3Request r;
  r.method = method;
  r.raw_query = raw_query;
  std::string_view p = raw_path;
  if (!p.empty() && p.front() == '/') p.remove_prefix(1);
  size_t slash = p.find('/');
  r.bucket = UriDecode(p.substr(0, slash));
  if (slash != std::string_view::npos) r.key = UriDecode(p.substr(slash + 1));
  return r;
}

const S3Operation& RouteS3(const S3Request& r) {
  if (r.bucket.empty()) return Named(r.method == "GET" ? "ListBuckets" : "Unknown");
  bool object = !r.key.empty();
  for (const Marker& m :
       object ? std::span<const Marker>(kObjectMarkers) : std::span<const Marker>(kBucketMarkers)) {
    if (HasParam(r.raw_query, m.param)) {
      std::string_view name = ForMethod(m, r.method);
      return Named(name.empty() ? "Unknown" : name);
    }
  }
  if (object && HasParam(r.raw_query, "versionId")) {
    // One version of an object: S3's *Version actions (iam.md §4.2).
    static const S3Operation kGetVersion{"GetObject", "s3:GetObjectVersion", true, GetObject};
    static const S3Operation kHeadVersion{"HeadObject", "s3:GetObjectVersion", true, HeadObject};
    static const S3Operation kDeleteVersion{"DeleteObject", "s3:DeleteObjectVersion", false,
                                            DeleteObject};
    if (r.method == "GET") return kGetVersion;
    if (r.method == "HEAD") return kHeadVersion;
    if (r.method == "DELETE") return kDeleteVersion;
  }
  if (object) {
    if (r.method == "PUT") return Named("PutObject");
    if (r.method == "GET") return Named("GetObject");
    if (r.method == "HEAD") return Named("HeadObject");
    if (r.method == "DELETE") return Named("DeleteObject");
    return Named("Unknown");
  }
  if (r.method == "GET") return Named("ListObjects");
  if (HasOtherParams(r.raw_query)) return Named("Unknown");
  if (r.method == "PUT") return Named("CreateBucket");
  if (r.method == "HEAD") return Named("HeadBucket");
  if (r.method == "DELETE") return Named("DeleteBucket");
  return Named("Unknown");
}

std::string_view S3Request::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return v;
    }
  }
  return {};
}

std::optional<std::string> S3Request::Param(std::string_view name) const {
  std::string_view query = raw_query;
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    std::string_view part =
        query.substr(start, amp == std::string_view::npos ? query.npos : amp - start);
    size_t eq = part.find('=');
    if (UriDecode(part.substr(0, eq), true) == name) {
      return eq == std::string_view::npos ? std::string() : UriDecode(part.substr(eq + 1), true);
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return std::nullopt;
}

std::string S3RequestParameters(const S3Request& request) {
  JsonWriter w;
  w.BeginObject();
  if (!request.bucket.empty()) w.Key("bucketName").String(ToValidUtf8(request.bucket));
  w.Key("Host").String(ToValidUtf8(request.host));
  if (!request.key.empty()) w.Key("key").String(ToValidUtf8(request.key));
  // The version a call names: who read or deleted which version of a log file.
  if (auto version = request.Param("versionId")) w.Key("versionId").String(ToValidUtf8(*version));
  w.EndObject();
  return w.Take();
}

std::string S3ResourceArn(const S3Request& request) {
  if (request.bucket.empty()) return "*";
  std::string arn = "arn:aws:s3:::" + request.bucket;
  if (!request.key.empty()) arn += "/" + request.key;
  return arn;
}

std::string S3CanonicalUserId(std::string_view account_id) {
  return crypto::Sha256Hex("opentrail-canonical-user:" + std::string(account_id));
}

std::vector<events::Resource> S3Resources(const S3Request& request) {
  std::vector<events::Resource> out;
  if (request.bucket.empty()) return out;
  events::Resource r;
  r.type = "AWS::S3::Bucket";
  r.arn = "arn:aws:s3:::" + ToValidUtf8(request.bucket);
  r.has_type = r.has_arn = true;
  out.push_back(std::move(r));
  if (!request.key.empty()) {
    events::Resource o;
    o.type = "AWS::S3::Object";
    o.arn = "arn:aws:s3:::" + ToValidUtf8(request.bucket) + "/" + ToValidUtf8(request.key);
    o.has_type = o.has_arn = true;
    out.push_back(std::move(o));
  }
  return out;
}

bool IsS3DataEvent(const S3Request& request, std::string_view operation) {
  return !request.key.empty() || operation == "DeleteObjects";
}

std::vector<events::Resource> S3DataEventResources(const S3Request& request,
                                                   std::string_view bucket_owner) {
  std::vector<events::Resource> out = S3Resources(request);
  if (out.empty()) return out;
  if (!bucket_owner.empty()) {
    out.front().account_id = std::string(bucket_owner);
    out.front().has_account_id = true;
  }
  std::rotate(out.begin(), out.begin() + 1, out.end());  // the object first
  return out;
}

std::string S3AdditionalEventData(std::string_view cipher_suite, size_t bytes_in, size_t bytes_out,
                                  std::string_view host_id) {
  JsonWriter w;
  w.BeginObject();
  w.Key("SignatureVersion").String("SigV4");
  if (!cipher_suite.empty()) w.Key("CipherSuite").String(cipher_suite);
  w.Key("bytesTransferredIn").Uint(bytes_in);
  w.Key("AuthenticationMethod").String("AuthHeader");
  w.Key("x-amz-id-2").String(host_id);
  w.Key("bytesTransferredOut").Uint(bytes_out);
  w.EndObject();
  return w.Take();
}

Result<S3Outcome> CreateBucket(const Services& services, const CallContext& ctx,
                               const S3Request& request) {
  std::string region = LocationConstraint(request.body);
  if (region.empty()) region = ctx.caller.region;
  // x-amz-bucket-object-lock-enabled: the bucket starts versioned with object lock, which needs
  // both permissions besides s3:CreateBucket (as in S3).
  std::string_view lock = request.Header("x-amz-bucket-object-lock-enabled");
  const bool object_lock = lock == "true" || lock == "True" || lock == "TRUE";
  if (object_lock) {
    for (std::string_view action :
         {"s3:PutBucketObjectLockConfiguration", "s3:PutBucketVersioning"}) {
      OT_RETURN_IF_ERROR(request.authorize ? request.authorize(action, S3ResourceArn(request))
                                           : Status(Error::kAccessDenied, "Access Denied"));
    }
  }
  OT_ASSIGN_OR_RETURN(buckets::BucketInfo info,
                      services.buckets->Create(request.bucket, region, services.account_id));
  if (object_lock) {
    OT_RETURN_IF_ERROR(services.buckets->PutVersioning(
        request.bucket, buckets::VersioningChange{buckets::VersioningStatus::kEnabled, {}}, {}));
    OT_RETURN_IF_ERROR(services.buckets->PutObjectLock(request.bucket, std::nullopt));
  }
  S3Outcome out = WithRecordFacts(request);
  out.headers.emplace_back("Location", "/" + info.name);
  return out;
}

Result<S3Outcome> HeadBucket(const Services& services, const CallContext&,
                             const S3Request& request) {
  OT_ASSIGN_OR_RETURN(buckets::BucketInfo info, services.buckets->Get(request.bucket));
  S3Outcome out = WithRecordFacts(request);
  out.headers.emplace_back("x-amz-bucket-region", info.region);
  return out;
}

Result<S3Outcome> ListBuckets(const Services& services, const CallContext&,
                              const S3Request& request) {
  S3Outcome out = WithRecordFacts(request);
  std::string& b = out.outcome.body;
  b = "<ListAllMyBucketsResult xmlns=\"" + std::string(kS3Xmlns) + "\"><Owner><ID>";
  b += S3CanonicalUserId(services.account_id);
  b += "</ID><DisplayName>" + XmlEscape(services.account_id) + "</DisplayName></Owner><Buckets>";
  for (const buckets::BucketInfo& info : services.buckets->List()) {
    if (!info.remote && info.owner_account != services.account_id) continue;
    b += "<Bucket><Name>" + XmlEscape(info.name) + "</Name><CreationDate>";
    b += FormatIso8601Millis(info.creation_date) + "</CreationDate></Bucket>";
  }
  b += "</Buckets></ListAllMyBucketsResult>";
  return out;
}

Result<S3Outcome> DeleteBucket(const Services& services, const CallContext&,
                               const S3Request& request) {
  OT_RETURN_IF_ERROR(services.buckets->Delete(request.bucket));
  S3Outcome out = WithRecordFacts(request);
  out.status = 204;
  return out;
}

Status S3MalformedXml() {
  return Status(Error::kMalformedXml,
                "The XML you provided was not well-formed or did not validate against our "
                "published schema");
}

std::string S3XmlElement(std::string_view name, std::string_view escaped_value) {
  return "<" + std::string(name) + ">" + std::string(escaped_value) + "</" + std::string(name) +
         ">";
}

S3Outcome S3Recorded(const S3Request& request, int status) {
  S3Outcome out;
  out.status = status;
  out.outcome.request_parameters = S3RequestParameters(request);
  out.outcome.resources = S3Resources(request);
  return out;
}

}  // namespace ot::api::handlers
