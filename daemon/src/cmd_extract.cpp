// Placeholder while the subcommand(s) "extract" are being built; replaced by the real implementation.
#include "commands.hpp"

namespace newsd::cli {

void add_extract_command(CLI::App& /*app*/, CommandContext& /*ctx*/) {}

}  // namespace newsd::cli
