#pragma once
/// The ingest engine: everything one newsd process needs to run ingest
/// cycles — the fetcher, the worker pool, the store writer and a read
/// connection — wired from one Config. `newsd once` runs one cycle over
/// every feed; `newsd run` lets the Scheduler call `run_cycle` on due feeds.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/classify/taxonomy.hpp"
#include "newsd/config/config.hpp"
#include "newsd/fetch/fetcher.hpp"
#include "newsd/ingest/store_writer.hpp"
#include "newsd/ingest/tagging.hpp"
#include "newsd/ingest/worker_pool.hpp"
#include "newsd/store/store.hpp"

namespace newsd::ingest {

/// A configured feed with its stored state.
struct FeedPlan {
  config::FeedConfig feed;
  store::FeedState state;
};

/// What one cycle did, for logs, STATUS= and `newsd once`'s summary.
struct CycleReport {
  int feeds_fetched = 0;
  int feeds_not_modified = 0;
  int feeds_failed = 0;
  int pages_fetched = 0;
  int pages_failed = 0;
  int articles_inserted = 0;
  int articles_duplicate = 0;
  int entries_without_text = 0;
  int pages_deferred = 0;  ///< new pages over `limits.pages_per_poll`, left for the next poll
  int writes_failed = 0;   ///< articles, sightings and feed states the store could not write
  bool cancelled = false;
  std::vector<WrittenArticle> written;
};

class Engine {
 public:
  /// Opens the store (creating and migrating it), loads the taxonomy (and
  /// the model, if configured), registers the configured feeds. Fails with
  /// the first error that makes ingest impossible.
  static Result<std::unique_ptr<Engine>> start(const config::Config& cfg);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Configured feeds with their stored state (order of the config file).
  Result<std::vector<FeedPlan>> plans();

  /// Feeds whose next fetch time has come (never fetched counts as due);
  /// feeds marked gone (HTTP 410) are never due.
  Result<std::vector<FeedPlan>> due(std::chrono::sys_seconds now);

  /// Earliest next_fetch_at among active feeds, if any.
  Result<std::optional<std::chrono::sys_seconds>> next_due();

  /// Fetches the given feeds and their new article pages, extracts,
  /// classifies and stores them. `cancelled` is polled: when it turns true
  /// no new work starts, what was fetched is stored, and the report says so.
  CycleReport run_cycle(const std::vector<FeedPlan>& feeds, const std::function<bool()>& cancelled);

  /// Applies a re-read config (SIGHUP): feeds, fetch limits, taxonomy,
  /// model, log level. The store path and worker count need a restart; a
  /// change to them is logged and ignored. On error the old config stays.
  Result<void> reload(const config::Config& cfg);

  /// Prunes articles older than store.keep_days, a batch at a time.
  void prune_expired();

  [[nodiscard]] const config::Config& config() const { return cfg_; }

 private:
  Engine() = default;
  struct CycleState;

  config::Config cfg_;
  std::unique_ptr<fetch::Fetcher> fetcher_;
  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<StoreWriter> writer_;
  std::unique_ptr<store::Store> reader_;
  std::shared_ptr<const Tagging> tagging_;  // swapped whole on reload
  std::mutex tagging_mutex_;
  std::vector<std::int64_t> feed_ids_;  // parallel to cfg_.feeds
};

}  // namespace newsd::ingest
