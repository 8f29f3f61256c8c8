#pragma once
/// The config loader's key table, for documentation checks (newsd.toml(5)).
#include <string>
#include <vector>

namespace newsd::config {

/// Every key the loader accepts, as `section.key` (`fetch.max_per_host`,
/// `feeds.url`, `extract.sites.host`), tables included, sorted. Found by
/// running the loader itself on documents that hold every table it asks
/// for, so the list cannot drift from what load_config reads.
std::vector<std::string> config_keys();

}  // namespace newsd::config
