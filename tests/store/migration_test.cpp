// Forward-only migrations: a database left at each earlier schema version,
// with data in it, opens and migrates to the current version without losing
// anything, and gains what the later versions add.
#include <sqlite3.h>

#include "integrity.hpp"
#include "schema.hpp"
#include "sqlite.hpp"
#include "store_fixture.hpp"
#include "tokenizer.hpp"

namespace newsd::store::testing {
namespace {

using ::testing::ElementsAre;

class MigrationTest : public StoreTest {
 protected:
  // Builds the database as an older newsd left it: schema up to `version`,
  // then the rows of tests/data/store/rows_v<version>.sql, then those of
  // `extra_rows` if given.
  void make_database_at(int version, const std::string& extra_rows = {}) {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db_path_.c_str(), &raw), SQLITE_OK);
    sql::DbPtr db(raw);
    ASSERT_TRUE(register_tokenizer(raw).has_value());
    auto migrated = migrate_to(raw, version);
    ASSERT_TRUE(migrated.has_value()) << migrated.error().describe();
    if (version == 0) return;
    // A version that changed no rows has no fixture of its own: its rows
    // are those of the newest earlier version that has one.
    int rows_version = version;
    while (rows_version > 1 &&
           !std::filesystem::exists(fixture_path("rows_v" + std::to_string(rows_version) + ".sql"))) {
      --rows_version;
    }
    auto rows = sql::exec(raw, read_fixture("rows_v" + std::to_string(rows_version) + ".sql"));
    ASSERT_TRUE(rows.has_value()) << rows.error().describe();
    if (!extra_rows.empty()) {
      auto extra = sql::exec(raw, read_fixture(extra_rows));
      ASSERT_TRUE(extra.has_value()) << extra.error().describe();
    }
    // From v5 on, the writer indexed what it inserted (no trigger does).
    if (version >= 5) {
      ASSERT_TRUE(sql::exec(raw, "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')").has_value());
    }
    EXPECT_EQ(*schema_version(raw), version);
  }

