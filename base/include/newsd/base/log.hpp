#pragma once
/// Structured logging: every line is an event name plus named fields,
/// rendered as logfmt (`event=fetch.done url=https://… status=200 ms=41`)
/// so it can be grepped and parsed. These calls stay in release builds.
#include <spdlog/spdlog.h>

#include <concepts>
#include <initializer_list>
#include <string>
#include <string_view>
#include <type_traits>

namespace newsd::log {

/// One named field of a log line. Values are formatted once, at construction.
struct Field {
  std::string_view key;
  std::string value;

  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v ? v : "") {}
  Field(std::string_view k, bool v) : key(k), value(v ? "true" : "false") {}
  template <class T>
  requires std::is_arithmetic_v<T> Field(std::string_view k, T v) : key(k), value(fmt::format("{}", v)) {}
};

/// Renders `event` and `fields` as one logfmt line (values with spaces,
/// quotes or `=` are quoted and escaped).
std::string render(std::string_view event, std::initializer_list<Field> fields);

/// Sets the global level from a config name: trace, debug, info, warn, error, off.
/// Returns false (and leaves the level unchanged) for an unknown name.
bool set_level(std::string_view name);

inline void debug(std::string_view event, std::initializer_list<Field> fields = {}) {
  if (spdlog::should_log(spdlog::level::debug)) spdlog::debug("{}", render(event, fields));
}
inline void info(std::string_view event, std::initializer_list<Field> fields = {}) {
  if (spdlog::should_log(spdlog::level::info)) spdlog::info("{}", render(event, fields));
}
inline void warn(std::string_view event, std::initializer_list<Field> fields = {}) {
  if (spdlog::should_log(spdlog::level::warn)) spdlog::warn("{}", render(event, fields));
}
inline void error(std::string_view event, std::initializer_list<Field> fields = {}) {
  if (spdlog::should_log(spdlog::level::err)) spdlog::error("{}", render(event, fields));
}

}  // namespace newsd::log
