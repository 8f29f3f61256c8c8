#include "newsd/parse/dates.hpp"

#include <fmt/format.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <vector>

#include "newsd/base/ascii.hpp"
#include "normalizers.hpp"

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
  // ISO 8601 writes the end of a day as 24:00:00 (the next day's midnight).
  const bool end_of_day = f.hour == 24 && f.minute == 0 && f.second == 0;
  if (f.year < 1 || f.year > 9999 || f.hour < 0 || (f.hour > 23 && !end_of_day) || f.minute < 0 || f.minute > 59 ||
      f.second < 0 || f.second > 60)
    return std::nullopt;
  const year_month_day ymd{year{f.year}, month{static_cast<unsigned>(f.month)}, day{static_cast<unsigned>(f.day)}};
  if (!ymd.ok()) return std::nullopt;
  // A leap second (":60") is read as the last second of the minute.
  const int second = f.second == 60 ? 59 : f.second;
  return sys_days{ymd} + hours{f.hour} + minutes{f.minute} + seconds{second} - minutes{f.offset_minutes};
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

// Korean date units written after the number: 년 (year), 월 (month), 일 (day).
constexpr std::array<std::string_view, 3> kKoreanUnits{"년", "월", "일"};

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

// The seconds a decimal fraction (the digits after `.` or `,`) of `unit`
// seconds stands for, truncated; digits past the ninth are read and ignored.
std::optional<int> read_fraction(std::string_view s, std::size_t& pos, std::int64_t unit) {
  std::int64_t numerator = 0, denominator = 1;
  const std::size_t start = pos;
  for (; pos < s.size() && is_digit(s[pos]); ++pos) {
    if (pos - start >= 9) continue;
    numerator = numerator * 10 + (s[pos] - '0');
    denominator *= 10;
  }
  if (pos == start) return std::nullopt;
  return static_cast<int>(numerator * unit / denominator);
}

// hh[:mm[:ss]] or hhmm[ss], the last component with an optional decimal
// fraction (ISO 8601 §4.2.2.4: `10.5` is 10:30, `10:30.5` is 10:30:30;
// fractions of a second are dropped); stops before a zone.
bool read_time(std::string_view s, std::size_t& pos, Fields& f) {
  const std::size_t start = pos;
  auto h = read_digits(s, pos, 1, 2);
  if (!h) return false;
  f.hour = *h;
  std::int64_t unit = 3600;  // seconds in the last component read
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    auto m = read_digits(s, pos, 2, 2);
    if (!m) return false;
    f.minute = *m;
    unit = 60;
    if (pos < s.size() && s[pos] == ':') {
      ++pos;
      auto sec = read_digits(s, pos, 2, 2);
      if (!sec) return false;
      f.second = *sec;
      unit = 1;
    }
  } else if (pos - start == 2) {
    // Basic format: hhmm or hhmmss.
    if (auto m = read_digits(s, pos, 2, 2)) {
      f.minute = *m;
      unit = 60;
      if (auto sec = read_digits(s, pos, 2, 2)) {
        f.second = *sec;
        unit = 1;
      }
    }
  }
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    // The components below the fraction's are zero, so this cannot carry.
    auto extra = read_fraction(s, pos, unit);
    if (!extra) return false;
    f.minute += *extra / 60;
    f.second += *extra % 60;
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

// Month stems matched as prefixes of a folded word (see fold_word): English
// ("sept", "September"); Greek, whose dates use the genitive ("Νοεμβρίου")
// or three letters ("Νοε"), Ιούν/Ιούλ told apart by the fourth; and the
// Hungarian stems English does not cover ("máj.", "szept.", "október").
constexpr std::array<MonthName, 27> kMonthStems{{
    {"jan", 1},  {"feb", 2},  {"mar", 3},  {"apr", 4},  {"may", 5},  {"jun", 6},  {"jul", 7}, {"aug", 8},  {"sep", 9},
    {"oct", 10}, {"nov", 11}, {"dec", 12}, {"ιαν", 1},  {"φεβ", 2},  {"μαρ", 3},  {"απρ", 4}, {"μαι", 5},  {"ιουν", 6},
    {"ιουλ", 7}, {"αυγ", 8},  {"σεπ", 9},  {"οκτ", 10}, {"νοε", 11}, {"δεκ", 12}, {"maj", 5}, {"szep", 9}, {"okt", 10},
}};

