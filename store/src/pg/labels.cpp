// PostgreSQL backend: labels (`newsd label`, the article view, the
// labelled articles of `train/eval --from-store`), with the SQLite store's
// rules (labels.cpp): all or nothing, an unknown article named by position,
// a set label replacing a removal and vice versa, the kind of an unnamed
// one taken from the tag's earlier labels, else from its stored tags.
#include <algorithm>

#include "newsd/base/log.hpp"
#include "pg_backend.hpp"
#include "pg_rows.hpp"

namespace newsd::store::pg {
namespace {

// SQLite's kKnownKind, in PostgreSQL's parameter syntax.
constexpr const char* kKnownKind =
    "SELECT kind FROM (SELECT kind, 0 AS rank FROM labels WHERE tag = $1 "
    "UNION ALL SELECT kind, CASE kind WHEN 'topic' THEN 1 WHEN 'country' THEN 2 WHEN 'org' THEN 3 "
    "WHEN 'model' THEN 4 ELSE 5 END FROM tags WHERE name = $1) k ORDER BY rank LIMIT 1";

constexpr const char* kUpsertLabel =
    "INSERT INTO labels (article_id, tag, kind, set_by, set_at, removed) VALUES ($1, $2, $3, $4, $5, $6) "
    "ON CONFLICT (article_id, tag) DO UPDATE SET kind = excluded.kind, set_by = excluded.set_by, "
    "set_at = excluded.set_at, removed = excluded.removed";

Label label_from(const pqxx::row& r, int first) {
  return Label{r[first].as<std::string>(), r[first + 1].as<std::string>(), r[first + 2].as<std::string>(),
               from_unix(r[first + 3].as<std::int64_t>()), r[first + 4].as<int>() != 0};
}

std::string kind_for(pqxx::work& tx, const LabelEdit& edit) {
  if (!edit.kind.empty()) return edit.kind;
  auto row = tx.exec_params(kKnownKind, edit.tag);
  return row.empty() ? std::string("topic") : row[0][0].as<std::string>();
}

}  // namespace

Result<LabelWrite> Backend::write_labels(std::span<const LabelEdit> edits, std::string_view set_by, TimePoint at,
                                         std::chrono::milliseconds busy_timeout) {
  if (auto ok = check_label_edits(edits, set_by); !ok) return std::unexpected(ok.error());
  if (readonly_) return fail(Errc::invalid_argument, "write_labels on a read-only store");
  LabelWrite out;
  try {
    pqxx::work tx(*conn_);
    // A prune or another writer holding a row this transaction needs is
    // waited for as long as SQLite's busy timeout would, then refused.
    tx.exec("SET LOCAL lock_timeout = " + std::to_string(std::max<std::int64_t>(busy_timeout.count(), 1)));
    // FOR KEY SHARE keeps each named article from being deleted until the
    // commit, so the existence checks and the writes see the same articles.
    for (std::size_t i = 0; i < edits.size(); ++i) {
      if (tx.exec_params("SELECT 1 FROM articles WHERE id = $1 FOR KEY SHARE", edits[i].article_id).empty()) {
        out.unknown_articles.push_back(i);
      }
    }
    if (!out.unknown_articles.empty()) return out;
    for (const auto& edit : edits) {
      const std::string tag = pg_text(edit.tag);
      out.changed += tx.exec_params(kUpsertLabel, edit.article_id, tag, kind_for(tx, edit), pg_text(set_by),
                                    to_unix(at), edit.remove ? 1 : 0)
                         .affected_rows();
    }
    tx.commit();
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "write_labels"));
  }
  log::info(
      "store.labels_written",
      {{"backend", "postgresql"}, {"edits", edits.size()}, {"changed", out.changed}, {"set_by", std::string(set_by)}});
  return out;
}

Result<std::vector<LabelledArticle>> Backend::labelled_articles() {
  try {
    // One snapshot for labels, articles and tags, as SQLite's read transaction gives.
    pqxx::transaction<pqxx::repeatable_read> tx(*conn_);
    std::vector<LabelledArticle> out;
    std::map<std::int64_t, std::size_t> index;
    for (const auto& r : tx.exec("SELECT id, title, text, lang FROM articles "
                                 "WHERE id IN (SELECT article_id FROM labels) ORDER BY id")) {
      index.emplace(r[0].as<std::int64_t>(), out.size());
      out.push_back(
          {r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(), {}, {}});
    }
    for (const auto& r : tx.exec("SELECT article_id, tag, kind, set_by, set_at, removed FROM labels "
                                 "ORDER BY article_id, set_at, tag COLLATE \"C\"")) {
      if (auto it = index.find(r[0].as<std::int64_t>()); it != index.end()) {
        out[it->second].labels.push_back(label_from(r, 1));
      }
    }
    for (const auto& r : tx.exec("SELECT at.article_id, t.name, t.kind, at.score, at.source FROM article_tags at "
                                 "JOIN tags t ON t.id = at.tag_id "
                                 "WHERE at.article_id IN (SELECT article_id FROM labels) "
                                 "ORDER BY at.article_id, at.score DESC, t.name")) {
      if (auto it = index.find(r[0].as<std::int64_t>()); it != index.end()) {
        out[it->second].tags.push_back(
            {r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<double>(), r[4].as<std::string>()});
      }
    }
    return out;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "labelled_articles"));
  }
}

std::vector<Label> article_labels(pqxx::transaction_base& tx, std::int64_t article_id) {
  std::vector<Label> out;
  for (const auto& r : tx.exec_params("SELECT tag, kind, set_by, set_at, removed FROM labels WHERE article_id = $1 "
                                      "ORDER BY set_at, tag COLLATE \"C\"",
                                      article_id)) {
    out.push_back(label_from(r, 0));
  }
  return out;
}

}  // namespace newsd::store::pg
