// `newsd check-config`: validate a config file (its feeds file, selectors,
// model and taxonomy) without touching the network or the database.
#include <iostream>

#include "cli_common.hpp"
#include "commands.hpp"
#include "newsd/classify/taxonomy.hpp"

namespace newsd::cli {
namespace {

struct CheckOptions {
  std::filesystem::path config = default_config_path();
  bool print = false;
};

int check_config(const CheckOptions& o) {
  // The same options `run` and `once` load with: whatever passes here starts.
  auto cfg = load_config_or_report(o.config, strict_load_options());
  if (!cfg) return 2;
  auto taxonomy = classify::load_taxonomy(cfg->classify.taxonomy);
  if (!taxonomy) {
    std::cerr << taxonomy.error().message << '\n';
    return 2;
  }
  if (o.print) {
    std::cout << config::to_toml(*cfg);
    return 0;
  }
  std::cout << cfg->source.string() << ": ok (" << cfg->feeds.size() << " feeds, store " << cfg->store.path.string()
            << ")\n";
  return 0;
}

}  // namespace

void add_check_config_command(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand(
      "check-config",
      "Validate a config file, its feeds file, [[extract.sites]] selectors, model and taxonomy; errors are printed "
      "as file:line:col: message (exit 2)");
  auto opts = std::make_shared<CheckOptions>();
  cmd->add_option("--config,-c", opts->config,
                  "Config file (default: $NEWSD_CONFIG, /etc/newsd/newsd.toml, config/newsd.toml)");
  cmd->add_flag("--print", opts->print,
                "Print the resolved config as TOML: every field with its effective value, the feeds file's feeds "
                "inline");
  cmd->callback([opts, &ctx] { ctx.exit_code = check_config(*opts); });
}

}  // namespace newsd::cli
