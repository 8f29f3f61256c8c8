// PostgreSQL schema and forward-only migrations. The tables mirror the
// SQLite ones (docs/schema.md) column for column, times as Unix seconds, so
// that both backends answer with the same values and `newsd migrate` copies
// rows as they are. Full-text search is the `search` tsvector column built
// by newsd itself (pg/text.cpp), not by a PostgreSQL text search config.
#include <string>

#include "../tokenizer.hpp"
#include "newsd/base/log.hpp"
#include "pg_backend.hpp"

namespace newsd::store::pg {
namespace {

// Each step is frozen once released: a database at version N was built by
// exactly steps 1..N, so later changes are new steps, never edits.

// v1: the SQLite schema at its v7, in one step.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE meta (
  key   text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE feeds (
  id                 bigserial PRIMARY KEY,
  url                text NOT NULL UNIQUE,
  name               text NOT NULL DEFAULT '',
  title              text NOT NULL DEFAULT '',
  site_url           text NOT NULL DEFAULT '',
  etag               text NOT NULL DEFAULT '',
  last_modified      text NOT NULL DEFAULT '',
  interval_s         integer NOT NULL DEFAULT 0,
  next_fetch_at      bigint,
  last_fetched_at    bigint,
  consecutive_errors integer NOT NULL DEFAULT 0,
  last_error         text NOT NULL DEFAULT '',
  state              text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'gone', 'error')),
  created_at         bigint NOT NULL DEFAULT extract(epoch FROM now())::bigint,
  interval_reason    text NOT NULL DEFAULT '',
  error_class        text NOT NULL DEFAULT '',
  error_since        bigint,
  mean_gap_s         double precision NOT NULL DEFAULT 0,
  gaps               integer NOT NULL DEFAULT 0,
  last_new_entry_at  bigint,
  removed_at         bigint
);

-- Ids are chosen by the writer (max + 1 under its lock, as SQLite's
-- rowids), so a new story is its own cluster (cluster_id = id) in one INSERT.
CREATE TABLE articles (
  id            bigint PRIMARY KEY,
  feed_id       bigint NOT NULL REFERENCES feeds(id),
  canonical_url text NOT NULL UNIQUE,
  url           text NOT NULL,
  guid          text NOT NULL DEFAULT '',
  title         text NOT NULL DEFAULT '',
  byline        text NOT NULL DEFAULT '',
  lang          text NOT NULL DEFAULT '',
  section       text NOT NULL DEFAULT '',
  image         text NOT NULL DEFAULT '',
  text          text NOT NULL DEFAULT '',
  published_at  bigint,
  fetched_at    bigint NOT NULL,
  content_hash  bigint,
  simhash       bigint,
  cluster_id    bigint,
  search        tsvector NOT NULL DEFAULT ''
);
CREATE INDEX articles_by_content_hash ON articles(content_hash) WHERE content_hash IS NOT NULL;
CREATE INDEX articles_by_date ON articles((coalesce(published_at, fetched_at)));
CREATE INDEX articles_by_fetched_at ON articles(fetched_at);
CREATE INDEX articles_by_feed ON articles(feed_id);
CREATE INDEX articles_by_simhash_band0 ON articles((simhash & 65535));
CREATE INDEX articles_by_simhash_band1 ON articles(((simhash >> 16) & 65535));
CREATE INDEX articles_by_simhash_band2 ON articles(((simhash >> 32) & 65535));
CREATE INDEX articles_by_simhash_band3 ON articles(((simhash >> 48) & 65535));
CREATE INDEX articles_by_cluster ON articles(cluster_id);
CREATE INDEX articles_search ON articles USING gin (search);

CREATE TABLE tags (
  id   bigserial PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('topic', 'country', 'org', 'feed', 'model')),
  UNIQUE (name, kind)
);
CREATE INDEX tags_by_lower_name ON tags(lower(name));

CREATE TABLE article_tags (
  article_id bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  tag_id     bigint NOT NULL REFERENCES tags(id),
  score      double precision NOT NULL DEFAULT 1.0,
  source     text NOT NULL CHECK (source IN ('rule', 'model', 'feed')),
  PRIMARY KEY (article_id, tag_id, source)
);
CREATE INDEX article_tags_by_tag ON article_tags(tag_id, article_id);

