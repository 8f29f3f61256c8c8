// TEMPORARY stand-in for fetch::IoLoop (the libcurl multi loop being built
// on another branch), so the streaming engine compiles and runs until it
// lands. The lead deletes this file at merge. It runs one batch
// Fetcher::fetch per request on a small thread pool: requests are taken in
// order, skipping those whose host:port already has max_per_host transfers;
// callbacks run on the pool threads. No Retry-After pauses, no shared
// politeness clock: only what the engine needs to be exercised.
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "newsd/fetch/io_loop.hpp"

namespace newsd::fetch {
namespace {

std::string host_key(const std::string& url) {
  const auto scheme = url.find("://");
  const auto start = scheme == std::string::npos ? 0 : scheme + 3;
  const auto end = url.find_first_of("/?#", start);
  return url.substr(0, end == std::string::npos ? url.size() : end);
}

}  // namespace

struct IoLoop::Impl {
  struct Job {
    Request request;
    Callback done;
    std::uint64_t epoch = 0;
  };

  config::FetchConfig cfg;
  mutable std::mutex mutex;
  std::condition_variable wake;
  std::deque<Job> inbox;
  std::map<std::string, int> busy_hosts;
  std::size_t pending = 0;
  std::uint64_t epoch = 0;  // bumped by cancel_all
  bool quit = false;
  FetchStats stats;
  std::chrono::steady_clock::time_point heartbeat = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;

  void beat() {
    std::lock_guard lock(mutex);
    heartbeat = std::chrono::steady_clock::now();
  }

  std::optional<Job> take(std::unique_lock<std::mutex>&) {
    for (auto it = inbox.begin(); it != inbox.end(); ++it) {
      if (it->epoch == epoch && busy_hosts[host_key(it->request.url)] >= cfg.max_per_host) continue;
      Job job = std::move(*it);
      inbox.erase(it);
      return job;
    }
    return std::nullopt;
  }

  void complete(Job& job, Result<Response> r) {
    job.done(std::move(r));
    std::lock_guard lock(mutex);
    --pending;
  }

  void loop() {
    Fetcher fetcher(cfg);
    std::unique_lock lock(mutex);
    while (!quit) {
      heartbeat = std::chrono::steady_clock::now();
      auto job = take(lock);
      if (!job) {
        wake.wait_for(lock, std::chrono::milliseconds{250});
        continue;
      }
      const bool cancelled = job->epoch != epoch;
      const std::string host = host_key(job->request.url);
      if (!cancelled) ++busy_hosts[host];
      lock.unlock();
      if (cancelled) {
        complete(*job, fail(Errc::timeout, "cancelled"));
      } else {
        const std::uint64_t my_epoch = job->epoch;
        Result<Response> out = fail(Errc::timeout, "cancelled");
        fetcher.fetch(
            std::span<const Request>(&job->request, 1), [&](std::size_t, Result<Response> r) { out = std::move(r); },
            [&] {
              beat();
              std::lock_guard g(mutex);
              return quit || epoch != my_epoch;
            });
        {
          std::lock_guard g(mutex);
          --busy_hosts[host];
          if (out) {
            ++stats.succeeded;
            if (out->not_modified) ++stats.not_modified;
            stats.body_bytes += out->body.size();
          } else {
            ++stats.failed;
          }
        }
        wake.notify_all();
        complete(*job, std::move(out));
      }
      lock.lock();
    }
  }
};

IoLoop::IoLoop(const config::FetchConfig& cfg) : impl_(std::make_unique<Impl>()) {
  impl_->cfg = cfg;
  const int threads = std::clamp(cfg.max_connections, 1, 32);
  for (int i = 0; i < threads; ++i) impl_->threads.emplace_back([this] { impl_->loop(); });
}

IoLoop::~IoLoop() {
  cancel_all();
  {
    std::lock_guard lock(impl_->mutex);
    impl_->quit = true;
  }
  impl_->wake.notify_all();
  for (auto& t : impl_->threads) t.join();
  // Whatever is still queued completes as cancelled.
  for (auto& job : impl_->inbox) job.done(fail(Errc::timeout, "cancelled"));
}

void IoLoop::submit(Request request, Callback done) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->inbox.push_back({std::move(request), std::move(done), impl_->epoch});
    ++impl_->pending;
  }
  impl_->wake.notify_one();
}

void IoLoop::reconfigure(const config::FetchConfig& cfg) {
  std::lock_guard lock(impl_->mutex);
  impl_->cfg = cfg;  // limits only; the pool threads' Fetchers keep theirs
}

void IoLoop::cancel_all() {
  {
    std::lock_guard lock(impl_->mutex);
    ++impl_->epoch;
  }
  impl_->wake.notify_all();
}

std::size_t IoLoop::pending() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->pending;
}

FetchStats IoLoop::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

std::chrono::steady_clock::time_point IoLoop::heartbeat() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->heartbeat;
}

}  // namespace newsd::fetch
