// HTML section pages as sources through the streaming engine (issue 16),
// against a real HTTP server on 127.0.0.1: an Arabic section page with
// navigation, a "most read" box and a footer, a page that changes between
// polls, the same story through a feed, a sitemap and a section page, and a
// page that stops yielding links.
#include "sources_fixture.hpp"

namespace newsd::ingest {
namespace {

using sources_testing::feed_block;
using sources_testing::NewsSite;
using sources_testing::SourcesTest;

using SectionSources = SourcesTest;

const std::vector<std::string> kV1Articles = {"/ar/news/drones-delivery-1458873.html",
                                              "/ar/news/naval-exercise-1458902.html",
                                              "/ar/news/border-talks-1458901.html"};

TEST_F(SectionSources, ExactlyTheListedArticlesAreTakenNotNavMostReadOrFooter) {
  NewsSite site;
  site.document("/ar/category/military/", "section_v1.html", "text/html; charset=utf-8");
  const auto report = once(config_with(feed_block(site.url("/ar/category/military/"))));  // type auto: sniffed
  EXPECT_EQ(report.feeds_failed, 0);
  for (const auto& path : kV1Articles) EXPECT_EQ(site.hits(path), 1) << path;
  EXPECT_EQ(site.page_hits(), 3) << site.requested();  // not the banner, the most-read box or the footer's links
  EXPECT_EQ(report.articles_inserted, 3);
  EXPECT_EQ(rows("SELECT source_type, links_found, title FROM feeds")[0],
            (std::vector<std::string>{"html", "3", "الأخبار العسكرية | هسبريس"}));
}

TEST_F(SectionSources, APageThatChangesBetweenPollsCostsOnlyItsNewLinks) {
  NewsSite site;
  const std::string path = "/ar/category/military/";
  site.document(path, "section_v1.html", "text/html; charset=utf-8");
  const auto cfg = config_with(feed_block(site.url(path), "type = \"html\"\n"));
  once(cfg);
  EXPECT_EQ(site.page_hits(), 3);

  // Two new stories on top, the oldest gone: only the two are fetched.
  site.document(path, "section_v2.html", "text/html; charset=utf-8");
  const auto second = once(cfg);
  EXPECT_EQ(site.page_hits(), 5);
  EXPECT_EQ(site.hits("/ar/news/air-defense-system-1458950.html"), 1);
  EXPECT_EQ(site.hits("/ar/news/cyber-command-1458951.html"), 1);
  EXPECT_EQ(second.articles_inserted, 2);
  EXPECT_EQ(value("SELECT links_found FROM feeds"), "4");

  // Served again unchanged (this server sends no validators): the link set's
  // hash matches, nothing is looked up or fetched.
  const auto third = once(cfg);
  EXPECT_EQ(site.page_hits(), 5);
  EXPECT_EQ(third.articles_inserted + third.articles_duplicate, 0);
  EXPECT_EQ(value("SELECT count(*) FROM articles"), "5");
}

TEST_F(SectionSources, AnUnchangedPageAnswered304CostsNothing) {
  NewsSite site;
  const std::string path = "/ar/category/military/";
  site.set(path, site.fill(sources_testing::read_source_fixture("section_v1.html")), "text/html; charset=utf-8",
           "\"v1\"");
  const auto cfg = config_with(feed_block(site.url(path)));
  once(cfg);
  EXPECT_EQ(site.page_hits(), 3);
  const auto again = once(cfg);
  EXPECT_EQ(site.not_modified(), 1);
  EXPECT_EQ(again.feeds_not_modified, 1);
  EXPECT_EQ(site.page_hits(), 3);
}

TEST_F(SectionSources, TheSameStoryThroughAFeedASitemapAndASectionPageIsStoredOnceWithThreeSources) {
  NewsSite site;
  site.document("/feed.rss", "feed.rss", "application/rss+xml");
  site.document("/sitemap-news.xml", "news_sitemap.xml");
  site.document("/ar/category/military/", "section_v1.html", "text/html; charset=utf-8");
  const auto cfg = config_with(feed_block(site.url("/feed.rss"), "type = \"feed\"\n") +
                               feed_block(site.url("/sitemap-news.xml"), "type = \"sitemap\"\n") +
                               feed_block(site.url("/ar/category/military/"), "type = \"html\"\n"));
  once(cfg);
  const std::string story = "'%/ar/news/drones-delivery-1458873.html'";
  EXPECT_EQ(value("SELECT count(*) FROM articles WHERE canonical_url LIKE " + story), "1");
  EXPECT_EQ(site.hits("/ar/news/drones-delivery-1458873.html"), 1);
  EXPECT_EQ(value("SELECT group_concat(f.source_type, ',') FROM (SELECT DISTINCT f.source_type FROM article_sources "
                  "s JOIN articles a ON a.id = s.article_id JOIN feeds f ON f.id = s.feed_id WHERE a.canonical_url "
                  "LIKE " +
                  story + " ORDER BY f.source_type) f"),
            "feed,html,sitemap");
  // Polled again, nothing new is fetched and no source is added twice.
  once(cfg);
  EXPECT_EQ(site.hits("/ar/news/drones-delivery-1458873.html"), 1);
  EXPECT_EQ(value("SELECT count(*) FROM article_sources s JOIN articles a ON a.id = s.article_id WHERE "
                  "a.canonical_url LIKE " +
                  story),
            "3");
}

TEST_F(SectionSources, APageThatStopsYieldingLinksIsNoLinks) {
  NewsSite site;
  const std::string path = "/ar/category/military/";
  site.document(path, "section_v1.html", "text/html; charset=utf-8");
  const auto cfg = config_with(feed_block(site.url(path)));
  once(cfg);
  EXPECT_EQ(value("SELECT state FROM feeds"), "active");
  site.document(path, "section_without_links.html", "text/html; charset=utf-8");
  const auto report = once(cfg);
  EXPECT_EQ(report.feeds_failed, 1);
  EXPECT_EQ(rows("SELECT state, error_class FROM feeds")[0], (std::vector<std::string>{"error", "no_links"}));
}

TEST_F(SectionSources, SelectorOverridesDecideWhichLinksAreTaken) {
  NewsSite site;
  const std::string path = "/ar/category/military/";
  site.document(path, "section_v1.html", "text/html; charset=utf-8");
  // Only the most-read box, and of it only what matches the pattern.
  once(config_with(feed_block(site.url(path),
                              "type = \"html\"\nlinks = \".most-read a\"\n"
                              "url_pattern = \"football\"\n")));
  EXPECT_EQ(site.page_hits(), 1);
  EXPECT_EQ(site.hits("/ar/news/football-transfer-1457788.html"), 1);
}

}  // namespace
}  // namespace newsd::ingest
