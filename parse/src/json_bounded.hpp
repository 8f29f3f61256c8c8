#pragma once
// JSON from feeds and pages, parsed with a bound on nesting: nlohmann::json's
// parser is iterative, but a 100,000-deep `[[[…` value would still cost a
// node per level and invite recursive walks over it later.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace newsd::parse::detail {

/// Nesting kept by parse_json_bounded(); JSON Feed and schema.org JSON-LD
/// never come near it.
inline constexpr std::size_t kMaxJsonDepth = 64;

/// Builds the document from nlohmann's SAX events like its own DOM parser,
/// except that arrays and objects more than kMaxJsonDepth levels down are
/// skipped (an object member keeps its key with a null value). Not the
/// parser-callback API: its parser rescans the parent container for
/// discarded values after every object, which is quadratic in the number of
/// items of a feed.
class BoundedDomBuilder {
 public:
  using json = nlohmann::json;

  bool null() { return add(nullptr); }
  bool boolean(bool v) { return add(v); }
  bool number_integer(json::number_integer_t v) { return add(v); }
  bool number_unsigned(json::number_unsigned_t v) { return add(v); }
  bool number_float(json::number_float_t v, const json::string_t&) { return add(v); }
  bool string(json::string_t& s) { return add(std::move(s)); }
  bool binary(json::binary_t& b) { return add(json::binary(std::move(b))); }
  bool start_object(std::size_t) { return open(json::object()); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool key(json::string_t& k) {
    if (skipping_ == 0) key_ = std::move(k);
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const json::exception&) { return false; }

  json& root() { return root_; }
  bool too_deep() const { return too_deep_; }

 private:
  // Places `value` where the document is at; returns where it went.
  json* place(json value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    json& top = *stack_.back();
    if (top.is_array()) {
      top.push_back(std::move(value));
      return &top.back();
    }
    json& slot = top[key_];
    slot = std::move(value);
    return &slot;
  }

  bool add(json value) {
    if (skipping_ == 0) place(std::move(value));
    return true;
  }

  bool open(json container) {
    if (skipping_ > 0 || stack_.size() >= kMaxJsonDepth) {
      if (skipping_++ == 0 && !stack_.empty() && stack_.back()->is_object()) place(nullptr);
      too_deep_ = true;
      return true;
    }
    stack_.push_back(place(std::move(container)));
    return true;
  }

  bool close() {
    if (skipping_ > 0)
      --skipping_;
    else
      stack_.pop_back();
    return true;
  }

  json root_;
  std::vector<json*> stack_;  // open containers, innermost last
  json::string_t key_;
  std::size_t skipping_ = 0;  // open containers inside a skipped one, itself included
  bool too_deep_ = false;
};

/// Parses `text` like `json::parse(text, nullptr, false)` (a discarded value
/// on a syntax error), with values nested deeper than kMaxJsonDepth left out
/// as BoundedDomBuilder says; `too_deep` is then set.
inline nlohmann::json parse_json_bounded(std::string_view text, bool& too_deep) {
  BoundedDomBuilder builder;
  if (!nlohmann::json::sax_parse(text, &builder)) return nlohmann::json(nlohmann::json::value_t::discarded);
  too_deep = builder.too_deep();
  return std::move(builder.root());
}

}  // namespace newsd::parse::detail
