#pragma once

// The JSON sidecar of a local object (docs/formats/buckets.md § Sidecar): its metadata, kept
// next to the object's bytes under <meta_dir>/<bucket>/<key>.json.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace ot::buckets {
struct ObjectInfo;
}  // namespace ot::buckets

namespace ot::buckets::internal {

// What a sidecar says; fields it lacks stay empty.
struct Sidecar {
  std::string content_type;
  std::string last_modified;
  std::string etag_hex;
  std::map<std::string, std::string> metadata;
  std::string content_encoding;
  std::map<std::string, std::string> checksums;
  std::string uploader;
  // Encryption at rest: the algorithm, the wrapping KMS key, the wrapped data key, the
  // encryption context it was wrapped with, and the plaintext's size.
  std::string sse_algorithm;
  std::string sse_key_arn;
  std::string sse_wrapped_key;  // raw bytes
  std::map<std::string, std::string> sse_context;
  uint64_t sse_size = 0;
  // Versioning (written only in buckets that have it): the version id, its place in the key's
  // history (greater = newer), whether it is a delete marker, and its object lock.
  std::string version_id;
  uint64_t seq = 0;
  bool delete_marker = false;
  std::string lock_mode;
  std::string lock_until;  // ISO 8601 with milliseconds
  bool legal_hold = false;
  // Lifecycle (bucket_lifecycle.cc): the storage class (empty = STANDARD); an archived object's
  // packing (archive_codec non-empty: its bytes are in the archive and its file is empty), its
  // archive file's name, the gzip level and the size its file had; a restore asked for at
  // `restore_requested` (ISO 8601) for `restore_days`, readable until `restore_expiry` once done;
  // the object's tags.
  std::string storage_class;
  std::string archive_codec;
  std::string archive_file;  // the packed copy: <archive_dir>/<bucket>/<file[0:2]>/<file>
  int archive_level = 0;
  uint64_t archive_size = 0;
  std::string restore_requested;
  int64_t restore_days = 0;
  std::string restore_expiry;
  std::map<std::string, std::string> tags;
};

// Copies the versioning members (version id, delete marker, object lock) into `info`
// (versioning.cc).
void ApplyVersionFields(const Sidecar& s, ObjectInfo* info);

// The sidecar's JSON text.
std::string SidecarJson(const Sidecar& s);
// Parses a sidecar; a missing or unreadable one gives an empty Sidecar.
Sidecar ParseSidecar(std::string_view text);

}  // namespace ot::buckets::internal
