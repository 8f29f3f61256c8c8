// PostgreSQL backend: tag versions per article and `newsd retag`, with the
// SQLite store's loop and diff (retag_plan.hpp). Why the CLI writes its own
// short transactions beside the daemon rather than through it is said in
// retag.cpp; here the serialisation SQLite gives for free is the article
// writers' advisory lock (kArticleWriterLock), taken by each batch: a
// worker's write_articles and a retag batch never diff and write the same
// article's rows at once, and neither waits longer than a batch.
#include <algorithm>

#include "../retag_plan.hpp"
#include "pg_backend.hpp"
#include "pg_rows.hpp"

namespace newsd::store::pg {
namespace {

using retag::ChangesByTag;
using retag::Outdated;
using retag::Retagged;
using retag::TagKey;
using retag::TagRows;

// `IS DISTINCT FROM` counts NULL (never recorded) as outdated, as SQLite's `IS NOT`.
constexpr const char* kSelectOutdated =
    "SELECT id, title, text, lang FROM articles WHERE id > $1 "
    "AND ($2::bigint IS NULL OR coalesce(published_at, fetched_at) >= $2) "
    "AND (($3 AND taxonomy_version IS DISTINCT FROM $4) OR ($5 AND model_version IS DISTINCT FROM $6)) "
    "ORDER BY id LIMIT $7";

std::optional<std::int64_t> since_of(const RetagOptions& options) {
  return options.since ? std::optional<std::int64_t>(to_unix(*options.since)) : std::nullopt;
}

Result<std::vector<Outdated>> read_outdated(pqxx::connection& conn, const RetagOptions& options,
                                            const TagVersions& current, std::int64_t after_id, std::int64_t count) {
  try {
    // Its own short transaction: the slow tagging that follows holds nothing.
    pqxx::work tx(conn);
    std::vector<Outdated> out;
    for (const auto& r : tx.exec_params(kSelectOutdated, after_id, since_of(options), options.rules, current.taxonomy,
                                        options.model, current.model, count)) {
      out.push_back(
          {r[0].as<std::int64_t>(), {r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>()}});
    }
    tx.commit();
    return out;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "retag: reading outdated articles"));
  }
}

TagRows stored_rows(pqxx::work& tx, const RetagOptions& options, std::int64_t id) {
  TagRows rows;
  for (const auto& r :
       tx.exec_params("SELECT t.name, t.kind, at.source, at.score FROM article_tags at JOIN tags t ON t.id = at.tag_id "
                      "WHERE at.article_id = $1 AND at.source IN ('rule', 'model')",
                      id)) {
    rows.emplace(TagKey{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>()}, r[3].as<double>());
  }
  return retag::selected_rows(options, std::move(rows));
}

// Makes one article's selected rows what `article` says and records the
// current versions on it. Returns whether a row changed.
bool rewrite_article(pqxx::work& tx, const RetagOptions& options, const TagVersions& current, const Retagged& article,
                     ChangesByTag& changes) {
  const auto diff = retag::diff(stored_rows(tx, options, article.id), article.rows, changes);
  for (const auto& [name, kind, source] : diff.removed) {
    tx.exec_params(
        "DELETE FROM article_tags WHERE article_id = $1 AND source = $4 "
        "AND tag_id = (SELECT id FROM tags WHERE name = $2 AND kind = $3)",
        article.id, name, kind, source);
  }
  for (const auto& [key, score] : diff.added) {
    const auto& [name, kind, source] = key;
    const auto tag_id = tx.exec_params1(
                              "INSERT INTO tags (name, kind) VALUES ($1, $2) "
                              "ON CONFLICT (name, kind) DO UPDATE SET name = excluded.name RETURNING id",
                              pg_text(name), kind)[0]
                            .as<std::int64_t>();
    tx.exec_params(
        "INSERT INTO article_tags (article_id, tag_id, score, source) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT DO NOTHING",
        article.id, tag_id, score, source);
  }
  for (const auto& [key, score] : diff.rescored) {
    const auto& [name, kind, source] = key;
    tx.exec_params(
        "UPDATE article_tags SET score = $5 WHERE article_id = $1 AND source = $4 "
        "AND tag_id = (SELECT id FROM tags WHERE name = $2 AND kind = $3)",
        article.id, name, kind, source, score);
  }
  tx.exec_params(
      "UPDATE articles SET taxonomy_version = CASE WHEN $2 THEN $3 ELSE taxonomy_version END, "
      "model_version = CASE WHEN $4 THEN $5 ELSE model_version END WHERE id = $1",
      article.id, options.rules, current.taxonomy, options.model, current.model);
  return !diff.empty();
}

// One batch in one short write transaction: all of it or none.
Result<void> write_batch(pqxx::connection& conn, const RetagOptions& options, const TagVersions& current,
                         const std::vector<Retagged>& batch, RetagReport& report, ChangesByTag& changes) {
  try {
    pqxx::work tx(conn);
    tx.exec("SET LOCAL lock_timeout = " + std::to_string(std::max<std::int64_t>(options.busy_timeout.count(), 1)));
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kArticleWriterLock);
    auto pending = changes;  // counted only once the batch commits
    std::int64_t articles = 0, changed = 0;
    for (const auto& article : batch) {
      // Pruned since it was read: its rows went with it.
      if (tx.exec_params("SELECT 1 FROM articles WHERE id = $1", article.id).empty()) continue;
      ++articles;
      if (rewrite_article(tx, options, current, article, pending)) ++changed;
    }
    tx.commit();
    changes = std::move(pending);
    report.articles += articles;
    report.changed_articles += changed;
    ++report.batches;
    return {};
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "retag: writing a batch"));
  }
}

}  // namespace

Result<RetagReport> Backend::retag(const TagVersions& current, const RetagOptions& options, const RetagTagger& tagger,
                                   const RetagProgress& progress) {
  if (auto ok = retag::check(options); !ok) return std::unexpected(ok.error());
  if (readonly_) return fail(Errc::invalid_argument, "retag on a read-only store");
  const auto read = [&](std::int64_t after_id, std::int64_t count) {
    return read_outdated(*conn_, options, current, after_id, count);
  };
  const auto write = [&](const std::vector<Retagged>& batch, RetagReport& report, ChangesByTag& changes) {
    return write_batch(*conn_, options, current, batch, report, changes);
  };
  return retag::run(options, tagger, progress, read, write);
}

Result<OutdatedTags> Backend::outdated_tags(const TagVersions& current) {
  try {
    pqxx::work tx(*conn_);
    const auto r = tx.exec_params1(
        "SELECT count(*) FILTER (WHERE taxonomy_version IS DISTINCT FROM $1), "
        "count(*) FILTER (WHERE model_version IS DISTINCT FROM $2) FROM articles",
        current.taxonomy, current.model);
    OutdatedTags out;
    out.taxonomy = r[0].as<std::int64_t>();
    if (!current.model.empty()) out.model = r[1].as<std::int64_t>();
    return out;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "outdated_tags"));
  }
}

}  // namespace newsd::store::pg