std::optional<int> month_number(std::string_view lowered) {
  for (const auto& m : kMonthNames)
    if (m.name == lowered) return m.month;
  // Three letters at least: "Mar" must not swallow French "mardi" (handled
  // as a day name first), nor a lone Greek "μ".
  if (lowered.size() < 3) return std::nullopt;
  for (const auto& m : kMonthStems)
    if (lowered.starts_with(m.name)) return m.month;
  return std::nullopt;
}

bool is_day_name(std::string_view lowered) {
  // English and Greek day names are matched by their first three letters
  // ("Thu", "Thursday"; "Πέμ", "Πέμπτη"); the others whole, folded.
  static constexpr std::array<std::string_view, 14> kDayStems{"mon", "tue", "wed", "thu", "fri", "sat", "sun",
                                                              "δευ", "τρι", "τετ", "πεμ", "παρ", "σαβ", "κυρ"};
  static constexpr std::array<std::string_view, 44> kDays{
      "lundi",   "mardi",   "mercredi", "jeudi",     "vendredi", "samedi",  "dimanche",                    // French
      "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء",  "الخميس",   "الجمعة",  "السبت",    "الأحد", "الاحد",  // Arabic
      "hetfo",   "kedd",    "szerda",   "csutortok", "pentek",   "szombat", "vasarnap",                    // Hungarian
      "he",      "ke",      "sze",      "cs",        "pe",       "szo",     "va",  // its short forms
      "월",      "화",      "수",       "목",        "금",       "토",      "일",  // Korean
      "월요일",  "화요일",  "수요일",   "목요일",    "금요일",   "토요일",  "일요일"};
  for (auto stem : kDayStems)
    if (lowered.starts_with(stem)) return true;
  for (auto day : kDays)
    if (lowered == day || (lowered.size() == day.size() + 1 && lowered.starts_with(day) && lowered.back() == '.'))
      return true;
  return false;
}

