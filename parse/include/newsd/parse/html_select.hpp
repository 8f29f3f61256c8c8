#pragma once
/// The CSS selector subset used by per-site extraction rules
/// (`[[extract.sites]] keep/drop`).
///
/// Supported syntax — a comma-separated list of selectors, each a sequence of
/// compound selectors joined by the descendant combinator (whitespace) or the
/// child combinator (`>`). A compound selector is any of, in any order:
///   - a tag name (`article`, `div`) or `*`;
///   - `#id`;
///   - `.class` (several allowed: `.a.b` needs both classes);
///   - `[attr]` (attribute present) and `[attr=value]` / `[attr="value"]`
///     (exact match), `[attr~=word]` (whitespace-separated word),
///     `[attr^=prefix]`, `[attr*=infix]`.
/// Tag, attribute names and ids are compared as written by the page, except
/// tag names which are ASCII case-insensitive. Anything else (pseudo-classes,
/// `+`, `~`) is rejected with Errc::invalid_argument.
#include <string>
#include <string_view>
#include <vector>

#include "newsd/base/error.hpp"

namespace newsd::parse {

struct AttrTest {
  enum class Op { exists, equals, word, prefix, contains };
  std::string name;
  Op op = Op::exists;
  std::string value;
};

/// One compound selector: all its tests hold for the same element.
struct CompoundSelector {
  std::string tag;  ///< lower-case; empty = any
  std::string id;
  std::vector<std::string> classes;
  std::vector<AttrTest> attrs;
  bool child_of_previous = false;  ///< joined to the previous compound by `>`
};

/// A complex selector: compounds left to right (ancestor first).
struct ComplexSelector {
  std::vector<CompoundSelector> parts;
};

/// A parsed selector list (`a, b c`): an element matches if any alternative does.
struct Selector {
  std::string source;
  std::vector<ComplexSelector> alternatives;
};

/// Parses `text` in the subset above. Fails with Errc::invalid_argument and a
/// message naming the offending position for anything outside it.
Result<Selector> parse_selector(std::string_view text);

}  // namespace newsd::parse
