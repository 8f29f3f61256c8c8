#include "schema.hpp"

#include <string>
#include <string_view>

#include "dedup.hpp"
#include "fingerprint.hpp"
#include "newsd/base/log.hpp"
#include "newsd/store/store.hpp"
#include "sqlite.hpp"
#include "tokenizer.hpp"

namespace newsd::store {
namespace {

// Each step is frozen once released: a database at version N was built by
// exactly steps 1..N, so later changes are new steps, never edits.

// v1: feeds, articles with exact dedup keys, tags, FTS5 over title and text.
// articles_fts is an external-content table: the text lives once, in
// `articles`, and snippet() reads it from there. Triggers keep the index in
// step with every insert, update and delete, including the ones a user makes
// by hand in the sqlite3 shell.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE feeds (
  id                 INTEGER PRIMARY KEY,
  url                TEXT NOT NULL UNIQUE,
  name               TEXT NOT NULL DEFAULT '',
  title              TEXT NOT NULL DEFAULT '',
  site_url           TEXT NOT NULL DEFAULT '',
  etag               TEXT NOT NULL DEFAULT '',
  last_modified      TEXT NOT NULL DEFAULT '',
  interval_s         INTEGER NOT NULL DEFAULT 0,
  next_fetch_at      INTEGER,
  last_fetched_at    INTEGER,
  consecutive_errors INTEGER NOT NULL DEFAULT 0,
  last_error         TEXT NOT NULL DEFAULT '',
  state              TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'gone', 'error')),
  created_at         INTEGER NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS INTEGER))
);

CREATE TABLE articles (
  id            INTEGER PRIMARY KEY,
  feed_id       INTEGER NOT NULL REFERENCES feeds(id),
  canonical_url TEXT NOT NULL UNIQUE,
  url           TEXT NOT NULL,
  guid          TEXT NOT NULL DEFAULT '',
  title         TEXT NOT NULL DEFAULT '',
  byline        TEXT NOT NULL DEFAULT '',
  lang          TEXT NOT NULL DEFAULT '',
  section       TEXT NOT NULL DEFAULT '',
  image         TEXT NOT NULL DEFAULT '',
  text          TEXT NOT NULL DEFAULT '',
  published_at  INTEGER,
  fetched_at    INTEGER NOT NULL,
  content_hash  INTEGER
);
CREATE INDEX articles_by_content_hash ON articles(content_hash) WHERE content_hash IS NOT NULL;
CREATE INDEX articles_by_date ON articles(coalesce(published_at, fetched_at));
CREATE INDEX articles_by_fetched_at ON articles(fetched_at);
CREATE INDEX articles_by_feed ON articles(feed_id);

CREATE TABLE tags (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('topic', 'country', 'org', 'feed', 'model')),
  UNIQUE (name, kind)
);

CREATE TABLE article_tags (
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  tag_id     INTEGER NOT NULL REFERENCES tags(id),
  score      REAL NOT NULL DEFAULT 1.0,
  source     TEXT NOT NULL CHECK (source IN ('rule', 'model', 'feed')),
  PRIMARY KEY (article_id, tag_id, source)
) WITHOUT ROWID;
CREATE INDEX article_tags_by_tag ON article_tags(tag_id, article_id);

CREATE VIRTUAL TABLE articles_fts USING fts5(
  title, text, content='articles', content_rowid='id', tokenize='newsd');
-- Titles weigh four times the body in relevance ranking (ORDER BY rank).
INSERT INTO articles_fts(articles_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0)');

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
  INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
  INSERT INTO articles_fts(articles_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
  INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
)sql";

// v2: story clusters (simhash + band indexes) and the feeds/URLs through
// which each article was seen. Existing articles become their own source
// and get their simhash and cluster computed in migrate_v2_backfill.
constexpr const char* kSchemaV2 = R"sql(
ALTER TABLE articles ADD COLUMN simhash INTEGER;
ALTER TABLE articles ADD COLUMN cluster_id INTEGER;
CREATE INDEX articles_by_simhash_band0 ON articles((simhash & 65535));
CREATE INDEX articles_by_simhash_band1 ON articles(((simhash >> 16) & 65535));
CREATE INDEX articles_by_simhash_band2 ON articles(((simhash >> 32) & 65535));
CREATE INDEX articles_by_simhash_band3 ON articles(((simhash >> 48) & 65535));
CREATE INDEX articles_by_cluster ON articles(cluster_id);

