#include "newsd/ingest/store_writer.hpp"

#include <future>

#include "newsd/base/log.hpp"
#include "newsd/base/memory.hpp"
#include "newsd/base/thread_name.hpp"
#include "newsd/ingest/stage_timings.hpp"
#include "steady_ns.hpp"

namespace newsd::ingest {
StoreWriter::StoreWriter(store::Store store, std::size_t queue_capacity, int batch_size, AfterOutcome after_outcome)
    : store_(std::move(store)),
      queue_(queue_capacity),
      batch_size_(static_cast<std::size_t>(batch_size < 1 ? 1 : batch_size)),
      after_outcome_(std::move(after_outcome)),
      last_progress_ns_(steady_ns()),
      thread_([this] { loop(); }) {}

StoreWriter::~StoreWriter() {
  queue_.close();
  thread_.join();
}

std::uint64_t StoreWriter::write(store::ArticleRecord article, const store::ArticleTokens* tokens) {
  // The caller (a worker) tokenizes and fingerprints the record, so the one
  // writer thread, which bounds ingest, only writes rows (and on PostgreSQL
  // holds the writers' lock for less time).
  try {
    article.prepared = tokens ? store::prepare_record(article, *tokens) : store::prepare_record(article);
  } catch (const std::exception& e) {
    // The writer then works it out itself and reports the failure with the article.
    log::debug("store.prepare_failed", {{"url", article.url}, {"error", e.what()}});
  }
  // Its position in the queue: the writer counts the items it takes.
  return queue_.push_counted(std::move(article)).value_or(0);
}

void StoreWriter::write(store::FeedFetchResult result) { queue_.push(std::move(result)); }

void StoreWriter::write(SourceSighting sighting) { queue_.push(std::move(sighting)); }

void StoreWriter::flush() {
  (void)run_exclusive([](store::Store&) -> Result<void> { return {}; });
}

Result<void> StoreWriter::run_exclusive(const std::function<Result<void>(store::Store&)>& fn) {
  std::promise<Result<void>> done;
  auto future = done.get_future();
  if (!queue_.push(Barrier{fn, &done})) return fail(Errc::internal, "store writer is shut down");
  return future.get();
}

std::vector<WrittenArticle> StoreWriter::take_written() {
  std::lock_guard lock(report_mutex_);
  return std::exchange(written_, {});
}

WriteFailures StoreWriter::take_failures() {
  std::lock_guard lock(report_mutex_);
  return std::exchange(failures_, {});
}

std::chrono::steady_clock::time_point StoreWriter::last_progress() const {
  return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(last_progress_ns_.load()));
}

void StoreWriter::note_failure(std::int64_t feed_id, const std::string& error) {
  unreported_.emplace(feed_id, error);
  std::lock_guard lock(report_mutex_);
  failures_.feeds.emplace(feed_id, error);
}

void StoreWriter::commit_articles(std::vector<store::ArticleRecord>& batch) {
  if (!batch.empty()) write_batch(batch);
  // Every article taken so far is committed now (or known failed), and
  // only now may its feed's state be written: a feed's state never runs
  // ahead of its articles.
  committed_through_ = popped_;
  record_waiting_feeds();
}

void StoreWriter::write_batch(std::vector<store::ArticleRecord>& batch) {
  const StageTimer timer(Stage::write);
  auto outcomes = store_.write_articles(batch);
  if (!outcomes) {
    // The transaction rolled back: nothing of the batch is stored, and the
    // feeds involved keep their old validators so the next poll retries.
    log::error("store.write_failed", {{"articles", batch.size()}, {"error", outcomes.error().describe()}});
    for (const auto& a : batch) note_failure(a.feed_id, outcomes.error().describe());
    std::lock_guard lock(report_mutex_);
    failures_.articles += static_cast<int>(batch.size());
  } else {
    std::lock_guard lock(report_mutex_);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      WrittenArticle w{batch[i].feed_id, batch[i].title, batch[i].url, {}, (*outcomes)[i]};
      for (const auto& t : batch[i].tags) w.tags.push_back(t.name);
      written_.push_back(std::move(w));
    }
    log::debug("store.batch_committed", {{"articles", batch.size()}});
  }
  batch.clear();
}

