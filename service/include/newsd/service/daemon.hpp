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
/// engine cannot start otherwise). `config_path` is re-read on
/// SIGHUP.
int run_daemon(const config::Config& initial, const std::filesystem::path& config_path);

}  // namespace newsd::service