CREATE TABLE article_sources (
  article_id    INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  feed_id       INTEGER NOT NULL REFERENCES feeds(id),
  canonical_url TEXT NOT NULL,
  url           TEXT NOT NULL,
  guid          TEXT NOT NULL DEFAULT '',
  seen_at       INTEGER NOT NULL,
  PRIMARY KEY (article_id, feed_id, canonical_url)
) WITHOUT ROWID;
CREATE INDEX article_sources_by_canonical_url ON article_sources(canonical_url);

INSERT INTO article_sources (article_id, feed_id, canonical_url, url, guid, seen_at)
  SELECT id, feed_id, canonical_url, url, guid, fetched_at FROM articles;
)sql";

// v3: views for people working in the sqlite3 shell (docs/schema.md).
constexpr const char* kSchemaV3 = R"sql(
CREATE VIEW article_tags_v AS
  SELECT a.id AS article_id,
         date(coalesce(a.published_at, a.fetched_at), 'unixepoch') AS day,
         a.lang, a.title, a.url, t.name AS tag, t.kind, at.score, at.source
  FROM articles a
  JOIN article_tags at ON at.article_id = a.id
  JOIN tags t ON t.id = at.tag_id;

CREATE VIEW tag_daily_counts AS
  SELECT t.name AS tag, t.kind,
         date(coalesce(a.published_at, a.fetched_at), 'unixepoch') AS day,
         count(DISTINCT a.id) AS articles
  FROM article_tags at
  JOIN tags t ON t.id = at.tag_id
  JOIN articles a ON a.id = at.article_id
  GROUP BY t.id, day;

CREATE VIEW feed_health AS
  SELECT f.id, f.url, coalesce(nullif(f.name, ''), nullif(f.title, ''), f.url) AS name,
         f.state, f.consecutive_errors, nullif(f.last_error, '') AS last_error,
         datetime(f.last_fetched_at, 'unixepoch') AS last_fetched,
         datetime(f.next_fetch_at, 'unixepoch') AS next_fetch,
         (SELECT count(*) FROM articles a WHERE a.feed_id = f.id) AS articles,
         (SELECT datetime(max(a.fetched_at), 'unixepoch') FROM articles a WHERE a.feed_id = f.id) AS last_article
  FROM feeds f;

CREATE VIEW story_clusters AS
  SELECT cluster_id, count(*) AS articles,
         datetime(min(coalesce(published_at, fetched_at)), 'unixepoch') AS first_seen,
         datetime(max(coalesce(published_at, fetched_at)), 'unixepoch') AS last_seen,
         (SELECT title FROM articles h WHERE h.id = c.cluster_id) AS title
  FROM articles c
  WHERE cluster_id IS NOT NULL
  GROUP BY cluster_id;
)sql";

Result<void> set_tokenizer_version(sqlite3* db) {
  auto stmt = sql::Stmt::prepare(db, "INSERT OR REPLACE INTO meta(key, value) VALUES ('fts_tokenizer', ?1)");
  if (!stmt) return std::unexpected(stmt.error());
  return stmt->bind(1, tokenizer_version()).run();
}

Result<void> migrate_v1(sqlite3* db) {
  if (auto ok = sql::exec(db, kSchemaV1); !ok) return ok;
  return set_tokenizer_version(db);
}

// Simhashes need the classify pipeline, so this part of v2 is C++. Articles
// are visited in id order, so each one is clustered against the older ones,
// exactly as if they had arrived with this version.
Result<void> migrate_v2(sqlite3* db) {
  if (auto ok = sql::exec(db, kSchemaV2); !ok) return ok;
  auto select = sql::Stmt::prepare(db, "SELECT id, text FROM articles ORDER BY id");
  auto update = sql::Stmt::prepare(
      db, "UPDATE articles SET simhash = ?2, cluster_id = ?3, content_hash = coalesce(content_hash, ?4) WHERE id = ?1");
  auto candidates = ClusterLookup::prepare(db);
  if (!select || !update || !candidates) {
    return std::unexpected(!select ? select.error() : !update ? update.error() : candidates.error());
  }
  while (true) {
    auto row = select->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    const std::int64_t id = select->int64(0);
    const auto print = fingerprint(select->text(1));
    std::int64_t cluster = id;
    if (print.simhash) {
      auto match = candidates->find(*print.simhash, id);
      if (!match) return std::unexpected(match.error());
      if (match->cluster_id != 0) cluster = match->cluster_id;
      update->bind(2, static_cast<std::int64_t>(*print.simhash));
    } else {
      update->bind_null(2);
    }
    update->bind(4, print.content_hash);
    if (auto ok = update->bind(1, id).bind(3, cluster).run(); !ok) return ok;
  }
  return {};
}

