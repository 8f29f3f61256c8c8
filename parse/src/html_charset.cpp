// Encoding of an HTML page: BOM > HTTP header > <meta> prescan > valid UTF-8
// > ICU detection > windows-1252, following the order of the HTML standard's
// encoding sniffing algorithm with ICU detection in place of its "frequency
// analysis" step.
#include <algorithm>
#include <cctype>

#include "newsd/base/ascii.hpp"
#include "newsd/parse/html.hpp"

namespace newsd::parse {
namespace {

constexpr std::size_t kPrescanBytes = 4096;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// The charset named in a Content-Type-like value ("text/html; charset=x").
std::string_view charset_param(std::string_view lowered) {
  const auto at = lowered.find("charset");
  if (at == std::string_view::npos) return {};
  std::size_t i = at + 7;
  while (i < lowered.size() && is_space(lowered[i])) ++i;
  if (i >= lowered.size() || lowered[i] != '=') return {};
  ++i;
  while (i < lowered.size() && is_space(lowered[i])) ++i;
  if (i < lowered.size() && (lowered[i] == '"' || lowered[i] == '\'')) ++i;
  std::size_t j = i;
  while (j < lowered.size() && !is_space(lowered[j]) && lowered[j] != ';' && lowered[j] != '"' && lowered[j] != '\'' &&
         lowered[j] != '>' && lowered[j] != '/')
    ++j;
  return lowered.substr(i, j - i);
}

// Applies the HTML standard's overrides to a label declared inside the page.
std::string html_label(std::string_view label) {
  const std::string l = ascii_lower(label);
  if (l.starts_with("utf-16") || l.starts_with("utf-32") || l == "utf8") return "UTF-8";
  if (l == "iso-8859-1" || l == "latin1" || l == "us-ascii" || l == "ascii" || l == "iso8859-1" || l == "l1")
    return "windows-1252";
  if (l == "iso-8859-9" || l == "latin5") return "windows-1254";
  return l;
}

// Value of attribute `name` inside the text of one lower-cased tag, walking
// the attributes in order as the HTML prescan does (so that "charset=" inside
// another attribute's quoted value is not mistaken for an attribute).
std::string_view tag_attr(std::string_view tag, std::string_view name) {
  std::size_t i = 0;
  while (i < tag.size()) {
    while (i < tag.size() && (is_space(tag[i]) || tag[i] == '/')) ++i;
    const std::size_t name_start = i;
    while (i < tag.size() && !is_space(tag[i]) && tag[i] != '=' && tag[i] != '>' && tag[i] != '/') ++i;
    const std::string_view attr_name = tag.substr(name_start, i - name_start);
    if (attr_name.empty()) {
      ++i;
      continue;
    }
    while (i < tag.size() && is_space(tag[i])) ++i;
    std::string_view value;
    if (i < tag.size() && tag[i] == '=') {
      ++i;
      while (i < tag.size() && is_space(tag[i])) ++i;
      if (i < tag.size() && (tag[i] == '"' || tag[i] == '\'')) {
        const char quote = tag[i++];
        const std::size_t end = std::min(tag.find(quote, i), tag.size());
        value = tag.substr(i, end - i);
        i = end + 1;
      } else {
        const std::size_t start = i;
        while (i < tag.size() && !is_space(tag[i]) && tag[i] != '>') ++i;
        value = tag.substr(start, i - start);
      }
    }
    if (attr_name == name) return value;
  }
  return {};
}

}  // namespace

std::optional<std::string> prescan_meta_charset(std::string_view bytes) {
  std::string head(bytes.substr(0, kPrescanBytes));
  head = ascii_lower(head);
  std::size_t pos = 0;
  while (true) {
    pos = head.find("<meta", pos);
    if (pos == std::string::npos) return std::nullopt;
    const auto end = head.find('>', pos);
    const std::string_view tag =
        std::string_view(head).substr(pos + 5, (end == std::string::npos ? head.size() : end) - pos - 5);
    pos += 5;
    std::string_view label = tag_attr(tag, "charset");
    if (label.empty() && tag_attr(tag, "http-equiv") == "content-type") {
      label = charset_param(tag_attr(tag, "content"));
    }
    if (label.empty()) continue;
    std::string mapped = html_label(label);
    if (charset::is_known(mapped)) return mapped;
  }
}

namespace {

// Validating UTF-8 costs a pass over the page; do it at most once.
class Utf8Validity {
 public:
  explicit Utf8Validity(std::string_view bytes) : bytes_(bytes) {}
  bool operator()() {
    if (!known_) {
      valid_ = charset::is_valid_utf8(bytes_.substr(charset::bom_length(bytes_)));
      known_ = true;
    }
    return valid_;
  }

 private:
  std::string_view bytes_;
  bool known_ = false;
  bool valid_ = false;
};

CharsetChoice choose(std::string_view bytes, std::string_view http_charset, Utf8Validity& is_utf8) {
  if (auto bom = charset::sniff_bom(bytes)) return {*bom, CharsetSource::bom};
  if (!http_charset.empty()) {
    std::string label(http_charset);
    label = ascii_lower(label);
    // Accept a whole Content-Type value as well as a bare label.
    if (label.find("charset") != std::string::npos) label = std::string(charset_param(label));
    if (!label.empty() && charset::is_known(label)) return {label, CharsetSource::http};
  }
  if (auto meta = prescan_meta_charset(bytes)) {
    // A page labelled UTF-8 whose bytes are not UTF-8 is mislabelled far more
    // often than it is corrupt (CMS templates hard-code the label); trust the
    // bytes then.
    const bool says_utf8 = charset::canonical_name(*meta) == "utf-8";
    if (!says_utf8 || is_utf8()) return {*meta, CharsetSource::meta};
  }
  if (is_utf8()) return {"UTF-8", CharsetSource::utf8_valid};
  if (auto guess = charset::detect(bytes)) {
    if (charset::is_known(*guess)) return {*guess, CharsetSource::detected};
  }
  return {"windows-1252", CharsetSource::fallback};
}

}  // namespace

CharsetChoice choose_html_charset(std::string_view bytes, std::string_view http_charset) {
  Utf8Validity is_utf8(bytes);
  return choose(bytes, http_charset, is_utf8);
}

charset::Decoded decode_html(std::string_view bytes, std::string_view http_charset) {
  Utf8Validity is_utf8(bytes);
  const CharsetChoice choice = choose(bytes, http_charset, is_utf8);
  const std::string canonical = charset::canonical_name(choice.label);
  // The common case: no conversion, only a copy.
  if (canonical == "utf-8" && is_utf8()) return {std::string(bytes.substr(charset::bom_length(bytes))), "utf-8", false};
  if (auto decoded = charset::to_utf8(bytes, choice.label)) return std::move(*decoded);
  auto fallback = charset::to_utf8(bytes, "windows-1252");
  if (fallback) return std::move(*fallback);
  return {std::string(bytes), canonical, true};
}

}  // namespace newsd::parse
