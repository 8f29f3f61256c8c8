// Store::retag and Store::outdated_tags on a real SQLite file and a real
// PostgreSQL database (BackendTest): after a taxonomy edit
// (tests/data/store/retag/taxonomy.toml and its edited copy) exactly the
// affected rule rows change, rows of other sources (feed tags, labels) are
// never touched, an interrupted retag resumes, and the outdated counts follow.
#include <sqlite3.h>

#include <map>
#include <set>
#include <tuple>

#include "newsd/classify/taxonomy.hpp"
#include "pg/pg_backend.hpp"
#include "schema.hpp"
#include "sqlite.hpp"
#include "store_fixture.hpp"
#include "tokenizer.hpp"

namespace newsd::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::FieldsAre;
using ::testing::IsEmpty;

struct LoadedTaxonomy {
  std::shared_ptr<const classify::RuleTagger> tagger;
  std::string version;
};

LoadedTaxonomy load(const std::string& name) {
  auto taxonomy = classify::load_taxonomy(fixture_path("retag/" + name));
  if (!taxonomy) {
    ADD_FAILURE() << taxonomy.error().describe();
    return {};
  }
  return {std::make_shared<const classify::RuleTagger>(*taxonomy), std::string(classify::taxonomy_version(**taxonomy))};
}

RetagTagger rules_of(const LoadedTaxonomy& t) {
  return [tagger = t.tagger](const classify::Document& doc) { return tagger->tag(doc); };
}

/// Every article_tags row as (article, tag, kind, source, score), in order.
using Row = std::tuple<std::int64_t, std::string, std::string, std::string, double>;

class RetagTest : public BackendTest {
 protected:
  // Writes `texts` (title, body) as ingest would with taxonomy `t`: its rule
  // tags and version, plus the feed's own tag `desk` (source feed).
  void ingest(Store& store, const LoadedTaxonomy& t, const std::vector<std::pair<std::string, std::string>>& texts) {
    const auto feed = add_feed(store, "https://example.com/feed");
    std::vector<ArticleRecord> batch;
    for (const auto& [title, body] : texts) {
      auto rec = article(feed, "https://example.com/" + std::to_string(batch.size()), title, body, "en");
      rec.tags = t.tagger->tag({rec.title, rec.text, rec.lang});
      rec.tags.push_back(tag("desk", classify::TagKind::feed, 1.0, classify::TagSource::feed));
      rec.tag_versions = {t.version, ""};
      batch.push_back(std::move(rec));
    }
    write(store, batch);  // ids 1, 2, … in `texts` order
  }

  std::vector<Row> rows() {
    std::vector<Row> out;
    for (const auto& r : sql_rows("SELECT at.article_id, t.name, t.kind, at.source, at.score FROM article_tags at "
                                  "JOIN tags t ON t.id = at.tag_id ORDER BY 1, 2, 3, 4")) {
      out.emplace_back(std::stoll(r[0]), r[1], r[2], r[3], std::stod(r[4]));
    }
    return out;
  }

  std::vector<std::vector<std::string>> labels() {
    return sql_rows("SELECT article_id, tag, kind, set_by, removed FROM labels ORDER BY 1, 2");
  }

  Result<RetagReport> retag(const LoadedTaxonomy& t, RetagOptions options = {}) {
    return Store::retag(store_config(), {t.version, ""}, options, rules_of(t));
  }
};

const std::vector<std::pair<std::string, std::string>> kNews = {
    {"Morocco buys drones", "The Moroccan army bought a drone fleet."},             // same tags under both
    {"Ransomware hits a port", "A ransomware gang encrypted the port's systems."},  // cyber only by "ransomware"
    {"A UAV programme grows", "The new UAV programme in Morocco is growing."},      // drones only by "UAV"
    {"Malware found", "Researchers found malware next to the ransomware."},         // cyber by both: rescored
};

