// Search filters, ordering, paging and FTS5 syntax errors.
#include "store_fixture.hpp"

namespace newsd::store::testing {
namespace {

using classify::TagKind;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class SearchTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    store_.emplace(open_store());
    const auto ar = add_feed(*store_, "https://ar.example/feed", "Arabic wire");
    const auto fr = add_feed(*store_, "https://fr.example/feed");
    auto a1 = article(ar, "https://ar.example/1", "هجوم سيبراني على وزارة", "تعرضت شبكات حكومية لهجوم سيبراني واسع");
    a1.tags = {tag("cyber", TagKind::topic, 0.9), tag("MA", TagKind::country)};
    a1.published_at = day(2026, 11, 1);
    auto a2 = article(ar, "https://ar.example/2", "مناورات عسكرية", "مناورات عسكرية وهجوم سيبراني افتراضي");
    a2.tags = {tag("defense"), tag("cyber", TagKind::topic, 0.4), tag("DZ", TagKind::country)};
    a2.published_at = day(2026, 11, 10);
    auto a3 = article(fr, "https://fr.example/3", "Cyberattaque contre un ministère",
                      "Une cyberattaque a visé le ministère de la défense", "fr");
    a3.tags = {tag("cyber"), tag("defense"), tag("FR", TagKind::country)};
    a3.published_at.reset();  // dated by its fetch time
    a3.fetched_at = day(2026, 11, 15);
    write(*store_, {a1, a2, a3});
  }
  std::optional<Store> store_;
};

TEST_P(SearchTest, EmptyTextListsEverythingNewestFirst) {
  EXPECT_THAT(query_ids(*store_, SearchQuery{}), ElementsAre(3, 2, 1));
  auto hits = store_->search({});
  ASSERT_TRUE(hits.has_value());
  EXPECT_EQ((*hits)[0].snippet, "Une cyberattaque a visé le ministère de la défense");
  EXPECT_EQ((*hits)[0].feed_name, "https://fr.example/feed");  // no name, no title: the url
  EXPECT_EQ((*hits)[1].feed_name, "Arabic wire");
  EXPECT_THAT((*hits)[1].tags, ElementsAre("DZ", "defense", "cyber"));
}

TEST_P(SearchTest, AllTagsMustMatch) {
  EXPECT_THAT(query_ids(*store_, {.tags = {"cyber"}}), ElementsAre(3, 2, 1));
  EXPECT_THAT(query_ids(*store_, {.tags = {"cyber", "defense"}}), ElementsAre(3, 2));
  EXPECT_THAT(query_ids(*store_, {.tags = {"CYBER", "Defense"}}), ElementsAre(3, 2));  // case-insensitive
  EXPECT_TRUE(query_ids(*store_, {.tags = {"cyber", "nuclear"}}).empty());
}

TEST_P(SearchTest, CountryLanguageAndFeedFilters) {
  EXPECT_THAT(query_ids(*store_, {.country = "dz"}), ElementsAre(2));
  EXPECT_TRUE(query_ids(*store_, {.country = "cyber"}).empty());  // a topic is not a country
  EXPECT_THAT(query_ids(*store_, {.lang = "fr"}), ElementsAre(3));
  EXPECT_THAT(query_ids(*store_, {.feed_url = "https://ar.example/feed"}), ElementsAre(2, 1));
}

TEST_P(SearchTest, DateRangeUsesPublicationElseFetchDate) {
  EXPECT_THAT(query_ids(*store_, {.since = day(2026, 11, 5, 0)}), ElementsAre(3, 2));
  EXPECT_THAT(query_ids(*store_, {.until = day(2026, 11, 10, 0)}), ElementsAre(1));
  EXPECT_THAT(query_ids(*store_, {.since = day(2026, 11, 12, 0), .until = day(2026, 11, 16, 0)}), ElementsAre(3));
}

