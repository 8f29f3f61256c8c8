#pragma once
// The machinery every reader of newsd's TOML files shares: a Validator that
// collects each problem as `file:line:col: message`, and a TableReader that
// reads one table's keys with their types and bounds and reports the keys
// nobody asked for. Internal to the config module.
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "newsd/config/config.hpp"
#include "newsd/config/duration.hpp"

namespace newsd::config::detail {

namespace fs = std::filesystem;

// Collects every problem in the file rather than stopping at the first one:
// a user fixing a config wants the whole list in one go.
class Validator {
 public:
  explicit Validator(fs::path origin) : origin_(std::move(origin)) {}

  void error(const toml::source_region& where, std::string_view message) {
    std::ostringstream line;
    line << origin_.string() << ':' << where.begin.line << ':' << where.begin.column << ": " << message;
    errors_.push_back({where.begin.line, where.begin.column, line.str()});
  }

  [[nodiscard]] bool ok() const { return errors_.empty(); }

  /// All problems, one per line, in file order (tables are read in a fixed
  /// order, not the order the user wrote them).
  [[nodiscard]] std::string joined() const {
    auto sorted = errors_;
    std::ranges::stable_sort(sorted, {}, [](const Problem& p) { return std::pair(p.line, p.column); });
    std::string out;
    for (const auto& p : sorted) {
      if (!out.empty()) out += '\n';
      out += p.text;
    }
    return out;
  }

  [[nodiscard]] const fs::path& origin() const { return origin_; }

  // config_keys(): every key the readers ask for, as `section.key`.
  enum class Shape { value, table, table_array };
  void record_keys(std::map<std::string, Shape>* keys) { keys_ = keys; }
  void asked(const std::string& key, Shape shape) {
    if (keys_ != nullptr && (shape != Shape::value || !keys_->contains(key))) (*keys_)[key] = shape;
  }

 private:
  struct Problem {
    toml::source_index line;
    toml::source_index column;
    std::string text;
  };
  fs::path origin_;
  std::vector<Problem> errors_;
  std::map<std::string, Shape>* keys_ = nullptr;
};

// One table's keys, read in a declared order; keys nobody asked for are
// reported as unknown, which is how typos ("intervall") get caught.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string prefix, Validator& v)
      : table_(table), prefix_(std::move(prefix)), v_(v) {}

  ~TableReader() {
    for (const auto& [key, node] : table_) {
      if (!seen_.contains(std::string(key.str()))) {
        v_.error(key.source(), "unknown key '" + prefix_ + std::string(key.str()) + "'");
      }
    }
  }
  TableReader(const TableReader&) = delete;
  TableReader& operator=(const TableReader&) = delete;

  const toml::node* find(std::string_view key) {
    seen_.insert(std::string(key));
    v_.asked(prefix_ + std::string(key), Validator::Shape::value);
    return table_.get(key);
  }

  void string(std::string_view key, std::string& out) {
    if (const auto* n = find(key)) {
      if (auto s = n->value<std::string>())
        out = *s;
      else
        type_error(*n, key, "a string");
    }
  }

  void boolean(std::string_view key, bool& out) {
    if (const auto* n = find(key)) {
      if (auto b = n->value<bool>())
        out = *b;
      else
        type_error(*n, key, "true or false");
    }
  }

  template <class Int>
  void integer(std::string_view key, Int& out, std::int64_t min, std::int64_t max) {
    if (const auto* n = find(key)) {
      auto i = n->is_integer() ? n->value<std::int64_t>() : std::nullopt;
      if (!i) return type_error(*n, key, "an integer");
      if (*i < min || *i > max) {
        v_.error(n->source(), fmt_range(key, min, max));
        return;
      }
      out = static_cast<Int>(*i);
    }
  }

  void number(std::string_view key, double& out, double min, double max) {
    if (const auto* n = find(key)) {
      auto d = n->value<double>();  // integers convert too
      if (!d) return type_error(*n, key, "a number");
      if (*d < min || *d > max) {
        v_.error(n->source(), "'" + prefix_ + std::string(key) + "' must be between " + std::to_string(min) + " and " +
                                  std::to_string(max));
        return;
      }
      out = *d;
    }
  }