// A word lower-cased and stripped of accents (NFD, combining marks dropped,
// case-folded, NFC), so "Νοεμβρίου", "ΝΟΈΜΒΡΙΟΣ" and "november" meet the
// tables above as "νοεμβριου", "νοεμβριοσ", "november". ASCII words are
// only lower-cased.
std::string fold_word(std::string_view word) {
  if (std::ranges::all_of(word, [](char c) { return static_cast<unsigned char>(c) < 0x80; })) return ascii_lower(word);
  const icu::Normalizer2* nfd = nfd_normalizer();
  const icu::Normalizer2* nfc = nfc_normalizer();
  if (nfd == nullptr || nfc == nullptr) return std::string(word);
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString decomposed = nfd->normalize(
      icu::UnicodeString::fromUTF8(icu::StringPiece(word.data(), static_cast<int32_t>(word.size()))), status);
  if (U_FAILURE(status)) return std::string(word);
  icu::UnicodeString bare;
  for (int32_t i = 0; i < decomposed.length();) {
    const UChar32 c = decomposed.char32At(i);
    if (u_charType(c) != U_NON_SPACING_MARK) bare.append(c);
    i += U16_LENGTH(c);
  }
  // Recompose what NFD split but is no mark (Hangul syllables: "오후").
  const icu::UnicodeString composed = nfc->normalize(bare.foldCase(), status);
  if (U_FAILURE(status)) return std::string(word);
  std::string out;
  composed.toUTF8String(out);
  return out;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

std::size_t digit_run(std::string_view s, std::size_t pos) {
  std::size_t n = 0;
  while (pos + n < s.size() && is_digit(s[pos + n])) ++n;
  return n;
}

void set_date(Fields& f, year_month_day ymd) {
  f.year = static_cast<int>(ymd.year());
  f.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  f.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
}

// Ordinal date (ISO 8601 §4.1.2.3): day `ordinal` of the year.
bool set_ordinal_date(Fields& f, int y, int ordinal) {
  if (ordinal < 1 || ordinal > (year{y}.is_leap() ? 366 : 365)) return false;
  set_date(f, year_month_day{sys_days{year{y} / January / 1} + days{ordinal - 1}});
  return true;
}

// Week date (ISO 8601 §4.1.2.4): week 1 is the one holding 4 January,
// weeks start on Monday (day 1). Week 53 exists only in years whose last
// week's Thursday is still in the year.
bool set_week_date(Fields& f, int y, int week, int day_of_week) {
  if (week < 1 || week > 53 || day_of_week < 1 || day_of_week > 7) return false;
  const sys_days jan4{year{y} / January / 4};
  const sys_days monday = jan4 - (weekday{jan4} - Monday) + weeks{week - 1};
  if (year_month_day{monday + days{3}}.year() != year{y}) return false;
  set_date(f, year_month_day{monday + days{day_of_week - 1}});
  return true;
}

// After "YYYY-W" or "YYYYW": ww, then an optional day (`-d`, or `d` in the
// basic format).
bool read_week_date(std::string_view s, std::size_t& pos, Fields& f, bool extended) {
  auto week = read_digits(s, pos, 2, 2);
  if (!week) return false;
  int day_of_week = 1;
  if (extended && pos + 1 < s.size() && s[pos] == '-' && is_digit(s[pos + 1])) {
    day_of_week = s[pos + 1] - '0';
    pos += 2;
  } else if (!extended && pos < s.size() && is_digit(s[pos])) {
    day_of_week = s[pos] - '0';
    ++pos;
  }
  return set_week_date(f, f.year, *week, day_of_week);
}

// The date part of an ISO 8601 / W3C-DTF date, extended (`2026-11-30`,
// `2026-334`, `2026-W49-1`) or basic (`20261130`, `2026334`, `2026W491`),
// reduced to `2026-11` or `2026` (missing parts: first month, first day).
bool read_iso_date(std::string_view s, std::size_t& pos, Fields& f) {
  auto y = read_digits(s, pos, 4, 4);
  if (!y) return false;
  f.year = *y;
  const bool extended = pos < s.size() && s[pos] == '-';
  if (extended) ++pos;
  if (pos < s.size() && (s[pos] == 'W' || s[pos] == 'w')) {
    ++pos;
    return read_week_date(s, pos, f, extended);
  }
  const std::size_t run = digit_run(s, pos);
  if (run == 3) {
    auto ordinal = read_digits(s, pos, 3, 3);
    return set_ordinal_date(f, f.year, *ordinal);
  }
  if (extended) {
    auto m = read_digits(s, pos, 1, 2);
    if (!m) return false;
    f.month = *m;
    if (pos < s.size() && s[pos] == '-') {
      ++pos;
      auto d = read_digits(s, pos, 1, 2);
      if (!d) return false;
      f.day = *d;
    }
  } else if (run > 0) {
    auto m = read_digits(s, pos, 2, 2);
    auto d = read_digits(s, pos, 2, 2);
    if (!m || !d) return false;
    f.month = *m;
    f.day = *d;
  }
  return true;
}

// The words of an RFC 822-like date: split on blanks and commas; "06-Nov-94"
// (RFC 850) split on '-' when the middle part is a month name; Korean
// "2026년11월30일" split after each unit; a trailing period dropped
// (Hungarian "2026. nov. 30.", Greek "μ.μ.").
std::vector<std::string> date_tokens(std::string_view s) {
  std::vector<std::string> tokens;
  std::string current;
  const auto flush = [&] {
    while (current.size() > 1 && current.back() == '.') current.pop_back();
    if (!current.empty()) tokens.push_back(std::move(current));
    current.clear();
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ' ' || c == '\t' || c == ',' || c == '\r' || c == '\n') {
      flush();
      continue;
    }
    current += c;
    if (std::ranges::any_of(kKoreanUnits, [&](std::string_view unit) { return current.ends_with(unit); }) &&
        current.size() > 3 && is_digit(current[current.size() - 4]))
      flush();
  }
  flush();
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
  return expanded;
}

