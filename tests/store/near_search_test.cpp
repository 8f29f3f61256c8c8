// `a NEAR/n b` in the plain search syntax: at most n words between the two,
// in either order, within one column (title or text), phrases and prefixes
// included. SQLite runs it as FTS5's NEAR; PostgreSQL as the tsquery
// query_parse.cpp writes (an OR of exact distances). NearSearchTest states
// the answers on both backends; NearParityTest checks PostgreSQL against
// SQLite's own answers (hits and snippets) over a generated archive, query
// by query.
#include <algorithm>
#include <cstdint>
#include <map>

#include "store_fixture.hpp"

namespace newsd::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class NearSearchTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    store_ = open_store();
    const auto feed = add_feed(*store_, "https://example.com/feed");
    write(*store_,
          {
              article(feed, "https://example.com/1", "Report", "The missile test failed. Another missile flew.", "en"),
              article(feed, "https://example.com/2", "Report", "A test of the missile.", "en"),
              article(feed, "https://example.com/3", "Report", "The missile was, after years, tested.", "en"),
              article(feed, "https://example.com/4", "Missile", "Test results are due.", "en"),
              article(feed, "https://example.com/5", "صاروخ", "أجرى الجيش تجربة ناجحة للصاروخ الجديد", "ar"),
          });
  }

  std::vector<std::int64_t> sorted_ids(const std::string& text) {
    auto out = ids(*store_, text);
    std::sort(out.begin(), out.end());
    return out;
  }

  std::optional<Store> store_;
};

TEST_P(NearSearchTest, AtMostNWordsBetweenInEitherOrder) {
  EXPECT_THAT(sorted_ids("missile NEAR/0 test"), ElementsAre(1));
  EXPECT_THAT(sorted_ids("test NEAR/0 missile"), ElementsAre(1));
  EXPECT_THAT(sorted_ids("missile NEAR/1 test"), ElementsAre(1));
  EXPECT_THAT(sorted_ids("missile NEAR/2 test"), ElementsAre(1, 2));
  EXPECT_THAT(sorted_ids("test NEAR/2 missile"), ElementsAre(1, 2));
  // 2: "test of the missile", two words between; 3: "missile was after
  // years tested", three.
  EXPECT_THAT(sorted_ids("missile NEAR/3 test"), ElementsAre(1, 2, 3));
}

TEST_P(NearSearchTest, NeverAcrossTheTitleAndTheText) {
  // 4 has "Missile" as its whole title and "Test" opening its text.
  EXPECT_THAT(sorted_ids("missile NEAR/50 test"), ElementsAre(1, 2, 3));
  EXPECT_THAT(sorted_ids("missile test"), ElementsAre(1, 2, 3, 4));
}

TEST_P(NearSearchTest, PhrasesPrefixesArabicAndOtherOperators) {
  EXPECT_THAT(sorted_ids("\"missile test\" NEAR/0 failed"), ElementsAre(1));
  EXPECT_THAT(sorted_ids("\"the missile\" NEAR/1 test"), ElementsAre(1, 2));
  EXPECT_THAT(sorted_ids("miss* NEAR/0 test"), ElementsAre(1));
  // Clitics as in any search: للصاروخ is a form of صاروخ. The title's
  // صاروخ is in another column than the text's تجربة.
  EXPECT_THAT(sorted_ids("صاروخ NEAR/1 تجربة"), ElementsAre(5));
  EXPECT_THAT(sorted_ids("صاروخ NEAR/0 تجربة"), IsEmpty());
  EXPECT_THAT(sorted_ids("missile NEAR/2 test NOT failed"), ElementsAre(2));
  EXPECT_THAT(sorted_ids("missile NEAR/0 test OR صاروخ NEAR/1 تجربة"), ElementsAre(1, 5));
  // A word near itself is the word.
  EXPECT_THAT(sorted_ids("failed NEAR/0 failed"), ElementsAre(1));
}

TEST_P(NearSearchTest, SnippetsMarkTheNearInstancesOnly) {
  SearchQuery q;
  q.text = "missile NEAR/0 test";
  auto hits = store_->search(q);
  ASSERT_TRUE(hits) << hits.error().describe();
  ASSERT_EQ(hits->size(), 1u);
  // Only the instances that make the NEAR are marked, not the far "missile".
  EXPECT_EQ(hits->front().snippet, "The [missile] [test] failed. Another missile flew.");
}

