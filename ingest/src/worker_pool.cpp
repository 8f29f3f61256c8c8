#include "newsd/ingest/worker_pool.hpp"

#include "newsd/base/log.hpp"

namespace newsd::ingest {

WorkerPool::WorkerPool(int threads, std::size_t backlog) : tasks_(backlog) {
  threads_.reserve(static_cast<std::size_t>(threads));
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { loop(); });
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

void WorkerPool::loop() {
  while (auto task = tasks_.pop()) {
    try {
      (*task)();
    } catch (const std::exception& e) {
      // A task that throws is a bug, but one bad page must not take the
      // daemon down with it: log it and keep the worker alive.
      log::error("worker.task_threw", {{"what", e.what()}});
    }
    std::lock_guard lock(mutex_);
    if (--in_flight_ == 0) idle_.notify_all();
  }
}

}  // namespace newsd::ingest
