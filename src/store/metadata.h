#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ot::store {

// A stored access key and the principal it authenticates as (plain strings: the store does not
// know auth's types).
struct AccessKeyRow {
  std::string access_key_id;
  std::string secret_access_key;
  std::string principal_type;  // "IAMUser", "Root", …
  std::string principal_id;
  std::string arn;
  std::string user_name;
  std::string created;  // ISO-8601
};

// The server's metadata: settings and credentials, in SQLite (WAL, synchronous=FULL).
// Thread-safe; every write is one transaction.
class MetadataDb {
 public:
  static Result<std::unique_ptr<MetadataDb>> Open(const std::string& path);
  ~MetadataDb();

  Result<std::optional<std::string>> GetSetting(std::string_view key);
  Status PutSetting(std::string_view key, std::string_view value);
  // Sets every key only if none of them exists yet (first-start initialisation is atomic).
  Status PutSettingsIfAbsent(const std::vector<std::pair<std::string, std::string>>& settings);

  // Documents: small JSON texts keyed by (kind, id), for the registries of later parts
  // (trails, buckets, delivery cursors, …). Each call is one transaction.
  Status PutDocument(std::string_view kind, std::string_view id, std::string_view json);
  Result<std::optional<std::string>> GetDocument(std::string_view kind, std::string_view id);
  // Every document of `kind`, ordered by id.
  Result<std::vector<std::pair<std::string, std::string>>> ListDocuments(std::string_view kind);
  // OK also when the document does not exist.
  Status DeleteDocument(std::string_view kind, std::string_view id);

  Status PutAccessKey(const AccessKeyRow& row);
  Result<std::vector<AccessKeyRow>> ListAccessKeys();

 private:
  struct Impl;
  explicit MetadataDb(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ot::store
