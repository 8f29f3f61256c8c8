// Read side of the Store: feeds, search, article views and statistics.
// Everything here works on read-only connections.
#include <algorithm>

#include "fingerprint.hpp"
#include "pg/pg_backend.hpp"
#include "query_cost.hpp"
#include "schema.hpp"
#include "snippet_matches.hpp"
#include "store_impl.hpp"

namespace newsd::store {

Result<std::vector<FeedState>> load_feeds(sqlite3* db, std::string_view url, bool with_counts) {
  std::string query =
      "SELECT id, url, name, title, site_url, etag, last_modified, next_fetch_at, last_fetched_at, interval_s, "
      "consecutive_errors, last_error, CASE WHEN removed_at IS NULL THEN state ELSE 'removed' END, "
      "interval_reason, error_class, error_since, mean_gap_s, gaps, last_new_entry_at, source_type, links_found, "
      "links_hash, ";
  query += with_counts ? "(SELECT count(*) FROM articles a WHERE a.feed_id = feeds.id)" : "0";
  // Two texts, not `?1 = '' OR url = ?1`: the OR kept SQLite from the url
  // index, so each look-up of one feed scanned them all.
  query += url.empty() ? " FROM feeds ORDER BY id" : " FROM feeds WHERE url = ?1";
  auto stmt = sql::Stmt::prepare(db, query);
  if (!stmt) return std::unexpected(stmt.error());
  if (!url.empty()) stmt->bind(1, url);
  std::vector<FeedState> feeds;
  auto rows = stmt->each_row([&] {
    FeedState f;
    f.id = stmt->int64(0);
    f.url = stmt->text(1);
    f.name = stmt->text(2);
    f.title = stmt->text(3);
    f.site_url = stmt->text(4);
    f.etag = stmt->text(5);
    f.last_modified = stmt->text(6);
    f.next_fetch_at = opt_time(stmt->opt_int64(7));
    f.last_fetched_at = opt_time(stmt->opt_int64(8));
    f.interval_s = static_cast<int>(stmt->int64(9));
    f.consecutive_errors = static_cast<int>(stmt->int64(10));
    f.last_error = stmt->text(11);
    f.state = stmt->text(12);
    f.interval_reason = stmt->text(13);
    f.error_class = stmt->text(14);
    f.error_since = opt_time(stmt->opt_int64(15));
    f.mean_gap_s = stmt->real(16);
    f.gaps = static_cast<int>(stmt->int64(17));
    f.last_new_entry_at = opt_time(stmt->opt_int64(18));
    f.source_type = stmt->text(19);
    if (auto n = stmt->opt_int64(20)) f.links_found = static_cast<int>(*n);
    f.links_hash = stmt->text(21);
    f.articles = stmt->int64(22);
    feeds.push_back(std::move(f));
  });
  if (!rows) return std::unexpected(rows.error());
  return feeds;
}

Result<std::vector<FeedState>> Store::feeds() {
  if (pg_) return pg_->feeds();
  return load_feeds(impl_->db.get(), {}, true);
}

namespace {

constexpr const char* kFeedName = "coalesce(nullif(f.name, ''), nullif(f.title, ''), f.url)";
constexpr const char* kArticleDate = "coalesce(a.published_at, a.fetched_at)";

// Builds the search statement; the parameters are bound in the same order
// as their placeholders are appended.
struct SearchSql {
  std::string text;
  // Placeholders are numbered: ?1 highlight open, ?2 close, then filters.
  std::vector<std::pair<int, std::string>> binds_text;
  std::vector<std::pair<int, std::int64_t>> binds_int;
  int next = 3;

