#pragma once
// Shared by the query subcommands (search, show, feeds, stats, backup):
// which database to open, and how instants and text are shown.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "commands.hpp"
#include "newsd/store/store.hpp"

namespace newsd::cli::query {

/// --config / --db, added to every query subcommand.
struct DbOptions {
  std::filesystem::path config;
  std::filesystem::path db;
};
void add_db_options(CLI::App& cmd, DbOptions& opts);

/// The config the options name: --config, else the default config file when
/// it exists, else the defaults; with --db, the defaults and that store path.
/// Prints the reason and sets ctx.exit_code when the config is broken.
std::optional<config::Config> resolve_config(const DbOptions& opts, CommandContext& ctx);

/// The store settings the options name: --db if given, else store.path of
/// --config (or of the default config file), else the built-in default.
/// Prints the reason and sets ctx.exit_code when the config is broken.
std::optional<config::StoreConfig> resolve_store(const DbOptions& opts, CommandContext& ctx);

/// Opens the database read-only: --db if given, else store.path of --config
/// (or of the default config file when it exists), else the built-in
/// default path. Prints the reason to stderr and sets ctx.exit_code on failure.
std::optional<store::Store> open_for_reading(const DbOptions& opts, CommandContext& ctx);

/// Exit status for a store error: 2 for bad input (invalid_argument), else 1.
int exit_code_for(const Error& error);

/// `7d`, `24h`, `30m`, `2w` before now, or an ISO 8601 date/time (UTC unless
/// it carries an offset); nullopt if it is neither. With `end_of_day`, a
/// bare date means the end of that day (`--until`).
std::optional<store::TimePoint> parse_when(const std::string& text, bool end_of_day);

/// `2026-11-20 08:00` (UTC) for tables; empty for nullopt.
std::string short_time(const std::optional<store::TimePoint>& t);
/// ISO 8601 UTC (`2026-11-20T08:00:00Z`) or JSON null.
std::string iso_time(const std::optional<store::TimePoint>& t);

/// At most `max_chars` code points of `text` (an ellipsis marks a cut),
/// with newlines and tabs flattened to spaces.
std::string clip(std::string_view text, std::size_t max_chars);

/// True when stdout is a terminal (tables, bold highlights).
bool stdout_is_terminal();

void add_search_command(CLI::App& app, CommandContext& ctx);
void add_show_command(CLI::App& app, CommandContext& ctx);
void add_feeds_command(CLI::App& app, CommandContext& ctx);
void add_stats_command(CLI::App& app, CommandContext& ctx);
void add_backup_command(CLI::App& app, CommandContext& ctx);
/// `workers`: who shares a PostgreSQL store (a worker silent this long is not listed).
inline constexpr std::chrono::seconds kWorkerSilence{120};
void add_workers_command(CLI::App& app, CommandContext& ctx);

}  // namespace newsd::cli::query