Result<void> migrate_v3(sqlite3* db) { return sql::exec(db, kSchemaV3); }

// v4: look-ups by the URL as a feed linked it. A page whose rel=canonical
// differs from its feed link must still be recognised as stored, or it is
// fetched again at every poll.
constexpr const char* kSchemaV4 = R"sql(
CREATE INDEX article_sources_by_url ON article_sources(url);
)sql";

Result<void> migrate_v4(sqlite3* db) { return sql::exec(db, kSchemaV4); }

// v5: the writer inserts FTS rows itself. An INSERT that fires a trigger
// runs inside a statement savepoint, and FTS5 (3.40) flushes its pending
// terms to a new segment at every savepoint: one tiny segment per article,
// merged again and again. A plain INSERT into articles_fts keeps the terms
// in memory until the batch commits. Deletes and updates keep their
// triggers; they are rare and batched.
constexpr const char* kSchemaV5 = R"sql(
DROP TRIGGER articles_fts_insert;
)sql";

Result<void> migrate_v5(sqlite3* db) { return sql::exec(db, kSchemaV5); }

// v6: entries without a web link are keyed per feed (entry_key(): "feed:
// <feed_id>:<guid>"). Earlier versions stored them under the raw guid, as
// url and canonical_url alike, so that feed B's guid `1` matched feed A's
// article. Such rows (url = guid, not an http(s) or file URL) get their
// feed's key, so the next poll recognises them under the new key.
constexpr const char* kSchemaV6 = R"sql(
UPDATE articles SET canonical_url = 'feed:' || feed_id || ':' || guid
  WHERE guid <> '' AND url = guid
    AND url NOT LIKE 'http://%' AND url NOT LIKE 'https://%' AND url NOT LIKE 'file:%';
UPDATE article_sources SET canonical_url = 'feed:' || feed_id || ':' || guid
  WHERE guid <> '' AND url = guid
    AND url NOT LIKE 'http://%' AND url NOT LIKE 'https://%' AND url NOT LIKE 'file:%';
)sql";

Result<void> migrate_v6(sqlite3* db) { return sql::exec(db, kSchemaV6); }

// v7: scheduling columns: why the interval in force was chosen, the class of the
// failure a feed is in (with when it started; consecutive_errors counts it),
// the feed's publishing rate (ingest::PublishRate: three columns so it
// survives restarts), and when the feed left the config. Removal is a column,
// not a `state` value, because the v1 CHECK on `state` cannot be altered in
// place; feeds() reports state 'removed' from it.
constexpr const char* kScheduleColumns = R"sql(
ALTER TABLE feeds ADD COLUMN interval_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE feeds ADD COLUMN error_class TEXT NOT NULL DEFAULT '';
ALTER TABLE feeds ADD COLUMN error_since INTEGER;
ALTER TABLE feeds ADD COLUMN mean_gap_s REAL NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN gaps INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN last_new_entry_at INTEGER;
ALTER TABLE feeds ADD COLUMN removed_at INTEGER;
)sql";

Result<void> migrate_v7(sqlite3* db) { return sql::exec(db, kScheduleColumns); }

// ---- retag: tag versions per article (issue 17 item 3) ----
// v8: which taxonomy and which model produced each article's rule and model
// tags (content hashes, store::TagVersions), so that `newsd retag` redoes
// only outdated articles and resumes after an interruption, and `newsd
// stats` counts them. NULL = never recorded (articles stored before this
// step): outdated for any taxonomy. The index covers both counts of
// Store::outdated_tags without reading the article rows.
constexpr const char* kTagVersionColumns = R"sql(
ALTER TABLE articles ADD COLUMN taxonomy_version TEXT;
ALTER TABLE articles ADD COLUMN model_version TEXT;
CREATE INDEX articles_by_tag_versions ON articles(taxonomy_version, model_version);
)sql";

Result<void> migrate_tag_versions(sqlite3* db) { return sql::exec(db, kTagVersionColumns); }
// ---- end retag ----

