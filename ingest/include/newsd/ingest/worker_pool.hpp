#pragma once
/// A fixed set of threads running submitted tasks (feed parsing, page
/// extraction, classification). `wait_idle` lets a cycle know when every
/// task it submitted has finished.
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
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

 private:
  void loop();

  BoundedQueue<std::function<void()>> tasks_;
  std::vector<std::thread> threads_;
  std::mutex mutex_;
  std::condition_variable idle_;
  std::size_t in_flight_ = 0;
};

}  // namespace newsd::ingest
