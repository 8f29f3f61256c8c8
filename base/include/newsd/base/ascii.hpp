#pragma once
/// ASCII-only case mapping for protocol tokens: charset labels, header and
/// attribute names, URL schemes and hosts, CSS-like selectors. Bytes outside
/// A–Z (UTF-8 included) are left as they are, whatever the C locale says.
#include <algorithm>
#include <string>
#include <string_view>

namespace newsd {

constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

/// `s` with A–Z mapped to a–z.
inline std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

/// True if `a` and `b` are equal ignoring ASCII case.
inline bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
  return std::ranges::equal(a, b, [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

}  // namespace newsd
