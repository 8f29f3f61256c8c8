#pragma once
/// Sharing one PostgreSQL store with other newsd processes (`[workers]`):
/// this process's worker id, the feed leases it takes and gives back, the
/// heartbeat that keeps them, and the host budgets its requests are spaced
/// by. The engine uses it only when `[store] backend = "postgresql"`.
///
/// Threads and connections:
/// - claim_due / claim / release / space_requests: the coordinator, on a
///   connection of their own;
/// - the heartbeat: a thread of its own, on its own connection, every
///   `workers.heartbeat`; it also retries releases that failed;
/// - release_after_outcome: the store writer's thread, on the writer's
///   connection, right after a feed's outcome was written (StoreWriter's
///   after-outcome hook), so a lease never ends before the state it
///   protects is committed.
/// Nothing here runs on the I/O thread.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/config/config.hpp"
#include "newsd/fetch/io_loop.hpp"
#include "newsd/store/store.hpp"

namespace newsd::ingest {

/// "host:pid:start" (start in Unix seconds): unique per process, also
/// across a pid reused after a restart.
std::string worker_id(const std::string& host, int pid, std::chrono::sys_seconds started);

class SharedFeeds {
 public:
  using Batch = std::vector<std::pair<fetch::Request, fetch::IoLoop::Callback>>;

  /// Opens the two connections, records the first heartbeat and starts the
  /// heartbeat thread. Fails when the database cannot be reached at start.
  static Result<std::unique_ptr<SharedFeeds>> start(const config::Config& cfg);
  /// Stops the heartbeat thread. Leases still held expire after lease_ttl.
  ~SharedFeeds();
  SharedFeeds(const SharedFeeds&) = delete;
  SharedFeeds& operator=(const SharedFeeds&) = delete;

  [[nodiscard]] const std::string& worker() const { return info_.id; }
  /// False while the last heartbeat failed: the database is unreachable,
  /// and claim_due / claim lease nothing until a heartbeat succeeds again.
  [[nodiscard]] bool healthy() const { return healthy_.load(); }

  /// Leases up to `limit` feeds due at `now` that no worker holds, and
  /// returns their stored state (another worker's last outcome included).
  /// Empty while unhealthy or when the claim fails (logged).
  std::vector<store::FeedState> claim_due(std::chrono::sys_seconds now, int limit);
  /// Leases those of `ids` no other worker holds, due or not (`once`).
  std::vector<store::FeedState> claim(std::span<const std::int64_t> ids, std::chrono::sys_seconds now);
  /// Ends the lease of a feed whose poll writes no outcome (dropped by a
  /// reload, cancelled at shutdown, not configured in this process).
  void release(std::int64_t feed_id);
  /// Ends the lease of `feed_id` on the writer's connection; called by the
  /// writer after the feed's outcome was written (or failed to be: the
  /// lease is given back either way, else the heartbeat would keep it).
  void release_after_outcome(store::Store& writer, std::int64_t feed_id);

  /// Spaces `batch` on the shared host budgets: each request's not_before
  /// becomes the start time reserved for it on its host:port, `gap` after
  /// the previous one whichever process sent it. Nothing when gap is zero;
  /// when the reservation fails (logged) the requests keep only the I/O
  /// loop's own politeness.
  void space_requests(Batch& batch, std::chrono::milliseconds gap);

 private:
  SharedFeeds(store::Store claims, store::Store beats, store::WorkerInfo info, config::WorkersConfig cfg);
  void heartbeat_loop();
  void retry_releases(store::Store& store);
  void release_failed(std::int64_t feed_id, const Error& error);
  // What a claim returned: the feeds now held (none, logged, on an error).
  std::vector<store::FeedState> take_claimed(Result<std::vector<store::FeedState>> leased);

  store::Store claims_;  // coordinator thread only
  store::Store beats_;   // heartbeat thread only
  store::WorkerInfo info_;
  config::WorkersConfig cfg_;
  std::atomic<bool> healthy_{true};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;                                  // under mutex_
  std::set<std::int64_t> unreleased_;                      // under mutex_: releases to retry
  std::chrono::steady_clock::time_point budget_warned_{};  // coordinator only: rate-limits a log line
  std::thread heartbeat_;
};

}  // namespace newsd::ingest