TEST_P(RetagTest, TaxonomyEditChangesExactlyTheAffectedRuleRowsAndLeavesFeedTagsAndLabelsAlone) {
  const auto before = load("taxonomy.toml");
  const auto after = load("taxonomy_edited.toml");
  ASSERT_NE(before.version, after.version);
  auto store = open_store();
  ingest(store, before, kNews);
  // The analyst says 2 is cyber, whatever the rules say, and 4 is not defense.
  ASSERT_TRUE(Store::write_labels(store_config(),
                                  std::vector<LabelEdit>{{2, "cyber", "", false}, {4, "defense", "", true}}, "alice",
                                  day(2026, 11, 30)));
  const auto old_rows = rows();
  const auto old_labels = labels();
  ASSERT_EQ(old_labels.size(), 2u);

  auto report = retag(after);
  ASSERT_TRUE(report.has_value()) << report.error().describe();
  EXPECT_EQ(report->articles, 4);
  EXPECT_EQ(report->changed_articles, 3);
  EXPECT_TRUE(report->complete);
  ASSERT_EQ(report->changes.size(), 2u);
  EXPECT_THAT(report->changes[0], FieldsAre("cyber", "topic", 0, 1, 1));   // 2 lost it, 4 scores lower
  EXPECT_THAT(report->changes[1], FieldsAre("drones", "topic", 1, 0, 0));  // 3 gained it

  // Exactly: 2's rule row gone, 3's drones row added, 4's cyber score down
  // by the one "ransomware" match; feed rows and the label untouched.
  std::vector<Row> expected;
  for (const auto& row : old_rows) {
    const auto& [id, name, kind, source, score] = row;
    if (id == 2 && name == "cyber" && source == "rule") continue;
    expected.push_back(id == 4 && name == "cyber" && source == "rule" ? Row{id, name, kind, source, score - 1.0} : row);
  }
  expected.emplace_back(3, "drones", "topic", "rule", 3.0 + 1.0);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(rows(), expected);
  EXPECT_EQ(labels(), old_labels);
  auto second = store.article(2);
  ASSERT_TRUE(second && *second);
  EXPECT_TRUE(std::ranges::any_of((**second).tags, [](const StoredTag& t) {
    return t.name == "cyber" && t.source == "label";
  })) << "the label still says cyber where the rule no longer does";

  // Every article now carries the edited taxonomy's version: nothing to redo.
  auto outdated = store.outdated_tags({after.version, ""});
  ASSERT_TRUE(outdated.has_value());
  EXPECT_EQ(outdated->taxonomy, 0);
  EXPECT_EQ(outdated->model, std::nullopt);
  auto again = retag(after);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->articles, 0);
  EXPECT_TRUE(again->complete);
  EXPECT_THAT(again->changes, IsEmpty());
}

TEST_P(RetagTest, AnInterruptedRetagResumesAndEndsWhereAFullOneWould) {
  const auto before = load("taxonomy.toml");
  const auto after = load("taxonomy_edited.toml");
  std::vector<std::pair<std::string, std::string>> texts;
  for (int i = 0; i < 30; ++i) texts.push_back(kNews[static_cast<std::size_t>(i) % kNews.size()]);
  // Each text once per feed URL would be deduplicated by content: make them differ.
  for (std::size_t i = 0; i < texts.size(); ++i) texts[i].second += " Report number " + std::to_string(i) + ".";
  auto store = open_store();
  ingest(store, before, texts);

  RetagOptions stop_early;
  stop_early.batch = 4;
  stop_early.limit = 10;
  auto first = retag(after, stop_early);
  ASSERT_TRUE(first.has_value()) << first.error().describe();
  EXPECT_EQ(first->articles, 10);
  EXPECT_EQ(first->batches, 3);  // 4 + 4 + 2
  EXPECT_FALSE(first->complete);
  EXPECT_EQ(store.outdated_tags({after.version, ""})->taxonomy, 20);

  RetagOptions rest;
  rest.batch = 4;
  auto second = retag(after, rest);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->articles, 20) << "the first 10 were skipped";
  EXPECT_TRUE(second->complete);
  EXPECT_EQ(store.outdated_tags({after.version, ""})->taxonomy, 0);

  // The end state is the edited taxonomy's tags on every article.
  for (std::int64_t id = 1; id <= 30; ++id) {
    auto view = store.article(id);
    ASSERT_TRUE(view.has_value() && view->has_value());
    const auto& a = **view;
    std::set<std::string> stored, wanted;
    for (const auto& t : a.tags)
      if (t.source == "rule") stored.insert(t.name);
    for (const auto& t : after.tagger->tag({a.title, a.text, a.lang})) wanted.insert(t.name);
    EXPECT_EQ(stored, wanted) << "article " << id;
  }
  // Texts 1-3 of every 4 change: 3 in each of the 7 full rounds, then 29.
  EXPECT_EQ(first->changed_articles + second->changed_articles, 22);
}

