// Store: connections, feed state, the batched article writer with dedup and
// clusters, retention and backup. Queries are in queries.cpp.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <system_error>
#include <unordered_map>

#include "dedup.hpp"
#include "fingerprint.hpp"
#include "newsd/base/log.hpp"
#include "newsd/parse/url.hpp"
#include "newsd/store/index_terms.hpp"
#include "outbox_sql.hpp"
#include "pg/pg_backend.hpp"
#include "prepared_record.hpp"
#include "schema.hpp"
#include "store_impl.hpp"
#include "tokenizer.hpp"

namespace newsd::store {

struct ArticleWriter {
  /// (name, kind) -> tags.id; cleared whenever a write transaction fails,
  /// since ids inserted by a rolled-back transaction no longer exist.
  std::map<std::pair<std::string, std::string>, std::int64_t> tag_ids;

  sql::Stmt article_by_canonical{};
  sql::Stmt source_by_canonical{};
  sql::Stmt article_by_hash{};
  ClusterLookup clusters;
  sql::Stmt insert_article{};
  sql::Stmt insert_fts{};
  sql::Stmt next_article_id{};
  /// The id the next inserted article gets, read when each batch starts:
  /// knowing it before the INSERT lets a new story be its own cluster
  /// without a second write to the row.
  std::int64_t next_id = 0;
  sql::Stmt insert_source{};
  sql::Stmt upsert_tag{};
  sql::Stmt insert_article_tag{};
  OutboxAppender outbox;
  sql::Stmt insert_watch_match{};

  static Result<std::unique_ptr<ArticleWriter>> prepare(sqlite3* db) {
    auto w = std::make_unique<ArticleWriter>();
    auto outbox = OutboxAppender::prepare(db);
    if (!outbox) return std::unexpected(outbox.error());
    w->outbox = std::move(*outbox);
    auto clusters = ClusterLookup::prepare(db);
    if (!clusters) return std::unexpected(clusters.error());
    w->clusters = std::move(*clusters);
    const std::pair<sql::Stmt*, const char*> statements[] = {
        {&w->article_by_canonical, "SELECT id FROM articles WHERE canonical_url = ?1"},
        {&w->source_by_canonical, "SELECT article_id FROM article_sources WHERE canonical_url = ?1 LIMIT 1"},
        {&w->article_by_hash, "SELECT id FROM articles WHERE content_hash = ?1 ORDER BY id LIMIT 1"},
        {&w->insert_article,
         "INSERT INTO articles (feed_id, canonical_url, url, guid, title, byline, lang, section, image, text, "
         "published_at, fetched_at, content_hash, simhash, cluster_id, id, taxonomy_version, model_version) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"},
        {&w->insert_fts, "INSERT INTO articles_fts (rowid, title, text) VALUES (?1, ?2, ?3)"},
        {&w->next_article_id, "SELECT coalesce(max(id), 0) + 1 FROM articles"},
        {&w->insert_source,
         "INSERT OR IGNORE INTO article_sources (article_id, feed_id, canonical_url, url, guid, seen_at) "
         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
        {&w->upsert_tag, kUpsertTagSql},
        {&w->insert_article_tag,
         "INSERT OR IGNORE INTO article_tags (article_id, tag_id, score, source) VALUES (?1, ?2, ?3, ?4)"},
        {&w->insert_watch_match, "INSERT OR IGNORE INTO watch_matches (article_id, watch) VALUES (?1, ?2)"},
    };
    for (auto& [stmt, text] : statements) {
      auto prepared = sql::Stmt::prepare(db, text);
      if (!prepared) return std::unexpected(prepared.error());
      *stmt = std::move(*prepared);
    }
    return w;
  }
};

Store::Impl::Impl() = default;
Store::Impl::~Impl() = default;

namespace {

// SQLite's memory statistics take one process-wide mutex around every
// allocation, so the writer and every reader thread contend on it (3-4 % of
// the feeds-only benchmark's CPU), and nothing in newsd reads them. The
// setting must precede sqlite3_initialize(); if something initialised SQLite
// first, the call is refused and the statistics simply stay on.
void configure_library_once() {
  static const int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)rc;
}

}  // namespace

Result<sql::DbPtr> open_connection(const std::filesystem::path& path, const std::string& name, int flags,
                                   std::chrono::milliseconds busy) {
  configure_library_once();
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(name.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  sql::DbPtr db(raw);
  if (rc != SQLITE_OK) return sql::db_error(raw, "cannot open " + path.string());
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, static_cast<int>(busy.count()));
  if (auto ok = register_tokenizer(raw); !ok) return std::unexpected(ok.error());
  return db;
}

Result<void> require_current_schema(sqlite3* db, const std::filesystem::path& path) {
  auto version = schema_version(db);
  if (!version) return std::unexpected(version.error());
  if (*version == kSchemaVersion) return {};
  return fail(Errc::database, path.string() + " has schema version " + std::to_string(*version) + ", expected " +
                                  std::to_string(kSchemaVersion) +
                                  (*version < kSchemaVersion ? " (start the daemon once to migrate it)" : ""));
}

namespace {

// `file:` URI for `path` with one query parameter. Everything but
// unreserved characters is percent-encoded: a '?', '#' or '%' in a file
// name must not end the path.
std::string sqlite_uri(const std::filesystem::path& path, std::string_view parameter) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = "file:";
  for (const char c : path.string()) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '/' || c == '.' || c == '-' || c == '_' || c == '~') {
      uri += c;
    } else {
      uri += '%';
      uri += kHex[u >> 4];
      uri += kHex[u & 0xF];
    }
  }
  return uri + "?" + std::string(parameter);
}

