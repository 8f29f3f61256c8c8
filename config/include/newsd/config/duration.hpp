#pragma once
/// Human-friendly durations as written in the config file and on the
/// command line: "90s", "30m", "2h", "7d", "2w", or a bare number of seconds.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace newsd::config {

/// Parses "<number><unit>" with unit s, m, h, d, w (or none = seconds).
/// Returns nullopt for anything else, including negative or overflowing values.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

/// The shortest exact rendering: 90 → "90s", 1800 → "30m", 7200 → "2h".
std::string format_duration(std::chrono::seconds d);

}  // namespace newsd::config