  std::string param(std::string v) {
    binds_text.emplace_back(next, std::move(v));
    return "?" + std::to_string(next++);
  }
  std::string param(std::int64_t v) {
    binds_int.emplace_back(next, v);
    return "?" + std::to_string(next++);
  }
};

// Filters shared by both statement shapes. `id` is the expression naming the
// article id at the point where the filter is evaluated.
void add_filters(SearchSql& s, const SearchQuery& q, std::string_view id) {
  std::string& sql = s.text;
  for (const auto& tag : q.tags) {
    sql += "AND EXISTS (SELECT 1 FROM article_tags at WHERE at.article_id = " + std::string(id) +
           " AND at.tag_id IN (SELECT t.id FROM tags t WHERE t.name = " + s.param(tag) + " COLLATE NOCASE)) ";
  }
  if (!q.country.empty()) {
    sql += "AND EXISTS (SELECT 1 FROM article_tags at WHERE at.article_id = " + std::string(id) +
           " AND at.tag_id IN (SELECT t.id FROM tags t WHERE t.kind = 'country' AND t.name = " + s.param(q.country) +
           " COLLATE NOCASE)) ";
  }
  if (!q.lang.empty()) sql += "AND a.lang = " + s.param(q.lang) + " COLLATE NOCASE ";
  if (!q.feed_url.empty()) sql += "AND a.feed_id IN (SELECT id FROM feeds WHERE url = " + s.param(q.feed_url) + ") ";
  if (q.since) sql += std::string("AND ") + kArticleDate + " >= " + s.param(to_unix(*q.since)) + " ";
  if (q.until) sql += std::string("AND ") + kArticleDate + " < " + s.param(to_unix(*q.until)) + " ";
  if (q.after_id) sql += "AND " + std::string(id) + " > " + s.param(*q.after_id) + " ";
}

void add_page(SearchSql& s, const SearchQuery& q) {
  s.text += "LIMIT " + s.param(std::int64_t{std::max(q.limit, 0)}) + " OFFSET " +
            s.param(std::int64_t{std::max(q.offset, 0)});
}

std::string hit_columns() {
  return std::string("SELECT a.id, a.title, a.url, f.url, ") + kFeedName + ", a.lang, a.published_at, a.fetched_at, ";
}

// `expression` is the FTS5 form of q.text (search_expression()).
SearchSql build_search(const SearchQuery& q, const std::string& expression) {
  SearchSql s;
  std::string& sql = s.text;
  if (q.text.empty()) {
    sql = hit_columns();
    sql += "substr(a.text, 1, 160) || CASE WHEN length(a.text) > 160 THEN '…' ELSE '' END, 0.0 ";
    sql += "FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE 1 ";
    add_filters(s, q, "a.id");
    sql += q.after_id ? std::string("ORDER BY a.id ") : std::string("ORDER BY ") + kArticleDate + " DESC, a.id DESC ";
    add_page(s, q);
    return s;
  }
  // Full text: the page of matching ids first, then the columns and a
  // snippet for those ids only. Ranking is most of a query's cost, so the
  // inner ORDER BY is `rank + 0`: an expression FTS5 cannot take over, which
  // leaves sorting to SQLite, and SQLite computes the rank only for rows
  // that passed the filters. Handed `ORDER BY rank`, FTS5 would rank every
  // match before a tag filter dropped four in five of them. Tag filters
  // name articles_fts.rowid so they run before the articles row is read.
  // snippet() needs the MATCH on its own cursor, hence the second, per-id
  // MATCH (FTS5 answers `MATCH ... AND rowid = ?` with a seek).
  const std::string match = s.param(expression);
  const bool by_rank = q.sort == SortOrder::relevance;
  sql = "WITH page AS (SELECT articles_fts.rowid AS id, ";
  sql += by_rank ? "articles_fts.rank AS score " : "0.0 AS score ";
  // An articles row is large (its text), so it is read in the inner query
  // only when a filter or the date order needs one of its columns.
  const bool needs_row = !by_rank || !q.lang.empty() || !q.feed_url.empty() || q.since || q.until;
  sql += needs_row ? "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid " : "FROM articles_fts ";
  sql += "WHERE articles_fts MATCH " + match + " ";
  add_filters(s, q, "articles_fts.rowid");
  sql += by_rank ? "ORDER BY articles_fts.rank + 0, articles_fts.rowid DESC "
                 : std::string("ORDER BY ") + kArticleDate + " DESC, a.id DESC ";
  add_page(s, q);
  sql += ") ";
  sql += hit_columns();
  sql += "(SELECT snippet(articles_fts, -1, ?1, ?2, '…', 16) FROM articles_fts WHERE articles_fts MATCH " + match +
         " AND articles_fts.rowid = page.id), page.score ";
  if (q.plain_snippets) {
    sql += ", (SELECT snippet(articles_fts, -1, '', '', '…', 16) FROM articles_fts WHERE articles_fts MATCH " + match +
           " AND articles_fts.rowid = page.id) ";
  }
  sql += "FROM page JOIN articles a ON a.id = page.id JOIN feeds f ON f.id = a.feed_id ";
  sql += by_rank ? "ORDER BY page.score, page.id DESC" : std::string("ORDER BY ") + kArticleDate + " DESC, a.id DESC";
  return s;
}

// Stops the statements running on `db` once the budget is spent: SQLite
// calls the handler every kSteps VM instructions (those of FTS5's own
// look-ups included) and a non-zero return interrupts the statement with
// SQLITE_INTERRUPT. The handler is removed when the guard goes.
class TimeBudget {
 public:
  TimeBudget(sqlite3* db, std::chrono::steady_clock::duration budget) : db_(db) {
    if (budget <= std::chrono::steady_clock::duration::zero()) return;
    deadline_ = std::chrono::steady_clock::now() + budget;
    sqlite3_progress_handler(db_, kSteps, &TimeBudget::check, this);
    armed_ = true;
  }
  TimeBudget(const TimeBudget&) = delete;
  TimeBudget& operator=(const TimeBudget&) = delete;
  ~TimeBudget() {
    if (armed_) sqlite3_progress_handler(db_, 0, nullptr, nullptr);
  }
  bool spent() const { return spent_; }

