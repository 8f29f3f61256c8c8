#pragma once
// Content fingerprints for dedup: an exact hash of the normalized text and a
// 64-bit SimHash over word shingles, both computed from the classify
// pipeline's tokens so that spacing, punctuation, diacritics and letter-form
// variants do not make two copies of one text look different.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "newsd/classify/text.hpp"

namespace newsd::store {

struct Fingerprint {
  /// Hash of the normalized token sequence; nullopt when the text has too
  /// few words to be a meaningful dedup key (empty bodies, one-line summaries).
  std::optional<std::int64_t> content_hash;
  /// SimHash of 2-word shingles of the stems; nullopt under the same rule.
  std::optional<std::uint64_t> simhash;
};

/// Texts with fewer tokens than this get no fingerprint.
inline constexpr std::size_t kMinFingerprintTokens = 8;

/// Of the text's document_tokens() (tokenizer.hpp), the tokens it is indexed by.
Fingerprint fingerprint(std::string_view text);
/// The same from tokens already produced by document_tokens(text).
Fingerprint fingerprint(std::span<const classify::Token> tokens);

/// Number of differing bits.
int hamming_distance(std::uint64_t a, std::uint64_t b) noexcept;

/// The 16-bit band `band` (0..3) of a simhash, as stored in the band indexes.
inline std::int64_t simhash_band(std::uint64_t simhash, int band) noexcept {
  return static_cast<std::int64_t>((simhash >> (16 * band)) & 0xFFFFu);
}

}  // namespace newsd::store
