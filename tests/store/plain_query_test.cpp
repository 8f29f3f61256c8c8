// The plain query syntax: words are text, only "phrase", prefix*, AND/OR/NOT
// and parentheses are syntax. First the FTS5 expression it builds (pure),
// then searches through a real database with the words that used to be
// FTS5 syntax errors, then hostile input.
#include "query_cost.hpp"
#include "query_parse.hpp"
#include "store_fixture.hpp"

namespace newsd::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

std::string fts(std::string_view plain) {
  auto built = plain_query_to_fts(plain);
  if (!built) return "error: " + built.error().message;
  return *built;
}

TEST(PlainQuery, EveryWordBecomesAnFts5StringAsTyped) {
  EXPECT_EQ(fts("air-defence F-16"), "\"air-defence\" AND \"F-16\"");
  EXPECT_EQ(fts("l'Algérie U.S. NATO's"), "\"l'Algérie\" AND \"U.S.\" AND \"NATO's\"");
  EXPECT_EQ(fts("والمغرب"), "\"والمغرب\"");
  EXPECT_EQ(fts("title:maroc"), "\"title:maroc\"");                                  // columns are --fts syntax
  EXPECT_EQ(fts("NEAR and or not"), "\"NEAR\" AND \"and\" AND \"or\" AND \"not\"");  // operators are upper case only
}

TEST(PlainQuery, ExplicitOperatorsAreSyntax) {
  EXPECT_EQ(fts("(maroc OR algérie) défense"), "(\"maroc\" OR \"algérie\") AND \"défense\"");
  EXPECT_EQ(fts("\"tir de missile\" maroc"), "\"tir de missile\" AND \"maroc\"");
  EXPECT_EQ(fts("négoc* \"cyber att\"*"), "\"négoc\"* AND \"cyber att\"*");
  EXPECT_EQ(fts("a OR b AND c NOT d"), "\"a\" OR \"b\" AND \"c\" NOT \"d\"");
  EXPECT_EQ(fts("(maroc OR algérie) AND (défense)"), "(\"maroc\" OR \"algérie\") AND (\"défense\")");
  EXPECT_EQ(fts("AND*"), "\"AND\"*");                // a prefix is a term
  EXPECT_EQ(fts("\"NOT\" x"), "\"NOT\" AND \"x\"");  // a quoted operator is a word
}

TEST(PlainQuery, NearJoinsTwoWordsOrPhrases) {
  EXPECT_EQ(fts("missile NEAR/3 test"), "NEAR(\"missile\" \"test\", 3)");
  EXPECT_EQ(fts("صاروخ NEAR/0 \"تجربة ناجحة\"*"), "NEAR(\"صاروخ\" \"تجربة ناجحة\"*, 0)");
  EXPECT_EQ(fts("x OR a NEAR/1 b NOT c"), "\"x\" OR NEAR(\"a\" \"b\", 1) NOT \"c\"");  // NEAR binds tightest
  EXPECT_EQ(fts("(a NEAR/2 b) OR c"), "(NEAR(\"a\" \"b\", 2)) OR \"c\"");
  EXPECT_EQ(fts("NEAR/x NEAR/"), "\"NEAR/x\" AND \"NEAR/\"");  // no distance: words
  EXPECT_EQ(fts("topic:defense"), "\"topic:defense\"");        // filters are for watches only
  EXPECT_THAT(fts("NEAR/3 test"), HasSubstr("NEAR/3 needs a term before it"));
  EXPECT_THAT(fts("missile NEAR/3"), HasSubstr("NEAR/3 needs a term after it"));
  EXPECT_THAT(fts("(a OR b) NEAR/2 c"), HasSubstr("NEAR/2 joins two words or phrases"));
  EXPECT_THAT(fts("a NEAR/2 b NEAR/2 c"), HasSubstr("NEAR/2 joins two words or phrases"));
  EXPECT_THAT(fts("a NEAR/101 b"), HasSubstr("NEAR/n takes a distance from 0 to 100"));
}

