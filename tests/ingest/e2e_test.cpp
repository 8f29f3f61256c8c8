// End to end: the bundled sample feeds served by a real HTTP server on
// 127.0.0.1, every feed polled once through the whole pipeline, and assertions on
// the rows in the SQLite file — clean text and tags for every seed page.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "newsd/classify/model.hpp"
#include "newsd/ingest/engine.hpp"
#include "support/daemon_test_util.hpp"
#include "support/ingest_once.hpp"
#include "support/static_server.hpp"

namespace newsd::ingest {
namespace {

namespace fs = std::filesystem;

const fs::path kSamples = fs::path(NEWSD_SOURCE_DIR) / "samples";
const fs::path kSeedGold = fs::path(NEWSD_TEST_DATA) / "extract/seeds";

config::Config sample_config(const testing::StaticServer& server, const fs::path& dir) {
  std::string toml = R"(
[log]
level = "warn"
[fetch]
min_host_interval = "0s"
max_per_host = 4
[classify]
taxonomy = ")" + (fs::path(NEWSD_SOURCE_DIR) / "config/taxonomy/default.toml").string() +
                     R"("
[store]
path = "newsd.db"
)";
  for (const char* feed : {"maghreb-defense.rss", "cyber-fr.atom", "world-en.rss"}) {
    toml += "[[feeds]]\nurl = \"" + server.url(std::string("/") + feed) + "\"\n";
  }
  auto cfg = config::parse_config(toml, dir / "newsd.toml");
  if (!cfg) throw std::runtime_error(cfg.error().message);
  return *cfg;
}

struct SeedGold {
  std::string id;
  nlohmann::json gold;
};

std::vector<SeedGold> seed_golds() {
  std::vector<SeedGold> out;
  for (const auto& entry : fs::directory_iterator(kSeedGold)) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(".gold.json")) continue;
    std::ifstream in(entry.path());
    out.push_back({name.substr(0, name.size() - std::string(".gold.json").size()), nlohmann::json::parse(in)});
  }
  std::ranges::sort(out, {}, &SeedGold::id);
  return out;
}

class EndToEnd : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::TempDir("newsd-e2e"); }

  IngestReport ingest(const config::Config& cfg) { return newsd::testing::ingest_once(cfg); }

  testing::TempDir dir_;
};

TEST_F(EndToEnd, SeedPagesAreStoredCleanAndTaggedAndASecondRunAddsNothing) {
  testing::StaticServer server(kSamples);
  const config::Config cfg = sample_config(server, dir_.path());

  const IngestReport first = ingest(cfg);
  EXPECT_EQ(first.feeds_failed, 0);
  EXPECT_EQ(first.pages_failed, 0);
  EXPECT_GE(first.articles_inserted, 10);

  testing::Db db(dir_.path() / "newsd.db");
  const auto golds = seed_golds();
  ASSERT_EQ(golds.size(), 5u) << "expected the five seed gold files in " << kSeedGold;
  for (const auto& [id, gold] : golds) {
    SCOPED_TRACE("seed " + id);
    const auto rows = db.rows("SELECT id, text FROM articles WHERE url LIKE '%seed-" + id + "%'");
    ASSERT_EQ(rows.size(), 1u) << "seed page not stored exactly once";
    const std::string article_id = rows[0][0];
    const std::string text = testing::collapse_spaces(rows[0][1]);
    for (const auto& para : gold["body_paragraphs"]) {
      const std::string p = testing::collapse_spaces(para.get<std::string>());
      EXPECT_NE(text.find(p), std::string::npos) << "missing body paragraph: " << p;
    }
    for (const auto& line : gold["boilerplate_lines"]) {
      const std::string b = testing::collapse_spaces(line.get<std::string>());
      // Boilerplate lines are whole lines: look for them as whole paragraphs.
      EXPECT_EQ(("\n" + rows[0][1] + "\n").find("\n" + line.get<std::string>() + "\n"), std::string::npos)
          << "boilerplate kept: " << b;
      // Long lines (teaser headlines, URLs) must not appear anywhere.
      if (b.size() > 40) {
        EXPECT_EQ(text.find(b), std::string::npos) << "boilerplate kept: " << b;
      }
    }
    std::set<std::string> tags;
    for (const auto& row : db.rows("SELECT t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id "
                                   "WHERE at.article_id = " +
                                   article_id)) {
      tags.insert(row[0]);
    }
    for (const char* key : {"countries_must", "topics_must"}) {
      for (const auto& tag : gold["tags"][key]) {
        EXPECT_TRUE(tags.contains(tag.get<std::string>())) << "missing tag " << tag;
      }
    }
    for (const auto& tag : gold["tags"]["must_not"]) {
      EXPECT_FALSE(tags.contains(tag.get<std::string>())) << "forbidden tag " << tag;
    }
  }

  const auto count_rows = [&] {
    return db.rows("SELECT (SELECT count(*) FROM articles) || '/' || (SELECT count(*) FROM article_tags)")[0][0];
  };
  const std::string before = count_rows();
  const IngestReport second = ingest(cfg);
  EXPECT_EQ(second.articles_inserted, 0);
  EXPECT_EQ(second.feeds_failed, 0);
  // Every entry is recognised by its link, although the seed pages name
  // another rel=canonical URL: nothing is fetched again.
  EXPECT_EQ(second.pages_fetched, 0);
  EXPECT_EQ(count_rows(), before) << "a second run stored something twice";
}

