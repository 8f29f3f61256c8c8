#pragma once
/// Lenient date parsing for feeds and article pages, and the one output
/// format newsd uses for instants (ISO 8601 UTC, `YYYY-MM-DDTHH:MM:SSZ`).
///
/// Publishers write dates in many shapes; these functions accept what real
/// feeds and pages serve and return nullopt rather than guess wildly.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace newsd::parse {

/// Parses any supported date shape and returns the instant in UTC, or
/// nullopt if `text` is not a recognisable date (or names an impossible one,
/// e.g. 31 February). Accepted, after trimming (Arabic-Indic digits are read
/// as ASCII digits):
///  - W3C-DTF / ISO 8601: `2004-01-01T19:48:21Z`, `2004-01-01T19:48:21.5+03:00`,
///    `2004-01-01 19:48`, `20040101T194821Z`, partial dates `2004-01`, `2004`
///    (missing parts = first month/day, midnight); no zone = UTC.
///  - RFC 822/1123/2822 and their common corruptions: optional day name,
///    2-digit years (<90 → 20xx, else 19xx), month before day (`Jan 02 2004`),
///    missing seconds or time, zones as offsets (`+0300`, `-05:00`), names
///    (UT, GMT, UTC, Z, EST/EDT, CST/CDT, MST/MDT, PST/PDT, AST/ADT, military
///    letters, CET, EET, MSK, …) or `GMT+3`/`UTC-05:30`; an unknown zone name
///    counts as UTC.
///  - asctime: `Sun Jan  4 16:29:06 2004`.
/// English, French and Arabic month names are recognised.
std::optional<std::chrono::sys_seconds> parse_date(std::string_view text);

/// Only the W3C-DTF / ISO 8601 shapes of parse_date().
std::optional<std::chrono::sys_seconds> parse_iso8601_date(std::string_view text);

/// Only the RFC 822 (and asctime) shapes of parse_date().
std::optional<std::chrono::sys_seconds> parse_rfc822_date(std::string_view text);

/// True if `instant` lies in the window newsd believes of a publication
/// date: from 1990-01-01T00:00:00Z to two days after `now` (inclusive).
/// Earlier dates are placeholders (1900, the 1970 epoch), later ones typos
/// (year 9999) or a publisher's clock gone wrong; the two days allow for a
/// wrong time zone. parse_feed() and extract_article() drop dates outside it.
bool is_plausible_date(std::chrono::sys_seconds instant, std::chrono::sys_seconds now);

/// `instant` if is_plausible_date(), else nullopt.
std::optional<std::chrono::sys_seconds> plausible_date(std::optional<std::chrono::sys_seconds> instant,
                                                       std::chrono::sys_seconds now);

/// The system clock, to the second: the `now` of parse_feed() and
/// extract_article() when their caller gives none.
std::chrono::sys_seconds current_time();

/// Formats an instant as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
std::string format_iso8601(std::chrono::sys_seconds instant);

}  // namespace newsd::parse
