// RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 documents, read from a pugixml tree.
//
// pugixml has no namespace support, so the walker keeps the xmlns bindings
// and the xml:base in scope itself (a chain of small stack frames) and
// dispatches on (namespace, local name): feeds bind the same vocabulary to
// any prefix, and leave it undeclared almost as often.
#include <array>
#include <charconv>
#include <cstdint>
#include <pugixml.hpp>
#include <vector>

#include "feed_internal.hpp"
#include "newsd/parse/dates.hpp"
#include "newsd/parse/url.hpp"

namespace newsd::parse::feed_detail {
namespace {

enum class Ns : std::uint8_t { none, rss, atom, atom03, dc, dcterms, content, xhtml, rdf, other };

Ns ns_from_uri(std::string_view uri) {
  if (uri.ends_with('/') && uri != "http://purl.org/rss/1.0/" && !uri.starts_with("http://purl.org/dc/"))
    uri.remove_suffix(1);
  if (uri == "http://www.w3.org/2005/Atom") return Ns::atom;
  if (uri == "http://purl.org/atom/ns#") return Ns::atom03;
  if (uri == "http://purl.org/dc/elements/1.1/" || uri == "http://purl.org/dc/elements/1.0/") return Ns::dc;
  if (uri == "http://purl.org/dc/terms/") return Ns::dcterms;
  if (uri == "http://purl.org/rss/1.0/modules/content") return Ns::content;
  if (uri == "http://www.w3.org/1999/xhtml") return Ns::xhtml;
  if (uri == "http://www.w3.org/1999/02/22-rdf-syntax-ns#") return Ns::rdf;
  if (uri == "http://purl.org/rss/1.0/" || uri == "http://my.netscape.com/rdf/simple/0.9" ||
      uri == "http://backend.userland.com/rss2" || uri == "http://blogs.law.harvard.edu/tech/rss" ||
      uri == "http://backend.userland.com/rss")
    return Ns::rss;
  if (uri.empty()) return Ns::none;
  return Ns::other;
}

// Publishers use these prefixes without declaring them; read them as meant.
Ns ns_from_undeclared_prefix(std::string_view prefix) {
  if (prefix == "dc") return Ns::dc;
  if (prefix == "dcterms") return Ns::dcterms;
  if (prefix == "content") return Ns::content;
  if (prefix == "atom") return Ns::atom;
  if (prefix == "xhtml") return Ns::xhtml;
  if (prefix == "rdf") return Ns::rdf;
  return Ns::other;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// One element's view of the xmlns bindings and xml:base in effect.
class Scope {
 public:
  Scope(const Scope* parent, pugi::xml_node node, Ns document_default) : parent_(parent), default_(document_default) {
    base_ = parent ? parent->base_ : nullptr;
    undeclared_prefix_ = parent ? parent->undeclared_prefix_ : nullptr;
    for (pugi::xml_attribute a = node.first_attribute(); a; a = a.next_attribute()) {
      const std::string_view name = a.name();
      if (name.starts_with("xmlns")) {
        if (name.size() == 5)
          bindings_.emplace_back("", ns_from_uri(trim(a.value())));
        else if (name[5] == ':')
          bindings_.emplace_back(name.substr(6), ns_from_uri(trim(a.value())));
      } else if (name == "xml:base") {
        const std::string_view ref = trim(a.value());
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
    if (prefix != "xml" && prefix != "xmlns" && undeclared_prefix_ != nullptr) *undeclared_prefix_ = true;
    return ns_from_undeclared_prefix(prefix);
  }

  /// Where to record that a prefix was used without declaration (the
  /// document is then not namespace-well-formed: bozo). Inherited.
  void report_undeclared_prefixes_to(bool* flag) { undeclared_prefix_ = flag; }

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

  const std::string& base() const {
    static const std::string empty;
    return base_ ? *base_ : empty;
  }

  std::string resolve(std::string_view ref) const {
    ref = trim(ref);
    if (has_scheme(ref) || base().empty()) return std::string(ref);
    return resolve_url(base(), ref).value_or(std::string(ref));
  }

  Ns document_default() const { return default_; }

 private:
  const Scope* parent_;
  Ns default_;
  std::vector<std::pair<std::string_view, Ns>> bindings_;
  const std::string* base_ = nullptr;
  std::string own_base_;
  bool* undeclared_prefix_ = nullptr;
};

void append_text(pugi::xml_node node, std::string& out) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata)
      out += c.value();
    else if (c.type() == pugi::node_element)
      append_text(c, out);
  }
}

// All character data below `node`, entities decoded.
std::string text_of(pugi::xml_node node) {
  const pugi::xml_node first = node.first_child();
  if (first && !first.next_sibling() && (first.type() == pugi::node_pcdata || first.type() == pugi::node_cdata))
    return std::string(trim(first.value()));
  std::string out;
  append_text(node, out);
  return std::string(trim(out));
}

bool has_element_child(pugi::xml_node node) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element) return true;
  return false;
}

