#include "sqlite.hpp"

#include <utility>

namespace newsd::store::sql {

std::unexpected<Error> db_error(sqlite3* db, std::string_view what, Errc code) {
  std::string message(what);
  if (db != nullptr) {
    message += ": ";
    message += sqlite3_errmsg(db);
  }
  return fail(code, std::move(message));
}

Result<void> exec(sqlite3* db, std::string_view sql) {
  char* err = nullptr;
  const std::string owned(sql);
  if (sqlite3_exec(db, owned.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string message = err != nullptr ? err : sqlite3_errmsg(db);
    sqlite3_free(err);
    return fail(Errc::database, message + " (in: " + owned.substr(0, 80) + ")");
  }
  return {};
}

Result<Stmt> Stmt::prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw, nullptr) !=
      SQLITE_OK) {
    return db_error(db, "prepare failed (" + std::string(sql.substr(0, 60)) + ")");
  }
  Stmt stmt;
  stmt.stmt_.reset(raw);
  return stmt;
}

Stmt& Stmt::bind(int index, std::int64_t v) {
  sqlite3_bind_int64(stmt_.get(), index, v);
  return *this;
}
Stmt& Stmt::bind(int index, double v) {
  sqlite3_bind_double(stmt_.get(), index, v);
  return *this;
}
Stmt& Stmt::bind(int index, std::string_view v) {
  // SQLITE_TRANSIENT: callers often pass temporaries; a copy is cheaper than a lifetime bug.
  sqlite3_bind_text(stmt_.get(), index, v.data() != nullptr ? v.data() : "", static_cast<int>(v.size()),
                    SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::bind(int index, const std::optional<std::int64_t>& v) { return v ? bind(index, *v) : bind_null(index); }
Stmt& Stmt::bind_text_or_null(int index, std::string_view v) { return v.empty() ? bind_null(index) : bind(index, v); }
Stmt& Stmt::bind_null(int index) {
  sqlite3_bind_null(stmt_.get(), index);
  return *this;
}

Result<bool> Stmt::step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3* db = sqlite3_db_handle(stmt_.get());
  const char* sql = sqlite3_sql(stmt_.get());
  auto err = db_error(db, "step failed (" + std::string(sql != nullptr ? sql : "").substr(0, 60) + ")");
  sqlite3_reset(stmt_.get());
  return err;
}

Result<void> Stmt::run() {
  if (auto done = each_row([] {}); !done) return done;
  reset();
  return {};
}

void Stmt::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::string Stmt::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), col));
  if (p == nullptr) return {};
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), col)));
}

std::optional<std::int64_t> Stmt::opt_int64(int col) const {
  if (is_null(col)) return std::nullopt;
  return int64(col);
}

Result<ReadSnapshot> ReadSnapshot::begin(sqlite3* db) {
  // A deferred BEGIN takes no lock until the first read, which then pins
  // the snapshot every later read of the transaction sees (WAL).
  if (auto ok = exec(db, "BEGIN"); !ok) return std::unexpected(ok.error());
  return ReadSnapshot(db);
}

ReadSnapshot::~ReadSnapshot() {
  if (db_ != nullptr) sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
}

Result<Transaction> Transaction::begin(sqlite3* db) {
  // IMMEDIATE takes the write lock now, so a busy database fails here (after
  // the busy timeout) rather than halfway through the batch.
  if (auto ok = exec(db, "BEGIN IMMEDIATE"); !ok) return std::unexpected(ok.error());
  return Transaction(db);
}

Transaction::~Transaction() {
  if (db_ != nullptr) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

Result<void> Transaction::commit() {
  auto ok = exec(db_, "COMMIT");
  if (ok) db_ = nullptr;
  return ok;
}

}  // namespace newsd::store::sql
