#include "newsd/ingest/article_builder.hpp"

#include <gtest/gtest.h>

#include "newsd/ingest/engine_rules.hpp"
#include "newsd/parse/url.hpp"

namespace newsd::ingest {
namespace {

using std::chrono::sys_seconds;

parse::Entry entry_with(std::optional<std::string> link, std::optional<std::string> id) {
  parse::Entry e;
  e.link = std::move(link);
  e.id = std::move(id);
  e.title = parse::TextConstruct{"Feed &amp; title", "html"};
  e.summary = parse::TextConstruct{"<p>Short <b>summary</b> of the story.</p>", "html"};
  e.published = sys_seconds{std::chrono::seconds{1'700'000'000}};
  e.authors.push_back({"Feed Author", std::nullopt, std::nullopt});
  return e;
}

// The entry as plan_entries() hands it over: its address decided once.
NewEntry planned(std::int64_t feed_id, parse::Entry entry) {
  auto address = entry_address(feed_id, entry);
  if (!address) throw std::runtime_error("entry without an address");
  std::string canonical = parse::canonicalize_url(address->url);
  return {std::move(entry), std::move(*address), std::move(canonical)};
}

TEST(ArticleBuilder, ArticleUrlPrefersTheLinkThenAWebId) {
  EXPECT_EQ(article_url(entry_with("https://a.example/1", "tag:x")), "https://a.example/1");
  EXPECT_EQ(article_url(entry_with(std::nullopt, "https://a.example/2")), "https://a.example/2");
  EXPECT_EQ(article_url(entry_with(std::nullopt, "tag:example.com,2025:3")), std::nullopt);
}

TEST(ArticleBuilder, PageValuesWinAndCanonicalUrlIsNormalised) {
  parse::ExtractedArticle page;
  page.title = "Page title";
  page.byline = "Page Author";
  page.canonical_url = "https://A.example/story/?utm_source=rss";
  page.paragraphs = {"Body one.", "Body two."};
  page.text = "Body one.\n\nBody two.";
  const auto r = build_record(7, planned(7, entry_with("https://a.example/story?x=1", "guid-1")), page,
                              "https://a.example/story?x=1", sys_seconds{std::chrono::seconds{1'800'000'000}});
  EXPECT_EQ(r.feed_id, 7);
  EXPECT_EQ(r.title, "Page title");
  EXPECT_EQ(r.byline, "Page Author");
  EXPECT_EQ(r.canonical_url, "https://a.example/story");
  EXPECT_EQ(r.guid, "guid-1");
  EXPECT_EQ(r.text, "Body one.\n\nBody two.");
  EXPECT_EQ(r.published_at, sys_seconds{std::chrono::seconds{1'700'000'000}});
}

TEST(ArticleBuilder, WithoutAPageTheEntryTextAndTitleAreUsed) {
  const auto r =
      build_record(1, planned(1, entry_with("https://a.example/3", std::nullopt)), std::nullopt, "", sys_seconds{});
  EXPECT_EQ(r.title, "Feed & title");
  EXPECT_EQ(r.byline, "Feed Author");
  EXPECT_NE(r.text.find("Short summary of the story."), std::string::npos) << r.text;
  EXPECT_EQ(r.url, "https://a.example/3");
  EXPECT_EQ(r.guid, "https://a.example/3");
  EXPECT_EQ(r.canonical_url, "https://a.example/3");
}

TEST(ArticleBuilder, AnEntryWithOnlyAnIdIsKeyedPerFeed) {
  parse::Entry entry = entry_with(std::nullopt, "1");
  parse::TextConstruct text;
  text.value = "The whole bulletin is in the feed.";
  entry.summary = text;
  const auto a = build_record(7, planned(7, entry), std::nullopt, "", std::chrono::sys_seconds{});
  const auto b = build_record(8, planned(8, entry), std::nullopt, "", std::chrono::sys_seconds{});
  EXPECT_EQ(a.entry_key, store::entry_key(7, "1"));
  EXPECT_NE(a.entry_key, b.entry_key);
  EXPECT_TRUE(a.url.empty());
  EXPECT_EQ(a.guid, "1");
  // An entry with a link is keyed by it, as before.
  EXPECT_TRUE(
      build_record(7, planned(7, entry_with("https://a.example/1", "1")), std::nullopt, "", {}).entry_key.empty());
}

}  // namespace
}  // namespace newsd::ingest