void escape_into(std::string_view s, std::string& out, bool attribute) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>':
        if (attribute)
          out += '>';
        else
          out += "&gt;";
        break;
      case '"':
        if (attribute)
          out += "&quot;";
        else
          out += '"';
        break;
      default: out += c;
    }
  }
}

// Serialises inline markup. The XHTML namespace prefix and its declaration
// are dropped so consumers get plain HTML-compatible markup.
void serialise(pugi::xml_node node, const Scope& scope, std::string& out) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    switch (c.type()) {
      case pugi::node_pcdata:
      case pugi::node_cdata: escape_into(c.value(), out, false); break;
      case pugi::node_element: {
        std::string_view name = c.name();
        if (const auto colon = name.find(':');
            colon != std::string_view::npos && scope.lookup(name.substr(0, colon)) == Ns::xhtml)
          name.remove_prefix(colon + 1);
        out += '<';
        out += name;
        for (pugi::xml_attribute a = c.first_attribute(); a; a = a.next_attribute()) {
          const std::string_view attr = a.name();
          if (attr == "xmlns" || (attr.starts_with("xmlns:") && ns_from_uri(a.value()) == Ns::xhtml)) continue;
          out += ' ';
          out += attr;
          out += "=\"";
          escape_into(a.value(), out, true);
          out += '"';
        }
        if (!c.first_child()) {
          out += " />";
        } else {
          out += '>';
          serialise(c, scope, out);
          out += "</";
          out += name;
          out += '>';
        }
        break;
      }
      default: break;
    }
  }
}

std::string inner_markup(pugi::xml_node node, const Scope& scope) {
  std::string out;
  serialise(node, scope, out);
  return std::string(trim(out));
}

std::string short_type(std::string_view type) {
  const std::string t = ascii_lower(trim(type));
  if (t.empty() || t == "text" || t == "text/plain") return "text";
  if (t == "html" || t == "text/html") return "html";
  if (t == "xhtml" || t == "application/xhtml+xml") return "xhtml";
  return std::string(trim(type));
}

bool is_markup_type(std::string_view t) { return t == "html" || t == "xhtml"; }

TextConstruct finish(TextConstruct tc, const Scope& scope) {
  if (is_markup_type(tc.type) && !scope.base().empty()) tc.value = resolve_html_urls(tc.value, scope.base());
  return tc;
}