TEST_F(EndToEnd, AStoryLinkedByTwoFeedsIsStoredOnceWithBothSources) {
  testing::StaticServer server(kSamples, std::chrono::milliseconds{0}, "/extra", fs::path(NEWSD_TEST_DATA) / "ingest");
  config::Config cfg = sample_config(server, dir_.path());
  config::FeedConfig second_source;
  second_source.url = server.url("/extra/feeds/also-links-seeds.rss");
  cfg.feeds.push_back(second_source);

  const IngestReport report = ingest(cfg);
  EXPECT_EQ(report.feeds_failed, 0);
  testing::Db db(dir_.path() / "newsd.db");
  for (const char* seed : {"seed-003", "seed-004"}) {
    SCOPED_TRACE(seed);
    const std::string where = std::string("WHERE url LIKE '%") + seed + "%'";
    EXPECT_EQ(db.rows("SELECT count(*) FROM articles " + where)[0][0], "1");
    const auto feeds = db.rows("SELECT count(DISTINCT feed_id) FROM article_sources " + where);
    EXPECT_EQ(feeds[0][0], "2") << "both feeds must be recorded as sources";
  }
  // A later cycle records nothing twice.
  const std::string sources = db.rows("SELECT count(*) FROM article_sources")[0][0];
  ingest(cfg);
  EXPECT_EQ(db.rows("SELECT count(*) FROM article_sources")[0][0], sources);
}

TEST_F(EndToEnd, AFeedReadWithoutPagesStoresItsEntriesOwnText) {
  testing::StaticServer server(kSamples);
  config::Config cfg = sample_config(server, dir_.path());
  cfg.feeds.resize(1);  // the Arabic RSS feed: six entries with <description> teasers
  cfg.feeds[0].fetch_articles = false;
  const IngestReport report = ingest(cfg);
  EXPECT_EQ(report.pages_fetched, 0);
  EXPECT_EQ(report.articles_inserted, 6);
  testing::Db db(dir_.path() / "newsd.db");
  EXPECT_EQ(db.rows("SELECT count(*) FROM articles WHERE length(text) > 0 AND length(title) > 0")[0][0], "6");
  // The teasers are classified like any text: at least one tag each.
  EXPECT_EQ(db.rows("SELECT count(DISTINCT article_id) FROM article_tags WHERE source = 'rule'")[0][0], "6");
}

