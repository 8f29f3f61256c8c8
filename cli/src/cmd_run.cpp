// `newsd once` (every feed polled once, its pages finished, then a summary) and
// `newsd run` (the daemon loop lives in service/).
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

int run_once(const config::Config& cfg, bool json) {
  service::SignalWatcher signals;
  auto engine = Engine::start(cfg);
  if (!engine) {
    std::cerr << "newsd: " << engine.error().describe() << '\n';
    return engine.error().code == Errc::locked ? 2 : 1;  // another newsd writes this database
  }
  auto plans = (*engine)->plans();
  if (!plans) {
    std::cerr << "newsd: " << plans.error().describe() << '\n';
    return 1;
  }
  const auto grace = cfg.daemon.shutdown_grace;
  ingest::RunControl control;
  control.once = true;
  control.stop = [&] { return signals.stop_requested(); };
  control.abandon = [&] { return signals.stop_requested() && SteadyClock::now() >= signals.stop_time() + grace; };
  auto report = (*engine)->run(control);
  (*engine)->prune_expired();
  print_summary(report, *plans, json);
  const bool all_failed = report.feeds_failed > 0 && report.feeds_failed == static_cast<int>(plans->size());
  // A write that failed is never reported as success: the entries come back
  // next time, but this run did not do its job.
  return all_failed || report.writes_failed > 0 ? 1 : 0;
}

}  // namespace

void add_run_command(CLI::App& app, CommandContext& ctx) {
  auto config_path = std::make_shared<std::filesystem::path>(default_config_path());
  auto json = std::make_shared<bool>(false);
  auto log_flags = std::make_shared<LogFlags>();
  const std::string config_help = "Config file (default: $NEWSD_CONFIG, /etc/newsd/newsd.toml, config/newsd.toml)";

  auto* once = app.add_subcommand("once", "Fetch every feed once, store new articles, print what was stored");
  once->add_option("--config,-c", *config_path, config_help);
  once->add_flag("--json", *json, "One JSON object per stored article instead of the table");
  add_log_flags(*once, *log_flags);
  once->callback([config_path, json, log_flags, &ctx] {
    auto cfg = load_config_or_report(*config_path);
    if (!cfg) {
      ctx.exit_code = 2;
      return;
    }
    setup_logging(cfg->log.level, *log_flags);
    ctx.exit_code = run_once(*cfg, *json);
  });

  auto* run = app.add_subcommand("run", "Run the daemon: poll feeds on schedule until SIGTERM/SIGINT; SIGHUP reloads");
  run->add_option("--config,-c", *config_path, config_help);
  add_log_flags(*run, *log_flags);
  run->callback([config_path, log_flags, &ctx] {
    auto cfg = load_config_or_report(*config_path);
    if (!cfg) {
      ctx.exit_code = 2;
      return;
    }
    setup_logging(cfg->log.level, *log_flags);
    ctx.exit_code = service::run_daemon(*cfg, *config_path);
  });
}

}  // namespace newsd::cli
