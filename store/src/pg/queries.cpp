// PostgreSQL backend: search, the article view and the statistics, with the
// SQLite store's filters, orders and result shapes (queries.cpp).
#include <algorithm>

#include "../fingerprint.hpp"
#include "../query_cost.hpp"
#include "../query_parse.hpp"
#include "../snippet_matches.hpp"
#include "pg_backend.hpp"
#include "pg_rows.hpp"

namespace newsd::store::pg {
namespace {

constexpr const char* kFeedName = "coalesce(nullif(f.name, ''), nullif(f.title, ''), f.url)";
constexpr const char* kArticleDate = "coalesce(a.published_at, a.fetched_at)";
// ts_rank_cd's weights are {D, C, B, A}: the title (A) weighs four times
// the body (D), as SQLite's bm25(4.0, 1.0).
constexpr const char* kRankWeights = "'{0.25, 0.25, 0.25, 1.0}'";
constexpr const char* kQueryCanceled = "57014";

// The statement text with its parameters, numbered in the order they are appended.
struct SearchSql {
  std::string text;
  /// Sent as text; the server infers each one's type from where it stands.
  std::vector<std::string> params;

  std::string param(std::string v) {
    params.push_back(std::move(v));
    return "$" + std::to_string(params.size());
  }
  std::string param(std::int64_t v) { return param(std::to_string(v)); }
};

void add_filters(SearchSql& s, const SearchQuery& q) {
  std::string& sql = s.text;
  for (const auto& tag : q.tags) {
    sql +=
        "AND EXISTS (SELECT 1 FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id "
        "AND lower(t.name) = lower(" +
        s.param(pg_text(tag)) + ")) ";
  }
  if (!q.country.empty()) {
    sql +=
        "AND EXISTS (SELECT 1 FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id "
        "AND t.kind = 'country' AND lower(t.name) = lower(" +
        s.param(pg_text(q.country)) + ")) ";
  }
  if (!q.lang.empty()) sql += "AND lower(a.lang) = lower(" + s.param(pg_text(q.lang)) + ") ";
  if (!q.feed_url.empty())
    sql += "AND a.feed_id IN (SELECT id FROM feeds WHERE url = " + s.param(pg_text(q.feed_url)) + ") ";
  if (q.since) sql += std::string("AND ") + kArticleDate + " >= " + s.param(to_unix(*q.since)) + " ";
  if (q.until) sql += std::string("AND ") + kArticleDate + " < " + s.param(to_unix(*q.until)) + " ";
  if (q.after_id) sql += "AND a.id > " + s.param(*q.after_id) + " ";
}

void add_page(SearchSql& s, const SearchQuery& q) {
  s.text += "LIMIT " + s.param(std::int64_t{std::max(q.limit, 0)}) + " OFFSET " +
            s.param(std::int64_t{std::max(q.offset, 0)});
}

// Columns: id, title, url, feed url, feed name, lang, published_at,
// fetched_at, then the snippet source (the text, or its first 160
// characters without a query) and the score.
SearchSql build_search(const SearchQuery& q, const TsQuery& tsquery) {
  SearchSql s;
  std::string& sql = s.text;
  const std::string columns =
      std::string("SELECT a.id, a.title, a.url, f.url, ") + kFeedName + ", a.lang, a.published_at, a.fetched_at, ";
  if (q.text.empty()) {
    sql = columns + "left(a.text, 160) || CASE WHEN length(a.text) > 160 THEN '…' ELSE '' END, 0.0 ";
    sql += "FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE true ";
    add_filters(s, q);
    sql += q.after_id ? std::string("ORDER BY a.id ") : std::string("ORDER BY ") + kArticleDate + " DESC, a.id DESC ";
    add_page(s, q);
    return s;
  }
  // The page of matching ids first (the GIN index answers `@@`), then the
  // rows of that page only. The score is negated so that, as SQLite's
  // bm25, lower is better.
  const bool by_rank = q.sort == SortOrder::relevance;
  const std::string query = s.param(tsquery.text) + "::tsquery";
  sql = "WITH page AS (SELECT a.id, ";
  sql += by_rank ? std::string("-ts_rank_cd(") + kRankWeights + ", a.search, " + s.param(tsquery.rank_text) +
                       "::tsquery) AS score "
                 : std::string("0.0::float8 AS score, ") + kArticleDate + " AS date ";
  sql += "FROM articles a WHERE a.search @@ " + query + " ";
  add_filters(s, q);
  sql += by_rank ? "ORDER BY score, a.id DESC " : "ORDER BY date DESC, a.id DESC ";
  add_page(s, q);
  sql += ") " + columns + "a.text, page.score FROM page JOIN articles a ON a.id = page.id ";
  sql += "JOIN feeds f ON f.id = a.feed_id ";
  sql += by_rank ? "ORDER BY page.score, page.id DESC" : std::string("ORDER BY ") + kArticleDate + " DESC, a.id DESC";
  return s;
}

std::string budget_text(std::chrono::steady_clock::duration budget) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(budget).count();
  return ms > 0 ? std::to_string(ms) + " ms" : "under 1 ms";
}

std::vector<std::string> tag_names(pqxx::work& tx, std::int64_t article_id) {
  std::vector<std::string> names;
  auto rows = tx.exec_params(
      "SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE at.article_id = $1 "
      "GROUP BY t.name ORDER BY max(at.score) DESC, t.name",
      article_id);
  for (const auto& r : rows) names.push_back(r[0].as<std::string>());
  return names;
}

// The watches an article matched at ingest, by name: what the sinks'
// consumers route alerts by.
std::vector<std::string> watch_names(pqxx::work& tx, std::int64_t article_id) {
  std::vector<std::string> names;
  for (const auto& r :
       tx.exec_params("SELECT watch FROM watch_matches WHERE article_id = $1 ORDER BY watch", article_id)) {
    names.push_back(r[0].as<std::string>());
  }
  return names;
}

}  // namespace

