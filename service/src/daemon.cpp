#include "newsd/service/daemon.hpp"

#include <algorithm>

#include "newsd/base/log.hpp"
#include "newsd/ingest/engine.hpp"
#include "newsd/service/signals.hpp"
#include "newsd/service/systemd_notify.hpp"

namespace newsd::service {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string status_line(const ingest::CycleReport& r) {
  return "last cycle: " + std::to_string(r.articles_inserted) + " new articles, " +
         std::to_string(r.feeds_fetched + r.feeds_not_modified) + " feeds ok, " + std::to_string(r.feeds_failed) +
         " failed";
}

}  // namespace

int run_daemon(const config::Config& initial, const std::filesystem::path& config_path) {
  SignalWatcher signals;
  SystemdNotifier systemd;
  auto started = ingest::Engine::start(initial);
  if (!started) {
    log::error("daemon.start_failed", {{"error", started.error().describe()}});
    return started.error().code == Errc::locked ? 2 : 1;  // another newsd writes this database
  }
  ingest::Engine& engine = **started;
  systemd.ready();
  systemd.status("started");
  log::info("daemon.ready", {{"config", config_path.string()}, {"feeds", initial.feeds.size()}});

  const auto cancelled = [&] {
    return signals.stop_requested() &&
           SteadyClock::now() >= signals.stop_time() + engine.config().daemon.shutdown_grace;
  };
  while (!signals.stop_requested()) {
    systemd.keepalive();
    if (signals.take_reload_request()) {
      systemd.reloading();
      auto cfg = config::load_config(config_path);
      if (!cfg) {
        log::error("config.reload_failed", {{"error", cfg.error().message}});
      } else if (auto r = engine.reload(*cfg); !r) {
        log::error("config.reload_failed", {{"error", r.error().describe()}});
      } else {
        log::set_level(cfg->log.level);
      }
      systemd.ready();
    }
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    auto due = engine.due(now);
    if (!due) {
      log::error("scheduler.failed", {{"error", due.error().describe()}});
    } else if (!due->empty()) {
      auto report = engine.run_cycle(*due, cancelled);
      systemd.status(status_line(report));
      engine.prune_expired();
      continue;  // more feeds may have come due while this cycle ran
    }
    // Sleep until the next feed is due, a signal arrives, or the watchdog
    // needs feeding; wake at least once a minute to re-read the schedule.
    auto deadline = SteadyClock::now() + std::chrono::minutes{1};
    if (auto next = engine.next_due(); next && *next) {
      const auto wait = std::max(**next - now, std::chrono::seconds{1});
      deadline = std::min(deadline, SteadyClock::now() + wait);
    }
    if (auto interval = systemd.keepalive_interval()) deadline = std::min(deadline, SteadyClock::now() + *interval);
    signals.wait_until(deadline);
  }
  systemd.stopping();
  log::info("daemon.stopping", {});
  return 0;  // Engine's destructor drains the workers and commits the writer
}

}  // namespace newsd::service