CREATE TABLE article_sources (
  article_id    bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  feed_id       bigint NOT NULL REFERENCES feeds(id),
  canonical_url text NOT NULL,
  url           text NOT NULL,
  guid          text NOT NULL DEFAULT '',
  seen_at       bigint NOT NULL,
  PRIMARY KEY (article_id, feed_id, canonical_url)
);
CREATE INDEX article_sources_by_canonical_url ON article_sources(canonical_url);
CREATE INDEX article_sources_by_url ON article_sources(url);

CREATE VIEW tag_daily_counts AS
  SELECT t.name AS tag, t.kind,
         to_char(to_timestamp(coalesce(a.published_at, a.fetched_at)) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
         count(DISTINCT a.id) AS articles
  FROM article_tags at
  JOIN tags t ON t.id = at.tag_id
  JOIN articles a ON a.id = at.article_id
  GROUP BY t.id, t.name, t.kind, day;
)sql";

// v2: several workers share the feeds: who is alive (heartbeats) and which
// feed each one holds until when (pg/leases.cpp).
constexpr const char* kSchemaV2Leases = R"sql(
CREATE TABLE workers (
  id           text PRIMARY KEY,
  host         text NOT NULL DEFAULT '',
  pid          integer NOT NULL DEFAULT 0,
  started_at   bigint NOT NULL,
  heartbeat_at bigint NOT NULL
);
CREATE TABLE feed_leases (
  feed_id      bigint PRIMARY KEY REFERENCES feeds(id) ON DELETE CASCADE,
  worker       text NOT NULL,
  leased_until bigint NOT NULL
);
CREATE INDEX feed_leases_by_worker ON feed_leases(worker);
)sql";

// v3: what each source turned out to be (feed, sitemap, sitemap index,
// section page), the links its last poll found, the hash of its last link
// set, and the sitemap index children already read: SQLite's v12.
constexpr const char* kSchemaV3Sources = R"sql(
ALTER TABLE feeds ADD COLUMN source_type text NOT NULL DEFAULT '';
ALTER TABLE feeds ADD COLUMN links_found bigint;
ALTER TABLE feeds ADD COLUMN links_hash text NOT NULL DEFAULT '';
CREATE TABLE sitemap_children (
  feed_id bigint NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
  url     text NOT NULL,
  lastmod bigint,
  read_at bigint NOT NULL,
  PRIMARY KEY (feed_id, url)
);
)sql";

// v4: tag kind and source 'watch' ([[watch]] tags, SQLite's v10), so an
// archive holding them can be copied and written here.
constexpr const char* kSchemaV4WatchTags = R"sql(
ALTER TABLE tags DROP CONSTRAINT tags_kind_check;
ALTER TABLE tags ADD CONSTRAINT tags_kind_check
  CHECK (kind IN ('topic', 'country', 'org', 'feed', 'model', 'watch'));
ALTER TABLE article_tags DROP CONSTRAINT article_tags_source_check;
ALTER TABLE article_tags ADD CONSTRAINT article_tags_source_check
  CHECK (source IN ('rule', 'model', 'feed', 'watch'));
)sql";

// ---- v5: host budgets --------------------------------------------------
// v5: per-host politeness shared by the workers (pg/leases.cpp,
// reserve_host_slots): the earliest time, in Unix milliseconds, at which the
// next request to each host:port may start, whichever worker sends it; and
// an index for the workers' claims of due feeds (lease_due_feeds).
constexpr const char* kSchemaV5HostBudgets = R"sql(
CREATE TABLE host_budgets (
  host       text PRIMARY KEY,
  next_at_ms bigint NOT NULL
);
CREATE INDEX feeds_by_due ON feeds ((coalesce(next_fetch_at, 0)), id) WHERE removed_at IS NULL AND state <> 'gone';
)sql";
// ---- end v5 ---------------------------------------------------------------

// ---- v6: the feed list lives in the database (feed_list.cpp) ----
// Each feed's settings as its `[[feeds]]` TOML table (NULL: a feed
// registered before this step or copied by `newsd migrate`, run with the
// defaults), and a counter every change of the list bumps, so a worker
// polls one row to learn that it must re-read the list.
constexpr const char* kSchemaV6FeedSpecs = R"sql(
ALTER TABLE feeds ADD COLUMN spec text;
INSERT INTO meta (key, value) VALUES ('feed_list_version', '0');
)sql";
// ---- end v6 ----

