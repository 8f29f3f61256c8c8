// Recovery for feeds that are not well-formed XML.
//
// Why pre-repair + pugixml, with libxml2 as a second chance: the common
// breakages in the wild are lexical (HTML entities such as &nbsp; that no DTD
// declares, bare ampersands in URLs, stray control characters), and they are
// fixed exactly by rewriting the reference in place, which keeps the fast
// pugixml path for everything else. Structural breakage (truncated
// documents, mismatched tags) is what libxml2's XML_PARSE_RECOVER handles
// well: it closes open elements and goes on, so every entry before and after
// the damage survives; its recovered tree is serialised and read by the same
// pugixml walker, so there is one feed reader, not two.
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <mutex>

#include "feed_internal.hpp"

namespace newsd::parse::feed_detail {
namespace {

// HTML5's reinterpretation of &#128;..&#159; as windows-1252 (0 = keep).
constexpr std::array<char32_t, 32> kWindows1252C1{0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                                  0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                                  0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                                  0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

bool is_name_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.'; }

bool is_xml_char(char32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

void append_char_ref(std::string& out, char32_t c) {
  out += "&#";
  out += std::to_string(static_cast<std::uint32_t>(c));
  out += ';';
}

struct Doctype {
  std::map<std::string, std::string, std::less<>> entities;  // internal-subset general entities
  bool declares_html_entities = false;                       // Netscape RSS 0.91 DTD (Latin-1 set)
};

// Reads `<!ENTITY name "value">` declarations of an internal subset.
// Parameter entities and external entities are ignored: newsd never fetches.
void read_entity_declarations(std::string_view doctype, Doctype& out) {
  std::size_t pos = 0;
  while ((pos = doctype.find("<!ENTITY", pos)) != std::string_view::npos) {
    pos += 8;
    const auto name_start = doctype.find_first_not_of(" \t\r\n", pos);
    if (name_start == std::string_view::npos || doctype[name_start] == '%') continue;
    auto name_end = name_start;
    while (name_end < doctype.size() && is_name_char(doctype[name_end])) ++name_end;
    const auto quote_pos = doctype.find_first_not_of(" \t\r\n", name_end);
    if (quote_pos == std::string_view::npos || (doctype[quote_pos] != '"' && doctype[quote_pos] != '\'')) continue;
    const auto close = doctype.find(doctype[quote_pos], quote_pos + 1);
    if (close == std::string_view::npos) break;
    out.entities.emplace(std::string(doctype.substr(name_start, name_end - name_start)),
                         std::string(doctype.substr(quote_pos + 1, close - quote_pos - 1)));
    pos = close + 1;
  }
}

// End of a markup construct starting at `pos` that must be copied verbatim
// (CDATA, comment, PI, DOCTYPE), or npos if `pos` starts none of them.
std::size_t verbatim_end(std::string_view s, std::size_t pos, Doctype& doctype, bool& truncated) {
  const auto rest = s.substr(pos);
  auto through = [&](std::string_view terminator) {
    const auto end = s.find(terminator, pos + 2);
    if (end == std::string_view::npos) {
      truncated = true;
      return s.size();
    }
    return end + terminator.size();
  };
  if (rest.starts_with("<![CDATA[")) return through("]]>");
  if (rest.starts_with("<!--")) return through("-->");
  if (rest.starts_with("<?")) return through("?>");
  if (rest.starts_with("<!DOCTYPE")) {
    int depth = 0;
    char quote = 0;
    for (std::size_t i = pos + 9; i < s.size(); ++i) {
      const char c = s[i];
      if (quote) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '[') {
        ++depth;
      } else if (c == ']') {
        --depth;
      } else if (c == '>' && depth <= 0) {
        const auto decl = s.substr(pos, i + 1 - pos);
        read_entity_declarations(decl, doctype);
        doctype.declares_html_entities = decl.find("Netscape Communications//DTD RSS 0.91") != std::string_view::npos ||
                                         decl.find("rss-0.91.dtd") != std::string_view::npos;
        return i + 1;
      }
    }
    truncated = true;
    return s.size();
  }
  return std::string_view::npos;
}

}  // namespace

namespace {

// One pass of repair_xml: the input, the output so far, the DOCTYPE's
// entities once read, and what is left of the expansion budget.
struct Repair {
  std::string_view s;
  RepairedXml out;
  Doctype doctype;
  // Internal entities are expanded one level only and within a budget, so
  // a "billion laughs" document cannot blow up memory.
  std::size_t expansion_budget = s.size() * 4 + (1 << 20);

