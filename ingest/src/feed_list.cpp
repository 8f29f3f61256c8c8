#include "newsd/ingest/feed_list.hpp"

#include "newsd/base/log.hpp"
#include "newsd/ingest/engine.hpp"

namespace newsd::ingest {

Result<StoreFeedList> read_feed_list(store::Store& store) {
  auto list = store.feed_list();
  if (!list) return std::unexpected(list.error());
  StoreFeedList out;
  out.version = list->version;
  for (auto& row : list->feeds) {
    if (row.state.state == "removed") continue;
    config::FeedConfig feed;
    if (row.spec) {
      // Named for the row in messages; the URLs a spec holds are absolute
      // (check_feed_url resolved them when it was written).
      auto parsed = config::parse_feed_spec(*row.spec, "feeds.spec of feed " + std::to_string(row.state.id));
      if (!parsed) {
        log::error("feed_list.bad_spec",
                   {{"feed_id", row.state.id}, {"url", row.state.url}, {"error", parsed.error().message}});
        continue;
      }
      feed = std::move(*parsed);
    } else {
      feed.url = row.state.url;
      feed.name = row.state.name;
    }
    out.feeds.push_back(std::move(feed));
    out.states.push_back(std::move(row.state));
  }
  return out;
}

Result<std::vector<config::FeedConfig>> feeds_from_store(store::Store& store) {
  auto list = read_feed_list(store);
  if (!list) return std::unexpected(list.error());
  return std::move(list->feeds);
}

Result<int> put_feeds(store::Store& store, std::span<const config::FeedConfig> feeds) {
  std::vector<store::FeedSpec> specs;
  specs.reserve(feeds.size());
  for (const auto& feed : feeds) specs.push_back({feed.url, feed.name, config::feed_spec(feed)});
  return store.put_feed_specs(specs);
}

Result<FeedListRefresh> FeedListRefresh::open(const config::Config& cfg) {
  FeedListRefresh refresh;
  if (cfg.store.backend != config::StoreBackend::postgresql) return refresh;
  // A writer connection: on a new database it creates the schema, as the
  // engine's would a moment later; it only ever reads.
  auto store = store::Store::open(cfg.store);
  if (!store) return std::unexpected(store.error());
  auto version = store->feed_list_version();
  if (!version) return std::unexpected(version.error());
  refresh.store_.emplace(std::move(*store));
  refresh.seen_ = *version;
  refresh.next_ = std::chrono::steady_clock::now() + cfg.workers.refresh;
  return refresh;
}

void FeedListRefresh::tick(Engine& engine, std::chrono::steady_clock::time_point now) {
  if (!store_ || now < next_) return;
  next_ = now + engine.config().workers.refresh;
  auto version = store_->feed_list_version();
  if (!version) {
    log::warn("feed_list.refresh_failed", {{"error", version.error().describe()}});
    return;
  }
  if (*version == seen_) return;
  // No [[feeds]] of its own: the config's were written into the list when
  // it was loaded, and writing them again would put back a feed that
  // `newsd feeds remove` has taken off since.
  config::Config cfg = engine.config();
  cfg.feeds.clear();
  if (auto r = engine.reload(cfg); !r) {
    log::warn("feed_list.refresh_failed", {{"error", r.error().describe()}});
    return;
  }
  log::info("feed_list.refreshed", {{"version", *version}, {"feeds", engine.config().feeds.size()}});
  seen_ = *version;
}

}  // namespace newsd::ingest
