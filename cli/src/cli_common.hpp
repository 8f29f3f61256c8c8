#pragma once
/// Helpers shared by the subcommands: logging set-up and config loading
/// with the error printed the way the user needs it.
#include <filesystem>
#include <optional>
#include <string>

#include "newsd/config/config.hpp"

namespace newsd::cli {

/// Logs go to stderr as logfmt lines; with a timestamp unless journald
/// (which stamps lines itself) is reading them.
void setup_logging(const std::string& level);

/// Loads the config, printing its errors (`file:line:col: …`) to stderr.
std::optional<config::Config> load_config_or_report(const std::filesystem::path& path,
                                                    const config::LoadOptions& options = {});

/// Options for the commands that ingest or validate: `[[extract.sites]]`
/// selectors compiled with the extractor's selector parser, the model
/// loaded the way the engine loads it.
config::LoadOptions strict_load_options();

/// The config used when --config is not given: $NEWSD_CONFIG, else
/// /etc/newsd/newsd.toml if it exists, else config/newsd.toml.
std::filesystem::path default_config_path();

}  // namespace newsd::cli
