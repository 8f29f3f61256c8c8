// The feed list of a PostgreSQL store: specs written, replaced, removed and
// put back, each change counted once in the list version; SQLite's list is
// its config, so there the calls are refused.
#include "store_fixture.hpp"

namespace newsd::store::testing {
namespace {

const std::string kSpecA = "[[feeds]]\nurl = \"https://a.example/feed\"\nname = \"A\"\n";
const std::string kSpecB = "[[feeds]]\nurl = \"https://b.example/feed\"\nname = \"\"\ninterval = \"2h\"\n";

class PgFeedListTest : public BackendTest {};

const ListedFeed* by_url(const FeedList& list, const std::string& url) {
  for (const auto& f : list.feeds) {
    if (f.state.url == url) return &f;
  }
  return nullptr;
}

TEST_F(StoreTest, FeedListNeedsThePostgresqlStore) {
  auto store = open_store();
  const std::vector<FeedSpec> specs{{"https://a.example/feed", "A", kSpecA}};
  auto put = store.put_feed_specs(specs);
  ASSERT_FALSE(put.has_value());
  EXPECT_EQ(put.error().code, Errc::unsupported);
  EXPECT_EQ(store.feed_list().error().code, Errc::unsupported);
  EXPECT_EQ(store.feed_list_version().error().code, Errc::unsupported);
  EXPECT_EQ(store.remove_feed(1, day(2026, 11, 20)).error().code, Errc::unsupported);
}

TEST_P(PgFeedListTest, SpecsAreStoredReplacedRemovedAndPutBackEachChangeCountedOnce) {
  auto store = open_store();
  const auto v0 = store.feed_list_version();
  ASSERT_TRUE(v0) << v0.error().describe();

  const std::vector<FeedSpec> both{{"https://a.example/feed", "A", kSpecA}, {"https://b.example/feed", "", kSpecB}};
  ASSERT_EQ(store.put_feed_specs(both).value_or(-1), 2);
  auto list = store.feed_list();
  ASSERT_TRUE(list) << list.error().describe();
  EXPECT_EQ(list->version, *v0 + 1);
  ASSERT_EQ(list->feeds.size(), 2u);
  const ListedFeed* a = by_url(*list, "https://a.example/feed");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->spec, kSpecA);
  EXPECT_EQ(a->state.name, "A");
  EXPECT_EQ(a->state.state, "active");

  // The same specs again change nothing, so workers are not made to re-read.
  EXPECT_EQ(store.put_feed_specs(both).value_or(-1), 0);
  EXPECT_EQ(store.feed_list_version().value_or(-1), *v0 + 1);

  // A new spec replaces the old one; feeds() shows the new name.
  const std::string renamed = "[[feeds]]\nurl = \"https://a.example/feed\"\nname = \"A2\"\n";
  const std::vector<FeedSpec> one{{"https://a.example/feed", "A2", renamed}};
  EXPECT_EQ(store.put_feed_specs(one).value_or(-1), 1);
  EXPECT_EQ(store.feed_list_version().value_or(-1), *v0 + 2);
  auto feeds = store.feeds();
  ASSERT_TRUE(feeds);
  EXPECT_EQ(feeds->front().name, "A2");

  // Removed: shown as removed, kept with its spec; a second removal is no change.
  const std::int64_t id = a->state.id;
  ASSERT_EQ(store.remove_feed(id, day(2026, 11, 20)).value_or(false), true);
  EXPECT_EQ(store.remove_feed(id, day(2026, 11, 20)).value_or(true), false);
  EXPECT_EQ(store.feed_list_version().value_or(-1), *v0 + 3);
  list = store.feed_list();
  ASSERT_TRUE(list);
  a = by_url(*list, "https://a.example/feed");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->state.state, "removed");
  EXPECT_EQ(a->spec, renamed);

  // Put back by the same spec: listed again.
  EXPECT_EQ(store.put_feed_specs(one).value_or(-1), 1);
  list = store.feed_list();
  ASSERT_TRUE(list);
  EXPECT_EQ(list->version, *v0 + 4);
  EXPECT_EQ(by_url(*list, "https://a.example/feed")->state.state, "active");
  EXPECT_EQ(store.remove_feed(999'999, day(2026, 11, 20)).value_or(true), false);
}

TEST_P(PgFeedListTest, AFeedRegisteredWithoutSpecIsListedWithoutOne) {
  auto store = open_store();
  add_feed(store, "https://old.example/feed", "Old");
  auto list = store.feed_list();
  ASSERT_TRUE(list) << list.error().describe();
  ASSERT_EQ(list->feeds.size(), 1u);
  EXPECT_EQ(list->feeds[0].state.url, "https://old.example/feed");
  EXPECT_FALSE(list->feeds[0].spec.has_value());
}

// A spec is whatever a client sent: bytes PostgreSQL text cannot hold are
// replaced, never a failed write; parsing it is the reader's job
// (config::parse_feed_spec), not the store's.
TEST_P(PgFeedListTest, HostileBytesAreStoredAsTextAndAReadOnlyConnectionWritesNothing) {
  auto store = open_store();
  const std::string hostile =
      std::string("[[feeds]]\nurl = \"https://a.example/feed\"\nname = \"x") + '\0' + "y\xff\"\n";
  auto reader = Store::open_readonly(store_config());
  ASSERT_TRUE(reader) << reader.error().describe();
  const std::vector<FeedSpec> specs{{"https://a.example/feed", "x", hostile}};
  EXPECT_FALSE(reader->put_feed_specs(specs).has_value());
  EXPECT_TRUE(store.feed_list()->feeds.empty());

  ASSERT_EQ(store.put_feed_specs(specs).value_or(-1), 1);
  auto list = store.feed_list();
  ASSERT_TRUE(list) << list.error().describe();
  ASSERT_EQ(list->feeds.size(), 1u);
  ASSERT_TRUE(list->feeds[0].spec.has_value());
  EXPECT_EQ(list->feeds[0].spec->find('\0'), std::string::npos);
  EXPECT_NE(list->feeds[0].spec->find("x\xEF\xBF\xBDy\xEF\xBF\xBD"), std::string::npos) << *list->feeds[0].spec;
}

INSTANTIATE_TEST_SUITE_P(Backends, PgFeedListTest, ::testing::Values(Backend::postgresql), backend_name);

}  // namespace
}  // namespace newsd::store::testing
