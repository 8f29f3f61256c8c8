#include "newsd/base/thread_name.hpp"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <string_view>
#include <thread>

namespace newsd {
namespace {

// What ps, top and perf show for a thread that called name_this_thread(name).
std::string name_seen_by_the_kernel(std::string_view name) {
  std::string seen;
  std::thread([&] {
    name_this_thread(name);
    std::ifstream in("/proc/self/task/" + std::to_string(::syscall(SYS_gettid)) + "/comm");
    std::getline(in, seen);
  }).join();
  return seen;
}

TEST(ThreadName, TheKernelSeesTheName) { EXPECT_EQ(name_seen_by_the_kernel("newsd-writer"), "newsd-writer"); }

TEST(ThreadName, ALongNameIsCutToFifteenBytesRatherThanRefused) {
  EXPECT_EQ(name_seen_by_the_kernel("newsd-worker-1234567"), "newsd-worker-12");
}

}  // namespace
}  // namespace newsd
