// Feed leases on a shared PostgreSQL store: workers claim disjoint due
// feeds (FOR UPDATE SKIP LOCKED), a live worker keeps its leases through
// heartbeats, and a silent one's feeds are taken over once they expire.
#include <algorithm>
#include <set>
#include <thread>

#include "store_fixture.hpp"

namespace newsd::store::testing {
namespace {

using std::chrono::seconds;

class PgLeasesTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    auto store = open_store();
    for (int i = 0; i < 30; ++i) add_feed(store, "https://feeds.example/" + std::to_string(i));
  }

  const TimePoint now_ = day(2026, 11, 20);
};

// SQLite has one writer process, which owns every feed.
TEST_F(StoreTest, LeasesNeedThePostgresqlStore) {
  auto store = open_store();
  auto leased = store.lease_due_feeds("w1", day(2026, 11, 20), seconds{60}, 10);
  ASSERT_FALSE(leased.has_value());
  EXPECT_EQ(leased.error().code, Errc::unsupported);
  EXPECT_EQ(store.workers(day(2026, 11, 20), day(2026, 11, 20)).error().code, Errc::unsupported);
}

TEST_P(PgLeasesTest, ConcurrentWorkersClaimDisjointFeedsUntilAllAreLeased) {
  std::vector<std::vector<std::int64_t>> claimed(3);
  std::vector<std::thread> workers;
  for (int w = 0; w < 3; ++w) {
    workers.emplace_back([&, w] {
      auto store = *Store::open(store_config());
      // Small claims, repeated, so that the three interleave.
      for (int round = 0; round < 10; ++round) {
        auto got = store.lease_due_feeds("w" + std::to_string(w), now_, seconds{60}, 2);
        if (!got) {
          ADD_FAILURE() << got.error().describe();
          return;
        }
        claimed[w].insert(claimed[w].end(), got->begin(), got->end());
      }
    });
  }
  for (auto& t : workers) t.join();
  std::set<std::int64_t> all;
  std::size_t total = 0;
  for (const auto& ids : claimed) {
    total += ids.size();
    all.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(total, all.size()) << "a feed was leased to two workers";
  EXPECT_EQ(all.size(), 30u);
  auto store = open_store();
  EXPECT_TRUE(store.lease_due_feeds("w4", now_, seconds{60}, 10)->empty());
}

TEST_P(PgLeasesTest, ASilentWorkersFeedsComeBackWhenItsLeasesExpire) {
  auto alive = open_store();
  auto dead = *Store::open(store_config());
  const WorkerInfo a{"alive", "host-a", 11, now_, now_, {}}, d{"dead", "host-d", 22, now_, now_, {}};
  ASSERT_TRUE(alive.heartbeat(a, now_, seconds{60}).has_value());
  ASSERT_TRUE(dead.heartbeat(d, now_, seconds{60}).has_value());
  ASSERT_EQ(alive.lease_due_feeds("alive", now_, seconds{60}, 10)->size(), 10u);
  ASSERT_EQ(dead.lease_due_feeds("dead", now_, seconds{60}, 10)->size(), 10u);

  // 50 s later only `alive` heartbeats; at 70 s dead's leases have expired.
  ASSERT_TRUE(alive.heartbeat(a, now_ + seconds{50}, seconds{60}).has_value());
  auto listed = alive.workers(now_ + seconds{70} - seconds{30}, now_ + seconds{70});
  ASSERT_TRUE(listed.has_value()) << listed.error().describe();
  ASSERT_EQ(listed->size(), 1u);  // dead's heartbeat is older than the cut
  EXPECT_EQ(listed->front().id, "alive");
  EXPECT_EQ(listed->front().leases.size(), 10u);

  auto taken_over = alive.lease_due_feeds("alive", now_ + seconds{70}, seconds{60}, 50);
  ASSERT_TRUE(taken_over.has_value());
  EXPECT_EQ(taken_over->size(), 20u);  // its own 10 renewed, dead's 10, the last 10 free
  EXPECT_TRUE(dead.lease_due_feeds("dead", now_ + seconds{70}, seconds{60}, 50)->empty());

  // A released feed is free for anyone.
  ASSERT_TRUE(alive.release_feed("alive", taken_over->front()).has_value());
  EXPECT_THAT(*dead.lease_due_feeds("dead", now_ + seconds{71}, seconds{60}, 50),
              ::testing::ElementsAre(taken_over->front()));
}

TEST_P(PgLeasesTest, OnlyDueActiveFeedsAreLeased) {
  auto store = open_store();
  auto feeds = *store.feeds();
  FeedFetchResult later;
  later.feed_id = feeds[0].id;
  later.fetched_at = now_;
  later.next_fetch_at = now_ + seconds{3600};
  ASSERT_TRUE(store.record_fetch(later).has_value());
  FeedFetchResult gone = later;
  gone.feed_id = feeds[1].id;
  gone.gone = true;
  gone.error = "http_status: 410";
  ASSERT_TRUE(store.record_fetch(gone).has_value());
  ASSERT_TRUE(store.mark_removed(feeds[2].id, now_).has_value());
  auto leased = *store.lease_due_feeds("w", now_, seconds{60}, 100);
  EXPECT_EQ(leased.size(), 27u);
  for (const auto id : {feeds[0].id, feeds[1].id, feeds[2].id}) {
    EXPECT_EQ(std::count(leased.begin(), leased.end(), id), 0) << id;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, PgLeasesTest, ::testing::Values(Backend::postgresql), backend_name);

}  // namespace
}  // namespace newsd::store::testing
