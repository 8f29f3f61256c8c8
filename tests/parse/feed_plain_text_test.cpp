#include <gtest/gtest.h>

#include "newsd/parse/feed.hpp"

namespace newsd::parse {
namespace {

TEST(PlainText, TextValuesAreReturnedUnchanged) {
  EXPECT_EQ(plain_text({"Tom &amp; <Jerry>", "text"}), "Tom &amp; <Jerry>");
}

TEST(PlainText, HtmlEntitiesAreDecodedAndTagsDropped) {
  EXPECT_EQ(plain_text({"Feed &amp; <b>bold</b> title", "html"}), "Feed & bold title");
  EXPECT_EQ(plain_text({"المغرب &#8211; إسرائيل", "html"}), "المغرب – إسرائيل");
}

TEST(PlainText, BlocksBecomeParagraphsAndScriptsVanish) {
  EXPECT_EQ(plain_text({"<p>One\n  two.</p><script>var x = 1;</script><p>Three<br>four</p>", "html"}),
            "One two.\n\nThree\nfour");
  EXPECT_EQ(plain_text({"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Inline</p> XHTML</div>", "xhtml"}),
            "Inline\n\nXHTML");
}

TEST(PlainText, NoBreakSpacesCollapseLikeOtherWhitespace) {
  EXPECT_EQ(plain_text({"<p>Rabat&nbsp;&nbsp; et\u00a0Tunis</p>", "html"}), "Rabat et Tunis");
}

TEST(PlainText, BrokenMarkupStillGivesItsText) {
  EXPECT_EQ(plain_text({"<p>unclosed <b>bold", "html"}), "unclosed bold");
  EXPECT_EQ(plain_text({"", "html"}), "");
}

}  // namespace
}  // namespace newsd::parse
