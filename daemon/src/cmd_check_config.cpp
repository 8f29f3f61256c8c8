// Placeholder while the subcommand(s) "check-config" are being built; replaced by the real implementation.
#include "commands.hpp"

namespace newsd::cli {

void add_check_config_command(CLI::App& /*app*/, CommandContext& /*ctx*/) {}

}  // namespace newsd::cli
