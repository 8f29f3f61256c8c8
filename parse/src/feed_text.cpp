// Small text helpers of the feed parser: URL rewriting inside HTML values,
// IRIs as URIs, RSS person strings, feedparser's "is this RSS text HTML?" heuristic, base64.
#include <libxml/HTMLparser.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "feed_internal.hpp"
#include "newsd/base/ascii.hpp"
#include "newsd/parse/url.hpp"

namespace newsd::parse::feed_detail {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Attributes whose value is a URL (the HTML 4/5 list feedparser resolves).
bool is_url_attribute(std::string_view element, std::string_view attribute) {
  static constexpr std::array<std::string_view, 9> kAnyElement{"href",     "src",    "cite",   "action", "background",
                                                               "longdesc", "usemap", "poster", "profile"};
  if (std::ranges::find(kAnyElement, attribute) != kAnyElement.end()) return true;
  return element == "object" && (attribute == "data" || attribute == "classid" || attribute == "codebase");
}

// HTML elements feedparser's sanitizer accepts; text whose tags are all in
// this set is treated as HTML.
bool is_html_element(std::string_view name) {
  static constexpr auto kElements = std::to_array<std::string_view>({"a",          "abbr",
                                                                     "acronym",    "address",
                                                                     "area",       "article",
                                                                     "aside",      "audio",
                                                                     "b",          "big",
                                                                     "blockquote", "br",
                                                                     "button",     "canvas",
                                                                     "caption",    "center",
                                                                     "cite",       "code",
                                                                     "col",        "colgroup",
                                                                     "command",    "datagrid",
                                                                     "datalist",   "dd",
                                                                     "del",        "details",
                                                                     "dfn",        "dialog",
                                                                     "dir",        "div",
                                                                     "dl",         "dt",
                                                                     "em",         "event-source",
                                                                     "fieldset",   "figcaption",
                                                                     "figure",     "font",
                                                                     "footer",     "form",
                                                                     "h1",         "h2",
                                                                     "h3",         "h4",
                                                                     "h5",         "h6",
                                                                     "header",     "hr",
                                                                     "i",          "img",
                                                                     "input",      "ins",
                                                                     "kbd",        "keygen",
                                                                     "label",      "legend",
                                                                     "li",         "m",
                                                                     "map",        "menu",
                                                                     "meter",      "multicol",
                                                                     "nav",        "nextid",
                                                                     "noscript",   "ol",
                                                                     "optgroup",   "option",
                                                                     "output",     "p",
                                                                     "pre",        "progress",
                                                                     "q",          "s",
                                                                     "samp",       "section",
                                                                     "select",     "small",
                                                                     "sound",      "source",
                                                                     "spacer",     "span",
                                                                     "strike",     "strong",
                                                                     "sub",        "sup",
                                                                     "table",      "tbody",
                                                                     "td",         "textarea",
                                                                     "tfoot",      "th",
                                                                     "thead",      "time",
                                                                     "tr",         "tt",
                                                                     "u",          "ul",
                                                                     "var",        "video"});
  if (name.empty()) return false;
  return std::ranges::find(kElements, name) != kElements.end();
}

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

std::string resolve_html_urls(std::string_view html, std::string_view base) {
  // A lexer over tags rather than libxml2's HTML parser: the value must stay
  // the publisher's markup byte for byte except for the rewritten URLs, and
  // an HTML parser's serialiser reformats the whole fragment.
  if (html.find('<') == std::string_view::npos) return std::string(html);
  std::string out;
  out.reserve(html.size() + 64);
  std::size_t copied = 0;
  std::size_t i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (html.substr(i, 4) == "<!--") {
      const auto end = html.find("-->", i + 4);
      if (end == std::string_view::npos) break;
      i = end + 3;
      continue;
    }
    std::size_t j = i + 1;
    while (j < html.size() && (std::isalnum(static_cast<unsigned char>(html[j])) || html[j] == ':' || html[j] == '-'))
      ++j;
    if (j == i + 1) {
      ++i;
      continue;
    }
    std::string element = ascii_lower(html.substr(i + 1, j - i - 1));
    if (auto colon = element.find(':'); colon != std::string::npos) element.erase(0, colon + 1);
    // Attributes up to the end of the tag.
    while (j < html.size() && html[j] != '>') {
      while (j < html.size() && (is_space(html[j]) || html[j] == '/')) ++j;
      const std::size_t name_start = j;
      while (j < html.size() && !is_space(html[j]) && html[j] != '=' && html[j] != '>' && html[j] != '/') ++j;
      if (j == name_start) break;
      const std::string attribute = ascii_lower(html.substr(name_start, j - name_start));
      std::size_t k = j;
      while (k < html.size() && is_space(html[k])) ++k;
      if (k >= html.size() || html[k] != '=') continue;
      ++k;
      while (k < html.size() && is_space(html[k])) ++k;
      std::size_t value_start, value_end;
      if (k < html.size() && (html[k] == '"' || html[k] == '\'')) {
        value_start = k + 1;
        value_end = html.find(html[k], value_start);
        if (value_end == std::string_view::npos) return out.append(html.substr(copied));
        j = value_end + 1;
      } else {
        value_start = k;
        value_end = k;
        while (value_end < html.size() && !is_space(html[value_end]) && html[value_end] != '>') ++value_end;
        j = value_end;
      }
      if (!is_url_attribute(element, attribute)) continue;
      const std::string_view value = html.substr(value_start, value_end - value_start);
      std::string_view ref = value;
      while (!ref.empty() && is_space(ref.front())) ref.remove_prefix(1);
      while (!ref.empty() && is_space(ref.back())) ref.remove_suffix(1);
      if (has_scheme(ref)) continue;
      auto resolved = resolve_url(base, ref);
      if (!resolved || *resolved == value) continue;
      out.append(html.substr(copied, value_start - copied));
      out += *resolved;
      copied = value_end;
    }
    i = j;
  }
  out.append(html.substr(copied));
  return out;
}

