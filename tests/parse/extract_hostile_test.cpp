// extract_article() on pages written to hurt: nesting that would overflow a
// recursive walk, JSON-LD nested 100,000 deep, oversized fields and
// implausible dates (issue 10). Templates: tests/data/extract/hostile/.
#include <gtest/gtest.h>

#include <string>

#include "nested_fixture.hpp"
#include "newsd/parse/dates.hpp"
#include "newsd/parse/extract.hpp"
#include "parse/extract_test_util.hpp"

namespace newsd::parse {
namespace {

using testing::nested_fixture;
using testing::repeat;

ExtractedArticle extract(const std::string& page, std::string_view url = "https://news.example.com/a",
                         const config::LimitsConfig& limits = {},
                         std::optional<std::chrono::sys_seconds> now = std::nullopt) {
  auto result = extract_article(page, url, config::ExtractConfig{}, "", limits, now);
  EXPECT_TRUE(result) << result.error().message;
  return result ? std::move(*result) : ExtractedArticle{};
}

TEST(HostileExtract, DeepDivsAfterTheArticleLeaveItWhole) {
  const auto a = extract(nested_fixture("extract/hostile/deep-divs-after-article.html.in", "<div>", "</div>"));
  EXPECT_EQ(a.title, "Harbour reopens after storm");
  ASSERT_EQ(a.paragraphs.size(), 3u);
  EXPECT_TRUE(a.paragraphs[0].starts_with("The harbour reopened on Tuesday"));
  EXPECT_TRUE(a.paragraphs[2].ends_with("engineers have inspected it."));
}

TEST(HostileExtract, LongDescendantSelectorsOnDeepNestingDoNotBacktrackForever) {
  // Every <p> below 250 nested divs matches the last part and all divs the
  // middle ones; only "section"/"aside" fail, after every ancestor combination
  // unless misses are remembered.
  config::ExtractConfig cfg;
  cfg.sites.push_back({"news.example.com", {"section div div div div div p"}, {"aside div div div div div p"}});
  const auto page = nested_fixture("extract/hostile/deep-divs-after-article.html.in", "<div><p>x</p>", "</div>", 250);
  const auto a = extract_article(page, "https://news.example.com/a", cfg);
  ASSERT_TRUE(a);
  ASSERT_EQ(a->paragraphs.size(), 3u);  // no rule matched: the generic pass found the article
  EXPECT_TRUE(a->paragraphs[0].starts_with("The harbour reopened on Tuesday"));
}

TEST(HostileExtract, DeepJsonLdArrayIsIgnoredAndTheNextBlockRead) {
  const auto a = extract(nested_fixture("extract/hostile/deep-jsonld-array.html.in", "[", "]"));
  EXPECT_EQ(a.title, "Harbour reopens after storm");
  EXPECT_EQ(a.byline, "Dana Reyes");
  EXPECT_EQ(a.published, parse_date("2025-03-04T08:00:00Z"));
}

TEST(HostileExtract, DeepJsonLdGraphKeepsItsShallowObjects) {
  const auto a = extract(nested_fixture("extract/hostile/deep-jsonld-graph.html.in", R"({"@graph": [)", "]}"));
  EXPECT_EQ(a.title, "Harbour reopens after storm");
  EXPECT_EQ(a.published, parse_date("2025-03-04T08:00:00Z"));
}

TEST(HostileExtract, DatesOutsideThePlausibleWindowAreDropped) {
  const auto now = *parse_date("2025-06-01T12:00:00Z");
  const auto page = testing::read_data_file("extract/hostile/implausible-dates.html");
  const auto a = extract(page, "https://news.example.com/1985/01/02/harbour", {}, now);
  EXPECT_EQ(a.title, "Harbour reopens after storm");
  EXPECT_EQ(a.published, std::nullopt);  // 1900 in the page, 1985 in the URL
  EXPECT_EQ(a.updated, std::nullopt);    // 9999
}

TEST(ExtractLimits, TenMegabyteTitleIsCut) {
  const std::string page = "<html><head><meta property=\"og:title\" content=\"" + repeat("\xD8\xAE", 5'000'000) +
                           "\"></head><body><p>Short.</p></body></html>";
  const auto a = extract(page);
  ASSERT_TRUE(a.title);
  EXPECT_EQ(*a.title, repeat("\xD8\xAE", 1000));  // default title_chars, whole code points
}

TEST(ExtractLimits, TitleBylineAndTextHaveTheirCaps) {
  const auto page = testing::read_fixture(testing::extract_data("meta/jsonld-newsarticle.html"));
  const auto whole = extract(page, "https://ledger.example/business/grid");
  ASSERT_EQ(whole.paragraphs.size(), 2u);
  EXPECT_FALSE(whole.text_cut);

  config::LimitsConfig limits;
  limits.title_chars = 7;
  limits.byline_chars = 4;
  limits.article_chars = whole.paragraphs[0].size() + 2 + 10;  // ASCII: bytes are code points
  const auto a = extract(page, "https://ledger.example/business/grid", limits);
  EXPECT_EQ(a.title, whole.title->substr(0, 7));
  EXPECT_EQ(a.byline, whole.byline->substr(0, 4));
  EXPECT_TRUE(a.text_cut);
  ASSERT_EQ(a.paragraphs.size(), 2u);
  EXPECT_EQ(a.paragraphs[1], whole.paragraphs[1].substr(0, 10));
  EXPECT_EQ(a.text, whole.text.substr(0, limits.article_chars));

  limits.article_chars = whole.paragraphs[0].size() + 1;  // no room for the separator and a character
  const auto b = extract(page, "https://ledger.example/business/grid", limits);
  EXPECT_EQ(b.paragraphs, std::vector<std::string>{whole.paragraphs[0]});
  EXPECT_TRUE(b.text_cut);
}

}  // namespace
}  // namespace newsd::parse