// Atom 1.0 text constructs and <content>, Atom 0.3 content constructs.
TextConstruct read_atom_text(pugi::xml_node node, const Scope& scope, bool atom03) {
  TextConstruct tc;
  const std::string_view type_attr = node.attribute("type").value();
  if (atom03) {
    const std::string mode = ascii_lower(trim(node.attribute("mode").value()));
    tc.type = short_type(type_attr);
    if (mode == "base64") {
      const std::string raw = text_of(node);
      tc.value = decode_base64(raw).value_or(raw);
    } else if (mode != "escaped" && has_element_child(node)) {
      tc.value = inner_markup(node, scope);  // mode="xml": inline elements kept as they are
      if (tc.type == "text") tc.type = "xhtml";
    } else {
      tc.value = text_of(node);
    }
    return finish(std::move(tc), scope);
  }
  tc.type = short_type(type_attr);
  if (tc.type == "xhtml") {
    // The wrapping xhtml:div is a container, not content (RFC 4287 §3.1.1.3).
    pugi::xml_node wrapper;
    int elements = 0;
    for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
      if (c.type() == pugi::node_element) {
        ++elements;
        wrapper = c;
      }
    }
    if (elements == 1) {
      // The wrapper may declare its own prefix: qualify it in its own scope.
      const Scope inner(&scope, wrapper, scope.document_default());
      if (inner.qualify(wrapper).second == "div") {
        tc.value = inner_markup(wrapper, inner);
        return finish(std::move(tc), inner);
      }
    }
    tc.value = inner_markup(node, scope);
  } else if (tc.type == "text" || tc.type == "html" || tc.type.starts_with("text/")) {
    tc.value = text_of(node);
  } else if (tc.type.ends_with("+xml") || tc.type.ends_with("/xml")) {
    tc.value = inner_markup(node, scope);
  } else {
    const std::string raw = text_of(node);  // any other media type is base64 (RFC 4287 §4.1.3.3)
    tc.value = decode_base64(raw).value_or(raw);
  }
  return finish(std::move(tc), scope);
}

// RSS elements carry no type: <description> and content:encoded are HTML,
// <title> is text unless it plainly holds markup.
TextConstruct read_rss_text(pugi::xml_node node, const Scope& scope, bool html) {
  TextConstruct tc;
  if (has_element_child(node)) {
    tc.value = inner_markup(node, scope);  // unescaped markup: inline XHTML in effect
    tc.type = "xhtml";
  } else {
    tc.value = text_of(node);
    tc.type = html || looks_like_html(tc.value) ? "html" : "text";
  }
  return finish(std::move(tc), scope);
}

std::optional<std::int64_t> parse_length(std::string_view s) {
  s = trim(s);
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

std::optional<std::string> optional_attr(pugi::xml_node node, const char* name) {
  const pugi::xml_attribute a = node.attribute(name);
  if (!a) return std::nullopt;
  return std::string(trim(a.value()));
}

// Where one element's data goes: the feed or an entry.
struct Target {
  std::optional<TextConstruct>* title = nullptr;
  std::optional<TextConstruct>* summary = nullptr;  // feed: subtitle
  std::optional<std::string>* link = nullptr;
  std::vector<Link>* links = nullptr;
  std::optional<std::string>* id = nullptr;
  std::optional<TimePoint>* published = nullptr;
  std::optional<TimePoint>* updated = nullptr;
  std::vector<Person>* authors = nullptr;
  std::vector<Category>* categories = nullptr;
  std::vector<TextConstruct>* content = nullptr;   // entries only
  std::vector<Enclosure>* enclosures = nullptr;    // entries only
  std::optional<std::string>* language = nullptr;  // feed only
  std::optional<std::string> permalink_guid;       // RSS guid usable as link
  std::optional<std::string> xml_lang;             // feed only: fallback language
};

void set_date(std::optional<TimePoint>* slot, pugi::xml_node node) {
  if (*slot) return;
  *slot = parse_date(text_of(node));
}

void add_category(std::vector<Category>& categories, Category c) {
  if (c.term.empty() && !c.scheme && !c.label) return;
  for (const auto& existing : categories)
    if (existing.term == c.term && existing.scheme == c.scheme && existing.label == c.label) return;
  categories.push_back(std::move(c));
}

void add_person_string(std::vector<Person>& authors, std::string_view text) {
  Person p = parse_person(text);
  if (p.name || p.email) authors.push_back(std::move(p));
}

Person read_atom_person(pugi::xml_node node, const Scope& scope) {
  Person p;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    Scope child(&scope, c, scope.document_default());
    const auto [ns, local] = child.qualify(c);
    if (ns != Ns::atom && ns != Ns::atom03) continue;
    if (local == "name" && !p.name)
      p.name = text_of(c);
    else if (local == "email" && !p.email)
      p.email = text_of(c);
    else if ((local == "uri" || local == "url") && !p.uri)
      p.uri = child.resolve(text_of(c));
  }
  return p;
}