// The read-only connection could not map or create the WAL index: the
// errors SQLite gives a reader that may not write the database directory.
bool cannot_share_wal(sqlite3* db) {
  const int primary = sqlite3_extended_errcode(db) & 0xff;
  return primary == SQLITE_CANTOPEN || primary == SQLITE_READONLY;
}

// No -wal file, or an empty one: nothing committed lies outside the main
// file, and no writer is between checkpoints.
bool wal_is_empty(const std::filesystem::path& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path.string() + "-wal", ec);
  return ec || size == 0;
}

// `slot` prepared with `text` on its first use, then the same statement:
// its bindings are cleared by every run(), so each caller binds all of them.
Result<sql::Stmt*> reuse(sqlite3* db, sql::Stmt& slot, const char* text) {
  if (!slot) {
    auto stmt = sql::Stmt::prepare(db, text);
    if (!stmt) return std::unexpected(stmt.error());
    slot = std::move(*stmt);
  }
  return &slot;
}

// The first column of the first row, if any; the statement is reset for reuse.
Result<std::optional<std::int64_t>> first_id(sql::Stmt& stmt) {
  auto row = stmt.step();
  if (!row) return std::unexpected(row.error());
  std::optional<std::int64_t> id;
  if (*row) id = stmt.int64(0);
  stmt.reset();
  return id;
}

}  // namespace

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

Result<Store> Store::open(const std::filesystem::path& path, const config::StoreConfig& cfg) {
  if (path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) return fail(Errc::io, "cannot create " + path.parent_path().string() + ": " + ec.message());
  }
  // Before the connection: a second writer must not even run migrations.
  auto lock = WriterLock::acquire(path);
  if (!lock) return std::unexpected(lock.error());
  auto db = open_connection(path, path.string(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                            std::chrono::duration_cast<std::chrono::milliseconds>(cfg.busy_timeout));
  if (!db) return std::unexpected(db.error());
  // WAL lets readers run while the writer commits; synchronous=NORMAL in WAL
  // can lose the last commits on power loss but never corrupts the file, and
  // a killed process loses nothing that was committed.
  // A 4 MiB page cache (SQLite's default is 2 MiB): it holds the upper
  // levels of the indexes every insert probes (canonical URL, content hash,
  // sources), while the leaves come from the OS page cache at a pread each.
  // Measured against 8 MiB, binaries alternated (docs/performance.md): the
  // same time on the feeds-only and full ingest passes and on the insert
  // benchmark up to ~100k articles, and 4 MB less resident, which an idle
  // daemon with 10,000 feeds needs to stay under its 64 MB (59.5 vs 64 MB).
  // 32 MiB only cost memory (73 MB peak on feeds-only).
  if (auto ok = sql::exec(db->get(),
                          "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; "
                          "PRAGMA cache_size = -4096;");
      !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = migrate(db->get()); !ok) return std::unexpected(ok.error());
  if (auto rebuilt = ensure_fts_current(db->get()); !rebuilt) return std::unexpected(rebuilt.error());
  auto impl = std::make_unique<Impl>();
  impl->lock = std::move(*lock);
  impl->db = std::move(*db);
  impl->path = path;
  impl->busy_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(cfg.busy_timeout);
  impl->outbox_max_rows = cfg.outbox.max_rows;
  impl->last_checkpoint = std::chrono::steady_clock::now();
  log::info("store.open", {{"path", path.string()}, {"schema", kSchemaVersion}});
  return Store(std::move(impl));
}

Result<Store> Store::open_readonly(const std::filesystem::path& path, std::chrono::milliseconds busy_timeout) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return fail(Errc::not_found, "no database at " + path.string());
  auto db = open_connection(path, sqlite_uri(path, "mode=ro"), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, busy_timeout);
  if (!db) return std::unexpected(db.error());
  if (auto probe = schema_version(db->get()); !probe && cannot_share_wal(db->get()) && wal_is_empty(path)) {
    // A reader that may not create the -shm/-wal files (a read-only user,
    // a directory it cannot write) with no daemon running: the main file
    // holds every commit, so it is read as an immutable file, unlocked.
    log::info("store.open_immutable", {{"path", path.string()}, {"reason", sqlite3_errmsg(db->get())}});
    db = open_connection(path, sqlite_uri(path, "immutable=1"), SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, busy_timeout);
    if (!db) return std::unexpected(db.error());
  }
  if (auto current = require_current_schema(db->get(), path); !current) return std::unexpected(current.error());
  auto impl = std::make_unique<Impl>();
  impl->db = std::move(*db);
  impl->readonly = true;
  impl->path = path;
  return Store(std::move(impl));
}

