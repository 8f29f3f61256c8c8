// PostgreSQL backend: feed leases and worker heartbeats, so that several
// newsd processes sharing one database each poll a feed that no other one
// holds. A lease is a row (feed, worker, until); claiming goes through
// `FOR UPDATE SKIP LOCKED` on the feeds rows, so two workers claiming at the
// same moment take disjoint sets without waiting on each other, and a dead
// worker's feeds become claimable once its leases expire.
#include "pg_backend.hpp"
#include "pg_rows.hpp"

namespace newsd::store::pg {

namespace {

// The state of the feeds just leased, read in the leasing transaction.
std::vector<FeedState> leased_states(pqxx::work& tx, const pqxx::result& leased) {
  std::string ids = "{";
  for (const auto& r : leased) {
    if (ids.size() > 1) ids += ',';
    ids += std::to_string(r[0].as<std::int64_t>());
  }
  ids += '}';
  std::vector<FeedState> out;
  out.reserve(leased.size());
  for (const auto& r : tx.exec_params(std::string("SELECT ") + kFeedColumns +
                                          "0::bigint FROM feeds WHERE id = ANY($1::bigint[]) "
                                          "ORDER BY coalesce(next_fetch_at, 0), id",
                                      ids)) {
    out.push_back(feed_from(r));
  }
  return out;
}

}  // namespace

Result<std::vector<FeedState>> Backend::lease_due_feeds(std::string_view worker, TimePoint now,
                                                        std::chrono::seconds ttl, int limit) {
  try {
    pqxx::work tx(*conn_);
    // The feeds rows are the lock: a row another worker is claiming is
    // skipped, not waited for. A lease row decides ownership afterwards,
    // and the upsert takes a feed over only when its lease has expired.
    auto rows = tx.exec_params(
        "WITH due AS (SELECT f.id, coalesce(f.next_fetch_at, 0) AS due_at FROM feeds f "
        "LEFT JOIN feed_leases l ON l.feed_id = f.id "
        "WHERE f.removed_at IS NULL AND f.state <> 'gone' AND coalesce(f.next_fetch_at, 0) <= $2 "
        "AND (l.feed_id IS NULL OR l.leased_until <= $2) "
        "ORDER BY 2, f.id LIMIT $4 FOR UPDATE OF f SKIP LOCKED) "
        "INSERT INTO feed_leases (feed_id, worker, leased_until) SELECT id, $1, $2 + $3 FROM due "
        "ON CONFLICT (feed_id) DO UPDATE SET worker = excluded.worker, leased_until = excluded.leased_until "
        "WHERE feed_leases.leased_until <= $2 RETURNING feed_id",
        pg_text(worker), to_unix(now), static_cast<std::int64_t>(ttl.count()), std::max(limit, 0));
    auto states = leased_states(tx, rows);
    tx.commit();
    return states;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "lease_due_feeds"));
  }
}

Result<std::vector<FeedState>> Backend::lease_feeds(std::string_view worker, std::span<const std::int64_t> feed_ids,
                                                    TimePoint now, std::chrono::seconds ttl) {
  std::string ids = "{";
  for (const auto id : feed_ids) {
    if (ids.size() > 1) ids += ',';
    ids += std::to_string(id);
  }
  ids += '}';
  try {
    pqxx::work tx(*conn_);
    // As lease_due_feeds, without the due condition; the caller's own
    // unexpired lease is renewed rather than refused.
    auto rows = tx.exec_params(
        "WITH wanted AS (SELECT f.id FROM feeds f WHERE f.id = ANY($4::bigint[]) "
        "AND f.removed_at IS NULL AND f.state <> 'gone' ORDER BY f.id FOR UPDATE SKIP LOCKED) "
        "INSERT INTO feed_leases (feed_id, worker, leased_until) SELECT id, $1, $2::bigint + $3::bigint FROM wanted "
        "ON CONFLICT (feed_id) DO UPDATE SET worker = excluded.worker, leased_until = excluded.leased_until "
        "WHERE feed_leases.leased_until <= $2 OR feed_leases.worker = $1 RETURNING feed_id",
        pg_text(worker), to_unix(now), static_cast<std::int64_t>(ttl.count()), ids);
    auto states = leased_states(tx, rows);
    tx.commit();
    return states;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "lease_feeds"));
  }
}