TEST_F(EndToEnd, EntriesWithOnlyAnIdAreStoredUnderItFromTheirOwnText) {
  testing::StaticServer server(kSamples, std::chrono::milliseconds{0}, "/extra", fs::path(NEWSD_TEST_DATA) / "ingest");
  config::Config cfg = sample_config(server, dir_.path());
  config::FeedConfig bulletin;
  bulletin.url = server.url("/extra/feeds/entries-without-links.atom");
  cfg.feeds = {bulletin};

  const IngestReport first = ingest(cfg);
  EXPECT_EQ(first.pages_fetched, 0);
  EXPECT_EQ(first.articles_inserted, 2);
  EXPECT_EQ(first.entries_without_text, 1);  // neither a link nor any text
  testing::Db db(dir_.path() / "newsd.db");
  // Keyed per feed (ids are unique only within their feed); no web address.
  const auto rows = db.rows("SELECT canonical_url, guid, title, url FROM articles ORDER BY guid");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][1], "tag:wire.example,2026:bulletin/1841");
  EXPECT_EQ(rows[0][0], "feed:1:tag:wire.example,2026:bulletin/1841");
  EXPECT_EQ(rows[0][2], "وزارة الدفاع تعلن عن مناورات بحرية مشتركة");
  EXPECT_EQ(rows[0][3], "");
  EXPECT_EQ(rows[1][1], "urn:uuid:6f1c2a3e-8b4d-4e5f-9a6b-7c8d9e0f1a2b");
  EXPECT_EQ(db.rows("SELECT count(*) FROM articles WHERE text LIKE '%مكافحة التهريب%'")[0][0], "1");

  // The next poll recognises both by their ids.
  const IngestReport second = ingest(cfg);
  EXPECT_EQ(second.articles_inserted, 0);
  EXPECT_EQ(db.rows("SELECT count(*) FROM articles")[0][0], "2");
}

TEST_F(EndToEnd, FeedStateRecordsValidatorsAndFailures) {
  testing::StaticServer server(kSamples);
  config::Config cfg = sample_config(server, dir_.path());
  config::FeedConfig missing;
  missing.url = server.url("/does-not-exist.rss");
  cfg.feeds.push_back(missing);

  const IngestReport report = ingest(cfg);
  EXPECT_EQ(report.feeds_failed, 1);
  EXPECT_EQ(report.feeds_fetched, 3);

  testing::Db db(dir_.path() / "newsd.db");
  const auto failed = db.rows("SELECT consecutive_errors, last_error FROM feeds WHERE url LIKE '%does-not-exist%'");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0][0], "1");
  EXPECT_NE(failed[0][1].find("404"), std::string::npos) << failed[0][1];
  // cpp-httplib's static handler sends no validators, so every healthy feed
  // was fetched, has no error and a next fetch time.
  const auto healthy = db.rows("SELECT count(*) FROM feeds WHERE consecutive_errors = 0 AND next_fetch_at IS NOT NULL");
  EXPECT_EQ(healthy[0][0], "3");
}

TEST_F(EndToEnd, ConfiguredModelTagsAreStoredWithTheirScoreAndSource) {
  // A small model trained on Arabic news posts (tests/data/classify/model).
  classify::TrainOptions train;
  train.data = fs::path(NEWSD_TEST_DATA) / "classify/model/asnd-slice-train.tsv";
  train.output = dir_.path() / "topics.bin";
  train.threads = 1;
  ASSERT_TRUE(classify::train_model(train));

  testing::StaticServer server(kSamples);
  config::Config cfg = sample_config(server, dir_.path());
  cfg.classify.model = train.output;
  cfg.classify.model_threshold = 0.0;  // every article gets its top label
  cfg.classify.model_top_k = 1;
  const IngestReport report = ingest(cfg);
  ASSERT_GE(report.articles_inserted, 10);

  testing::Db db(dir_.path() / "newsd.db");
  const auto rows = db.rows(
      "SELECT count(DISTINCT at.article_id), min(at.score), max(at.score) FROM article_tags at "
      "WHERE at.source = 'model'");
  EXPECT_EQ(std::stoll(rows[0][0]), report.articles_inserted) << "every article gets one model tag";
  EXPECT_GT(std::stod(rows[0][1]), 0.0);
  EXPECT_LE(std::stod(rows[0][2]), 1.0);
}

TEST_F(EndToEnd, AModelThatCannotBeLoadedStopsStartUp) {
  testing::StaticServer server(kSamples);
  config::Config cfg = sample_config(server, dir_.path());
  cfg.classify.model = dir_.path() / "missing.bin";
  auto engine = Engine::start(cfg);
  ASSERT_FALSE(engine);
  EXPECT_NE(engine.error().message.find("missing.bin"), std::string::npos) << engine.error().message;
}

}  // namespace
}  // namespace newsd::ingest