Result<void> Store::checkpoint(WalCheckpoint mode) {
  if (pg_) return {};
  sqlite3* db = impl_->db.get();
  const int how = mode == WalCheckpoint::truncate ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE;
  int wal_frames = 0, copied = 0;
  if (sqlite3_wal_checkpoint_v2(db, nullptr, how, &wal_frames, &copied) != SQLITE_OK) {
    return sql::db_error(db, mode == WalCheckpoint::truncate ? "WAL checkpoint (truncate)" : "WAL checkpoint");
  }
  log::debug("store.checkpoint", {{"mode", mode == WalCheckpoint::truncate ? "truncate" : "passive"},
                                  {"wal_frames", wal_frames},
                                  {"copied", copied}});
  return {};
}

void Store::release_memory() noexcept {
  if (pg_) return;
  (void)sqlite3_db_release_memory(impl_->db.get());
}

Result<void> Store::checkpoint_when_due(std::chrono::steady_clock::time_point now) {
  if (pg_) return {};
  constexpr int kPassivePerTruncate = 10;
  if (now - impl_->last_checkpoint < kCheckpointPeriod) return {};
  impl_->last_checkpoint = now;
  if (++impl_->passive_checkpoints < kPassivePerTruncate) return checkpoint(WalCheckpoint::passive);
  impl_->passive_checkpoints = 0;
  // The writer thread must not stall behind a long search: no busy wait,
  // a reader in the way just postpones the truncation by one round.
  sqlite3_busy_timeout(impl_->db.get(), 0);
  auto done = checkpoint(WalCheckpoint::truncate);
  const bool busy = !done && (sqlite3_errcode(impl_->db.get()) & 0xff) == SQLITE_BUSY;
  sqlite3_busy_timeout(impl_->db.get(), static_cast<int>(impl_->busy_timeout.count()));
  if (busy) {
    impl_->passive_checkpoints = kPassivePerTruncate - 1;  // try again next round
    return {};
  }
  return done;
}

namespace {

// Adds the feed, or brings back one that was removed, keeping its state.
Result<void> upsert_feed(sqlite3* db, sql::Stmt& upsert, std::string_view url, std::string_view name) {
  auto stmt = reuse(db, upsert,
                    "INSERT INTO feeds (url, name) VALUES (?1, ?2) ON CONFLICT (url) DO UPDATE SET "
                    "name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE feeds.name END, "
                    "removed_at = NULL");
  if (!stmt) return std::unexpected(stmt.error());
  return (*stmt)->bind(1, url).bind(2, name).run();
}

}  // namespace

Result<FeedState> Store::ensure_feed(std::string_view url, std::string_view name) {
  if (pg_) return pg_->ensure_feed(url, name);
  sqlite3* db = impl_->db.get();
  if (auto ok = upsert_feed(db, impl_->ensure_feed, url, name); !ok) return std::unexpected(ok.error());
  auto found = load_feeds(db, url, false);
  if (!found) return std::unexpected(found.error());
  if (found->empty()) return fail(Errc::internal, "feed vanished after insert: " + std::string(url));
  return std::move(found->front());
}

Result<std::vector<FeedState>> Store::ensure_feeds(std::span<const config::FeedConfig> feeds) {
  std::vector<FeedState> states;
  states.reserve(feeds.size());
  if (pg_) {
    for (const auto& feed : feeds) {
      auto state = pg_->ensure_feed(feed.url, feed.name);
      if (!state) return std::unexpected(state.error());
      states.push_back(std::move(*state));
    }
    return states;
  }
  // One commit for a whole config (a commit each made the start of a
  // 1,000-feed daemon wait a tenth of a second on its writer), and one read
  // of the table afterwards rather than one per feed.
  sqlite3* db = impl_->db.get();
  auto tx = sql::Transaction::begin(db);
  if (!tx) return std::unexpected(tx.error());
  for (const auto& feed : feeds) {
    if (auto ok = upsert_feed(db, impl_->ensure_feed, feed.url, feed.name); !ok) return std::unexpected(ok.error());
  }
  auto stored = load_feeds(db, {}, false);
  if (!stored) return std::unexpected(stored.error());
  if (auto ok = tx->commit(); !ok) return std::unexpected(ok.error());
  std::unordered_map<std::string_view, FeedState*> by_url;
  for (auto& state : *stored) by_url.emplace(state.url, &state);
  for (const auto& feed : feeds) {
    const auto it = by_url.find(feed.url);
    if (it == by_url.end()) return fail(Errc::internal, "feed vanished after insert: " + feed.url);
    states.push_back(*it->second);
  }
  return states;
}

