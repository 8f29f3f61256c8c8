#include "newsd/base/memory.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

namespace newsd {
namespace {

using Clock = IdleMemoryRelease::Clock;

TEST(IdleMemoryRelease, ReleasesOnceAfterASecondWithNothingToDo) {
  const Clock::time_point t0{std::chrono::hours(1)};
  IdleMemoryRelease idle(t0);
  EXPECT_FALSE(idle.idle(t0 + std::chrono::milliseconds(999)));
  EXPECT_TRUE(idle.idle(t0 + kReleaseMemoryAfterIdle));
  // Released already: nothing more to give back until there was work again.
  EXPECT_FALSE(idle.idle(t0 + std::chrono::seconds(30)));
}

TEST(IdleMemoryRelease, WorkStartsTheQuietPeriodAgain) {
  const Clock::time_point t0{std::chrono::hours(1)};
  IdleMemoryRelease idle(t0);
  EXPECT_TRUE(idle.idle(t0 + std::chrono::seconds(2)));
  idle.busy(t0 + std::chrono::seconds(3));
  EXPECT_FALSE(idle.idle(t0 + std::chrono::milliseconds(3500)));
  EXPECT_TRUE(idle.idle(t0 + std::chrono::seconds(4)));
}

long resident_kb() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// What an ingest leaves behind: many small blocks freed around the few
// that stay (feed states, caches), which glibc cannot give back by itself.
TEST(ReleaseFreeMemory, GivesBackTheFreePagesBetweenLiveBlocks) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "the sanitizer's allocator replaces glibc's: nothing of glibc's heap to trim";
#endif
  constexpr std::size_t kBlocks = 16384, kBlock = 4000;  // 64 MB, under the mmap threshold
  std::vector<char*> blocks(kBlocks);
  for (auto& b : blocks) {
    b = static_cast<char*>(std::malloc(kBlock));
    std::memset(b, 1, kBlock);
  }
  for (std::size_t i = 0; i < kBlocks; ++i) {
    if (i % 64 != 0) {
      std::free(blocks[i]);
      blocks[i] = nullptr;
    }
  }
  const long before = resident_kb();
  release_free_memory();
  const long after = resident_kb();
  for (char* b : blocks) std::free(b);
  EXPECT_GT(before - after, 32 * 1024) << "resident before " << before << " kB, after " << after << " kB";
}

}  // namespace
}  // namespace newsd
