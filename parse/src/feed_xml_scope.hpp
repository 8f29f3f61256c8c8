#pragma once
// XML feed reading shared by feed_xml.cpp (structure) and feed_xml_text.cpp
// (namespaces, text constructs, inline markup).
//
// pugixml has no namespace support, so the walker keeps the xmlns bindings
// and the xml:base in scope itself (a chain of small stack frames, Scope)
// and dispatches on (namespace, local name): feeds bind the same vocabulary
// to any prefix, and leave it undeclared almost as often.
#include <cstdint>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "feed_internal.hpp"
#include "newsd/base/ascii.hpp"
#include "newsd/parse/url.hpp"

namespace newsd::parse::feed_detail {

enum class Ns : std::uint8_t { none, rss, atom, atom03, dc, dcterms, content, xhtml, rdf, sy, other };

/// The vocabulary a namespace URI names (Ns::other for any we do not read).
Ns ns_from_uri(std::string_view uri);

/// The vocabulary publishers mean by a conventional prefix they forgot to declare.
Ns ns_from_undeclared_prefix(std::string_view prefix);

/// Nesting of entries in entries (libxml2's recovery nests unclosed ones)
/// and of channels in channels beyond which they are not read: libxml2's own
/// depth limit, which its recovery path never exceeds.
inline constexpr int kMaxDepth = 256;

/// Nesting of inline markup (XHTML content, unescaped RSS markup) beyond
/// which elements keep their text but lose their tags. Well below libxml2's
/// 256, so that an HTML parser reading the value later inside a document of
/// its own (plain_text) still reaches all of the text.
inline constexpr int kMaxMarkupDepth = 128;

/// Problems found while walking a tree pugixml accepted; the first one
/// noted becomes the bozo message when parsing found none.
struct WalkProblems {
  std::string first;
  void note(std::string_view problem) {
    if (first.empty()) first = problem;
  }
};

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

inline std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// One element's view of the xmlns bindings and xml:base in effect.
class Scope {
 public:
  Scope(const Scope* parent, pugi::xml_node node, Ns document_default) : parent_(parent), default_(document_default) {
    base_ = parent ? parent->base_ : nullptr;
    problems_ = parent ? parent->problems_ : nullptr;
    for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
      const std::string_view name = a.name();
      if (name.starts_with("xmlns")) {
        if (name.size() == 5)
          bindings_.emplace_back("", ns_from_uri(trim(a.value())));
        else if (name[5] == ':')
          bindings_.emplace_back(name.substr(6), ns_from_uri(trim(a.value())));
      } else if (name == "xml:base") {
        const std::string ref = iri_to_uri(trim(a.value()));
        // A relative base is resolved against the inherited one (RFC 3986 §5.1.2).
        auto resolved = base_ && !base_->empty() ? resolve_url(*base_, ref) : std::nullopt;
        own_base_ = resolved ? *resolved : std::string(ref);
        base_ = &own_base_;
      }
    }
  }

  // base_ may point into this object: never copied or moved.
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

  Ns lookup(std::string_view prefix) const {
    for (const Scope* s = this; s != nullptr; s = s->parent_)
      for (const auto& [bound, ns] : s->bindings_)
        if (bound == prefix) return ns;
    if (prefix.empty()) return Ns::none;
    if (prefix != "xml" && prefix != "xmlns") note("undeclared namespace prefix");
    return ns_from_undeclared_prefix(prefix);
  }

  /// Where to record problems of the document (a prefix used without
  /// declaration, nesting cut at kMaxDepth): they make it bozo. Inherited.
  void report_problems_to(WalkProblems* problems) { problems_ = problems; }

  void note(std::string_view problem) const {
    if (problems_ != nullptr) problems_->note(problem);
  }

  // Namespace and local name of `node`; unqualified names in the
  // document's own vocabulary (RSS 2.0 has none, Atom sometimes omits it).
  std::pair<Ns, std::string_view> qualify(pugi::xml_node node) const {
    const std::string_view name = node.name();
    const auto colon = name.find(':');
    const std::string_view prefix = colon == std::string_view::npos ? std::string_view() : name.substr(0, colon);
    const std::string_view local = colon == std::string_view::npos ? name : name.substr(colon + 1);
    Ns ns = lookup(prefix);
    if (ns == Ns::none) ns = default_;
    return {ns, local};
  }

  /// The attribute `local` of `node` in namespace `ns`, whatever prefix the
  /// document bound it to (`rdf:about`, `R:about`); empty if none.
  pugi::xml_attribute attribute(pugi::xml_node node, Ns ns, std::string_view local) const {
    for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
      const std::string_view name = a.name();
      const auto colon = name.find(':');
      if (colon == std::string_view::npos || name.substr(colon + 1) != local) continue;
      const std::string_view prefix = name.substr(0, colon);
      if (prefix != "xmlns" && lookup(prefix) == ns) return a;
    }
    return {};
  }

  const std::string& base() const {
    static const std::string empty;
    return base_ ? *base_ : empty;
  }

  /// `ref` (an IRI reference, as feeds write them) as a URI, resolved
  /// against the base in scope.
  std::string resolve(std::string_view ref) const {
    std::string uri = iri_to_uri(trim(ref));
    if (has_scheme(uri) || base().empty()) return uri;
    return resolve_url(base(), uri).value_or(uri);
  }

  Ns document_default() const { return default_; }

 private:
  const Scope* parent_;
  Ns default_;
  std::vector<std::pair<std::string_view, Ns>> bindings_;
  const std::string* base_ = nullptr;
  std::string own_base_;
  WalkProblems* problems_ = nullptr;
};

/// All character data below `node` (at any depth), entities decoded, trimmed.
std::string text_of(pugi::xml_node node);

/// Inline markup below `node`, serialised (XHTML prefix dropped), trimmed.
/// Elements more than kMaxMarkupDepth levels down are written as their text only,
/// noted on the scope.
std::string inner_markup(pugi::xml_node node, const Scope& scope);

/// Resolves relative URLs in an html/xhtml value against the scope's base.
TextConstruct resolve_markup_urls(TextConstruct tc, const Scope& scope);

/// Atom 1.0 text constructs and <content>; Atom 0.3 content constructs
/// (mode escaped/xml/base64) when `atom03`.
TextConstruct read_atom_text(pugi::xml_node node, const Scope& scope, bool atom03);

/// RSS elements carry no type: `html` ones (<description>, content:encoded)
/// are HTML, others text unless they plainly hold markup; unescaped child
/// elements make the value inline XHTML.
TextConstruct read_rss_text(pugi::xml_node node, const Scope& scope, bool html);

}  // namespace newsd::parse::feed_detail
