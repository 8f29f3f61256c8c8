#pragma once
/// The long-running service: `newsd run`. Starts the ingest engine, tells
/// systemd it is ready, polls feeds as they fall due until SIGTERM/SIGINT,
/// re-reads the config on SIGHUP (a bad file keeps the old config), feeds
/// the watchdog and refreshes STATUS=.
#include <filesystem>

#include "newsd/config/config.hpp"

namespace newsd::service {

/// Runs until a stop signal; returns the process exit status (0 after a
/// clean stop, 2 when another process writes the database, 1 when the
/// engine cannot start otherwise). `config_path` is re-read on SIGHUP
/// with `load_options`: pass the checks `initial` was loaded with, so a
/// reload rejects a bad selector or model as startup does (the error,
/// `file:line:col: what`, is logged and the old config stays in force).
int run_daemon(const config::Config& initial, const std::filesystem::path& config_path,
               const config::LoadOptions& load_options);

}  // namespace newsd::service
