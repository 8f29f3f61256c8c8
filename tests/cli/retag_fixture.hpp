#pragma once
// Shared by the `newsd retag` process tests: a config over the sample feeds
// served from 127.0.0.1, whose taxonomy (the default one, included) can be
// edited in place by appending tests/data/cli/retag/probe_tag.toml.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli_run.hpp"
#include "support/static_server.hpp"

namespace newsd::testing::retag {

namespace fs = std::filesystem;

inline const fs::path kSamples = fs::path(NEWSD_SOURCE_DIR) / "samples";
inline const std::vector<std::string> kSampleFeeds = {"maghreb-defense.rss", "cyber-fr.atom", "world-en.rss"};

/// `dir/newsd.toml` (database `dir/newsd.db`, taxonomy `dir/taxonomy.toml`
/// including the default one) over `feeds` served by `server`.
inline fs::path write_config(const fs::path& dir, const StaticServer& server, int max_per_host = 4) {
  std::ofstream(dir / "taxonomy.toml") << "include = [\""
                                       << (fs::path(NEWSD_SOURCE_DIR) / "config/taxonomy/default.toml").string()
                                       << "\"]\n";
  std::ofstream out(dir / "newsd.toml");
  out << "[log]\nlevel = \"info\"\n"
      << "[fetch]\nmin_host_interval = \"0s\"\nmax_retries = 0\nmax_per_host = " << max_per_host << "\n"
      << "[classify]\ntaxonomy = \"taxonomy.toml\"\n"
      << "[store]\npath = \"newsd.db\"\nbatch_size = 2\n"
      << "[daemon]\nshutdown_grace = \"0s\"\n";
  for (const auto& f : kSampleFeeds) out << "[[feeds]]\nurl = \"" << server.url("/" + f) << "\"\ninterval = \"1h\"\n";
  return dir / "newsd.toml";
}

/// The analyst's edit: the probe tag appended to `dir/taxonomy.toml`.
inline void edit_taxonomy(const fs::path& dir) {
  std::ofstream(dir / "taxonomy.toml", std::ios::app)
      << read_file(fs::path(NEWSD_TEST_DATA) / "cli/retag/probe_tag.toml");
}

}  // namespace newsd::testing::retag
