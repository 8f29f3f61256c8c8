#pragma once
// The PostgreSQL implementation behind store::Store (config `[store] backend
// = "postgresql"`). Store forwards each public method here when it was
// opened on a PostgreSQL URL; the contracts are Store's (store.hpp), with
// the same dedup (fingerprint.hpp, dedup.hpp), the same text pipeline for
// search (tokenizer.hpp: the index lexemes become a tsvector, the plain
// query a tsquery) and the same results. What differs is documented on
// each method. Tables: docs/schema.md, "PostgreSQL".
#include <map>
#include <memory>
#include <pqxx/pqxx>
#include <span>
#include <string>
#include <vector>

#include "../query_parse.hpp"
#include "../tokenizer.hpp"
#include "newsd/classify/text.hpp"
#include "newsd/store/store.hpp"

namespace newsd::store::pg {

/// Schema version of the PostgreSQL tables this build writes (meta
/// `schema_version`); its own sequence of steps (pg/schema.cpp), unrelated
/// to the SQLite kSchemaVersion.
int schema_version();

/// A libpqxx failure as an Error: Errc::database with the server's message,
/// Errc::connect when the server cannot be reached.
Error database_error(const std::exception& e, std::string_view what);

class Backend {
 public:
  /// Connects to `url` (a libpq URI). A writer creates or migrates the
  /// schema and brings the search column up to this build's tokenizer;
  /// a reader requires the current schema and runs every transaction
  /// read-only. Unlike SQLite there is no writer lock: any number of
  /// writers may share the database (writes of articles are serialised by
  /// a transaction-scoped advisory lock, so dedup sees every commit).
  static Result<std::unique_ptr<Backend>> connect(const std::string& url, bool readonly);

  Result<FeedState> ensure_feed(std::string_view url, std::string_view name);
  Result<std::vector<FeedState>> feeds();
  Result<void> record_fetch(const FeedFetchResult& result);
  Result<std::vector<SitemapChildRead>> sitemap_children(std::int64_t feed_id);
  Result<void> mark_removed(std::int64_t feed_id, TimePoint at);
  Result<bool> reactivate(std::string_view url, TimePoint now);
  Result<bool> has_article(std::string_view url);
  Result<std::vector<bool>> has_articles(std::span<const std::string> urls);
  Result<bool> add_source(std::int64_t feed_id, std::string_view url, std::string_view guid, TimePoint seen_at);
  Result<std::vector<UpsertOutcome>> write_articles(std::span<const ArticleRecord> batch);
  /// QuerySyntax::fts is Errc::unsupported: raw FTS5 syntax has no tsquery form.
  Result<std::vector<SearchHit>> search(const SearchQuery& q);
  Result<std::optional<ArticleView>> article(std::int64_t id);
  Result<Store::Counts> counts();
  /// db_bytes is pg_database_size(); schema_version is schema_version() above.
  Result<Stats> stats();
  Result<std::vector<TagDayCount>> tag_counts(std::string_view kind, TimePoint since);
  /// The tokenizer version that built the search column when it is not
  /// this build's (only a reader sees one: a writer rebuilds on connect).
  Result<std::optional<std::string>> outdated_search_index();
  Result<int> prune(TimePoint older_than, int max_rows);
  // Feed leases and worker heartbeats (pg/leases.cpp).
  Result<std::vector<FeedState>> lease_due_feeds(std::string_view worker, TimePoint now, std::chrono::seconds ttl,
                                                 int limit);
  Result<std::vector<FeedState>> lease_feeds(std::string_view worker, std::span<const std::int64_t> feed_ids,
                                             TimePoint now, std::chrono::seconds ttl);
  Result<std::map<std::string, HostSlotTime>> reserve_host_slots(const std::map<std::string, int>& requests,
                                                                 HostSlotTime now, std::chrono::milliseconds gap);
  Result<void> release_feed(std::string_view worker, std::int64_t feed_id);
  Result<void> heartbeat(const WorkerInfo& worker, TimePoint now, std::chrono::seconds lease_ttl);
  Result<std::vector<WorkerInfo>> workers(TimePoint alive_since, TimePoint now);
  // The feed list (pg/feed_list.cpp).
  Result<int> put_feed_specs(std::span<const FeedSpec> specs);
  Result<bool> remove_feed(std::int64_t feed_id, TimePoint at);
  Result<FeedList> feed_list();
  Result<std::int64_t> feed_list_version();