  void note(std::string_view problem) {
    if (out.problem.empty()) out.problem = problem;
  }
  void escaped_ampersand() { out.xml += "&amp;"; }
};

// At "&#" in r.s[i]: a numeric character reference kept, mapped (C1 controls
// read as Windows-1252, as browsers do) or replaced. Returns where the scan
// goes on.
std::size_t repair_char_ref(Repair& r, std::size_t i) {
  const std::string_view s = r.s;
  std::size_t j = i + 2;
  const bool hex = j < s.size() && (s[j] == 'x' || s[j] == 'X');
  const bool upper_x = hex && s[j] == 'X';  // "&#X..." is HTML, not XML
  if (hex) ++j;
  char32_t value = 0;
  const std::size_t digits_start = j;
  bool overflow = false;
  auto digit_value = [hex](char d) -> int {
    if (d >= '0' && d <= '9') return d - '0';
    if (hex && d >= 'a' && d <= 'f') return d - 'a' + 10;
    if (hex && d >= 'A' && d <= 'F') return d - 'A' + 10;
    return -1;
  };
  while (j < s.size() && digit_value(s[j]) >= 0) {
    const int d = digit_value(s[j]);
    if (value > 0x10FFFF)
      overflow = true;
    else
      value = value * (hex ? 16 : 10) + static_cast<char32_t>(d);
    ++j;
  }
  if (j == digits_start || j >= s.size() || s[j] != ';') {
    r.note("malformed character reference");
    r.escaped_ampersand();
    return i + 1;
  }
  if (overflow || !is_xml_char(value)) {
    if (value >= 0x80 && value <= 0x9F && kWindows1252C1[value - 0x80] != 0) {
      append_char_ref(r.out.xml, kWindows1252C1[value - 0x80]);
    } else if (value >= 0x80 && value <= 0x9F) {
      append_char_ref(r.out.xml, value);
    } else {
      r.note("character reference to a character not allowed in XML");
      append_char_ref(r.out.xml, 0xFFFD);
    }
  } else if (value >= 0x80 && value <= 0x9F) {
    append_char_ref(r.out.xml, kWindows1252C1[value - 0x80] ? kWindows1252C1[value - 0x80] : value);
  } else if (upper_x) {
    r.note("malformed character reference (&#X)");
    append_char_ref(r.out.xml, value);
  } else {
    r.out.xml.append(s.substr(i, j + 1 - i));
  }
  return j + 1;
}

// At "&name;" in r.s[i]: XML's own entities kept, the DOCTYPE's expanded
// within the budget, HTML's written as character references. Returns where
// the scan goes on, or nullopt when no complete reference starts there.
std::optional<std::size_t> repair_named_ref(Repair& r, std::size_t i) {
  const std::string_view s = r.s;
  std::size_t j = i + 1;
  if (j >= s.size() || !is_name_start(s[j])) return std::nullopt;
  while (j < s.size() && is_name_char(s[j]) && j - i < 64) ++j;
  if (j >= s.size() || s[j] != ';') return std::nullopt;
  const std::string_view name = s.substr(i + 1, j - i - 1);
  auto unknown = [&] {
    r.escaped_ampersand();
    r.out.xml.append(name);
    r.out.xml += ';';
  };
  if (name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos") {
    r.out.xml.append(s.substr(i, j + 1 - i));
  } else if (auto declared = r.doctype.entities.find(name); declared != r.doctype.entities.end()) {
    if (declared->second.size() <= r.expansion_budget) {
      r.expansion_budget -= declared->second.size();
      r.out.xml += declared->second;
    } else {
      r.note("entity expansion limit reached");
      unknown();
    }
  } else if (const htmlEntityDesc* html =
                 htmlEntityLookup(reinterpret_cast<const xmlChar*>(std::string(name).c_str()))) {
    // The RSS 0.91 DTD declares HTML's Latin-1 entities (U+00A0..U+00FF) only.
    const bool declared_latin1 = r.doctype.declares_html_entities && html->value >= 0xA0 && html->value <= 0xFF;
    if (!declared_latin1) r.note("undefined entity &" + std::string(name) + ";");
    append_char_ref(r.out.xml, html->value);
  } else {
    r.note("undefined entity &" + std::string(name) + ";");
    unknown();
  }
  return j + 1;
}

}  // namespace

RepairedXml repair_xml(std::string_view s) {
  Repair r{s};
  r.out.xml.reserve(s.size() + s.size() / 16);
  std::size_t copied = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '<') {
      bool truncated = false;
      const auto end = verbatim_end(s, i, r.doctype, truncated);
      if (truncated) r.note("document ends inside a comment, CDATA section or declaration");
      i = end == std::string_view::npos ? i + 1 : end;
      continue;
    }
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      r.out.xml.append(s.substr(copied, i - copied));
      r.note("character not allowed in XML");
      copied = ++i;
      continue;
    }
    if (c != '&') {
      ++i;
      continue;
    }
    r.out.xml.append(s.substr(copied, i - copied));
    if (i + 1 < s.size() && s[i + 1] == '#') {
      i = repair_char_ref(r, i);
    } else if (auto next = repair_named_ref(r, i)) {
      i = *next;
    } else {
      r.note("bare '&' not starting an entity reference");
      r.escaped_ampersand();
      ++i;
    }
    copied = i;
  }
  r.out.xml.append(s.substr(copied));
  return std::move(r.out);
}

std::optional<std::string> recover_xml(std::string_view utf8) {
  if (utf8.size() > static_cast<std::size_t>(INT32_MAX)) return std::nullopt;
  static std::once_flag init;
  std::call_once(init, [] { xmlInitParser(); });
  // NONET: never fetch a DTD; no NOENT: entities are not expanded (XXE).
  xmlDocPtr doc = xmlReadMemory(utf8.data(), static_cast<int>(utf8.size()), nullptr, "UTF-8",
                                XML_PARSE_RECOVER | XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == nullptr) return std::nullopt;
  std::optional<std::string> result;
  if (xmlDocGetRootElement(doc) != nullptr) {
    xmlChar* buffer = nullptr;
    int size = 0;
    xmlDocDumpMemoryEnc(doc, &buffer, &size, "UTF-8");
    if (buffer != nullptr) {
      result.emplace(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(size));
      xmlFree(buffer);
    }
  }
  xmlFreeDoc(doc);
  return result;
}

}  // namespace newsd::parse::feed_detail