// ---- outbox step (issue 15 §3: the stream of new articles to the sinks) ----
// The writer appends one row per newly stored article in the article's own
// transaction while any sink is registered; each sink delivers in seq order
// from its own cursor, and rows every sink has passed are deleted. Only the
// article id is kept: the sinks build the article JSON from the stored row
// when they deliver it. AUTOINCREMENT keeps seq growing even after the table
// has been emptied, so a cursor never meets a reused number.
constexpr const char* kOutboxSchema = R"sql(
CREATE TABLE outbox (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  article_id INTEGER NOT NULL,
  stored_at  INTEGER NOT NULL
);
CREATE TABLE sink_cursors (
  name              TEXT PRIMARY KEY,
  cursor            INTEGER NOT NULL,
  delivered         INTEGER NOT NULL DEFAULT 0,
  missed            INTEGER NOT NULL DEFAULT 0,
  last_error        TEXT NOT NULL DEFAULT '',
  last_error_at     INTEGER,
  last_delivered_at INTEGER
) WITHOUT ROWID;
CREATE TABLE sink_dead_letters (
  sink       TEXT NOT NULL REFERENCES sink_cursors(name) ON DELETE CASCADE,
  article_id INTEGER NOT NULL,
  attempts   INTEGER NOT NULL,
  error      TEXT NOT NULL,
  failed_at  INTEGER NOT NULL,
  retry      INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (sink, article_id)
) WITHOUT ROWID;
)sql";

Result<void> migrate_outbox(sqlite3* db) { return sql::exec(db, kOutboxSchema); }
// ---- end of the outbox step ----

// ---- v10 (watches): tag kind and source 'watch', and the watch_matches table.
// A CHECK constraint cannot be altered in place, so tags and article_tags
// are rebuilt with the wider lists. Foreign keys are on and cannot be
// switched off inside the migration's transaction: the new tables refer to
// each other under their temporary names, and RENAME rewrites those
// references. The views over the two tables are dropped first (a view
// naming a dropped table would fail the rename) and made again from v3's
// frozen text. watch_matches is the durable record of each match event:
// which watch (by name) an article matched when it was ingested; sinks and
// the SSE stream read it.
constexpr const char* kWatchSchema = R"sql(
DROP VIEW article_tags_v;
DROP VIEW tag_daily_counts;
DROP VIEW feed_health;
DROP VIEW story_clusters;

CREATE TABLE tags_v10 (
  id   INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('topic', 'country', 'org', 'feed', 'model', 'watch')),
  UNIQUE (name, kind)
);
INSERT INTO tags_v10 (id, name, kind) SELECT id, name, kind FROM tags;

CREATE TABLE article_tags_v10 (
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  tag_id     INTEGER NOT NULL REFERENCES tags_v10(id),
  score      REAL NOT NULL DEFAULT 1.0,
  source     TEXT NOT NULL CHECK (source IN ('rule', 'model', 'feed', 'watch')),
  PRIMARY KEY (article_id, tag_id, source)
) WITHOUT ROWID;
INSERT INTO article_tags_v10 (article_id, tag_id, score, source)
  SELECT article_id, tag_id, score, source FROM article_tags;

DROP TABLE article_tags;
DROP TABLE tags;
ALTER TABLE tags_v10 RENAME TO tags;
ALTER TABLE article_tags_v10 RENAME TO article_tags;
CREATE INDEX article_tags_by_tag ON article_tags(tag_id, article_id);

CREATE TABLE watch_matches (
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  watch      TEXT NOT NULL,
  PRIMARY KEY (article_id, watch)
) WITHOUT ROWID;
)sql";

Result<void> migrate_watches(sqlite3* db) {
  if (auto ok = sql::exec(db, kWatchSchema); !ok) return ok;
  return sql::exec(db, kSchemaV3);
}
// ---- end v10 (watches)

// ---- labels (issue 17): a person's judgement of an article's tags ----
// Kept in their own table, not in article_tags: re-tagging rewrites rule
// and model tags and must never touch what a person said. A removal is a
// row too (`removed` = 1, with who and when): "this article is not TAG" is
// evidence for `eval` (a rule tag the analyst rejected is a false
// positive) and an audit trail, where a DELETE would forget both.
// article_tags_v shows the labels in force as source 'label'.
constexpr const char* kLabels = R"sql(
CREATE TABLE labels (
  article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  tag        TEXT NOT NULL,
  kind       TEXT NOT NULL CHECK (kind IN ('topic', 'country', 'org', 'feed', 'model')),
  set_by     TEXT NOT NULL,
  set_at     INTEGER NOT NULL,
  removed    INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
  PRIMARY KEY (article_id, tag)
) WITHOUT ROWID;
CREATE INDEX labels_by_tag ON labels(tag, article_id);

