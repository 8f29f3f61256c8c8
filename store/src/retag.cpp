// Store::retag and Store::outdated_tags: recomputing rule and model tags of
// stored articles beside a running daemon.
//
// Why the CLI writes its own transactions rather than asking the daemon to
// interleave retag batches with ingest (the other way issue 17 allows):
// - SQLite already serialises writers. A batch's tagging, the slow part, runs
//   outside any transaction; the transaction itself only diffs and rewrites a
//   few tag rows per article, a few milliseconds for a batch, so the daemon's
//   writer waits at most that (its busy timeout is seconds), and this side
//   waits out the daemon's batches the same way. WAL keeps readers going.
// - Nothing new is needed in the daemon: no request channel, no way to stream
//   per-tag counts back to the CLI, no second kind of work in the writer's
//   ordering (store_writer.cpp keeps a feed's state after its articles).
// - The same command works with no daemon at all, like request_reactivation.
// Correctness with a concurrent writer: the rows an article has are read
// inside the write transaction, so a tag the daemon added meanwhile (a
// duplicate seen through another feed) is diffed, not overwritten blindly;
// an article pruned meanwhile is skipped.
#include "pg/pg_backend.hpp"
#include "retag_plan.hpp"
#include "store_impl.hpp"

namespace newsd::store {
namespace {

using retag::ChangesByTag;
using retag::Outdated;
using retag::Retagged;
using retag::TagKey;
using retag::TagRows;

// Statements of one retag run, prepared once on its connection.
struct RetagStatements {
  sql::Stmt select_outdated;
  sql::Stmt article_exists;
  sql::Stmt current_rows;
  sql::Stmt upsert_tag;
  sql::Stmt insert_row;
  sql::Stmt delete_row;
  sql::Stmt update_score;
  sql::Stmt set_versions;

