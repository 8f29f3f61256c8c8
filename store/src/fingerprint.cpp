#include "fingerprint.hpp"

#include <array>
#include <bit>
#include <string>
#include <vector>

#include "newsd/classify/text.hpp"
#include "tokenizer.hpp"

namespace newsd::store {
namespace {

// FNV-1a: stable across compilers and releases (std::hash is not), which
// matters because the hashes are stored on disk and compared for years.
constexpr std::uint64_t kFnvOffset = 14695981039346656037ull;
constexpr std::uint64_t kFnvPrime = 1099511628211ull;

std::uint64_t fnv1a(std::uint64_t h, std::string_view bytes) noexcept {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

// FNV-1a's low bits mix poorly for short inputs; SimHash votes on every bit,
// so finish with a 64-bit avalanche (the splitmix64 finalizer).
std::uint64_t avalanche(std::uint64_t x) noexcept {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

// Word bigrams: on news-length texts a one-word edit then moves the hash by
// 0-2 bits, where trigrams moved it by up to 7 on the test stories
// (tests/store/dedup_test.cpp), and unrelated stories stay ~30 bits apart.
constexpr std::size_t kShingleWords = 2;

}  // namespace

Fingerprint fingerprint(std::string_view text) { return fingerprint(document_tokens(text)); }

Fingerprint fingerprint(std::span<const classify::Token> tokens) {
  if (tokens.size() < kMinFingerprintTokens) return {};

  std::uint64_t content = kFnvOffset;
  for (const auto& t : tokens) {
    content = fnv1a(content, t.norm);
    content = fnv1a(content, " ");
  }

  // Stems rather than surface forms: a re-edited wire copy that changes "the
  // minister said" to "the ministers said" should stay near its original.
  // Counting set bits (rather than +1/-1 votes) keeps the inner loop a plain
  // add that the compiler vectorizes; a bit is set when most shingles set it.
  std::array<std::uint32_t, 64> ones{};
  std::uint32_t shingles = 0;
  for (std::size_t i = 0; i + kShingleWords <= tokens.size(); ++i, ++shingles) {
    std::uint64_t h = kFnvOffset;
    for (std::size_t k = 0; k < kShingleWords; ++k) {
      h = fnv1a(h, tokens[i + k].stem);
      h = fnv1a(h, "\x1f");
    }
    h = avalanche(h);
    for (int bit = 0; bit < 64; ++bit) ones[bit] += static_cast<std::uint32_t>((h >> bit) & 1u);
  }
  std::uint64_t simhash = 0;
  for (int bit = 0; bit < 64; ++bit) {
    if (2 * ones[bit] > shingles) simhash |= std::uint64_t{1} << bit;
  }
  return {static_cast<std::int64_t>(content), simhash};
}

int hamming_distance(std::uint64_t a, std::uint64_t b) noexcept { return std::popcount(a ^ b); }

}  // namespace newsd::store
