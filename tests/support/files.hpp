#pragma once
// Reading a whole file in the tests: fixtures, logs, man pages, units.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace newsd::testing {

/// The bytes of `path`, as they are (no newline translation); empty when
/// it is missing or unreadable, which the caller's expectations then show.
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace newsd::testing
