// The outbox on PostgreSQL: the writer's append in the article's own
// transaction, the sinks' cursors, claims and dead letters on their own
// connections, and the status read by `newsd sinks` and /metrics. The
// statements are SQLite's (outbox.cpp), with two differences said where
// they are: seq is numbered by the writer, and a sink is claimed.
#include <algorithm>
#include <type_traits>

#include "../store_impl.hpp"
#include "newsd/base/log.hpp"
#include "pg_backend.hpp"
#include "pg_outbox.hpp"
#include "pg_rows.hpp"

namespace newsd::store::pg {
namespace {

// The class half of the two-key advisory locks that claim sinks ("news");
// the two-key space does not overlap the one-key locks of the writer and
// the migrations.
constexpr int kSinkClaimClass = 0x6e657773;

constexpr const char* kLastSeq = "SELECT coalesce((SELECT value::bigint FROM meta WHERE key = 'outbox_last_seq'), 0)";

// Runs `body` in a transaction of its own and commits; a libpqxx exception
// becomes the Result's error, named by `what`.
template <class F>
auto in_transaction(pqxx::connection& conn, std::string_view what, F&& body)
    -> Result<std::invoke_result_t<F, pqxx::work&>> {
  using T = std::invoke_result_t<F, pqxx::work&>;
  try {
    pqxx::work tx(conn);
    if constexpr (std::is_void_v<T>) {
      body(tx);
      tx.commit();
      return {};
    } else {
      T out = body(tx);
      tx.commit();
      return out;
    }
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, what));
  }
}

std::unexpected<Error> unknown_sink(std::string_view sink) {
  return fail(Errc::not_found, "no sink named '" + std::string(sink) + "' is registered");
}

}  // namespace

std::int64_t append_to_outbox(pqxx::work& tx, const std::vector<std::int64_t>& inserted, std::int64_t max_rows) {
  if (inserted.empty()) return 0;
  const auto sinks = tx.exec1("SELECT count(*), coalesce(min(cursor), 0) FROM sink_cursors");
  if (sinks[0].as<std::int64_t>() == 0) return 0;
  const std::int64_t min_cursor = sinks[1].as<std::int64_t>();
  // The article writer lock is held: no other transaction numbers rows
  // until this one commits, so seq has no gap and follows commit order.
  const std::int64_t last = tx.exec1(kLastSeq)[0].as<std::int64_t>();
  const auto appended = static_cast<std::int64_t>(
      tx.exec_params("INSERT INTO outbox (seq, article_id, stored_at) "
                     "SELECT $1::bigint + n.ord, a.id, a.fetched_at FROM unnest($2::bigint[]) WITH ORDINALITY "
                     "AS n(id, ord) JOIN articles a ON a.id = n.id",
                     last, number_array(inserted))
          .affected_rows());
  const std::int64_t newest = last + appended;
  tx.exec_params(
      "INSERT INTO meta (key, value) VALUES ('outbox_last_seq', $1) ON CONFLICT (key) DO UPDATE SET value = $1",
      std::to_string(newest));
  // As on SQLite: rows form one run of seq values, so the newest max_rows
  // are those above newest - max_rows; of the older ones, those some sink
  // had not passed are counted as dropped.
  const std::int64_t cut = newest - max_rows;
  if (cut <= 0) return 0;
  const auto dropped = static_cast<std::int64_t>(
      tx.exec_params("DELETE FROM outbox WHERE seq <= $1 AND seq > $2", cut, min_cursor).affected_rows());
  tx.exec_params("DELETE FROM outbox WHERE seq <= $1", cut);
  if (dropped > 0) {
    tx.exec_params(
        "INSERT INTO meta (key, value) VALUES ('outbox_dropped', $1) ON CONFLICT (key) DO UPDATE SET "
        "value = (meta.value::bigint + $1::bigint)::text",
        std::to_string(dropped));
  }
  return dropped;
}

