#pragma once
/// Character-set handling shared by the fetcher, the feed parser and the
/// HTML extractor: BOM sniffing, statistical detection (ICU) and conversion
/// to UTF-8 (ICU, or glibc iconv for the code pages ICU lacks).
///
/// Labels resolve in this order, the first converter found wins: the label
/// as written, in ICU then in iconv (both ignore case; ICU also punctuation,
/// and knows the IANA registry's names and aliases); an IANA "cs…" alias
/// without its prefix (`csKOI8U` → `KOI8U`); Python's `mac<name>` as
/// `x-mac-<name>` / `mac-<name>` (`macgreek` → ICU's `x-mac-greek`); and a
/// few publisher spellings neither library knows (`cp720`, `maclatin2`).
/// Labels longer than 64 bytes, or with characters outside RFC 2978's
/// charset names (and `.:()`), such as `/`, `,` or blanks, are unknown. Mac Icelandic (`maciceland`,
/// `x-mac-icelandic`) is unknown: Debian's ICU has no converter for it, and
/// glibc's MAC-IS maps Ý, ý, Ð, ð elsewhere than Apple's table.
#include <optional>
#include <string>
#include <string_view>

#include "newsd/base/error.hpp"

namespace newsd::charset {

/// The encoding named by a byte-order mark at the start of `bytes`
/// ("UTF-8", "UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE"), or nullopt.
std::optional<std::string> sniff_bom(std::string_view bytes);

/// Length in bytes of the BOM at the start of `bytes` (0 if none).
std::size_t bom_length(std::string_view bytes);

/// ICU's statistical guess for unlabelled bytes (e.g. "windows-1256"), or
/// nullopt when it has no confident answer. Only the first `max_probe` bytes
/// are examined.
std::optional<std::string> detect(std::string_view bytes, std::size_t max_probe = 64 * 1024);

/// True if `bytes` is entirely valid UTF-8.
bool is_valid_utf8(std::string_view bytes);

/// True if `label` resolves to a converter (aliases such as "latin1",
/// "cp1256", "arabic", "ibm437", "koi8-t" included).
bool is_known(std::string_view label);

/// Canonical lower-case name for a charset label as reported to users
/// ("utf-8", "windows-1256", "iso-8859-6"): ICU's MIME, IANA, WINDOWS or IBM
/// name in that order of preference ("ibm437", "x-mac-greek", "ibm-1125"),
/// the lower-cased iconv name for code pages only iconv has ("koi8-t"), or the label lower-cased if nothing knows it.
std::string canonical_name(std::string_view label);

struct Decoded {
  std::string text;         ///< UTF-8, without BOM
  std::string encoding;     ///< canonical name of the encoding actually used
  bool had_errors = false;  ///< some bytes were invalid and replaced by U+FFFD
};

/// Converts `bytes` from `label` to UTF-8, replacing invalid sequences with
/// U+FFFD (and setting had_errors). Fails with Errc::encoding only when
/// `label` resolves to no converter.
Result<Decoded> to_utf8(std::string_view bytes, std::string_view label);

}  // namespace newsd::charset
