// The selector subset of per-site rules (html_select.hpp).
#include <gtest/gtest.h>

#include "newsd/parse/html_select.hpp"

namespace newsd::parse {
namespace {

TEST(SelectorParse, CompoundsAndCombinators) {
  auto s = parse_selector("article.post.main > div#body [data-role=\"text\"], .story p");
  ASSERT_TRUE(s) << s.error().describe();
  ASSERT_EQ(s->alternatives.size(), 2u);
  const auto& first = s->alternatives[0].parts;
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].tag, "article");
  EXPECT_EQ(first[0].classes, (std::vector<std::string>{"post", "main"}));
  EXPECT_EQ(first[1].tag, "div");
  EXPECT_EQ(first[1].id, "body");
  EXPECT_TRUE(first[1].child_of_previous);
  EXPECT_FALSE(first[2].child_of_previous);
  ASSERT_EQ(first[2].attrs.size(), 1u);
  EXPECT_EQ(first[2].attrs[0].name, "data-role");
  EXPECT_EQ(first[2].attrs[0].value, "text");
  EXPECT_EQ(first[2].attrs[0].op, AttrTest::Op::equals);
  EXPECT_EQ(s->alternatives[1].parts.size(), 2u);
}

TEST(SelectorParse, AttributeOperators) {
  auto s = parse_selector("[itemprop~=articleBody][class^=art][id*=main][hidden]");
  ASSERT_TRUE(s);
  const auto& attrs = s->alternatives[0].parts[0].attrs;
  ASSERT_EQ(attrs.size(), 4u);
  EXPECT_EQ(attrs[0].op, AttrTest::Op::word);
  EXPECT_EQ(attrs[1].op, AttrTest::Op::prefix);
  EXPECT_EQ(attrs[2].op, AttrTest::Op::contains);
  EXPECT_EQ(attrs[3].op, AttrTest::Op::exists);
}

TEST(SelectorParse, TagNamesAreCaseInsensitive) {
  auto s = parse_selector("DIV.Story");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->alternatives[0].parts[0].tag, "div");
  EXPECT_EQ(s->alternatives[0].parts[0].classes[0], "Story");
}

TEST(SelectorParse, RejectsWhatIsOutsideTheSubset) {
  for (auto bad :
       {"", "  ", "div:first-child", "a + b", "a ~ b", "> p", "p >", "[x", "[x=\"y]", ".", "#", "a,,b", "[x|=y]"}) {
    auto s = parse_selector(bad);
    EXPECT_FALSE(s) << bad;
    if (!s) {
      EXPECT_EQ(s.error().code, Errc::invalid_argument);
    }
  }
}

}  // namespace
}  // namespace newsd::parse