struct NumericDate {
  int year, month, day;
};

// "2026-11-30", "2026/11/30", "2026.11.30": four-digit year first, one
// separator used twice.
std::optional<NumericDate> numeric_date(std::string_view t) {
  std::size_t pos = 0;
  auto y = read_digits(t, pos, 4, 4);
  if (!y || pos >= t.size()) return std::nullopt;
  const char sep = t[pos];
  if (sep != '-' && sep != '/' && sep != '.') return std::nullopt;
  ++pos;
  auto m = read_digits(t, pos, 1, 2);
  if (!m || pos >= t.size() || t[pos] != sep) return std::nullopt;
  ++pos;
  auto d = read_digits(t, pos, 1, 2);
  if (!d || pos != t.size()) return std::nullopt;
  return NumericDate{*y, *m, *d};
}

struct KoreanDatePart {
  char field;  // 'y', 'm' or 'd'
  int value;
};

// "2026년" (year), "11월" (month), "30일" (day).
std::optional<KoreanDatePart> korean_date_part(std::string_view t) {
  for (std::size_t i = 0; i < kKoreanUnits.size(); ++i) {
    const std::string_view unit = kKoreanUnits[i];
    if (!t.ends_with(unit)) continue;
    const std::string_view digits = t.substr(0, t.size() - unit.size());
    if (!all_digits(digits) || digits.size() > 4) return std::nullopt;
    return KoreanDatePart{"ymd"[i], std::stoi(std::string(digits))};
  }
  return std::nullopt;
}

enum class Meridiem { none, am, pm };

// English "am"/"pm" (also "a.m"), Korean 오전/오후, Greek π.μ./μ.μ. (the
// tokenizer dropped the final period).
Meridiem meridiem_of(std::string_view t) {
  if (t == "am" || t == "a.m" || t == "오전" || t == "π.μ") return Meridiem::am;
  if (t == "pm" || t == "p.m" || t == "오후" || t == "μ.μ") return Meridiem::pm;
  return Meridiem::none;
}

// The parts of an RFC 822-style date as its tokens come, in whatever order
// the feed wrote them ("Mon, 30 Nov 2026 10:00 +0300", "2026. 11. 30.",
// "30 نوفمبر 2026"). Each take_* is false when the token cannot be part of
// a date, which makes the whole text no date.
class LooseDate {
 public:
  bool take(const std::string& raw) {
    std::string t = ascii_lower(raw);
    if (t.size() > 2 && t.front() == '(' && t.back() == ')') t = t.substr(1, t.size() - 2);  // "(EST)"
    if (t.empty()) return true;
    if (t.find(':') != std::string::npos && is_digit(t[0]) && !have_time_) return take_time(t);
    if (auto taken = take_number(t)) return *taken;
    if (t[0] == '+' || t[0] == '-') {
      if (offset_) return false;
      offset_ = numeric_offset(t);
      return offset_.has_value();
    }
    return take_word(t);
  }

