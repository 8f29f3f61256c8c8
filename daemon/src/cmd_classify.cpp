// Placeholder while the subcommand(s) "classify, train, eval" are being built; replaced by the real implementation.
#include "commands.hpp"

namespace newsd::cli {

void add_classify_commands(CLI::App& /*app*/, CommandContext& /*ctx*/) {}

}  // namespace newsd::cli