  void expect_current_with_data(Store& store) {
    auto stats = store.stats();
    ASSERT_TRUE(stats.has_value()) << stats.error().describe();
    EXPECT_EQ(stats->schema_version, kSchemaVersion);
    EXPECT_EQ(stats->articles, 3);
    EXPECT_EQ(stats->feeds, 2);
    // Text written before the migration is still searchable with clitics
    // (1 and 3 say المغربية, 3's title المغرب).
    EXPECT_THAT(ids(store, "مغرب"), ::testing::UnorderedElementsAre(1, 3));
    EXPECT_THAT(ids(store, "الخليج"), ElementsAre(2));
    auto first = store.article(1)->value();
    EXPECT_EQ(first.tags.size(), 2u);
    ASSERT_FALSE(first.sources.empty());
    EXPECT_EQ(first.sources[0].url, "https://a.example/1");
    // v2 clustering reached the old rows: 1 and 3 are the same wire story.
    EXPECT_EQ(store.article(3)->value().cluster_id, first.cluster_id);
    EXPECT_NE(store.article(2)->value().cluster_id, first.cluster_id);
    expect_database_consistent(db_path_);
    // v3 views exist and answer.
    auto ro = Store::open_readonly(db_path_);
    ASSERT_TRUE(ro.has_value()) << ro.error().describe();
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open_v2(db_path_.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sql::DbPtr db(raw);
    for (const char* view : {"article_tags_v", "tag_daily_counts", "feed_health", "story_clusters"}) {
      auto stmt = sql::Stmt::prepare(raw, std::string("SELECT count(*) FROM ") + view);
      ASSERT_TRUE(stmt.has_value()) << view << ": " << stmt.error().describe();
      ASSERT_TRUE(*stmt->step());
      EXPECT_GT(stmt->int64(0), 0) << view;
    }
  }
};

TEST_F(MigrationTest, NewFileIsCreatedAtTheCurrentVersion) {
  auto store = open_store();
  EXPECT_EQ(store.stats()->schema_version, kSchemaVersion);
  // The index records the pipeline and the ICU it was built with, so an ICU
  // upgrade (new word-break rules) rebuilds it instead of corrupting deletes.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db_path_.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sql::DbPtr db(raw);
  auto stmt = sql::Stmt::prepare(raw, "SELECT value FROM meta WHERE key = 'fts_tokenizer'");
  ASSERT_TRUE(stmt.has_value());
  ASSERT_TRUE(*stmt->step());
  EXPECT_EQ(stmt->text(0), tokenizer_version());
  EXPECT_NE(stmt->text(0).find(classify::pipeline_data_version()), std::string::npos) << stmt->text(0);
}

TEST_F(MigrationTest, FromVersion1) {
  make_database_at(1);
  auto store = open_store();
  expect_current_with_data(store);
  // Sources were backfilled from the articles themselves.
  EXPECT_EQ(store.stats()->sources, 3);
}

TEST_F(MigrationTest, FromVersion2) {
  make_database_at(2);
  auto store = open_store();
  expect_current_with_data(store);
}

TEST_F(MigrationTest, FromVersion3) {
  make_database_at(3);
  auto store = open_store();
  expect_current_with_data(store);
  // v4's index lets an entry be recognised by the URL its feed linked.
  EXPECT_TRUE(*store.has_article("https://a.example/1"));
}

TEST_F(MigrationTest, FromVersion4) {
  make_database_at(4);
  auto store = open_store();
  expect_current_with_data(store);
  // v5 dropped the FTS insert trigger: the writer indexes new articles itself.
  const auto feed = add_feed(store, "https://a.example/feed");
  write(store, {article(feed, "https://a.example/new", "غواصة جديدة", "وصلت الغواصة الجديدة إلى الميناء")});
  EXPECT_EQ(ids(store, "غواصة").size(), 1u);
}

TEST_F(MigrationTest, FromVersion5EntriesWithoutALinkGetTheirFeedsKey) {
  make_database_at(5, "text_only_entries_v5.sql");
  auto store = open_store();
  EXPECT_EQ(store.stats()->schema_version, kSchemaVersion);
  EXPECT_TRUE(*store.has_article(entry_key(1, "1")));
  EXPECT_TRUE(*store.has_article(entry_key(2, "urn:uuid:5")));
  // Another feed's entry `1` is no longer taken for feed 1's.
  EXPECT_FALSE(*store.has_article(entry_key(2, "1")));
  // Rows with a web link keep their URL keys.
  EXPECT_TRUE(*store.has_article("https://a.example/1"));
  EXPECT_TRUE(*store.has_article("https://b.example/copy-of-1?utm_source=x"));
  EXPECT_EQ(store.article(4)->value().url, "1");
  EXPECT_EQ(ids(store, "bibliothèque"), std::vector<std::int64_t>{5});
  expect_database_consistent(db_path_);
}

TEST_F(MigrationTest, FromVersion5GetsTheScheduleColumns) {
  make_database_at(5);
  auto store = open_store();
  expect_current_with_data(store);
  // The scheduling columns exist with neutral values on the old rows.
  const auto feeds = store.feeds();
  ASSERT_TRUE(feeds.has_value());
  for (const FeedState& f : *feeds) {
    EXPECT_EQ(f.interval_reason, "");
    EXPECT_EQ(f.error_class, "");
    EXPECT_EQ(f.gaps, 0);
    EXPECT_NE(f.state, "removed");
  }
}

TEST_F(MigrationTest, FromVersion7TagsKeepTheirRowsAndWatchesCanBeStored) {
  make_database_at(7);
  auto store = open_store();
  expect_current_with_data(store);
  // The rebuilt tags and article_tags take kind and source `watch`, and each
  // match is recorded by watch name.
  const auto feed = add_feed(store, "https://a.example/feed");
  auto rec = article(feed, "https://a.example/watched", "طائرات مسيرة", "وصلت الطائرات المسيرة الجديدة");
  rec.tags = {tag("drones", classify::TagKind::watch, 1.0, classify::TagSource::watch)};
  rec.watches = {"maghreb-drones"};
  write(store, {rec});
  const auto id = ids(store, "مسيرة").at(0);
  const auto view = store.article(id)->value();
  ASSERT_EQ(view.tags.size(), 1u);
  EXPECT_EQ(view.tags[0].kind, "watch");
  EXPECT_EQ(view.tags[0].source, "watch");
  SearchQuery q;
  q.text = "مسيرة";
  EXPECT_EQ(store.search(q)->at(0).watches, std::vector<std::string>{"maghreb-drones"});
  expect_database_consistent(db_path_);
  // The rebuilt article_tags refers to the rebuilt tags, not to a table that was renamed away.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open_v2(db_path_.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sql::DbPtr db(raw);
  auto fk = sql::Stmt::prepare(raw, "PRAGMA foreign_key_check");
  ASSERT_TRUE(fk.has_value());
  EXPECT_FALSE(*fk->step()) << "foreign key violations after the migration";
  auto schema = sql::Stmt::prepare(raw, "SELECT sql FROM sqlite_schema WHERE name = 'article_tags'");
  ASSERT_TRUE(schema.has_value() && *schema->step());
  EXPECT_NE(schema->text(0).find("REFERENCES \"tags\"(id)"), std::string::npos) << schema->text(0);
}

// v13: the enumerations in CHECK constraints are chains of equalities,
// which SQLite checks without building a temporary table per row, and they
// still refuse what they refused.
void expect_checks_are_equalities(const std::filesystem::path& path, bool article_tags_rewritten = true) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  sql::DbPtr db(raw);
  ASSERT_TRUE(register_tokenizer(raw).has_value());
  auto tables = sql::Stmt::prepare(raw,
                                   "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name IN "
                                   "('feeds', 'tags', 'article_tags', 'labels')");
  ASSERT_TRUE(tables.has_value());
  int seen = 0;
  ASSERT_TRUE(tables
                  ->each_row([&] {
                    ++seen;
                    const std::string name = tables->text(0);
                    if (name == "article_tags" && !article_tags_rewritten) return;
                    EXPECT_THAT(tables->text(1), ::testing::Not(::testing::HasSubstr("IN ('"))) << name;
                  })
                  .has_value());
  EXPECT_EQ(seen, 4);
  auto plan = sql::Stmt::prepare(raw,
                                 "EXPLAIN INSERT OR IGNORE INTO article_tags (article_id, tag_id, score, source) "
                                 "VALUES (?1, ?2, ?3, ?4)");
  ASSERT_TRUE(plan.has_value());
  bool ephemeral = false;
  ASSERT_TRUE(plan->each_row([&] { ephemeral = ephemeral || plan->text(1) == "OpenEphemeral"; }).has_value());
  EXPECT_EQ(ephemeral, !article_tags_rewritten);

