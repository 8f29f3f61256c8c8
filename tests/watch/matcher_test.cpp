// The watch matcher on article texts: Arabic-aware words (clitics, hamza,
// tashkeel, plurals), French stems, phrases, AND/OR/NOT, NEAR/n, prefixes
// and the filters. Pure: no database.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "newsd/watch/watch_set.hpp"

namespace newsd::watch {
namespace {

// True when the one watch `query` matches the article.
bool matches(std::string_view query, std::string_view title, std::string_view text, const ArticleFacts& facts = {}) {
  auto set = WatchSet::compile({{"w", std::string(query), "w"}});
  EXPECT_TRUE(set.has_value()) << query << ": " << (set ? "" : set.error().message);
  if (!set) return false;
  return !set->match(ArticleTerms(title, text), facts).empty();
}

TEST(WatchMatcher, ArabicWordsMatchThroughCliticsPluralsAndSpellings) {
  EXPECT_TRUE(matches("طائرات", "", "نفذت القوات مناورة وبالطائرات الحربية"));  // و + ب + ال attached
  EXPECT_TRUE(matches("طائرة", "", "نفذت القوات مناورة وبالطائرات الحربية"));   // singular finds the plural
  EXPECT_TRUE(matches("المغرب", "", "زار الوزير والمغرب يستعد"));
  EXPECT_TRUE(matches("الجزائر", "", "وصل الوفد إلى الجَزائِر أمس"));  // tashkeel
  EXPECT_TRUE(matches("أمن", "", "اجتماع حول الامن الاقليمي"));      // hamza on alef
  EXPECT_TRUE(matches("مناورات", "", "انطلاق المناورة العسكرية"));   // sound feminine plural
  EXPECT_FALSE(matches("طائرات", "", "نفذت القوات مناورة بحرية"));
}

TEST(WatchMatcher, FrenchAndEnglishWordsMatchTheirInflections) {
  // Texts of 96 bytes or more are stemmed in their own language, as the search index does.
  const std::string french =
      "Les négociations reprennent à Alger entre les deux délégations, a annoncé l'Algérie hier soir.";
  EXPECT_TRUE(matches("négocier", "", french));
  EXPECT_TRUE(matches("Algérie", "", french));
  EXPECT_TRUE(matches("drone", "", "Algeria buys Chinese drones"));
  EXPECT_FALSE(matches("drone", "", "Algeria buys Chinese tanks"));
}

TEST(WatchMatcher, BooleanOperatorsFollowSearchPrecedence) {
  const std::string q = "drones AND (Morocco OR Algeria)";
  EXPECT_TRUE(matches(q, "Algeria buys drones", ""));
  EXPECT_TRUE(matches(q, "", "Morocco tests drones"));
  EXPECT_FALSE(matches(q, "Drones over Paris", ""));
  EXPECT_FALSE(matches(q, "Morocco holds elections", ""));
  // NOT binds tighter than OR: a OR (b NOT c).
  EXPECT_TRUE(matches("tanks OR cyber NOT ransomware", "", "tanks and ransomware"));
  EXPECT_FALSE(matches("tanks OR cyber NOT ransomware", "", "cyber ransomware"));
  EXPECT_TRUE(matches("cyber NOT ransomware", "", "cyber espionage"));
  // Terms side by side are all required.
  EXPECT_FALSE(matches("Morocco drones", "Morocco holds elections", ""));
}

TEST(WatchMatcher, PhrasesNeedTheirWordsInOrderAndInOneColumn) {
  EXPECT_TRUE(matches("\"missile test\"", "", "a missile test was held"));
  EXPECT_TRUE(matches("\"تجربة صاروخية\"", "", "أجرت البلاد وتجربة صاروخية جديدة"));
  EXPECT_FALSE(matches("\"missile test\"", "", "a test of the missile"));
  EXPECT_FALSE(matches("\"missile test\"", "new missile", "test flights"));  // title, then text
}

TEST(WatchMatcher, NearCountsTheWordsBetweenInEitherOrder) {
  const std::string text = "the missile was fired in a successful test";  // 5 words between
  EXPECT_TRUE(matches("missile NEAR/5 test", "", text));
  EXPECT_FALSE(matches("missile NEAR/4 test", "", text));
  EXPECT_TRUE(matches("test NEAR/5 missile", "", text));
  EXPECT_TRUE(matches("\"missile was\" NEAR/4 test", "", text));  // from the phrase's end
  EXPECT_FALSE(matches("\"missile was\" NEAR/3 test", "", text));
  EXPECT_TRUE(matches("طائرات NEAR/2 المغرب", "", "وبالطائرات المسيرة يعزز المغرب"));
  EXPECT_FALSE(matches("missile NEAR/50 test", "missile", "test"));  // never across title and text
  EXPECT_TRUE(matches("missile NEAR/0 fired", "", "fired missile"));
}

TEST(WatchMatcher, PrefixWordsMatchEveryWordTheyBegin) {
  EXPECT_TRUE(matches("cyber*", "", "a cyberattack hit the ministry"));
  EXPECT_TRUE(matches("\"missile te\"*", "", "missile testing"));
  EXPECT_FALSE(matches("cyber*", "", "a network attack"));
}

TEST(WatchMatcher, FiltersReadTheTagsLanguageAndFeed) {
  ArticleFacts facts;
  facts.lang = "fr";
  facts.topics = {"defense", "cyber"};
  facts.countries = {"MA"};
  facts.feed_url = "https://example.org/feed.xml";
  facts.feed_name = "Maghreb Defense";
  EXPECT_TRUE(matches("topic:defense", "", "", facts));
  EXPECT_TRUE(matches("topic:Defense AND country:ma", "", "", facts));
  EXPECT_FALSE(matches("topic:diplomacy", "", "", facts));
  EXPECT_FALSE(matches("country:DZ", "", "", facts));
  EXPECT_TRUE(matches("missile lang:fr", "", "un missile", facts));
  EXPECT_FALSE(matches("missile lang:ar", "", "un missile", facts));
  EXPECT_TRUE(matches("feed:https://example.org/feed.xml", "", "", facts));
  EXPECT_TRUE(matches("feed:\"maghreb defense\"", "", "", facts));  // the configured name, quoted
  EXPECT_FALSE(matches("feed:https://example.org/other.xml OR feed:Maghreb", "", "", facts));
  EXPECT_TRUE(matches("missile NOT country:DZ", "", "missile", facts));
  facts.lang = "fr-CA";
  EXPECT_TRUE(matches("lang:fr", "", "", facts));
}

TEST(WatchMatcher, EveryMatchingWatchIsReportedOnceInConfigOrder) {
  auto set = WatchSet::compile({{"algeria", "Algeria", "dz"},
                                {"drones", "drones AND (Morocco OR Algeria)", "drones"},
                                {"cyber", "cyber*", "cyber"},
                                {"elections", "elections", "elections"}});
  ASSERT_TRUE(set.has_value());
  EXPECT_THAT(set->match(ArticleTerms("Algeria buys drones", "drones drones Algeria"), {}),
              ::testing::ElementsAre(0, 1));
  EXPECT_THAT(set->match(ArticleTerms("", "cyber attack in Algeria"), {}), ::testing::ElementsAre(0, 2));
  EXPECT_TRUE(set->match(ArticleTerms("", ""), {}).empty());
}

// The daemon builds an article's terms from the tokens it made for the
// tagger and the index: the same terms, at the same positions, as from the
// texts themselves.
TEST(ArticleTerms, FromSharedTokensAreTheTermsOfTheTexts) {
  const std::string title = "المغرب والجزائر: محادثات الحدود";
  const std::string text =
      "Les négociations entre le Maroc et l'Algérie reprendront à Genève, a annoncé le ministère des affaires "
      "étrangères, qui évoque des discussions difficiles sur la frontière.";
  const ArticleTerms from_texts(title, text);
  const ArticleTerms from_tokens(store::article_tokens(title, text));
  EXPECT_EQ(from_tokens.terms(), from_texts.terms());
  EXPECT_FALSE(from_texts.terms().empty());
}

}  // namespace
}  // namespace newsd::watch
