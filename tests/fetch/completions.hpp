#pragma once
// Collects IoLoop completions for the loop tests: in arrival order, tagged,
// with the threads they arrived on.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "newsd/fetch/io_loop.hpp"

namespace newsd::fetch::testing {

inline constexpr auto kHang = std::chrono::seconds(30);  ///< upper bound for "completed at all"

struct Completions {
  std::mutex mutex;
  std::condition_variable cv;
  std::vector<std::pair<std::string, Result<Response>>> results;  ///< tag, result
  std::set<std::thread::id> threads;

  IoLoop::Callback callback(std::string tag) {
    return [this, tag = std::move(tag)](Result<Response> r) {
      std::lock_guard lock(mutex);
      results.emplace_back(tag, std::move(r));
      threads.insert(std::this_thread::get_id());
      cv.notify_all();
    };
  }

  /// Waits until `n` completions arrived (false if kHang passed first).
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, kHang, [&] { return results.size() >= n; });
  }

  /// The first completion tagged `tag`.
  const Result<Response>& get(const std::string& tag) {
    std::lock_guard lock(mutex);
    for (const auto& [t, r] : results) {
      if (t == tag) return r;
    }
    throw std::runtime_error("no completion tagged " + tag);
  }
};

}  // namespace newsd::fetch::testing