  // The instant the tokens taken so far name, if they name one.
  [[nodiscard]] std::optional<sys_seconds> instant() const {
    if (!month_ || !day_ || !year_) return std::nullopt;
    Fields f = f_;
    if (meridiem_ != Meridiem::none) {
      if (!have_time_ || f.hour > 12) return std::nullopt;
      if (meridiem_ == Meridiem::pm && f.hour < 12) f.hour += 12;
      if (meridiem_ == Meridiem::am && f.hour == 12) f.hour = 0;
    }
    f.year = year_digits_ <= 2 ? *year_ + (*year_ < 90 ? 2000 : 1900) : *year_;
    f.month = *month_;
    f.day = *day_;
    f.offset_minutes = offset_.value_or(0);
    return to_instant(f);
  }

 private:
  bool take_time(const std::string& t) {
    std::size_t pos = 0;
    Fields time_fields;
    if (!read_time(t, pos, time_fields)) return false;
    f_.hour = time_fields.hour;
    f_.minute = time_fields.minute;
    f_.second = time_fields.second;
    have_time_ = true;
    if (pos < t.size()) {  // zone glued to the time: "10:00:00+0300", "10:00Z"
      offset_ = zone_offset(std::string_view(t).substr(pos));
      if (!offset_) return false;
    }
    return true;
  }

  // A number, a numeric date or a Korean date part; nullopt when `t` is
  // none of these.
  std::optional<bool> take_number(const std::string& t) {
    if (all_digits(t)) {
      if (t.size() >= 3) {
        if (year_) return false;
        year_ = std::stoi(t.substr(0, 5));
        year_digits_ = t.size();
      } else if (year_ && !month_ && !day_) {
        month_ = std::stoi(t);  // year first: "2026. 11. 30." (Korean, Hungarian)
      } else if (!day_) {
        day_ = std::stoi(t);
      } else if (!year_) {
        year_ = std::stoi(t);
        year_digits_ = t.size();
      } else {
        return false;
      }
      return true;
    }
    if (auto date = numeric_date(t)) {  // "2026-11-30", "2026/11/30"
      if (year_ || month_ || day_) return false;
      year_ = date->year;
      year_digits_ = 4;
      month_ = date->month;
      day_ = date->day;
      return true;
    }
    if (auto part = korean_date_part(t)) {  // "2026년", "11월", "30일"
      std::optional<int>& slot = part->field == 'y' ? year_ : part->field == 'm' ? month_ : day_;
      if (slot) return false;
      slot = part->value;
      if (part->field == 'y') year_digits_ = 4;
      return true;
    }
    return std::nullopt;
  }

  // A meridiem, a day or month name, or a zone.
  bool take_word(const std::string& t) {
    const std::string folded = fold_word(t);
    if (const Meridiem m = meridiem_of(folded); m != Meridiem::none) {
      if (meridiem_ != Meridiem::none) return false;
      meridiem_ = m;  // before the time in Korean ("오후 3:04"), after it in English
      return true;
    }
    if (is_day_name(t) || is_day_name(folded)) return true;
    if (!month_) {
      if (auto m = month_number(t); m || (m = month_number(folded))) {
        month_ = m;
        return true;
      }
    }
    if (auto z = zone_offset(t)) {
      if (!offset_) offset_ = z;
      return true;
    }
    // An unknown word after the time is an unknown zone name: UTC, as
    // feedparser does. Anywhere else it means this is not a date.
    if (have_time_ && !offset_ && is_alpha(t[0])) {
      offset_ = 0;
      return true;
    }
    return false;
  }

  Fields f_;
  std::optional<int> month_, day_, year_, offset_;
  std::size_t year_digits_ = 0;
  bool have_time_ = false;
  Meridiem meridiem_ = Meridiem::none;
};

}  // namespace

std::optional<sys_seconds> parse_iso8601_date(std::string_view text) {
  const std::string s = normalise(text);
  std::size_t pos = 0;
  Fields f;
  if (!read_iso_date(s, pos, f)) return std::nullopt;
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
  LooseDate date;
  for (const auto& token : date_tokens(normalise(text))) {
    if (!date.take(token)) return std::nullopt;
  }
  return date.instant();
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