NEWSD_ON_BOTH_BACKENDS(NearSearchTest);

// A small deterministic generator: the same archive on every run.
class Lcg {
 public:
  std::uint32_t next(std::uint32_t bound) {
    state_ = state_ * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(state_ >> 33) % bound;
  }

 private:
  std::uint64_t state_ = 20261130;
};

std::string random_words(Lcg& rng, std::uint32_t min, std::uint32_t max) {
  static const char* const kWords[] = {"red", "green", "blue", "gold", "cat", "cat", "cat"};
  std::string out;
  const std::uint32_t count = min + rng.next(max - min + 1);
  for (std::uint32_t i = 0; i < count; ++i) {
    if (!out.empty()) out += ' ';
    out += kWords[rng.next(std::size(kWords))];
  }
  return out;
}

class NearParityTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    server_ = newsd::testing::PgServer::get();
    ASSERT_NE(server_, nullptr);
    database_ = "newsd_near_" + std::to_string(::getpid());
    config::StoreConfig pg;
    pg.backend = config::StoreBackend::postgresql;
    pg.url = server_->create_database(database_);
    auto opened = Store::open(pg);
    ASSERT_TRUE(opened) << opened.error().describe();
    pg_.emplace(std::move(*opened));
    sqlite_.emplace(open_store());
    // 80 short texts over four colours and a filler word: every distance
    // and order of every pair occurs, in titles and in texts.
    Lcg rng;
    std::vector<ArticleRecord> batch;
    const auto feed_pg = add_feed(*pg_, "https://example.com/feed");
    const auto feed_sqlite = add_feed(*sqlite_, "https://example.com/feed");
    ASSERT_EQ(feed_pg, feed_sqlite);
    for (int i = 0; i < 80; ++i) {
      batch.push_back(article(feed_pg, "https://example.com/" + std::to_string(i), random_words(rng, 1, 3),
                              random_words(rng, 3, 12) + " n" + std::to_string(i), "en"));
    }
    write(*sqlite_, batch);
    write(*pg_, batch);
  }
  void TearDown() override {
    pg_.reset();
    if (server_ != nullptr) server_->drop_database(database_);
    StoreTest::TearDown();
  }

  /// Every hit's snippet by article id (the two rankings differ in scale, not in what matches).
  std::map<std::int64_t, std::string> all_hits(Store& store, const std::string& text) {
    SearchQuery q;
    q.text = text;
    q.limit = 1000;
    std::map<std::int64_t, std::string> out;
    auto hits = store.search(q);
    EXPECT_TRUE(hits) << text << ": " << hits.error().describe();
    if (hits) {
      for (const auto& hit : *hits) out.emplace(hit.id, hit.snippet);
    }
    return out;
  }

  newsd::testing::PgServer* server_ = nullptr;
  std::string database_;
  std::optional<Store> pg_, sqlite_;
};

TEST_F(NearParityTest, PostgresqlFindsWhatSqliteFindsForEveryDistanceOrderAndShape) {
  std::vector<std::string> queries;
  const char* const sides[] = {"red", "green", "blue", "\"red green\"", "\"green blue cat\"", "gre*", "\"cat red\"*"};
  for (const char* a : sides) {
    for (const char* b : sides) {
      for (int n : {0, 1, 2, 4}) queries.push_back(std::string(a) + " NEAR/" + std::to_string(n) + " " + b);
    }
  }
  queries.insert(queries.end(), {"gold AND red NEAR/1 blue", "red NEAR/1 blue NOT gold", "(red NEAR/0 red) OR gold",
                                 "red NEAR/100 blue", "\"red green blue\" NEAR/0 \"blue gold\""});
  int matched = 0;
  for (const auto& q : queries) {
    const auto expected = all_hits(*sqlite_, q);
    EXPECT_EQ(all_hits(*pg_, q), expected) << q;
    if (!expected.empty() && expected.size() < 80) ++matched;
  }
  // The archive tells distances apart: most queries select some articles, not all or none.
  EXPECT_GT(matched, static_cast<int>(queries.size()) / 2);
}

}  // namespace
}  // namespace newsd::store::testing
