#pragma once
/// Subcommands of the `newsd` binary. Each `add_*_command` registers one
/// git-style subcommand (its flags, `--help` text and callback) on the root
/// app; the callback stores the process exit status in `ctx.exit_code`
/// (0 ok, 1 runtime failure, 2 usage/bad input).
#include <CLI/CLI.hpp>

namespace newsd::cli {

struct CommandContext {
  int exit_code = 0;
};

void add_run_command(CLI::App& app, CommandContext& ctx);              // run, once
void add_check_config_command(CLI::App& app, CommandContext& ctx);     // check-config
void add_extract_command(CLI::App& app, CommandContext& ctx);          // extract
void add_section_links_command(CLI::App& app, CommandContext& ctx);    // section-links
void add_parse_feed_command(CLI::App& app, CommandContext& ctx);       // parse-feed
void add_classify_commands(CLI::App& app, CommandContext& ctx);        // classify, train, eval
void add_query_commands(CLI::App& app, CommandContext& ctx);           // search, show, feeds, stats
void add_serve_command(CLI::App& app, CommandContext& ctx);            // serve
void add_label_command(CLI::App& app, CommandContext& ctx);            // label
void add_migrate_command(CLI::App& app, CommandContext& ctx);          // migrate
void add_feeds_manage_commands(CLI::App& feeds, CommandContext& ctx);  // feeds add|remove|import|export|discover
void add_retag_command(CLI::App& app, CommandContext& ctx);            // retag
void add_sinks_command(CLI::App& app, CommandContext& ctx);            // sinks, sinks retry
void add_watch_commands(CLI::App& app, CommandContext& ctx);           // watch list|test

}  // namespace newsd::cli
