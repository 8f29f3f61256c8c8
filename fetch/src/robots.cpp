#include "newsd/fetch/robots.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "newsd/base/ascii.hpp"

namespace newsd::fetch {
namespace {

constexpr std::size_t kMaxRobotsBytes = 500 * 1024;

bool is_token_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_'; }

std::string_view trim(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_unreserved(unsigned char c) { return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~'; }

// RFC 9309 §2.2.2: robots.txt authors may write paths raw (UTF-8) or
// percent-encoded, and URLs reach us percent-encoded. Bringing both to one
// form (non-ASCII encoded, escapes upper-case, unreserved escapes decoded)
// lets "/أخبار" in robots.txt match "/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1".
std::string normalize_path(std::string_view raw) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    if (c == '%' && i + 2 < raw.size() && hex_value(raw[i + 1]) >= 0 && hex_value(raw[i + 2]) >= 0) {
      const auto decoded = static_cast<unsigned char>(hex_value(raw[i + 1]) * 16 + hex_value(raw[i + 2]));
      if (is_unreserved(decoded)) {
        out.push_back(static_cast<char>(decoded));
      } else {
        out.push_back('%');
        out.push_back(kHex[decoded >> 4]);
        out.push_back(kHex[decoded & 0xF]);
      }
      i += 2;
    } else if (c >= 0x80 || c == ' ') {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

// Greedy wildcard match with single-star backtracking: O(len(path) *
// len(pattern)) at worst, so a hostile pattern like "/*a*a*a*…" cannot blow
// up the way naive recursion would. Robots patterns match prefixes unless
// they end in '$'.
bool pattern_matches(std::string_view pattern, std::string_view path) {
  bool anchored = false;
  if (!pattern.empty() && pattern.back() == '$') {
    anchored = true;
    pattern.remove_suffix(1);
  }
  std::size_t p = 0, s = 0;
  std::size_t star_p = std::string_view::npos, star_s = 0;
  while (s < path.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star_p = p++;
      star_s = s;
    } else if (p < pattern.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (p == pattern.size() && !anchored) {
      return true;  // whole pattern consumed: it matched a prefix
    } else if (star_p != std::string_view::npos) {
      p = star_p + 1;
      s = ++star_s;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// Crawl-delay is not in RFC 9309; crawlers that honour it read seconds,
// often fractional ("0.5").
std::optional<std::chrono::milliseconds> parse_delay(std::string_view value) {
  double seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec != std::errc{} || end != value.data() + value.size() || !std::isfinite(seconds) || seconds < 0) {
    return std::nullopt;
  }
  // Capped here only so the conversion cannot overflow; the fetcher has its own, lower cap.
  return std::chrono::milliseconds(static_cast<long long>(std::min(seconds, 1e9) * 1000));
}

}  // namespace

std::string robots_product_token(std::string_view user_agent) {
  user_agent = trim(user_agent);
  std::size_t n = 0;
  while (n < user_agent.size() && is_token_char(user_agent[n])) ++n;
  return std::string(user_agent.substr(0, n));
}

RobotsRules RobotsRules::allow_all() { return RobotsRules{}; }

RobotsRules RobotsRules::disallow_all() {
  RobotsRules rules;
  rules.disallow_everything_ = true;
  return rules;
}

RobotsRules RobotsRules::parse(std::string_view text, std::string_view product_token) {
  if (text.size() > kMaxRobotsBytes) text = text.substr(0, kMaxRobotsBytes);
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);

  std::vector<Rule> ours, star;
  bool group_is_ours = false, group_is_star = false;
  bool in_agent_lines = false;  // consecutive user-agent lines share one group
  bool found_ours = false;
  std::optional<std::chrono::milliseconds> ours_delay, star_delay;

  while (!text.empty()) {
    const auto eol = text.find_first_of("\r\n");
    std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);

    if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const auto key = trim(line.substr(0, colon));
    const auto value = trim(line.substr(colon + 1));

    if (ascii_iequals(key, "user-agent")) {
      if (!in_agent_lines) group_is_ours = group_is_star = false;
      in_agent_lines = true;
      if (value.starts_with('*')) {
        group_is_star = true;
      } else if (!product_token.empty() && ascii_iequals(robots_product_token(value), product_token)) {
        group_is_ours = true;
        found_ours = true;
      }
      continue;
    }
    if (ascii_iequals(key, "crawl-delay")) {
      in_agent_lines = false;
      if (const auto delay = parse_delay(value)) {
        if (group_is_ours) ours_delay = delay;
        if (group_is_star) star_delay = delay;
      }
      continue;
    }
    const bool is_allow = ascii_iequals(key, "allow");
    if (!is_allow && !ascii_iequals(key, "disallow")) continue;  // sitemap, …: not group rules
    in_agent_lines = false;
    if (value.empty()) continue;  // "Disallow:" with no path allows everything: no rule
    Rule rule{normalize_path(value), is_allow};
    if (group_is_ours) ours.push_back(rule);
    if (group_is_star) star.push_back(std::move(rule));
  }

  RobotsRules rules;
  rules.rules_ = found_ours ? std::move(ours) : std::move(star);
  rules.crawl_delay_ = found_ours ? ours_delay : star_delay;
  return rules;
}

bool RobotsRules::allowed(std::string_view path_and_query) const {
  if (path_and_query.empty()) path_and_query = "/";
  if (path_and_query == "/robots.txt") return true;
  if (disallow_everything_) return false;
  const std::string path = normalize_path(path_and_query);
  const Rule* best = nullptr;
  for (const Rule& rule : rules_) {
    if (!pattern_matches(rule.pattern, path)) continue;
    if (best == nullptr || rule.pattern.size() > best->pattern.size() ||
        (rule.pattern.size() == best->pattern.size() && rule.allow && !best->allow)) {
      best = &rule;
    }
  }
  return best == nullptr || best->allow;
}

}  // namespace newsd::fetch
