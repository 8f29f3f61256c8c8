#pragma once
// The version of a taxonomy or model: a content hash of the bytes that were
// loaded. It is stored per article (articles.taxonomy_version /
// model_version) and compared for years, so it must be stable across
// compilers and releases: FNV-1a, not std::hash.
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace newsd::classify {

class ContentVersion {
 public:
  void add(std::string_view bytes) noexcept {
    for (const unsigned char c : bytes) {
      hash_ ^= c;
      hash_ *= kPrime;
    }
  }
  /// 16 lower-case hex digits.
  [[nodiscard]] std::string hex() const { return fmt::format("{:016x}", hash_); }

 private:
  static constexpr std::uint64_t kOffset = 14695981039346656037ull;
  static constexpr std::uint64_t kPrime = 1099511628211ull;
  std::uint64_t hash_ = kOffset;
};

}  // namespace newsd::classify
