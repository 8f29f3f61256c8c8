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
///    `2004-01-01 19:48`, basic format `20040101T194821Z`, reduced precision
///    `2004-01`, `2004`, `2004-01-01T19Z` (missing parts = first month/day,
///    zero), ordinal dates `2004-001` / `2004001`, week dates `2004-W01-4` /
///    `2004W014` / `2004-W01` (Monday); a decimal fraction on the last time
///    component (`19.5` = 19:30, `19:48.5` = 19:48:30; fractions of a second
///    dropped); `24:00:00` as the next midnight; zones `Z`, `±hh`, `±hhmm`,
///    `±hh:mm`; no zone = UTC.
///  - RFC 822/1123/2822 and their common corruptions: optional day name,
///    2-digit years (<90 → 20xx, else 19xx), month before day (`Jan 02 2004`),
///    missing seconds or time, zones as offsets (`+0300`, `-05:00`), names
///    (UT, GMT, UTC, Z, EST/EDT, CST/CDT, MST/MDT, PST/PDT, AST/ADT, military
///    letters, CET, EET, MSK, …) or `GMT+3`/`UTC-05:30`; an unknown zone name
///    counts as UTC.
///  - asctime: `Sun Jan  4 16:29:06 2004`.
///  - The same words in other orders and scripts: year first with periods
///    (Hungarian `2026. nov. 30., hétfő 10:30`, Korean `2026. 11. 30.`), a
///    `YYYY-MM-DD` / `YYYY/MM/DD` / `YYYY.MM.DD` date, Korean units
///    (`2026년 11월 30일 (월) 10:30:00`), AM/PM before or after the time
///    (`am`, `p.m.`, `오전`/`오후`, `π.μ.`/`μ.μ.`).
/// Month and day names in English, French, Arabic, Greek (any case, with or
/// without accents, genitive months: `Νοεμβρίου`), Hungarian (`máj.`,
/// `szept.`, `csütörtök`) and Korean are recognised.
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
