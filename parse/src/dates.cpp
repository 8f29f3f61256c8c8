#include "newsd/parse/dates.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <vector>

#include "newsd/base/ascii.hpp"

// Date shapes are a grammar of a few tokens, not a job for a library: no
// packaged C++ library parses RFC 822 leniently (libstdc++ 12 has no
// chrono::parse, and strptime is locale-bound and rejects the corruptions
// feeds actually contain), so this is a small hand-written tokenizer.

namespace newsd::parse {
namespace {

using namespace std::chrono;

struct Fields {
  int year = -1;
  int month = 1;
  int day = 1;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int offset_minutes = 0;  // local time = UTC + offset
};

std::optional<sys_seconds> to_instant(const Fields& f) {
  if (f.year < 1 || f.year > 9999 || f.hour < 0 || f.hour > 23 || f.minute < 0 || f.minute > 59 || f.second < 0 ||
      f.second > 60)
    return std::nullopt;
  const year_month_day ymd{year{f.year}, month{static_cast<unsigned>(f.month)}, day{static_cast<unsigned>(f.day)}};
  if (!ymd.ok()) return std::nullopt;
  // A leap second (":60") is read as the last second of the minute.
  const int second = f.second == 60 ? 59 : f.second;
  return sys_days{ymd} + hours{f.hour} + minutes{f.minute} + seconds{second} - minutes{f.offset_minutes};
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

// Arabic-language sites often write dates with Arabic-Indic digits and the
// Arabic comma; both are mapped to ASCII so one grammar serves all sites.
std::string normalise(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    const auto next = i + 1 < in.size() ? static_cast<unsigned char>(in[i + 1]) : 0;
    if (c == 0xD9 && next >= 0xA0 && next <= 0xA9) {  // U+0660..U+0669
      out += static_cast<char>('0' + (next - 0xA0));
      ++i;
    } else if (c == 0xDB && next >= 0xB0 && next <= 0xB9) {  // U+06F0..U+06F9
      out += static_cast<char>('0' + (next - 0xB0));
      ++i;
    } else if (c == 0xD8 && next == 0x8C) {  // U+060C ARABIC COMMA
      out += ',';
      ++i;
    } else if (c == 0xC2 && next == 0xA0) {  // NO-BREAK SPACE
      out += ' ';
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  const auto first = out.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = out.find_last_not_of(" \t\r\n");
  return out.substr(first, last - first + 1);
}

struct ZoneName {
  std::string_view name;
  int offset_minutes;
};

// RFC 822 names (with feedparser's military letters, so results agree with
// the reference implementation), plus the abbreviations news sites use.
// "AST" stays RFC 822's Atlantic time; Arabia time is written as +0300.
constexpr std::array<ZoneName, 50> kZones{{
    {"ut", 0},     {"utc", 0},    {"gmt", 0},    {"z", 0},      {"wet", 0},    {"bst", 60},    {"cet", 60},
    {"met", 60},   {"wat", 60},   {"cest", 120}, {"mest", 120}, {"eet", 120},  {"sast", 120},  {"cat", 120},
    {"west", 60},  {"eest", 180}, {"msk", 180},  {"eat", 180},  {"ast", -240}, {"adt", -180},  {"at", -240},
    {"edt", -240}, {"est", -300}, {"et", -300},  {"cdt", -300}, {"cst", -360}, {"ct", -360},   {"mdt", -360},
    {"mst", -420}, {"mt", -420},  {"pdt", -420}, {"pst", -480}, {"pt", -480},  {"akst", -540}, {"akdt", -480},
    {"hst", -600}, {"ist", 330},  {"pkt", 300},  {"gst", 240},  {"irst", 210}, {"jst", 540},   {"kst", 540},
    {"hkt", 480},  {"sgt", 480},  {"aest", 600}, {"aedt", 660}, {"a", -60},    {"n", 60},      {"m", -720},
    {"y", 720},
}};

std::optional<int> named_zone(std::string_view lowered) {
  for (const auto& z : kZones)
    if (z.name == lowered) return z.offset_minutes;
  return std::nullopt;
}

// "+0300", "+03:00", "+03", "+3", "-530", "+3:30" → minutes east of UTC.
std::optional<int> numeric_offset(std::string_view s) {
  if (s.size() < 2 || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  const int sign = s[0] == '-' ? -1 : 1;
  s.remove_prefix(1);
  int h = 0, m = 0;
  if (const auto colon = s.find(':'); colon != std::string_view::npos) {
    const auto hs = s.substr(0, colon), ms = s.substr(colon + 1);
    if (hs.empty() || hs.size() > 2 || ms.size() != 2) return std::nullopt;
    for (char c : hs) {
      if (!is_digit(c)) return std::nullopt;
      h = h * 10 + (c - '0');
    }
    for (char c : ms) {
      if (!is_digit(c)) return std::nullopt;
      m = m * 10 + (c - '0');
    }
  } else {
    if (s.empty() || s.size() > 4) return std::nullopt;
    int v = 0;
    for (char c : s) {
      if (!is_digit(c)) return std::nullopt;
      v = v * 10 + (c - '0');
    }
    if (s.size() <= 2) {
      h = v;
    } else {
      h = v / 100;
      m = v % 100;
    }
  }
  if (h > 23 || m > 59) return std::nullopt;
  return sign * (h * 60 + m);
}

// Any zone spelling: offsets, names, "GMT+3", "UTC-05:30", "Etc/GMT".
std::optional<int> zone_offset(std::string_view token) {
  std::string z = ascii_lower(token);
  if (z.starts_with("etc/")) z.erase(0, 4);
  if (z.starts_with("gmt") || z.starts_with("utc")) {
    const std::string rest = z.substr(3);
    if (rest.empty()) return 0;
    return numeric_offset(rest);
  }
  if (!z.empty() && (z[0] == '+' || z[0] == '-')) return numeric_offset(z);
  return named_zone(z);
}

// Reads exactly `min..max` digits at `pos`.
std::optional<int> read_digits(std::string_view s, std::size_t& pos, std::size_t min, std::size_t max) {
  std::size_t n = 0;
  int v = 0;
  while (pos + n < s.size() && n < max && is_digit(s[pos + n])) {
    v = v * 10 + (s[pos + n] - '0');
    ++n;
  }
  if (n < min) return std::nullopt;
  pos += n;
  return v;
}

// hh[:mm[:ss[.fff]]] or hhmm[ss]; stops before a zone.
bool read_time(std::string_view s, std::size_t& pos, Fields& f) {
  const std::size_t start = pos;
  auto h = read_digits(s, pos, 1, 2);
  if (!h) return false;
  f.hour = *h;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    auto m = read_digits(s, pos, 2, 2);
    if (!m) return false;
    f.minute = *m;
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      auto sec = read_digits(s, pos, 2, 2);
      if (!sec) return false;
      f.second = *sec;
    }
  } else if (pos - start == 2) {
    // Basic format: hhmm or hhmmss.
    if (auto m = read_digits(s, pos, 2, 2)) {
      f.minute = *m;
      if (auto sec = read_digits(s, pos, 2, 2)) f.second = *sec;
    }
  }
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    if (!read_digits(s, pos, 1, 12)) return false;  // fractions are truncated
  }
  return true;
}

struct MonthName {
  std::string_view name;
  int month;
};

// Full month names in French and Arabic (Egyptian/Gulf and Levantine-free
// single-word forms); English is matched by its 3-letter prefix.
constexpr std::array<MonthName, 34> kMonthNames{{
    {"janvier", 1},   {"février", 2},   {"fevrier", 2},   {"mars", 3},  {"avril", 4},     {"mai", 5},
    {"juin", 6},      {"juillet", 7},   {"août", 8},      {"aout", 8},  {"septembre", 9}, {"octobre", 10},
    {"novembre", 11}, {"décembre", 12}, {"decembre", 12}, {"يناير", 1}, {"فبراير", 2},    {"مارس", 3},
    {"أبريل", 4},     {"ابريل", 4},     {"إبريل", 4},     {"مايو", 5},  {"يونيو", 6},     {"يونيه", 6},
    {"يوليو", 7},     {"يوليه", 7},     {"أغسطس", 8},     {"اغسطس", 8}, {"سبتمبر", 9},    {"أكتوبر", 10},
    {"اكتوبر", 10},   {"نوفمبر", 11},   {"ديسمبر", 12},   {"sept", 9},
}};

std::optional<int> month_number(std::string_view lowered) {
  for (const auto& m : kMonthNames)
    if (m.name == lowered) return m.month;
  static constexpr std::array<std::string_view, 12> kEnglish{"jan", "feb", "mar", "apr", "may", "jun",
                                                             "jul", "aug", "sep", "oct", "nov", "dec"};
  if (lowered.size() < 3) return std::nullopt;
  // "Mar" must not swallow French "mardi" (handled as a day name first).
  for (std::size_t i = 0; i < kEnglish.size(); ++i)
    if (lowered.starts_with(kEnglish[i])) return static_cast<int>(i) + 1;
  return std::nullopt;
}

bool is_day_name(std::string_view lowered) {
  static constexpr std::array<std::string_view, 21> kDays{
      "mon",     "tue",     "wed",      "thu",      "fri",      "sat",    "sun",
      "lundi",   "mardi",   "mercredi", "jeudi",    "vendredi", "samedi", "dimanche",
      "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس",   "الجمعة", "السبت"};
  if (lowered == "الأحد" || lowered == "الاحد") return true;
  for (std::size_t i = 0; i < kDays.size(); ++i) {
    if (i < 7 ? lowered.starts_with(kDays[i]) : lowered == kDays[i] || lowered == std::string(kDays[i]) + ".")
      return true;
  }
  return false;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

}  // namespace

std::optional<sys_seconds> parse_iso8601_date(std::string_view text) {
  const std::string s = normalise(text);
  std::size_t pos = 0;
  Fields f;
  auto y = read_digits(s, pos, 4, 4);
  if (!y) return std::nullopt;
  f.year = *y;
  if (pos < s.size() && s[pos] == '-') {
    ++pos;
    auto m = read_digits(s, pos, 1, 2);
    if (!m) return std::nullopt;
    f.month = *m;
    if (pos < s.size() && s[pos] == '-') {
      ++pos;
      auto d = read_digits(s, pos, 1, 2);
      if (!d) return std::nullopt;
      f.day = *d;
    }
  } else if (pos < s.size() && is_digit(s[pos])) {
    auto m = read_digits(s, pos, 2, 2);
    auto d = read_digits(s, pos, 2, 2);
    if (!m || !d) return std::nullopt;
    f.month = *m;
    f.day = *d;
  }
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
    ++pos;
    while (pos < s.size() && s[pos] == ' ') ++pos;
    if (!read_time(s, pos, f)) return std::nullopt;
  }
  while (pos < s.size() && s[pos] == ' ') ++pos;
  if (pos < s.size()) {
    auto offset = zone_offset(std::string_view(s).substr(pos));
    if (!offset) return std::nullopt;
    f.offset_minutes = *offset;
  }
  return to_instant(f);
}

std::optional<sys_seconds> parse_rfc822_date(std::string_view text) {
  const std::string s = normalise(text);
  // Tokens split on blanks and commas; "06-Nov-94" (RFC 850) splits on '-'
  // when the middle part is a month name.
  std::vector<std::string> tokens;
  {
    std::string current;
    for (char c : s) {
      if (c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\n') {
        if (!current.empty()) tokens.push_back(std::move(current));
        current.clear();
      } else {
        current += c;
      }
    }
    if (!current.empty()) tokens.push_back(std::move(current));
  }
  std::vector<std::string> expanded;
  for (auto& t : tokens) {
    const auto d1 = t.find('-');
    const auto d2 = d1 == std::string::npos ? std::string::npos : t.find('-', d1 + 1);
    if (d1 != std::string::npos && d1 > 0 && d2 != std::string::npos && is_alpha(t[d1 + 1])) {
      expanded.push_back(t.substr(0, d1));
      expanded.push_back(t.substr(d1 + 1, d2 - d1 - 1));
      expanded.push_back(t.substr(d2 + 1));
    } else {
      expanded.push_back(std::move(t));
    }
  }

  Fields f;
  std::optional<int> month, day, year, offset;
  std::size_t year_digits = 0;
  bool have_time = false;
  for (const auto& raw : expanded) {
    std::string t = ascii_lower(raw);
    if (t.size() > 2 && t.front() == '(' && t.back() == ')') t = t.substr(1, t.size() - 2);  // "(EST)"
    if (t.empty()) continue;
    if (t.find(':') != std::string::npos && is_digit(t[0]) && !have_time) {
      std::size_t pos = 0;
      Fields time_fields;
      if (!read_time(t, pos, time_fields)) return std::nullopt;
      f.hour = time_fields.hour;
      f.minute = time_fields.minute;
      f.second = time_fields.second;
      have_time = true;
      if (pos < t.size()) {  // zone glued to the time: "10:00:00+0300", "10:00Z"
        offset = zone_offset(std::string_view(t).substr(pos));
        if (!offset) return std::nullopt;
      }
      continue;
    }
    if (all_digits(t)) {
      if (t.size() >= 3) {
        if (year) return std::nullopt;
        year = std::stoi(t.substr(0, 5));
        year_digits = t.size();
      } else if (!day) {
        day = std::stoi(t);
      } else if (!year) {
        year = std::stoi(t);
        year_digits = t.size();
      } else {
        return std::nullopt;
      }
      continue;
    }
    if (t[0] == '+' || t[0] == '-') {
      if (offset) return std::nullopt;
      offset = numeric_offset(t);
      if (!offset) return std::nullopt;
      continue;
    }
    if (t == "am" || t == "pm") {
      if (!have_time || f.hour > 12) return std::nullopt;
      if (t == "pm" && f.hour < 12) f.hour += 12;
      if (t == "am" && f.hour == 12) f.hour = 0;
      continue;
    }
    if (is_day_name(t)) continue;
    if (!month) {
      if (auto m = month_number(t)) {
        month = m;
        continue;
      }
    }
    if (auto z = zone_offset(t)) {
      if (!offset) offset = z;
      continue;
    }
    // An unknown word after the time is an unknown zone name: UTC, as
    // feedparser does. Anywhere else it means this is not a date.
    if (have_time && !offset && is_alpha(t[0])) {
      offset = 0;
      continue;
    }
    return std::nullopt;
  }
  if (!month || !day || !year) return std::nullopt;
  if (year_digits <= 2) *year += *year < 90 ? 2000 : 1900;
  f.year = *year;
  f.month = *month;
  f.day = *day;
  f.offset_minutes = offset.value_or(0);
  return to_instant(f);
}

std::optional<sys_seconds> parse_date(std::string_view text) {
  if (auto iso = parse_iso8601_date(text)) return iso;
  return parse_rfc822_date(text);
}

bool is_plausible_date(sys_seconds instant, sys_seconds now) {
  constexpr sys_seconds earliest{sys_days{year{1990} / January / 1}};
  return instant >= earliest && instant <= now + days{2};
}

std::optional<sys_seconds> plausible_date(std::optional<sys_seconds> instant, sys_seconds now) {
  if (instant && !is_plausible_date(*instant, now)) return std::nullopt;
  return instant;
}

sys_seconds current_time() { return floor<seconds>(system_clock::now()); }

std::string format_iso8601(sys_seconds instant) {
  const auto day_point = floor<days>(instant);
  const year_month_day ymd{day_point};
  const hh_mm_ss time{instant - day_point};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), time.hours().count(),
                     time.minutes().count(), time.seconds().count());
}

}  // namespace newsd::parse