namespace {

// Only sitemap indexes have children, and their polls are few: the
// statements are prepared per outcome rather than kept.
Result<void> record_children_read(sqlite3* db, const FeedFetchResult& r) {
  if (r.children_read.empty()) return {};
  auto upsert = sql::Stmt::prepare(db,
                                   "INSERT INTO sitemap_children (feed_id, url, lastmod, read_at) VALUES (?1, ?2, ?3, "
                                   "?4) ON CONFLICT (feed_id, url) DO UPDATE SET lastmod = excluded.lastmod, "
                                   "read_at = excluded.read_at");
  if (!upsert) return std::unexpected(upsert.error());
  for (const auto& child : r.children_read) {
    upsert->bind(1, r.feed_id).bind(2, child.url).bind(3, opt_unix(child.lastmod)).bind(4, to_unix(child.read_at));
    if (auto ok = upsert->run(); !ok) return ok;
  }
  // A child the index stopped listing (last month's) is not read again: after
  // 30 days its record only takes room.
  constexpr std::int64_t kForgetAfter = 30 * 24 * 3600;
  auto forget = sql::Stmt::prepare(db, "DELETE FROM sitemap_children WHERE feed_id = ?1 AND read_at < ?2");
  if (!forget) return std::unexpected(forget.error());
  return forget->bind(1, r.feed_id).bind(2, to_unix(r.fetched_at) - kForgetAfter).run();
}

}  // namespace

Result<std::vector<SitemapChildRead>> Store::sitemap_children(std::int64_t feed_id) {
  if (pg_) return pg_->sitemap_children(feed_id);
  auto stmt = sql::Stmt::prepare(impl_->db.get(),
                                 "SELECT url, lastmod, read_at FROM sitemap_children WHERE feed_id = ?1 ORDER BY url");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, feed_id);
  std::vector<SitemapChildRead> out;
  auto rows = stmt->each_row([&] {
    out.push_back({stmt->text(0), opt_time(stmt->opt_int64(1)), from_unix(stmt->int64(2))});
  });
  if (!rows) return std::unexpected(rows.error());
  return out;
}

Result<void> Store::record_fetch(const FeedFetchResult& r) {
  if (pg_) return pg_->record_fetch(r);
  auto prepared = reuse(
      impl_->db.get(), impl_->record_fetch,
      "UPDATE feeds SET title = coalesce(?2, title), site_url = coalesce(?3, site_url), etag = coalesce(?4, etag), "
      "last_modified = coalesce(?5, last_modified), interval_s = coalesce(?6, interval_s), last_fetched_at = ?7, "
      "next_fetch_at = ?8, consecutive_errors = CASE WHEN ?9 IS NULL THEN 0 ELSE consecutive_errors + 1 END, "
      "last_error = coalesce(?9, ''), state = CASE WHEN ?10 THEN 'gone' WHEN ?9 IS NOT NULL THEN 'error' "
      "ELSE 'active' END, interval_reason = coalesce(?11, interval_reason), "
      "error_class = CASE WHEN ?9 IS NULL THEN '' ELSE ?12 END, "
      "error_since = CASE WHEN ?9 IS NULL THEN NULL WHEN consecutive_errors = 0 OR error_since IS NULL THEN ?7 "
      "ELSE error_since END, "
      "mean_gap_s = CASE WHEN ?13 IS NULL THEN mean_gap_s ELSE ?13 END, "
      "gaps = CASE WHEN ?13 IS NULL THEN gaps ELSE ?14 END, "
      "last_new_entry_at = CASE WHEN ?13 IS NULL THEN last_new_entry_at ELSE ?15 END, "
      "source_type = coalesce(?16, source_type), "
      "links_found = CASE WHEN ?17 IS NULL THEN links_found ELSE ?17 END, "
      "links_hash = coalesce(?18, links_hash) WHERE id = ?1");
  if (!prepared) return std::unexpected(prepared.error());
  sql::Stmt* stmt = *prepared;
  auto bind_opt = [&](int i, const std::optional<std::string>& v) {
    if (v)
      stmt->bind(i, *v);
    else
      stmt->bind_null(i);
  };
  stmt->bind(1, r.feed_id);
  bind_opt(2, r.title);
  bind_opt(3, r.site_url);
  bind_opt(4, r.etag);
  bind_opt(5, r.last_modified);
  stmt->bind(6, r.interval_s ? std::optional<std::int64_t>(*r.interval_s) : std::nullopt);
  stmt->bind(7, to_unix(r.fetched_at)).bind(8, to_unix(r.next_fetch_at));
  bind_opt(9, r.error);
  stmt->bind(10, r.gone ? 1 : 0);
  bind_opt(11, r.interval_reason);
  stmt->bind(12, r.error_class);
  if (r.mean_gap_s) {
    stmt->bind(13, *r.mean_gap_s).bind(14, static_cast<std::int64_t>(r.gaps));
    stmt->bind(15, r.last_new_entry_at ? std::optional<std::int64_t>(to_unix(*r.last_new_entry_at)) : std::nullopt);
  } else {
    stmt->bind_null(13).bind_null(14).bind_null(15);
  }
  bind_opt(16, r.source_type);
  stmt->bind(17, r.links_found ? std::optional<std::int64_t>(*r.links_found) : std::nullopt);
  bind_opt(18, r.links_hash);
  if (auto ok = stmt->run(); !ok) return ok;
  if (sqlite3_changes(impl_->db.get()) == 0) {
    return fail(Errc::not_found, "no feed with id " + std::to_string(r.feed_id));
  }
  if (auto ok = record_children_read(impl_->db.get(), r); !ok) return ok;
  if (!r.moved_to) return {};
  // OR IGNORE: when another configured feed already has the new URL, the
  // two stay separate rows rather than failing the whole fetch outcome.
  auto move = reuse(impl_->db.get(), impl_->move_feed, "UPDATE OR IGNORE feeds SET url = ?2 WHERE id = ?1");
  if (!move) return std::unexpected(move.error());
  return (*move)->bind(1, r.feed_id).bind(2, *r.moved_to).run();
}