TEST(PlainQuery, WordsWithoutTextAreLeftOut) {
  EXPECT_EQ(fts("maroc - ; *"), "\"maroc\"");
  EXPECT_EQ(fts("a OR - b"), "\"a\" OR \"b\"");
  EXPECT_EQ(fts("() maroc ( )"), "\"maroc\"");
  EXPECT_EQ(fts("*"), "");  // nothing left: matches nothing
  EXPECT_EQ(fts("\"؟!\""), "");
}

TEST(PlainQuery, UnbalancedQuotesAndParenthesesAreForgiven) {
  EXPECT_EQ(fts("\"unterminated phrase"), "\"unterminated phrase\"");
  EXPECT_EQ(fts("maroc \"a b"), "\"maroc\" AND \"a b\"");
  EXPECT_EQ(fts("(maroc OR (rabat"), "(\"maroc\" OR (\"rabat\"))");
  EXPECT_EQ(fts("maroc) rabat))"), "\"maroc\" AND \"rabat\"");
  EXPECT_EQ(fts("5\"x"), "\"5\" AND \"x\"");  // a quote inside a word starts a phrase
}

TEST(PlainQuery, OperatorsWithoutTheirTermsAreErrors) {
  EXPECT_THAT(fts("NOT maroc"), HasSubstr("NOT needs a term before it"));
  EXPECT_THAT(fts("(NOT maroc)"), HasSubstr("NOT needs a term before it"));
  EXPECT_THAT(fts("OR"), HasSubstr("OR needs a term before it"));
  EXPECT_THAT(fts("maroc AND"), HasSubstr("AND needs a term after it"));
  EXPECT_THAT(fts("maroc OR NOT rabat"), HasSubstr("two operators in a row: OR NOT"));
}

TEST(PlainQuery, ControlCharactersAndNulSeparateWords) {
  using namespace std::string_literals;
  EXPECT_EQ(fts("maroc\0rabat"s), "\"maroc\" AND \"rabat\"");
  EXPECT_EQ(fts("\"maroc\0rabat\""s), "\"maroc rabat\"");
  EXPECT_EQ(fts("\0\0\x01\x7f"s), "");
}

TEST(PlainQuery, HostileOperatorFloodsFailCleanly) {
  std::string ops;
  for (int i = 0; i < 10000; ++i) ops += "AND ";
  EXPECT_THAT(fts("maroc " + ops + "rabat"), HasSubstr("two operators in a row: AND AND"));
  EXPECT_THAT(fts(ops), HasSubstr("AND needs a term before it"));
  std::string ors = "a";
  for (int i = 0; i < 10000; ++i) ors += " OR a";
  EXPECT_EQ(fts_query_cost(fts(ors)).terms, 10001);  // built; SearchLimits refuses it
  EXPECT_THAT(fts(std::string(10000, '(') + "a"), HasSubstr("parentheses nested more than 16 deep"));
  EXPECT_EQ(fts(std::string(16, '(') + "a"), std::string(16, '(') + "\"a\"" + std::string(16, ')'));
  EXPECT_EQ(fts(std::string(10000, ')')), "");
  EXPECT_EQ(fts(std::string(10000, '*')), "");
  EXPECT_EQ(fts(std::string(10000, '"')), "");
}

TEST(PlainQuery, TheBuiltExpressionIsWhatTheLimitsCount) {
  SearchLimits limits;
  SearchQuery q{.text = "a* b* c* d* e* f* g* h* i*", .limits = limits};
  auto expression = search_expression(q);
  ASSERT_FALSE(expression.has_value());
  EXPECT_EQ(expression.error().message, "query too expensive: 9 prefix terms (word*), at most 8");
  q.text = "NOT x";
  expression = search_expression(q);
  ASSERT_FALSE(expression.has_value());
  EXPECT_EQ(expression.error().code, Errc::invalid_argument);
  EXPECT_THAT(expression.error().message, HasSubstr("invalid search query 'NOT x': NOT needs a term before it"));
  q.text = std::string(limits.max_query_bytes + 1, 'x');
  EXPECT_THAT(search_expression(q).error().message, HasSubstr("bytes, at most 4096"));
  q = {.text = "title:maroc", .syntax = QuerySyntax::fts};
  EXPECT_EQ(*search_expression(q), "title:maroc");
}

class PlainSearchTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    store_.emplace(open_store());
    const auto feed = add_feed(*store_, "https://news.example/feed.xml");
    write(*store_, {
                       article(feed, "https://news.example/1", "New air-defence systems for Kyiv",
                               "The U.S. will send F-16 jets, NATO's chief said on Monday.", "en"),
                       article(feed, "https://news.example/2", "Visite officielle",
                               "Le président a rencontré l'Algérie et le Maroc lors du sommet.", "fr"),
                       article(feed, "https://news.example/3", "زيارة رسمية",
                               "وصل الوفد إلى الرباط والمغرب يستعد لاستقبال القمة.", "ar"),
                       article(feed, "https://news.example/4", "Air traffic", "Defence of the realm, not air.", "en"),
                   });
  }
  std::vector<std::int64_t> find(const std::string& query) { return ids(*store_, query); }
  std::optional<Store> store_;
};

TEST_F(PlainSearchTest, WordsThatWereFts5SyntaxErrorsFindTheirArticles) {
  EXPECT_THAT(find("air-defence"), ElementsAre(1));  // a phrase: article 4 has both words apart
  EXPECT_THAT(find("F-16"), ElementsAre(1));
  EXPECT_THAT(find("U.S."), ElementsAre(1));
  EXPECT_THAT(find("NATO's"), ElementsAre(1));
  EXPECT_THAT(find("l'Algérie"), ElementsAre(2));
  EXPECT_THAT(find("بالمغرب"), ElementsAre(3));
  EXPECT_THAT(find("\"air-defence systems\""), ElementsAre(1));
}

TEST_F(PlainSearchTest, OperatorsPrefixesAndGroupsWork) {
  EXPECT_THAT(find("air NOT jets"), ElementsAre(4));
  EXPECT_THAT(find("(maroc OR المغرب) visite"), ElementsAre(2));
  EXPECT_THAT(find("maroc OR المغرب"), UnorderedElementsAre(2, 3));
  EXPECT_THAT(find("defen*"), UnorderedElementsAre(1, 4));
  EXPECT_TRUE(find("*").empty());
}

TEST_F(PlainSearchTest, MisusedOperatorsAreInvalidArgument) {
  for (const char* bad : {"NOT air", "air OR", "air AND OR jets"}) {
    auto hits = store_->search({.text = bad});
    ASSERT_FALSE(hits.has_value()) << bad;
    EXPECT_EQ(hits.error().code, Errc::invalid_argument) << bad;
    EXPECT_THAT(hits.error().message, HasSubstr(bad));
  }
}

TEST_F(PlainSearchTest, PlainSnippetsCarryMatchOffsetsInCodePoints) {
  SearchQuery q{.text = "المغرب", .plain_snippets = true};
  auto hits = store_->search(q);
  ASSERT_TRUE(hits.has_value()) << hits.error().describe();
  ASSERT_EQ(hits->size(), 1u);
  const auto& hit = hits->front();
  EXPECT_EQ(hit.snippet.find('['), std::string::npos) << hit.snippet;
  ASSERT_EQ(hit.matches.size(), 1u);
  // "وصل الوفد إلى الرباط " is 21 code points; the match is "والمغرب" (7).
  EXPECT_EQ(hit.matches[0], std::make_pair(21, 7)) << hit.snippet;
}

TEST_F(PlainSearchTest, MarkerBytesInTheArticleTextCannotForgeMatches) {
  const auto feed = add_feed(*store_, "https://evil.example/feed.xml");
  write(*store_, {article(feed, "https://evil.example/1", "x", "\x01zzz\x02 quux \x01 quux\x02 end", "en")});
  auto hits = store_->search({.text = "quux", .plain_snippets = true});
  ASSERT_TRUE(hits.has_value()) << hits.error().describe();
  ASSERT_EQ(hits->size(), 1u);
  const auto& hit = hits->front();
  EXPECT_EQ(hit.snippet, "\x01zzz\x02 quux \x01 quux\x02 end");
  for (const auto& [start, length] : hit.matches) {
    EXPECT_GE(start, 0);
    EXPECT_LE(start + length, 22);
  }
  ASSERT_FALSE(hit.matches.empty());
  EXPECT_EQ(hit.matches[0], std::make_pair(6, 4));  // the first quux
}

}  // namespace
}  // namespace newsd::store::testing