void read_atom_link(pugi::xml_node node, const Scope& scope, Target& t) {
  const pugi::xml_attribute href = node.attribute("href");
  if (!href) return;
  Link link;
  link.href = scope.resolve(href.value());
  if (auto rel = optional_attr(node, "rel"); rel && !rel->empty()) link.rel = *rel;
  link.type = optional_attr(node, "type");
  if (!link.type) link.type = link.rel == "self" ? "application/atom+xml" : "text/html";
  link.title = optional_attr(node, "title");
  if (auto length = optional_attr(node, "length")) link.length = parse_length(*length);
  if (link.rel == "enclosure" && t.enclosures)
    t.enclosures->push_back(Enclosure{link.href, optional_attr(node, "type"), link.length});
  t.links->push_back(std::move(link));
}

void read_child(pugi::xml_node node, const Scope& scope, Target& t) {
  const auto [ns, local] = scope.qualify(node);
  switch (ns) {
    case Ns::rss:
      if (local == "title") {
        if (!*t.title) *t.title = read_rss_text(node, scope, false);
      } else if (local == "link") {
        const std::string href = scope.resolve(text_of(node));
        if (!href.empty()) t.links->push_back(Link{href, "alternate", "text/html", std::nullopt, std::nullopt});
      } else if (local == "description") {
        if (!*t.summary) *t.summary = read_rss_text(node, scope, true);
      } else if (local == "pubDate") {
        set_date(t.published, node);
      } else if (local == "lastBuildDate") {
        set_date(t.updated, node);
      } else if (local == "guid") {
        const std::string value = text_of(node);
        if (!*t.id) *t.id = value;
        const std::string permalink = ascii_lower(trim(node.attribute("isPermaLink").value()));
        if (permalink != "false" && !value.empty() && !t.permalink_guid) t.permalink_guid = scope.resolve(value);
      } else if (local == "author" || local == "managingEditor") {
        add_person_string(*t.authors, text_of(node));
      } else if (local == "category") {
        add_category(*t.categories, Category{text_of(node), optional_attr(node, "domain"), std::nullopt});
      } else if (local == "enclosure" && t.enclosures) {
        const pugi::xml_attribute url = node.attribute("url");
        if (!url) break;
        Enclosure e{scope.resolve(url.value()), optional_attr(node, "type"), std::nullopt};
        if (auto length = optional_attr(node, "length")) e.length = parse_length(*length);
        t.enclosures->push_back(e);
        t.links->push_back(Link{e.url, "enclosure", e.type, std::nullopt, e.length});
      } else if (local == "language" && t.language) {
        if (!*t.language) *t.language = text_of(node);
      } else if (local == "fullitem" && t.content) {
        t.content->push_back(read_rss_text(node, scope, true));
      }
      break;
    case Ns::atom:
    case Ns::atom03: {
      const bool atom03 = ns == Ns::atom03;
      if (local == "title") {
        if (!*t.title) *t.title = read_atom_text(node, scope, atom03);
      } else if (local == "subtitle" || local == "tagline" || local == "summary") {
        if (!*t.summary && (local == "summary") == (t.content != nullptr))
          *t.summary = read_atom_text(node, scope, atom03);
      } else if (local == "content" && t.content) {
        t.content->push_back(read_atom_text(node, scope, atom03));
      } else if (local == "link") {
        read_atom_link(node, scope, t);
      } else if (local == "id") {
        if (!*t.id) *t.id = text_of(node);
      } else if (local == "published" || local == "issued") {
        set_date(t.published, node);
      } else if (local == "updated" || local == "modified") {
        set_date(t.updated, node);
      } else if (local == "author") {
        Person p = read_atom_person(node, scope);
        if (p.name || p.email || p.uri) t.authors->push_back(std::move(p));
      } else if (local == "category") {
        add_category(*t.categories, Category{std::string(trim(node.attribute("term").value())),
                                             optional_attr(node, "scheme"), optional_attr(node, "label")});
      }
      break;
    }
    case Ns::dc:
      if (local == "title") {
        if (!*t.title) *t.title = read_rss_text(node, scope, false);
      } else if (local == "creator" || local == "author") {
        add_person_string(*t.authors, text_of(node));
      } else if (local == "subject") {
        add_category(*t.categories, Category{text_of(node), std::nullopt, std::nullopt});
      } else if (local == "date") {
        set_date(t.updated, node);
      } else if (local == "language" && t.language) {
        if (!*t.language) *t.language = text_of(node);
      } else if (local == "description") {
        if (!*t.summary) *t.summary = read_rss_text(node, scope, true);
      }
      break;
    case Ns::dcterms:
      if (local == "issued")
        set_date(t.published, node);
      else if (local == "modified")
        set_date(t.updated, node);
      break;
    case Ns::content:
      if (local == "encoded" && t.content) t.content->push_back(read_rss_text(node, scope, true));
      break;
    case Ns::xhtml:
      if (local == "body" && t.content) t.content->push_back(finish({inner_markup(node, scope), "xhtml"}, scope));
      break;
    default: break;
  }
}

