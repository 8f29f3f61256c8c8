// Placeholder while the subcommand(s) "run and once" are being built; replaced by the real implementation.
#include "commands.hpp"

namespace newsd::cli {

void add_run_command(CLI::App& /*app*/, CommandContext& /*ctx*/) {}

}  // namespace newsd::cli
