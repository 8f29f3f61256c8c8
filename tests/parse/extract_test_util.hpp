#pragma once
// Helpers shared by the extractor tests: fixture loading and the word-4-gram
// overlap score of shared/bench/extract_score.py.
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "newsd/parse/extract.hpp"

namespace newsd::parse::testing {

inline std::string read_fixture(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::filesystem::path extract_data(const std::string& rel) {
  return std::filesystem::path(NEWSD_TEST_DATA) / "extract" / rel;
}

inline ExtractedArticle extract_fixture(const std::string& rel, std::string_view url = {},
                                        const config::ExtractConfig& cfg = {}, std::string_view http_charset = {}) {
  auto result = extract_article(read_fixture(extract_data(rel)), url, cfg, http_charset);
  if (!result) return {};
  return std::move(*result);
}

/// Maximal runs of letters, digits and '_' (Python's `\w+` up to the details).
inline std::vector<std::string> word_tokens(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  int32_t i = 0;
  const auto len = static_cast<int32_t>(text.size());
  while (i < len) {
    const int32_t start = i;
    UChar32 cp;
    U8_NEXT(reinterpret_cast<const uint8_t*>(text.data()), i, len, cp);
    if (cp >= 0 && (u_isalnum(cp) || cp == '_')) {
      cur.append(text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

struct Overlap {
  double precision = 0;
  double recall = 0;
  double f1() const { return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0; }
};

/// Word-4-gram multiset overlap of `predicted` against `gold`.
inline Overlap shingle_overlap(std::string_view gold, std::string_view predicted) {
  auto shingles = [](const std::vector<std::string>& t) {
    std::map<std::string, int> out;
    if (t.empty()) return out;
    const std::size_t n = t.size() < 4 ? t.size() : 4;
    for (std::size_t i = 0; i + n <= t.size(); ++i) {
      std::string key;
      for (std::size_t k = 0; k < n; ++k) key += t[i + k] + '\x1f';
      ++out[key];
    }
    return out;
  };
  const auto g = shingles(word_tokens(gold));
  const auto p = shingles(word_tokens(predicted));
  double tp = 0, gsum = 0, psum = 0;
  for (const auto& [k, c] : g) {
    gsum += c;
    if (auto it = p.find(k); it != p.end()) tp += std::min(c, it->second);
  }
  for (const auto& [k, c] : p) psum += c;
  return {psum > 0 ? tp / psum : 0, gsum > 0 ? tp / gsum : 0};
}

}  // namespace newsd::parse::testing
