// newsd: one binary, git-style subcommands (see `newsd --help`).
#include <CLI/CLI.hpp>
#include <csignal>

#include "commands.hpp"

int main(int argc, char** argv) {
  // Past a file-size limit (RLIMIT_FSIZE) a write should fail like a full
  // disk — reported, rolled back, retried — instead of killing the process.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"newsd — news feed ingestion daemon: fetch, extract, classify, store, search"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "newsd 0.1.0");
  newsd::cli::CommandContext ctx;
  newsd::cli::add_run_command(app, ctx);
  newsd::cli::add_check_config_command(app, ctx);
  newsd::cli::add_extract_command(app, ctx);
  newsd::cli::add_section_links_command(app, ctx);
  newsd::cli::add_parse_feed_command(app, ctx);
  newsd::cli::add_classify_commands(app, ctx);
  newsd::cli::add_query_commands(app, ctx);
  newsd::cli::add_serve_command(app, ctx);
  newsd::cli::add_retag_command(app, ctx);
  newsd::cli::add_sinks_command(app, ctx);
  newsd::cli::add_watch_commands(app, ctx);
  newsd::cli::add_label_command(app, ctx);
  newsd::cli::add_migrate_command(app, ctx);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  return ctx.exit_code;
}
