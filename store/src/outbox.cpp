// The outbox: the writer's append (in the article's transaction), the
// sinks' cursors and dead letters on their own connections, and the status
// read by `newsd sinks` and /metrics.
#include "newsd/store/outbox.hpp"

#include <algorithm>
#include <string>

#include "newsd/base/log.hpp"
#include "newsd/store/store.hpp"
#include "outbox_sql.hpp"
#include "pg/pg_backend.hpp"
#include "pg/pg_outbox.hpp"
#include "store_impl.hpp"

namespace newsd::store {

void log_outbox_dropped(std::int64_t dropped, std::int64_t max_rows) {
  if (dropped > 0) log::warn("outbox.dropped", {{"rows", dropped}, {"max_rows", max_rows}});
}

namespace {

Result<std::int64_t> scalar_of(sql::Stmt& stmt) {
  auto row = stmt.step();
  if (!row) return std::unexpected(row.error());
  const std::int64_t v = *row ? stmt.int64(0) : 0;
  stmt.reset();
  return v;
}

Result<std::int64_t> scalar_sql(sqlite3* db, const char* text) {
  auto stmt = sql::Stmt::prepare(db, text);
  if (!stmt) return std::unexpected(stmt.error());
  return scalar_of(*stmt);
}

// sqlite_sequence keeps the highest seq ever given, also after trim() has
// emptied the table; it has no row before the first append.
constexpr const char* kLastSeq = "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)";

}  // namespace

Result<OutboxStatus> read_outbox_status(sqlite3* db) {
  // One read transaction, so lag and rows describe one snapshot.
  if (auto ok = sql::exec(db, "BEGIN"); !ok) return std::unexpected(ok.error());
  struct EndRead {
    sqlite3* db;
    ~EndRead() { sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr); }
  } end_read{db};
  OutboxStatus s;
  auto rows = scalar_sql(db, "SELECT count(*) FROM outbox");
  auto last = scalar_sql(db, kLastSeq);
  auto dropped = scalar_sql(db,
                            "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = "
                            "'outbox_dropped'), 0)");
  if (!rows || !last || !dropped) return std::unexpected(!rows ? rows.error() : !last ? last.error() : dropped.error());
  s.rows = *rows;
  s.last_seq = *last;
  s.dropped = *dropped;
  auto stmt =
      sql::Stmt::prepare(db,
                         "SELECT name, cursor, (SELECT count(*) FROM outbox WHERE seq > c.cursor), delivered, missed, "
                         "(SELECT count(*) FROM sink_dead_letters d WHERE d.sink = c.name), last_error, last_error_at, "
                         "last_delivered_at FROM sink_cursors c ORDER BY name");
  if (!stmt) return std::unexpected(stmt.error());
  auto each = stmt->each_row([&] {
    SinkProgress p;
    p.name = stmt->text(0);
    p.cursor = stmt->int64(1);
    p.lag = stmt->int64(2);
    p.delivered = stmt->int64(3);
    p.missed = stmt->int64(4);
    p.dead_letters = stmt->int64(5);
    p.last_error = stmt->text(6);
    p.last_error_at = opt_time(stmt->opt_int64(7));
    p.last_delivered_at = opt_time(stmt->opt_int64(8));
    s.sinks.push_back(std::move(p));
  });
  if (!each) return std::unexpected(each.error());
  return s;
}

