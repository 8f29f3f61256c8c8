// What a poll records about a source beyond a feed's state (issue 16): its
// type, the links it found, the link-set hash, and a sitemap index's
// children already read.
#include "store_fixture.hpp"

namespace newsd::store::testing {
namespace {

using namespace std::chrono_literals;

TEST_F(StoreTest, SourceTypeLinksAndHashAreRecordedAndKeptByLaterOutcomesThatDoNotSayOtherwise) {
  auto store = open_store();
  const auto id = add_feed(store, "https://www.hespress.com/sitemap-news.xml");
  FeedFetchResult r;
  r.feed_id = id;
  r.fetched_at = day(2026, 11, 30);
  r.next_fetch_at = day(2026, 11, 30, 1);
  r.source_type = "sitemap";
  r.links_found = 42;
  r.links_hash = "00ff00ff00ff00ff";
  ASSERT_TRUE(store.record_fetch(r));
  auto feeds = store.feeds();
  ASSERT_TRUE(feeds);
  EXPECT_EQ(feeds->at(0).source_type, "sitemap");
  EXPECT_EQ(feeds->at(0).links_found, 42);
  EXPECT_EQ(feeds->at(0).links_hash, "00ff00ff00ff00ff");

  FeedFetchResult failed;  // a failure says nothing about them: they stay
  failed.feed_id = id;
  failed.error = "no links: the sitemap lists no article";
  failed.error_class = "no_links";
  failed.fetched_at = day(2026, 11, 30, 2);
  failed.next_fetch_at = day(2026, 11, 30, 3);
  ASSERT_TRUE(store.record_fetch(failed));
  feeds = store.feeds();
  EXPECT_EQ(feeds->at(0).source_type, "sitemap");
  EXPECT_EQ(feeds->at(0).links_found, 42);
  EXPECT_EQ(feeds->at(0).error_class, "no_links");
}

TEST_F(StoreTest, SitemapChildrenReadAreRememberedUpdatedAndForgottenAfterThirtyDays) {
  auto store = open_store();
  const auto id = add_feed(store, "https://www.aljazeera.net/sitemap.xml");
  const auto other = add_feed(store, "https://www.hespress.com/sitemap_index.xml");
  FeedFetchResult r;
  r.feed_id = id;
  r.fetched_at = day(2026, 10, 1);
  r.next_fetch_at = day(2026, 10, 1, 1);
  r.children_read = {{"https://www.aljazeera.net/sitemaps/post-2026-09.xml", day(2026, 9, 30), day(2026, 10, 1)}};
  ASSERT_TRUE(store.record_fetch(r));
  r.fetched_at = day(2026, 11, 30);
  r.children_read = {{"https://www.aljazeera.net/sitemaps/post-2026-11.xml", day(2026, 11, 30), day(2026, 11, 30)},
                     {"https://www.aljazeera.net/sitemaps/google-news.xml", std::nullopt, day(2026, 11, 30)}};
  ASSERT_TRUE(store.record_fetch(r));
  auto read = store.sitemap_children(id);
  ASSERT_TRUE(read) << read.error().describe();
  ASSERT_EQ(read->size(), 2u);  // September's, read two months ago, is forgotten
  EXPECT_EQ(read->at(0).url, "https://www.aljazeera.net/sitemaps/google-news.xml");
  EXPECT_FALSE(read->at(0).lastmod);
  EXPECT_EQ(read->at(1).lastmod, day(2026, 11, 30));
  EXPECT_TRUE(store.sitemap_children(other)->empty());

  r.fetched_at = day(2026, 11, 30, 6);
  r.children_read = {
      {"https://www.aljazeera.net/sitemaps/post-2026-11.xml", day(2026, 11, 30, 5), day(2026, 11, 30, 6)}};
  ASSERT_TRUE(store.record_fetch(r));
  read = store.sitemap_children(id);
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ(read->at(1).lastmod, day(2026, 11, 30, 5));
  EXPECT_EQ(read->at(1).read_at, day(2026, 11, 30, 6));
}

}  // namespace
}  // namespace newsd::store::testing
