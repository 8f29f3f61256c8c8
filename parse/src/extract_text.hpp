#pragma once
// Text helpers for the extractor: whitespace collapsing, NFC, counting.
#include <cstddef>
#include <string>
#include <string_view>

namespace newsd::parse::text {

/// Appends `in` to `out` with every run of whitespace (ASCII, NBSP and the
/// Unicode space separators) turned into one ASCII space. `pending_space`
/// carries a space across calls so that runs split over text nodes collapse
/// too; no space is written at the start of `out`.
void append_collapsed(std::string& out, std::string_view in, bool& pending_space);

/// `in` collapsed and trimmed.
std::string collapse(std::string_view in);

/// `s` in Unicode NFC (returned unchanged if already normalized or not UTF-8).
std::string nfc(std::string s);

/// Number of code points in UTF-8 `s`.
std::size_t count_chars(std::string_view s);

/// Cuts `s` to its first `max_chars` code points, at a UTF-8 sequence
/// boundary, and releases the memory the rest held. True if it was longer.
bool cut_chars(std::string& s, std::size_t max_chars);

/// Share of letters in `s` that are Arabic script (0 when no letters).
double arabic_letter_share(std::string_view s);

/// Key for comparing short texts loosely: lower-case ASCII, letters and digits
/// only (non-ASCII bytes kept as they are).
std::string loose_key(std::string_view s);

}  // namespace newsd::parse::text
