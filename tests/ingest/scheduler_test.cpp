#include "newsd/ingest/scheduler.hpp"

#include <gtest/gtest.h>

namespace newsd::ingest {
namespace {

using namespace std::chrono_literals;
using Time = Scheduler::Time;
const Time t0{std::chrono::sys_days{std::chrono::year{2026} / 11 / 30}};

TEST(Scheduler, PopsFeedsInDueOrderOnlyOnceDue) {
  Scheduler s;
  s.schedule(1, t0 + 30s);
  s.schedule(2, t0 + 10s);
  s.schedule(3, t0 + 20s);
  EXPECT_EQ(s.pop_due(t0), std::nullopt);
  EXPECT_EQ(s.next_due(), t0 + 10s);
  EXPECT_EQ(s.pop_due(t0 + 25s), 2);
  EXPECT_EQ(s.pop_due(t0 + 25s), 3);
  EXPECT_EQ(s.pop_due(t0 + 25s), std::nullopt);
  EXPECT_EQ(s.pop_due(t0 + 30s), 1);
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.next_due(), std::nullopt);
}

TEST(Scheduler, TiesGoByFeedIdSoTheOrderIsReproducible) {
  Scheduler s;
  for (std::int64_t id : {5, 3, 9, 1}) s.schedule(id, t0);
  std::vector<std::int64_t> order;
  while (auto id = s.pop_due(t0)) order.push_back(*id);
  EXPECT_EQ(order, (std::vector<std::int64_t>{1, 3, 5, 9}));
}

TEST(Scheduler, RescheduleAndRemoveWinOverOlderSlots) {
  Scheduler s;
  s.schedule(1, t0);
  s.schedule(1, t0 + 1h);  // pushed back: the old slot must not fire
  s.schedule(2, t0 + 5s);
  s.remove(2);
  EXPECT_FALSE(s.contains(2));
  EXPECT_EQ(s.pop_due(t0 + 10min), std::nullopt);
  EXPECT_EQ(s.next_due(), t0 + 1h);
  s.schedule(1, t0 - 1s);  // brought forward
  EXPECT_EQ(s.pop_due(t0), 1);
  EXPECT_EQ(s.pop_due(t0 + 2h), std::nullopt);
}

TEST(Scheduler, ManyReschedulesKeepOneLiveSlotPerFeed) {
  Scheduler s;
  for (int round = 0; round < 1000; ++round) {
    for (std::int64_t id = 0; id < 10; ++id) s.schedule(id, t0 + std::chrono::seconds{round * 10 + id});
  }
  EXPECT_EQ(s.size(), 10u);
  std::vector<std::int64_t> order;
  while (auto id = s.pop_due(t0 + 24h)) order.push_back(*id);
  EXPECT_EQ(order.size(), 10u);
}

TEST(Scheduler, CountsDueFeedsAndTheOldestLateness) {
  Scheduler s;
  s.schedule(1, t0 - 90s);
  s.schedule(2, t0 - 10s);
  s.schedule(3, t0 + 10s);
  EXPECT_EQ(s.due_count(t0), 2u);
  EXPECT_EQ(s.oldest_lateness(t0), 90s);
  EXPECT_EQ(Scheduler{}.oldest_lateness(t0), 0s);
}

}  // namespace
}  // namespace newsd::ingest
