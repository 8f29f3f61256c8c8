// `newsd migrate --from newsd.db --to postgresql://…`: moves a SQLite
// archive into PostgreSQL (store::copy_sqlite_to_postgresql), then the
// config names the database with `[store] backend = "postgresql"`.
#include <iostream>

#include "cli_common.hpp"
#include "commands.hpp"
#include "newsd/store/pg_migrate.hpp"

namespace newsd::cli {
namespace {

struct MigrateOptions {
  std::filesystem::path from;
  std::string to;
  int batch = 500;
  bool quiet = false;
};

int migrate(const MigrateOptions& o) {
  if (!o.to.starts_with("postgresql://") && !o.to.starts_with("postgres://")) {
    std::cerr << "newsd migrate: --to must be a postgresql:// URI, not '" << o.to << "'\n";
    return 2;
  }
  setup_logging("warn");
  auto progress = [&](const store::CopyReport& r) {
    if (!o.quiet) std::cerr << "\rnewsd migrate: " << r.articles_seen << " articles" << std::flush;
  };
  auto report = store::copy_sqlite_to_postgresql(o.from, o.to, o.batch, progress);
  if (!o.quiet) std::cerr << '\r';
  if (!report) {
    std::cerr << "newsd migrate: " << report.error().describe() << '\n';
    return report.error().code == Errc::invalid_argument ? 2 : 1;
  }
  std::cout << "copied " << report->feeds << " feeds, " << report->tags << " tags, " << report->articles
            << " articles (" << report->articles_seen - report->articles << " already there), " << report->article_tags
            << " article tags, " << report->sources << " sources, " << report->watch_matches << " watch matches, "
            << report->labels << " labels\n";
  return 0;
}

}  // namespace

void add_migrate_command(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<MigrateOptions>();
  auto* cmd = app.add_subcommand("migrate",
                                 "Copy a SQLite archive into a PostgreSQL database (ids kept; a rerun copies only "
                                 "what is missing), for [store] backend = \"postgresql\"");
  cmd->add_option("--from", o->from, "The SQLite database file")->required();
  cmd->add_option("--to", o->to, "The PostgreSQL database, postgresql://user@host:port/db")->required();
  cmd->add_option("--batch", o->batch, "Articles per transaction")->check(CLI::Range(1, 100'000));
  cmd->add_flag("--quiet,-q", o->quiet, "No progress on stderr");
  cmd->callback([o, &ctx] { ctx.exit_code = migrate(*o); });
}

}  // namespace newsd::cli
