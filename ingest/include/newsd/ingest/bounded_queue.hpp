#pragma once
/// A blocking multi-producer/multi-consumer FIFO with a capacity: producers
/// wait when it is full, which is how a slow stage (the store writer) slows
/// the stages before it instead of letting memory grow.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

namespace newsd::ingest {

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  /// Blocks while full. Returns false (and drops `item`) once the queue is closed.
  bool push(T item) { return push_counted(std::move(item)).has_value(); }

  /// Like push, and returns the item's position in the stream of all items
  /// ever pushed (1 for the first): a single consumer that counts what it
  /// pops knows when it has reached it.
  std::optional<std::uint64_t> push_counted(T item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return std::nullopt;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return ++pushed_;
  }

  /// Blocks until an item is available; nullopt once closed and drained.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    return take(lock);
  }

  /// Like pop, but once nothing has come for `idle`, runs `on_idle` (with
  /// the queue unlocked) and then waits on: a consumer thread gives back
  /// memory when its stage goes quiet (release_free_memory()).
  template <class OnIdle>
  std::optional<T> pop_after_idle(std::chrono::steady_clock::duration idle, OnIdle&& on_idle) {
    {
      std::unique_lock lock(mutex_);
      if (not_empty_.wait_for(lock, idle, [&] { return closed_ || !items_.empty(); })) return take(lock);
    }
    on_idle();
    return pop();
  }

  /// Like pop, but returns nullopt immediately when the queue is empty.
  std::optional<T> try_pop() {
    std::unique_lock lock(mutex_);
    return take(lock);
  }

  /// Wakes every waiter; later pushes fail, pops drain what is left.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  [[nodiscard]] std::size_t size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }

 private:
  std::optional<T> take(std::unique_lock<std::mutex>&) {
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<T> items_;
  std::uint64_t pushed_ = 0;
  bool closed_ = false;
};

}  // namespace newsd::ingest
