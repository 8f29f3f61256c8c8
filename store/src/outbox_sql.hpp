#pragma once
// The outbox's statements shared by the writer (store.cpp appends in the
// article's transaction), the read side (Store::outbox_status) and the
// sinks' own connections (outbox.cpp).
#include <sqlite3.h>

#include <cstdint>

#include "newsd/store/outbox.hpp"
#include "sqlite.hpp"

namespace newsd::store {

/// The outbox, its dropped counter and every registered sink's progress,
/// read in one read transaction. Works on read-only connections.
Result<OutboxStatus> read_outbox_status(sqlite3* db);

/// Logs `outbox.dropped` for the rows a writer's bound dropped (SQLite's
/// enforce_bound, PostgreSQL's append_to_outbox), once its transaction has
/// committed; nothing when `dropped` is 0.
void log_outbox_dropped(std::int64_t dropped, std::int64_t max_rows);

/// The writer's part, prepared once per writer connection: per batch it
/// learns whether any sink is registered, appends a row per inserted
/// article, and keeps the table within its bound.
class OutboxAppender {
 public:
  static Result<OutboxAppender> prepare(sqlite3* db);

  /// Start of a write transaction: whether rows are to be appended at all
  /// (a sink is registered) and the lowest cursor.
  Result<void> begin_batch();
  /// Appends `article_id` when a sink is registered.
  Result<void> append(std::int64_t article_id, TimePoint stored_at);
  /// End of the batch, still inside its transaction: drops the oldest rows
  /// beyond `max_rows`, counts those some sink had not delivered in
  /// meta.outbox_dropped and returns that count.
  Result<std::int64_t> enforce_bound(std::int64_t max_rows);

 private:
  sqlite3* db_ = nullptr;
  bool active_ = false;
  std::int64_t min_cursor_ = 0;
  bool appended_ = false;
  sql::Stmt probe_, append_, last_seq_, drop_undelivered_, drop_delivered_, count_dropped_;
};

}  // namespace newsd::store
