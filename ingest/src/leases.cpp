#include "leases.hpp"

#include <unistd.h>

#include <map>

#include "newsd/base/log.hpp"
#include "newsd/base/thread_name.hpp"

namespace newsd::ingest {
namespace {

using std::chrono::sys_seconds;

sys_seconds now_seconds() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

}  // namespace

std::string worker_id(const std::string& host, int pid, sys_seconds started) {
  return host + ":" + std::to_string(pid) + ":" + std::to_string(started.time_since_epoch().count());
}

Result<std::unique_ptr<SharedFeeds>> SharedFeeds::start(const config::Config& cfg) {
  auto claims = store::Store::open(cfg.store);
  if (!claims) return std::unexpected(claims.error());
  auto beats = store::Store::open(cfg.store);
  if (!beats) return std::unexpected(beats.error());
  const auto started = now_seconds();
  store::WorkerInfo info{worker_id(host_name(), ::getpid(), started), host_name(), ::getpid(), started, started, {}};
  // The first heartbeat before any claim: `newsd workers` lists this
  // process from the start, and a database that refuses it stops start-up.
  if (auto r = beats->heartbeat(info, started, cfg.workers.lease_ttl); !r) return std::unexpected(r.error());
  std::unique_ptr<SharedFeeds> shared(new SharedFeeds(std::move(*claims), std::move(*beats), info, cfg.workers));
  log::info("workers.joined", {{"worker", shared->worker()},
                               {"lease_ttl_s", cfg.workers.lease_ttl.count()},
                               {"heartbeat_s", cfg.workers.heartbeat.count()}});
  return shared;
}

SharedFeeds::SharedFeeds(store::Store claims, store::Store beats, store::WorkerInfo info, config::WorkersConfig cfg)
    : claims_(std::move(claims)), beats_(std::move(beats)), info_(std::move(info)), cfg_(cfg) {
  heartbeat_ = std::thread([this] { heartbeat_loop(); });
}

SharedFeeds::~SharedFeeds() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  heartbeat_.join();
}

void SharedFeeds::heartbeat_loop() {
  name_this_thread("newsd-lease");
  std::unique_lock lock(mutex_);
  for (;;) {
    if (wake_.wait_for(lock, cfg_.heartbeat, [this] { return stopping_; })) return;
    lock.unlock();
    // Releases first: a heartbeat extends every lease this worker still
    // holds, so one left over from a failed release would never end.
    retry_releases(beats_);
    const auto now = now_seconds();
    auto beat = beats_.heartbeat(info_, now, cfg_.lease_ttl);
    const bool was_healthy = healthy_.exchange(beat.has_value());
    if (!beat && was_healthy) {
      // Polls in flight go on; their leases lapse after lease_ttl and
      // another worker may take those feeds over.
      log::error("workers.heartbeat_failed", {{"worker", info_.id}, {"error", beat.error().describe()}});
    } else if (beat && !was_healthy) {
      log::info("workers.heartbeat_restored", {{"worker", info_.id}});
    }
    lock.lock();
  }
}

void SharedFeeds::retry_releases(store::Store& store) {
  std::set<std::int64_t> pending;
  {
    std::lock_guard lock(mutex_);
    pending.swap(unreleased_);
  }
  for (const auto id : pending) {
    if (auto r = store.release_feed(info_.id, id); !r) {
      std::lock_guard lock(mutex_);
      unreleased_.insert(id);
    }
  }
}

void SharedFeeds::release_failed(std::int64_t feed_id, const Error& error) {
  log::warn("workers.release_failed", {{"feed_id", feed_id}, {"error", error.describe()}});
  std::lock_guard lock(mutex_);
  unreleased_.insert(feed_id);
}

std::vector<store::FeedState> SharedFeeds::claim_due(sys_seconds now, int limit) {
  if (!healthy() || limit <= 0) return {};
  return take_claimed(claims_.lease_due_feeds(info_.id, now, cfg_.lease_ttl, limit));
}

std::vector<store::FeedState> SharedFeeds::claim(std::span<const std::int64_t> ids, sys_seconds now) {
  if (!healthy() || ids.empty()) return {};
  return take_claimed(claims_.lease_feeds(info_.id, ids, now, cfg_.lease_ttl));
}

std::vector<store::FeedState> SharedFeeds::take_claimed(Result<std::vector<store::FeedState>> leased) {
  if (!leased) {
    log::warn("workers.claim_failed", {{"worker", info_.id}, {"error", leased.error().describe()}});
    return {};
  }
  std::lock_guard lock(mutex_);
  for (const auto& f : *leased) unreleased_.erase(f.id);  // leased again: a retried release must not end it
  return std::move(*leased);
}

void SharedFeeds::release(std::int64_t feed_id) {
  if (auto r = claims_.release_feed(info_.id, feed_id); !r) release_failed(feed_id, r.error());
}

void SharedFeeds::release_after_outcome(store::Store& writer, std::int64_t feed_id) {
  if (auto r = writer.release_feed(info_.id, feed_id); !r) release_failed(feed_id, r.error());
}

void SharedFeeds::space_requests(Batch& batch, std::chrono::milliseconds gap) {
  if (gap <= std::chrono::milliseconds{0} || batch.empty()) return;
  std::vector<std::string> keys;
  keys.reserve(batch.size());
  std::map<std::string, int> counts;
  for (const auto& [request, done] : batch) {
    keys.push_back(fetch::politeness_key(request.url));
    if (!keys.back().empty()) ++counts[keys.back()];
  }
  if (counts.empty()) return;
  // One clock reading for both: the reserved times are wall-clock (shared
  // with other hosts), the I/O loop waits on the steady clock.
  const auto wall = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const auto steady = std::chrono::steady_clock::now();
  auto first = claims_.reserve_host_slots(counts, wall, gap);
  if (!first) {
    if (steady - budget_warned_ > std::chrono::minutes{1}) {
      log::warn("workers.host_budget_failed", {{"error", first.error().describe()}});
      budget_warned_ = steady;
    }
    return;
  }
  std::map<std::string, int> taken;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (keys[i].empty()) continue;
    const auto slot = first->at(keys[i]) + gap * taken[keys[i]]++;
    batch[i].first.not_before = steady + (slot - wall);
  }
}

}  // namespace newsd::ingest
