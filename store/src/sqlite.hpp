#pragma once
// Thin RAII layer over the SQLite C API used inside the store: a connection
// handle, prepared statements with typed bind/column helpers, and a scoped
// transaction. Every failure becomes an Errc::database Error naming the SQL.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "newsd/base/error.hpp"

namespace newsd::store::sql {

struct DbCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;

/// An Error carrying SQLite's current message for `db`.
std::unexpected<Error> db_error(sqlite3* db, std::string_view what, Errc code = Errc::database);

/// Runs one or more statements without results.
Result<void> exec(sqlite3* db, std::string_view sql);

class Stmt {
 public:
  Stmt() = default;
  static Result<Stmt> prepare(sqlite3* db, std::string_view sql);

  Stmt& bind(int index, std::int64_t v);
  Stmt& bind(int index, int v) { return bind(index, static_cast<std::int64_t>(v)); }
  Stmt& bind(int index, double v);
  /// Empty strings bind as '' (not NULL); use bind_null or the optional overload for NULL.
  Stmt& bind(int index, std::string_view v);
  Stmt& bind(int index, const std::optional<std::int64_t>& v);
  Stmt& bind_text_or_null(int index, std::string_view v);  ///< '' -> NULL
  Stmt& bind_null(int index);

  /// SQLITE_ROW -> true, SQLITE_DONE -> false, anything else -> Error.
  Result<bool> step();
  /// Steps through every row, calling `on_row()` for each (it reads the
  /// columns from this statement). Returns the first step error.
  template <class OnRow>
  Result<void> each_row(OnRow&& on_row) {
    while (true) {
      auto row = step();
      if (!row) return std::unexpected(row.error());
      if (!*row) return {};
      on_row();
    }
  }
  /// Steps to completion, then resets so the statement can be reused.
  Result<void> run();
  void reset();

  std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_.get(), col); }
  double real(int col) const { return sqlite3_column_double(stmt_.get(), col); }
  bool is_null(int col) const { return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL; }
  std::string text(int col) const;
  std::optional<std::int64_t> opt_int64(int col) const;

  sqlite3_stmt* get() const { return stmt_.get(); }
  explicit operator bool() const { return stmt_ != nullptr; }

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
  };
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
};

/// A deferred BEGIN on construction (via begin()), COMMIT on destruction:
/// several reads that must see one snapshot of the database.
class ReadSnapshot {
 public:
  static Result<ReadSnapshot> begin(sqlite3* db);
  ReadSnapshot(ReadSnapshot&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  ReadSnapshot& operator=(ReadSnapshot&&) = delete;
  ~ReadSnapshot();

 private:
  explicit ReadSnapshot(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

/// BEGIN IMMEDIATE on construction (via begin()), ROLLBACK on destruction
/// unless commit() succeeded: an early return or error leaves nothing behind.
class Transaction {
 public:
  static Result<Transaction> begin(sqlite3* db);
  Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();
  Result<void> commit();

 private:
  explicit Transaction(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

}  // namespace newsd::store::sql
