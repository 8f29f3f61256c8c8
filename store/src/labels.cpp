// Labels: a person's judgement of an article's tags (`newsd label`), and
// the labelled articles that `train --from-store` and `eval --from-store`
// read. Written beside a running daemon, never through its writer.
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <map>

#include "newsd/base/log.hpp"
#include "pg/pg_backend.hpp"
#include "store_impl.hpp"

namespace newsd::store {
namespace {

constexpr std::size_t kMaxLabelBytes = 100;
constexpr std::array<std::string_view, 5> kKinds = {"topic", "country", "org", "model", "feed"};

bool is_kind(std::string_view kind) { return std::find(kKinds.begin(), kKinds.end(), kind) != kKinds.end(); }

// The kind a label of `tag` gets when the edit names none: the one its
// earlier labels have, else the one the taggers gave it (a name used for
// several kinds, such as a topic and a model label, takes the first of
// kKinds), else topic.
constexpr const char* kKnownKind =
    "SELECT kind FROM (SELECT kind, 0 AS rank FROM labels WHERE tag = ?1 "
    "UNION ALL SELECT kind, CASE kind WHEN 'topic' THEN 1 WHEN 'country' THEN 2 WHEN 'org' THEN 3 "
    "WHEN 'model' THEN 4 ELSE 5 END FROM tags WHERE name = ?1) ORDER BY rank LIMIT 1";

constexpr const char* kUpsertLabel =
    "INSERT INTO labels (article_id, tag, kind, set_by, set_at, removed) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
    "ON CONFLICT (article_id, tag) DO UPDATE SET kind = excluded.kind, set_by = excluded.set_by, "
    "set_at = excluded.set_at, removed = excluded.removed";

struct LabelStatements {
  sql::Stmt article_exists, known_kind, upsert;

  static Result<LabelStatements> prepare(sqlite3* db) {
    LabelStatements s;
    const std::pair<sql::Stmt*, const char*> statements[] = {
        {&s.article_exists, "SELECT 1 FROM articles WHERE id = ?1"},
        {&s.known_kind, kKnownKind},
        {&s.upsert, kUpsertLabel},
    };
    for (auto& [stmt, text] : statements) {
      auto prepared = sql::Stmt::prepare(db, text);
      if (!prepared) return std::unexpected(prepared.error());
      *stmt = std::move(*prepared);
    }
    return s;
  }
};

Result<bool> has_row(sql::Stmt& stmt) {
  auto row = stmt.step();
  stmt.reset();
  if (!row) return std::unexpected(row.error());
  return *row;
}

Result<std::string> kind_for(LabelStatements& s, const LabelEdit& edit) {
  if (!edit.kind.empty()) return edit.kind;
  s.known_kind.bind(1, edit.tag);
  auto row = s.known_kind.step();
  if (!row) return std::unexpected(row.error());
  std::string kind = *row ? s.known_kind.text(0) : std::string("topic");
  s.known_kind.reset();
  return kind;
}

// Inside the caller's transaction: unknown articles first, so that a list
// naming one writes nothing, then every edit.
Result<LabelWrite> apply(sqlite3* db, std::span<const LabelEdit> edits, std::string_view set_by, TimePoint at) {
  auto s = LabelStatements::prepare(db);
  if (!s) return std::unexpected(s.error());
  LabelWrite out;
  for (std::size_t i = 0; i < edits.size(); ++i) {
    auto exists = has_row(s->article_exists.bind(1, edits[i].article_id));
    if (!exists) return std::unexpected(exists.error());
    if (!*exists) out.unknown_articles.push_back(i);
  }
  if (!out.unknown_articles.empty()) return out;
  for (const auto& edit : edits) {
    auto kind = kind_for(*s, edit);
    if (!kind) return std::unexpected(kind.error());
    s->upsert.bind(1, edit.article_id).bind(2, edit.tag).bind(3, *kind).bind(4, set_by).bind(5, to_unix(at));
    if (auto ok = s->upsert.bind(6, edit.remove ? 1 : 0).run(); !ok) return std::unexpected(ok.error());
    out.changed += static_cast<std::size_t>(sqlite3_changes(db));
  }
  return out;
}

Label read_label(const sql::Stmt& stmt, int first) {
  return Label{stmt.text(first), stmt.text(first + 1), stmt.text(first + 2), from_unix(stmt.int64(first + 3)),
               stmt.int64(first + 4) != 0};
}

}  // namespace

Result<void> check_label_edits(std::span<const LabelEdit> edits, std::string_view set_by) {
  if (set_by.empty()) return fail(Errc::invalid_argument, "a label needs a non-empty author (set_by)");
  for (const auto& edit : edits) {
    if (auto problem = label_problem(edit.tag))
      return fail(Errc::invalid_argument, "label '" + edit.tag + "': " + *problem);
    if (!edit.kind.empty() && !is_kind(edit.kind))
      return fail(Errc::invalid_argument,
                  "label kind '" + edit.kind + "': expected topic, country, org, model or feed");
  }
  return {};
}

std::optional<std::string> label_problem(std::string_view tag) {
  if (tag.empty()) return "empty";
  if (tag.size() > kMaxLabelBytes) return "longer than " + std::to_string(kMaxLabelBytes) + " bytes";
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(tag.data());
  const auto length = static_cast<std::int32_t>(tag.size());
  for (std::int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) return "not valid UTF-8";
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) return "contains a control character";
    if (c == ' ' || c == 0xA0 || c == 0x2028 || c == 0x2029 || (c >= 0x2000 && c <= 0x200A) || c == 0x3000)
      return "contains white space";
    if (c == ',') return "contains a comma";
  }
  return std::nullopt;
}