  /// `[outbox] max_rows`: the writer keeps the outbox within it (pg_outbox.hpp).
  void set_outbox_max_rows(std::int64_t rows) { outbox_max_rows_ = rows; }

  // Labels (pg/labels.cpp): Store::write_labels' contract, on this
  // connection; the wait for a concurrent transaction is bounded by
  // `busy_timeout` (lock_timeout) as SQLite's busy timeout bounds it.
  Result<LabelWrite> write_labels(std::span<const LabelEdit> edits, std::string_view set_by, TimePoint at,
                                  std::chrono::milliseconds busy_timeout);
  Result<std::vector<LabelledArticle>> labelled_articles();
  // Tag versions and retag (pg/retag.cpp): Store::retag's contract; each
  // batch's transaction takes the article writers' lock, so it is
  // serialised with write_articles as SQLite serialises the two writers.
  Result<RetagReport> retag(const TagVersions& current, const RetagOptions& options, const RetagTagger& tagger,
                            const RetagProgress& progress);
  Result<OutdatedTags> outdated_tags(const TagVersions& current);

  /// The connection, for the writer's helpers and `newsd migrate`.
  pqxx::connection& connection() { return *conn_; }
  bool readonly() const { return readonly_; }

 private:
  explicit Backend(std::unique_ptr<pqxx::connection> conn, bool readonly)
      : conn_(std::move(conn)), readonly_(readonly) {}
  std::unique_ptr<pqxx::connection> conn_;
  bool readonly_ = false;
  std::int64_t outbox_max_rows_ = config::OutboxConfig{}.max_rows;
  /// (name, kind) -> tags.id, cleared when a write transaction fails.
  std::map<std::pair<std::string, std::string>, std::int64_t> tag_ids_;
};

/// The columns feed_from() reads, up to a last one (the article count)
/// that the caller appends.
extern const char* const kFeedColumns;
/// A row of kFeedColumns + count as a FeedState.
FeedState feed_from(const pqxx::row& r);

// Schema (pg/schema.cpp).

/// Brings the database to schema_version(), one transaction per step under
/// an advisory lock, so two processes opening a new database never both
/// run a step. Errc::database if the database is newer than this build.
Result<void> migrate(pqxx::connection& conn);
/// The database's schema version (0 when it has no newsd tables).
Result<int> stored_schema_version(pqxx::connection& conn);
/// meta `fts_tokenizer` when it differs from tokenizer_version(), else nullopt.
Result<std::optional<std::string>> outdated_tokenizer(pqxx::connection& conn);
/// Recomputes every article's search column if another tokenizer built it.
Result<bool> ensure_search_current(pqxx::connection& conn);

/// Transaction-scoped advisory lock held by every transaction that writes
/// articles or their rule/model tags (write_articles, retag batches).
/// Several workers may write one database; dedup must see the articles
/// another one committed a moment ago, which row locks cannot give (the row
/// it would conflict with does not exist yet). Readers never wait on it.
inline constexpr std::int64_t kArticleWriterLock = 0x6e657773'64000002;  // "newsd" + 2

// Labels and tag versions (pg/labels.cpp, pg/retag.cpp).

/// Every label row of one article, oldest first (for article()).
std::vector<Label> article_labels(pqxx::transaction_base& tx, std::int64_t article_id);

// Text (pg/text.cpp).

/// The tsvector literal of an article: title lexemes at weight A, then the
/// body's at weight D (a one-position gap between them, so no phrase spans
/// the two), positions as the index tokenizer numbers them.
std::string search_vector(std::string_view title, std::string_view text);
/// The same, from the text's document_tokens() already computed (the writer has them for the fingerprint).
std::string search_vector(std::string_view title, std::span<const classify::Token> text_tokens);
/// The same, from the terms of title and text a producer prepared (PreparedRecord).
std::string search_vector(const ColumnTerms& title, const ColumnTerms& text);
/// `s` as PostgreSQL text accepts it: invalid UTF-8 and NUL (which a
/// UTF8 database refuses, and SQLite stored as is) become U+FFFD.
std::string pg_text(std::string_view s);

/// The snippet SQLite's snippet(articles_fts, -1, open, close, '…', 16)
/// gives, by FTS5's own rules: the column and 16-token window with the most
/// distinct phrases (then most hits, a sentence start preferred), each
/// phrase instance wrapped in `open`/`close`, "…" where the column was cut.
std::string snippet(std::string_view title, std::string_view text, const std::vector<QueryPhrase>& phrases,
                    std::string_view open, std::string_view close);

}  // namespace newsd::store::pg