TEST_P(RetagTest, ModelOnlyRetagLeavesRuleRowsAndTheTaxonomyVersion) {
  const auto rules = load("taxonomy.toml");
  auto store = open_store();
  ingest(store, rules, {kNews[0], kNews[1]});
  const auto old_rows = rows();
  // A model that says "defence" for everything (a pure rule: no model file needed).
  const RetagTagger tagger = [&](const classify::Document& doc) {
    auto tags = rules.tagger->tag(doc);
    tags.push_back({"defence", classify::TagKind::model, 0.75, classify::TagSource::model});
    return tags;
  };
  RetagOptions model_only;
  model_only.rules = false;
  model_only.model = true;
  auto report = Store::retag(store_config(), {"new-taxonomy", "model-v2"}, model_only, tagger);
  ASSERT_TRUE(report.has_value()) << report.error().describe();
  EXPECT_EQ(report->articles, 2);
  ASSERT_EQ(report->changes.size(), 1u);
  EXPECT_THAT(report->changes[0], FieldsAre("defence", "model", 2, 0, 0));
  std::vector<Row> expected = old_rows;
  expected.emplace_back(1, "defence", "model", "model", 0.75);
  expected.emplace_back(2, "defence", "model", "model", 0.75);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(rows(), expected);
  auto outdated = store.outdated_tags({rules.version, "model-v2"});
  ASSERT_TRUE(outdated.has_value());
  EXPECT_EQ(outdated->taxonomy, 0) << "the rules were not retagged: their version stays";
  EXPECT_EQ(outdated->model, 0);
  EXPECT_EQ(store.outdated_tags({"new-taxonomy", "model-v2"})->taxonomy, 2);
}

TEST_P(RetagTest, SinceLimitsTheArticlesByDateAndArticlesWithoutVersionsCountAsOutdated) {
  const auto before = load("taxonomy.toml");
  const auto after = load("taxonomy_edited.toml");
  auto store = open_store();
  const auto feed = add_feed(store, "https://example.com/feed");
  auto old_news = article(feed, "https://example.com/old", kNews[1].first, kNews[1].second, "en");
  old_news.published_at = day(2025, 1, 1);
  old_news.tags = before.tagger->tag({old_news.title, old_news.text, "en"});
  old_news.tag_versions = {before.version, ""};
  auto unversioned = article(feed, "https://example.com/new", kNews[2].first, kNews[2].second, "en");
  unversioned.published_at = day(2026, 11, 1);  // tag_versions left empty: stored as never recorded
  write(store, {old_news, unversioned});
  EXPECT_EQ(store.outdated_tags({before.version, ""})->taxonomy, 1);
  EXPECT_EQ(store.outdated_tags({after.version, "m"})->model, 2);

  RetagOptions recent;
  recent.since = day(2026, 1, 1);
  auto report = retag(after, recent);
  ASSERT_TRUE(report.has_value()) << report.error().describe();
  EXPECT_EQ(report->articles, 1);
  ASSERT_EQ(report->changes.size(), 2u);  // by kind, then name
  EXPECT_THAT(report->changes[0], FieldsAre("MA", "country", 1, 0, 0));
  EXPECT_THAT(report->changes[1], FieldsAre("drones", "topic", 1, 0, 0));
  EXPECT_EQ(store.outdated_tags({after.version, ""})->taxonomy, 1) << "the 2025 article is left for a wider --since";
}

TEST_P(RetagTest, HostileTextsAreRetaggedLikeAnyOther) {
  const auto after = load("taxonomy_edited.toml");
  auto store = open_store();
  const auto feed = add_feed(store, "https://example.com/feed");
  const std::string invalid_utf8 = "UAV \xff\xfe\xc3 \xed\xa0\x80 drone";
  std::string with_nul = "UAV";
  with_nul += '\0';
  with_nul += " malware";
  std::string huge;
  for (int i = 0; i < 5000; ++i) huge += "UAV سرب الطائرات المسيرة ";
  write(store, {article(feed, "https://example.com/a", invalid_utf8, invalid_utf8, ""),
                article(feed, "https://example.com/b", "nul", with_nul, "en"),
                article(feed, "https://example.com/c", "", huge, "zz-invalid")});
  auto report = retag(after);
  ASSERT_TRUE(report.has_value()) << report.error().describe();
  EXPECT_EQ(report->articles, 3);
  for (std::int64_t id = 1; id <= 3; ++id) {
    auto view = store.article(id);
    ASSERT_TRUE(view.has_value() && view->has_value());
    std::set<std::string> stored, wanted;
    for (const auto& t : (*view)->tags) stored.insert(t.name);
    for (const auto& t : after.tagger->tag({(*view)->title, (*view)->text, (*view)->lang})) wanted.insert(t.name);
    EXPECT_EQ(stored, wanted) << "article " << id;
    EXPECT_TRUE(stored.contains("drones")) << "article " << id;
  }
}

TEST_P(RetagTest, RefusesBadOptions) {
  const auto after = load("taxonomy_edited.toml");
  RetagOptions none;
  none.rules = false;
  EXPECT_EQ(Store::retag(store_config(), {after.version, ""}, none, rules_of(after)).error().code,
            Errc::invalid_argument);
  RetagOptions zero;
  zero.batch = 0;
  EXPECT_EQ(Store::retag(store_config(), {after.version, ""}, zero, rules_of(after)).error().code,
            Errc::invalid_argument);
}

