#include "extract_text.hpp"

#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>

#include "newsd/base/ascii.hpp"
#include "normalizers.hpp"

namespace newsd::parse::text {
namespace {

// Length of the whitespace sequence at `in[i]` (0 if none). Handles the
// multi-byte spaces news sites use between words: NBSP, U+2000–U+200A,
// U+202F, U+205F and U+3000, and the line separators U+0085, U+2028 and
// U+2029 (which JSON-lines readers would take for line ends).
std::size_t space_length(std::string_view in, std::size_t i) {
  const auto c = static_cast<unsigned char>(in[i]);
  if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v') return 1;
  if (c == 0xC2 && i + 1 < in.size()) {
    const auto c1 = static_cast<unsigned char>(in[i + 1]);
    if (c1 == 0xA0 || c1 == 0x85) return 2;  // NBSP, NEL
  }
  if (c == 0xE2 && i + 2 < in.size()) {
    const auto c1 = static_cast<unsigned char>(in[i + 1]);
    const auto c2 = static_cast<unsigned char>(in[i + 2]);
    if (c1 == 0x80 && (c2 <= 0x8A || c2 == 0xA8 || c2 == 0xA9 || c2 == 0xAF)) return 3;  // incl. U+2028/9
    if (c1 == 0x81 && c2 == 0x9F) return 3;
  }
  if (c == 0xE3 && i + 2 < in.size() && static_cast<unsigned char>(in[i + 1]) == 0x80 &&
      static_cast<unsigned char>(in[i + 2]) == 0x80)
    return 3;
  return 0;
}

}  // namespace

void append_collapsed(std::string& out, std::string_view in, bool& pending_space) {
  std::size_t i = 0;
  while (i < in.size()) {
    // Copy the longest run of plain bytes at once.
    std::size_t j = i;
    std::size_t sp = 0;
    while (j < in.size()) {
      const auto c = static_cast<unsigned char>(in[j]);
      if (c > ' ' && c != 0xC2 && c != 0xE2 && c != 0xE3) {
        ++j;
        continue;
      }
      sp = space_length(in, j);
      if (sp != 0) break;
      ++j;
    }
    if (j > i) {
      if (pending_space && !out.empty()) out += ' ';
      pending_space = false;
      out.append(in.data() + i, j - i);
    }
    if (j >= in.size()) break;
    pending_space = true;
    i = j + sp;
  }
}

std::string collapse(std::string_view in) {
  std::string out;
  bool pending = false;
  append_collapsed(out, in, pending);
  return out;
}

std::string nfc(std::string s) {
  if (std::ranges::all_of(s, [](char c) { return static_cast<unsigned char>(c) < 0x80; })) return s;
  const icu::Normalizer2* norm = nfc_normalizer();
  if (norm == nullptr) return s;
  UErrorCode status = U_ZERO_ERROR;
  if (norm->isNormalizedUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())), status) && U_SUCCESS(status))
    return s;
  status = U_ZERO_ERROR;
  std::string out;
  icu::StringByteSink<std::string> sink(&out);
  norm->normalizeUTF8(0, icu::StringPiece(s.data(), static_cast<int32_t>(s.size())), sink, nullptr, status);
  return U_SUCCESS(status) ? out : s;
}

std::size_t count_chars(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

bool cut_chars(std::string& s, std::size_t max_chars) {
  if (s.size() <= max_chars) return false;  // bytes >= code points
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;  // inside a sequence
    if (chars++ == max_chars) {
      s.resize(i);
      s.shrink_to_fit();
      return true;
    }
  }
  return false;
}

double arabic_letter_share(std::string_view s) {
  std::size_t letters = 0, arabic = 0;
  int32_t i = 0;
  const auto len = static_cast<int32_t>(s.size());
  while (i < len) {
    UChar32 cp;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, len, cp);
    if (cp < 0 || !u_isalpha(cp)) continue;
    ++letters;
    if ((cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F) || (cp >= 0x08A0 && cp <= 0x08FF) ||
        (cp >= 0xFB50 && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFF))
      ++arabic;
  }
  return letters == 0 ? 0.0 : static_cast<double>(arabic) / static_cast<double>(letters);
}

std::string loose_key(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80) {
      out += ch;
    } else if (std::isalnum(c)) {
      out += ascii_lower(static_cast<char>(c));
    }
  }
  return out;
}

}  // namespace newsd::parse::text