Result<LabelWrite> Store::write_labels(const std::filesystem::path& path, std::span<const LabelEdit> edits,
                                       std::string_view set_by, TimePoint at, std::chrono::milliseconds busy_timeout) {
  if (auto ok = check_label_edits(edits, set_by); !ok) return std::unexpected(ok.error());
  auto db = open_beside_writer(path, busy_timeout);
  if (!db) return std::unexpected(db.error());
  // BEGIN IMMEDIATE takes the write lock up front, waiting (busy timeout)
  // for a daemon batch in progress, so the existence checks and the writes
  // see the same articles: retention cannot delete one in between.
  auto tx = sql::Transaction::begin(db->get());
  if (!tx) return std::unexpected(tx.error());
  auto written = apply(db->get(), edits, set_by, at);
  if (!written || !written->unknown_articles.empty()) return written;
  if (auto ok = tx->commit(); !ok) return std::unexpected(ok.error());
  log::info("store.labels_written", {{"path", path.string()},
                                     {"edits", edits.size()},
                                     {"changed", written->changed},
                                     {"set_by", std::string(set_by)}});
  return written;
}

Result<std::vector<LabelledArticle>> Store::labelled_articles() {
  if (pg_) return pg_->labelled_articles();
  sqlite3* db = impl_->db.get();
  // One read transaction: labels, articles and tags from one snapshot.
  auto snapshot = sql::ReadSnapshot::begin(db);
  if (!snapshot) return std::unexpected(snapshot.error());

  auto articles = sql::Stmt::prepare(db,
                                     "SELECT id, title, text, lang FROM articles "
                                     "WHERE id IN (SELECT article_id FROM labels) ORDER BY id");
  if (!articles) return std::unexpected(articles.error());
  std::vector<LabelledArticle> out;
  std::map<std::int64_t, std::size_t> index;
  auto read_articles = articles->each_row([&] {
    index.emplace(articles->int64(0), out.size());
    out.push_back({articles->int64(0), articles->text(1), articles->text(2), articles->text(3), {}, {}});
  });
  if (!read_articles) return std::unexpected(read_articles.error());

  auto labels = sql::Stmt::prepare(
      db, "SELECT article_id, tag, kind, set_by, set_at, removed FROM labels ORDER BY article_id, set_at, tag");
  if (!labels) return std::unexpected(labels.error());
  auto read_labels = labels->each_row([&] {
    if (auto it = index.find(labels->int64(0)); it != index.end())
      out[it->second].labels.push_back(read_label(*labels, 1));
  });
  if (!read_labels) return std::unexpected(read_labels.error());

  auto tags =
      sql::Stmt::prepare(db,
                         "SELECT at.article_id, t.name, t.kind, at.score, at.source FROM article_tags at "
                         "JOIN tags t ON t.id = at.tag_id WHERE at.article_id IN (SELECT article_id FROM labels) "
                         "ORDER BY at.article_id, at.score DESC, t.name");
  if (!tags) return std::unexpected(tags.error());
  auto read_tags = tags->each_row([&] {
    if (auto it = index.find(tags->int64(0)); it != index.end())
      out[it->second].tags.push_back({tags->text(1), tags->text(2), tags->real(3), tags->text(4)});
  });
  if (!read_tags) return std::unexpected(read_tags.error());
  return out;
}

// Called by Store::article() (queries.cpp): labels of one article.
Result<std::vector<Label>> article_labels(sqlite3* db, std::int64_t article_id) {
  auto stmt = sql::Stmt::prepare(
      db, "SELECT tag, kind, set_by, set_at, removed FROM labels WHERE article_id = ?1 ORDER BY set_at, tag");
  if (!stmt) return std::unexpected(stmt.error());
  stmt->bind(1, article_id);
  std::vector<Label> out;
  auto rows = stmt->each_row([&] { out.push_back(read_label(*stmt, 0)); });
  if (!rows) return std::unexpected(rows.error());
  return out;
}

}  // namespace newsd::store
