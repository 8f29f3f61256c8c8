#include "newsd/ingest/bounded_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
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

}  // namespace
}  // namespace newsd::ingest