TEST_P(RetagTest, ABatchWaitsForTheArticleWritersTransaction) {
  const auto before = load("taxonomy.toml");
  const auto after = load("taxonomy_edited.toml");
  auto store = open_store();
  ingest(store, before, kNews);
  const auto old_rows = rows();
  // A daemon's write batch in progress: SQLite's one write transaction, or
  // on PostgreSQL the article writers' advisory lock that write_articles takes.
  std::unique_ptr<newsd::testing::Db> sqlite_writer;
  std::unique_ptr<pqxx::connection> pg_writer;
  std::unique_ptr<pqxx::work> pg_batch;
  if (GetParam() == Backend::sqlite) {
    sqlite_writer = std::make_unique<newsd::testing::Db>(db_path_);
    sqlite_writer->rows("BEGIN IMMEDIATE");
  } else {
    pg_writer = std::make_unique<pqxx::connection>(url_);
    pg_batch = std::make_unique<pqxx::work>(*pg_writer);
    pg_batch->exec_params("SELECT pg_advisory_xact_lock($1)", pg::kArticleWriterLock);
  }
  RetagOptions impatient;
  impatient.busy_timeout = std::chrono::milliseconds{300};
  auto refused = retag(after, impatient);
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, Errc::database);
  EXPECT_EQ(rows(), old_rows) << "a refused batch writes nothing";
  EXPECT_EQ(store.outdated_tags({after.version, ""})->taxonomy, 4);

  if (sqlite_writer) sqlite_writer->rows("COMMIT");
  if (pg_batch) pg_batch->commit();
  auto done = retag(after);
  ASSERT_TRUE(done.has_value()) << done.error().describe();
  EXPECT_EQ(done->articles, 4);
}

NEWSD_ON_BOTH_BACKENDS(RetagTest);

/// What only a SQLite file has: a missing file, a schema from before tag versions.
class RetagOnSqliteTest : public StoreTest {
 protected:
  Result<RetagReport> retag(const LoadedTaxonomy& t) {
    return Store::retag(db_path_, {t.version, ""}, RetagOptions{}, rules_of(t));
  }
  std::size_t tag_rows() { return newsd::testing::Db(db_path_).rows("SELECT * FROM article_tags").size(); }
};

TEST_F(RetagOnSqliteTest, ArticlesStoredBeforeVersionsWereRecordedAreOutdatedAndRetagged) {
  {
    // The database as v7 (the step before tag versions) left it, with one article.
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db_path_.c_str(), &raw), SQLITE_OK);
    sql::DbPtr db(raw);
    ASSERT_TRUE(register_tokenizer(raw).has_value());
    ASSERT_TRUE(migrate_to(raw, 7).has_value());
    ASSERT_TRUE(sql::exec(raw,
                          "INSERT INTO feeds (id, url) VALUES (1, 'https://example.com/feed'); "
                          "INSERT INTO articles (id, feed_id, canonical_url, url, title, text, lang, fetched_at) "
                          "VALUES (1, 1, 'https://example.com/1', 'https://example.com/1', 'A UAV programme grows', "
                          "'The new UAV programme in Morocco is growing.', 'en', 1790000000)")
                    .has_value());
  }
  const auto after = load("taxonomy_edited.toml");
  auto store = open_store();  // migrates
  EXPECT_EQ(store.outdated_tags({after.version, ""})->taxonomy, 1);
  auto report = retag(after);
  ASSERT_TRUE(report.has_value()) << report.error().describe();
  EXPECT_EQ(report->articles, 1);
  EXPECT_EQ(store.outdated_tags({after.version, ""})->taxonomy, 0);
  EXPECT_EQ(tag_rows(), 2u) << "MA and drones";
}

TEST_F(RetagOnSqliteTest, RefusesAMissingDatabaseAndAnOldSchema) {
  const auto after = load("taxonomy_edited.toml");
  EXPECT_EQ(retag(after).error().code, Errc::not_found);
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db_path_.c_str(), &raw), SQLITE_OK);
    sql::DbPtr db(raw);
    ASSERT_TRUE(sql::exec(raw, "PRAGMA user_version = 1").has_value());
  }
  auto old = retag(after);
  ASSERT_FALSE(old.has_value());
  EXPECT_EQ(old.error().code, Errc::database);
  EXPECT_NE(old.error().message.find("start the daemon once"), std::string::npos) << old.error().message;
}

}  // namespace
}  // namespace newsd::store::testing
