// PostgreSQL backend: connection, feed state and the URL look-ups. Every
// method runs in its own transaction (libpqxx throws; each public entry
// point turns what it throws into a Result).
#include "newsd/base/log.hpp"
#include "pg_backend.hpp"
#include "pg_rows.hpp"

namespace newsd::store::pg {

Error database_error(const std::exception& e, std::string_view what) {
  const Errc code = dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr ? Errc::connect : Errc::database;
  std::string message = e.what();
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return Error{code, std::string(what) + ": " + message};
}

Result<std::unique_ptr<Backend>> Backend::connect(const std::string& url, bool readonly) {
  std::unique_ptr<pqxx::connection> conn;
  try {
    conn = std::make_unique<pqxx::connection>(url);
    // A reader must not write, even by mistake: the server enforces it.
    if (readonly) pqxx::nontransaction(*conn).exec("SET default_transaction_read_only = on");
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "cannot connect to PostgreSQL"));
  }
  if (readonly) {
    auto version = stored_schema_version(*conn);
    if (!version) return std::unexpected(version.error());
    if (*version != schema_version()) {
      return fail(Errc::database, "PostgreSQL database has schema version " + std::to_string(*version) + ", expected " +
                                      std::to_string(schema_version()) +
                                      (*version < schema_version() ? " (start the daemon once to migrate it)" : ""));
    }
  } else {
    if (auto ok = migrate(*conn); !ok) return std::unexpected(ok.error());
    if (auto rebuilt = ensure_search_current(*conn); !rebuilt) return std::unexpected(rebuilt.error());
  }
  log::info("store.open", {{"backend", "postgresql"}, {"schema", schema_version()}, {"readonly", readonly}});
  return std::unique_ptr<Backend>(new Backend(std::move(conn), readonly));
}

const char* const kFeedColumns =
    "id, url, name, title, site_url, etag, last_modified, next_fetch_at, last_fetched_at, interval_s, "
    "consecutive_errors, last_error, CASE WHEN removed_at IS NULL THEN state ELSE 'removed' END, "
    "interval_reason, error_class, error_since, mean_gap_s, gaps, last_new_entry_at, source_type, links_found, "
    "links_hash, ";

FeedState feed_from(const pqxx::row& r) {
  FeedState f;
  f.id = r[0].as<std::int64_t>();
  f.url = r[1].as<std::string>();
  f.name = r[2].as<std::string>();
  f.title = r[3].as<std::string>();
  f.site_url = r[4].as<std::string>();
  f.etag = r[5].as<std::string>();
  f.last_modified = r[6].as<std::string>();
  f.next_fetch_at = opt_time(r[7]);
  f.last_fetched_at = opt_time(r[8]);
  f.interval_s = r[9].as<int>();
  f.consecutive_errors = r[10].as<int>();
  f.last_error = r[11].as<std::string>();
  f.state = r[12].as<std::string>();
  f.interval_reason = r[13].as<std::string>();
  f.error_class = r[14].as<std::string>();
  f.error_since = opt_time(r[15]);
  f.mean_gap_s = r[16].as<double>();
  f.gaps = r[17].as<int>();
  f.last_new_entry_at = opt_time(r[18]);
  f.source_type = r[19].as<std::string>();
  if (!r[20].is_null()) f.links_found = r[20].as<int>();
  f.links_hash = r[21].as<std::string>();
  f.articles = r[22].as<std::int64_t>();
  return f;
}