// ---- v7: outbox and watch matches (issue 15 §3 on PostgreSQL) ----
// SQLite's outbox, sink cursors and dead letters (its outbox step) and its
// watch_matches (v10), column for column. seq is not a sequence: a
// sequence is not rolled back, and the drains read a gap in seq as rows
// dropped by the bound. The writer numbers the rows itself from meta
// `outbox_last_seq` under its article lock (pg/outbox.cpp), which also
// makes seq order commit order, so a drain never passes a row that an
// older transaction has yet to commit. claim_key names a sink's advisory
// lock: a name's hash could collide, an identity cannot.
constexpr const char* kSchemaV7Outbox = R"sql(
CREATE TABLE outbox (
  seq        bigint PRIMARY KEY,
  article_id bigint NOT NULL,
  stored_at  bigint NOT NULL
);
CREATE TABLE sink_cursors (
  name              text PRIMARY KEY,
  cursor            bigint NOT NULL,
  delivered         bigint NOT NULL DEFAULT 0,
  missed            bigint NOT NULL DEFAULT 0,
  last_error        text NOT NULL DEFAULT '',
  last_error_at     bigint,
  last_delivered_at bigint,
  claim_key         integer GENERATED ALWAYS AS IDENTITY UNIQUE
);
CREATE TABLE sink_dead_letters (
  sink       text NOT NULL REFERENCES sink_cursors(name) ON DELETE CASCADE,
  article_id bigint NOT NULL,
  attempts   integer NOT NULL,
  error      text NOT NULL,
  failed_at  bigint NOT NULL,
  retry      boolean NOT NULL DEFAULT false,
  PRIMARY KEY (sink, article_id)
);
CREATE TABLE watch_matches (
  article_id bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  watch      text NOT NULL,
  PRIMARY KEY (article_id, watch)
);
)sql";
// ---- end v7 ----

// ---- v8 (issue 15 item 1 parity): labels, tag versions and the views ----
// SQLite's labels (its v11: a person's judgement, apart from article_tags,
// a removal kept as a row), the taxonomy and model versions per article
// (its v8: NULL = never recorded, outdated for any taxonomy), and the views
// docs/schema.md documents for plain SQL (its v3, article_tags_v as its v11
// left it): the same names, columns and values, dates as the same
// 'YYYY-MM-DD' / 'YYYY-MM-DD HH:MM:SS' UTC text.
constexpr const char* kSchemaV8Parity = R"sql(
ALTER TABLE articles ADD COLUMN taxonomy_version text;
ALTER TABLE articles ADD COLUMN model_version text;
CREATE INDEX articles_by_tag_versions ON articles(taxonomy_version, model_version);

CREATE TABLE labels (
  article_id bigint NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
  tag        text NOT NULL,
  kind       text NOT NULL CHECK (kind IN ('topic', 'country', 'org', 'feed', 'model')),
  set_by     text NOT NULL,
  set_at     bigint NOT NULL,
  removed    integer NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
  PRIMARY KEY (article_id, tag)
);
CREATE INDEX labels_by_tag ON labels(tag, article_id);

