#pragma once
/// Helpers shared by the subcommands: logging set-up and config loading
/// with the error printed the way the user needs it.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <optional>
#include <string>

#include "newsd/config/config.hpp"

namespace newsd::cli {

/// `--log-level` and `--color` as given on the command line (empty = not given).
struct LogFlags {
  std::string level;  ///< trace, debug, info, warn, error, off; wins over the config's [log] level
  std::string color;  ///< auto (default), always, never
};

/// Adds `--log-level` and `--color` to a long-running subcommand (run, once, …);
/// both are checked by CLI11, so a bad value is a usage error (exit 2).
void add_log_flags(CLI::App& cmd, LogFlags& flags);

/// Logs go to stderr as logfmt lines (log::log_to_stderr): with the syslog
/// priority prefix when stderr is the journal, else with a UTC timestamp.
/// `level` is the config's (or the command's fixed) level; `flags.level`, if
/// given, overrides it for the life of the process, reloads included.
void setup_logging(const std::string& level, const LogFlags& flags = {});

/// Loads the config, printing its errors (`file:line:col: …`) to stderr.
std::optional<config::Config> load_config_or_report(const std::filesystem::path& path,
                                                    const config::LoadOptions& options = {});

/// Options for the commands that ingest or validate: `[[extract.sites]]`
/// selectors compiled with the extractor's selector parser, the model
/// loaded the way the engine loads it, `[[watch]]` queries parsed.
config::LoadOptions strict_load_options();

/// The config used when --config is not given: $NEWSD_CONFIG, else
/// /etc/newsd/newsd.toml if it exists, else config/newsd.toml.
std::filesystem::path default_config_path();

}  // namespace newsd::cli
