#pragma once
// Liveness stamps kept in std::atomic<int64_t>: steady-clock nanoseconds,
// because a time_point cannot be stored atomically.
#include <chrono>
#include <cstdint>

namespace newsd::ingest {

inline std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace newsd::ingest