CREATE VIEW article_tags_v AS
  SELECT a.id AS article_id,
         to_char(to_timestamp(coalesce(a.published_at, a.fetched_at)) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
         a.lang, a.title, a.url, t.name AS tag, t.kind, at.score, at.source
  FROM articles a
  JOIN article_tags at ON at.article_id = a.id
  JOIN tags t ON t.id = at.tag_id
  UNION ALL
  SELECT a.id, to_char(to_timestamp(coalesce(a.published_at, a.fetched_at)) AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
         a.lang, a.title, a.url, l.tag, l.kind, 1.0::float8, 'label'
  FROM articles a
  JOIN labels l ON l.article_id = a.id
  WHERE l.removed = 0;

CREATE VIEW feed_health AS
  SELECT f.id, f.url, coalesce(nullif(f.name, ''), nullif(f.title, ''), f.url) AS name,
         f.state, f.consecutive_errors, nullif(f.last_error, '') AS last_error,
         to_char(to_timestamp(f.last_fetched_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS last_fetched,
         to_char(to_timestamp(f.next_fetch_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS next_fetch,
         (SELECT count(*) FROM articles a WHERE a.feed_id = f.id) AS articles,
         (SELECT to_char(to_timestamp(max(a.fetched_at)) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
          FROM articles a WHERE a.feed_id = f.id) AS last_article
  FROM feeds f;

CREATE VIEW story_clusters AS
  SELECT cluster_id, count(*) AS articles,
         to_char(to_timestamp(min(coalesce(published_at, fetched_at))) AT TIME ZONE 'UTC',
                 'YYYY-MM-DD HH24:MI:SS') AS first_seen,
         to_char(to_timestamp(max(coalesce(published_at, fetched_at))) AT TIME ZONE 'UTC',
                 'YYYY-MM-DD HH24:MI:SS') AS last_seen,
         (SELECT title FROM articles h WHERE h.id = c.cluster_id) AS title
  FROM articles c
  WHERE cluster_id IS NOT NULL
  GROUP BY cluster_id;
)sql";
// ---- end v8 ----

using Step = const char*;
constexpr Step kSteps[] = {kSchemaV1,          kSchemaV2Leases,      kSchemaV3Sources,
                           kSchemaV4WatchTags, kSchemaV5HostBudgets, kSchemaV6FeedSpecs,
                           kSchemaV7Outbox,    kSchemaV8Parity};

// Held for the transaction: migrations of one database run one at a time.
constexpr std::int64_t kMigrationLock = 0x6e657773'64000001;  // "newsd" + 1

void set_tokenizer_version(pqxx::work& tx) {
  tx.exec_params(
      "INSERT INTO meta (key, value) VALUES ('fts_tokenizer', $1) ON CONFLICT (key) DO UPDATE SET value = $1",
      std::string(tokenizer_version()));
}

int version_in(pqxx::work& tx) {
  if (tx.exec1("SELECT to_regclass('meta') IS NULL")[0].as<bool>()) return 0;
  auto row = tx.exec("SELECT value FROM meta WHERE key = 'schema_version'");
  return row.empty() ? 0 : std::stoi(row[0][0].as<std::string>());
}

}  // namespace

int schema_version() { return static_cast<int>(std::size(kSteps)); }

Result<int> stored_schema_version(pqxx::connection& conn) {
  try {
    pqxx::work tx(conn);
    return version_in(tx);
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "reading the schema version"));
  }
}

Result<void> migrate(pqxx::connection& conn) {
  const int target = schema_version();
  while (true) {
    try {
      pqxx::work tx(conn);
      tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLock);
      const int version = version_in(tx);
      if (version > target) {
        return fail(Errc::database, "database schema version " + std::to_string(version) +
                                        " is newer than this newsd supports (" + std::to_string(target) + ")");
      }
      if (version == target) return {};
      const int next = version + 1;
      tx.exec(kSteps[next - 1]);
      if (next == 1) set_tokenizer_version(tx);
      tx.exec_params(
          "INSERT INTO meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = $1",
          std::to_string(next));
      tx.commit();
      log::info("store.migrated", {{"backend", "postgresql"}, {"version", next}});
    } catch (const std::exception& e) {
      return std::unexpected(database_error(e, "migration of the PostgreSQL schema"));
    }
  }
}

Result<std::optional<std::string>> outdated_tokenizer(pqxx::connection& conn) {
  try {
    pqxx::work tx(conn);
    auto row = tx.exec("SELECT value FROM meta WHERE key = 'fts_tokenizer'");
    std::string built_by = row.empty() ? std::string("unknown") : row[0][0].as<std::string>();
    if (built_by == tokenizer_version()) return std::optional<std::string>{};
    return std::optional<std::string>{std::move(built_by)};
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "reading the search tokenizer version"));
  }
}

Result<bool> ensure_search_current(pqxx::connection& conn) {
  auto outdated = outdated_tokenizer(conn);
  if (!outdated) return std::unexpected(outdated.error());
  if (!*outdated) return false;
  log::info("store.fts_rebuild", {{"backend", "postgresql"}, {"tokenizer", std::string(tokenizer_version())}});
  // One transaction, like SQLite's rebuild: a reader never sees half the
  // rows tokenized one way and half the other. Rows are read in pages so
  // that memory stays bounded on a large archive.
  constexpr int kPage = 500;
  try {
    pqxx::work tx(conn);
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kMigrationLock);
    std::int64_t after = 0;
    while (true) {
      auto rows =
          tx.exec_params("SELECT id, title, text FROM articles WHERE id > $1 ORDER BY id LIMIT $2", after, kPage);
      for (const auto& row : rows) {
        after = row[0].as<std::int64_t>();
        tx.exec_params("UPDATE articles SET search = $2::tsvector WHERE id = $1", after,
                       search_vector(row[1].as<std::string>(), row[2].as<std::string>()));
      }
      if (rows.size() < static_cast<std::size_t>(kPage)) break;
    }
    set_tokenizer_version(tx);
    tx.commit();
    return true;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "rebuilding the search column"));
  }
}

}  // namespace newsd::store::pg
