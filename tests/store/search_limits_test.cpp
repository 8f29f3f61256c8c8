// A search query has a bounded cost: too many terms or prefix terms are
// refused before the query runs, and a query that runs past its time budget
// is stopped. Both answer Errc::invalid_argument "query too expensive: …".
#include "query_cost.hpp"
#include "store_fixture.hpp"

namespace newsd::store::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string repeat(std::string_view word, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) {
    if (i > 0) out += ' ';
    out += word;
  }
  return out;
}

class SearchLimitsTest : public StoreTest {
 protected:
  Error search_error(Store& store, SearchQuery q) {
    auto hits = store.search(q);
    if (hits) {
      ADD_FAILURE() << "search succeeded: " << q.text;
      return {};
    }
    return hits.error();
  }
};

TEST(QueryCost, CountsWordsAndPrefixTermsAsFts5AndTheTokenizerSeeThem) {
  EXPECT_EQ(fts_query_cost("élections municipales").terms, 2);
  EXPECT_EQ(fts_query_cost("\"one two three\" four").terms, 4);
  EXPECT_EQ(fts_query_cost("a* \"b c\"* d").prefix_terms, 2);
  EXPECT_EQ(fts_query_cost("a* \"b c\"* d").terms, 4);
  // Operators and column names are not terms; a quoted "AND" is.
  EXPECT_EQ(fts_query_cost("title: maroc AND NOT \"AND\" OR {title text}: rabat").terms, 3);
  EXPECT_EQ(fts_query_cost("NEAR(maroc rabat, 5)").terms, 3);
  EXPECT_EQ(fts_query_cost("\"un \"\"mot\"\"\"*").prefix_terms, 1);
  EXPECT_EQ(fts_query_cost("* * (").prefix_terms, 0);
}

TEST_F(SearchLimitsTest, TwoHundredPrefixTermsAreRefusedBeforeTheyRun) {
  Store store = open_store();
  const auto feed = add_feed(store, "https://example.com/feed.xml");
  write(store, {article(feed, "https://example.com/a", "أخبار", "aaa abb acc المغرب والمغرب")});
  SearchQuery q;
  q.text = repeat("a*", 200);
  q.limits.time_budget = {};  // refused by the count alone, not by the clock
  const Error error = search_error(store, q);
  EXPECT_EQ(error.code, Errc::invalid_argument);
  EXPECT_EQ(error.message, "query too expensive: 200 prefix terms (word*), at most 8");
}

TEST_F(SearchLimitsTest, TooManyTermsOrBytesAreRefused) {
  Store store = open_store();
  SearchQuery q;
  q.text = repeat("word", 33);
  Error error = search_error(store, q);
  EXPECT_EQ(error.code, Errc::invalid_argument);
  EXPECT_EQ(error.message, "query too expensive: 33 terms, at most 32");

  q.text = "\"" + repeat("word", 40) + "\"";  // one phrase, forty words
  EXPECT_EQ(search_error(store, q).message, "query too expensive: 40 terms, at most 32");

  q.text = std::string(5000, 'x');
  error = search_error(store, q);
  EXPECT_EQ(error.code, Errc::invalid_argument);
  EXPECT_EQ(error.message, "query too expensive: 5000 bytes, at most 4096");

  q.text = repeat("word", 3);
  q.limits.max_terms = 2;
  EXPECT_THAT(search_error(store, q).message, StartsWith("query too expensive: 3 terms"));
}

TEST_F(SearchLimitsTest, AQueryWithinTheLimitsRuns) {
  Store store = open_store();
  const auto feed = add_feed(store, "https://example.com/feed.xml");
  const auto outcomes = write(store, {article(feed, "https://example.com/a", "Élections au Maroc",
                                              "Les élections municipales se tiennent à Rabat et à Casablanca.", "fr")});
  ASSERT_EQ(outcomes.size(), 1U);
  SearchQuery q;
  q.text = "rab* casa* élections " + repeat("maroc*", 6);
  EXPECT_EQ(query_ids(store, q).size(), 1U);
  q.text = repeat("élections", 32);
  EXPECT_EQ(query_ids(store, q).size(), 1U);
}

TEST_F(SearchLimitsTest, AQueryPastItsTimeBudgetIsStoppedWithAClearError) {
  Store store = open_store();
  const auto feed = add_feed(store, "https://example.com/feed.xml");
  // Several batches, so the index has several segments for every prefix to
  // be looked up in, and many words starting with each letter.
  for (int batch = 0; batch < 10; ++batch) {
    std::vector<ArticleRecord> records;
    for (int i = 0; i < 20; ++i) {
      const int n = batch * 20 + i;
      std::string text;
      for (int w = 0; w < 60; ++w)
        text += std::string(1, static_cast<char>('a' + (n + w) % 26)) + std::to_string(n * 131 + w * 7) + "x ";
      records.push_back(article(feed, "https://example.com/a/" + std::to_string(n), "t" + std::to_string(n), text));
    }
    write(store, records);
  }
  SearchQuery q;
  q.text = repeat("a*", 100);
  q.limits.max_prefix_terms = 1000;
  q.limits.max_terms = 1000;
  // Spent before the first check: the error does not depend on how fast
  // this machine runs the query.
  q.limits.time_budget = std::chrono::nanoseconds{1};
  const Error error = search_error(store, q);
  EXPECT_EQ(error.code, Errc::invalid_argument);
  EXPECT_THAT(error.message, StartsWith("query too expensive: "));
  EXPECT_THAT(error.message, HasSubstr("ran past its time budget"));

  // The handler is gone afterwards: the same Store answers the next query.
  q.limits = SearchLimits{};
  q.text = "a*";
  EXPECT_FALSE(query_ids(store, q).empty());
}

}  // namespace
}  // namespace newsd::store::testing