Result<std::vector<SearchHit>> Backend::search(const SearchQuery& q) {
  TsQuery tsquery;
  if (!q.text.empty()) {
    if (q.syntax == QuerySyntax::fts) {
      return fail(Errc::unsupported,
                  "raw FTS5 query syntax (--fts) needs the SQLite store; PostgreSQL takes the "
                  "plain syntax");
    }
    // The same limits and parse errors as SQLite: its checks run on the
    // FTS5 form, then the same parse is written as a tsquery.
    if (auto checked = search_expression(q); !checked) return std::unexpected(checked.error());
    auto built = plain_query_to_tsquery(q.text);
    if (!built) return fail(Errc::invalid_argument, "invalid search query '" + q.text + "': " + built.error().message);
    tsquery = std::move(*built);
    if (tsquery.text.empty()) return std::vector<SearchHit>{};  // plain text without a word
  }
  const SearchSql built = build_search(q, tsquery);
  std::vector<SearchHit> hits;
  try {
    pqxx::work tx(*conn_);
    const auto budget = std::chrono::duration_cast<std::chrono::milliseconds>(q.limits.time_budget).count();
    // The budget covers the search statement only, not the tag look-ups.
    if (budget > 0) tx.exec("SET LOCAL statement_timeout = " + std::to_string(budget));
    pqxx::result rows;
    try {
      rows = tx.exec_params(built.text, pqxx::prepare::make_dynamic_params(built.params));
    } catch (const pqxx::sql_error& e) {
      if (e.sqlstate() != kQueryCanceled) throw;
      return fail(Errc::invalid_argument, "query too expensive: '" + q.text + "' ran past its time budget of " +
                                              budget_text(q.limits.time_budget));
    }
    if (budget > 0) tx.exec("SET LOCAL statement_timeout = 0");
    for (const auto& r : rows) {
      SearchHit hit;
      hit.id = r[0].as<std::int64_t>();
      hit.title = r[1].as<std::string>();
      hit.url = r[2].as<std::string>();
      hit.feed_url = r[3].as<std::string>();
      hit.feed_name = r[4].as<std::string>();
      hit.lang = r[5].as<std::string>();
      hit.published_at = opt_time(r[6]);
      hit.fetched_at = from_unix(r[7].as<std::int64_t>());
      hit.rank = r[9].as<double>();
      if (q.text.empty()) {
        hit.snippet = r[8].as<std::string>();
      } else {
        const std::string text = r[8].as<std::string>();
        if (q.plain_snippets) {
          const std::string marked = snippet(hit.title, text, tsquery.phrases, kMatchOpen, kMatchClose);
          hit.snippet = snippet(hit.title, text, tsquery.phrases, "", "");
          hit.matches = snippet_matches(marked, hit.snippet);
        } else {
          hit.snippet = snippet(hit.title, text, tsquery.phrases, q.highlight_open, q.highlight_close);
        }
      }
      hits.push_back(std::move(hit));
    }
    for (auto& hit : hits) {
      hit.tags = tag_names(tx, hit.id);
      hit.watches = watch_names(tx, hit.id);
    }
    return hits;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "search"));
  }
}

