#pragma once
// The outbox on PostgreSQL, with the contracts of newsd/store/outbox.hpp:
// the writer's append in the article's own transaction, the read of its
// status, and the connection a sink's drain (or `newsd sinks`) uses.
// Tables: pg/schema.cpp, the outbox step.
#include <cstdint>
#include <memory>
#include <pqxx/pqxx>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "newsd/store/outbox.hpp"
#include "newsd/store/store.hpp"

namespace newsd::store::pg {

/// The writer's part, called once per write transaction after its articles
/// were written, still under the article writer lock: while at least one
/// sink is registered, appends a row per article of `inserted` (the
/// batch's new articles, in id order), numbered on from meta `outbox_last_seq`, then
/// deletes the oldest rows beyond `max_rows`. Returns how many of the
/// deleted rows some sink had not passed yet (added to meta
/// `outbox_dropped`). Throws what libpqxx throws, as the writer does.
std::int64_t append_to_outbox(pqxx::work& tx, const std::vector<std::int64_t>& inserted, std::int64_t max_rows);

/// The outbox, its dropped counter and every sink's progress, read in one
/// snapshot. Works on a read-only connection.
Result<OutboxStatus> outbox_status(pqxx::connection& conn);

/// Outbox's PostgreSQL side: the same operations on a connection of its own.
class OutboxConnection {
 public:
  /// Connects to `url`; Errc::database if the schema is not this build's
  /// (a writer, Store::open, migrates it).
  static Result<std::unique_ptr<OutboxConnection>> connect(const std::string& url);

  Result<void> register_sinks(std::span<const std::string> names);
  /// Outbox::claim: a session advisory lock keyed by the sink's claim_key.
  Result<bool> claim(std::string_view sink);
  Result<std::int64_t> cursor(std::string_view sink);
  Result<std::vector<OutboxEntry>> read_after(std::int64_t after, int limit);
  Result<void> advance(std::string_view sink, std::int64_t seq, int delivered, std::int64_t missed, TimePoint at);
  Result<void> record_error(std::string_view sink, std::string_view error, TimePoint at);
  Result<void> add_dead_letter(const DeadLetter& letter);
  Result<std::vector<DeadLetter>> dead_letters(std::string_view sink, bool retry_requested_only);
  Result<void> remove_dead_letter(std::string_view sink, std::int64_t article_id);
  Result<int> request_retry(std::string_view sink);
  Result<int> trim();
  Result<std::int64_t> last_seq();
  Result<OutboxStatus> status() { return outbox_status(*conn_); }

 private:
  OutboxConnection(std::string url, std::unique_ptr<pqxx::connection> conn)
      : url_(std::move(url)), conn_(std::move(conn)) {}
  std::string url_;
  std::unique_ptr<pqxx::connection> conn_;
  /// The sink this session holds the claim of (empty when none), and the
  /// server process of that session.
  std::string claimed_;
  int claimed_pid_ = 0;
};

}  // namespace newsd::store::pg
