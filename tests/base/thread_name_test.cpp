#include "newsd/base/thread_name.hpp"

#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <thread>

namespace newsd {
namespace {

// What ps, top and perf read: the kernel's name for the calling thread.
std::string kernel_name_of_this_thread() {
  std::ifstream in("/proc/self/task/" + std::to_string(::syscall(SYS_gettid)) + "/comm");
  std::string name;
  std::getline(in, name);
  return name;
}

TEST(ThreadName, TheKernelSeesTheName) {
  std::string seen;
  std::thread([&] {
    name_this_thread("newsd-writer");
    seen = kernel_name_of_this_thread();
  }).join();
  EXPECT_EQ(seen, "newsd-writer");
}

TEST(ThreadName, ALongNameIsCutToFifteenBytesRatherThanRefused) {
  std::string seen;
  std::thread([&] {
    name_this_thread("newsd-worker-1234567");
    seen = kernel_name_of_this_thread();
  }).join();
  EXPECT_EQ(seen, "newsd-worker-12");
}

}  // namespace
}  // namespace newsd