Result<std::optional<ArticleView>> Backend::article(std::int64_t id) {
  try {
    pqxx::work tx(*conn_);
    auto rows =
        tx.exec_params(std::string("SELECT a.id, a.feed_id, f.url, ") + kFeedName +
                           ", a.url, a.canonical_url, a.guid, a.title, a.byline, a.lang, a.section, a.image, a.text, "
                           "a.published_at, a.fetched_at, coalesce(a.simhash, 0), coalesce(a.cluster_id, a.id) "
                           "FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE a.id = $1",
                       id);
    if (rows.empty()) return std::optional<ArticleView>{};
    const auto& r = rows[0];
    ArticleView v;
    v.id = r[0].as<std::int64_t>();
    v.feed_id = r[1].as<std::int64_t>();
    v.feed_url = r[2].as<std::string>();
    v.feed_name = r[3].as<std::string>();
    v.url = r[4].as<std::string>();
    v.canonical_url = r[5].as<std::string>();
    v.guid = r[6].as<std::string>();
    v.title = r[7].as<std::string>();
    v.byline = r[8].as<std::string>();
    v.lang = r[9].as<std::string>();
    v.section = r[10].as<std::string>();
    v.image = r[11].as<std::string>();
    v.text = r[12].as<std::string>();
    v.published_at = opt_time(r[13]);
    v.fetched_at = from_unix(r[14].as<std::int64_t>());
    v.simhash = static_cast<std::uint64_t>(r[15].as<std::int64_t>());
    v.cluster_id = r[16].as<std::int64_t>();
    for (const auto& t : tx.exec_params("SELECT t.name, t.kind, at.score, at.source FROM article_tags at "
                                        "JOIN tags t ON t.id = at.tag_id WHERE at.article_id = $1 "
                                        "ORDER BY at.score DESC, t.name",
                                        id)) {
      v.tags.push_back({t[0].as<std::string>(), t[1].as<std::string>(), t[2].as<double>(), t[3].as<std::string>()});
    }
    v.watches = watch_names(tx, id);
    v.labels = article_labels(tx, id);
    for (const auto& label : v.labels) {
      if (!label.removed) v.tags.push_back({label.tag, label.kind, 1.0, "label"});
    }
    for (const auto& s : tx.exec_params("SELECT s.feed_id, f.url, s.url, s.seen_at FROM article_sources s "
                                        "JOIN feeds f ON f.id = s.feed_id WHERE s.article_id = $1 "
                                        "ORDER BY s.seen_at, s.feed_id",
                                        id)) {
      v.sources.push_back({s[0].as<std::int64_t>(), s[1].as<std::string>(), s[2].as<std::string>(),
                           from_unix(s[3].as<std::int64_t>())});
    }
    for (const auto& c : tx.exec_params("SELECT a.id, a.title, a.url, f.url, a.published_at, coalesce(a.simhash, 0) "
                                        "FROM articles a JOIN feeds f ON f.id = a.feed_id "
                                        "WHERE a.cluster_id = $1 AND a.id <> $2 "
                                        "ORDER BY coalesce(a.published_at, a.fetched_at) DESC LIMIT 50",
                                        v.cluster_id, id)) {
      ClusterMember m{c[0].as<std::int64_t>(), c[1].as<std::string>(), c[2].as<std::string>(),
                      c[3].as<std::string>(),  opt_time(c[4]),         0};
      m.distance = hamming_distance(v.simhash, static_cast<std::uint64_t>(c[5].as<std::int64_t>()));
      v.cluster.push_back(std::move(m));
    }
    return std::optional<ArticleView>(std::move(v));
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "article " + std::to_string(id)));
  }
}

