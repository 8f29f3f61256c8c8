// `newsd retag`: recompute the rule and/or model tags of stored articles
// after the taxonomy or the model changed, while the daemon keeps ingesting.
// The tags come from ingest::Tagging, the object the daemon tags new
// articles with; the batches, the diff and why the CLI writes them itself
// rather than through the daemon are in store/src/retag.cpp.
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>

#include "cli_common.hpp"
#include "cmd_query_common.hpp"
#include "commands.hpp"
#include "daemon_reload.hpp"
#include "newsd/ingest/tagging.hpp"

namespace newsd::cli {
namespace {

struct RetagFlags {
  std::filesystem::path config;
  std::string since;
  bool rules = false;
  bool model = false;
  int batch = 100;
  std::int64_t limit = 0;  ///< 0 = no limit
};

// What the flags select: both unset = the rules, and the model when the
// config has one. Nullopt (exit 2, said why) when --model has no model.
std::optional<store::RetagOptions> retag_options(const RetagFlags& flags, const config::Config& cfg,
                                                 CommandContext& ctx) {
  store::RetagOptions options;
  const bool neither = !flags.rules && !flags.model;
  options.rules = flags.rules || neither;
  options.model = flags.model || (neither && cfg.classify.model.has_value());
  if (options.model && !cfg.classify.model) {
    std::cerr << "newsd retag: --model: the config names no model ([classify] model)\n";
    ctx.exit_code = 2;
    return std::nullopt;
  }
  if (!flags.since.empty() && !(options.since = query::parse_when(flags.since, false))) {
    std::cerr << "newsd retag: --since: expected an age (7d, 24h) or an ISO 8601 date, got '" << flags.since << "'\n";
    ctx.exit_code = 2;
    return std::nullopt;
  }
  options.batch = flags.batch;
  if (flags.limit > 0) options.limit = flags.limit;
  options.busy_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(cfg.store.busy_timeout);
  return options;
}

std::string what(const store::RetagOptions& options) {
  return options.rules && options.model ? "rules and model" : options.rules ? "rules" : "model";
}

void print_report(const store::RetagReport& report, const store::RetagOptions& options) {
  if (report.articles == 0 && report.complete) {
    std::cout << "nothing to retag: every article's " << what(options) << " tags are current\n";
    return;
  }
  std::cout << "retagged " << report.articles << " articles (" << what(options) << ") in " << report.batches
            << (report.batches == 1 ? " batch; " : " batches; ") << report.changed_articles << " with changed tags\n";
  if (!report.changes.empty()) {
    std::cout << fmt::format("{:<24}  {:<8}  {:>7}  {:>7}  {:>8}\n", "TAG", "KIND", "ADDED", "REMOVED", "RESCORED");
    for (const auto& c : report.changes) {
      std::cout << fmt::format("{:<24}  {:<8}  {:>7}  {:>7}  {:>8}\n", c.name, c.kind, fmt::format("+{}", c.added),
                               fmt::format("-{}", c.removed), c.rescored);
    }
  }
  if (!report.complete) {
    std::cout << "stopped at --limit; run the same command again to go on (articles already current are skipped)\n";
  }
}

void run_retag(const RetagFlags& flags, CommandContext& ctx) {
  setup_logging("warn");
  const auto config_path = flags.config.empty() ? default_config_path() : flags.config;
  auto cfg = load_config_or_report(config_path);
  if (!cfg) {
    ctx.exit_code = 2;
    return;
  }
  auto options = retag_options(flags, *cfg, ctx);
  if (!options) return;
  auto tagging = ingest::Tagging::load(*cfg);
  if (!tagging) {
    std::cerr << "newsd retag: " << tagging.error().message << '\n';
    ctx.exit_code = 2;
    return;
  }
  // The daemon re-reads the taxonomy and model too, so that what it stores
  // from now on carries the versions this run writes. Workers sharing a
  // PostgreSQL store hold no lock file naming them: they cannot be found here.
  if (cfg->store.backend == config::StoreBackend::postgresql) {
    std::cerr << "newsd retag: send SIGHUP to each newsd sharing the PostgreSQL store, so that they tag with "
                 "the same taxonomy and model\n";
  } else {
    const auto told = reload_running_daemon(cfg->store.path);
    if (told.outcome == ReloadOutcome::signalled) {
      std::cerr << "newsd retag: told the daemon (pid " << told.pid << ") to reload its taxonomy and model\n";
    } else if (told.outcome == ReloadOutcome::cannot_tell) {
      std::cerr << "newsd retag: the daemon was not told to reload: " << told.message << '\n';
    }
  }
  // Exactly what ingest does with a page, minus the feed's own tags (source
  // feed: never retagged).
  const ingest::Tagging& tagger = **tagging;
  const auto tag = [&tagger](const classify::Document& doc) {
    store::ArticleRecord record;
    record.title = doc.title;
    record.text = doc.body;
    record.lang = doc.language;
    return tagger.tag(record, config::FeedConfig{});
  };
  const bool show_progress = ::isatty(STDERR_FILENO) == 1;
  const auto progress = [show_progress](const store::RetagReport& so_far) {
    if (show_progress) std::cerr << "\rretagged " << so_far.articles << " articles" << std::flush;
  };
  auto report = store::Store::retag(cfg->store, tagger.versions(), *options, tag, progress);
  if (show_progress) std::cerr << '\n';
  if (!report) {
    std::cerr << "newsd retag: " << report.error().message
              << " (batches committed before this one are kept; run again to go on)\n";
    ctx.exit_code = query::exit_code_for(report.error());
    return;
  }
  print_report(*report, *options);
}

}  // namespace

void add_retag_command(CLI::App& app, CommandContext& ctx) {
  auto flags = std::make_shared<RetagFlags>();
  auto* cmd = app.add_subcommand(
      "retag",
      "Recompute the rule and/or model tags of stored articles whose taxonomy or model version is not the "
      "config's, in batches, while the daemon runs; print added/removed tags per tag");
  cmd->add_option("--config,-c", flags->config, "Config file: its taxonomy, model and [store]");
  cmd->add_option("--since", flags->since, "Only articles dated on or after: an age (7d, 24h) or an ISO 8601 date");
  cmd->add_flag("--rules", flags->rules, "Recompute rule tags (default: rules, and the model if the config has one)");
  cmd->add_flag("--model", flags->model, "Recompute model tags");
  cmd->add_option("--batch", flags->batch, "Articles per write transaction")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--limit", flags->limit, "Stop after this many articles; running again goes on from there")
      ->check(CLI::PositiveNumber);
  cmd->callback([flags, &ctx] { run_retag(*flags, ctx); });
}

}  // namespace newsd::cli
