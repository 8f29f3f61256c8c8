#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

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

// Text without markup skips the HTML parser; what it returns must be what the
// parser would have made of it, and text the shortcut must not take (control
// characters, invalid UTF-8) still reaches the parser. An empty <b></b> sends the same text through
// libxml2 without adding any text of its own.
TEST(PlainText, TextWithoutMarkupReadsAsTheHtmlParserReadsIt) {
  const std::vector<std::string> pieces = {"a", "Rabat", " ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u2028", "\u3000",
                                           "\u200a", "\u0085", "المغرب", "é", "'", "\"", ">", ";", "\U0001F600",
                                           // what the parser alone handles: control characters, bad UTF-8
                                           "\x01", "\x7f", "\xe9", "\xd8"};
  std::mt19937 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::string value;
    const int n = static_cast<int>(rng() % 12);
    for (int i = 0; i < n; ++i) value += pieces[rng() % pieces.size()];
    const std::string through_parser = plain_text({value + "<b></b>", "html"});
    EXPECT_EQ(plain_text({value, "html"}), through_parser) << "value: [" << value << "]";
  }
}

}  // namespace
}  // namespace newsd::parse
