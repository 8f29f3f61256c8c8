#pragma once
/// Charset handling for HTML pages as fetched: which encoding the bytes are
/// in, and their UTF-8 decoding, before libxml2's HTML parser sees them.
#include <optional>
#include <string>
#include <string_view>

#include "newsd/base/charset.hpp"
#include "newsd/base/error.hpp"

namespace newsd::parse {

/// Where the charset of a page came from, strongest first.
enum class CharsetSource { bom, http, meta, utf8_valid, detected, fallback };

struct CharsetChoice {
  std::string label;  ///< ICU-known label, e.g. "UTF-8", "windows-1256"
  CharsetSource source = CharsetSource::fallback;
};

/// The charset declared by `<meta charset=…>` or `<meta http-equiv="Content-Type"
/// content="…; charset=…">` within the first 4 KB of `bytes` (the HTML
/// "prescan"), or nullopt when there is none or ICU does not know the label.
std::optional<std::string> prescan_meta_charset(std::string_view bytes);

/// Picks the encoding of a page, in this order: byte-order mark, `http_charset`
/// (Content-Type parameter, empty when unknown), `<meta>` prescan, "UTF-8" when
/// the bytes are valid UTF-8, ICU detection, and finally windows-1252. Labels
/// ICU does not know are skipped. Per the HTML standard a declared UTF-16 in
/// `<meta>` means UTF-8 and a declared iso-8859-1/us-ascii means windows-1252.
CharsetChoice choose_html_charset(std::string_view bytes, std::string_view http_charset = {});

/// Decodes a page to UTF-8 with the encoding choose_html_charset() picks
/// (BOM removed, invalid sequences replaced by U+FFFD). Never fails on bytes:
/// an unusable label falls through to the next source.
charset::Decoded decode_html(std::string_view bytes, std::string_view http_charset = {});

}  // namespace newsd::parse
