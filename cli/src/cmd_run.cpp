// `newsd once` (every feed polled once, its pages finished, then a summary) and
// `newsd run` (the daemon loop lives in service/).
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli_common.hpp"
#include "commands.hpp"
#include "newsd/base/log.hpp"
#include "newsd/ingest/engine.hpp"
#include "newsd/service/daemon.hpp"
#include "newsd/service/signals.hpp"

namespace newsd::cli {
namespace {

using ingest::Engine;
using ingest::IngestReport;
using SteadyClock = std::chrono::steady_clock;

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

void print_summary(const IngestReport& report, const std::vector<ingest::FeedPlan>& plans, bool json) {
  std::map<std::int64_t, std::string> feed_names;
  for (const auto& p : plans) {
    feed_names[p.state.id] = !p.feed.name.empty() ? p.feed.name : !p.state.title.empty() ? p.state.title : p.feed.url;
  }
  if (json) {
    for (const auto& w : report.written) {
      nlohmann::json line = {{"feed", feed_names[w.feed_id]},
                             {"title", w.title},
                             {"url", w.url},
                             {"tags", w.tags},
                             {"outcome", w.outcome == store::UpsertOutcome::inserted ? "stored" : "duplicate"}};
      std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    }
    return;
  }
  for (const auto& w : report.written) {
    if (w.outcome != store::UpsertOutcome::inserted) continue;
    std::cout << feed_names[w.feed_id] << " | " << w.title << " | " << join(w.tags, ", ") << '\n';
  }
  std::cout << "stored " << report.articles_inserted << " new articles (" << report.articles_duplicate
            << " duplicates) from " << report.feeds_fetched << " feeds; " << report.feeds_not_modified
            << " not modified, " << report.feeds_failed << " failed, " << report.pages_failed << " pages failed";
  if (report.pages_deferred > 0) std::cout << ", " << report.pages_deferred << " pages left for the next poll";
  if (report.writes_failed > 0)
    std::cout << ", " << report.writes_failed << " writes failed (those feeds are read again next time)";
  std::cout << '\n';
}

// The live line of `newsd once` on a terminal, redrawn in place on stderr
// at each engine tick (twice a second).
class ProgressLine {
 public:
  explicit ProgressLine(std::size_t total_feeds) : total_(total_feeds) {}

  void draw(const ingest::EngineStatus& s) {
    // In once mode a feed leaves the engine's agenda for good when its poll,
    // pages included, is finished.
    const std::size_t done = total_ - std::min(total_, s.feeds);
    std::cerr << "\r\x1b[Kfeeds " << done << '/' << total_ << "  pages " << s.pages_done << "  stored "
              << s.articles_stored << "  errors " << s.errors << std::flush;
    drawn_ = true;
  }

  /// Erases the line so the summary starts on a clean one.
  void clear() {
    if (drawn_) std::cerr << "\r\x1b[K" << std::flush;
  }

 private:
  std::size_t total_;
  bool drawn_ = false;
};

// Only a person watching a terminal wants the live line: piped or captured
// output (cron, systemd, a script) gets the summary alone.
bool interactive() { return ::isatty(STDOUT_FILENO) == 1 && ::isatty(STDERR_FILENO) == 1; }

int run_once(const config::Config& cfg, bool json, bool progress) {
  service::SignalWatcher signals;
  auto engine = Engine::start(cfg);
  if (!engine) {
    std::cerr << "newsd: " << engine.error().describe() << '\n';
    return engine.error().code == Errc::locked ? 2 : 1;  // another newsd writes this database
  }
  const auto plans = (*engine)->plans();
  const auto grace = cfg.daemon.shutdown_grace;
  ingest::RunControl control;
  control.once = true;
  control.stop = [&] { return signals.stop_requested(); };
  control.abandon = [&] { return signals.stop_requested() && SteadyClock::now() >= signals.stop_time() + grace; };
  ProgressLine line(plans.size());
  if (progress) control.on_tick = [&line](Engine& e) { line.draw(e.status()); };
  auto report = (*engine)->run(control);
  line.clear();
  (*engine)->prune_expired();
  print_summary(report, plans, json);
  const bool all_failed = report.feeds_failed > 0 && report.feeds_failed == static_cast<int>(plans.size());
  // A write that failed is never reported as success: the entries come back
  // next time, but this run did not do its job.
  return all_failed || report.writes_failed > 0 ? 1 : 0;
}

}  // namespace

void add_run_command(CLI::App& app, CommandContext& ctx) {
  auto config_path = std::make_shared<std::filesystem::path>(default_config_path());
  auto json = std::make_shared<bool>(false);
  auto log_flags = std::make_shared<LogFlags>();
  auto quiet = std::make_shared<bool>(false);
  const std::string config_help = "Config file (default: $NEWSD_CONFIG, /etc/newsd/newsd.toml, config/newsd.toml)";

  auto* once = app.add_subcommand("once", "Fetch every feed once, store new articles, print what was stored");
  once->add_option("--config,-c", *config_path, config_help);
  once->add_flag("--json", *json, "One JSON object per stored article instead of the table");
  add_log_flags(*once, *log_flags);
  once->add_flag("--quiet,-q", *quiet,
                 "No live progress line (feeds done/total, pages, stored, errors); it is shown only when stdout and "
                 "stderr are terminals");
  once->callback([config_path, json, quiet, log_flags, &ctx] {
    auto cfg = load_config_or_report(*config_path, strict_load_options());
    if (!cfg) {
      ctx.exit_code = 2;
      return;
    }
    setup_logging(cfg->log.level, *log_flags);
    ctx.exit_code = run_once(*cfg, *json, !*quiet && interactive());
  });

  auto* run = app.add_subcommand("run", "Run the daemon: poll feeds on schedule until SIGTERM/SIGINT; SIGHUP reloads");
  run->add_option("--config,-c", *config_path, config_help);
  add_log_flags(*run, *log_flags);
  run->callback([config_path, log_flags, &ctx] {
    auto cfg = load_config_or_report(*config_path, strict_load_options());
    if (!cfg) {
      ctx.exit_code = 2;
      return;
    }
    setup_logging(cfg->log.level, *log_flags);
    ctx.exit_code = service::run_daemon(*cfg, *config_path, strict_load_options());
  });
}

}  // namespace newsd::cli
