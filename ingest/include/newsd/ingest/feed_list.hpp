#pragma once
/// The feed list of a PostgreSQL store (`[store] backend = "postgresql"`):
/// the feeds every `newsd run` sharing the database polls. `newsd feeds
/// add/remove/import` edit it; a config's own `[[feeds]]` (and feeds_file)
/// are written into it when the engine starts or reloads its config. Each
/// feed is stored as its `[[feeds]]` TOML table (store::FeedSpec) and read
/// back by config::parse_feed_spec, so validation and defaults are a feeds
/// file's. On SQLite the list is the config and its feeds_file, and nothing
/// here is used.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/config/config.hpp"
#include "newsd/store/store.hpp"

namespace newsd::ingest {

class Engine;

/// The listed feeds (not removed) with their stored state, by id.
struct StoreFeedList {
  std::int64_t version = 0;               ///< store::FeedList::version of the snapshot read
  std::vector<config::FeedConfig> feeds;  ///< each feed's settings, from its spec
  std::vector<store::FeedState> states;   ///< parallel to `feeds`
};

/// Reads the list in one snapshot. A feed without a spec (registered before
/// the list existed, or copied by `newsd migrate`) runs with the defaults,
/// its stored URL and name. A spec that does not read back (edited by hand,
/// written by another version) is logged (`feed_list.bad_spec`) and the
/// feed left out, so one bad row never stops the others.
Result<StoreFeedList> read_feed_list(store::Store& store);

/// The settings of every listed feed (read_feed_list's `feeds`).
Result<std::vector<config::FeedConfig>> feeds_from_store(store::Store& store);

/// Writes `feeds` into the list in one transaction (store::Store::put_feed_specs,
/// the spec being config::feed_spec); returns how many changed.
Result<int> put_feeds(store::Store& store, std::span<const config::FeedConfig> feeds);

/// Keeps a running engine's feeds equal to the list, for the daemon's tick:
/// `feeds add` on one host reaches every worker without a signal.
class FeedListRefresh {
 public:
  /// For a daemon of `cfg`; does nothing unless cfg.store is PostgreSQL.
  /// Opens its own connection and reads the list version: call it before
  /// Engine::start, so that a change made while the engine reads the list
  /// is applied at the first refresh rather than missed.
  static Result<FeedListRefresh> open(const config::Config& cfg);

  /// On the coordinator thread (RunControl::on_tick). Every `[workers]
  /// refresh` reads the list version (one row) and, when it moved, reloads
  /// the engine with its own config and no `[[feeds]]` of its own
  /// (Engine::reload then runs the list just read: added feeds due at once,
  /// removed ones dropped, changed ones rescheduled). A failure is logged
  /// and tried again the next period; the engine keeps the feeds it has.
  void tick(Engine& engine, std::chrono::steady_clock::time_point now);

 private:
  FeedListRefresh() = default;
  std::optional<store::Store> store_;  ///< unset on SQLite
  std::int64_t seen_ = 0;              ///< the version the engine's list is at least as new as
  std::chrono::steady_clock::time_point next_{};
};

}  // namespace newsd::ingest
