#pragma once
/// The streaming ingest engine. One Engine owns the I/O loop (fetch::IoLoop,
/// its own thread), a WorkerPool (parse, extract, classify), the
/// StoreWriter (one thread), a read connection and the Scheduler (the agenda
/// of feeds by due time). `run` is the coordinator: it runs on the caller's
/// thread, starts due feeds while the pipeline has room, and reacts to
/// events that the I/O callbacks and the workers push onto its inbox
/// (feed fetched, feed parsed, page fetched, page done). There is no cycle:
/// each feed's pages are requested as soon as the feed is parsed, and each
/// feed's state is written as soon as its own entries are done.
///
/// Several processes on one PostgreSQL store (`[workers]`): each polls only
/// the feeds it holds a lease on. `run` claims due feeds from the database
/// up to its free feed slots (no local agenda), `once` claims its
/// configured feeds that no other process holds; a lease ends right after
/// the feed's outcome is committed, heartbeats keep the others, and every
/// request first takes a slot on its host:port's shared budget
/// (ingest/src/leases.hpp).
///
/// Admission, not blocking: a feed starts only while fewer than
/// `feed_slots()` feeds are in flight and fewer than `page_slots()` pages
/// are in flight or waiting, counting the entries the unparsed feeds are
/// expected to bring (admissible_feeds(), engine_rules.hpp); the worker
/// pool's backlog holds one task per admitted feed and page, so submitting
/// never blocks the coordinator.
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/config/config.hpp"
#include "newsd/fetch/fetcher.hpp"
#include "newsd/ingest/store_writer.hpp"
#include "newsd/store/store.hpp"

namespace newsd::ingest {

/// A configured feed with its stored state.
struct FeedPlan {
  config::FeedConfig feed;
  store::FeedState state;
};

/// What the engine did, for logs, STATUS= and `newsd once`'s summary.
struct IngestReport {
  int feeds_fetched = 0;
  int feeds_not_modified = 0;
  int feeds_failed = 0;
  int pages_fetched = 0;
  int pages_failed = 0;
  int articles_inserted = 0;
  int articles_duplicate = 0;
  int entries_without_text = 0;
  int pages_deferred = 0;               ///< new pages over `limits.pages_per_poll`, left for the next poll
  int writes_failed = 0;                ///< articles, sightings and feed states the store could not write
  bool cancelled = false;               ///< the shutdown grace ran out before every poll finished
  std::vector<WrittenArticle> written;  ///< `once` only (a daemon would grow it forever)
};

/// How `Engine::run` is driven.
struct RunControl {
  /// True once no new feed may start; `run` returns when the polls in flight
  /// have finished (their pages included).
  std::function<bool()> stop;
  /// True once in-flight work must be dropped (shutdown grace over): every
  /// transfer is cancelled, the feeds it belonged to keep their old state.
  std::function<bool()> abandon;
  /// Poll every configured feed once, whatever its stored due time, finish
  /// its pages and return.
  bool once = false;
  /// Called on the coordinator thread at least once a second (watchdog,
  /// STATUS=, SIGHUP → reload()).
  std::function<void(class Engine&)> on_tick;
};

/// A snapshot for STATUS= lines.
struct EngineStatus {
  std::size_t feeds = 0;            ///< feeds on the agenda or in flight (a shared store: configured feeds)
  std::size_t feeds_due = 0;        ///< due now and waiting for a slot (a shared store: 0, the database knows)
  std::size_t feeds_in_flight = 0;  ///< being fetched, parsed, or with pages pending
  std::size_t pages_in_flight = 0;
  std::size_t pages_waiting = 0;
  std::size_t failing_feeds = 0;  ///< feeds whose last poll failed
  std::int64_t stored_today = 0;  ///< articles inserted since 00:00 UTC by this process
  std::size_t writer_queued = 0;  ///< items waiting for the store writer
  // The run() in progress so far (zero outside run), for `newsd once`'s live line.
  int pages_done = 0;       ///< article pages fetched or failed
  int articles_stored = 0;  ///< articles inserted
  int errors = 0;           ///< feeds, pages and writes that failed
  /// A shared (PostgreSQL) store: this process's worker id; empty on SQLite.
  std::string worker;
  /// A shared store: false while heartbeats fail (the database is
  /// unreachable): no feed is claimed, polls in flight go on.
  bool claiming = true;
};

class Engine {
 public:
  /// Opens the store (creating and migrating it), loads the taxonomy (and
  /// the model, if configured), registers the configured feeds and starts
  /// the I/O loop, workers and writer. Fails with the first error that makes
  /// ingest impossible. On PostgreSQL the feeds run are the database's list
  /// (feed_list.hpp): cfg.feeds are first written into it, then the whole
  /// list is read; config().feeds is that list.
  static Result<std::unique_ptr<Engine>> start(const config::Config& cfg);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Configured feeds with their state as read from the store at start
  /// (order of the config file; `FeedState::articles` is not counted).
  std::vector<FeedPlan> plans() const;

  /// The coordinator loop (see the top of this header and RunControl).
  IngestReport run(const RunControl& control);

  /// Applies a re-read config (SIGHUP), on the coordinator thread (from
  /// on_tick) or before run: added feeds are due at once; removed feeds
  /// leave the agenda and are marked removed (a poll of theirs in flight is
  /// dropped when its answer comes: not parsed further, its outcome not
  /// written, not rescheduled; pages already in flight are still stored);
  /// changed intervals reschedule from the last fetch, and a poll in flight
  /// is judged by the new bounds when it completes; other kept feeds are
  /// scheduled from their stored state, re-read now (how `newsd feeds
  /// --reactivate` reaches a running daemon); fetch limits, taxonomy, model
  /// and log level apply to work started from now on. store.path and
  /// daemon.workers need a restart (logged). On error the old config stays.
  /// On PostgreSQL, as in start, cfg.feeds are written into the database's
  /// list and the feeds run are the list read now; a feed off the list is
  /// dropped without a write (removing it from the list marked it removed).
  Result<void> reload(const config::Config& cfg);

  /// Prunes articles older than store.keep_days, a batch at a time.
  void prune_expired();

  [[nodiscard]] EngineStatus status() const;
  /// What the current `run` has done so far (`written` left empty), for
  /// /metrics; on the coordinator thread (from on_tick). Zeroes outside run.
  [[nodiscard]] IngestReport progress() const;
  /// The fetcher's counters since start (thread-safe).
  [[nodiscard]] fetch::FetchStats fetch_stats() const;

  /// The first pipeline stage that has made no progress for `threshold`:
  /// "io" (the I/O loop's heartbeat is old), "workers" (a task has run that
  /// long), "writer" (items queued and nothing handled for that long);
  /// nullopt when every stage is moving. The coordinator is the caller.
  [[nodiscard]] std::optional<std::string> stalled_stage(std::chrono::milliseconds threshold) const;

  [[nodiscard]] const config::Config& config() const;

  /// Feeds started at once / pages in flight at once (admission caps):
  /// 2 × fetch.max_connections feeds, and max(fetch.max_connections,
  /// min(daemon.queue_capacity, 4 × fetch.max_connections)) pages.
  static std::size_t feed_slots(const config::Config& cfg);
  static std::size_t page_slots(const config::Config& cfg);

 private:
  struct Impl;
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsd::ingest
