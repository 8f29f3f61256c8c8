#include "newsd/ingest/worker_pool.hpp"

#include <string>

#include "newsd/base/log.hpp"
#include "newsd/base/thread_name.hpp"
#include "steady_ns.hpp"

namespace newsd::ingest {
WorkerPool::WorkerPool(int threads, std::size_t backlog)
    : tasks_(backlog),
      busy_since_(new std::atomic<std::int64_t>[static_cast<std::size_t>(threads < 1 ? 1 : threads)]),
      worker_count_(static_cast<std::size_t>(threads < 1 ? 1 : threads)) {
  threads_.reserve(worker_count_);
  for (std::size_t i = 0; i < worker_count_; ++i) {
    busy_since_[i] = 0;
    threads_.emplace_back([this, i] { loop(i); });
  }
}

WorkerPool::~WorkerPool() {
  tasks_.close();
  for (auto& t : threads_) t.join();
}

void WorkerPool::submit(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    ++in_flight_;
  }
  if (!tasks_.push(std::move(task))) {
    std::lock_guard lock(mutex_);
    --in_flight_;
    idle_.notify_all();
  }
}

void WorkerPool::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return in_flight_ == 0; });
}

std::optional<std::chrono::steady_clock::time_point> WorkerPool::oldest_busy_since() const {
  std::int64_t oldest = 0;
  for (std::size_t i = 0; i < worker_count_; ++i) {
    const std::int64_t since = busy_since_[i].load();
    if (since != 0 && (oldest == 0 || since < oldest)) oldest = since;
  }
  if (oldest == 0) return std::nullopt;
  return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(oldest));
}

void WorkerPool::loop(std::size_t index) {
  name_this_thread("newsd-worker-" + std::to_string(index));
  while (auto task = tasks_.pop()) {
    busy_since_[index] = steady_ns();
    try {
      (*task)();
    } catch (const std::exception& e) {
      // A task that throws is a bug, but one bad page must not take the
      // daemon down with it: log it and keep the worker alive.
      log::error("worker.task_threw", {{"what", e.what()}});
    }
    busy_since_[index] = 0;
    std::lock_guard lock(mutex_);
    if (--in_flight_ == 0) idle_.notify_all();
  }
}

}  // namespace newsd::ingest