DROP VIEW article_tags_v;
CREATE VIEW article_tags_v AS
  SELECT a.id AS article_id,
         date(coalesce(a.published_at, a.fetched_at), 'unixepoch') AS day,
         a.lang, a.title, a.url, t.name AS tag, t.kind, at.score, at.source
  FROM articles a
  JOIN article_tags at ON at.article_id = a.id
  JOIN tags t ON t.id = at.tag_id
  UNION ALL
  SELECT a.id, date(coalesce(a.published_at, a.fetched_at), 'unixepoch'),
         a.lang, a.title, a.url, l.tag, l.kind, 1.0, 'label'
  FROM articles a
  JOIN labels l ON l.article_id = a.id
  WHERE l.removed = 0;
)sql";

Result<void> migrate_labels(sqlite3* db) { return sql::exec(db, kLabels); }
// ---- end labels ----

// ---- v12 (issue 16: sources that are not feeds) ------------------------------
// What each source turned out to be and how many links its last poll found
// (`newsd feeds`), the hash of the last link set fully handled (an unchanged
// section page or sitemap costs no look-ups), and the sitemap index
// children already read with their lastmod (not fetched again until it changes).
constexpr const char* kSourceTypeColumns = R"sql(
ALTER TABLE feeds ADD COLUMN source_type TEXT NOT NULL DEFAULT '';
ALTER TABLE feeds ADD COLUMN links_found INTEGER;
ALTER TABLE feeds ADD COLUMN links_hash TEXT NOT NULL DEFAULT '';
CREATE TABLE sitemap_children (
  feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
  url     TEXT NOT NULL,
  lastmod INTEGER,
  read_at INTEGER NOT NULL,
  PRIMARY KEY (feed_id, url)
) WITHOUT ROWID;
)sql";

Result<void> migrate_source_types(sqlite3* db) { return sql::exec(db, kSourceTypeColumns); }
// ---- end v12 ------------------------------------------------------------------

// ---- v13: CHECK constraints SQLite evaluates without a temporary table ----
// SQLite checks `x IN (three or more constants)` by building an ephemeral
// B-tree of the list, and a CHECK does so on every row it checks: each tag
// row the writer inserted opened and dropped one (about 5 % of the writer's
// time in the feeds-only benchmark, docs/performance.md). The same
// constraints as a chain of equalities are plain comparisons.
//
// A CHECK cannot be altered in place; SQLite documents editing the table's
// text in sqlite_schema for this kind of change (lang_altertable.html,
// "Making Other Kinds Of Table Schema Changes"): the stored rows already
// satisfy the equivalent constraint, so nothing on disk changes but the
// text. The schema version is bumped so every connection reloads it.
struct InListCheck {
  const char* table;
  const char* column;
  std::initializer_list<const char*> values;
};

constexpr InListCheck kInListChecks[] = {
    {"feeds", "state", {"active", "gone", "error"}},
    {"tags", "kind", {"topic", "country", "org", "feed", "model", "watch"}},
    {"article_tags", "source", {"rule", "model", "feed", "watch"}},
    {"labels", "kind", {"topic", "country", "org", "feed", "model"}},
};

// The check's values quoted and joined by `separator`, each after `prefix`.
std::string joined_values(const InListCheck& check, std::string_view prefix, std::string_view separator) {
  std::string out;
  for (const char* v : check.values) {
    if (!out.empty()) out += separator;
    out.append(prefix).append("'").append(v).append("'");
  }
  return out;
}

// CHECK (kind IN ('topic', 'country'))
std::string in_list_text(const InListCheck& check) {
  return std::string("CHECK (") + check.column + " IN (" + joined_values(check, "", ", ") + "))";
}

// CHECK (kind = 'topic' OR kind = 'country')
std::string equalities_text(const InListCheck& check) {
  return "CHECK (" + joined_values(check, std::string(check.column) + " = ", " OR ") + ")";
}

