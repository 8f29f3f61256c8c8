#include "newsd/fetch/robots.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "support/files.hpp"

namespace newsd::fetch {
namespace {

std::string robots_fixture(const std::string& name) {
  std::string text = newsd::testing::read_file(std::string(NEWSD_TEST_DATA) + "/fetch/robots/" + name);
  EXPECT_FALSE(text.empty()) << name;
  return text;
}

TEST(RobotsProductToken, TakesTheLeadingToken) {
  EXPECT_EQ(robots_product_token("newsd/0.1 (+https://github.com/newsd/newsd)"), "newsd");
  EXPECT_EQ(robots_product_token("  my_crawler-2 extra"), "my_crawler-2");
  EXPECT_EQ(robots_product_token("(odd)"), "");
}

TEST(Robots, SpecificGroupWinsOverStar) {
  const auto rules = RobotsRules::parse(robots_fixture("groups.txt"), "newsd-test");
  EXPECT_FALSE(rules.allowed("/secret"));
  EXPECT_FALSE(rules.allowed("/secret/plans"));
  EXPECT_TRUE(rules.allowed("/secret/ok"));  // longer Allow beats shorter Disallow
  EXPECT_TRUE(rules.allowed("/secret/ok/deeper"));
  EXPECT_TRUE(rules.allowed("/private/x"));  // the '*' group is not ours
  EXPECT_TRUE(rules.allowed("/"));
}

TEST(Robots, StarGroupAppliesToUnnamedCrawlers) {
  const auto rules = RobotsRules::parse(robots_fixture("groups.txt"), "unlisted");
  EXPECT_FALSE(rules.allowed("/private"));
  EXPECT_FALSE(rules.allowed("/private/x?y=1"));
  EXPECT_TRUE(rules.allowed("/secret/plans"));
}

TEST(Robots, NoMatchingGroupAllowsEverything) {
  const auto rules = RobotsRules::parse("User-agent: otherbot\nDisallow: /\n", "newsd");
  EXPECT_TRUE(rules.allowed("/anything"));
  EXPECT_EQ(rules.rule_count(), 0u);
}

TEST(Robots, WildcardsAndEndAnchor) {
  const auto rules = RobotsRules::parse(robots_fixture("wildcards.txt"), "newsd");
  EXPECT_FALSE(rules.allowed("/files/report.pdf"));
  EXPECT_TRUE(rules.allowed("/files/report.pdf?download=1"));  // '$' anchors the end
  EXPECT_TRUE(rules.allowed("/files/report.pdfx"));
  EXPECT_FALSE(rules.allowed("/search?lang=ar&q=cyber"));
  EXPECT_TRUE(rules.allowed("/search?lang=ar"));
  EXPECT_FALSE(rules.allowed("/tmp/x"));
  EXPECT_TRUE(rules.allowed("/tmp/public"));
  EXPECT_FALSE(rules.allowed("/tmp/public/more"));  // the Allow is anchored
}

TEST(Robots, ArabicPatternsMatchPercentEncodedUrls) {
  const auto rules = RobotsRules::parse(robots_fixture("arabic_paths.txt"), "newsd");
  // "/أخبار/خاص/1" as it appears on the wire.
  EXPECT_FALSE(rules.allowed("/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/%D8%AE%D8%A7%D8%B5/1"));
  EXPECT_FALSE(rules.allowed("/%d8%a3%d8%ae%d8%a8%d8%a7%d8%b1/%d8%ae%d8%a7%d8%b5"));  // lower-case escapes
  EXPECT_FALSE(rules.allowed("/ملف/1"));  // raw UTF-8 path against an encoded pattern
  EXPECT_TRUE(rules.allowed("/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/"));
}

TEST(Robots, UnreservedEscapesAreDecodedBeforeMatching) {
  const auto rules = RobotsRules::parse("User-agent: *\nDisallow: /news\n", "newsd");
  EXPECT_FALSE(rules.allowed("/%6Eews/1"));  // %6E is 'n'
}

TEST(Robots, GroupsNamingUsAreMergedAndSharedAgentLinesCount) {
  const auto rules = RobotsRules::parse(robots_fixture("merged_groups.txt"), "newsd");
  EXPECT_FALSE(rules.allowed("/a"));
  EXPECT_FALSE(rules.allowed("/b/1"));
  EXPECT_TRUE(rules.allowed("/c"));  // the '*' Disallow: / is not ours
  EXPECT_EQ(rules.rule_count(), 2u);
}

TEST(Robots, CrlfCommentsAndUnknownLinesAreTolerated) {
  const auto rules = RobotsRules::parse(robots_fixture("crlf_and_noise.txt"), "newsd");
  EXPECT_FALSE(rules.allowed("/crlf/page"));
  EXPECT_TRUE(rules.allowed("/other"));
  EXPECT_EQ(rules.rule_count(), 1u);
}

TEST(Robots, CrawlDelayComesFromTheGroupThatApplies) {
  const std::string text = robots_fixture("crawl_delay.txt");
  EXPECT_EQ(RobotsRules::parse(text, "newsd-test").crawl_delay(), std::chrono::milliseconds(2500));
  EXPECT_EQ(RobotsRules::parse(text, "otherbot").crawl_delay(), std::chrono::seconds(10));
  EXPECT_FALSE(RobotsRules::parse(text, "sloppybot").crawl_delay());  // not a number: ignored
  EXPECT_FALSE(RobotsRules::parse(robots_fixture("groups.txt"), "newsd-test").crawl_delay());
  EXPECT_FALSE(RobotsRules::parse(text, "newsd-test").allowed("/private/x"));  // rules still apply
}

TEST(Robots, EmptyDisallowAllowsEverything) {
  const auto rules = RobotsRules::parse("User-agent: *\nDisallow:\n", "newsd");
  EXPECT_TRUE(rules.allowed("/"));
  EXPECT_TRUE(rules.allowed("/x"));
}

TEST(Robots, EqualLengthTieGoesToAllow) {
  const auto rules = RobotsRules::parse("User-agent: *\nDisallow: /page\nAllow: /page\n", "newsd");
  EXPECT_TRUE(rules.allowed("/page"));
}

TEST(Robots, RobotsTxtItselfIsAlwaysAllowed) {
  const auto rules = RobotsRules::parse("User-agent: *\nDisallow: /\n", "newsd");
  EXPECT_FALSE(rules.allowed("/"));
  EXPECT_TRUE(rules.allowed("/robots.txt"));
}

TEST(Robots, AllowAllAndDisallowAll) {
  EXPECT_TRUE(RobotsRules::allow_all().allowed("/x"));
  EXPECT_FALSE(RobotsRules::disallow_all().allowed("/x"));
  EXPECT_FALSE(RobotsRules::disallow_all().allowed("/"));
}

TEST(Robots, PathologicalWildcardPatternStaysFast) {
  // Exponential backtracking would make this test hang.
  std::string pattern = "/";
  for (int i = 0; i < 40; ++i) pattern += "*a";
  pattern += "b";
  const auto rules = RobotsRules::parse("User-agent: *\nDisallow: " + pattern + "\n", "newsd");
  EXPECT_TRUE(rules.allowed("/" + std::string(2000, 'a')));
}

TEST(Robots, OnlyTheFirst500KiBAreRead) {
  std::string text = "User-agent: *\n";
  while (text.size() < 600 * 1024) text += "Allow: /filler-line-that-means-nothing\n";
  text += "Disallow: /late\n";
  const auto rules = RobotsRules::parse(text, "newsd");
  EXPECT_TRUE(rules.allowed("/late"));
}

}  // namespace
}  // namespace newsd::fetch