Result<OutboxAppender> OutboxAppender::prepare(sqlite3* db) {
  OutboxAppender a;
  a.db_ = db;
  const std::pair<sql::Stmt*, const char*> statements[] = {
      {&a.probe_, "SELECT count(*), coalesce(min(cursor), 0) FROM sink_cursors"},
      {&a.append_, "INSERT INTO outbox (article_id, stored_at) VALUES (?1, ?2)"},
      {&a.last_seq_, kLastSeq},
      {&a.drop_undelivered_, "DELETE FROM outbox WHERE seq <= ?1 AND seq > ?2"},
      {&a.drop_delivered_, "DELETE FROM outbox WHERE seq <= ?1"},
      {&a.count_dropped_,
       "INSERT INTO meta (key, value) VALUES ('outbox_dropped', ?1) ON CONFLICT (key) DO UPDATE SET "
       "value = CAST(value AS INTEGER) + ?1"},
  };
  for (auto& [stmt, text] : statements) {
    auto prepared = sql::Stmt::prepare(db, text);
    if (!prepared) return std::unexpected(prepared.error());
    *stmt = std::move(*prepared);
  }
  return a;
}

Result<void> OutboxAppender::begin_batch() {
  appended_ = false;
  auto row = probe_.step();
  if (!row) return std::unexpected(row.error());
  active_ = *row && probe_.int64(0) > 0;
  min_cursor_ = *row ? probe_.int64(1) : 0;
  probe_.reset();
  return {};
}

Result<void> OutboxAppender::append(std::int64_t article_id, TimePoint stored_at) {
  if (!active_) return {};
  appended_ = true;
  return append_.bind(1, article_id).bind(2, stored_at.time_since_epoch().count()).run();
}

Result<std::int64_t> OutboxAppender::enforce_bound(std::int64_t max_rows) {
  if (!appended_) return 0;
  // Rows form one run of seq values: appends go to the end, trim() and
  // this bound delete from the start. So the newest max_rows rows are the
  // ones above last - max_rows.
  auto last = scalar_of(last_seq_);
  if (!last) return std::unexpected(last.error());
  const std::int64_t cut = *last - max_rows;
  if (cut <= 0) return 0;
  if (auto ok = drop_undelivered_.bind(1, cut).bind(2, min_cursor_).run(); !ok) return std::unexpected(ok.error());
  const std::int64_t dropped = sqlite3_changes(db_);
  if (auto ok = drop_delivered_.bind(1, cut).run(); !ok) return std::unexpected(ok.error());
  if (dropped > 0) {
    if (auto ok = count_dropped_.bind(1, dropped).run(); !ok) return std::unexpected(ok.error());
  }
  return dropped;
}

struct Outbox::Impl {
  sql::DbPtr db;                             ///< SQLite
  std::unique_ptr<pg::OutboxConnection> pg;  ///< PostgreSQL: every method forwards to it
  std::string claimed;                       ///< SQLite: the sink claim() was called for
};

