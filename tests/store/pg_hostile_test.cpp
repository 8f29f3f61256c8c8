// What a feed, a page or a search box can send the store, on both backends:
// bytes PostgreSQL's text type refuses, lexemes and queries full of the
// tsvector/tsquery syntax characters, a text far past tsvector's limits.
#include <set>

#include "newsd/store/query.hpp"
#include "store_fixture.hpp"

namespace newsd::store::testing {
namespace {

using ::testing::ElementsAre;

class HostileInputTest : public BackendTest {};

TEST_P(HostileInputTest, NulBytesAndInvalidUtf8AreStoredAndSearchable) {
  auto store = open_store();
  const auto feed = add_feed(store, std::string("https://a.example/feed\xff", 23));
  auto rec = article(feed, "https://a.example/1", std::string("nul\0title", 9),
                     std::string("broken \xc3\x28 bytes and a \0 nul inside the souvenir text", 48), "fr");
  rec.tags = {tag(std::string("bad\xfftag", 7))};
  ASSERT_THAT(write(store, {rec}), ElementsAre(UpsertOutcome::inserted));
  EXPECT_THAT(ids(store, "souvenir"), ElementsAre(1));
  auto view = store.article(1);
  ASSERT_TRUE(view.has_value() && view->has_value());
  EXPECT_NE((*view)->text.find("souvenir"), std::string::npos);
}

TEST_P(HostileInputTest, QuerySyntaxCharactersAreWordsNotOperators) {
  auto store = open_store();
  const auto feed = add_feed(store, "https://a.example/feed");
  write(store, {article(feed, "https://a.example/1", "L'Algérie et l'OTAN",
                        "Un texte sur l'Algérie, avec des ' et des \\ et : * & | ! <-> dedans.", "fr")});
  for (const char* query : {"l'Algérie", "'", "\\", "a:*", "&", "| !", "<->", "x' | 'y", "'':*", "\\'",
                            "\"l'Algérie\"*", "(((", ")))", "NOT", "\"\"", "a & !b"}) {
    auto hits = store.search({.text = query});
    if (!hits) {
      EXPECT_EQ(hits.error().code, Errc::invalid_argument) << query << ": " << hits.error().describe();
    }
  }
  EXPECT_THAT(ids(store, "l'Algérie"), ElementsAre(1));
  EXPECT_THAT(ids(store, "x' | 'y"), ElementsAre());
}

TEST_P(HostileInputTest, AHugeTextIsStoredAndItsStartStaysSearchable) {
  auto store = open_store();
  const auto feed = add_feed(store, "https://a.example/feed");
  std::string text = "beginning ";
  for (int i = 0; i < 60'000; ++i) text += "word" + std::to_string(i % 5000) + " repeated ";
  text += std::string(5000, 'x') + " ";  // one lexeme past PostgreSQL's 2 KiB
  ASSERT_THAT(write(store, {article(feed, "https://a.example/1", "huge", text, "en")}),
              ElementsAre(UpsertOutcome::inserted));
  EXPECT_THAT(ids(store, "beginning"), ElementsAre(1));
  EXPECT_THAT(ids(store, "word42"), ElementsAre(1));
}

// The widest NEAR a search box may send, as many times as the term limit
// allows: PostgreSQL writes each as an OR over every offset in both orders
// and both columns, so this is its largest tsquery. It answers, or it is
// stopped by the time budget with the usual error; either way the next
// query is answered.
TEST_P(HostileInputTest, TheWidestNearsTheLimitsAllowAnswerOrStopWithinTheBudget) {
  auto store = open_store();
  const auto feed = add_feed(store, "https://a.example/feed");
  std::string text = "alpha";
  for (int i = 0; i < 60; ++i) text += " filler" + std::to_string(i);
  text += " beta";
  write(store, {article(feed, "https://a.example/1", "wide", text, "en")});
  std::string query;
  const int pairs = SearchLimits{}.max_terms / 3;  // word, distance, word
  for (int i = 0; i + 1 < pairs; ++i) query += "w" + std::to_string(i) + " NEAR/100 v" + std::to_string(i) + " OR ";
  query += "alpha NEAR/" + std::to_string(kMaxNearDistance) + " beta";
  auto hits = store.search({.text = query});
  if (hits) {
    ASSERT_EQ(hits->size(), 1u);
    EXPECT_EQ(hits->front().id, 1);
  } else {
    EXPECT_EQ(hits.error().code, Errc::invalid_argument) << hits.error().describe();
    EXPECT_THAT(hits.error().message, ::testing::StartsWith("query too expensive: "));
  }
  EXPECT_THAT(ids(store, "alpha NEAR/0 filler0"), ElementsAre(1));
}

// The PostgreSQL writer sends a record's tags as array literals: no tag
// name may be read as their syntax (quotes, backslashes, braces, commas,
// an unquoted NULL), on a new article or on one a duplicate is attached to.
TEST_P(HostileInputTest, TagNamesWithArraySyntaxAreStoredAsWritten) {
  auto store = open_store();
  const auto feed = add_feed(store, "https://a.example/feed");
  const std::vector<std::string> names = {"a\"b", "back\\slash", "{x,y}", "NULL", "a,b", " spaced ", "\\\"", "}{"};
  auto first = article(feed, "https://a.example/1", "title", "a text about hostile tag names", "en");
  auto second = article(feed, "https://a.example/1", "title", "a text about hostile tag names", "en");
  for (const auto& name : names) first.tags.push_back(tag(name, classify::TagKind::topic, 0.1 + 1e-9));
  second.tags = {tag("NULL", classify::TagKind::country), tag("{x,y}", classify::TagKind::topic, 0.5)};
  ASSERT_THAT(write(store, {first, second}), ElementsAre(UpsertOutcome::inserted, UpsertOutcome::updated));
  auto view = store.article(1);
  ASSERT_TRUE(view.has_value() && view->has_value());
  std::multiset<std::string> stored;
  for (const auto& t : (*view)->tags) {
    stored.insert(t.name + "/" + t.kind);
    if (t.name == "a\"b") EXPECT_EQ(t.score, 0.1 + 1e-9);  // the score read back exactly
  }
  std::multiset<std::string> expected = {"NULL/country"};
  for (const auto& name : names) expected.insert(name + "/topic");
  EXPECT_EQ(stored, expected);
}

NEWSD_ON_BOTH_BACKENDS(HostileInputTest);

}  // namespace
}  // namespace newsd::store::testing