Result<OutboxStatus> outbox_status(pqxx::connection& conn) {
  try {
    // One snapshot, so lag and rows describe the same moment.
    pqxx::transaction<pqxx::repeatable_read> tx(conn);
    OutboxStatus s;
    const auto totals = tx.exec1(std::string("SELECT (SELECT count(*) FROM outbox), (") + kLastSeq +
                                 "), coalesce((SELECT value::bigint FROM meta WHERE key = 'outbox_dropped'), 0)");
    s.rows = totals[0].as<std::int64_t>();
    s.last_seq = totals[1].as<std::int64_t>();
    s.dropped = totals[2].as<std::int64_t>();
    for (const auto& r :
         tx.exec("SELECT name, cursor, (SELECT count(*) FROM outbox WHERE seq > c.cursor), delivered, missed, "
                 "(SELECT count(*) FROM sink_dead_letters d WHERE d.sink = c.name), last_error, last_error_at, "
                 "last_delivered_at FROM sink_cursors c ORDER BY name")) {
      SinkProgress p;
      p.name = r[0].as<std::string>();
      p.cursor = r[1].as<std::int64_t>();
      p.lag = r[2].as<std::int64_t>();
      p.delivered = r[3].as<std::int64_t>();
      p.missed = r[4].as<std::int64_t>();
      p.dead_letters = r[5].as<std::int64_t>();
      p.last_error = r[6].as<std::string>();
      p.last_error_at = opt_time(r[7]);
      p.last_delivered_at = opt_time(r[8]);
      s.sinks.push_back(std::move(p));
    }
    return s;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "outbox status"));
  }
}

Result<std::unique_ptr<OutboxConnection>> OutboxConnection::connect(const std::string& url) {
  std::unique_ptr<pqxx::connection> conn;
  try {
    conn = std::make_unique<pqxx::connection>(url);
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "cannot connect to PostgreSQL"));
  }
  // Only a writer migrates; the sinks start after the daemon's store has.
  auto version = stored_schema_version(*conn);
  if (!version) return std::unexpected(version.error());
  if (*version != schema_version()) {
    return fail(Errc::database, "PostgreSQL database has schema version " + std::to_string(*version) + ", expected " +
                                    std::to_string(schema_version()));
  }
  return std::unique_ptr<OutboxConnection>(new OutboxConnection(url, std::move(conn)));
}

Result<void> OutboxConnection::register_sinks(std::span<const std::string> names) {
  return in_transaction(*conn_, "register_sinks", [&](pqxx::work& tx) {
    for (const auto& row : tx.exec("SELECT name FROM sink_cursors")) {
      const auto name = row[0].as<std::string>();
      if (std::ranges::find(names, name) != names.end()) continue;
      tx.exec_params("DELETE FROM sink_cursors WHERE name = $1", name);
      log::info("sink.unregistered", {{"sink", name}});
    }
    for (const auto& name : names) {
      const auto added = tx.exec_params(std::string("INSERT INTO sink_cursors (name, cursor) VALUES ($1, (") +
                                            kLastSeq + ")) ON CONFLICT (name) DO NOTHING",
                                        pg_text(name));
      if (added.affected_rows() > 0) log::info("sink.registered", {{"sink", name}});
    }
  });
}

Result<bool> OutboxConnection::claim(std::string_view sink) {
  // A session advisory lock, not a row lock held in an open transaction: a
  // delivery can take minutes of retries, and a transaction left open that
  // long would hold back vacuum. The lock lives as long as this session, so
  // a drainer that dies (or whose connection drops) frees the sink at once.
  // A new session never has the lock: whether libpqxx reopened a broken
  // connection by itself (a changed backend pid says so) or it is reopened
  // here, the claim is taken again and the drain rereads its cursor.
  if (claimed_ == sink && conn_->is_open() && conn_->backendpid() == claimed_pid_) return false;
  claimed_.clear();
  if (!conn_->is_open()) {
    try {
      conn_ = std::make_unique<pqxx::connection>(url_);
    } catch (const std::exception& e) {
      return std::unexpected(database_error(e, "reconnecting to PostgreSQL"));
    }
  }
  auto taken = in_transaction(*conn_, "claim of sink " + std::string(sink), [&](pqxx::work& tx) {
    auto rows = tx.exec_params("SELECT pg_try_advisory_lock($1, claim_key) FROM sink_cursors WHERE name = $2",
                               kSinkClaimClass, pg_text(sink));
    return rows.empty() ? std::optional<bool>{} : std::optional<bool>(rows[0][0].as<bool>());
  });
  if (!taken) return std::unexpected(taken.error());
  if (!*taken) return unknown_sink(sink);
  if (!**taken) return fail(Errc::locked, "sink '" + std::string(sink) + "' is being drained by another process");
  claimed_ = sink;
  claimed_pid_ = conn_->backendpid();
  return true;
}

Result<std::int64_t> OutboxConnection::cursor(std::string_view sink) {
  auto found = in_transaction(*conn_, "sink cursor", [&](pqxx::work& tx) {
    auto rows = tx.exec_params("SELECT cursor FROM sink_cursors WHERE name = $1", pg_text(sink));
    return rows.empty() ? std::optional<std::int64_t>{} : opt_int64(rows[0][0]);
  });
  if (!found) return std::unexpected(found.error());
  if (!*found) return unknown_sink(sink);
  return **found;
}