Outbox::Outbox(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Outbox::Outbox(Outbox&&) noexcept = default;
Outbox& Outbox::operator=(Outbox&&) noexcept = default;
Outbox::~Outbox() = default;

Result<Outbox> Outbox::open(const std::filesystem::path& db, std::chrono::milliseconds busy_timeout) {
  std::error_code ec;
  if (!std::filesystem::exists(db, ec)) return fail(Errc::not_found, "no database at " + db.string());
  auto conn = open_connection(db, db.string(), SQLITE_OPEN_READWRITE, busy_timeout);
  if (!conn) return std::unexpected(conn.error());
  if (auto ok = sql::exec(conn->get(), "PRAGMA foreign_keys = ON"); !ok) return std::unexpected(ok.error());
  // Only the writer-lock holder migrates; the sinks start after it has.
  if (auto current = require_current_schema(conn->get(), db); !current) return std::unexpected(current.error());
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(*conn);
  return Outbox(std::move(impl));
}

Result<Outbox> Outbox::open(const config::StoreConfig& cfg) {
  if (cfg.backend == config::StoreBackend::sqlite) {
    return open(cfg.path, std::chrono::duration_cast<std::chrono::milliseconds>(cfg.busy_timeout));
  }
  auto conn = pg::OutboxConnection::connect(cfg.url);
  if (!conn) return std::unexpected(conn.error());
  auto impl = std::make_unique<Impl>();
  impl->pg = std::move(*conn);
  return Outbox(std::move(impl));
}

Result<bool> Outbox::claim(std::string_view sink) {
  if (impl_->pg) return impl_->pg->claim(sink);
  // One SQLite database has one daemon (the writer lock), so one drain per
  // sink: the claim is only remembered, and the sink must be registered.
  if (impl_->claimed == sink) return false;
  if (auto known = cursor(sink); !known) return std::unexpected(known.error());
  impl_->claimed = sink;
  return true;
}

Result<void> Outbox::register_sinks(std::span<const std::string> names) {
  if (impl_->pg) return impl_->pg->register_sinks(names);
  sqlite3* db = impl_->db.get();
  auto tx = sql::Transaction::begin(db);
  if (!tx) return std::unexpected(tx.error());
  auto existing = sql::Stmt::prepare(db, "SELECT name FROM sink_cursors");
  if (!existing) return std::unexpected(existing.error());
  std::vector<std::string> forget;
  auto rows = existing->each_row([&] {
    std::string name = existing->text(0);
    if (std::ranges::find(names, name) == names.end()) forget.push_back(std::move(name));
  });
  if (!rows) return std::unexpected(rows.error());
  auto remove = sql::Stmt::prepare(db, "DELETE FROM sink_cursors WHERE name = ?1");
  auto add = sql::Stmt::prepare(
      db, std::string("INSERT OR IGNORE INTO sink_cursors (name, cursor) VALUES (?1, (") + kLastSeq + "))");
  if (!remove || !add) return std::unexpected(!remove ? remove.error() : add.error());
  for (const auto& name : forget) {
    if (auto ok = remove->bind(1, name).run(); !ok) return ok;
    log::info("sink.unregistered", {{"sink", name}});
  }
  for (const auto& name : names) {
    if (auto ok = add->bind(1, name).run(); !ok) return ok;
    if (sqlite3_changes(db) > 0) log::info("sink.registered", {{"sink", name}});
  }
  return tx->commit();
}

Result<std::int64_t> Outbox::cursor(std::string_view sink) {
  if (impl_->pg) return impl_->pg->cursor(sink);
  auto stmt = sql::Stmt::prepare(impl_->db.get(), "SELECT cursor FROM sink_cursors WHERE name = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->bind(1, sink).step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return fail(Errc::not_found, "no sink named '" + std::string(sink) + "' is registered");
  return stmt->int64(0);
}

Result<std::vector<OutboxEntry>> Outbox::read_after(std::int64_t after, int limit) {
  if (impl_->pg) return impl_->pg->read_after(after, limit);
  auto stmt = sql::Stmt::prepare(impl_->db.get(),
                                 "SELECT seq, article_id, stored_at FROM outbox WHERE seq > ?1 ORDER BY seq LIMIT ?2");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, after).bind(2, limit);
  std::vector<OutboxEntry> out;
  auto rows = stmt->each_row([&] { out.push_back({stmt->int64(0), stmt->int64(1), from_unix(stmt->int64(2))}); });
  if (!rows) return std::unexpected(rows.error());
  return out;
}

Result<void> Outbox::advance(std::string_view sink, std::int64_t seq, int delivered, std::int64_t missed,
                             TimePoint at) {
  if (impl_->pg) return impl_->pg->advance(sink, seq, delivered, missed, at);
  auto stmt = sql::Stmt::prepare(impl_->db.get(),
                                 "UPDATE sink_cursors SET cursor = max(cursor, ?2), delivered = delivered + ?3, "
                                 "missed = missed + ?4, last_delivered_at = CASE WHEN ?3 > 0 THEN ?5 ELSE "
                                 "last_delivered_at END WHERE name = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, sink).bind(2, seq).bind(3, delivered).bind(4, missed).bind(5, to_unix(at));
  return stmt->run();
}

Result<void> Outbox::record_error(std::string_view sink, std::string_view error, TimePoint at) {
  if (impl_->pg) return impl_->pg->record_error(sink, error, at);
  auto stmt = sql::Stmt::prepare(impl_->db.get(),
                                 "UPDATE sink_cursors SET last_error = ?2, last_error_at = ?3 WHERE name = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  return stmt->bind(1, sink).bind(2, error).bind(3, to_unix(at)).run();
}

Result<void> Outbox::add_dead_letter(const DeadLetter& letter) {
  if (impl_->pg) return impl_->pg->add_dead_letter(letter);
  auto stmt = sql::Stmt::prepare(impl_->db.get(),
                                 "INSERT INTO sink_dead_letters (sink, article_id, attempts, error, failed_at, retry) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, 0) ON CONFLICT (sink, article_id) DO UPDATE SET "
                                 "attempts = attempts + excluded.attempts, error = excluded.error, "
                                 "failed_at = excluded.failed_at, retry = 0");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, letter.sink).bind(2, letter.article_id).bind(3, letter.attempts).bind(4, letter.error);
  return stmt->bind(5, to_unix(letter.failed_at)).run();
}

Result<std::vector<DeadLetter>> Outbox::dead_letters(std::string_view sink, bool retry_requested_only) {
  if (impl_->pg) return impl_->pg->dead_letters(sink, retry_requested_only);
  auto stmt = sql::Stmt::prepare(impl_->db.get(),
                                 "SELECT sink, article_id, attempts, error, failed_at, retry FROM sink_dead_letters "
                                 "WHERE sink = ?1 AND (?2 = 0 OR retry = 1) ORDER BY failed_at, article_id");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, sink).bind(2, retry_requested_only ? 1 : 0);
  std::vector<DeadLetter> out;
  auto rows = stmt->each_row([&] {
    out.push_back({stmt->text(0), stmt->int64(1), static_cast<int>(stmt->int64(2)), stmt->text(3),
                   from_unix(stmt->int64(4)), stmt->int64(5) != 0});
  });
  if (!rows) return std::unexpected(rows.error());
  return out;
}

Result<void> Outbox::remove_dead_letter(std::string_view sink, std::int64_t article_id) {
  if (impl_->pg) return impl_->pg->remove_dead_letter(sink, article_id);
  auto stmt = sql::Stmt::prepare(impl_->db.get(), "DELETE FROM sink_dead_letters WHERE sink = ?1 AND article_id = ?2");
  if (!stmt) return std::unexpected(stmt.error());
  return stmt->bind(1, sink).bind(2, article_id).run();
}

Result<int> Outbox::request_retry(std::string_view sink) {
  if (impl_->pg) return impl_->pg->request_retry(sink);
  if (auto known = cursor(sink); !known) return std::unexpected(known.error());
  auto stmt = sql::Stmt::prepare(impl_->db.get(), "UPDATE sink_dead_letters SET retry = 1 WHERE sink = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  if (auto ok = stmt->bind(1, sink).run(); !ok) return std::unexpected(ok.error());
  return sqlite3_changes(impl_->db.get());
}

Result<int> Outbox::trim() {
  if (impl_->pg) return impl_->pg->trim();
  auto stmt =
      sql::Stmt::prepare(impl_->db.get(), "DELETE FROM outbox WHERE seq <= (SELECT min(cursor) FROM sink_cursors)");
  if (!stmt) return std::unexpected(stmt.error());
  if (auto ok = stmt->run(); !ok) return std::unexpected(ok.error());
  return sqlite3_changes(impl_->db.get());
}

Result<std::int64_t> Outbox::last_seq() {
  if (impl_->pg) return impl_->pg->last_seq();
  return scalar_sql(impl_->db.get(), kLastSeq);
}

Result<OutboxStatus> Outbox::status() {
  if (impl_->pg) return impl_->pg->status();
  return read_outbox_status(impl_->db.get());
}

Result<OutboxStatus> Store::outbox_status() {
  if (pg_) return pg::outbox_status(pg_->connection());
  return read_outbox_status(impl_->db.get());
}

}  // namespace newsd::store