void finish_links(Target& t) {
  for (const auto& l : *t.links) {
    if (l.rel == "alternate") {
      *t.link = l.href;
      return;
    }
  }
  if (t.permalink_guid) *t.link = *t.permalink_guid;
}

Target feed_target(FeedInfo& f) {
  Target t;
  t.title = &f.title;
  t.summary = &f.subtitle;
  t.link = &f.link;
  t.links = &f.links;
  t.id = &f.id;
  t.published = &f.published;
  t.updated = &f.updated;
  t.authors = &f.authors;
  t.categories = &f.categories;
  t.language = &f.language;
  return t;
}

Target entry_target(Entry& e) {
  Target t;
  t.title = &e.title;
  t.summary = &e.summary;
  t.link = &e.link;
  t.links = &e.links;
  t.id = &e.id;
  t.published = &e.published;
  t.updated = &e.updated;
  t.authors = &e.authors;
  t.categories = &e.categories;
  t.content = &e.content;
  t.enclosures = &e.enclosures;
  return t;
}

bool is_entry(Ns ns, std::string_view local) {
  return (local == "item" && (ns == Ns::rss || ns == Ns::none)) ||
         (local == "entry" && (ns == Ns::atom || ns == Ns::atom03));
}

bool is_empty(const Entry& e) {
  return !e.id && !e.title && !e.link && e.links.empty() && !e.published && !e.updated && e.authors.empty() &&
         !e.summary && e.content.empty() && e.categories.empty() && e.enclosures.empty();
}

void read_entry(pugi::xml_node node, const Scope& scope, ParsedFeed& out) {
  Entry entry;
  Target t = entry_target(entry);
  // libxml2's recovery nests the entries that follow an unclosed one inside
  // it; they are still entries of the feed, in document order after this one.
  std::vector<pugi::xml_node> nested;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    Scope child(&scope, c, scope.document_default());
    const auto [ns, local] = child.qualify(c);
    if (is_entry(ns, local)) {
      nested.push_back(c);
      continue;
    }
    read_child(c, child, t);
  }
  if (!entry.id) {
    if (auto about = node.attribute("rdf:about")) entry.id = std::string(trim(about.value()));
  }
  finish_links(t);
  // A truncated document can end inside an entry's start tag: nothing to keep.
  if (!is_empty(entry)) out.entries.push_back(std::move(entry));
  for (pugi::xml_node child : nested) {
    const Scope child_scope(&scope, child, scope.document_default());
    read_entry(child, child_scope, out);
  }
}

// Reads the children of a channel/feed element (and, for RSS 1.0, of the
// rdf:RDF root) in document order: entries are collected, the rest is feed
// metadata. RSS <image>/<textInput> blocks are skipped whole.
void read_container(pugi::xml_node node, const Scope& scope, ParsedFeed& out, Target& feed) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    Scope child(&scope, c, scope.document_default());
    const auto [ns, local] = child.qualify(c);
    if (is_entry(ns, local)) {
      read_entry(c, child, out);
    } else if (ns == Ns::rss && local == "channel") {
      if (auto about = c.attribute("rdf:about"); about && !*feed.id) *feed.id = std::string(trim(about.value()));
      if (auto lang = c.attribute("xml:lang"); lang && !feed.xml_lang) feed.xml_lang = std::string(trim(lang.value()));
      read_container(c, child, out, feed);
    } else if ((ns == Ns::rss || ns == Ns::none) &&
               (local == "image" || local == "textInput" || local == "textinput" || local == "items")) {
      continue;
    } else if ((ns == Ns::atom || ns == Ns::atom03) && local == "source") {
      continue;
    } else {
      read_child(c, child, feed);
    }
  }
}

}  // namespace

