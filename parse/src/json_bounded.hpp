#pragma once
// JSON from feeds and pages, parsed with a bound on nesting: nlohmann::json's
// parser is iterative, but a 100,000-deep `[[[…` value would still cost a
// node per level and invite recursive walks over it later.
#include <nlohmann/json.hpp>
#include <string_view>

namespace newsd::parse::detail {

/// Nesting kept by parse_json_bounded(); JSON Feed and schema.org JSON-LD
/// never come near it.
inline constexpr int kMaxJsonDepth = 64;

/// Parses `text` like `json::parse(text, nullptr, false)` (a discarded value
/// on a syntax error), except that arrays and objects nested more than
/// kMaxJsonDepth levels down are dropped from their parent; `too_deep` is
/// then set.
inline nlohmann::json parse_json_bounded(std::string_view text, bool& too_deep) {
  using json = nlohmann::json;
  const json::parser_callback_t keep = [&too_deep](int depth, json::parse_event_t, json&) {
    if (depth <= kMaxJsonDepth) return true;
    too_deep = true;
    return false;
  };
  return json::parse(text, keep, /*allow_exceptions=*/false);
}

}  // namespace newsd::parse::detail
