#pragma once
/// Character-set handling shared by the fetcher, the feed parser and the
/// HTML extractor: BOM sniffing, statistical detection and conversion to
/// UTF-8, all through ICU.
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

/// True if ICU knows a converter for `label` (aliases such as "latin1",
/// "cp1256", "arabic" included).
bool is_known(std::string_view label);

/// Canonical lower-case name for a charset label as reported to users
/// ("utf-8", "windows-1256", "iso-8859-6"), or the label lower-cased if ICU
/// does not know it.
std::string canonical_name(std::string_view label);

struct Decoded {
  std::string text;         ///< UTF-8, without BOM
  std::string encoding;     ///< canonical name of the encoding actually used
  bool had_errors = false;  ///< some bytes were invalid and replaced by U+FFFD
};

/// Converts `bytes` from `label` to UTF-8, replacing invalid sequences with
/// U+FFFD (and setting had_errors). Fails with Errc::encoding only when ICU
/// has no converter for `label`.
Result<Decoded> to_utf8(std::string_view bytes, std::string_view label);

}  // namespace newsd::charset