Result<Store::Counts> Backend::counts() {
  try {
    pqxx::work tx(*conn_);
    auto r = tx.exec1(
        "SELECT (SELECT count(*) FROM feeds), (SELECT count(*) FROM articles), (SELECT count(*) FROM article_tags), "
        "(SELECT coalesce(max(id), 0) FROM articles)");
    return Store::Counts{r[0].as<std::int64_t>(), r[1].as<std::int64_t>(), r[2].as<std::int64_t>(),
                         r[3].as<std::int64_t>()};
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "counts"));
  }
}

Result<Stats> Backend::stats() {
  try {
    // One snapshot for every figure, as SQLite's read transaction gives.
    pqxx::transaction<pqxx::repeatable_read> tx(*conn_);
    Stats s;
    auto r = tx.exec1(
        "SELECT (SELECT count(*) FROM feeds), (SELECT count(*) FROM articles), (SELECT count(*) FROM article_tags), "
        "(SELECT count(*) FROM tags), (SELECT count(*) FROM article_sources), "
        "(SELECT count(DISTINCT cluster_id) FROM articles), pg_database_size(current_database()), "
        "(SELECT min(fetched_at) FROM articles), (SELECT max(fetched_at) FROM articles)");
    s.feeds = r[0].as<std::int64_t>();
    s.articles = r[1].as<std::int64_t>();
    s.article_tags = r[2].as<std::int64_t>();
    s.tags = r[3].as<std::int64_t>();
    s.sources = r[4].as<std::int64_t>();
    s.clusters = r[5].as<std::int64_t>();
    s.db_bytes = r[6].as<std::int64_t>();
    s.oldest_fetch = opt_time(r[7]);
    s.newest_fetch = opt_time(r[8]);
    for (const auto& l : tx.exec("SELECT lang, count(*) AS n FROM articles GROUP BY lang ORDER BY n DESC, lang")) {
      s.by_lang.emplace_back(l[0].as<std::string>(), l[1].as<std::int64_t>());
    }
    s.schema_version = schema_version();
    return s;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "stats"));
  }
}

Result<std::vector<TagDayCount>> Backend::tag_counts(std::string_view kind, TimePoint since) {
  try {
    pqxx::work tx(*conn_);
    std::vector<TagDayCount> out;
    for (const auto& r : tx.exec_params(
             "SELECT tag, kind, day, articles FROM tag_daily_counts WHERE ($1 = '' OR kind = $1) AND "
             "day >= to_char(to_timestamp($2) AT TIME ZONE 'UTC', 'YYYY-MM-DD') ORDER BY day, articles DESC, tag",
             std::string(kind), to_unix(since))) {
      out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::int64_t>()});
    }
    return out;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "tag_counts"));
  }
}

}  // namespace newsd::store::pg
