// Sitemaps as sources through the streaming engine (issue 16), against a
// real HTTP server on 127.0.0.1: news sitemaps plain and gzipped, a sitemap
// index with an old and a fresh child, the same story through a feed and a
// sitemap stored once, `no_links`, and hostile sitemaps.
#include "sources_fixture.hpp"

namespace newsd::ingest {
namespace {

using sources_testing::feed_block;
using sources_testing::gzip;
using sources_testing::NewsSite;
using sources_testing::SourcesTest;

using SitemapSources = SourcesTest;

TEST_F(SitemapSources, NewsSitemapPlainAndGzippedStoreTheRecentStoriesOnly) {
  NewsSite plain;
  plain.document("/sitemap-news.xml", "news_sitemap.xml");
  NewsSite gzipped;  // another site, so the stories are not the same ones
  gzipped.set("/sitemap-news.xml.gz", gzip(gzipped.fill(sources_testing::read_source_fixture("news_sitemap.xml"))),
              "application/x-gzip");
  const auto cfg = config_with(feed_block(plain.url("/sitemap-news.xml")) +  // type auto: sniffed
                               feed_block(gzipped.url("/sitemap-news.xml.gz"), "type = \"sitemap\"\n"));
  const auto report = once(cfg);
  EXPECT_EQ(report.feeds_failed, 0);
  EXPECT_EQ(report.articles_inserted, 4);
  for (NewsSite* site : {&plain, &gzipped}) {
    EXPECT_EQ(site->hits("/ar/news/drones-delivery-1458873.html"), 1);
    EXPECT_EQ(site->hits("/ar/news/cyber-ministry-1458851.html"), 1);
    EXPECT_EQ(site->hits("/ar/news/old-story-1457001.html"), 0);  // ten days old
  }
  const auto feeds = rows("SELECT source_type, links_found, error_class, state FROM feeds ORDER BY id");
  ASSERT_EQ(feeds.size(), 2u);
  for (const auto& f : feeds) EXPECT_EQ(f, (std::vector<std::string>{"sitemap", "2", "", "active"}));
  EXPECT_EQ(value("SELECT count(*) FROM articles WHERE lang = 'ar'"), "4");

  // Polled again: the same link set costs no look-up and no page.
  const int pages_before = plain.page_hits() + gzipped.page_hits();
  const auto again = once(cfg);
  EXPECT_EQ(again.articles_inserted, 0);
  EXPECT_EQ(plain.page_hits() + gzipped.page_hits(), pages_before);
  EXPECT_EQ(plain.hits("/sitemap-news.xml"), 2);
}

TEST_F(SitemapSources, IndexReadsTheFreshChildOnlyAndNotAgainWhileItsLastmodStands) {
  NewsSite site;
  site.document("/sitemap_index.xml", "sitemap_index.xml");
  site.set("/sitemaps/post-this-month.xml.gz",
           gzip(site.fill(sources_testing::read_source_fixture("child_this_month.xml"))), "application/gzip");
  site.document("/sitemaps/post-archive-old.xml", "child_archive_old.xml");
  const auto cfg = config_with(feed_block(site.url("/sitemap_index.xml")));
  const auto report = once(cfg);
  EXPECT_EQ(report.feeds_failed, 0);
  EXPECT_EQ(site.hits("/sitemaps/post-this-month.xml.gz"), 1);
  EXPECT_EQ(site.hits("/sitemaps/post-archive-old.xml"), 0);
  EXPECT_EQ(site.hits("/ar/news/border-talks-1458901.html"), 1);
  EXPECT_EQ(site.hits("/ar/news/naval-exercise-1458902.html"), 1);
  EXPECT_EQ(site.hits("/ar/news/last-year-1400001.html"), 0);
  EXPECT_EQ(report.articles_inserted, 2);
  EXPECT_EQ(value("SELECT source_type || ' ' || links_found FROM feeds"), "sitemapindex 2");
  EXPECT_EQ(value("SELECT count(*) FROM sitemap_children WHERE url LIKE '%post-this-month.xml.gz'"), "1");

  once(cfg);
  EXPECT_EQ(site.hits("/sitemap_index.xml"), 2);
  EXPECT_EQ(site.hits("/sitemaps/post-this-month.xml.gz"), 1);  // same lastmod: not fetched again
  EXPECT_EQ(site.page_hits(), 2);
}

TEST_F(SitemapSources, IndexFetchesAtMostItsCapOfChildrenPerPollAndTheRestLater) {
  NewsSite site;
  std::string index = "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">";
  for (int i = 0; i < 5; ++i) {
    const std::string path = "/sitemaps/day-" + std::to_string(i) + ".xml";
    index += "<sitemap><loc>{{ORIGIN}}" + path + "</loc><lastmod>{{FRESH}}</lastmod></sitemap>";
    site.set(path,
             site.fill("<urlset><url><loc>{{ORIGIN}}/ar/news/day-" + std::to_string(i) +
                       "-story.html</loc><lastmod>{{FRESH}}</lastmod></url></urlset>"),
             "application/xml");
  }
  site.set("/sitemap_index.xml", site.fill(index + "</sitemapindex>"), "application/xml");
  const auto cfg = config_with(feed_block(site.url("/sitemap_index.xml"), "sitemap_children = 2\n"));
  auto children_read = [&] {
    int n = 0;
    for (int i = 0; i < 5; ++i) n += site.hits("/sitemaps/day-" + std::to_string(i) + ".xml");
    return n;
  };
  once(cfg);
  EXPECT_EQ(children_read(), 2);
  once(cfg);
  EXPECT_EQ(children_read(), 4);
  once(cfg);
  EXPECT_EQ(children_read(), 5);
  once(cfg);
  EXPECT_EQ(children_read(), 5);  // all read, none changed
  EXPECT_EQ(value("SELECT count(*) FROM articles"), "5");
}

TEST_F(SitemapSources, SameStoryThroughAFeedAndASitemapIsStoredOnceWithBothSources) {
  NewsSite site;
  site.document("/feed.rss", "feed.rss", "application/rss+xml");
  site.document("/sitemap-news.xml", "news_sitemap.xml");
  const auto cfg =
      config_with(feed_block(site.url("/feed.rss"), "type = \"feed\"\n") + feed_block(site.url("/sitemap-news.xml")));
  once(cfg);
  // The feed links it with ?utm_source=rss, the sitemap without: one canonical URL.
  EXPECT_EQ(value("SELECT count(*) FROM articles WHERE canonical_url LIKE '%drones-delivery-1458873.html'"), "1");
  EXPECT_EQ(value("SELECT count(DISTINCT s.feed_id) FROM article_sources s JOIN articles a ON a.id = s.article_id "
                  "WHERE a.canonical_url LIKE '%drones-delivery-1458873.html'"),
            "2");
  EXPECT_EQ(site.hits("/ar/news/drones-delivery-1458873.html"), 1);
}

TEST_F(SitemapSources, ASitemapListingNothingIsNoLinksNotAHealthySource) {
  NewsSite site;
  site.document("/sitemap-news.xml", "empty_sitemap.xml");
  once(config_with(feed_block(site.url("/sitemap-news.xml"))));
  EXPECT_EQ(rows("SELECT state, error_class FROM feeds")[0], (std::vector<std::string>{"error", "no_links"}));
}

TEST_F(SitemapSources, AGzipBombIsTooLargeAndABrokenSitemapAParseError) {
  NewsSite site;
  // 64 MiB of spaces inside a sitemap, about 64 KiB gzipped; the body cap is 1 MiB.
  site.set("/bomb.xml.gz", gzip("<urlset>" + std::string(64 * 1024 * 1024, ' ') + "</urlset>"), "application/gzip");
  site.set("/corrupt.xml.gz", gzip(site.fill(sources_testing::read_source_fixture("news_sitemap.xml"))).substr(0, 200),
           "application/gzip");
  site.set("/not-a-sitemap.xml", "<html><body>Moved</body></html>", "text/html");
  const auto cfg = config_with(feed_block(site.url("/bomb.xml.gz"), "type = \"sitemap\"\n") +
                                   feed_block(site.url("/corrupt.xml.gz"), "type = \"sitemap\"\n") +
                                   feed_block(site.url("/not-a-sitemap.xml"), "type = \"sitemap\"\n"),
                               "max_body_bytes = 1048576\n");
  const auto report = once(cfg);
  EXPECT_EQ(report.feeds_failed, 3);
  EXPECT_EQ(value("SELECT error_class FROM feeds WHERE url LIKE '%bomb.xml.gz'"), "too_large");
  EXPECT_EQ(value("SELECT error_class FROM feeds WHERE url LIKE '%corrupt.xml.gz'"), "parse");
  EXPECT_EQ(value("SELECT error_class FROM feeds WHERE url LIKE '%not-a-sitemap.xml'"), "parse");
  EXPECT_EQ(site.page_hits(), 0);
}

TEST_F(SitemapSources, AChildOnAnotherOriginIsJudgedByTheAddressGuard) {
  NewsSite site;
  NewsSite elsewhere;  // another port on 127.0.0.1: another origin, an internal address
  site.set("/sitemap_index.xml",
           elsewhere.fill("<sitemapindex><sitemap><loc>{{ORIGIN}}/news.xml</loc></sitemap></sitemapindex>"),
           "application/xml");
  elsewhere.document("/news.xml", "news_sitemap.xml");
  once(config_with(feed_block(site.url("/sitemap_index.xml"))));
  // The child is the index's content: refused by the address guard, never fetched.
  EXPECT_EQ(elsewhere.hits("/news.xml"), 0);
  EXPECT_EQ(value("SELECT count(*) FROM sitemap_children"), "0");
}

}  // namespace
}  // namespace newsd::ingest