Result<std::map<std::string, HostSlotTime>> Backend::reserve_host_slots(const std::map<std::string, int>& requests,
                                                                        HostSlotTime now,
                                                                        std::chrono::milliseconds gap) {
  const std::int64_t now_ms = now.time_since_epoch().count();
  try {
    pqxx::work tx(*conn_);
    std::map<std::string, HostSlotTime> first;
    // One row per host, updated in the map's (sorted) order: two workers
    // reserving the same hosts lock them in the same order, never in a cycle.
    // The update is atomic, so each reserved time is handed out once.
    for (const auto& [host, n] : requests) {
      if (n <= 0) continue;
      const std::int64_t span = gap.count() * n;
      auto row = tx.exec_params1(
          "INSERT INTO host_budgets AS b (host, next_at_ms) VALUES ($1, $2::bigint + $3::bigint) "
          "ON CONFLICT (host) DO UPDATE SET next_at_ms = greatest(b.next_at_ms, $2::bigint) + $3::bigint "
          "RETURNING next_at_ms",
          pg_text(host), now_ms, span);
      first.emplace(host, HostSlotTime{std::chrono::milliseconds{row[0].as<std::int64_t>() - span}});
    }
    tx.commit();
    return first;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "reserve_host_slots"));
  }
}

Result<void> Backend::release_feed(std::string_view worker, std::int64_t feed_id) {
  try {
    pqxx::work tx(*conn_);
    tx.exec_params("DELETE FROM feed_leases WHERE feed_id = $1 AND worker = $2", feed_id, pg_text(worker));
    tx.commit();
    return {};
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "release_feed"));
  }
}

Result<void> Backend::heartbeat(const WorkerInfo& worker, TimePoint now, std::chrono::seconds lease_ttl) {
  try {
    pqxx::work tx(*conn_);
    tx.exec_params(
        "INSERT INTO workers (id, host, pid, started_at, heartbeat_at) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (id) DO UPDATE SET host = excluded.host, pid = excluded.pid, heartbeat_at = excluded.heartbeat_at",
        pg_text(worker.id), pg_text(worker.host), worker.pid, to_unix(worker.started_at), to_unix(now));
    // A live worker keeps what it holds; only a silent one loses its feeds.
    tx.exec_params("UPDATE feed_leases SET leased_until = $2 WHERE worker = $1 AND leased_until > $3",
                   pg_text(worker.id), to_unix(now) + lease_ttl.count(), to_unix(now));
    tx.commit();
    return {};
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "heartbeat"));
  }
}

Result<std::vector<WorkerInfo>> Backend::workers(TimePoint alive_since, TimePoint now) {
  try {
    pqxx::work tx(*conn_);
    std::vector<WorkerInfo> out;
    for (const auto& r : tx.exec_params("SELECT id, host, pid, started_at, heartbeat_at FROM workers "
                                        "WHERE heartbeat_at >= $1 ORDER BY id",
                                        to_unix(alive_since))) {
      out.push_back({r[0].as<std::string>(),
                     r[1].as<std::string>(),
                     r[2].as<int>(),
                     from_unix(r[3].as<std::int64_t>()),
                     from_unix(r[4].as<std::int64_t>()),
                     {}});
    }
    for (auto& w : out) {
      for (const auto& r : tx.exec_params("SELECT l.feed_id, f.url, l.leased_until FROM feed_leases l "
                                          "JOIN feeds f ON f.id = l.feed_id "
                                          "WHERE l.worker = $1 AND l.leased_until > $2 ORDER BY l.feed_id",
                                          w.id, to_unix(now))) {
        w.leases.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>(), from_unix(r[2].as<std::int64_t>())});
      }
    }
    return out;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "workers"));
  }
}

}  // namespace newsd::store::pg
