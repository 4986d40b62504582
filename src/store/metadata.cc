#include "store/metadata.h"

#include <sqlite3.h>

#include <mutex>

namespace ot::store {
namespace {

Status SqlError(sqlite3* db, std::string_view what) {
  return Status(Error::kIoError, std::string(what) + ": " + sqlite3_errmsg(db));
}

// A prepared statement that finalises itself.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
  bool ok() const { return rc_ == SQLITE_OK; }
  void Bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  int Step() { return sqlite3_step(stmt_); }
  std::string Column(int i) {
    const auto* text = sqlite3_column_text(stmt_, i);
    return text ? std::string(reinterpret_cast<const char*>(text)) : std::string();
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_;
};

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode=WAL;
PRAGMA synchronous=FULL;
CREATE TABLE IF NOT EXISTS settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents(kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL,
  PRIMARY KEY(kind, id));
CREATE TABLE IF NOT EXISTS access_keys(
  access_key_id TEXT PRIMARY KEY, secret_access_key TEXT NOT NULL, principal_type TEXT NOT NULL,
  principal_id TEXT NOT NULL, arn TEXT NOT NULL, user_name TEXT NOT NULL, created TEXT NOT NULL);
)sql";

}  // namespace

struct MetadataDb::Impl {
  std::mutex mu;
  sqlite3* db = nullptr;
  ~Impl() { sqlite3_close(db); }
  Status Exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
      Status s(Error::kIoError, std::string("sqlite: ") + (err ? err : "error"));
      sqlite3_free(err);
      return s;
    }
    return Status::Ok();
  }
};

MetadataDb::MetadataDb(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MetadataDb::~MetadataDb() = default;

Result<std::unique_ptr<MetadataDb>> MetadataDb::Open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  if (sqlite3_open_v2(path.c_str(), &impl->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    return SqlError(impl->db, "open " + path);
  }
  sqlite3_busy_timeout(impl->db, 5000);
  OT_RETURN_IF_ERROR(impl->Exec(kSchema));
  return std::unique_ptr<MetadataDb>(new MetadataDb(std::move(impl)));
}

Result<std::optional<std::string>> MetadataDb::GetSetting(std::string_view key) {
  std::lock_guard lock(impl_->mu);
  Stmt st(impl_->db, "SELECT value FROM settings WHERE key=?");
  if (!st.ok()) return SqlError(impl_->db, "prepare");
  st.Bind(1, key);
  int rc = st.Step();
  if (rc == SQLITE_ROW) return std::optional<std::string>(st.Column(0));
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  return SqlError(impl_->db, "select setting");
}

Status MetadataDb::PutSetting(std::string_view key, std::string_view value) {
  std::lock_guard lock(impl_->mu);
  Stmt st(impl_->db,
          "INSERT INTO settings(key,value) VALUES(?,?) "
          "ON CONFLICT(key) DO UPDATE SET value=excluded.value");
  if (!st.ok()) return SqlError(impl_->db, "prepare");
  st.Bind(1, key);
  st.Bind(2, value);
  if (st.Step() != SQLITE_DONE) return SqlError(impl_->db, "put setting");
  return Status::Ok();
}

Status MetadataDb::PutSettingsIfAbsent(
    const std::vector<std::pair<std::string, std::string>>& settings) {
  std::lock_guard lock(impl_->mu);
  OT_RETURN_IF_ERROR(impl_->Exec("BEGIN IMMEDIATE"));
  for (const auto& [key, value] : settings) {
    Stmt st(impl_->db, "INSERT OR IGNORE INTO settings(key,value) VALUES(?,?)");
    st.Bind(1, key);
    st.Bind(2, value);
    if (!st.ok() || st.Step() != SQLITE_DONE) {
      Status s = SqlError(impl_->db, "put settings");
      impl_->Exec("ROLLBACK").IgnoreError();
      return s;
    }
  }
  return impl_->Exec("COMMIT");
}

Status MetadataDb::PutDocument(std::string_view kind, std::string_view id, std::string_view json) {
  std::lock_guard lock(impl_->mu);
  Stmt st(impl_->db, "INSERT OR REPLACE INTO documents(kind,id,json) VALUES(?,?,?)");
  if (!st.ok()) return SqlError(impl_->db, "prepare");
  st.Bind(1, kind);
  st.Bind(2, id);
  st.Bind(3, json);
  if (st.Step() != SQLITE_DONE) return SqlError(impl_->db, "put document");
  return Status::Ok();
}

Result<std::optional<std::string>> MetadataDb::GetDocument(std::string_view kind,
                                                           std::string_view id) {
  std::lock_guard lock(impl_->mu);
  Stmt st(impl_->db, "SELECT json FROM documents WHERE kind=? AND id=?");
  if (!st.ok()) return SqlError(impl_->db, "prepare");
  st.Bind(1, kind);
  st.Bind(2, id);
  int rc = st.Step();
  if (rc == SQLITE_ROW) return std::optional<std::string>(st.Column(0));
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  return SqlError(impl_->db, "get document");
}

Result<std::vector<std::pair<std::string, std::string>>> MetadataDb::ListDocuments(
    std::string_view kind) {
  std::lock_guard lock(impl_->mu);
  Stmt st(impl_->db, "SELECT id,json FROM documents WHERE kind=? ORDER BY id");
  if (!st.ok()) return SqlError(impl_->db, "prepare");
  st.Bind(1, kind);
  std::vector<std::pair<std::string, std::string>> out;
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) out.emplace_back(st.Column(0), st.Column(1));
  if (rc != SQLITE_DONE) return SqlError(impl_->db, "list documents");
  return out;
}