  ASSERT_TRUE(sql::exec(raw,
                        "INSERT INTO feeds (id, url) VALUES (90, 'https://check.example/rss');"
                        "INSERT INTO articles (id, feed_id, canonical_url, url, fetched_at) "
                        "VALUES (90, 90, 'https://check.example/1', 'https://check.example/1', 0);"
                        "INSERT INTO tags (id, name, kind) VALUES (90, 'check', 'watch');"
                        "INSERT INTO article_tags (article_id, tag_id, source) VALUES (90, 90, 'watch');"
                        "INSERT INTO labels (article_id, tag, kind, set_by, set_at) "
                        "VALUES (90, 'check', 'model', 'me', 0);"
                        "UPDATE feeds SET state = 'gone' WHERE id = 90")
                  .has_value());
  for (const char* refused :
       {"UPDATE feeds SET state = 'removed' WHERE id = 90", "INSERT INTO tags (name, kind) VALUES ('x', 'label')",
        "INSERT INTO article_tags (article_id, tag_id, source) VALUES (90, 90, 'label')",
        "INSERT INTO labels (article_id, tag, kind, set_by, set_at) VALUES (90, 'y', 'watch', 'me', 0)"}) {
    auto done = sql::exec(raw, refused);
    ASSERT_FALSE(done.has_value()) << refused;
    EXPECT_THAT(done.error().message, ::testing::HasSubstr("CHECK constraint failed")) << refused;
  }
  auto integrity = sql::Stmt::prepare(raw, "PRAGMA integrity_check");
  ASSERT_TRUE(integrity.has_value() && integrity->step().value_or(false));
  EXPECT_EQ(integrity->text(0), "ok");
}

TEST_F(MigrationTest, ANewFileChecksItsEnumerationsWithoutTemporaryTables) {
  { auto store = open_store(); }
  expect_checks_are_equalities(db_path_);
}

TEST_F(MigrationTest, FromVersion12TheEnumerationChecksBecomeEqualities) {
  make_database_at(12);
  {
    auto store = open_store();
    expect_current_with_data(store);
  }
  expect_checks_are_equalities(db_path_);
}

// A table whose text was edited by hand keeps its constraint (as correct,
// only slower); the others are rewritten and the database opens.
TEST_F(MigrationTest, FromVersion12AHandEditedCheckIsKept) {
  make_database_at(12);
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db_path_.c_str(), &raw), SQLITE_OK);
    sql::DbPtr db(raw);
    ASSERT_TRUE(sql::exec(raw,
                          "PRAGMA writable_schema = ON;"
                          "UPDATE sqlite_schema SET sql = replace(sql, 'IN (''rule'', ', 'IN (''rule'',') "
                          "WHERE name = 'article_tags';"
                          "PRAGMA writable_schema = OFF;")
                    .has_value());
  }
  {
    auto store = open_store();
    expect_current_with_data(store);
  }
  expect_checks_are_equalities(db_path_, /*article_tags_rewritten=*/false);
}

TEST_F(MigrationTest, ReadOnlyOpenRefusesAnOldSchemaInsteadOfMigrating) {
  make_database_at(1);
  auto ro = Store::open_readonly(db_path_);
  ASSERT_FALSE(ro.has_value());
  EXPECT_NE(ro.error().message.find("schema version 1"), std::string::npos);
}

TEST_F(MigrationTest, NewerSchemaIsRefused) {
  { auto store = open_store(); }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db_path_.c_str(), &raw), SQLITE_OK);
  sqlite3_exec(raw, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(raw);
  auto store = Store::open(db_path_, config::StoreConfig{});
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().message.find("newer"), std::string::npos);
}

TEST_F(MigrationTest, IndexBuiltByAnotherTokenizerIsRebuilt) {
  make_database_at(kSchemaVersion - 1);
  {
    auto store = open_store();
    EXPECT_THAT(ids(store, "الخليج"), ElementsAre(2));
  }
  // Pretend the index came from an older pipeline and was left inconsistent.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db_path_.c_str(), &raw), SQLITE_OK);
  sql::DbPtr db(raw);
  ASSERT_TRUE(register_tokenizer(raw).has_value());
  ASSERT_TRUE(sql::exec(raw,
                        "UPDATE meta SET value = 'old' WHERE key = 'fts_tokenizer';"
                        "INSERT INTO articles_fts(articles_fts) VALUES ('delete-all');")
                  .has_value());
  db.reset();
  auto store = open_store();
  EXPECT_THAT(ids(store, "الخليج"), ElementsAre(2));
}

}  // namespace
}  // namespace newsd::store::testing
