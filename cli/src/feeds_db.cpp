// `newsd feeds add/remove/import/export` on a PostgreSQL store: the feed list
// lives in the database, so any host can edit it and every worker applies it
// at its next `[workers] refresh`, without a signal (there may be no daemon on
// this host at all). The config file and its feeds file are never written.
#include <algorithm>
#include <iostream>

#include "feeds_target.hpp"
#include "newsd/config/duration.hpp"
#include "newsd/ingest/feed_list.hpp"
#include "newsd/store/store.hpp"

namespace newsd::cli {
namespace {

class DatabaseFeeds final : public FeedsTarget {
 public:
  DatabaseFeeds(config::Config cfg, store::Store store, ingest::StoreFeedList list)
      : FeedsTarget(std::move(cfg)), store_(std::move(store)), list_(std::move(list)) {}

  std::filesystem::path base_dir() const override { return cfg().source.parent_path(); }
  std::string name() const override { return "the database's feed list"; }

  bool listed(const std::string& url) const override { return find(url) != npos; }

  Result<void> add(const std::vector<config::FeedConfig>& added) override {
    // Each spec read back exactly as every worker will read it.
    for (const auto& feed : added) {
      auto check = config::parse_feed_spec(config::feed_spec(feed), "feed " + feed.url);
      if (!check) return std::unexpected(check.error());
    }
    auto put = ingest::put_feeds(store_, added);
    if (!put) return std::unexpected(put.error());
    return {};
  }

  Result<void> remove(const std::string& url, const std::string& raw) override {
    std::size_t at = find(url);
    if (at == npos) at = find(raw);
    if (at == npos) return fail(Errc::not_found, url + " is not a feed");
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    auto removed = store_.remove_feed(list_.states[at].id, now);
    if (!removed) return std::unexpected(removed.error());
    if (!*removed) return fail(Errc::not_found, url + " is not a feed");  // removed by someone else meanwhile
    // The config's own feeds are written into the list whenever a daemon
    // of it starts or reloads, which would put this one back.
    if (std::ranges::find(cfg().feeds, list_.feeds[at].url, &config::FeedConfig::url) != cfg().feeds.end()) {
      std::cerr << "warning: " << list_.feeds[at].url << " is also a [[feeds]] entry of " << cfg().source.string()
                << " (or its feeds_file): remove it there too, or a worker starting with that config puts it back\n";
    }
    return {};
  }

  std::string tell_daemons() const override {
    return "every newsd run on this database applies it within " + config::format_duration(cfg().workers.refresh) +
           " ([workers] refresh)";
  }

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  // By the URL the feed was listed with, or the one a permanent redirect
  // has since moved its row to.
  std::size_t find(const std::string& url) const {
    for (std::size_t i = 0; i < list_.feeds.size(); ++i) {
      if (list_.feeds[i].url == url || list_.states[i].url == url) return i;
    }
    return npos;
  }

  store::Store store_;
  ingest::StoreFeedList list_;
};

}  // namespace

std::unique_ptr<FeedsTarget> open_database_feeds(config::Config cfg) {
  // A writer connection: a new database gets its schema, as a daemon's would.
  auto store = store::Store::open(cfg.store);
  if (!store) {
    std::cerr << "newsd feeds: " << store.error().describe() << '\n';
    return nullptr;
  }
  auto list = ingest::read_feed_list(*store);
  if (!list) {
    std::cerr << "newsd feeds: " << list.error().describe() << '\n';
    return nullptr;
  }
  return std::make_unique<DatabaseFeeds>(std::move(cfg), std::move(*store), std::move(*list));
}

}  // namespace newsd::cli
