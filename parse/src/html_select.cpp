// Parser and matcher for the selector subset documented in html_select.hpp.
#include "newsd/parse/html_select.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <utility>

#include "html_dom.hpp"
#include "newsd/base/ascii.hpp"

namespace newsd::parse {
namespace {

bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || static_cast<unsigned char>(c) >= 0x80;
}

class SelectorParser {
 public:
  explicit SelectorParser(std::string_view text) : text_(text) {}

  Result<Selector> run() {
    Selector sel;
    sel.source = std::string(text_);
    while (true) {
      skip_space();
      ComplexSelector complex;
      bool child_next = false;
      while (pos_ < text_.size() && text_[pos_] != ',') {
        if (text_[pos_] == '>') {
          if (complex.parts.empty() || child_next) return error("'>' without a selector before it");
          child_next = true;
          ++pos_;
          skip_space();
          continue;
        }
        auto compound = parse_compound();
        if (!compound) return std::unexpected(compound.error());
        compound->child_of_previous = child_next;
        child_next = false;
        complex.parts.push_back(std::move(*compound));
        skip_space();
      }
      if (complex.parts.empty() || child_next) return error("empty selector");
      sel.alternatives.push_back(std::move(complex));
      if (pos_ >= text_.size()) break;
      ++pos_;  // ','
    }
    return sel;
  }

 private:
  std::unexpected<Error> error(std::string_view what) const {
    return fail(Errc::invalid_argument,
                "selector \"" + std::string(text_) + "\" at " + std::to_string(pos_ + 1) + ": " + std::string(what));
  }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  std::string ident() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && is_ident_char(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  Result<CompoundSelector> parse_compound() {
    CompoundSelector c;
    bool any = false;
    while (pos_ < text_.size()) {
      const char ch = text_[pos_];
      if (ch == '*') {
        ++pos_;
        any = true;
      } else if (is_ident_char(ch)) {
        if (any) return error("tag name must come first");
        c.tag = ascii_lower(ident());
        any = true;
      } else if (ch == '#') {
        ++pos_;
        c.id = ident();
        if (c.id.empty()) return error("'#' without an id");
        any = true;
      } else if (ch == '.') {
        ++pos_;
        auto cls = ident();
        if (cls.empty()) return error("'.' without a class name");
        c.classes.push_back(std::move(cls));
        any = true;
      } else if (ch == '[') {
        ++pos_;
        auto test = parse_attr();
        if (!test) return std::unexpected(test.error());
        c.attrs.push_back(std::move(*test));
        any = true;
      } else if (std::isspace(static_cast<unsigned char>(ch)) || ch == ',' || ch == '>') {
        break;
      } else {
        return error(std::string("unsupported character '") + ch + "'");
      }
    }
    if (!any) return error("expected a tag, #id, .class or [attr]");
    return c;
  }

  Result<AttrTest> parse_attr() {
    skip_space();
    AttrTest t;
    t.name = ascii_lower(ident());
    if (t.name.empty()) return error("'[' without an attribute name");
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return t;
    }
    if (pos_ >= text_.size()) return error("unterminated '['");
    switch (text_[pos_]) {
      case '=': t.op = AttrTest::Op::equals; break;
      case '~':
        t.op = AttrTest::Op::word;
        ++pos_;
        break;
      case '^':
        t.op = AttrTest::Op::prefix;
        ++pos_;
        break;
      case '*':
        t.op = AttrTest::Op::contains;
        ++pos_;
        break;
      default: return error("unsupported attribute operator");
    }
    if (pos_ >= text_.size() || text_[pos_] != '=') return error("expected '='");
    ++pos_;
    skip_space();
    if (pos_ < text_.size() && (text_[pos_] == '"' || text_[pos_] == '\'')) {
      const char quote = text_[pos_++];
      const std::size_t end = text_.find(quote, pos_);
      if (end == std::string_view::npos) return error("unterminated quoted value");
      t.value = std::string(text_.substr(pos_, end - pos_));
      pos_ = end + 1;
    } else {
      t.value = ident();
    }
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != ']') return error("expected ']'");
    ++pos_;
    return t;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

bool has_word(std::string_view list, std::string_view word) {
  std::size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && std::isspace(static_cast<unsigned char>(list[i]))) ++i;
    std::size_t j = i;
    while (j < list.size() && !std::isspace(static_cast<unsigned char>(list[j]))) ++j;
    if (j > i && list.substr(i, j - i) == word) return true;
    i = j;
  }
  return false;
}

