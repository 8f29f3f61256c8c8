#pragma once
/// The drain loops: one thread per configured sink, each reading the outbox
/// after its own cursor (store/outbox.hpp) on its own connections, building
/// each article's JSON from the stored row, delivering it and only then
/// advancing the cursor. The writer only appends, so a sink that is slow or
/// down never slows ingest; its lag grows, up to `[outbox] max_rows`.
///
/// A failed delivery is retried after retry_backoff, doubled per attempt up
/// to max_backoff. A webhook gives up on an article after max_attempts and
/// files it as a dead letter (then moves on); nats and jsonl keep trying the
/// same article, since what fails there is the server or the disk. An
/// outbox row whose article was pruned before delivery is skipped.
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "newsd/config/config.hpp"
#include "newsd/sink/sink.hpp"

namespace newsd::sink {

/// The wait after the `failures`-th consecutive failed attempt (1-based):
/// first × 2^(failures-1), at most `max`.
std::chrono::seconds backoff_delay(int failures, std::chrono::seconds first, std::chrono::seconds max);

/// How often an idle drain loop looks for new outbox rows.
inline constexpr std::chrono::milliseconds kIdlePoll{250};

/// One sink's thread.
class Drain {
 public:
  /// Starts delivering to `sink` from `cfg.name`'s cursor (the sink must be
  /// registered: Outbox::register_sinks) in the store `store` names (SQLite
  /// or PostgreSQL). Fails if the database cannot be opened. Before each
  /// batch the drain claims its sink (Outbox::claim): while another process
  /// sharing a PostgreSQL database delivers it, this one waits, and takes
  /// over from the stored cursor once that one stops or dies.
  static Result<std::unique_ptr<Drain>> start(const config::SinkConfig& cfg, const config::StoreConfig& store,
                                              std::unique_ptr<Sink> sink);
  /// Stops at the next article boundary (a wait is cut short; a delivery
  /// in flight finishes or times out) and joins.
  ~Drain();
  Drain(const Drain&) = delete;
  Drain& operator=(const Drain&) = delete;

  [[nodiscard]] const config::SinkConfig& config() const;
  /// Outbox rows after this sink's cursor when it last looked.
  [[nodiscard]] std::int64_t lag() const;
  /// True while the latest attempt failed.
  [[nodiscard]] bool failing() const;

 private:
  struct Impl;
  explicit Drain(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// For the daemon's STATUS= line.
struct SinksStatus {
  int sinks = 0;
  int failing = 0;
  std::int64_t max_lag = 0;  ///< the largest lag of any sink
};

/// Every configured sink's Drain, owned by `newsd run`.
class SinkRunner {
 public:
  /// Registers `cfg.sinks` (forgetting sinks no longer configured) and
  /// starts a drain per sink. The store must already be migrated
  /// (Store::open). A sink that cannot be created is logged and left out;
  /// only a database failure is an error.
  static Result<std::unique_ptr<SinkRunner>> start(const config::Config& cfg);
  /// SIGHUP: sinks whose settings changed restart (keeping their cursor),
  /// removed ones stop and are forgotten, new ones start after the newest
  /// outbox row.
  Result<void> reconfigure(const config::Config& cfg);
  [[nodiscard]] SinksStatus status() const;

 private:
  explicit SinkRunner(config::StoreConfig store) : store_(std::move(store)) {}
  void start_drain(const config::SinkConfig& cfg);

  config::StoreConfig store_;
  std::map<std::string, std::unique_ptr<Drain>> drains_;
};

}  // namespace newsd::sink