Result<std::vector<OutboxEntry>> OutboxConnection::read_after(std::int64_t after, int limit) {
  return in_transaction(*conn_, "outbox read", [&](pqxx::work& tx) {
    std::vector<OutboxEntry> out;
    for (const auto& r : tx.exec_params(
             "SELECT seq, article_id, stored_at FROM outbox WHERE seq > $1 ORDER BY seq LIMIT $2", after, limit)) {
      out.push_back({r[0].as<std::int64_t>(), r[1].as<std::int64_t>(), from_unix(r[2].as<std::int64_t>())});
    }
    return out;
  });
}

Result<void> OutboxConnection::advance(std::string_view sink, std::int64_t seq, int delivered, std::int64_t missed,
                                       TimePoint at) {
  return in_transaction(*conn_, "sink cursor update", [&](pqxx::work& tx) {
    tx.exec_params(
        "UPDATE sink_cursors SET cursor = greatest(cursor, $2), delivered = delivered + $3, missed = missed + $4, "
        "last_delivered_at = CASE WHEN $3 > 0 THEN $5 ELSE last_delivered_at END WHERE name = $1",
        pg_text(sink), seq, delivered, missed, to_unix(at));
  });
}

Result<void> OutboxConnection::record_error(std::string_view sink, std::string_view error, TimePoint at) {
  return in_transaction(*conn_, "sink error", [&](pqxx::work& tx) {
    tx.exec_params("UPDATE sink_cursors SET last_error = $2, last_error_at = $3 WHERE name = $1", pg_text(sink),
                   pg_text(error), to_unix(at));
  });
}

Result<void> OutboxConnection::add_dead_letter(const DeadLetter& letter) {
  return in_transaction(*conn_, "dead letter", [&](pqxx::work& tx) {
    tx.exec_params(
        "INSERT INTO sink_dead_letters (sink, article_id, attempts, error, failed_at, retry) "
        "VALUES ($1, $2, $3, $4, $5, false) ON CONFLICT (sink, article_id) DO UPDATE SET "
        "attempts = sink_dead_letters.attempts + excluded.attempts, error = excluded.error, "
        "failed_at = excluded.failed_at, retry = false",
        pg_text(letter.sink), letter.article_id, letter.attempts, pg_text(letter.error), to_unix(letter.failed_at));
  });
}

Result<std::vector<DeadLetter>> OutboxConnection::dead_letters(std::string_view sink, bool retry_requested_only) {
  return in_transaction(*conn_, "dead letters", [&](pqxx::work& tx) {
    std::vector<DeadLetter> out;
    for (const auto& r : tx.exec_params("SELECT sink, article_id, attempts, error, failed_at, retry "
                                        "FROM sink_dead_letters WHERE sink = $1 AND (NOT $2 OR retry) "
                                        "ORDER BY failed_at, article_id",
                                        pg_text(sink), retry_requested_only)) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::int64_t>(), r[2].as<int>(), r[3].as<std::string>(),
                     from_unix(r[4].as<std::int64_t>()), r[5].as<bool>()});
    }
    return out;
  });
}

Result<void> OutboxConnection::remove_dead_letter(std::string_view sink, std::int64_t article_id) {
  return in_transaction(*conn_, "dead letter removal", [&](pqxx::work& tx) {
    tx.exec_params("DELETE FROM sink_dead_letters WHERE sink = $1 AND article_id = $2", pg_text(sink), article_id);
  });
}

Result<int> OutboxConnection::request_retry(std::string_view sink) {
  if (auto known = cursor(sink); !known) return std::unexpected(known.error());
  return in_transaction(*conn_, "dead letter retry", [&](pqxx::work& tx) {
    return static_cast<int>(
        tx.exec_params("UPDATE sink_dead_letters SET retry = true WHERE sink = $1", pg_text(sink)).affected_rows());
  });
}

Result<int> OutboxConnection::trim() {
  return in_transaction(*conn_, "outbox trim", [&](pqxx::work& tx) {
    return static_cast<int>(
        tx.exec("DELETE FROM outbox WHERE seq <= (SELECT min(cursor) FROM sink_cursors)").affected_rows());
  });
}

Result<std::int64_t> OutboxConnection::last_seq() {
  return in_transaction(*conn_, "outbox last seq",
                        [&](pqxx::work& tx) { return tx.exec1(kLastSeq)[0].as<std::int64_t>(); });
}

}  // namespace newsd::store::pg
