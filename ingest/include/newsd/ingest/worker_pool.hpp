#pragma once
/// A fixed set of threads running submitted tasks (feed parsing, page
/// extraction, classification). Each worker publishes since when it has been
/// running its current task, so the service can tell a busy pool from a
/// stuck one.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "newsd/ingest/bounded_queue.hpp"

namespace newsd::ingest {

class WorkerPool {
 public:
  /// Starts `threads` workers; at most `backlog` tasks wait before submit blocks.
  WorkerPool(int threads, std::size_t backlog);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  /// Queues a task; blocks while the backlog is full. Tasks must not throw.
  void submit(std::function<void()> task);

  /// Blocks until every submitted task has finished.
  void wait_idle();

  /// Since when the longest-running current task has run; nullopt when every
  /// worker is idle. Thread-safe.
  [[nodiscard]] std::optional<std::chrono::steady_clock::time_point> oldest_busy_since() const;

 private:
  void loop(std::size_t index);

  BoundedQueue<std::function<void()>> tasks_;
  // Per worker: steady-clock nanoseconds when its current task started, 0 = idle.
  std::unique_ptr<std::atomic<std::int64_t>[]> busy_since_;
  std::size_t worker_count_ = 0;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable idle_;
  std::size_t in_flight_ = 0;
};

}  // namespace newsd::ingest