void StoreWriter::record_waiting_feeds() {
  if (waiting_feeds_.empty()) return;
  for (auto& result : waiting_feeds_) {
    auto failed = unreported_.find(result.feed_id);
    if (failed == unreported_.end()) continue;
    // Fetched fine but not stored: the error is the store's, and the old
    // validators stay so the next poll brings the entries back.
    result.etag.reset();
    result.last_modified.reset();
    // Likewise the link set and the index children: seen, not stored.
    result.links_hash.reset();
    result.children_read.clear();
    if (!result.error) result.error = "not stored: " + failed->second;
    unreported_.erase(failed);
  }
  const auto recorded = store_.record_fetches(waiting_feeds_);
  for (std::size_t i = 0; i < waiting_feeds_.size(); ++i) {
    const std::int64_t feed_id = waiting_feeds_[i].feed_id;
    if (!recorded[i]) {
      log::error("store.feed_state_failed", {{"feed_id", feed_id}, {"error", recorded[i].error().describe()}});
      std::lock_guard lock(report_mutex_);
      ++failures_.feed_states;
    }
    // record_fetches commits before it returns, and this one thread owns
    // the connection: whatever the hook does (end the feed's lease) comes
    // strictly after the outcome is in the database.
    if (after_outcome_) after_outcome_(store_, feed_id);
  }
  waiting_feeds_.clear();
}

void StoreWriter::handle(Item& item, std::vector<store::ArticleRecord>& batch) {
  if (auto* article = std::get_if<store::ArticleRecord>(&item)) {
    batch.push_back(std::move(*article));
    if (batch.size() >= batch_size_) commit_articles(batch);
  } else if (auto* seen = std::get_if<SourceSighting>(&item)) {
    commit_articles(batch);  // the sighted article may be in this batch
    if (auto r = store_.add_source(seen->feed_id, seen->url, seen->guid, seen->seen_at); !r) {
      log::error("store.source_failed", {{"url", seen->url}, {"error", r.error().describe()}});
      note_failure(seen->feed_id, r.error().describe());
      std::lock_guard lock(report_mutex_);
      ++failures_.sources;
    }
  } else if (auto* feed = std::get_if<store::FeedFetchResult>(&item)) {
    // Its articles may be in the open batch: the outcome waits for it.
    waiting_feeds_.push_back(std::move(*feed));
    if (batch.empty()) commit_articles(batch);
  } else {
    commit_articles(batch);
    auto& barrier = std::get<Barrier>(item);
    barrier.done->set_value(barrier.fn(store_));
  }
}

void StoreWriter::loop() {
  name_this_thread("newsd-writer");
  std::vector<store::ArticleRecord> batch;
  batch.reserve(batch_size_);
  // Commit whenever the batch is full or the queue runs dry: batching only
  // what is already waiting keeps latency low when ingest is slow.
  // Idle between polls: the page cache and the heap go back to the OS.
  const auto on_idle = [this] {
    store_.release_memory();
    release_free_memory();
  };
  while (auto item = queue_.pop_after_idle(kReleaseMemoryAfterIdle, on_idle)) {
    do {
      ++popped_;
      handle(*item, batch);
      last_progress_ns_ = steady_ns();
      item = queue_.try_pop();
    } while (item);
    commit_articles(batch);
    // The database file alone should hold what was written (copies, readers that cannot open the WAL).
    if (auto ok = store_.checkpoint_when_due(std::chrono::steady_clock::now()); !ok) {
      log::warn("store.checkpoint_failed", {{"error", ok.error().describe()}});
    }
    last_progress_ns_ = steady_ns();
  }
  commit_articles(batch);
  if (auto ok = store_.checkpoint(store::WalCheckpoint::truncate); !ok) {
    log::warn("store.checkpoint_failed", {{"error", ok.error().describe()}});
  }
}

}  // namespace newsd::ingest
