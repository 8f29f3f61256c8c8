// Pages whose libxml2 tree holds no article although the markup does (issue
// 14): markup after a stray document end (re-parsed with gumbo's HTML5 tree
// builder), React's streamed `<div hidden id="S:n">` content, a page a
// script reveals by dropping a "hide" class, and Alpine.js `@click` attributes
// that libxml2 cannot read (a `=>` in their value ended the tag and spilled
// the rest into the text). Fixtures:
// tests/data/extract/reparse/<name>.html with <name>.expected.txt.
#include <gtest/gtest.h>

#include <string>

#include "nested_fixture.hpp"
#include "parse/extract_test_util.hpp"

namespace newsd::parse {
namespace {

using testing::extract_data;
using testing::extract_fixture;
using testing::read_fixture;
using testing::repeat;

class HiddenOrMisNestedArticle : public ::testing::TestWithParam<const char*> {};

TEST_P(HiddenOrMisNestedArticle, ExtractsExactlyTheArticle) {
  const std::string name = GetParam();
  std::string expected = read_fixture(extract_data("reparse/" + name + ".expected.txt"));
  while (!expected.empty() && expected.back() == '\n') expected.pop_back();
  ASSERT_FALSE(expected.empty()) << name;
  EXPECT_EQ(extract_fixture("reparse/" + name + ".html").text, expected) << name;
}

INSTANTIATE_TEST_SUITE_P(Pages, HiddenOrMisNestedArticle,
                         ::testing::Values("ar-stray-document-end-before-article", "en-react-streamed-article",
                                           "fr-page-revealed-by-script", "en-alpine-event-attributes"));

const std::string kParagraph =
    "<p>The harbour authority reopened the northern quay on Tuesday after three weeks of repairs to the "
    "storm-damaged sea wall, allowing fishing boats to land their catch in town again.</p>";

TEST(Html5Reparse, KeepsAttributesAndUnknownElementsOfTheSecondTree) {
  // After the stray end only gumbo sees the article; the class on a custom
  // element must still mark it as the body and the comment box as boilerplate.
  const std::string page =
      "<html><body><div>Menu</div></body></html><x-story class=\"article-body\" data-a='1&amp;2'>" +
      repeat(kParagraph, 5) + "</x-story><div class=comments>" + repeat(kParagraph, 8) + "</div>";
  auto a = extract_article(page, {}, {});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->paragraphs.size(), 5u);
}

TEST(Html5Reparse, NestingDeeperThanLibxml2KeepsIsCutInTheSecondTreeToo) {
  // 300 nested divs: re-parsed (gumbo's cost grows with depth squared, so
  // only shallow pages are), and the copy into libxml2's tree stops at the
  // depth libxml2 allows: the paragraphs before the nesting are the article.
  const std::string page = "<html><body><div>Menu</div></body></html><div class=story>" + repeat(kParagraph, 5) +
                           "</div>" + repeat("<div><p>x</p>", 300) + std::string("\0\0<p>tail</p>", 13);
  auto a = extract_article(page, {}, {});
  ASSERT_TRUE(a);
  ASSERT_EQ(a->paragraphs.size(), 5u);
  EXPECT_TRUE(a->paragraphs[0].starts_with("The harbour authority reopened"));
}

TEST(Html5Reparse, DeeplyNestedPageIsNotParsedASecondTime) {
  // 100,000 nested divs would keep gumbo busy for hours; the page is answered
  // from libxml2's tree alone (no article) and at once.
  const std::string page = "<html><body><div>Menu</div></body></html>" + repeat(kParagraph, 5) +
                           repeat("<div><p>x</p>", testing::kHostileDepth);
  auto a = extract_article(page, {}, {});
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->paragraphs.empty());
}

TEST(Html5Reparse, APageWithoutArticleStaysEmptyAfterTheSecondParse) {
  const std::string page =
      "<html><body><nav>" + repeat("<p><a href=/x>Section link</a></p>", 20) + "</nav></body></html>";
  auto a = extract_article(page, {}, {});
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->paragraphs.empty());
  EXPECT_TRUE(a->text.empty());
}

TEST(SigilAttributes, TextScriptsAndQuotedValuesAreLeftAsTheyAre) {
  // "@handle" in text, in a script and in a quoted value are not attribute
  // names; only the tag's own `@click` is renamed.
  const std::string page =
      "<html><body><script>if (a<b @c) {}</script><article><p title=\" @x\" @click=\"() => go()\">Follow "
      "@harbourdesk for updates. " +
      kParagraph.substr(3, kParagraph.size() - 7) + "</p>" + repeat(kParagraph, 2) + "</article></body></html>";
  auto a = extract_article(page, {}, {});
  ASSERT_TRUE(a);
  ASSERT_EQ(a->paragraphs.size(), 3u);
  EXPECT_TRUE(a->paragraphs[0].starts_with("Follow @harbourdesk for updates. The harbour")) << a->paragraphs[0];
}

TEST(SigilAttributes, UnterminatedTagsAndCommentsAtTheEndOfThePage) {
  for (const std::string tail :
       {"<div @", "<div @click=\"x", "<div @click='", "<!-- <p @x", "<script> <a @b", "<p \t@", "<a href=x @"}) {
    const std::string page = "<html><body><article>" + repeat(kParagraph, 3) + "</article> @x " + tail;
    auto a = extract_article(page, {}, {});
    ASSERT_TRUE(a) << tail;
    EXPECT_EQ(a->paragraphs.size(), 3u) << tail;
  }
}

}  // namespace
}  // namespace newsd::parse
