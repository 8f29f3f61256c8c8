// Placeholder while the subcommand(s) "parse-feed" are being built; replaced by the real implementation.
#include "commands.hpp"

namespace newsd::cli {

void add_parse_feed_command(CLI::App& /*app*/, CommandContext& /*ctx*/) {}

}  // namespace newsd::cli
