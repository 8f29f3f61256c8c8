// The writer's batched feed writes: ensure_feeds() registers a whole
// config's feeds in one transaction, record_fetches() the outcomes a batch
// of articles waited for. Each must leave exactly what the one-at-a-time
// calls leave, and one bad outcome must not cost the others theirs.
#include <string>
#include <vector>

#include "newsd/base/error.hpp"
#include "store_fixture.hpp"

namespace newsd::store::testing {
namespace {

std::vector<config::FeedConfig> feed_configs(int n) {
  std::vector<config::FeedConfig> out;
  for (int i = 0; i < n; ++i) {
    config::FeedConfig f;
    f.url = "https://site" + std::to_string(i) + ".example/feed.xml";
    f.name = i % 2 == 0 ? "site " + std::to_string(i) : "";
    out.push_back(std::move(f));
  }
  return out;
}

FeedFetchResult polled(std::int64_t feed_id, const std::string& etag) {
  FeedFetchResult r;
  r.feed_id = feed_id;
  r.etag = etag;
  r.fetched_at = day(2026, 11, 30);
  r.next_fetch_at = day(2026, 11, 30, 13);
  return r;
}

TEST_F(StoreTest, EnsureFeedsRegistersEachFeedAsEnsureFeedDoesInOrder) {
  auto store = open_store();
  const auto configs = feed_configs(5);
  const auto first = add_feed(store, configs[3].url, "old name");
  ASSERT_TRUE(store.mark_removed(first, day(2026, 11, 29)));

  auto states = store.ensure_feeds(configs);
  ASSERT_TRUE(states) << states.error().describe();
  ASSERT_EQ(states->size(), configs.size());
  for (std::size_t i = 0; i < configs.size(); ++i) {
    EXPECT_EQ(states->at(i).url, configs[i].url);
    auto alone = store.ensure_feed(configs[i].url, configs[i].name);
    ASSERT_TRUE(alone);
    EXPECT_EQ(alone->id, states->at(i).id);
    EXPECT_EQ(alone->name, states->at(i).name);
  }
  EXPECT_EQ(states->at(3).id, first);         // an existing feed keeps its id
  EXPECT_EQ(states->at(3).name, "old name");  // an empty name keeps the stored one
  EXPECT_EQ(states->at(2).name, "site 2");
  auto all = store.feeds();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), configs.size());
  for (const auto& f : *all) EXPECT_NE(f.state, "removed") << f.url;  // registering brings a removed feed back
}

TEST_F(StoreTest, EnsureFeedsWritesNothingWhenItCannotWrite) {
  config::StoreConfig cfg = store_config();
  cfg.busy_timeout = config::Seconds{0};  // give up at once
  auto opened = Store::open(cfg);
  ASSERT_TRUE(opened) << opened.error().describe();
  Store& store = *opened;
  // Another connection holds the write lock past the busy timeout.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db_path_.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto states = store.ensure_feeds(feed_configs(3));
  ASSERT_EQ(sqlite3_exec(raw, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(raw);
  ASSERT_FALSE(states);
  EXPECT_EQ(states.error().code, Errc::database);
  auto all = store.feeds();
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
}

TEST_F(StoreTest, RecordFetchesRecordsEveryOutcomeAndABadOneCostsTheOthersNothing) {
  auto store = open_store();
  const auto a = add_feed(store, "https://a.example/feed");
  const auto b = add_feed(store, "https://b.example/feed");
  const auto c = add_feed(store, "https://c.example/feed");

  const std::vector<FeedFetchResult> good = {polled(a, "\"a1\""), polled(b, "\"b1\""), polled(c, "\"c1\"")};
  auto recorded = store.record_fetches(good);
  ASSERT_EQ(recorded.size(), 3u);
  for (const auto& r : recorded) EXPECT_TRUE(r) << r.error().describe();

  // An outcome for a feed that is not there (deleted meanwhile) between two good ones.
  const std::vector<FeedFetchResult> mixed = {polled(a, "\"a2\""), polled(9999, "\"x\""), polled(c, "\"c2\"")};
  recorded = store.record_fetches(mixed);
  ASSERT_EQ(recorded.size(), 3u);
  EXPECT_TRUE(recorded[0]);
  ASSERT_FALSE(recorded[1]);
  EXPECT_EQ(recorded[1].error().code, Errc::not_found);
  EXPECT_TRUE(recorded[2]);

  auto all = store.feeds();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ(all->at(0).etag, "\"a2\"");
  EXPECT_EQ(all->at(1).etag, "\"b1\"");
  EXPECT_EQ(all->at(2).etag, "\"c2\"");
  EXPECT_EQ(all->at(0).last_fetched_at, day(2026, 11, 30));
}

}  // namespace
}  // namespace newsd::store::testing