namespace {

// The stored article reachable from each URL as linked, as SQLite's
// kArticleByLinkedUrl: by canonical URL (of an article or of a source), or
// by the exact linked URL of a source. One statement for one URL or a whole
// feed's: has_articles asks for every entry of a poll at once, serially on
// the engine's coordinator (docs/scaling.md, "first bottleneck"). LATERAL
// with LIMIT 1 keeps three index probes per URL; written as EXISTS … OR
// EXISTS the planner hashed whole tables for each call (1.9 ms for 20 URLs
// over 5,000 articles, against 85 µs for one). Rows: (1-based position in
// `urls`, article id) for each URL that reaches an article.
constexpr const char* kArticlesByLinkedUrlName = "newsd_articles_by_linked_url";
pqxx::result articles_by_linked_url(pqxx::transaction_base& tx, std::span<const std::string> urls) {
  // libpqxx keeps the definition per connection (again after a reconnect);
  // registering the same one again costs a map look-up.
  tx.conn().prepare(kArticlesByLinkedUrlName,
                    "SELECT u.n, hit.id FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(canonical, url, n) "
                    "CROSS JOIN LATERAL (SELECT id FROM articles WHERE canonical_url = u.canonical UNION ALL "
                    "SELECT article_id FROM article_sources WHERE canonical_url = u.canonical UNION ALL "
                    "SELECT article_id FROM article_sources WHERE url = u.url LIMIT 1) AS hit");
  std::vector<std::string> keys, linked;
  keys.reserve(urls.size());
  linked.reserve(urls.size());
  for (const auto& url : urls) {
    keys.push_back(pg_text(lookup_key(url)));
    linked.push_back(pg_text(url));
  }
  return tx.exec_prepared(kArticlesByLinkedUrlName, text_array(keys), text_array(linked));
}

std::optional<std::int64_t> article_by_linked_url(pqxx::transaction_base& tx, std::string_view url) {
  const std::string one(url);
  const auto rows = articles_by_linked_url(tx, std::span(&one, 1));
  if (rows.empty()) return std::nullopt;
  return rows[0][1].as<std::int64_t>();
}

// As SQLite's record_children_read (store.cpp): the children of a sitemap
// index read in this poll, and a child unlisted for 30 days forgotten.
void record_children_read(pqxx::work& tx, const FeedFetchResult& r) {
  if (r.children_read.empty()) return;
  for (const auto& child : r.children_read) {
    tx.exec_params(
        "INSERT INTO sitemap_children (feed_id, url, lastmod, read_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (feed_id, url) DO UPDATE SET lastmod = excluded.lastmod, read_at = excluded.read_at",
        r.feed_id, pg_text(child.url), opt_unix(child.lastmod), to_unix(child.read_at));
  }
  constexpr std::int64_t kForgetAfter = 30 * 24 * 3600;
  tx.exec_params("DELETE FROM sitemap_children WHERE feed_id = $1 AND read_at < $2", r.feed_id,
                 to_unix(r.fetched_at) - kForgetAfter);
}

}  // namespace

Result<std::vector<SitemapChildRead>> Backend::sitemap_children(std::int64_t feed_id) {
  try {
    pqxx::work tx(*conn_);
    auto rows =
        tx.exec_params("SELECT url, lastmod, read_at FROM sitemap_children WHERE feed_id = $1 ORDER BY url", feed_id);
    std::vector<SitemapChildRead> out;
    out.reserve(rows.size());
    for (const auto& r : rows)
      out.push_back({r[0].as<std::string>(), opt_time(r[1]), from_unix(r[2].as<std::int64_t>())});
    return out;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "sitemap_children of feed " + std::to_string(feed_id)));
  }
}

Result<FeedState> Backend::ensure_feed(std::string_view url, std::string_view name) {
  try {
    pqxx::work tx(*conn_);
    auto row = tx.exec_params1(std::string("INSERT INTO feeds (url, name) VALUES ($1, $2) ON CONFLICT (url) DO UPDATE "
                                           "SET name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE "
                                           "feeds.name END, removed_at = NULL RETURNING ") +
                                   kFeedColumns + "0::bigint",
                               pg_text(url), pg_text(name));
    FeedState feed = feed_from(row);
    tx.commit();
    return feed;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "ensure_feed " + std::string(url)));
  }
}

Result<std::vector<FeedState>> Backend::feeds() {
  try {
    pqxx::work tx(*conn_);
    auto rows = tx.exec(std::string("SELECT ") + kFeedColumns +
                        "(SELECT count(*) FROM articles a WHERE a.feed_id = feeds.id) FROM feeds ORDER BY id");
    std::vector<FeedState> out;
    out.reserve(rows.size());
    for (const auto& r : rows) out.push_back(feed_from(r));
    return out;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "feeds"));
  }
}

