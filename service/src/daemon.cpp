#include "newsd/service/daemon.hpp"

#include "newsd/base/log.hpp"
#include "newsd/ingest/engine.hpp"
#include "newsd/ingest/feed_list.hpp"
#include "newsd/service/http_server.hpp"
#include "newsd/service/signals.hpp"
#include "newsd/service/systemd_notify.hpp"
#include "newsd/sink/drain.hpp"

namespace newsd::service {
namespace {

using SteadyClock = std::chrono::steady_clock;

constexpr auto kStatusEvery = std::chrono::seconds{5};
constexpr auto kPruneEvery = std::chrono::hours{1};
constexpr auto kDefaultStallThreshold = std::chrono::seconds{60};

std::string status_line(const ingest::EngineStatus& s, const sink::SinksStatus& sinks) {
  std::string line = std::to_string(s.feeds_due) + " feeds due, " + std::to_string(s.feeds_in_flight) + " in flight (" +
                     std::to_string(s.pages_in_flight + s.pages_waiting) + " pages); " +
                     std::to_string(s.stored_today) + " articles stored today; " + std::to_string(s.failing_feeds) +
                     " feeds failing";
  if (!s.worker.empty()) {
    line += "; worker " + s.worker;
    if (!s.claiming) line += " (not claiming: database unreachable)";
  }
  if (sinks.sinks > 0) {
    line += "; outbox lag " + std::to_string(sinks.max_lag);
    if (sinks.failing > 0) line += " (" + std::to_string(sinks.failing) + " sinks failing)";
  }
  return line;
}

void reload(ingest::Engine& engine, sink::SinkRunner* sinks, const std::filesystem::path& config_path,
            const config::LoadOptions& options, const SystemdNotifier& systemd) {
  systemd.reloading();
  auto cfg = config::load_config(config_path, options);
  if (!cfg) {
    log::error("config.reload_failed", {{"error", cfg.error().message}});
  } else if (auto r = engine.reload(*cfg); !r) {
    log::error("config.reload_failed", {{"error", r.error().describe()}});
  } else {
    log::set_level(cfg->log.level);
    if (auto s = sinks->reconfigure(*cfg); !s) {
      log::error("sink.reload_failed", {{"error", s.error().describe()}});
    }
  }
  systemd.ready();
}

// Everything the service does between engine events, on the coordinator
// thread: the watchdog (only while every stage makes progress), STATUS=,
// SIGHUP and retention.
class Ticker {
 public:
  Ticker(const SystemdNotifier& systemd, SignalWatcher& signals, sink::SinkRunner* sinks,
         std::filesystem::path config_path, config::LoadOptions load_options)
      : systemd_(systemd),
        signals_(signals),
        sinks_(sinks),
        config_path_(std::move(config_path)),
        load_options_(std::move(load_options)) {
    // A stage stalled for half the watchdog period stops the pings, so
    // systemd restarts the daemon before the period runs out.
    if (auto half = systemd.keepalive_interval()) stall_threshold_ = *half;
  }

  void operator()(ingest::Engine& engine) {
    const auto now = SteadyClock::now();
    if (auto stalled = engine.stalled_stage(stall_threshold_)) {
      if (!reported_stall_) log::error("daemon.stalled", {{"stage", *stalled}});
      reported_stall_ = true;
    } else {
      reported_stall_ = false;
      systemd_.keepalive();
    }
    if (signals_.take_reload_request()) reload(engine, sinks_, config_path_, load_options_, systemd_);
    if (now >= next_status_) {
      systemd_.status(status_line(engine.status(), sinks_->status()));
      next_status_ = now + kStatusEvery;
    }
    if (now >= next_prune_) {
      engine.prune_expired();
      next_prune_ = now + kPruneEvery;
    }
  }

 private:
  const SystemdNotifier& systemd_;
  SignalWatcher& signals_;
  sink::SinkRunner* sinks_;
  std::filesystem::path config_path_;
  config::LoadOptions load_options_;
  std::chrono::milliseconds stall_threshold_{kDefaultStallThreshold};
  bool reported_stall_ = false;
  SteadyClock::time_point next_status_{};
  SteadyClock::time_point next_prune_ = SteadyClock::now() + kPruneEvery;
};

}  // namespace

int run_daemon(const config::Config& initial, const std::filesystem::path& config_path,
               const config::LoadOptions& load_options) {
  SignalWatcher signals;
  SystemdNotifier systemd;
  // Opened before the engine reads the feed list (PostgreSQL), so a change
  // made meanwhile is applied at the first refresh.
  auto feed_list = ingest::FeedListRefresh::open(initial);
  if (!feed_list) {
    log::error("daemon.start_failed", {{"error", feed_list.error().describe()}});
    return 1;
  }
  auto started = ingest::Engine::start(initial);
  if (!started) {
    log::error("daemon.start_failed", {{"error", started.error().describe()}});
    return started.error().code == Errc::locked ? 2 : 1;  // another newsd writes this database
  }
  ingest::Engine& engine = **started;
  // After Engine::start (which migrates the store) and before the first
  // article: the writer appends for every sink registered here (the
  // outbox lives in the store, on either backend).
  auto started_sinks = sink::SinkRunner::start(initial);
  if (!started_sinks) {
    log::error("daemon.start_failed", {{"error", started_sinks.error().describe()}});
    return 1;
  }
  std::unique_ptr<sink::SinkRunner> sinks = std::move(*started_sinks);
  systemd.ready();
  systemd.status("started");
  log::info("daemon.ready", {{"config", config_path.string()}, {"feeds", engine.config().feeds.size()}});
  engine.prune_expired();

  // [http]: on its own threads; the coordinator only publishes a snapshot per tick.
  IngestBoard board;
  std::unique_ptr<HttpServer> http;
  if (!initial.http.listen.empty()) {
    auto started_http = HttpServer::start(
        {.http = initial.http,
         .db = initial.store.path,
         .postgresql_url = initial.store.backend == config::StoreBackend::postgresql ? initial.store.url : "",
         .busy_timeout = initial.store.busy_timeout,
         .ingest = &board});
    if (!started_http) {
      log::error("daemon.start_failed", {{"error", started_http.error().describe()}});
      return 1;
    }
    http = std::move(*started_http);
  }

  ingest::RunControl control;
  control.stop = [&] { return signals.stop_requested(); };
  control.abandon = [&] {
    return signals.stop_requested() &&
           SteadyClock::now() >= signals.stop_time() + engine.config().daemon.shutdown_grace;
  };
  control.on_tick = [ticker = Ticker(systemd, signals, sinks.get(), config_path, load_options), &board,
                     &feed_list](ingest::Engine& e) mutable {
    ticker(e);
    feed_list->tick(e, SteadyClock::now());
    board.publish_from(e, kDefaultStallThreshold);
  };
  engine.run(control);
  systemd.stopping();
  log::info("daemon.stopping", {});
  return 0;  // Engine's destructor stops the I/O loop, drains the workers and commits the writer
}

}  // namespace newsd::service
