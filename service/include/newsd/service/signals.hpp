#pragma once
/// Process signals as events: SIGTERM/SIGINT request a stop, SIGHUP a
/// config reload. The signals are blocked in every thread and received by
/// one watcher thread (sigwait), so no work happens in a signal handler.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace newsd::service {

class SignalWatcher {
 public:
  /// Blocks SIGTERM, SIGINT and SIGHUP for the calling thread (and the
  /// threads it creates later) and starts the watcher. Create it before any
  /// other thread.
  SignalWatcher();
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  [[nodiscard]] bool stop_requested() const { return stop_.load(); }
  /// When the first stop signal arrived (meaningful once stop_requested()).
  [[nodiscard]] std::chrono::steady_clock::time_point stop_time() const;
  /// True once per SIGHUP received since the last call.
  bool take_reload_request();

  /// Sleeps until `deadline` or until a signal arrives, whichever is first.
  void wait_until(std::chrono::steady_clock::time_point deadline);

 private:
  void loop();

  std::atomic<bool> stop_{false};
  std::atomic<bool> reload_{false};
  std::atomic<bool> quit_watcher_{false};
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::chrono::steady_clock::time_point stop_time_{};
  std::thread thread_;
};

}  // namespace newsd::service
