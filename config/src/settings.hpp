#pragma once
// The config file's single tables, one reader each: [log], [fetch],
// [limits], [schedule], [classify], [store], [daemon], [workers], [http],
// [outbox]. The lists ([[feeds]], [[sinks]], [[watch]], [extract] with its
// sites) are read in config.cpp. Internal to the config module.
#include "newsd/config/config.hpp"
#include "toml_reader.hpp"

namespace newsd::config::detail {

/// Reads every single table `root` holds into `cfg`, each problem into `v`.
void read_settings(TableReader& root, Config& cfg, Validator& v, const LoadOptions& options);

}  // namespace newsd::config::detail