TEST_P(SearchTest, TextCombinesWithFiltersAndSortOrders) {
  // Both Arabic articles mention a cyber attack; the first in its title.
  EXPECT_THAT(query_ids(*store_, {.text = "هجوم سيبراني"}), ElementsAre(1, 2));
  EXPECT_THAT(query_ids(*store_, {.text = "هجوم سيبراني", .sort = SortOrder::date}), ElementsAre(2, 1));
  EXPECT_THAT(query_ids(*store_, {.text = "هجوم سيبراني", .tags = {"defense"}}), ElementsAre(2));
  EXPECT_THAT(query_ids(*store_, {.text = "cyberattaque", .lang = "fr"}), ElementsAre(3));
}

// Text queries take another statement shape (a ranked page of ids, then
// columns and snippets): every filter and paging must hold there too.
TEST_P(SearchTest, TextQueriesHonourEveryFilterAndPage) {
  const std::string text = "هجوم سيبراني";
  EXPECT_THAT(query_ids(*store_, {.text = text, .feed_url = "https://ar.example/feed"}), ElementsAre(1, 2));
  EXPECT_TRUE(query_ids(*store_, {.text = text, .feed_url = "https://fr.example/feed"}).empty());
  EXPECT_THAT(query_ids(*store_, {.text = text, .country = "dz"}), ElementsAre(2));
  EXPECT_THAT(query_ids(*store_, {.text = text, .since = day(2026, 11, 5, 0)}), ElementsAre(2));
  EXPECT_THAT(query_ids(*store_, {.text = text, .until = day(2026, 11, 5, 0)}), ElementsAre(1));
  EXPECT_THAT(query_ids(*store_, {.text = text, .limit = 1}), ElementsAre(1));
  EXPECT_THAT(query_ids(*store_, {.text = text, .limit = 1, .offset = 1}), ElementsAre(2));
  EXPECT_THAT(query_ids(*store_, {.text = text, .limit = 1, .offset = 1, .sort = SortOrder::date}), ElementsAre(1));
  auto hits = store_->search({.text = text, .sort = SortOrder::date});
  ASSERT_TRUE(hits.has_value()) << hits.error().describe();
  ASSERT_EQ(hits->size(), 2u);
  EXPECT_NE((*hits)[0].snippet.find("[سيبراني]"), std::string::npos) << (*hits)[0].snippet;
  // Each snippet comes from its own article (the tokenizer reuses the last
  // text it tokenized for snippets; a stale reuse would show here).
  EXPECT_NE((*hits)[0].snippet.find("افتراضي"), std::string::npos) << (*hits)[0].snippet;
  EXPECT_NE((*hits)[1].snippet.find("وزارة"), std::string::npos) << (*hits)[1].snippet;
  EXPECT_THAT((*hits)[0].tags, ElementsAre("DZ", "defense", "cyber"));
}

TEST_P(SearchTest, LimitAndOffsetPage) {
  EXPECT_THAT(query_ids(*store_, {.limit = 2}), ElementsAre(3, 2));
  EXPECT_THAT(query_ids(*store_, {.limit = 2, .offset = 2}), ElementsAre(1));
  EXPECT_TRUE(query_ids(*store_, {.limit = 2, .offset = 9}).empty());
}

TEST_P(SearchTest, FtsSyntaxErrorsAreInvalidArgumentNotCrashes) {
  for (const char* bad : {"\"unterminated", "AND", "(هجوم", "nosuchcolumn:x", "a NEAR(", "*", "title:"}) {
    auto hits = store_->search({.text = bad, .syntax = QuerySyntax::fts});
    ASSERT_FALSE(hits.has_value()) << bad;
    if (GetParam() == Backend::postgresql) {  // no FTS5 syntax at all
      EXPECT_EQ(hits.error().code, Errc::unsupported) << bad;
      continue;
    }
    EXPECT_EQ(hits.error().code, Errc::invalid_argument) << bad;
    EXPECT_NE(hits.error().message.find(bad), std::string::npos) << hits.error().message;
  }
  // The store is still usable.
  EXPECT_THAT(ids(*store_, "cyberattaque"), ElementsAre(3));
}

TEST_P(SearchTest, QueriesOfOnlyPunctuationMatchNothing) { EXPECT_TRUE(ids(*store_, "\"؟!\"").empty()); }

NEWSD_ON_BOTH_BACKENDS(SearchTest);

}  // namespace
}  // namespace newsd::store::testing
