// OPML import/export (cli/src/opml.*): the parser on real and hostile files.
#include "opml.hpp"

#include <gtest/gtest.h>

#include "cli_run.hpp"

namespace newsd::cli::opml {
namespace {

namespace fs = std::filesystem;
const fs::path kData = fs::path(NEWSD_TEST_DATA) / "cli/opml";

using testing::read_file;

TEST(Opml, ReadsFeedsWithFoldersAndCategoriesAsTags) {
  auto doc = read(read_file(kData / "subscriptions.opml"));
  ASSERT_TRUE(doc) << doc.error().message;
  ASSERT_EQ(doc->feeds.size(), 4u);
  const Outline& hespress = doc->feeds[0];
  EXPECT_EQ(hespress.url, "https://www.hespress.com/feed");
  EXPECT_EQ(hespress.name, "هسبريس");
  EXPECT_EQ(hespress.site_url, "https://www.hespress.com/");
  EXPECT_EQ(hespress.tags, (std::vector<std::string>{"morocco", "news", "politics", "Maghreb"}));
  EXPECT_EQ(doc->feeds[1].tags, (std::vector<std::string>{"Maghreb", "Defense"}));
  EXPECT_EQ(doc->feeds[1].name, "Menadefense");
  // `text` only repeating the URL is no name.
  EXPECT_EQ(doc->feeds[2].name, "");
  EXPECT_EQ(doc->feeds[3].url, "HTTPS://Cyber.example.fr/atom");
  EXPECT_TRUE(doc->skipped.empty());
}

TEST(Opml, WriteThenReadGivesTheSameFeeds) {
  std::vector<config::FeedConfig> feeds(3);
  feeds[0].url = "https://www.hespress.com/feed";
  feeds[0].name = "هسبريس \"quoted\" & <angled>";
  feeds[0].site_url = "https://www.hespress.com/";
  feeds[0].tags = {"morocco", "défense"};
  feeds[1].url = "https://example.org/no-name.xml?a=1&b=2";
  feeds[2].url = "file:///srv/feeds/local.xml";
  feeds[2].name = "Local";
  const std::string text = write(feeds, "newsd feeds");
  EXPECT_NE(text.find("<opml version=\"2.0\">"), std::string::npos) << text;
  auto back = read(text);
  ASSERT_TRUE(back) << back.error().message << "\n" << text;
  ASSERT_EQ(back->feeds.size(), feeds.size());
  for (std::size_t i = 0; i < feeds.size(); ++i) {
    EXPECT_EQ(back->feeds[i].url, feeds[i].url);
    EXPECT_EQ(back->feeds[i].name, feeds[i].name);
    EXPECT_EQ(back->feeds[i].site_url, feeds[i].site_url);
    EXPECT_EQ(back->feeds[i].tags, feeds[i].tags);
  }
}

TEST(Opml, EntityBombIsRefusedUnexpanded) {
  const std::string bytes = read_file(kData / "entity_bomb.opml");
  auto doc = read(bytes);
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().code, Errc::parse);
  EXPECT_NE(doc.error().message.find("DOCTYPE"), std::string::npos) << doc.error().message;
}

TEST(Opml, ExternalDoctypeIsRefused) {
  auto doc = read(read_file(kData / "doctype_external.opml"));
  ASSERT_FALSE(doc);
  EXPECT_NE(doc.error().message.find("DOCTYPE"), std::string::npos) << doc.error().message;
}

TEST(Opml, OtherXmlAndGarbageAreRefused) {
  auto rss = read(read_file(kData / "not_opml.xml"));
  ASSERT_FALSE(rss);
  EXPECT_NE(rss.error().message.find("root is not <opml>"), std::string::npos) << rss.error().message;
  EXPECT_FALSE(read(""));
  EXPECT_FALSE(read("\x00\xff\xfe garbage <opml"));
  EXPECT_FALSE(read("<opml version=\"2.0\"><head/></opml>"));                // no body
  EXPECT_FALSE(read("<opml><body><outline xmlUrl=\"https://a/\"></body>"));  // unclosed
}

TEST(Opml, HugeFileIsRefusedBeforeParsing) {
  const std::string huge = "<opml><body>" + std::string(kMaxBytes, ' ') + "</body></opml>";
  auto doc = read(huge);
  ASSERT_FALSE(doc);
  EXPECT_EQ(doc.error().code, Errc::too_large);
}

TEST(Opml, DeepNestingIsCutWithoutRecursion) {
  std::string text = "<opml version=\"2.0\"><body>";
  constexpr int kLevels = 100'000;
  for (int i = 0; i < kLevels; ++i) text += "<outline text=\"f\">";
  text += "<outline xmlUrl=\"https://example.org/deep.xml\"/>";
  for (int i = 0; i < kLevels; ++i) text += "</outline>";
  text += "<outline xmlUrl=\"https://example.org/shallow.xml\"/></body></opml>";
  auto doc = read(text);
  ASSERT_TRUE(doc) << doc.error().message;
  ASSERT_EQ(doc->feeds.size(), 1u);
  EXPECT_EQ(doc->feeds[0].url, "https://example.org/shallow.xml");
  ASSERT_EQ(doc->skipped.size(), 1u);
  EXPECT_NE(doc->skipped[0].find("nested deeper"), std::string::npos);
}

TEST(Opml, FeedCountIsCapped) {
  std::string text = "<opml version=\"2.0\"><body>";
  for (std::size_t i = 0; i < kMaxFeeds + 5; ++i) {
    text += "<outline xmlUrl=\"https://example.org/" + std::to_string(i) + ".xml\"/>";
  }
  text += "</body></opml>";
  auto doc = read(text);
  ASSERT_TRUE(doc) << doc.error().message;
  EXPECT_EQ(doc->feeds.size(), kMaxFeeds);
  ASSERT_EQ(doc->skipped.size(), 1u);
}

}  // namespace
}  // namespace newsd::cli::opml