Status MetadataDb::DeleteDocument(std::string_view kind, std::string_view id) {
  std::lock_guard lock(impl_->mu);
  Stmt st(impl_->db, "DELETE FROM documents WHERE kind=? AND id=?");
  if (!st.ok()) return SqlError(impl_->db, "prepare");
  st.Bind(1, kind);
  st.Bind(2, id);
  if (st.Step() != SQLITE_DONE) return SqlError(impl_->db, "delete document");
  return Status::Ok();
}

Status MetadataDb::PutAccessKey(const AccessKeyRow& row) {
  std::lock_guard lock(impl_->mu);
  Stmt st(impl_->db,
          "INSERT OR REPLACE INTO access_keys(access_key_id,secret_access_key,principal_type,"
          "principal_id,arn,user_name,created) VALUES(?,?,?,?,?,?,?)");
  if (!st.ok()) return SqlError(impl_->db, "prepare");
  st.Bind(1, row.access_key_id);
  st.Bind(2, row.secret_access_key);
  st.Bind(3, row.principal_type);
  st.Bind(4, row.principal_id);
  st.Bind(5, row.arn);
  st.Bind(6, row.user_name);
  st.Bind(7, row.created);
  if (st.Step() != SQLITE_DONE) return SqlError(impl_->db, "put access key");
  return Status::Ok();
}

Result<std::vector<AccessKeyRow>> MetadataDb::ListAccessKeys() {
  std::lock_guard lock(impl_->mu);
  Stmt st(impl_->db,
          "SELECT access_key_id,secret_access_key,principal_type,principal_id,arn,user_name,"
          "created FROM access_keys ORDER BY created");
  if (!st.ok()) return SqlError(impl_->db, "prepare");
  std::vector<AccessKeyRow> rows;
  int rc;
  while ((rc = st.Step()) == SQLITE_ROW) {
    rows.push_back({st.Column(0), st.Column(1), st.Column(2), st.Column(3), st.Column(4),
                    st.Column(5), st.Column(6)});
  }
  if (rc != SQLITE_DONE) return SqlError(impl_->db, "list access keys");
  return rows;
}

}  // namespace ot::store
