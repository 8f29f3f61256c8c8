// Feed leases on a shared PostgreSQL store: workers claim disjoint due
// feeds (FOR UPDATE SKIP LOCKED), a live worker keeps its leases through
// heartbeats, and a silent one's feeds are taken over once they expire.
#include <algorithm>
#include <mutex>
#include <set>
#include <thread>

#include "store_fixture.hpp"

namespace newsd::store::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::vector<std::int64_t> ids_of(const std::vector<FeedState>& states) {
  std::vector<std::int64_t> ids;
  for (const auto& s : states) ids.push_back(s.id);
  return ids;
}

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
  EXPECT_EQ(store.reserve_host_slots({{"a:80", 1}}, {}, std::chrono::milliseconds{1}).error().code, Errc::unsupported);
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
        for (const auto& state : *got) claimed[w].push_back(state.id);
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

  auto taken_over_states = alive.lease_due_feeds("alive", now_ + seconds{70}, seconds{60}, 50);
  ASSERT_TRUE(taken_over_states.has_value());
  const auto taken_over = ids_of(*taken_over_states);
  EXPECT_EQ(taken_over.size(), 20u);  // its own 10 renewed, dead's 10, the last 10 free
  EXPECT_TRUE(dead.lease_due_feeds("dead", now_ + seconds{70}, seconds{60}, 50)->empty());

  // A released feed is free for anyone.
  ASSERT_TRUE(alive.release_feed("alive", taken_over.front()).has_value());
  EXPECT_THAT(ids_of(*dead.lease_due_feeds("dead", now_ + seconds{71}, seconds{60}, 50)),
              ::testing::ElementsAre(taken_over.front()));
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
  auto leased = ids_of(*store.lease_due_feeds("w", now_, seconds{60}, 100));
  EXPECT_EQ(leased.size(), 27u);
  for (const auto id : {feeds[0].id, feeds[1].id, feeds[2].id}) {
    EXPECT_EQ(std::count(leased.begin(), leased.end(), id), 0) << id;
  }
}

// A lease hands over the state the previous holder committed: the next
// worker sends its validators and sees its next poll time.
TEST_P(PgLeasesTest, ALeaseCarriesThePreviousHoldersCommittedState) {
  auto first = open_store();
  auto second = *Store::open(store_config());
  auto leased = *first.lease_due_feeds("first", now_, seconds{60}, 1);
  ASSERT_EQ(leased.size(), 1u);
  FeedFetchResult polled;
  polled.feed_id = leased[0].id;
  polled.fetched_at = now_;
  polled.next_fetch_at = now_ + seconds{600};
  polled.etag = "\"v2\"";
  ASSERT_TRUE(first.record_fetch(polled).has_value());
  ASSERT_TRUE(first.release_feed("first", polled.feed_id).has_value());

  // Not due again before its next poll time, whoever asks.
  const auto early = ids_of(*second.lease_due_feeds("second", now_ + seconds{599}, seconds{60}, 100));
  EXPECT_EQ(std::ranges::count(early, polled.feed_id), 0);
  auto again = *second.lease_due_feeds("second", now_ + seconds{600}, seconds{60}, 100);
  auto it = std::ranges::find(again, polled.feed_id, &FeedState::id);
  ASSERT_NE(it, again.end());
  EXPECT_EQ(it->etag, "\"v2\"");
  EXPECT_EQ(it->next_fetch_at, now_ + seconds{600});
}

// `newsd once` asks for its configured feeds by id, due or not, and gets
// only those that no other worker holds.
TEST_P(PgLeasesTest, LeasingNamedFeedsSkipsThoseAnotherWorkerHolds) {
  auto a = open_store();
  auto b = *Store::open(store_config());
  const auto all = *a.feeds();
  const std::vector<std::int64_t> wanted{all[0].id, all[1].id, all[2].id};
  FeedFetchResult later;
  later.feed_id = all[2].id;
  later.fetched_at = now_;
  later.next_fetch_at = now_ + seconds{3600};
  ASSERT_TRUE(a.record_fetch(later).has_value());
  auto first = a.lease_feeds("a", std::span(wanted).first(1), now_, seconds{60});
  ASSERT_TRUE(first.has_value()) << first.error().describe();
  ASSERT_EQ(first->size(), 1u);

  auto got = b.lease_feeds("b", wanted, now_, seconds{60});
  ASSERT_TRUE(got.has_value()) << got.error().describe();
  EXPECT_THAT(ids_of(*got), ::testing::ElementsAre(all[1].id, all[2].id));  // all[2] is not due: leased anyway
  // Its own lease is renewed, not refused.
  EXPECT_EQ(b.lease_feeds("b", wanted, now_ + seconds{1}, seconds{60})->size(), 2u);
}

// Three workers reserving slots on one host get disjoint start times, each
// `gap` after the previous one, and another host is not held up.
TEST_P(PgLeasesTest, HostBudgetsHandOutEachStartTimeOnce) {
  const HostSlotTime t0{std::chrono::duration_cast<milliseconds>(now_.time_since_epoch())};
  const milliseconds gap{250};
  std::vector<HostSlotTime> starts;
  std::mutex mutex;
  std::vector<std::thread> workers;
  for (int w = 0; w < 3; ++w) {
    workers.emplace_back([&] {
      auto store = *Store::open(store_config());
      for (int round = 0; round < 4; ++round) {
        auto got = store.reserve_host_slots({{"news.example:443", 2}}, t0, gap);
        if (!got) {
          ADD_FAILURE() << got.error().describe();
          return;
        }
        std::lock_guard lock(mutex);
        starts.push_back(got->at("news.example:443"));
        starts.push_back(got->at("news.example:443") + gap);
      }
    });
  }
  for (auto& t : workers) t.join();
  std::ranges::sort(starts);
  ASSERT_EQ(starts.size(), 24u);
  for (std::size_t i = 0; i < starts.size(); ++i) EXPECT_EQ(starts[i], t0 + gap * static_cast<int>(i)) << i;

  auto store = open_store();
  auto other = store.reserve_host_slots({{"news.example:443", 1}, {"other.example:80", 1}}, t0, gap);
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->at("other.example:80"), t0);
  EXPECT_EQ(other->at("news.example:443"), t0 + gap * 24);
  // Later than the budget: the slot is now, not in the past.
  EXPECT_EQ(store.reserve_host_slots({{"other.example:80", 1}}, t0 + seconds{10}, gap)->at("other.example:80"),
            t0 + seconds{10});
}

INSTANTIATE_TEST_SUITE_P(Backends, PgLeasesTest, ::testing::Values(Backend::postgresql), backend_name);

}  // namespace
}  // namespace newsd::store::testing
