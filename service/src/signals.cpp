#include "newsd/service/signals.hpp"

#include <pthread.h>
#include <signal.h>

#include "newsd/base/log.hpp"

namespace newsd::service {
namespace {

sigset_t watched_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGUSR2);  // internal: wakes the watcher for shutdown
  return set;
}

}  // namespace

SignalWatcher::SignalWatcher() {
  sigset_t set = watched_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::thread([this] { loop(); });
}

SignalWatcher::~SignalWatcher() {
  quit_watcher_ = true;
  pthread_kill(thread_.native_handle(), SIGUSR2);
  thread_.join();
}

std::chrono::steady_clock::time_point SignalWatcher::stop_time() const {
  std::lock_guard lock(mutex_);
  return stop_time_;
}

bool SignalWatcher::take_reload_request() { return reload_.exchange(false); }

void SignalWatcher::wait_until(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  wake_.wait_until(lock, deadline, [&] { return stop_.load() || reload_.load(); });
}

void SignalWatcher::loop() {
  const sigset_t set = watched_signals();
  while (!quit_watcher_) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (sig == SIGUSR2) continue;
    {
      std::lock_guard lock(mutex_);
      if (sig == SIGHUP) {
        reload_ = true;
      } else if (!stop_) {
        stop_ = true;
        stop_time_ = std::chrono::steady_clock::now();
      }
    }
    log::info("signal.received", {{"signal", sig == SIGHUP ? "SIGHUP" : sig == SIGINT ? "SIGINT" : "SIGTERM"}});
    wake_.notify_all();
  }
}

}  // namespace newsd::service