 private:
  static constexpr int kSteps = 1000;
  static int check(void* self) {
    auto* budget = static_cast<TimeBudget*>(self);
    if (std::chrono::steady_clock::now() >= budget->deadline_) budget->spent_ = true;
    return budget->spent_ ? 1 : 0;
  }
  sqlite3* db_;
  std::chrono::steady_clock::time_point deadline_{};
  bool armed_ = false;
  bool spent_ = false;
};

std::string budget_text(std::chrono::steady_clock::duration budget) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(budget).count();
  return ms > 0 ? std::to_string(ms) + " ms" : "under 1 ms";
}

Result<std::vector<std::string>> tag_names(sql::Stmt& stmt, std::int64_t article_id) {
  stmt.reset();
  stmt.bind(1, article_id);
  std::vector<std::string> names;
  auto rows = stmt.each_row([&] { names.push_back(stmt.text(0)); });
  if (!rows) return std::unexpected(rows.error());
  return names;
}

}  // namespace

Result<std::vector<SearchHit>> Store::search(const SearchQuery& q) {
  if (pg_) return pg_->search(q);
  sqlite3* db = impl_->db.get();
  std::string expression;
  if (!q.text.empty()) {
    auto checked = search_expression(q);
    if (!checked) return std::unexpected(checked.error());
    expression = std::move(*checked);
    if (expression.empty()) return std::vector<SearchHit>{};  // plain text without a word
  }
  const SearchSql built = build_search(q, expression);
  auto stmt = sql::Stmt::prepare(db, built.text);
  if (!stmt) return std::unexpected(stmt.error());
  if (q.plain_snippets) {
    stmt->bind(1, kMatchOpen).bind(2, kMatchClose);
  } else {
    stmt->bind(1, q.highlight_open).bind(2, q.highlight_close);
  }
  for (const auto& [index, value] : built.binds_text) stmt->bind(index, value);
  for (const auto& [index, value] : built.binds_int) stmt->bind(index, value);
  std::vector<SearchHit> hits;
  // The budget covers the search statement only, not the tag look-ups of
  // the page it found.
  std::optional<TimeBudget> budget(std::in_place, db, q.limits.time_budget);
  auto rows = stmt->each_row([&] {
    SearchHit hit;
    hit.id = stmt->int64(0);
    hit.title = stmt->text(1);
    hit.url = stmt->text(2);
    hit.feed_url = stmt->text(3);
    hit.feed_name = stmt->text(4);
    hit.lang = stmt->text(5);
    hit.published_at = opt_time(stmt->opt_int64(6));
    hit.fetched_at = from_unix(stmt->int64(7));
    hit.snippet = stmt->text(8);
    hit.rank = stmt->real(9);
    if (q.plain_snippets && !expression.empty()) {
      std::string plain = stmt->text(10);
      hit.matches = snippet_matches(hit.snippet, plain);
      hit.snippet = std::move(plain);
    }
    hits.push_back(std::move(hit));
  });
  const bool spent = budget->spent();
  budget.reset();
  if (!rows) {
    if (spent) {
      return fail(Errc::invalid_argument, "query too expensive: '" + q.text + "' ran past its time budget of " +
                                              budget_text(q.limits.time_budget));
    }
    // The statement itself is fixed and tested, so a plain SQL error here
    // comes from the user's FTS5 query (syntax, unknown column, bad `*`).
    if ((sqlite3_errcode(db) & 0xff) == SQLITE_ERROR) {
      return fail(Errc::invalid_argument, "invalid search query '" + q.text + "': " + sqlite3_errmsg(db));
    }
    return std::unexpected(rows.error());
  }
  auto tags = sql::Stmt::prepare(db,
                                 "SELECT DISTINCT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id "
                                 "WHERE at.article_id = ?1 ORDER BY at.score DESC, t.name");
  auto watches = sql::Stmt::prepare(db, "SELECT watch FROM watch_matches WHERE article_id = ?1 ORDER BY watch");
  if (!tags) return std::unexpected(tags.error());
  if (!watches) return std::unexpected(watches.error());
  for (auto& hit : hits) {
    auto names = tag_names(*tags, hit.id);
    if (!names) return std::unexpected(names.error());
    hit.tags = std::move(*names);
    auto matched = tag_names(*watches, hit.id);
    if (!matched) return std::unexpected(matched.error());
    hit.watches = std::move(*matched);
  }
  return hits;
}

