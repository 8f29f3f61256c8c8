#include "newsd/base/thread_name.hpp"

#include <pthread.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace newsd {

namespace {
// TASK_COMM_LEN: 15 bytes and the terminating NUL; pthread_setname_np
// refuses (ERANGE) anything longer instead of cutting it.
constexpr std::size_t kCommLen = 16;
}  // namespace

void name_this_thread(std::string_view name) noexcept {
  std::array<char, kCommLen> buf{};
  std::memcpy(buf.data(), name.data(), std::min(name.size(), kCommLen - 1));
  (void)pthread_setname_np(pthread_self(), buf.data());
}

}  // namespace newsd
