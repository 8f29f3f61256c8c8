// Placeholder while the subcommand(s) "search, show, feeds, stats" are being built; replaced by the real implementation.
#include "commands.hpp"

namespace newsd::cli {

void add_query_commands(CLI::App& /*app*/, CommandContext& /*ctx*/) {}

}  // namespace newsd::cli