  static Result<RetagStatements> prepare(sqlite3* db) {
    RetagStatements s;
    const std::pair<sql::Stmt*, const char*> statements[] = {
        // ?3/?5 select the sources; `IS NOT` counts NULL (never recorded) as outdated.
        {&s.select_outdated,
         "SELECT id, title, text, lang FROM articles WHERE id > ?1 "
         "AND (?2 IS NULL OR coalesce(published_at, fetched_at) >= ?2) "
         "AND ((?3 AND taxonomy_version IS NOT ?4) OR (?5 AND model_version IS NOT ?6)) "
         "ORDER BY id LIMIT ?7"},
        {&s.article_exists, "SELECT 1 FROM articles WHERE id = ?1"},
        {&s.current_rows,
         "SELECT t.name, t.kind, at.source, at.score FROM article_tags at JOIN tags t ON t.id = at.tag_id "
         "WHERE at.article_id = ?1 AND at.source IN ('rule', 'model')"},
        {&s.upsert_tag, kUpsertTagSql},
        {&s.insert_row,
         "INSERT OR IGNORE INTO article_tags (article_id, tag_id, score, source) VALUES (?1, ?2, ?3, ?4)"},
        {&s.delete_row,
         "DELETE FROM article_tags WHERE article_id = ?1 AND source = ?4 "
         "AND tag_id = (SELECT id FROM tags WHERE name = ?2 AND kind = ?3)"},
        {&s.update_score,
         "UPDATE article_tags SET score = ?5 WHERE article_id = ?1 AND source = ?4 "
         "AND tag_id = (SELECT id FROM tags WHERE name = ?2 AND kind = ?3)"},
        {&s.set_versions,
         "UPDATE articles SET taxonomy_version = CASE WHEN ?2 THEN ?3 ELSE taxonomy_version END, "
         "model_version = CASE WHEN ?4 THEN ?5 ELSE model_version END WHERE id = ?1"},
    };
    for (auto& [stmt, text] : statements) {
      auto prepared = sql::Stmt::prepare(db, text);
      if (!prepared) return std::unexpected(prepared.error());
      *stmt = std::move(*prepared);
    }
    return s;
  }
};

// The next `count` outdated articles after `after_id`, read outside any
// transaction (WAL: a snapshot that never blocks the daemon).
Result<std::vector<Outdated>> read_outdated(RetagStatements& s, const RetagOptions& options, const TagVersions& current,
                                            std::int64_t after_id, std::int64_t count) {
  auto& q = s.select_outdated;
  q.bind(1, after_id);
  if (options.since)
    q.bind(2, to_unix(*options.since));
  else
    q.bind_null(2);
  q.bind(3, options.rules ? 1 : 0).bind(4, current.taxonomy);
  q.bind(5, options.model ? 1 : 0).bind(6, current.model).bind(7, count);
  std::vector<Outdated> out;
  auto rows = q.each_row([&] { out.push_back({q.int64(0), {q.text(1), q.text(2), q.text(3)}}); });
  q.reset();
  if (!rows) return std::unexpected(rows.error());
  return out;
}

Result<TagRows> stored_rows(RetagStatements& s, const RetagOptions& options, std::int64_t id) {
  TagRows rows;
  auto& q = s.current_rows;
  q.bind(1, id);
  auto done = q.each_row([&] { rows.emplace(TagKey{q.text(0), q.text(1), q.text(2)}, q.real(3)); });
  q.reset();
  if (!done) return std::unexpected(done.error());
  return retag::selected_rows(options, std::move(rows));
}

Result<void> insert_row(sqlite3* db, RetagStatements& s, std::int64_t article_id, const TagKey& key, double score) {
  const auto& [name, kind, source] = key;
  s.upsert_tag.bind(1, name).bind(2, kind);
  auto row = s.upsert_tag.step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return sql::db_error(db, "tag upsert returned no id");
  const std::int64_t tag_id = s.upsert_tag.int64(0);
  s.upsert_tag.reset();
  return s.insert_row.bind(1, article_id).bind(2, tag_id).bind(3, score).bind(4, source).run();
}

// Binds ?1 article, ?2 name, ?3 kind, ?4 source of delete_row/update_score.
sql::Stmt& bind_row(sql::Stmt& stmt, std::int64_t article_id, const TagKey& key) {
  const auto& [name, kind, source] = key;
  return stmt.bind(1, article_id).bind(2, name).bind(3, kind).bind(4, source);
}

// Makes one article's selected rows what `article` says and records the
// current versions on it. Returns whether a row changed.
Result<bool> rewrite_article(sqlite3* db, RetagStatements& s, const RetagOptions& options, const TagVersions& current,
                             const Retagged& article, ChangesByTag& changes) {
  auto stored = stored_rows(s, options, article.id);
  if (!stored) return std::unexpected(stored.error());
  const auto diff = retag::diff(*stored, article.rows, changes);
  for (const auto& key : diff.removed) {
    if (auto ok = bind_row(s.delete_row, article.id, key).run(); !ok) return std::unexpected(ok.error());
  }
  for (const auto& [key, score] : diff.added) {
    if (auto ok = insert_row(db, s, article.id, key, score); !ok) return std::unexpected(ok.error());
  }
  for (const auto& [key, score] : diff.rescored) {
    if (auto ok = bind_row(s.update_score, article.id, key).bind(5, score).run(); !ok) {
      return std::unexpected(ok.error());
    }
  }
  auto& v = s.set_versions;
  v.bind(1, article.id).bind(2, options.rules ? 1 : 0).bind(3, current.taxonomy);
  v.bind(4, options.model ? 1 : 0).bind(5, current.model);
  if (auto ok = v.run(); !ok) return std::unexpected(ok.error());
  return !diff.empty();
}

// One batch in one short write transaction: all of it or none.
Result<void> write_batch(sqlite3* db, RetagStatements& s, const RetagOptions& options, const TagVersions& current,
                         const std::vector<Retagged>& batch, RetagReport& report, ChangesByTag& changes) {
  auto tx = sql::Transaction::begin(db);
  if (!tx) return std::unexpected(tx.error());
  auto pending = changes;  // counted only once the batch commits
  std::int64_t articles = 0, changed = 0;
  for (const auto& article : batch) {
    // Pruned since it was read: its rows went with it.
    auto exists = s.article_exists.bind(1, article.id).step();
    s.article_exists.reset();
    if (!exists) return std::unexpected(exists.error());
    if (!*exists) continue;
    auto rewritten = rewrite_article(db, s, options, current, article, pending);
    if (!rewritten) return std::unexpected(rewritten.error());
    ++articles;
    if (*rewritten) ++changed;
  }
  if (auto ok = tx->commit(); !ok) return ok;
  changes = std::move(pending);
  report.articles += articles;
  report.changed_articles += changed;
  ++report.batches;
  return {};
}

}  // namespace

Result<RetagReport> Store::retag(const std::filesystem::path& path, const TagVersions& current,
                                 const RetagOptions& options, const RetagTagger& tagger,
                                 const RetagProgress& progress) {
  if (auto ok = retag::check(options); !ok) return std::unexpected(ok.error());
  auto db = open_beside_writer(path, options.busy_timeout);
  if (!db) return std::unexpected(db.error());
  auto statements = RetagStatements::prepare(db->get());
  if (!statements) return std::unexpected(statements.error());
  const auto read = [&](std::int64_t after_id, std::int64_t count) {
    return read_outdated(*statements, options, current, after_id, count);
  };
  const auto write = [&](const std::vector<Retagged>& batch, RetagReport& report, ChangesByTag& changes) {
    return write_batch(db->get(), *statements, options, current, batch, report, changes);
  };
  return retag::run(options, tagger, progress, read, write);
}

Result<OutdatedTags> Store::outdated_tags(const TagVersions& current) {
  if (pg_) return pg_->outdated_tags(current);
  sqlite3* db = impl_->db.get();
  auto stmt = sql::Stmt::prepare(db,
                                 "SELECT count(*) FILTER (WHERE taxonomy_version IS NOT ?1), "
                                 "count(*) FILTER (WHERE model_version IS NOT ?2) FROM articles");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, current.taxonomy).bind(2, current.model);
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  OutdatedTags out;
  out.taxonomy = stmt->int64(0);
  if (!current.model.empty()) out.model = stmt->int64(1);
  return out;
}

}  // namespace newsd::store