Result<std::optional<ArticleView>> Store::article(std::int64_t id) {
  if (pg_) return pg_->article(id);
  sqlite3* db = impl_->db.get();
  auto stmt = sql::Stmt::prepare(
      db, std::string("SELECT a.id, a.feed_id, f.url, ") + kFeedName +
              ", a.url, a.canonical_url, a.guid, a.title, a.byline, a.lang, a.section, a.image, a.text, "
              "a.published_at, a.fetched_at, coalesce(a.simhash, 0), coalesce(a.cluster_id, a.id) "
              "FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.id = ?1");
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->bind(1, id).step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<ArticleView>{};
  ArticleView v;
  v.id = stmt->int64(0);
  v.feed_id = stmt->int64(1);
  v.feed_url = stmt->text(2);
  v.feed_name = stmt->text(3);
  v.url = stmt->text(4);
  v.canonical_url = stmt->text(5);
  v.guid = stmt->text(6);
  v.title = stmt->text(7);
  v.byline = stmt->text(8);
  v.lang = stmt->text(9);
  v.section = stmt->text(10);
  v.image = stmt->text(11);
  v.text = stmt->text(12);
  v.published_at = opt_time(stmt->opt_int64(13));
  v.fetched_at = from_unix(stmt->int64(14));
  v.simhash = static_cast<std::uint64_t>(stmt->int64(15));
  v.cluster_id = stmt->int64(16);

  auto tags = sql::Stmt::prepare(db,
                                 "SELECT t.name, t.kind, at.score, at.source FROM article_tags at "
                                 "JOIN tags t ON t.id = at.tag_id WHERE at.article_id = ?1 "
                                 "ORDER BY at.score DESC, t.name");
  if (!tags) return std::unexpected(tags.error());
  tags->bind(1, id);
  auto read_tags = tags->each_row([&] {
    v.tags.push_back({tags->text(0), tags->text(1), tags->real(2), tags->text(3)});
  });
  if (!read_tags) return std::unexpected(read_tags.error());
  auto labels = article_labels(db, id);
  if (!labels) return std::unexpected(labels.error());
  for (const auto& label : *labels) {
    if (!label.removed) v.tags.push_back({label.tag, label.kind, 1.0, "label"});
  }
  v.labels = std::move(*labels);
  // The watch names are what the sinks' consumers route alerts by.
  auto watches = sql::Stmt::prepare(db, "SELECT watch FROM watch_matches WHERE article_id = ?1 ORDER BY watch");
  if (!watches) return std::unexpected(watches.error());
  auto matched = tag_names(*watches, id);
  if (!matched) return std::unexpected(matched.error());
  v.watches = std::move(*matched);

  auto sources = sql::Stmt::prepare(db,
                                    "SELECT s.feed_id, f.url, s.url, s.seen_at FROM article_sources s "
                                    "JOIN feeds f ON f.id = s.feed_id WHERE s.article_id = ?1 ORDER BY s.seen_at, "
                                    "s.feed_id");
  if (!sources) return std::unexpected(sources.error());
  sources->bind(1, id);
  auto read_sources = sources->each_row([&] {
    v.sources.push_back({sources->int64(0), sources->text(1), sources->text(2), from_unix(sources->int64(3))});
  });
  if (!read_sources) return std::unexpected(read_sources.error());

  auto cluster = sql::Stmt::prepare(db,
                                    "SELECT a.id, a.title, a.url, f.url, a.published_at, coalesce(a.simhash, 0) "
                                    "FROM articles a JOIN feeds f ON f.id = a.feed_id "
                                    "WHERE a.cluster_id = ?1 AND a.id <> ?2 "
                                    "ORDER BY coalesce(a.published_at, a.fetched_at) DESC LIMIT 50");
  if (!cluster) return std::unexpected(cluster.error());
  cluster->bind(1, v.cluster_id).bind(2, id);
  auto read_cluster = cluster->each_row([&] {
    ClusterMember m{
        cluster->int64(0), cluster->text(1), cluster->text(2), cluster->text(3), opt_time(cluster->opt_int64(4)), 0};
    m.distance = hamming_distance(v.simhash, static_cast<std::uint64_t>(cluster->int64(5)));
    v.cluster.push_back(std::move(m));
  });
  if (!read_cluster) return std::unexpected(read_cluster.error());
  return std::optional<ArticleView>(std::move(v));
}

