#pragma once
// Private state of a Store, shared by the writer (store.cpp) and the query
// side (queries.cpp).
#include <string>
#include <utility>

#include "newsd/store/store.hpp"
#include "sqlite.hpp"
#include "writer_lock.hpp"

namespace newsd::store {

/// Writer statements (store.cpp), prepared on first use and reused for every batch.
struct ArticleWriter;

struct Store::Impl {
  /// Held by a writer Store for its whole life; declared first so that it
  /// is released last, after the connection has closed.
  WriterLock lock;
  sql::DbPtr db;
  bool readonly = false;
  std::filesystem::path path;
  std::unique_ptr<ArticleWriter> writer;
  /// has_article/add_source look-up, prepared on first use: the engine asks
  /// once per feed entry on every poll.
  sql::Stmt article_by_linked_url;
  /// Per-feed write statements, prepared on first use (see reuse() in
  /// store.cpp): the writer runs each once per feed outcome or linked entry,
  /// and preparing them every time cost 3.6 % of a feeds-only ingest.
  sql::Stmt ensure_feed;  ///< once per configured feed at start and on every reload
  sql::Stmt record_fetch;
  sql::Stmt move_feed;
  sql::Stmt add_source;
  /// Writer only: the configured busy timeout, and checkpoint_when_due()'s state.
  std::chrono::milliseconds busy_timeout{0};
  std::int64_t outbox_max_rows = config::OutboxConfig{}.max_rows;  ///< `[outbox] max_rows`
  std::chrono::steady_clock::time_point last_checkpoint{};
  int passive_checkpoints = 0;

  Impl();
  ~Impl();
};

/// A read-write connection to the existing database at `path` for a
/// process that does not hold the writer lock (`feeds --reactivate`,
/// `retag`): never creates the file nor migrates it, foreign keys on, the
/// tokenizer registered, `busy_timeout` to wait for the lock holder's
/// transactions. Errc::not_found without a database, Errc::database if its
/// schema is not kSchemaVersion.
Result<sql::DbPtr> open_beside_writer(const std::filesystem::path& path, std::chrono::milliseconds busy_timeout);

/// Inserts a tag if new; the one row's `id` either way. ?1 name, ?2 kind.
inline constexpr const char* kUpsertTagSql =
    "INSERT INTO tags (name, kind) VALUES (?1, ?2) "
    "ON CONFLICT (name, kind) DO UPDATE SET name = excluded.name RETURNING id";
/// A connection to `path` (`name` is the path, or a `file:` URI when
/// `flags` has SQLITE_OPEN_URI) with extended result codes, the busy
/// timeout and the newsd tokenizer registered.
Result<sql::DbPtr> open_connection(const std::filesystem::path& path, const std::string& name, int flags,
                                   std::chrono::milliseconds busy);

/// Errc::database unless `db` has this build's schema version. Connections
/// that do not hold the writer lock never migrate.
Result<void> require_current_schema(sqlite3* db, const std::filesystem::path& path);

/// Feeds by id; only the one with `url` when it is not empty. Article
/// counts cost an index scan per feed, so they are optional.
Result<std::vector<FeedState>> load_feeds(sqlite3* db, std::string_view url, bool with_counts);

/// The dedup key of a URL or entry_key() as has_article/add_source look it up.
std::string lookup_key(std::string_view url_or_key);
/// The dedup key an article record is stored under (its canonical URL or entry key).
std::string record_key(const ArticleRecord& rec);
/// Errc::invalid_argument unless every edit's tag can name a label
/// (label_problem), its kind is empty or a tag kind, and `set_by` is not
/// empty (labels.cpp; both backends check before connecting).
Result<void> check_label_edits(std::span<const LabelEdit> edits, std::string_view set_by);
/// Every label row of one article, oldest first (labels.cpp; for article()).
Result<std::vector<Label>> article_labels(sqlite3* db, std::int64_t article_id);

inline std::int64_t to_unix(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint from_unix(std::int64_t s) { return TimePoint{std::chrono::seconds{s}}; }
inline std::optional<TimePoint> opt_time(const std::optional<std::int64_t>& s) {
  return s ? std::optional<TimePoint>(from_unix(*s)) : std::nullopt;
}
inline std::optional<std::int64_t> opt_unix(const std::optional<TimePoint>& t) {
  return t ? std::optional<std::int64_t>(to_unix(*t)) : std::nullopt;
}

}  // namespace newsd::store
