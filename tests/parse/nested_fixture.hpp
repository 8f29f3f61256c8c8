#pragma once
// Hostile-input fixtures too big to commit: a small template file under
// tests/data/ whose `@OPEN@` and `@CLOSE@` markers are expanded at test time
// into `depth` copies of an opening and a closing piece of markup.
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

namespace newsd::parse::testing {

/// Depth at which the default 8 MB stack overflowed in recursive walks
/// (the feed of issue 10, about 700 KB).
inline constexpr std::size_t kHostileDepth = 100'000;

inline std::string read_data_file(const std::string& rel) {
  std::ifstream in(std::filesystem::path(NEWSD_TEST_DATA) / rel, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::string repeat(std::string_view piece, std::size_t n) {
  std::string out;
  out.reserve(piece.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += piece;
  return out;
}

/// The template at tests/data/`rel` with `@OPEN@` replaced by `depth` copies
/// of `open` and `@CLOSE@` (if present) by `depth` copies of `close`.
inline std::string nested_fixture(const std::string& rel, std::string_view open, std::string_view close,
                                  std::size_t depth = kHostileDepth) {
  std::string text = read_data_file(rel);
  for (const auto& [marker, piece] : {std::pair{std::string_view("@OPEN@"), open}, {"@CLOSE@", close}}) {
    if (const auto at = text.find(marker); at != std::string::npos)
      text.replace(at, marker.size(), repeat(piece, depth));
  }
  return text;
}

}  // namespace newsd::parse::testing
