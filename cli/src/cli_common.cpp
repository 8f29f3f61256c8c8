#include "cli_common.hpp"

#include <cstdlib>
#include <iostream>
#include <sstream>

#include "newsd/base/log.hpp"
#include "newsd/base/log_stderr.hpp"
#include "newsd/classify/model.hpp"
#include "newsd/parse/html_select.hpp"
#include "newsd/parse/section_links.hpp"
#include "newsd/watch/watch_set.hpp"

namespace newsd::cli {

void add_log_flags(CLI::App& cmd, LogFlags& flags) {
  cmd.add_option("--log-level", flags.level, "Log level, overriding the config's [log] level (also after SIGHUP)")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  cmd.add_option("--color", flags.color, "Colour the log level names: auto (terminal, unless $NO_COLOR), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
}

void setup_logging(const std::string& level, const LogFlags& flags) {
  // The flags were checked by CLI11, so parse_color fails only when absent.
  log::log_to_stderr(log::stderr_is_journal(), log::parse_color(flags.color).value_or(log::Color::automatic));
  if (!log::set_level(level)) log::set_level("info");
  if (!flags.level.empty()) log::set_level_override(flags.level);
}

std::optional<config::Config> load_config_or_report(const std::filesystem::path& path,
                                                    const config::LoadOptions& options) {
  auto cfg = config::load_config(path, options);
  if (!cfg) {
    // Under systemd (ExecStartPre=newsd check-config) each problem is an
    // error-priority journal line, so `journalctl -p err` shows them.
    const std::string_view prefix = log::stderr_is_journal() ? "<3>" : "";
    std::istringstream lines(cfg.error().message);
    for (std::string line; std::getline(lines, line);) std::cerr << prefix << line << '\n';
    return std::nullopt;
  }
  return std::move(*cfg);
}

config::LoadOptions strict_load_options() {
  config::LoadOptions options;
  options.check_selector = [](std::string_view selector) -> std::string {
    auto parsed = parse::parse_selector(selector);
    return parsed ? std::string() : parsed.error().message;
  };
  options.check_url_pattern = [](std::string_view pattern) -> std::string {
    auto valid = parse::validate_section_rules({{}, {}, std::string(pattern)});
    return valid ? std::string() : valid.error().message;
  };
  options.check_model = [](const std::filesystem::path& model) -> std::string {
    auto loaded = classify::Model::load(model);
    return loaded ? std::string() : loaded.error().message;
  };
  options.check_watch_query = watch::query_problem;
  return options;
}

std::filesystem::path default_config_path() {
  if (const char* env = std::getenv("NEWSD_CONFIG"); env && *env) return env;
  if (std::filesystem::exists("/etc/newsd/newsd.toml")) return "/etc/newsd/newsd.toml";
  return "config/newsd.toml";
}

}  // namespace newsd::cli