Result<void> migrate_in_list_checks(sqlite3* db) {
  auto version = sql::Stmt::prepare(db, "PRAGMA schema_version");
  if (!version) return std::unexpected(version.error());
  auto row = version->step();
  if (!row) return std::unexpected(row.error());
  const std::int64_t schema_cookie = version->int64(0);
  version->reset();
  if (auto ok = sql::exec(db, "PRAGMA writable_schema = ON"); !ok) return ok;
  auto rewrite = sql::Stmt::prepare(db,
                                    "UPDATE sqlite_schema SET sql = replace(sql, ?2, ?3) "
                                    "WHERE type = 'table' AND name = ?1 AND instr(sql, ?2) > 0");
  Result<void> result;
  if (!rewrite) result = std::unexpected(rewrite.error());
  for (const auto& check : kInListChecks) {
    if (!result) break;
    result = rewrite->bind(1, check.table).bind(2, in_list_text(check)).bind(3, equalities_text(check)).run();
    // A table whose text is not the one newsd created (edited by hand) keeps
    // its constraint: it is as correct, only slower to check.
    if (result && sqlite3_changes(db) != 1) {
      log::warn("store.check_kept", {{"table", check.table}, {"column", check.column}});
    }
  }
  if (result) result = sql::exec(db, "PRAGMA schema_version = " + std::to_string(schema_cookie + 1));
  // Off whatever happened: the connection must not go on with it on.
  if (auto off = sql::exec(db, "PRAGMA writable_schema = OFF"); result && !off) result = off;
  return result;
}
// ---- end v13 -----------------------------------------------------------------

using Step = Result<void> (*)(sqlite3*);
constexpr Step kSteps[] = {migrate_v1,
                           migrate_v2,
                           migrate_v3,
                           migrate_v4,
                           migrate_v5,
                           migrate_v6,
                           migrate_v7,
                           migrate_tag_versions,
                           migrate_outbox,
                           migrate_watches,
                           migrate_labels,
                           migrate_source_types,
                           migrate_in_list_checks};
static_assert(std::size(kSteps) == kSchemaVersion);

}  // namespace

Result<int> schema_version(sqlite3* db) {
  auto stmt = sql::Stmt::prepare(db, "PRAGMA user_version");
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  return static_cast<int>(stmt->int64(0));
}

Result<void> migrate_to(sqlite3* db, int target) {
  while (true) {
    auto tx = sql::Transaction::begin(db);
    if (!tx) return std::unexpected(tx.error());
    // Read the version inside the write transaction: two processes opening
    // the same new file must not both run step 1.
    auto version = schema_version(db);
    if (!version) return std::unexpected(version.error());
    if (*version > kSchemaVersion) {
      return fail(Errc::database, "database schema version " + std::to_string(*version) +
                                      " is newer than this newsd supports (" + std::to_string(kSchemaVersion) + ")");
    }
    if (*version >= target) return {};
    const int next = *version + 1;
    if (auto ok = kSteps[next - 1](db); !ok) {
      return fail(Errc::database, "migration to schema v" + std::to_string(next) + " failed: " + ok.error().message);
    }
    if (auto ok = sql::exec(db, "PRAGMA user_version = " + std::to_string(next)); !ok) return ok;
    if (auto ok = tx->commit(); !ok) return ok;
    log::info("store.migrated", {{"version", next}});
  }
}

Result<void> migrate(sqlite3* db) { return migrate_to(db, kSchemaVersion); }

Result<std::optional<std::string>> outdated_fts_tokenizer(sqlite3* db) {
  auto stmt = sql::Stmt::prepare(db, "SELECT value FROM meta WHERE key = 'fts_tokenizer'");
  if (!stmt) return std::unexpected(stmt.error());
  auto row = stmt->step();
  if (!row) return std::unexpected(row.error());
  std::string built_by = *row ? stmt->text(0) : std::string("unknown");
  if (built_by == tokenizer_version()) return std::optional<std::string>{};
  return std::optional<std::string>{std::move(built_by)};
}

Result<bool> ensure_fts_current(sqlite3* db) {
  auto outdated = outdated_fts_tokenizer(db);
  if (!outdated) return std::unexpected(outdated.error());
  if (!*outdated) return false;

  auto tx = sql::Transaction::begin(db);
  if (!tx) return std::unexpected(tx.error());
  log::info("store.fts_rebuild", {{"tokenizer", std::string(tokenizer_version())}});
  if (auto ok = sql::exec(db, "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')"); !ok) {
    return std::unexpected(ok.error());
  }
  if (auto ok = set_tokenizer_version(db); !ok) return std::unexpected(ok.error());
  if (auto ok = tx->commit(); !ok) return std::unexpected(ok.error());
  return true;
}

}  // namespace newsd::store