bool matches_compound(const xmlNode* el, const CompoundSelector& c) {
  if (el == nullptr || el->type != XML_ELEMENT_NODE) return false;
  if (!c.tag.empty()) {
    const auto name = html::to_view(el->name);
    if (name.size() != c.tag.size()) return false;
    for (std::size_t i = 0; i < name.size(); ++i) {
      if (ascii_lower(name[i]) != c.tag[i]) return false;
    }
  }
  if (!c.id.empty() && html::attr(el, "id") != c.id) return false;
  if (!c.classes.empty()) {
    const auto cls = html::attr(el, "class");
    for (const auto& want : c.classes) {
      if (!has_word(cls, want)) return false;
    }
  }
  for (const auto& t : c.attrs) {
    if (!html::has_attr(el, t.name)) return false;
    const auto v = html::attr(el, t.name);
    switch (t.op) {
      case AttrTest::Op::exists: break;
      case AttrTest::Op::equals:
        if (v != t.value) return false;
        break;
      case AttrTest::Op::word:
        if (!has_word(v, t.value)) return false;
        break;
      case AttrTest::Op::prefix:
        if (!v.starts_with(t.value)) return false;
        break;
      case AttrTest::Op::contains:
        if (v.find(t.value) == std::string_view::npos) return false;
        break;
    }
  }
  return true;
}

const xmlNode* parent_element(const xmlNode* n) {
  return n->parent != nullptr && n->parent->type == XML_ELEMENT_NODE ? n->parent : nullptr;
}

// Matches one complex selector against the elements of one tree. Naive
// backtracking over descendant combinators tries every combination of
// ancestors ("div div div div" on 256 nested divs: 256^3 per element); here
// "does this element or an ancestor match parts[0..=i]?" is answered once per
// (element, i) and remembered, so a whole tree costs elements × parts.
// Recursion goes by selector part, never by element.
class Matcher {
 public:
  explicit Matcher(const ComplexSelector& sel) : sel_(sel) {}

  bool matches(const xmlNode* el) { return !sel_.parts.empty() && match(el, sel_.parts.size() - 1); }

 private:
  // `el` matches parts[index], and its ancestors the parts before it.
  bool match(const xmlNode* el, std::size_t index) {
    if (!matches_compound(el, sel_.parts[index])) return false;
    if (index == 0) return true;
    const xmlNode* up = parent_element(el);
    if (up == nullptr) return false;
    return sel_.parts[index].child_of_previous ? match(up, index - 1) : reach(up, index - 1);
  }

  // `n` or one of its ancestors matches parts[0..=index].
  bool reach(const xmlNode* n, std::size_t index) {
    std::vector<const xmlNode*> walked;
    bool found = false;
    for (; n != nullptr; n = parent_element(n)) {
      if (const auto it = reach_.find({n, index}); it != reach_.end()) {
        found = it->second;
        break;
      }
      walked.push_back(n);
      if (match(n, index)) {
        found = true;
        break;
      }
    }
    for (const xmlNode* w : walked) reach_.emplace(std::pair{w, index}, found);
    return found;
  }

  const ComplexSelector& sel_;
  std::map<std::pair<const xmlNode*, std::size_t>, bool> reach_;
};

bool matches_any(const xmlNode* el, std::vector<Matcher>& matchers) {
  return std::ranges::any_of(matchers, [&](Matcher& m) { return m.matches(el); });
}

std::vector<Matcher> matchers_for(const Selector& selector) {
  return {selector.alternatives.begin(), selector.alternatives.end()};
}

void collect(xmlNode* node, std::vector<Matcher>& matchers, bool outermost_only, std::vector<xmlNode*>& out,
             int depth) {
  if (depth > 512) return;
  for (xmlNode* c = node->children; c != nullptr; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (matches_any(c, matchers)) {
      out.push_back(c);
      if (outermost_only) continue;
    }
    collect(c, matchers, outermost_only, out, depth + 1);
  }
}

}  // namespace

Result<Selector> parse_selector(std::string_view text) { return SelectorParser(text).run(); }

namespace html {

bool matches(const xmlNode* element, const Selector& selector) {
  auto matchers = matchers_for(selector);
  return matches_any(element, matchers);
}

std::vector<xmlNode*> select_all(xmlNode* root, const Selector& selector, bool outermost_only) {
  std::vector<xmlNode*> out;
  if (root == nullptr) return out;
  auto matchers = matchers_for(selector);  // one memo for the whole tree
  if (root->type == XML_ELEMENT_NODE && matches_any(root, matchers)) {
    out.push_back(root);
    if (outermost_only) return out;
  }
  collect(root, matchers, outermost_only, out, 0);
  return out;
}

}  // namespace html
}  // namespace newsd::parse