std::vector<Result<void>> Store::record_fetches(std::span<const FeedFetchResult> results) {
  if (!pg_ && results.size() > 1) {
    // The writer records every feed whose articles a batch committed; one
    // commit each was a tenth of its time on a first poll of 1,000 feeds.
    if (auto tx = sql::Transaction::begin(impl_->db.get())) {
      const bool all =
          std::ranges::all_of(results, [&](const FeedFetchResult& r) { return record_fetch(r).has_value(); });
      if (all && tx->commit()) return std::vector<Result<void>>(results.size());
    }  // rolled back here, when not committed
  }
  std::vector<Result<void>> out;
  out.reserve(results.size());
  for (const auto& r : results) out.push_back(record_fetch(r));
  return out;
}

Result<void> Store::mark_removed(std::int64_t feed_id, TimePoint at) {
  if (pg_) return pg_->mark_removed(feed_id, at);
  auto stmt = sql::Stmt::prepare(impl_->db.get(), "UPDATE feeds SET removed_at = ?2 WHERE id = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  return stmt->bind(1, feed_id).bind(2, to_unix(at)).run();
}

namespace {

Result<bool> reactivate_row(sqlite3* db, std::string_view url, TimePoint now) {
  auto stmt = sql::Stmt::prepare(db,
                                 "UPDATE feeds SET state = 'active', consecutive_errors = 0, last_error = '', "
                                 "error_class = '', error_since = NULL, next_fetch_at = ?2 WHERE url = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  if (auto ok = stmt->bind(1, url).bind(2, to_unix(now)).run(); !ok) return std::unexpected(ok.error());
  return sqlite3_changes(db) > 0;
}

}  // namespace

Result<sql::DbPtr> open_beside_writer(const std::filesystem::path& path, std::chrono::milliseconds busy_timeout) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return fail(Errc::not_found, "no database at " + path.string());
  // No CREATE and no migration: only the lock holder may change the schema;
  // a few rows of a current schema are all such a writer touches.
  auto db = open_connection(path, path.string(), SQLITE_OPEN_READWRITE, busy_timeout);
  if (!db) return std::unexpected(db.error());
  if (auto current = require_current_schema(db->get(), path); !current) return std::unexpected(current.error());
  if (auto ok = sql::exec(db->get(), "PRAGMA foreign_keys = ON"); !ok) return std::unexpected(ok.error());
  return db;
}

Result<bool> Store::request_reactivation(const std::filesystem::path& path, std::string_view url, TimePoint now,
                                         std::chrono::milliseconds busy_timeout) {
  auto db = open_beside_writer(path, busy_timeout);
  if (!db) return std::unexpected(db.error());
  return reactivate_row(db->get(), url, now);
}

namespace {

constexpr std::string_view kEntryKeyScheme = "feed:";

// entry_key() values are keys already; canonicalizing would make them
// something else.
std::string dedup_key(std::string_view url_or_key) {
  if (url_or_key.starts_with(kEntryKeyScheme)) return std::string(url_or_key);
  return parse::canonicalize_url(url_or_key);
}

// The stored article reachable from a URL as linked: by canonical URL (of an
// article or of a source), or by the exact linked URL of a source.
constexpr const char* kArticleByLinkedUrl =
    "SELECT id FROM articles WHERE canonical_url = ?1 UNION ALL "
    "SELECT article_id FROM article_sources WHERE canonical_url = ?1 UNION ALL "
    "SELECT article_id FROM article_sources WHERE url = ?2 LIMIT 1";

// `lookup` is prepared on first use and kept by the caller.
Result<std::optional<std::int64_t>> article_by_linked_url(sqlite3* db, sql::Stmt& lookup, std::string_view url) {
  auto stmt = reuse(db, lookup, kArticleByLinkedUrl);
  if (!stmt) return std::unexpected(stmt.error());
  return first_id((*stmt)->bind(1, dedup_key(url)).bind(2, url));
}

}  // namespace

std::string lookup_key(std::string_view url_or_key) { return dedup_key(url_or_key); }

std::string record_key(const ArticleRecord& rec) {
  if (!rec.entry_key.empty()) return rec.entry_key;
  return parse::canonicalize_url(rec.canonical_url.empty() ? rec.url : rec.canonical_url);
}

std::shared_ptr<const PreparedRecord> prepare_record(const ArticleRecord& rec) {
  return prepare_record(rec, article_tokens(rec.title, rec.text));
}

std::shared_ptr<const PreparedRecord> prepare_record(const ArticleRecord& rec, const ArticleTokens& tokens) {
  auto p = std::make_shared<PreparedRecord>();
  p->url = rec.url;
  p->canonical_url = rec.canonical_url;
  p->entry_key = rec.entry_key;
  p->title = rec.title;
  p->text = rec.text;
  p->key = record_key(rec);
  p->print = fingerprint(tokens.text.tokens);
  p->text_terms = column_terms(tokens.text.tokens);
  p->title_terms = column_terms(tokens.title.tokens);
  return p;
}

std::string entry_key(std::int64_t feed_id, std::string_view guid) {
  return std::string(kEntryKeyScheme) + std::to_string(feed_id) + ":" + std::string(guid);
}

Result<bool> Store::has_article(std::string_view url) {
  if (pg_) return pg_->has_article(url);
  auto id = article_by_linked_url(impl_->db.get(), impl_->article_by_linked_url, url);
  if (!id) return std::unexpected(id.error());
  return id->has_value();
}

Result<std::vector<bool>> Store::has_articles(std::span<const std::string> urls) {
  if (pg_) return pg_->has_articles(urls);
  std::vector<bool> out;
  out.reserve(urls.size());
  if (urls.empty()) return out;
  auto snapshot = sql::ReadSnapshot::begin(impl_->db.get());
  if (!snapshot) return std::unexpected(snapshot.error());
  for (const auto& url : urls) {
    auto id = article_by_linked_url(impl_->db.get(), impl_->article_by_linked_url, url);
    if (!id) return std::unexpected(id.error());
    out.push_back(id->has_value());
  }
  return out;
}

Result<bool> Store::add_source(std::int64_t feed_id, std::string_view url, std::string_view guid, TimePoint seen_at) {
  if (pg_) return pg_->add_source(feed_id, url, guid, seen_at);
  if (impl_->readonly) return fail(Errc::invalid_argument, "add_source on a read-only store");
  auto id = article_by_linked_url(impl_->db.get(), impl_->article_by_linked_url, url);
  if (!id) return std::unexpected(id.error());
  if (!*id) return false;
  // One row per (article, feed) is what "this feed links it" needs; the
  // link's canonical form may differ from the rel=canonical the first row has.
  auto prepared = reuse(impl_->db.get(), impl_->add_source,
                        "INSERT OR IGNORE INTO article_sources (article_id, feed_id, canonical_url, url, guid, "
                        "seen_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS (SELECT 1 FROM "
                        "article_sources WHERE article_id = ?1 AND feed_id = ?2)");
  if (!prepared) return std::unexpected(prepared.error());
  sql::Stmt* stmt = *prepared;
  stmt->bind(1, **id).bind(2, feed_id).bind(3, dedup_key(url)).bind(4, url).bind(5, guid);
  stmt->bind(6, to_unix(seen_at));
  if (auto ok = stmt->run(); !ok) return std::unexpected(ok.error());
  return true;
}

namespace {

struct WriteContext {
  sqlite3* db;
  ArticleWriter& w;
};

Result<std::int64_t> tag_id(WriteContext& ctx, const classify::Tag& tag) {
  auto key = std::make_pair(tag.name, std::string(classify::to_string(tag.kind)));
  if (auto it = ctx.w.tag_ids.find(key); it != ctx.w.tag_ids.end()) return it->second;
  auto& stmt = ctx.w.upsert_tag;
  stmt.bind(1, key.first).bind(2, key.second);
  auto row = stmt.step();
  if (!row) return std::unexpected(row.error());
  const std::int64_t id = stmt.int64(0);
  stmt.reset();
  ctx.w.tag_ids.emplace(std::move(key), id);
  return id;
}

// Returns how many rows (source + tags) were new.
Result<int> attach(WriteContext& ctx, std::int64_t article_id, const ArticleRecord& rec, const std::string& canonical) {
  int added = 0;
  auto& source = ctx.w.insert_source;
  source.bind(1, article_id).bind(2, rec.feed_id).bind(3, canonical).bind(4, rec.url).bind(5, rec.guid);
  source.bind(6, to_unix(rec.fetched_at));
  if (auto ok = source.run(); !ok) return std::unexpected(ok.error());
  added += sqlite3_changes(ctx.db);
  for (const auto& tag : rec.tags) {
    if (tag.name.empty()) continue;
    auto id = tag_id(ctx, tag);
    if (!id) return std::unexpected(id.error());
    auto& link = ctx.w.insert_article_tag;
    link.bind(1, article_id).bind(2, *id).bind(3, tag.score).bind(4, classify::to_string(tag.source));
    if (auto ok = link.run(); !ok) return std::unexpected(ok.error());
    added += sqlite3_changes(ctx.db);
  }
  for (const auto& watch : rec.watches) {
    auto& match = ctx.w.insert_watch_match;
    if (auto ok = match.bind(1, article_id).bind(2, watch).run(); !ok) return std::unexpected(ok.error());
    added += sqlite3_changes(ctx.db);
  }
  return added;
}

Result<UpsertOutcome> write_one(WriteContext& ctx, const ArticleRecord& rec) {
  auto& w = ctx.w;
  // The producer's preparation when it still fits the record; otherwise the
  // key now, and the text's terms only if the URL is not stored already.
  std::shared_ptr<const PreparedRecord> own;
  const PreparedRecord* prepared = rec.prepared && rec.prepared->matches(rec) ? rec.prepared.get() : nullptr;
  const std::string own_key = prepared ? std::string() : record_key(rec);
  const std::string& canonical = prepared ? prepared->key : own_key;
  auto existing = first_id(w.article_by_canonical.bind(1, canonical));
  if (existing && !*existing) existing = first_id(w.source_by_canonical.bind(1, canonical));
  if (!existing) return std::unexpected(existing.error());

  Fingerprint print;
  if (!*existing) {
    if (!prepared) {
      own = prepare_record(rec);
      prepared = own.get();
    }
    print = prepared->print;
    if (print.content_hash) {
      existing = first_id(w.article_by_hash.bind(1, *print.content_hash));
      if (!existing) return std::unexpected(existing.error());
    }
  }
  if (*existing) {
    auto added = attach(ctx, **existing, rec, canonical);
    if (!added) return std::unexpected(added.error());
    return *added > 0 ? UpsertOutcome::updated : UpsertOutcome::duplicate;
  }

  ClusterMatch cluster;
  if (print.simhash) {
    auto match = w.clusters.find(*print.simhash, 0);
    if (!match) return std::unexpected(match.error());
    cluster = *match;
  }
  auto& ins = w.insert_article;
  ins.bind(1, rec.feed_id).bind(2, canonical).bind(3, rec.url).bind(4, rec.guid).bind(5, rec.title);
  ins.bind(6, rec.byline).bind(7, rec.lang).bind(8, rec.section).bind(9, rec.image).bind(10, rec.text);
  ins.bind(11, opt_unix(rec.published_at)).bind(12, to_unix(rec.fetched_at)).bind(13, print.content_hash);
  ins.bind(14, print.simhash ? std::optional<std::int64_t>(static_cast<std::int64_t>(*print.simhash)) : std::nullopt);
  const std::int64_t id = w.next_id;
  ins.bind(15, cluster.cluster_id != 0 ? cluster.cluster_id : id).bind(16, id);
  if (rec.tag_versions.taxonomy.empty()) {
    ins.bind_null(17).bind_null(18);
  } else {
    ins.bind(17, rec.tag_versions.taxonomy).bind(18, rec.tag_versions.model);
  }
  if (auto ok = ins.run(); !ok) return std::unexpected(ok.error());
  ++w.next_id;
  {
    // The terms were worked out with the fingerprint: FTS5 takes them rather
    // than tokenizing title and text again.
    const TermsHandoff handoff(rec.title, prepared->title_terms, rec.text, prepared->text_terms);
    if (auto ok = w.insert_fts.bind(1, id).bind(2, rec.title).bind(3, rec.text).run(); !ok) {
      return std::unexpected(ok.error());
    }
  }
  // In the article's transaction: a sink never hears of an article that
  // was rolled back, and never misses one that was committed.
  if (auto ok = w.outbox.append(id, rec.fetched_at); !ok) return std::unexpected(ok.error());
  if (auto added = attach(ctx, id, rec, canonical); !added) return std::unexpected(added.error());
  return UpsertOutcome::inserted;
}

}  // namespace

Result<std::vector<UpsertOutcome>> Store::write_articles(std::span<const ArticleRecord> batch) {
  if (pg_) return pg_->write_articles(batch);
  if (impl_->readonly) return fail(Errc::invalid_argument, "write_articles on a read-only store");
  sqlite3* db = impl_->db.get();
  if (!impl_->writer) {
    auto writer = ArticleWriter::prepare(db);
    if (!writer) return std::unexpected(writer.error());
    impl_->writer = std::move(*writer);
  }
  auto tx = sql::Transaction::begin(db);
  if (!tx) return std::unexpected(tx.error());
  WriteContext ctx{db, *impl_->writer};
  const auto next_id = first_id(ctx.w.next_article_id);
  if (!next_id) return std::unexpected(next_id.error());
  ctx.w.next_id = next_id->value_or(1);
  if (auto ok = ctx.w.outbox.begin_batch(); !ok) return std::unexpected(ok.error());
  std::vector<UpsertOutcome> outcomes;
  outcomes.reserve(batch.size());
  for (const auto& rec : batch) {
    Result<UpsertOutcome> outcome = fail(Errc::internal, "not written");
    try {
      outcome = write_one(ctx, rec);
    } catch (const std::exception& e) {
      // The text pipeline throws only when ICU or Snowball cannot start.
      outcome = fail(Errc::internal, e.what());
    }
    if (!outcome) {
      impl_->writer->tag_ids.clear();
      return fail(outcome.error().code,
                  "article " + (rec.entry_key.empty() ? rec.url : rec.entry_key) + ": " + outcome.error().message);
    }
    outcomes.push_back(*outcome);
  }
  // A sink that is down never blocks ingest: past the bound its oldest
  // undelivered rows go, counted.
  auto dropped = ctx.w.outbox.enforce_bound(impl_->outbox_max_rows);
  if (!dropped) return std::unexpected(dropped.error());
  if (auto ok = tx->commit(); !ok) {
    impl_->writer->tag_ids.clear();
    return std::unexpected(ok.error());
  }
  log_outbox_dropped(*dropped, impl_->outbox_max_rows);
  return outcomes;
}

Result<int> Store::prune(TimePoint older_than, int max_rows) {
  if (pg_) return pg_->prune(older_than, max_rows);
  sqlite3* db = impl_->db.get();
  auto tx = sql::Transaction::begin(db);
  if (!tx) return std::unexpected(tx.error());
  // Tags and sources go by ON DELETE CASCADE, FTS rows by trigger.
  auto stmt = sql::Stmt::prepare(db,
                                 "DELETE FROM articles WHERE id IN (SELECT id FROM articles WHERE fetched_at < ?1 "
                                 "ORDER BY fetched_at LIMIT ?2)");
  if (!stmt) return std::unexpected(stmt.error());
  if (auto ok = stmt->bind(1, to_unix(older_than)).bind(2, max_rows).run(); !ok) return std::unexpected(ok.error());
  const int deleted = sqlite3_changes(db);
  if (auto ok = tx->commit(); !ok) return std::unexpected(ok.error());
  if (deleted > 0) log::info("store.pruned", {{"articles", deleted}, {"older_than", to_unix(older_than)}});
  return deleted;
}

Result<void> Store::backup(const std::filesystem::path& destination) {
  if (pg_) return fail(Errc::unsupported, "backup of a PostgreSQL store: use pg_dump");
  const auto partial = std::filesystem::path(destination.string() + ".partial-" + std::to_string(::getpid()));
  std::error_code ec;
  std::filesystem::remove(partial, ec);
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(partial.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  sql::DbPtr target(raw);
  if (rc != SQLITE_OK) return sql::db_error(raw, "cannot create " + partial.string(), Errc::io);
  sqlite3_backup* job = sqlite3_backup_init(raw, "main", impl_->db.get(), "main");
  if (job == nullptr) return sql::db_error(raw, "backup of " + impl_->path.string() + " failed");
  // One step copies every page inside a single read transaction: with WAL
  // that never blocks the writer, and the copy is one consistent snapshot.
  // Incremental steps would restart whenever the writer commits, which
  // under steady ingest could mean never finishing.
  int step_rc = SQLITE_OK;
  for (int attempt = 0; attempt < 50; ++attempt) {
    step_rc = sqlite3_backup_step(job, -1);
    if (step_rc != SQLITE_BUSY && step_rc != SQLITE_LOCKED) break;
    sqlite3_sleep(100);
  }
  sqlite3_backup_finish(job);
  if (step_rc != SQLITE_DONE) {
    std::string message = sqlite3_errstr(step_rc);
    target.reset();
    std::filesystem::remove(partial, ec);
    return fail(Errc::database, "backup of " + impl_->path.string() + " failed: " + message);
  }
  // The copy inherits WAL mode from the header; fold it back into one
  // self-contained file before it is moved into place.
  sqlite3_exec(raw, "PRAGMA journal_mode = DELETE", nullptr, nullptr, nullptr);
  target.reset();
  std::filesystem::rename(partial, destination, ec);
  if (ec) {
    std::filesystem::remove(partial, ec);
    return fail(Errc::io, "cannot move backup to " + destination.string() + ": " + ec.message());
  }
  log::info("store.backup", {{"path", destination.string()}});
  return {};
}

}  // namespace newsd::store