  // Durations are written "90s", "30m", "2h", "1d" or as plain seconds.
  // True when the key was present and valid (so optional settings know to take it).
  bool duration(std::string_view key, Seconds& out, Seconds min, Seconds max) {
    const auto* n = find(key);
    if (!n) return false;
    std::optional<Seconds> parsed;
    if (n->is_integer())
      parsed = Seconds{*n->value<std::int64_t>()};
    else if (auto s = n->value<std::string>())
      parsed = parse_duration(*s);
    if (!parsed) {
      type_error(*n, key, "a duration such as \"90s\", \"30m\", \"2h\" or a number of seconds");
      return false;
    }
    if (*parsed < min || *parsed > max) {
      v_.error(n->source(), "'" + prefix_ + std::string(key) + "' must be between " + format_duration(min) + " and " +
                                format_duration(max));
      return false;
    }
    out = *parsed;
    return true;
  }

  void path(std::string_view key, fs::path& out) {
    std::string s;
    string(key, s);
    if (!s.empty()) out = resolve(s);
  }

  // `check`, when set, says why an item is unusable (empty = fine); the
  // error points at the item itself.
  void string_list(std::string_view key, std::vector<std::string>& out,
                   const std::function<std::string(std::string_view)>& check = {}) {
    const auto* n = find(key);
    if (!n) return;
    const auto* arr = n->as_array();
    if (!arr) return type_error(*n, key, "an array of strings");
    out.clear();
    for (const auto& item : *arr) {
      auto s = item.value<std::string>();
      if (!s) {
        v_.error(item.source(), "'" + prefix_ + std::string(key) + "' must contain only strings");
        continue;
      }
      if (check) {
        if (const std::string why = check(*s); !why.empty()) {
          v_.error(item.source(), "'" + prefix_ + std::string(key) + "' entry '" + *s + "': " + why);
          continue;
        }
      }
      out.push_back(*s);
    }
  }

  // A sub-table (`[fetch]`); absent is fine, anything else is a type error.
  const toml::table* table(std::string_view key) {
    const auto* n = find(key);
    v_.asked(prefix_ + std::string(key), Validator::Shape::table);
    if (!n) return nullptr;
    if (const auto* t = n->as_table()) return t;
    type_error(*n, key, "a table");
    return nullptr;
  }

  // An array of tables (`[[feeds]]`).
  const toml::array* table_array(std::string_view key) {
    const auto* n = find(key);
    v_.asked(prefix_ + std::string(key), Validator::Shape::table_array);
    if (!n) return nullptr;
    const auto* arr = n->as_array();
    if (!arr || !arr->is_array_of_tables()) {
      type_error(*n, key, "an array of tables ([[" + prefix_ + std::string(key) + "]])");
      return nullptr;
    }
    return arr;
  }

  [[nodiscard]] fs::path resolve(const fs::path& p) const {
    if (p.is_absolute() || v_.origin().empty()) return p;
    return (v_.origin().parent_path() / p).lexically_normal();
  }

  [[nodiscard]] bool has(std::string_view key) const { return table_.contains(key); }

  void error_at(std::string_view key, std::string_view message) {
    if (const auto* n = table_.get(key))
      v_.error(n->source(), message);
    else
      v_.error(table_.source(), message);
  }

  [[nodiscard]] const std::string& prefix() const { return prefix_; }

 private:
  void type_error(const toml::node& n, std::string_view key, std::string_view expected) {
    v_.error(n.source(), "'" + prefix_ + std::string(key) + "' must be " + std::string(expected));
  }

  std::string fmt_range(std::string_view key, std::int64_t min, std::int64_t max) const {
    return "'" + prefix_ + std::string(key) + "' must be between " + std::to_string(min) + " and " +
           std::to_string(max);
  }

  const toml::table& table_;
  std::string prefix_;
  Validator& v_;
  std::set<std::string> seen_;
};

/// Reads the table `name` of `root` with `read(TableReader&)`, its keys
/// prefixed "name." in messages; nothing when the file has no such table.
template <class Read>
void read_table(TableReader& root, std::string_view name, Validator& v, Read&& read) {
  if (const auto* t = root.table(name)) {
    TableReader r(*t, std::string(name) + ".", v);
    read(r);
  }
}

}  // namespace newsd::config::detail