std::string iri_to_uri(std::string_view iri) {
  const auto is_ascii = [](char c) { return static_cast<unsigned char>(c) < 0x80; };
  if (std::ranges::all_of(iri, is_ascii)) return std::string(iri);
  // The authority of "scheme://host/…" (or of a network-path "//host/…")
  // keeps its characters: hosts go through IDNA, not percent-encoding.
  std::size_t authority_start = std::string_view::npos;
  if (iri.starts_with("//")) {
    authority_start = 2;
  } else if (const auto colon = iri.find(':'); has_scheme(iri) && iri.substr(colon + 1).starts_with("//")) {
    authority_start = colon + 3;
  }
  std::size_t authority_end = 0;
  if (authority_start != std::string_view::npos)
    authority_end = std::min(iri.find_first_of("/?#", authority_start), iri.size());
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out(iri.substr(0, authority_end));
  for (const char c : iri.substr(authority_end)) {
    if (is_ascii(c)) {
      out += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 0xF];
    }
  }
  return out;
}

Person parse_person(std::string_view text) {
  Person p;
  std::string s(text);
  const auto at = s.find('@');
  if (at != std::string::npos) {
    auto is_local = [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == '+';
    };
    auto is_domain = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'; };
    std::size_t start = at, end = at + 1;
    while (start > 0 && is_local(s[start - 1])) --start;
    while (end < s.size() && is_domain(s[end])) ++end;
    while (end > at + 1 && s[end - 1] == '.') --end;
    const std::string domain = s.substr(at + 1, end - at - 1);
    if (start < at && domain.find('.') != std::string::npos && domain.front() != '.') {
      std::size_t cut_start = start;
      if (cut_start >= 7 && ascii_lower(s.substr(cut_start - 7, 7)) == "mailto:") cut_start -= 7;
      p.email = s.substr(start, end - start);
      s.erase(cut_start, end - cut_start);
    }
  }
  if (p.email) {
    // What is left around the address: "()", "<>", or "Name ( )".
    for (const std::string_view empty_pair : {"()", "<>", "&lt;&gt;"}) {
      for (auto pos = s.find(empty_pair); pos != std::string::npos; pos = s.find(empty_pair))
        s.erase(pos, empty_pair.size());
    }
  }
  auto first = s.find_first_not_of(" \t\r\n");
  auto last = s.find_last_not_of(" \t\r\n");
  std::string name = first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
  if (p.email) {
    if (!name.empty() && name.front() == '(') name.erase(0, 1);
    if (!name.empty() && name.back() == ')') name.pop_back();
    first = name.find_first_not_of(" \t\r\n");
    last = name.find_last_not_of(" \t\r\n");
    name = first == std::string::npos ? std::string() : name.substr(first, last - first + 1);
  }
  if (!name.empty()) p.name = std::move(name);
  return p;
}

bool looks_like_html(std::string_view s) {
  bool close_tag = false, entity = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '<') {
      std::size_t j = i + 1;
      const bool closing = j < s.size() && s[j] == '/';
      if (closing) ++j;
      const std::size_t name_start = j;
      while (j < s.size() && is_word_char(s[j])) ++j;
      if (j == name_start) continue;
      if (!is_html_element(ascii_lower(s.substr(name_start, j - name_start)))) return false;
      if (closing && j < s.size() && s[j] == '>') close_tag = true;
    } else if (s[i] == '&') {
      std::size_t j = i + 1;
      const bool numeric = j < s.size() && s[j] == '#';
      if (numeric) ++j;
      const std::size_t name_start = j;
      while (j < s.size() && is_word_char(s[j])) ++j;
      if (j == name_start || j >= s.size() || s[j] != ';') continue;
      entity = true;
      if (!numeric) {
        const std::string name(s.substr(name_start, j - name_start));
        if (htmlEntityLookup(reinterpret_cast<const xmlChar*>(name.c_str())) == nullptr) return false;
      }
    }
  }
  return close_tag || entity;
}

std::optional<std::string> decode_base64(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  bool padding = false;
  for (char c : text) {
    if (is_space(c)) continue;
    if (c == '=') {
      padding = true;
      continue;
    }
    const int v = value(c);
    if (v < 0 || padding) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  return out;
}

}  // namespace newsd::parse::feed_detail
