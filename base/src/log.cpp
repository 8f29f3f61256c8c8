#include "newsd/base/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <cstdlib>
#include <memory>
#include <optional>
#include <system_error>

#include "newsd/base/log_stderr.hpp"

namespace newsd::log {
namespace {

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}

void append_value(std::string& out, std::string_view v) {
  if (!needs_quotes(v)) {
    out += v;
    return;
  }
  out += '"';
  for (char c : v) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        // Other control bytes would break line-oriented log readers.
        if (static_cast<unsigned char>(c) < 0x20)
          out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
        else
          out += c;
    }
  }
  out += '"';
}

std::optional<spdlog::level::level_enum> parse_level(std::string_view name) {
  static constexpr std::pair<std::string_view, spdlog::level::level_enum> kLevels[] = {
      {"trace", spdlog::level::trace}, {"debug", spdlog::level::debug}, {"info", spdlog::level::info},
      {"warn", spdlog::level::warn},   {"error", spdlog::level::err},   {"off", spdlog::level::off},
  };
  for (const auto& [level_name, level] : kLevels) {
    if (level_name == name) return level;
  }
  return std::nullopt;
}

// Set once --log-level was given; config reloads then leave the level alone.
std::atomic<bool> level_pinned{false};

// `%*` in a pattern: the sd-daemon.h prefix journald turns into the entry's
// priority (SD_ERR is 3, SD_WARNING 4, SD_INFO 6, SD_DEBUG 7).
class SyslogPriorityFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    const std::string_view prefix = priority_prefix(msg.level);
    dest.append(prefix.data(), prefix.data() + prefix.size());
  }
  [[nodiscard]] std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<SyslogPriorityFlag>();
  }

 private:
  static std::string_view priority_prefix(spdlog::level::level_enum level) {
    switch (level) {
      case spdlog::level::critical: return "<2>";
      case spdlog::level::err: return "<3>";
      case spdlog::level::warn: return "<4>";
      case spdlog::level::info: return "<6>";
      default: return "<7>";
    }
  }
};

bool parse_decimal(std::string_view text, std::uintmax_t& out) {
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc{} && ptr == end && !text.empty();
}

spdlog::color_mode color_mode_for(Color color) {
  if (color == Color::always) return spdlog::color_mode::always;
  if (color == Color::never) return spdlog::color_mode::never;
  // https://no-color.org: present and not empty disables colour.
  if (const char* no_color = std::getenv("NO_COLOR"); no_color != nullptr && *no_color != '\0')
    return spdlog::color_mode::never;
  return spdlog::color_mode::automatic;
}

}  // namespace

std::string render(std::string_view event, std::initializer_list<Field> fields) {
  std::string out = "event=";
  out += event;
  for (const Field& f : fields) {
    out += ' ';
    out += f.key;
    out += '=';
    append_value(out, f.value);
  }
  return out;
}

bool set_level(std::string_view name) {
  const auto level = parse_level(name);
  if (!level) return false;
  if (!level_pinned.load()) spdlog::set_level(*level);
  return true;
}

bool set_level_override(std::string_view name) {
  const auto level = parse_level(name);
  if (!level) return false;
  spdlog::set_level(*level);
  level_pinned.store(true);
  return true;
}

bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  const std::string_view value(stream);
  const auto colon = value.find(':');
  std::uintmax_t dev = 0;
  std::uintmax_t ino = 0;
  if (colon == std::string_view::npos || !parse_decimal(value.substr(0, colon), dev) ||
      !parse_decimal(value.substr(colon + 1), ino))
    return false;
  struct stat st {};
  if (::fstat(STDERR_FILENO, &st) != 0) return false;
  return static_cast<std::uintmax_t>(st.st_dev) == dev && static_cast<std::uintmax_t>(st.st_ino) == ino;
}

std::optional<Color> parse_color(std::string_view name) {
  if (name == "auto") return Color::automatic;
  if (name == "always") return Color::always;
  if (name == "never") return Color::never;
  return std::nullopt;
}

void log_to_stderr(bool journal, Color color) {
  auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>(journal ? spdlog::color_mode::never
                                                                            : color_mode_for(color));
  if (journal) {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<SyslogPriorityFlag>('*').set_pattern("%*%l %v");
    sink->set_formatter(std::move(formatter));
  } else {
    sink->set_formatter(
        std::make_unique<spdlog::pattern_formatter>("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc));
  }
  const auto level = spdlog::get_level();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("newsd", std::move(sink)));
  spdlog::set_level(level);
}

}  // namespace newsd::log
