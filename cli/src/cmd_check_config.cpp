// `newsd check-config`: validate a config file (and the taxonomy it names)
// without touching the network or the database.
#include <iostream>

#include "cli_common.hpp"
#include "commands.hpp"
#include "newsd/classify/taxonomy.hpp"

namespace newsd::cli {

void add_check_config_command(CLI::App& app, CommandContext& ctx) {
  auto* cmd =
      app.add_subcommand("check-config", "Validate a config file; errors are printed as file:line:col: message");
  auto path = std::make_shared<std::filesystem::path>(default_config_path());
  cmd->add_option("--config,-c", *path,
                  "Config file (default: $NEWSD_CONFIG, /etc/newsd/newsd.toml, config/newsd.toml)");
  cmd->callback([path, &ctx] {
    auto cfg = load_config_or_report(*path);
    if (!cfg) {
      ctx.exit_code = 2;
      return;
    }
    auto taxonomy = classify::load_taxonomy(cfg->classify.taxonomy);
    if (!taxonomy) {
      std::cerr << taxonomy.error().message << '\n';
      ctx.exit_code = 2;
      return;
    }
    std::cout << cfg->source.string() << ": ok (" << cfg->feeds.size() << " feeds, store " << cfg->store.path.string()
              << ")\n";
  });
}

}  // namespace newsd::cli
