// `newsd migrate`: a SQLite archive copied into PostgreSQL row by row (its
// labels and tag versions included), ids kept, so that article ids (the API's, the stream's) mean the same article
// on both sides and a rerun recognises what is already there.
#include "../schema.hpp"
#include "../sqlite.hpp"
#include "newsd/base/log.hpp"
#include "newsd/store/pg_migrate.hpp"
#include "pg_backend.hpp"
#include "pg_rows.hpp"

namespace newsd::store {
namespace {

Result<sql::DbPtr> open_source(const std::filesystem::path& from) {
  std::error_code ec;
  if (!std::filesystem::exists(from, ec)) return fail(Errc::not_found, "no database at " + from.string());
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(from.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  sql::DbPtr db(raw);
  if (rc != SQLITE_OK) return sql::db_error(raw, "cannot open " + from.string());
  auto version = schema_version(raw);
  if (!version) return std::unexpected(version.error());
  if (*version != kSchemaVersion) {
    return fail(Errc::database, from.string() + " has schema version " + std::to_string(*version) + ", expected " +
                                    std::to_string(kSchemaVersion) + " (open it once with this newsd to migrate it)");
  }
  return db;
}

// Feeds, then tags: small tables, copied whole in one transaction each.
// A row whose id the target gives to another URL (or tag) means the target
// holds another archive, which ids cannot be merged into.
Result<void> copy_feeds(sqlite3* src, pqxx::connection& conn, CopyReport& report) {
  auto rows = sql::Stmt::prepare(
      src,
      "SELECT id, url, name, title, site_url, etag, last_modified, interval_s, next_fetch_at, last_fetched_at, "
      "consecutive_errors, last_error, state, created_at, interval_reason, error_class, error_since, mean_gap_s, "
      "gaps, last_new_entry_at, removed_at, source_type, links_found, links_hash FROM feeds ORDER BY id");
  if (!rows) return std::unexpected(rows.error());
  pqxx::work tx(conn);
  while (true) {
    auto row = rows->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    const auto& s = *rows;
    const std::int64_t id = s.int64(0);
    const std::string url = pg::pg_text(s.text(1));
    report.feeds += static_cast<std::int64_t>(
        tx.exec_params("INSERT INTO feeds (id, url, name, title, site_url, etag, last_modified, interval_s, "
                       "next_fetch_at, last_fetched_at, consecutive_errors, last_error, state, created_at, "
                       "interval_reason, error_class, error_since, mean_gap_s, gaps, last_new_entry_at, removed_at, "
                       "source_type, links_found, links_hash) "
                       "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, "
                       "$19, $20, $21, $22, $23, $24) ON CONFLICT DO NOTHING",
                       id, url, pg::pg_text(s.text(2)), pg::pg_text(s.text(3)), pg::pg_text(s.text(4)),
                       pg::pg_text(s.text(5)), pg::pg_text(s.text(6)), s.int64(7), s.opt_int64(8), s.opt_int64(9),
                       s.int64(10), pg::pg_text(s.text(11)), s.text(12), s.int64(13), pg::pg_text(s.text(14)),
                       pg::pg_text(s.text(15)), s.opt_int64(16), s.real(17), s.int64(18), s.opt_int64(19),
                       s.opt_int64(20), pg::pg_text(s.text(21)), s.opt_int64(22), pg::pg_text(s.text(23)))
            .affected_rows());
    if (tx.exec_params("SELECT 1 FROM feeds WHERE id = $1 AND url = $2", id, url).empty()) {
      return fail(Errc::invalid_argument, "the target database already holds another archive: its feed " +
                                              std::to_string(id) + " is not " + url);
    }
  }
  // The sitemap index children already read, so the first poll from
  // PostgreSQL does not fetch them all again.
  auto children = sql::Stmt::prepare(src, "SELECT feed_id, url, lastmod, read_at FROM sitemap_children");
  if (!children) return std::unexpected(children.error());
  auto each = children->each_row([&] {
    tx.exec_params(
        "INSERT INTO sitemap_children (feed_id, url, lastmod, read_at) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT DO NOTHING",
        children->int64(0), pg::pg_text(children->text(1)), children->opt_int64(2), children->int64(3));
  });
  if (!each) return std::unexpected(each.error());
  // New feeds added in PostgreSQL later must not take a copied id.
  tx.exec("SELECT setval(pg_get_serial_sequence('feeds', 'id'), greatest(coalesce(max(id), 0), 1)) FROM feeds");
  tx.commit();
  return {};
}

Result<void> copy_tags(sqlite3* src, pqxx::connection& conn, CopyReport& report) {
  auto rows = sql::Stmt::prepare(src, "SELECT id, name, kind FROM tags ORDER BY id");
  if (!rows) return std::unexpected(rows.error());
  pqxx::work tx(conn);
  while (true) {
    auto row = rows->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    const std::int64_t id = rows->int64(0);
    const std::string name = pg::pg_text(rows->text(1)), kind = rows->text(2);
    report.tags += static_cast<std::int64_t>(
        tx.exec_params("INSERT INTO tags (id, name, kind) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", id, name, kind)
            .affected_rows());
    if (tx.exec_params("SELECT 1 FROM tags WHERE id = $1 AND name = $2 AND kind = $3", id, name, kind).empty()) {
      return fail(Errc::invalid_argument, "the target database already holds another archive: its tag " +
                                              std::to_string(id) + " is not " + name + " (" + kind + ")");
    }
  }
  tx.exec("SELECT setval(pg_get_serial_sequence('tags', 'id'), greatest(coalesce(max(id), 0), 1)) FROM tags");
  tx.commit();
  return {};
}

// A nullable text column (a tag version: NULL = never recorded, kept NULL).
std::optional<std::string> opt_text(const sql::Stmt& s, int col) {
  return s.is_null(col) ? std::nullopt : std::optional<std::string>(pg::pg_text(s.text(col)));
}

struct ArticleStatements {
  sql::Stmt articles, tags, sources, watches, labels;
};

// One batch of articles after id `after`, with their tags, sources and
// watch matches, in one transaction; returns the last id copied (== after
// when none is left).
Result<std::int64_t> copy_article_batch(ArticleStatements& s, pqxx::connection& conn, std::int64_t after, int limit,
                                        CopyReport& report) {
  s.articles.reset();
  s.articles.bind(1, after).bind(2, limit);
  pqxx::work tx(conn);
  std::int64_t last = after;
  while (true) {
    auto row = s.articles.step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    const auto& a = s.articles;
    last = a.int64(0);
    ++report.articles_seen;
    const std::string title = pg::pg_text(a.text(5)), text = pg::pg_text(a.text(10));
    report.articles += static_cast<std::int64_t>(
        tx.exec_params("INSERT INTO articles (id, feed_id, canonical_url, url, guid, title, byline, lang, section, "
                       "image, text, published_at, fetched_at, content_hash, simhash, cluster_id, search, "
                       "taxonomy_version, model_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
                       "$13, $14, $15, $16, $17::tsvector, $18, $19) ON CONFLICT DO NOTHING",
                       last, a.int64(1), pg::pg_text(a.text(2)), pg::pg_text(a.text(3)), pg::pg_text(a.text(4)), title,
                       pg::pg_text(a.text(6)), pg::pg_text(a.text(7)), pg::pg_text(a.text(8)), pg::pg_text(a.text(9)),
                       text, a.opt_int64(11), a.int64(12), a.opt_int64(13), a.opt_int64(14), a.opt_int64(15),
                       pg::search_vector(title, text), opt_text(a, 16), opt_text(a, 17))
            .affected_rows());
  }
  if (last == after) return last;
  // Each child table's rows of the articles just copied: `insert` writes
  // one row and returns how many it added (0 when already there).
  auto copy_children = [&](sql::Stmt& rows, std::int64_t& counter, auto insert) -> Result<void> {
    rows.reset();
    rows.bind(1, after).bind(2, last);
    return rows.each_row([&] { counter += static_cast<std::int64_t>(insert(rows).affected_rows()); });
  };
  auto tags = copy_children(s.tags, report.article_tags, [&](const sql::Stmt& r) {
    return tx.exec_params(
        "INSERT INTO article_tags (article_id, tag_id, score, source) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        r.int64(0), r.int64(1), r.real(2), r.text(3));
  });
  if (!tags) return std::unexpected(tags.error());
  auto sources = copy_children(s.sources, report.sources, [&](const sql::Stmt& r) {
    return tx.exec_params(
        "INSERT INTO article_sources (article_id, feed_id, canonical_url, url, guid, seen_at) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        r.int64(0), r.int64(1), pg::pg_text(r.text(2)), pg::pg_text(r.text(3)), pg::pg_text(r.text(4)), r.int64(5));
  });
  if (!sources) return std::unexpected(sources.error());
  auto watches = copy_children(s.watches, report.watch_matches, [&](const sql::Stmt& r) {
    return tx.exec_params("INSERT INTO watch_matches (article_id, watch) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                          r.int64(0), pg::pg_text(r.text(1)));
  });
  if (!watches) return std::unexpected(watches.error());
  auto labels = copy_children(s.labels, report.labels, [&](const sql::Stmt& r) {
    return tx.exec_params(
        "INSERT INTO labels (article_id, tag, kind, set_by, set_at, removed) "
        "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        r.int64(0), pg::pg_text(r.text(1)), r.text(2), pg::pg_text(r.text(3)), r.int64(4), r.int64(5));
  });
  if (!labels) return std::unexpected(labels.error());
  tx.commit();
  return last;
}

Result<void> copy_articles(sqlite3* src, pqxx::connection& conn, int batch_size, CopyReport& report,
                           const std::function<void(const CopyReport&)>& progress) {
  ArticleStatements s;
  const std::pair<sql::Stmt*, const char*> statements[] = {
      {&s.articles,
       "SELECT id, feed_id, canonical_url, url, guid, title, byline, lang, section, image, text, published_at, "
       "fetched_at, content_hash, simhash, cluster_id, taxonomy_version, model_version FROM articles "
       "WHERE id > ?1 ORDER BY id LIMIT ?2"},
      {&s.tags,
       "SELECT article_id, tag_id, score, source FROM article_tags WHERE article_id > ?1 AND article_id <= ?2"},
      {&s.sources,
       "SELECT article_id, feed_id, canonical_url, url, guid, seen_at FROM article_sources "
       "WHERE article_id > ?1 AND article_id <= ?2"},
      {&s.watches, "SELECT article_id, watch FROM watch_matches WHERE article_id > ?1 AND article_id <= ?2"},
      {&s.labels,
       "SELECT article_id, tag, kind, set_by, set_at, removed FROM labels WHERE article_id > ?1 AND article_id <= ?2"},
  };
  for (auto& [stmt, text] : statements) {
    auto prepared = sql::Stmt::prepare(src, text);
    if (!prepared) return std::unexpected(prepared.error());
    *stmt = std::move(*prepared);
  }
  std::int64_t after = 0;
  while (true) {
    auto last = copy_article_batch(s, conn, after, batch_size, report);
    if (!last) return std::unexpected(last.error());
    if (*last == after) return {};
    after = *last;
    if (progress) progress(report);
  }
}

}  // namespace

Result<CopyReport> copy_sqlite_to_postgresql(const std::filesystem::path& from, const std::string& to_url,
                                             int batch_size, const std::function<void(const CopyReport&)>& progress) {
  auto src = open_source(from);
  if (!src) return std::unexpected(src.error());
  auto target = pg::Backend::connect(to_url, false);
  if (!target) return std::unexpected(target.error());
  pqxx::connection& conn = (*target)->connection();
  CopyReport report;
  // The outbox is left empty, and no sink cursor is copied. The archive's
  // articles were stored by the SQLite daemon, and its sinks have had them
  // (or have them as dead letters, or dropped them by the bound); a sink
  // registered on PostgreSQL starts, as every new sink does, with the
  // articles stored from then on. Copying the undelivered rows would also
  // need their cursors and dead letters, and a sink that kept delivering
  // from SQLite while the copy ran would send them twice.
  // The source is read in one transaction: a daemon writing it meanwhile
  // (WAL) cannot make the copy mix two states of the archive.
  if (auto ok = sql::exec(src->get(), "BEGIN"); !ok) return std::unexpected(ok.error());
  try {
    if (auto ok = copy_feeds(src->get(), conn, report); !ok) return std::unexpected(ok.error());
    if (auto ok = copy_tags(src->get(), conn, report); !ok) return std::unexpected(ok.error());
    if (auto ok = copy_articles(src->get(), conn, std::max(batch_size, 1), report, progress); !ok) {
      return std::unexpected(ok.error());
    }
  } catch (const std::exception& e) {
    return std::unexpected(pg::database_error(e, "copy to PostgreSQL"));
  }
  log::info("store.copied", {{"from", from.string()},
                             {"feeds", report.feeds},
                             {"tags", report.tags},
                             {"articles", report.articles},
                             {"articles_seen", report.articles_seen},
                             {"sources", report.sources},
                             {"watch_matches", report.watch_matches},
                             {"labels", report.labels}});
  return report;
}

}  // namespace newsd::store