Result<void> Backend::record_fetch(const FeedFetchResult& r) {
  auto text = [](const std::optional<std::string>& v) {
    return v ? std::optional<std::string>(pg_text(*v)) : std::nullopt;
  };
  const bool rate = r.mean_gap_s.has_value();
  try {
    pqxx::work tx(*conn_);
    // The same update as SQLite's (store.cpp), parameter for parameter.
    auto done = tx.exec_params(
        "UPDATE feeds SET title = coalesce($2, title), site_url = coalesce($3, site_url), etag = coalesce($4, etag), "
        "last_modified = coalesce($5, last_modified), interval_s = coalesce($6, interval_s), last_fetched_at = $7, "
        "next_fetch_at = $8, consecutive_errors = CASE WHEN $9::text IS NULL THEN 0 ELSE consecutive_errors + 1 END, "
        "last_error = coalesce($9, ''), state = CASE WHEN $10 THEN 'gone' WHEN $9::text IS NOT NULL THEN 'error' "
        "ELSE 'active' END, interval_reason = coalesce($11, interval_reason), "
        "error_class = CASE WHEN $9::text IS NULL THEN '' ELSE $12 END, "
        "error_since = CASE WHEN $9::text IS NULL THEN NULL WHEN consecutive_errors = 0 OR error_since IS NULL "
        "THEN $7 ELSE error_since END, "
        "mean_gap_s = CASE WHEN $13 THEN $14 ELSE mean_gap_s END, gaps = CASE WHEN $13 THEN $15 ELSE gaps END, "
        "last_new_entry_at = CASE WHEN $13 THEN $16 ELSE last_new_entry_at END, "
        "source_type = coalesce($17, source_type), links_found = coalesce($18, links_found), "
        "links_hash = coalesce($19, links_hash) WHERE id = $1",
        r.feed_id, text(r.title), text(r.site_url), text(r.etag), text(r.last_modified),
        r.interval_s ? std::optional<int>(*r.interval_s) : std::nullopt, to_unix(r.fetched_at),
        to_unix(r.next_fetch_at), text(r.error), r.gone, text(r.interval_reason), pg_text(r.error_class), rate,
        r.mean_gap_s.value_or(0.0), r.gaps, rate ? opt_unix(r.last_new_entry_at) : std::nullopt, text(r.source_type),
        r.links_found ? std::optional<std::int64_t>(*r.links_found) : std::nullopt, text(r.links_hash));
    if (done.affected_rows() == 0) return fail(Errc::not_found, "no feed with id " + std::to_string(r.feed_id));
    record_children_read(tx, r);
    if (r.moved_to) {
      // As SQLite's UPDATE OR IGNORE: a URL another feed has already keeps the two rows apart.
      tx.exec_params("UPDATE feeds SET url = $2 WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM feeds WHERE url = $2)",
                     r.feed_id, pg_text(*r.moved_to));
    }
    tx.commit();
    return {};
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "record_fetch of feed " + std::to_string(r.feed_id)));
  }
}

Result<void> Backend::mark_removed(std::int64_t feed_id, TimePoint at) {
  try {
    pqxx::work tx(*conn_);
    tx.exec_params("UPDATE feeds SET removed_at = $2 WHERE id = $1", feed_id, to_unix(at));
    tx.commit();
    return {};
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "mark_removed"));
  }
}

Result<bool> Backend::reactivate(std::string_view url, TimePoint now) {
  try {
    pqxx::work tx(*conn_);
    auto done = tx.exec_params(
        "UPDATE feeds SET state = 'active', consecutive_errors = 0, last_error = '', error_class = '', "
        "error_since = NULL, next_fetch_at = $2 WHERE url = $1",
        pg_text(url), to_unix(now));
    tx.commit();
    return done.affected_rows() > 0;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "reactivate " + std::string(url)));
  }
}

Result<bool> Backend::has_article(std::string_view url) {
  try {
    // One statement that writes nothing: autocommit, so one round trip
    // instead of BEGIN, the look-up and ROLLBACK.
    pqxx::nontransaction tx(*conn_);
    return article_by_linked_url(tx, url).has_value();
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "has_article"));
  }
}

Result<std::vector<bool>> Backend::has_articles(std::span<const std::string> urls) {
  std::vector<bool> out(urls.size(), false);
  if (urls.empty()) return out;
  try {
    // Writes nothing: autocommit, one round trip a poll.
    pqxx::nontransaction tx(*conn_);
    for (const auto& row : articles_by_linked_url(tx, urls)) {
      out[static_cast<std::size_t>(row[0].as<std::int64_t>() - 1)] = true;
    }
    return out;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "has_articles"));
  }
}

Result<bool> Backend::add_source(std::int64_t feed_id, std::string_view url, std::string_view guid, TimePoint seen_at) {
  if (readonly_) return fail(Errc::invalid_argument, "add_source on a read-only store");
  try {
    pqxx::work tx(*conn_);
    const auto id = article_by_linked_url(tx, url);
    if (!id) return false;
    // One row per (article, feed), as the SQLite store records it.
    tx.exec_params(
        "INSERT INTO article_sources (article_id, feed_id, canonical_url, url, guid, seen_at) "
        "SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM article_sources WHERE article_id = $1 AND "
        "feed_id = $2) ON CONFLICT DO NOTHING",
        *id, feed_id, pg_text(lookup_key(url)), pg_text(url), pg_text(guid), to_unix(seen_at));
    tx.commit();
    return true;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "add_source"));
  }
}

Result<int> Backend::prune(TimePoint older_than, int max_rows) {
  try {
    pqxx::work tx(*conn_);
    // Tags and sources go by ON DELETE CASCADE; the search column is in the row.
    auto done = tx.exec_params(
        "DELETE FROM articles WHERE id IN (SELECT id FROM articles WHERE fetched_at < $1 ORDER BY fetched_at "
        "LIMIT $2)",
        to_unix(older_than), max_rows);
    tx.commit();
    const int deleted = static_cast<int>(done.affected_rows());
    if (deleted > 0) log::info("store.pruned", {{"articles", deleted}, {"older_than", to_unix(older_than)}});
    return deleted;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "prune"));
  }
}

Result<std::optional<std::string>> Backend::outdated_search_index() { return outdated_tokenizer(*conn_); }

}  // namespace newsd::store::pg
