#pragma once
/// The single writer thread: every row newsd stores goes through here, in
/// batched transactions, so ingest never contends with itself for SQLite's
/// write lock and a crash loses at most the batch in flight.
///
/// A feed's fetch outcome never claims more than was stored: when an article
/// or a sighting of that feed failed to be written since its previous
/// outcome, the outcome's validators are dropped and its error becomes
/// "not stored: <the store's error>", so the next poll reads the feed in
/// full and brings the entries back.
///
/// A feed's outcome is written after the transaction holding its articles
/// commits, but it does not end that transaction: outcomes wait for the
/// batch to fill or the queue to run dry, so a feed of 20 entries does not
/// cost a transaction (and an FTS segment) of its own.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <thread>
#include <variant>
#include <vector>

#include "newsd/ingest/bounded_queue.hpp"
#include "newsd/store/store.hpp"

namespace newsd::ingest {

/// What the writer did with one article (for `newsd once`'s summary).
struct WrittenArticle {
  std::int64_t feed_id = 0;
  std::string title;
  std::string url;
  std::vector<std::string> tags;
  store::UpsertOutcome outcome = store::UpsertOutcome::inserted;
};

/// Another feed links an article that is (or will be, earlier in the
/// queue) stored: record it as a source.
struct SourceSighting {
  std::int64_t feed_id = 0;
  std::string url;  ///< as the feed linked it
  std::string guid;
  std::chrono::sys_seconds seen_at{};
};

/// Writes that failed (disk full, lock timeout, I/O error). A failed batch
/// rolls back whole: none of its articles is stored.
struct WriteFailures {
  int articles = 0;     ///< articles in batches that rolled back
  int sources = 0;      ///< sightings not recorded
  int feed_states = 0;  ///< feed fetch outcomes not recorded
  /// Feed id → the store's error, for each feed with an article or a
  /// sighting that was not stored: its validators must not advance, and `newsd feeds` shows it.
  std::map<std::int64_t, std::string> feeds;

  [[nodiscard]] int total() const { return articles + sources + feed_states; }
};

class StoreWriter {
 public:
  /// Called on the writer thread, with the writer connection, after each
  /// feed outcome's write returned (committed, or failed and rolled back).
  using AfterOutcome = std::function<void(store::Store&, std::int64_t feed_id)>;

  /// Takes ownership of the writer connection and starts the thread.
  /// `after_outcome` (may be empty): see AfterOutcome; the engine ends a
  /// shared store's feed lease there.
  StoreWriter(store::Store store, std::size_t queue_capacity, int batch_size, AfterOutcome after_outcome = {});
  /// Drains the queue, commits and joins.
  ~StoreWriter();
  StoreWriter(const StoreWriter&) = delete;
  StoreWriter& operator=(const StoreWriter&) = delete;

  /// Queue an article / a feed's fetch outcome / a sighting; blocks while
  /// the queue is full. An article is prepared (store::prepare_record) on
  /// the calling thread, from `tokens` when given (store::article_tokens()
  /// of its title and text). Returns the article's ticket (see
  /// committed_through(); 0 once the writer is shut down).
  std::uint64_t write(store::ArticleRecord article, const store::ArticleTokens* tokens = nullptr);
  void write(store::FeedFetchResult result);
  void write(SourceSighting sighting);

  /// Blocks until everything queued so far is committed (or failed).
  void flush();

  /// Articles written since the last call (moved out).
  std::vector<WrittenArticle> take_written();

  /// Failed writes since the last call (moved out).
  WriteFailures take_failures();

  /// Runs `fn` on the writer thread with the writer connection, after what
  /// is queued so far, and waits for it (pruning, maintenance).
  Result<void> run_exclusive(const std::function<Result<void>(store::Store&)>& fn);

  /// Every article whose ticket is at most this is committed, or failed and
  /// rolled back: from then on another connection reads what was stored
  /// (the engine's reader looking up a feed's entries). Thread-safe.
  [[nodiscard]] std::uint64_t committed_through() const { return committed_through_.load(); }

  /// Items queued and not yet handled; thread-safe.
  [[nodiscard]] std::size_t queued() const { return queue_.size(); }
  /// When the writer last finished an item (or started), for the watchdog:
  /// items queued while this stays old mean the writer is stuck. Thread-safe.
  [[nodiscard]] std::chrono::steady_clock::time_point last_progress() const;

 private:
  struct Barrier {
    std::function<Result<void>(store::Store&)> fn;
    std::promise<Result<void>>* done = nullptr;
  };
  using Item = std::variant<store::ArticleRecord, store::FeedFetchResult, SourceSighting, Barrier>;

  void loop();
  void handle(Item& item, std::vector<store::ArticleRecord>& batch);
  /// Commits the batch, moves committed_through() past it, then writes the
  /// feed outcomes that waited for it.
  void commit_articles(std::vector<store::ArticleRecord>& batch);
  /// The batch's transaction; a failure is reported, not returned.
  void write_batch(std::vector<store::ArticleRecord>& batch);
  /// Records the waiting feed outcomes (one transaction for all), those
  /// whose articles failed without their validators, then runs each one's
  /// after-outcome hook.
  void record_waiting_feeds();
  void note_failure(std::int64_t feed_id, const std::string& error);

  store::Store store_;
  BoundedQueue<Item> queue_;
  const std::size_t batch_size_;
  const AfterOutcome after_outcome_;
  std::mutex report_mutex_;
  std::vector<WrittenArticle> written_;
  WriteFailures failures_;
  std::map<std::int64_t, std::string> unreported_;     // writer thread only: feed -> failure since its last outcome
  std::vector<store::FeedFetchResult> waiting_feeds_;  // writer thread only: outcomes behind the open batch
  std::uint64_t popped_ = 0;  // writer thread only: items taken from the queue, the tickets' count
  std::atomic<std::uint64_t> committed_through_{0};
  std::atomic<std::int64_t> last_progress_ns_;
  std::thread thread_;
};

}  // namespace newsd::ingest
