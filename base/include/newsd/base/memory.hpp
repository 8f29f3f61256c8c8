#pragma once
/// Giving memory back once the daemon goes quiet: an idle `newsd run`
/// between polls should not keep its last ingest's peak resident.
#include <chrono>

namespace newsd {

/// Returns the free pages of the process's heap to the operating system
/// (malloc_trim). Costs a walk over the heap; never throws.
void release_free_memory() noexcept;

/// How long a loop has nothing to do before it gives its memory back: long
/// enough never to happen between the items of an ingest.
inline constexpr std::chrono::seconds kReleaseMemoryAfterIdle{1};

/// For a loop that wakes on its own (a timeout, a tick): tells it when it
/// has been idle for kReleaseMemoryAfterIdle, once per quiet period, so it
/// can drop its caches and call release_free_memory(). One per loop; not
/// thread-safe.
class IdleMemoryRelease {
 public:
  using Clock = std::chrono::steady_clock;
  /// A loop that starts at `start` counts as busy then.
  explicit IdleMemoryRelease(Clock::time_point start) noexcept : busy_at_(start) {}
  /// The loop has (or had) work at `now`.
  void busy(Clock::time_point now) noexcept {
    busy_at_ = now;
    released_ = false;
  }
  /// The loop has nothing to do at `now`. True when the time to release
  /// has come: the first call kReleaseMemoryAfterIdle or more after busy().
  bool idle(Clock::time_point now) noexcept {
    if (released_ || now - busy_at_ < kReleaseMemoryAfterIdle) return false;
    released_ = true;
    return true;
  }

 private:
  Clock::time_point busy_at_;
  bool released_ = false;
};

}  // namespace newsd
