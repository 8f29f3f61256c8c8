#include "newsd/ingest/bounded_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>

namespace newsd::ingest {
namespace {

TEST(BoundedQueue, DeliversInOrderAndDrainsAfterClose) {
  BoundedQueue<int> q(4);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(q.push(i));
  q.close();
  EXPECT_FALSE(q.push(99));
  EXPECT_EQ(q.pop(), 0);
  EXPECT_EQ(q.pop(), 1);
  EXPECT_EQ(q.pop(), 2);
  EXPECT_EQ(q.pop(), std::nullopt);
}

TEST(BoundedQueue, PushCountedNumbersItemsInQueueOrder) {
  BoundedQueue<int> q(4);
  EXPECT_EQ(q.push_counted(10), 1u);
  EXPECT_TRUE(q.push(11));  // counted too
  EXPECT_EQ(q.pop(), 10);
  EXPECT_EQ(q.push_counted(12), 3u);
  q.close();
  EXPECT_EQ(q.push_counted(13), std::nullopt);
}

TEST(BoundedQueue, ProducerBlocksWhileFull) {
  BoundedQueue<int> q(1);
  ASSERT_TRUE(q.push(1));
  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    q.push(2);
    pushed = true;
  });
  // The second push cannot complete until a slot frees up.
  EXPECT_EQ(q.pop(), 1);
  EXPECT_EQ(q.pop(), 2);
  producer.join();
  EXPECT_TRUE(pushed);
  EXPECT_EQ(q.try_pop(), std::nullopt);
}

TEST(BoundedQueue, CloseWakesBlockedConsumers) {
  BoundedQueue<int> q(2);
  std::thread consumer([&] { EXPECT_EQ(q.pop(), std::nullopt); });
  q.close();
  consumer.join();
}

TEST(BoundedQueue, AnIdleConsumerRunsItsIdleStepOnceAndWaitsOn) {
  BoundedQueue<int> q(2);
  std::atomic<int> idled{0};
  std::optional<int> got;
  std::thread consumer([&] { got = q.pop_after_idle(std::chrono::milliseconds(20), [&] { ++idled; }); });
  // Nothing comes: the step runs once the 20 ms are over (bounded wait).
  for (int i = 0; i < 1000 && idled == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(idled, 1);
  ASSERT_TRUE(q.push(7));
  consumer.join();
  EXPECT_EQ(got, 7);
  EXPECT_EQ(idled, 1);
}

TEST(BoundedQueue, AConsumerWithWorkNeverRunsItsIdleStep) {
  BoundedQueue<int> q(2);
  ASSERT_TRUE(q.push(1));
  int idled = 0;
  EXPECT_EQ(q.pop_after_idle(std::chrono::hours(1), [&] { ++idled; }), 1);
  q.close();
  EXPECT_EQ(q.pop_after_idle(std::chrono::hours(1), [&] { ++idled; }), std::nullopt);
  EXPECT_EQ(idled, 0);
}

}  // namespace
}  // namespace newsd::ingest
