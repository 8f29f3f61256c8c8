// Character-encoding detection for feed documents, in the spec's priority
// order: BOM, HTTP charset, XML declaration, UTF-8.
#include <algorithm>
#include <cctype>

#include "feed_internal.hpp"
#include "newsd/base/ascii.hpp"
#include "newsd/base/charset.hpp"

namespace newsd::parse::feed_detail {
namespace {

// The byte family of a document without BOM, from its first four bytes
// (XML 1.0 Appendix F); it is what the XML declaration itself is written in.
enum class Family { ascii, utf16le, utf16be, utf32le, utf32be, ebcdic };

Family sniff_family(std::string_view b) {
  if (b.size() < 4) return Family::ascii;
  const auto u = [&](std::size_t i) { return static_cast<unsigned char>(b[i]); };
  if (u(0) == 0 && u(1) == 0 && u(2) == 0 && u(3) != 0) return Family::utf32be;
  if (u(0) != 0 && u(1) == 0 && u(2) == 0 && u(3) == 0) return Family::utf32le;
  if (u(0) == 0 && u(1) != 0 && u(2) == 0 && u(3) != 0) return Family::utf16be;
  if (u(0) != 0 && u(1) == 0 && u(2) != 0 && u(3) == 0) return Family::utf16le;
  if (u(0) == 0x4C && u(1) == 0x6F && u(2) == 0xA7 && u(3) == 0x94) return Family::ebcdic;  // "<?xm" in EBCDIC
  return Family::ascii;
}

const char* family_codec(Family f) {
  switch (f) {
    case Family::utf16le: return "UTF-16LE";
    case Family::utf16be: return "UTF-16BE";
    case Family::utf32le: return "UTF-32LE";
    case Family::utf32be: return "UTF-32BE";
    case Family::ebcdic: return "cp037";
    case Family::ascii: return "UTF-8";
  }
  return "UTF-8";
}

// The `encoding` pseudo-attribute of an XML declaration at the start of
// `text` (already readable as ASCII), or empty.
std::string declared_encoding(std::string_view text) {
  const auto start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || text.substr(start, 5) != "<?xml") return {};
  const auto end = text.find("?>", start);
  const std::string_view decl = text.substr(start, end == std::string_view::npos ? 200 : end - start);
  auto pos = decl.find("encoding");
  if (pos == std::string_view::npos) return {};
  pos = decl.find('=', pos);
  if (pos == std::string_view::npos) return {};
  pos = decl.find_first_not_of(" \t\r\n", pos + 1);
  if (pos == std::string_view::npos || (decl[pos] != '"' && decl[pos] != '\'')) return {};
  const char quote = decl[pos];
  const auto close = decl.find(quote, pos + 1);
  if (close == std::string_view::npos) return {};
  return std::string(decl.substr(pos + 1, close - pos - 1));
}

DecodedText decode_as(std::string_view bytes, std::string_view label) {
  DecodedText out;
  auto decoded = charset::to_utf8(bytes, label);
  if (!decoded) {
    // Only an unknown label gets here, and callers check is_known first.
    out.problem = decoded.error().message;
    out.text.assign(bytes);
    out.encoding = "utf-8";
    return out;
  }
  out.text = std::move(decoded->text);
  out.encoding = std::move(decoded->encoding);
  if (decoded->had_errors) out.problem = "bytes invalid in " + out.encoding;
  return out;
}

bool is_utf16_or_32(std::string_view canonical) {
  return canonical.starts_with("utf-16") || canonical.starts_with("utf-32");
}

}  // namespace

DecodedText decode_feed_bytes(std::string_view bytes, std::string_view http_charset) {
  if (auto bom = charset::sniff_bom(bytes)) return decode_as(bytes, *bom);
  if (!http_charset.empty() && charset::is_known(http_charset)) return decode_as(bytes, http_charset);

  const Family family = sniff_family(bytes);
  std::string declared;
  if (family == Family::ascii) {
    declared = declared_encoding(bytes.substr(0, 512));
  } else if (auto head = charset::to_utf8(bytes.substr(0, 1024), family_codec(family))) {
    declared = declared_encoding(head->text);
  }

  if (family != Family::ascii && family != Family::ebcdic) {
    // The bytes themselves prove the UTF-16/32 width and byte order; a
    // declaration only matters if it contradicts them.
    DecodedText out = decode_as(bytes, family_codec(family));
    if (!declared.empty() && !is_utf16_or_32(charset::canonical_name(declared)) && out.problem.empty())
      out.problem = "document declared as " + declared + " but is " + out.encoding;
    return out;
  }
  if (family == Family::ebcdic) {
    return decode_as(bytes, !declared.empty() && charset::is_known(declared) ? std::string_view(declared) : "cp037");
  }
  if (!declared.empty()) {
    const std::string canonical = charset::canonical_name(declared);
    // An ASCII-looking document cannot really be UTF-16; the label lies.
    if (charset::is_known(declared) && !is_utf16_or_32(canonical)) return decode_as(bytes, declared);
    DecodedText out = decode_as(bytes, "UTF-8");
    if (out.problem.empty()) out.problem = "unusable declared encoding '" + declared + "'";
    return out;
  }

  DecodedText out = decode_as(bytes, "UTF-8");
  if (!out.problem.empty()) {
    // Unlabelled legacy bytes (a windows-1256 feed without declaration is
    // common): ICU's guess beats a page of U+FFFD. Still bozo.
    if (auto guess = charset::detect(bytes); guess && ascii_lower(*guess) != "utf-8" && charset::is_known(*guess)) {
      DecodedText guessed = decode_as(bytes, *guess);
      if (guessed.problem.empty()) {
        guessed.problem = "bytes invalid in utf-8; decoded as " + guessed.encoding;
        return guessed;
      }
    }
  }
  return out;
}

}  // namespace newsd::parse::feed_detail
