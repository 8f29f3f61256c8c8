// RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 documents, read from a pugixml tree:
// which element feeds which field (see feed_xml_scope.hpp for the walker).
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <deque>
#include <vector>

#include "feed_internal.hpp"
#include "feed_xml_scope.hpp"
#include "newsd/parse/dates.hpp"

namespace newsd::parse::feed_detail {
namespace {

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
  FeedInfo* feed_info = nullptr;                   // feed only: polling hints
  std::optional<std::string> permalink_guid;       // RSS guid usable as link
  std::optional<std::string> xml_lang;             // feed only: fallback language
};

// A non-negative decimal count (<ttl>, sy:updateFrequency); nullopt for
// anything else, so a garbled hint is ignored rather than read as 0.
std::optional<int> parse_count(std::string_view text) {
  int value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || value < 0) return std::nullopt;
  return value;
}

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
    else if ((local == "uri" || local == "url") && !p.uri) {
      // An empty reference would resolve to the document itself.
      if (std::string ref = text_of(c); !ref.empty()) p.uri = child.resolve(ref);
    }
  }
  return p;
}

void read_atom_link(pugi::xml_node node, const Scope& scope, Target& t) {
  const pugi::xml_attribute href = node.attribute("href");
  if (!href || trim(href.value()).empty()) return;  // no link, not the document's own URL
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

// RSS 0.9x/2.0 and RSS 1.0 elements (the channel's, an item's).
void read_rss_child(pugi::xml_node node, std::string_view local, const Scope& scope, Target& t) {
  if (local == "title") {
    if (!*t.title) *t.title = read_rss_text(node, scope, false);
  } else if (local == "link") {
    // An empty <link/> is no link: resolved, it would name the feed itself.
    if (const std::string ref = text_of(node); !ref.empty())
      t.links->push_back(Link{scope.resolve(ref), "alternate", "text/html", std::nullopt, std::nullopt});
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
    if (!url || trim(url.value()).empty()) return;
    Enclosure e{scope.resolve(url.value()), optional_attr(node, "type"), std::nullopt};
    if (auto length = optional_attr(node, "length")) e.length = parse_length(*length);
    t.enclosures->push_back(e);
    t.links->push_back(Link{e.url, "enclosure", e.type, std::nullopt, e.length});
  } else if (local == "language" && t.language) {
    if (!*t.language) *t.language = text_of(node);
  } else if (local == "fullitem" && t.content) {
    t.content->push_back(read_rss_text(node, scope, true));
  } else if (local == "ttl" && t.feed_info && !t.feed_info->ttl_minutes) {
    t.feed_info->ttl_minutes = parse_count(text_of(node));
  }
}

// The syndication module's update hints (sy:updatePeriod, sy:updateFrequency).
void read_sy_child(pugi::xml_node node, std::string_view local, Target& t) {
  if (!t.feed_info) return;
  if (local == "updatePeriod" && !t.feed_info->update_period) {
    t.feed_info->update_period = text_of(node);
  } else if (local == "updateFrequency" && !t.feed_info->update_frequency) {
    t.feed_info->update_frequency = parse_count(text_of(node));
  }
}

// Atom 1.0 and 0.3 elements (a feed's, an entry's).
void read_atom_child(pugi::xml_node node, std::string_view local, bool atom03, const Scope& scope, Target& t) {
  if (local == "title") {
    if (!*t.title) *t.title = read_atom_text(node, scope, atom03);
  } else if (local == "subtitle" || local == "tagline" || local == "summary") {
    if (!*t.summary && (local == "summary") == (t.content != nullptr)) *t.summary = read_atom_text(node, scope, atom03);
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
}

// Dublin Core elements, in either kind of feed.
void read_dc_child(pugi::xml_node node, std::string_view local, const Scope& scope, Target& t) {
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
}

void read_child(pugi::xml_node node, const Scope& scope, Target& t) {
  const auto [ns, local] = scope.qualify(node);
  switch (ns) {
    case Ns::rss: read_rss_child(node, local, scope, t); break;
    case Ns::sy: read_sy_child(node, local, t); break;
    case Ns::atom:
    case Ns::atom03: read_atom_child(node, local, ns == Ns::atom03, scope, t); break;
    case Ns::dc: read_dc_child(node, local, scope, t); break;
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
      if (local == "body" && t.content)
        t.content->push_back(resolve_markup_urls({inner_markup(node, scope), "xhtml"}, scope));
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
  t.feed_info = &f;
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

// The document-wide state of one walk.
struct Walk {
  ParsedFeed& out;
  std::size_t max_entries;
};

// Reads an entry and the entries libxml2's recovery nested inside it (those
// that followed an unclosed one): they are entries of the feed too, in
// document order after it. Iterative, since a hostile feed nests 100,000 of
// them; nesting deeper than kMaxDepth is not read. Entries past the cap are
// only counted.
void read_entry(pugi::xml_node node, const Scope& parent, Walk& walk) {
  struct Pending {
    pugi::xml_node node;
    const Scope* parent;
    int depth;
  };
  std::deque<Scope> scopes;  // a nested entry's scope inherits its parent entry's
  std::vector<Pending> pending{{node, &parent, 0}};
  while (!pending.empty()) {
    const Pending p = pending.back();
    pending.pop_back();
    const Scope& scope = scopes.emplace_back(p.parent, p.node, p.parent->document_default());
    const bool read = walk.out.entries.size() < walk.max_entries;
    Entry entry;
    Target t = entry_target(entry);
    const std::size_t first_nested = pending.size();
    for (pugi::xml_node c = p.node.first_child(); c; c = c.next_sibling()) {
      if (c.type() != pugi::node_element) continue;
      Scope child(&scope, c, scope.document_default());
      const auto [ns, local] = child.qualify(c);
      if (is_entry(ns, local)) {
        if (p.depth < kMaxDepth)
          pending.push_back({c, &scope, p.depth + 1});
        else
          scope.note("entries nested deeper than " + std::to_string(kMaxDepth) + " levels: inner ones dropped");
      } else if (read) {
        read_child(c, child, t);
      }
    }
    std::reverse(pending.begin() + static_cast<std::ptrdiff_t>(first_nested), pending.end());
    if (!read) {
      ++walk.out.entries_dropped;
      continue;
    }
    if (!entry.id) {
      if (auto about = scope.attribute(p.node, Ns::rdf, "about")) entry.id = std::string(trim(about.value()));
    }
    finish_links(t);
    // A truncated document can end inside an entry's start tag: nothing to keep.
    if (!is_empty(entry)) walk.out.entries.push_back(std::move(entry));
  }
}

// Reads the children of a channel/feed element (and, for RSS 1.0, of the
// rdf:RDF root) in document order: entries are collected, the rest is feed
// metadata. RSS <image>/<textInput> blocks are skipped whole. Channels nested
// in channels are read down to kMaxDepth.
void read_container(pugi::xml_node node, const Scope& scope, Walk& walk, Target& feed, int depth) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    Scope child(&scope, c, scope.document_default());
    const auto [ns, local] = child.qualify(c);
    if (is_entry(ns, local)) {
      read_entry(c, scope, walk);
    } else if (ns == Ns::rss && local == "channel") {
      if (depth >= kMaxDepth) {
        scope.note("channels nested deeper than " + std::to_string(kMaxDepth) + " levels: inner ones dropped");
        continue;
      }
      if (auto about = child.attribute(c, Ns::rdf, "about"); about && !*feed.id)
        *feed.id = std::string(trim(about.value()));
      if (auto lang = c.attribute("xml:lang"); lang && !feed.xml_lang) feed.xml_lang = std::string(trim(lang.value()));
      read_container(c, child, walk, feed, depth + 1);
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

bool read_xml_feed(std::string_view decoded, std::string_view base_url, std::size_t max_entries, ParsedFeed& out,
                   std::string& problem) {
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
  WalkProblems walk_problems;
  document_scope.report_problems_to(&walk_problems);
  const Scope root_scope(&document_scope, root, document_default);

  Target feed = feed_target(out.feed);
  if (auto lang = root.attribute("xml:lang")) feed.xml_lang = std::string(trim(lang.value()));
  Walk walk{out, max_entries};
  read_container(root, root_scope, walk, feed, 0);
  // xml:lang only stands in for an explicit <language>/dc:language.
  if (!out.feed.language && feed.xml_lang) out.feed.language = feed.xml_lang;
  // BCP 47 (which xml:lang and RSS's language codes follow) separates
  // subtags with '-'; publishers often write a locale name ("ar_MA").
  if (out.feed.language) std::ranges::replace(*out.feed.language, '_', '-');
  finish_links(feed);
  if (problem.empty()) problem = std::move(walk_problems.first);
  return true;
}

}  // namespace newsd::parse::feed_detail