bool read_xml_feed(std::string_view decoded, std::string_view base_url, ParsedFeed& out, std::string& problem) {
  RepairedXml repaired = repair_xml(decoded);
  if (!repaired.problem.empty() && problem.empty()) problem = repaired.problem;

  // parse_ws_pcdata keeps the spaces between inline elements of XHTML content.
  constexpr unsigned kFlags = pugi::parse_default | pugi::parse_ws_pcdata;
  pugi::xml_document doc;
  std::string buffer = std::move(repaired.xml);
  pugi::xml_parse_result result = doc.load_buffer_inplace(buffer.data(), buffer.size(), kFlags, pugi::encoding_utf8);
  std::string recovered;
  if (!result) {
    if (problem.empty())
      problem =
          std::string("not well-formed XML: ") + result.description() + " at offset " + std::to_string(result.offset);
    // The in-place parse consumed the buffer; repair again for libxml2.
    if (auto r = recover_xml(repair_xml(decoded).xml)) {
      recovered = std::move(*r);
      pugi::xml_document second;
      if (second.load_buffer_inplace(recovered.data(), recovered.size(), kFlags, pugi::encoding_utf8) &&
          second.document_element())
        doc.reset(second);
    }
  }

  pugi::xml_node root = doc.document_element();
  if (!root) return false;
  for (pugi::xml_node n = root.next_sibling(); n; n = n.next_sibling()) {
    if (n.type() == pugi::node_element || (n.type() == pugi::node_pcdata && !trim(n.value()).empty())) {
      if (problem.empty()) problem = "content after the root element";
      break;
    }
  }

  // Which vocabulary unqualified names belong to is decided by the root.
  Ns document_default = Ns::rss;
  {
    Scope probe(nullptr, root, Ns::none);
    auto [ns, local] = probe.qualify(root);
    if (local == "feed" && (ns == Ns::atom || ns == Ns::atom03 || ns == Ns::none)) {
      const bool atom03 = ns == Ns::atom03 || trim(root.attribute("version").value()) == "0.3";
      document_default = atom03 ? Ns::atom03 : Ns::atom;
    } else if (!((local == "rss" && (ns == Ns::none || ns == Ns::rss)) || (local == "RDF" && ns == Ns::rdf) ||
                 (local == "channel" && (ns == Ns::none || ns == Ns::rss)))) {
      problem = "root element <" + std::string(root.name()) + "> is not a feed";
      return false;
    }
  }

  // The document URL is the outermost base: a scope over a detached element
  // carrying it as xml:base gives relative xml:base values one resolution path.
  pugi::xml_document base_holder;
  pugi::xml_node base_node = base_holder.append_child("base");
  if (!base_url.empty()) base_node.append_attribute("xml:base") = std::string(base_url).c_str();
  Scope document_scope(nullptr, base_node, document_default);
  bool undeclared_prefix = false;
  document_scope.report_undeclared_prefixes_to(&undeclared_prefix);
  const Scope root_scope(&document_scope, root, document_default);

  Target feed = feed_target(out.feed);
  if (auto lang = root.attribute("xml:lang")) feed.xml_lang = std::string(trim(lang.value()));
  read_container(root, root_scope, out, feed);
  // xml:lang only stands in for an explicit <language>/dc:language.
  if (!out.feed.language && feed.xml_lang) out.feed.language = feed.xml_lang;
  finish_links(feed);
  if (undeclared_prefix && problem.empty()) problem = "undeclared namespace prefix";
  return true;
}

}  // namespace newsd::parse::feed_detail
