// Store's entry points that choose the backend from the config.
#include "../retag_plan.hpp"
#include "../store_impl.hpp"
#include "pg_backend.hpp"

namespace newsd::store {

Store::Store(std::unique_ptr<pg::Backend> pg) : pg_(std::move(pg)) {}

config::StoreBackend Store::backend() const {
  return pg_ ? config::StoreBackend::postgresql : config::StoreBackend::sqlite;
}

Result<Store> Store::open(const config::StoreConfig& cfg) {
  if (cfg.backend == config::StoreBackend::sqlite) return open(cfg.path, cfg);
  auto backend = pg::Backend::connect(cfg.url, false);
  if (!backend) return std::unexpected(backend.error());
  (*backend)->set_outbox_max_rows(cfg.outbox.max_rows);
  return Store(std::move(*backend));
}

Result<Store> Store::open_readonly(const config::StoreConfig& cfg) {
  if (cfg.backend == config::StoreBackend::sqlite) {
    return open_readonly(cfg.path, std::chrono::duration_cast<std::chrono::milliseconds>(cfg.busy_timeout));
  }
  auto backend = pg::Backend::connect(cfg.url, true);
  if (!backend) return std::unexpected(backend.error());
  return Store(std::move(*backend));
}

Result<bool> Store::request_reactivation(const config::StoreConfig& cfg, std::string_view url, TimePoint now) {
  if (cfg.backend == config::StoreBackend::sqlite) {
    return request_reactivation(cfg.path, url, now,
                                std::chrono::duration_cast<std::chrono::milliseconds>(cfg.busy_timeout));
  }
  // A writer connection: like the daemon's, it brings an older schema
  // forward first (as do retag's and write_labels' below).
  auto backend = pg::Backend::connect(cfg.url, false);
  if (!backend) return std::unexpected(backend.error());
  return (*backend)->reactivate(url, now);
}

Result<RetagReport> Store::retag(const config::StoreConfig& cfg, const TagVersions& current,
                                 const RetagOptions& options, const RetagTagger& tagger,
                                 const RetagProgress& progress) {
  if (cfg.backend == config::StoreBackend::sqlite) return retag(cfg.path, current, options, tagger, progress);
  if (auto ok = retag::check(options); !ok) return std::unexpected(ok.error());
  auto backend = pg::Backend::connect(cfg.url, false);
  if (!backend) return std::unexpected(backend.error());
  return (*backend)->retag(current, options, tagger, progress);
}

Result<LabelWrite> Store::write_labels(const config::StoreConfig& cfg, std::span<const LabelEdit> edits,
                                       std::string_view set_by, TimePoint at) {
  const auto busy_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(cfg.busy_timeout);
  if (cfg.backend == config::StoreBackend::sqlite) return write_labels(cfg.path, edits, set_by, at, busy_timeout);
  if (auto ok = check_label_edits(edits, set_by); !ok) return std::unexpected(ok.error());
  auto backend = pg::Backend::connect(cfg.url, false);
  if (!backend) return std::unexpected(backend.error());
  return (*backend)->write_labels(edits, set_by, at, busy_timeout);
}

namespace {

std::unexpected<Error> leases_need_postgresql() {
  return fail(Errc::unsupported, "feed leases, host budgets and workers need [store] backend = \"postgresql\"");
}

}  // namespace

Result<std::vector<FeedState>> Store::lease_due_feeds(std::string_view worker, TimePoint now, std::chrono::seconds ttl,
                                                      int limit) {
  if (!pg_) return leases_need_postgresql();
  return pg_->lease_due_feeds(worker, now, ttl, limit);
}

Result<std::vector<FeedState>> Store::lease_feeds(std::string_view worker, std::span<const std::int64_t> feed_ids,
                                                  TimePoint now, std::chrono::seconds ttl) {
  if (!pg_) return leases_need_postgresql();
  return pg_->lease_feeds(worker, feed_ids, now, ttl);
}

Result<std::map<std::string, HostSlotTime>> Store::reserve_host_slots(const std::map<std::string, int>& requests,
                                                                      HostSlotTime now, std::chrono::milliseconds gap) {
  if (!pg_) return leases_need_postgresql();
  return pg_->reserve_host_slots(requests, now, gap);
}

Result<void> Store::release_feed(std::string_view worker, std::int64_t feed_id) {
  if (!pg_) return leases_need_postgresql();
  return pg_->release_feed(worker, feed_id);
}

Result<void> Store::heartbeat(const WorkerInfo& worker, TimePoint now, std::chrono::seconds lease_ttl) {
  if (!pg_) return leases_need_postgresql();
  return pg_->heartbeat(worker, now, lease_ttl);
}

Result<std::vector<WorkerInfo>> Store::workers(TimePoint alive_since, TimePoint now) {
  if (!pg_) return leases_need_postgresql();
  return pg_->workers(alive_since, now);
}

}  // namespace newsd::store
