#pragma once
/// The outbox: newly stored articles waiting for the sinks (`[[sinks]]`).
///
/// Store::write_articles appends one row (seq, article id) per inserted
/// article in the article's own transaction, but only while at least one
/// sink is registered; beyond `[outbox] max_rows` it drops the oldest rows
/// (counted in outbox_dropped, logged) rather than ever wait for a sink.
/// Each sink has a cursor (the last seq it has handled) and drains from its
/// own thread through its own Outbox connection; rows every registered sink
/// has passed are deleted by trim(). The same on PostgreSQL (`[store]
/// backend = "postgresql"`), where several daemons may share the database
/// and so the same sink: a drain claim()s its sink first, so that one
/// process at a time delivers it. Tables: docs/schema.md.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/config/config.hpp"

namespace newsd::store {

using TimePoint = std::chrono::sys_seconds;

/// One outbox row: an article to deliver.
struct OutboxEntry {
  std::int64_t seq = 0;
  std::int64_t article_id = 0;
  TimePoint stored_at{};
};

/// A registered sink's progress (`newsd sinks`, /metrics).
struct SinkProgress {
  std::string name;
  std::int64_t cursor = 0;     ///< last outbox seq handled (delivered, dead-lettered or skipped)
  std::int64_t lag = 0;        ///< outbox rows after the cursor
  std::int64_t delivered = 0;  ///< articles delivered since the sink was registered
  std::int64_t missed = 0;     ///< rows dropped by the outbox bound before this sink reached them
  std::int64_t dead_letters = 0;
  std::string last_error;  ///< the latest failed attempt's error; empty if none yet
  std::optional<TimePoint> last_error_at;
  std::optional<TimePoint> last_delivered_at;
};

/// The outbox as a whole.
struct OutboxStatus {
  std::int64_t rows = 0;            ///< rows waiting for at least one sink
  std::int64_t last_seq = 0;        ///< seq of the newest row ever appended (0: none)
  std::int64_t dropped = 0;         ///< rows dropped by `[outbox] max_rows` before every sink had them, ever
  std::vector<SinkProgress> sinks;  ///< by name
};

/// An article a sink gave up on after its configured attempts.
struct DeadLetter {
  std::string sink;
  std::int64_t article_id = 0;
  int attempts = 0;
  std::string error;
  TimePoint failed_at{};
  bool retry_requested = false;  ///< `newsd sinks retry` asked for another round
};

/// A connection for one sink's drain thread, or for `newsd sinks`. It takes
/// no writer lock: its writes (cursors, dead letters, deleting delivered
/// rows) are short transactions the database serialises with the daemon's.
/// Not thread-safe: one Outbox per thread, and a drain's Outbox drains one
/// sink.
class Outbox {
 public:
  /// Opens the existing database at `db` read-write. Errc::not_found
  /// without a database; Errc::database if its schema is not this build's
  /// (Store::open migrates it).
  static Result<Outbox> open(const std::filesystem::path& db,
                             std::chrono::milliseconds busy_timeout = std::chrono::seconds{5});
  /// The store `cfg` names: the SQLite file as above, or a connection of
  /// its own to the PostgreSQL database (Errc::database if its schema is
  /// not this build's, Errc::connect if the server cannot be reached).
  static Result<Outbox> open(const config::StoreConfig& cfg);
  Outbox(Outbox&&) noexcept;
  Outbox& operator=(Outbox&&) noexcept;
  ~Outbox();

  /// Makes `names` the registered sinks, in one transaction: a new name
  /// starts after the newest row appended so far (it receives articles
  /// stored from now on); a registered sink not in `names` is forgotten
  /// with its cursor and dead letters, so it no longer holds rows back.
  Result<void> register_sinks(std::span<const std::string> names);

  /// Makes this connection the one that drains `sink`; a drain calls it
  /// before each batch. Returns true when the claim was taken by this call
  /// (the drain must read its cursor again: another process may have moved
  /// it), false when this connection already held it. Errc::locked while
  /// another connection holds it, Errc::not_found if the sink is not
  /// registered. On PostgreSQL the claim is a session advisory lock: it
  /// ends with the connection, so the sink of a process that died or lost
  /// its connection is taken over at once. On SQLite one daemon owns the
  /// database (the writer lock), so the claim is only remembered.
  Result<bool> claim(std::string_view sink);
  /// The sink's cursor; Errc::not_found if it is not registered.
  Result<std::int64_t> cursor(std::string_view sink);
  /// At most `limit` rows with seq > `after`, oldest first.
  Result<std::vector<OutboxEntry>> read_after(std::int64_t after, int limit);
  /// Moves the sink's cursor to `seq` and adds `delivered` and `missed` to
  /// its counters (a delivery time is recorded when `delivered` > 0).
  Result<void> advance(std::string_view sink, std::int64_t seq, int delivered, std::int64_t missed, TimePoint at);
  /// Records a failed attempt's error as the sink's last error.
  Result<void> record_error(std::string_view sink, std::string_view error, TimePoint at);

  /// Files (or refreshes) a dead letter; its retry request is cleared.
  Result<void> add_dead_letter(const DeadLetter& letter);
  /// The sink's dead letters, oldest first; only those `newsd sinks retry`
  /// asked for when `retry_requested_only`.
  Result<std::vector<DeadLetter>> dead_letters(std::string_view sink, bool retry_requested_only = false);
  /// Removes a dead letter (it was delivered, or its article is gone).
  Result<void> remove_dead_letter(std::string_view sink, std::int64_t article_id);
  /// Asks the sink's drain loop to try its dead letters again; returns how
  /// many. Errc::not_found if no sink of that name is registered.
  Result<int> request_retry(std::string_view sink);

  /// Deletes the rows every registered sink has passed; returns how many.
  Result<int> trim();
  /// seq of the newest row ever appended (0: none).
  Result<std::int64_t> last_seq();
  Result<OutboxStatus> status();

 private:
  struct Impl;
  explicit Outbox(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsd::store
