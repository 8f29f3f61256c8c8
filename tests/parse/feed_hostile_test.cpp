// parse_feed() on feeds written to hurt: nesting deep enough to overflow a
// recursive walk, oversized values, too many entries, implausible dates and
// empty links (issue 10). Templates: tests/data/feeds/hostile/.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "nested_fixture.hpp"
#include "newsd/parse/dates.hpp"
#include "newsd/parse/feed.hpp"

namespace {

using newsd::parse::parse_feed;
using newsd::parse::ParsedFeed;
using newsd::parse::testing::kHostileDepth;
using newsd::parse::testing::nested_fixture;
using newsd::parse::testing::read_data_file;
using newsd::parse::testing::repeat;

std::vector<std::string> titles(const ParsedFeed& feed) {
  std::vector<std::string> out;
  for (const auto& e : feed.entries) out.push_back(e.title ? e.title->value : "");
  return out;
}

std::size_t count(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

bool valid_utf8_prefix_cut(const std::string& s) {
  return s.empty() || (static_cast<unsigned char>(s.back()) & 0xC0) != 0xC0;  // never ends on a lead byte
}

TEST(HostileFeed, DeepDescriptionKeepsItsTextAndTheOtherEntries) {
  const auto feed = parse_feed(nested_fixture("feeds/hostile/rss_deep_description.xml.in", "<div>", "</div>"),
                               "https://news.example.com/rss");
  EXPECT_EQ(titles(feed), (std::vector<std::string>{"Before", "Deep", "After"}));
  EXPECT_TRUE(feed.bozo);
  EXPECT_NE(feed.bozo_message.find("markup nested deeper than 128"), std::string::npos) << feed.bozo_message;
  ASSERT_TRUE(feed.entries[1].summary);
  const auto& summary = *feed.entries[1].summary;
  EXPECT_EQ(summary.type, "xhtml");
  EXPECT_EQ(count(summary.value, "<div>"), 128u);
  EXPECT_EQ(count(summary.value, "</div>"), 128u);
  EXPECT_EQ(newsd::parse::plain_text(summary), "Kept text.\n\nDeep text.");
}

TEST(HostileFeed, DeepAtomXhtmlContentKeepsItsTextAndTheOtherEntries) {
  const auto feed = parse_feed(nested_fixture("feeds/hostile/atom_deep_xhtml_content.xml.in", "<span>", "</span>"),
                               "https://news.example.com/atom");
  EXPECT_EQ(titles(feed), (std::vector<std::string>{"Before", "Deep", "After"}));
  EXPECT_TRUE(feed.bozo);
  ASSERT_EQ(feed.entries[1].content.size(), 1u);
  const auto& content = feed.entries[1].content[0];
  EXPECT_TRUE(content.value.starts_with("<p>Kept text.</p><span><span>")) << content.value.substr(0, 80);
  EXPECT_NE(content.value.find("<span>Deep text.</span></span>"), std::string::npos);
  EXPECT_EQ(count(content.value, "<span>"), 128u);
  EXPECT_EQ(newsd::parse::plain_text(content), "Kept text.\n\nDeep text.");
}

TEST(HostileFeed, DeepElementsInAGuidGiveTheirText) {
  const auto feed = parse_feed(nested_fixture("feeds/hostile/rss_deep_guid.xml.in", "<b>", "</b>"));
  EXPECT_EQ(titles(feed), (std::vector<std::string>{"Deep guid", "After"}));
  EXPECT_EQ(feed.entries[0].id, "urn:example:deep");
}

TEST(HostileFeed, NestedItemsAreReadDownToTheDepthLimit) {
  const auto feed =
      parse_feed(nested_fixture("feeds/hostile/rss_nested_items.xml.in", "<item><title>Nested</title>", "</item>"));
  ASSERT_EQ(feed.entries.size(), 1u + 257u);  // "Before", then nesting levels 0 to 256
  EXPECT_EQ(feed.entries.front().title->value, "Before");
  EXPECT_EQ(feed.entries.back().title->value, "Nested");
  EXPECT_TRUE(feed.bozo);
  EXPECT_NE(feed.bozo_message.find("entries nested deeper"), std::string::npos) << feed.bozo_message;
}

TEST(HostileFeed, NestedItemsPastTheEntryCapAreCountedNotRead) {
  newsd::config::LimitsConfig limits;
  limits.entries_per_feed = 10;
  const auto feed =
      parse_feed(nested_fixture("feeds/hostile/rss_nested_items.xml.in", "<item><title>Nested</title>", "</item>", 100),
                 "", "", limits);
  EXPECT_EQ(feed.entries.size(), 10u);
  EXPECT_EQ(feed.entries_dropped, 91u);  // 101 items, 10 read
  EXPECT_FALSE(feed.bozo);
}

TEST(HostileFeed, NestedChannelsAreReadDownToTheDepthLimit) {
  const auto feed = parse_feed(nested_fixture("feeds/hostile/rss_nested_channels.xml.in", "<channel>", "</channel>"));
  ASSERT_TRUE(feed.feed.title);
  EXPECT_EQ(feed.feed.title->value, "Example News");
  EXPECT_EQ(titles(feed), (std::vector<std::string>{"Before"}));
  EXPECT_TRUE(feed.bozo);
}

TEST(HostileFeed, UnclosedDeepNestingIsRecoveredUpToIt) {
  // Not well-formed: libxml2's recovery reads it and stops at its own depth
  // limit of 256, so "After" is lost but what came before survives.
  const auto feed = parse_feed(nested_fixture("feeds/hostile/rss_deep_unclosed.xml.in", "<div>", ""));
  EXPECT_TRUE(feed.bozo);
  ASSERT_GE(feed.entries.size(), 2u);
  EXPECT_EQ(feed.entries[0].title->value, "Before");
  EXPECT_EQ(feed.entries[1].title->value, "Deep");
}

TEST(HostileFeed, DeepJsonFeedValueIsDroppedAndTheItemsKept) {
  const auto feed = parse_feed(nested_fixture("feeds/hostile/json_feed_deep_array.json.in", "[", "]"));
  EXPECT_EQ(titles(feed), (std::vector<std::string>{"Before", "Deep", "After"}));
  EXPECT_TRUE(feed.bozo);
  EXPECT_NE(feed.bozo_message.find("JSON nested deeper than 64"), std::string::npos) << feed.bozo_message;
}

TEST(HostileFeed, DeepJsonFeedObjectIsDroppedAndTheItemsKept) {
  const auto feed = parse_feed(nested_fixture("feeds/hostile/json_feed_deep_array.json.in", "{\"a\":", "}"));
  EXPECT_EQ(titles(feed), (std::vector<std::string>{"Before", "Deep", "After"}));
  EXPECT_TRUE(feed.bozo);
}

std::string rss_with_items(std::size_t n) {
  std::string doc = "<rss version=\"2.0\"><channel><title>Many</title>";
  for (std::size_t i = 0; i < n; ++i)
    doc += "<item><title>" + std::to_string(i) + "</title><link>https://news.example.com/" + std::to_string(i) +
           "</link></item>";
  return doc + "</channel></rss>";
}

TEST(FeedLimits, EntriesPastTheCapAreCountedNotRead) {
  const auto feed = parse_feed(rss_with_items(1500));  // default cap: 1000
  ASSERT_EQ(feed.entries.size(), 1000u);
  EXPECT_EQ(feed.entries.front().title->value, "0");
  EXPECT_EQ(feed.entries.back().title->value, "999");
  EXPECT_EQ(feed.entries_dropped, 500u);
  EXPECT_FALSE(feed.bozo);

  newsd::config::LimitsConfig limits;
  limits.entries_per_feed = 3;
  const auto capped = parse_feed(rss_with_items(5), "", "", limits);
  EXPECT_EQ(titles(capped), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(capped.entries_dropped, 2u);
}

TEST(FeedLimits, JsonFeedEntriesPastTheCapAreCountedNotRead) {
  std::string doc = R"({"version": "https://jsonfeed.org/version/1.1", "title": "Many", "items": [)";
  for (int i = 0; i < 5; ++i) doc += (i ? "," : "") + std::string(R"({"id": ")") + std::to_string(i) + "\"}";
  doc += "]}";
  newsd::config::LimitsConfig limits;
  limits.entries_per_feed = 2;
  const auto feed = parse_feed(doc, "", "", limits);
  ASSERT_EQ(feed.entries.size(), 2u);
  EXPECT_EQ(feed.entries[1].id, "1");
  EXPECT_EQ(feed.entries_dropped, 3u);
}

TEST(FeedLimits, JsonFeedOfFortyThousandItemsIsReadInOnePass) {
  // nlohmann's parser-callback API rescans an array after each object in it:
  // quadratic, minutes for this 1 MB feed (found by feed_fuzzer).
  std::string doc = R"({"version": "https://jsonfeed.org/version/1.1", "items": [)";
  for (int i = 0; i < 40'000; ++i) doc += (i ? "," : "") + std::string(R"({"id": ")") + std::to_string(i) + "\"}";
  doc += "]}";
  const auto feed = parse_feed(doc);
  EXPECT_EQ(feed.entries.size(), 1000u);
  EXPECT_EQ(feed.entries_dropped, 39'000u);
  EXPECT_FALSE(feed.bozo);
}

TEST(FeedLimits, TenMegabyteTitleIsCutAtACodePointBoundary) {
  const std::string title = repeat("\xC3\xA9", 5'000'000);  // "é": 10 MB
  const auto feed = parse_feed("<rss version=\"2.0\"><channel><title>" + title + "</title><item><title>a" + title +
                               "</title><link>https://news.example.com/1</link></item></channel></rss>");
  ASSERT_TRUE(feed.feed.title);
  EXPECT_EQ(feed.feed.title->value, repeat("\xC3\xA9", 1000));  // default title_chars
  EXPECT_LE(feed.feed.title->value.capacity(), 4096u);
  ASSERT_EQ(feed.entries.size(), 1u);
  EXPECT_EQ(feed.entries[0].title->value, "a" + repeat("\xC3\xA9", 999));
  EXPECT_TRUE(valid_utf8_prefix_cut(feed.entries[0].title->value));
}

TEST(FeedLimits, EveryFieldHasItsCap) {
  newsd::config::LimitsConfig limits;
  limits.title_chars = 5;
  limits.byline_chars = 4;
  limits.article_chars = 6;
  const std::string doc =
      "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Feed title</title><subtitle>Feed subtitle</subtitle>"
      "<entry><id>urn:1</id><title>خبر عاجل</title><summary>Summary text</summary>"
      "<content type=\"html\">&lt;p&gt;Long&lt;/p&gt;</content><author><name>Author Name</name></author>"
      "<category term=\"Category\" label=\"Category label\"/></entry></feed>";
  const auto feed = parse_feed(doc, "", "", limits);
  EXPECT_EQ(feed.feed.title->value, "Feed ");
  EXPECT_EQ(feed.feed.subtitle->value, "Feed s");
  ASSERT_EQ(feed.entries.size(), 1u);
  const auto& e = feed.entries[0];
  EXPECT_EQ(e.title->value, "خبر ع");  // five code points, ten-odd bytes
  EXPECT_EQ(e.summary->value, "Summar");
  EXPECT_EQ(e.content[0].value, "<p>Lon");
  ASSERT_EQ(e.authors.size(), 1u);
  EXPECT_EQ(e.authors[0].name, "Auth");
  ASSERT_EQ(e.categories.size(), 1u);
  EXPECT_EQ(e.categories[0].term, "Categ");
  EXPECT_EQ(e.categories[0].label, "Categ");
  EXPECT_EQ(e.id, "urn:1");
}

TEST(FeedLimits, DatesOutsideThePlausibleWindowAreDroppedAndEntriesKept) {
  const auto now = *newsd::parse::parse_date("2025-06-01T12:00:00Z");
  const auto feed = parse_feed(read_data_file("feeds/hostile/rss_implausible_dates.xml"), "", "", {}, now);
  EXPECT_FALSE(feed.feed.updated);  // 1970
  ASSERT_EQ(feed.entries.size(), 5u);
  EXPECT_FALSE(feed.entries[0].published);  // 9999
  EXPECT_FALSE(feed.entries[1].published);  // 1900
  EXPECT_FALSE(feed.entries[1].updated);    // dc:date 1900
  EXPECT_EQ(feed.entries[2].published, newsd::parse::parse_date("2025-06-02T09:00:00Z"));
  EXPECT_FALSE(feed.entries[3].published);  // a week ahead
  EXPECT_EQ(feed.entries[4].published, newsd::parse::parse_date("2024-06-01T09:00:00Z"));
}

// Neither `link` nor any `links[]`: above all not the feed's own URL.
template <class Item>
void expect_no_link(const Item& item, std::string_view what) {
  EXPECT_FALSE(item.link) << what << ": " << *item.link;
  EXPECT_TRUE(item.links.empty()) << what << ": " << item.links.front().href;
}

TEST(FeedLinks, EmptyRssLinkIsNoLink) {
  const auto feed = parse_feed(read_data_file("feeds/hostile/rss_empty_links.xml"), "https://news.example.com/rss");
  ASSERT_EQ(feed.entries.size(), 5u);
  for (int i = 0; i < 3; ++i) expect_no_link(feed.entries[i], feed.entries[i].title->value);
  EXPECT_EQ(feed.entries[3].link, "https://news.example.com/4");  // the permalink guid
  EXPECT_TRUE(feed.entries[4].enclosures.empty());
  ASSERT_EQ(feed.entries[4].links.size(), 1u);
  EXPECT_EQ(feed.entries[4].links[0].href, "https://news.example.com/5");
  EXPECT_FALSE(feed.bozo);
}

TEST(FeedLinks, EmptyAtomHrefIsNoLink) {
  const auto feed = parse_feed(read_data_file("feeds/hostile/atom_empty_hrefs.xml"), "https://news.example.com/atom");
  expect_no_link(feed.feed, "feed");
  ASSERT_EQ(feed.entries.size(), 3u);
  expect_no_link(feed.entries[0], "entry 0");
  EXPECT_EQ(feed.entries[1].link, "https://news.example.com/2");
  ASSERT_EQ(feed.entries[2].authors.size(), 1u);
  EXPECT_EQ(feed.entries[2].authors[0].name, "A. Writer");
  EXPECT_FALSE(feed.entries[2].authors[0].uri);
}

TEST(FeedLinks, EmptyJsonFeedUrlIsNoLink) {
  const auto feed = parse_feed(read_data_file("feeds/hostile/json_feed_empty_urls.json"), "https://news.example.com/j");
  expect_no_link(feed.feed, "feed");
  ASSERT_EQ(feed.entries.size(), 1u);
  expect_no_link(feed.entries[0], "entry");
  EXPECT_TRUE(feed.entries[0].enclosures.empty());
}

// Charset labels and IRIs come from the document too (issue 14).
std::string rss_declared_as(std::string_view label, std::string_view title_bytes) {
  return "<?xml version=\"1.0\" encoding=\"" + std::string(label) +
         "\"?>\n<rss version=\"2.0\"><channel><title>T</title><item><title>" + std::string(title_bytes) +
         "</title></item></channel></rss>";
}

TEST(HostileFeed, UnusableCharsetLabelsInThePrologFallBackToUtf8AndAreBozo) {
  for (const std::string& label : {std::string(100, 'k'), std::string("KOI8-T//TRANSLIT"), std::string("//"),
                                   std::string("ibm-1140,swaplfnl"), std::string("maciceland")}) {
    const auto feed = parse_feed(rss_declared_as(label, "caf\xC3\xA9"), "https://news.example.com/rss");
    EXPECT_TRUE(feed.bozo) << label.substr(0, 20);
    EXPECT_EQ(feed.encoding, "utf-8") << label.substr(0, 20);
    ASSERT_EQ(feed.entries.size(), 1u);
    EXPECT_EQ(feed.entries[0].title->value, "café");
  }
}

TEST(HostileFeed, BytesAnIconvCodePageLacksBecomeReplacementCharacters) {
  // KOI8-T (glibc iconv only) has no character at 0x88 or 0xA0.
  const auto feed = parse_feed(rss_declared_as("KOI8-T", "\xE4\x88\xA0\xC1"), "https://news.example.com/rss");
  EXPECT_TRUE(feed.bozo);
  EXPECT_EQ(feed.encoding, "koi8-t");
  ASSERT_EQ(feed.entries.size(), 1u);
  EXPECT_EQ(feed.entries[0].title->value,
            "Д\xEF\xBF\xBD\xEF\xBF\xBD"
            "а");
}

TEST(HostileFeed, MegabyteIriBaseIsPercentEncodedWhole) {
  std::string segment;
  for (int i = 0; i < 200000; ++i) segment += "\xD8\xA3";  // U+0623, 400 KB
  const std::string doc =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" "
      "xml:base=\"https://news.example.com/" +
      segment + "/\"><title>T</title><entry><title>E</title><link href=\"a\"/></entry></feed>";
  const auto feed = parse_feed(doc, "https://news.example.com/atom");
  ASSERT_EQ(feed.entries.size(), 1u);
  ASSERT_TRUE(feed.entries[0].link);
  const std::string& link = *feed.entries[0].link;
  EXPECT_TRUE(link.starts_with("https://news.example.com/%D8%A3%D8%A3")) << link.substr(0, 80);
  EXPECT_TRUE(link.ends_with("%D8%A3/a")) << link.substr(link.size() - 40);
  EXPECT_EQ(count(link, "%D8%A3"), 200000u);
}

}  // namespace
