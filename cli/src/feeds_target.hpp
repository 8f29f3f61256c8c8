#pragma once
// What `newsd feeds add/remove/import/export` edit: the feeds file named by
// `feeds_file` (SQLite), or the database's feed list (`[store] backend =
// "postgresql"`, ingest/feed_list.hpp). The commands check URLs, build the
// feeds and print the same lines for both; only where the feeds go differs.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/config/config.hpp"

namespace newsd::cli {

class FeedsTarget {
 public:
  explicit FeedsTarget(config::Config cfg) : cfg_(std::move(cfg)) {}
  virtual ~FeedsTarget() = default;
  FeedsTarget(const FeedsTarget&) = delete;
  FeedsTarget& operator=(const FeedsTarget&) = delete;

  /// The config as loaded (its own `[[feeds]]` and feeds file included).
  const config::Config& cfg() const { return cfg_; }
  /// Where relative `file:` URLs given on the command line resolve.
  virtual std::filesystem::path base_dir() const = 0;
  /// The list as the messages name it: the feeds file's path, or "the database's feed list".
  virtual std::string name() const = 0;
  /// True when `url` is a feed already.
  virtual bool listed(const std::string& url) const = 0;
  /// Writes `added` after reading each back as the daemon would: on a
  /// value it would refuse (Errc::config, e.g. --interval 5s) nothing is written.
  virtual Result<void> add(const std::vector<config::FeedConfig>& added) = 0;
  /// Takes the feed off the list; Errc::not_found, saying why, when this
  /// list does not hold it. `url` is as check_feed_url gives it, `raw` as typed.
  virtual Result<void> remove(const std::string& url, const std::string& raw) = 0;
  /// One line saying how running daemons learn of the change (and telling them when it can).
  virtual std::string tell_daemons() const = 0;

 private:
  config::Config cfg_;
};

/// The feed list of the PostgreSQL store `cfg` names, read now; prints why
/// to stderr and returns null when it cannot be reached.
std::unique_ptr<FeedsTarget> open_database_feeds(config::Config cfg);

}  // namespace newsd::cli
