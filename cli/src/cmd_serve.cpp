// `newsd serve`: the HTTP endpoint over a database, read-only, without
// ingest (a second machine, or a laptop with a copy of the archive).
#include <iostream>

#include "cli_common.hpp"
#include "commands.hpp"
#include "newsd/base/log.hpp"
#include "newsd/service/http_server.hpp"
#include "newsd/service/signals.hpp"

namespace newsd::cli {
namespace {

struct ServeOptions {
  std::filesystem::path config = default_config_path();
  std::filesystem::path db;
  std::string listen;
  LogFlags log;
};

int serve(const ServeOptions& o) {
  service::SignalWatcher signals;  // before any other thread
  auto cfg = load_config_or_report(o.config);
  if (!cfg) return 2;
  setup_logging(cfg->log.level, o.log);
  service::HttpOptions options{
      .http = cfg->http,
      .db = o.db.empty() ? cfg->store.path : o.db,
      .postgresql_url = o.db.empty() && cfg->store.backend == config::StoreBackend::postgresql ? cfg->store.url : "",
      .busy_timeout = cfg->store.busy_timeout};
  if (!o.listen.empty()) options.http.listen = o.listen;
  // The same rule as check-config: off loopback, a token is required.
  if (auto problem = config::http_problem(options.http)) {
    std::cerr << "newsd serve: " << *problem << '\n';
    return 2;
  }
  if (options.http.listen.empty()) {
    std::cerr << "newsd serve: no address to listen on: set [http] listen in " << o.config.string()
              << " or pass --listen\n";
    return 2;
  }
  if (options.postgresql_url.empty() && !std::filesystem::exists(options.db)) {
    std::cerr << "newsd serve: no database at " << options.db.string()
              << " (run `newsd once` first, or pass --db FILE)\n";
    return 1;
  }
  auto server = service::HttpServer::start(std::move(options));
  if (!server) {
    std::cerr << "newsd serve: " << server.error().describe() << '\n';
    return 1;
  }
  while (!signals.stop_requested()) signals.wait_until(std::chrono::steady_clock::now() + std::chrono::seconds{60});
  log::info("serve.stopping", {});
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = app.add_subcommand("serve",
                                 "Serve the web reader, JSON API and /metrics over a database, read-only, without "
                                 "ingesting, until SIGTERM/SIGINT (docs/api.md)");
  cmd->add_option("--config,-c", o->config, "Config file: its [http] section and store.path");
  cmd->add_option("--db", o->db, "Database file (overrides store.path)");
  cmd->add_option("--listen", o->listen, "host:port (overrides [http] listen; port 0 = any free port, logged)");
  add_log_flags(*cmd, o->log);
  cmd->callback([o, &ctx] { ctx.exit_code = serve(*o); });
}

}  // namespace newsd::cli