namespace {

Result<std::int64_t> scalar(sqlite3* db, const char* query) {
  auto stmt = sql::Stmt::prepare(db, query);
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  return *row ? stmt->int64(0) : 0;
}

}  // namespace

Result<Store::Counts> Store::counts() {
  if (pg_) return pg_->counts();
  sqlite3* db = impl_->db.get();
  Counts c;
  const std::pair<std::int64_t*, const char*> queries[] = {
      {&c.feeds, "SELECT count(*) FROM feeds"},
      {&c.articles, "SELECT count(*) FROM articles"},
      {&c.article_tags, "SELECT count(*) FROM article_tags"},
      {&c.last_article_id, "SELECT coalesce(max(id), 0) FROM articles"},
  };
  for (auto& [out, query] : queries) {
    auto n = scalar(db, query);
    if (!n) return std::unexpected(n.error());
    *out = *n;
  }
  return c;
}

Result<std::optional<std::string>> Store::outdated_search_index() {
  if (pg_) return pg_->outdated_search_index();
  return outdated_fts_tokenizer(impl_->db.get());
}

Result<std::vector<TagDayCount>> Store::tag_counts(std::string_view kind, TimePoint since) {
  if (pg_) return pg_->tag_counts(kind, since);
  auto stmt = sql::Stmt::prepare(impl_->db.get(),
                                 "SELECT tag, kind, day, articles FROM tag_daily_counts "
                                 "WHERE (?1 = '' OR kind = ?1) AND day >= date(?2, 'unixepoch') "
                                 "ORDER BY day, articles DESC, tag");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, kind).bind(2, to_unix(since));
  std::vector<TagDayCount> out;
  auto rows = stmt->each_row([&] { out.push_back({stmt->text(0), stmt->text(1), stmt->text(2), stmt->int64(3)}); });
  if (!rows) return std::unexpected(rows.error());
  return out;
}

Result<Stats> Store::stats() {
  if (pg_) return pg_->stats();
  sqlite3* db = impl_->db.get();
  // One read transaction, so the figures describe one snapshot.
  auto snapshot = sql::ReadSnapshot::begin(db);
  if (!snapshot) return std::unexpected(snapshot.error());
  Stats s;
  const std::pair<std::int64_t*, const char*> queries[] = {
      {&s.feeds, "SELECT count(*) FROM feeds"},
      {&s.articles, "SELECT count(*) FROM articles"},
      {&s.article_tags, "SELECT count(*) FROM article_tags"},
      {&s.tags, "SELECT count(*) FROM tags"},
      {&s.sources, "SELECT count(*) FROM article_sources"},
      {&s.clusters, "SELECT count(DISTINCT cluster_id) FROM articles"},
      {&s.db_bytes, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"},
  };
  for (auto& [out, query] : queries) {
    auto n = scalar(db, query);
    if (!n) return std::unexpected(n.error());
    *out = *n;
  }
  auto range = sql::Stmt::prepare(db, "SELECT min(fetched_at), max(fetched_at) FROM articles");
  if (!range) return std::unexpected(range.error());
  if (auto row = range->step(); !row) return std::unexpected(row.error());
  s.oldest_fetch = opt_time(range->opt_int64(0));
  s.newest_fetch = opt_time(range->opt_int64(1));
  auto langs = sql::Stmt::prepare(db, "SELECT lang, count(*) AS n FROM articles GROUP BY lang ORDER BY n DESC, lang");
  if (!langs) return std::unexpected(langs.error());
  auto read_langs = langs->each_row([&] { s.by_lang.emplace_back(langs->text(0), langs->int64(1)); });
  if (!read_langs) return std::unexpected(read_langs.error());
  auto version = scalar(db, "PRAGMA user_version");
  if (!version) return std::unexpected(version.error());
  s.schema_version = static_cast<int>(*version);
  return s;
}

}  // namespace newsd::store
