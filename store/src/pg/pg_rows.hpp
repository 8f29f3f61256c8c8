#pragma once
// Row helpers of the PostgreSQL backend: the SQLite store's time
// conversions (store_impl.hpp) applied to libpqxx fields.
#include <charconv>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "../store_impl.hpp"

namespace newsd::store::pg {

using store::opt_time;

/// A nullable bigint column of Unix seconds.
inline std::optional<TimePoint> opt_time(const pqxx::field& f) {
  return f.is_null() ? std::nullopt : std::optional<TimePoint>(from_unix(f.as<std::int64_t>()));
}

/// The columns feed_from() reads, up to the article count, which the query
/// appends (`kFeedColumns + "0::bigint FROM feeds"`, or a count).
extern const char* const kFeedColumns;
/// A FeedState from a row selected with kFeedColumns and an article count.
FeedState feed_from(const pqxx::row& r);

inline std::optional<std::int64_t> opt_int64(const pqxx::field& f) {
  return f.is_null() ? std::nullopt : std::optional<std::int64_t>(f.as<std::int64_t>());
}

/// A PostgreSQL array literal of texts, for `$n::text[]` parameters: every
/// element quoted, so no text (NULL, braces, commas) is read as syntax.
inline std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (const char c : item) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  return out + '}';
}

/// A PostgreSQL array literal of numbers (`{1,2.5}`), for `$n::bigint[]`
/// or `$n::float8[]` parameters.
template <typename Number>
std::string number_array(const std::vector<Number>& items) {
  std::string out = "{";
  char buf[32];
  for (const auto item : items) {
    if (out.size() > 1) out += ',';
    // Shortest form that reads back to the same value (a score is stored exactly).
    const auto end = std::to_chars(buf, buf + sizeof buf, item).ptr;
    out.append(buf, end);
  }
  return out + '}';
}

}  // namespace newsd::store::pg
