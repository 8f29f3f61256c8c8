// Namespaces and text constructs of XML feeds (see feed_xml_scope.hpp).
#include "feed_xml_scope.hpp"

namespace newsd::parse::feed_detail {

Ns ns_from_uri(std::string_view uri) {
  if (uri.ends_with('/') && uri != "http://purl.org/rss/1.0/" && !uri.starts_with("http://purl.org/dc/"))
    uri.remove_suffix(1);
  if (uri == "http://www.w3.org/2005/Atom") return Ns::atom;
  if (uri == "http://purl.org/atom/ns#") return Ns::atom03;
  if (uri == "http://purl.org/dc/elements/1.1/" || uri == "http://purl.org/dc/elements/1.0/") return Ns::dc;
  if (uri == "http://purl.org/dc/terms/") return Ns::dcterms;
  if (uri == "http://purl.org/rss/1.0/modules/content") return Ns::content;
  if (uri == "http://www.w3.org/1999/xhtml") return Ns::xhtml;
  if (uri == "http://purl.org/rss/1.0/modules/syndication") return Ns::sy;
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
  if (prefix == "sy") return Ns::sy;
  return Ns::other;
}

namespace {

// Walks are iterative: a hostile feed nests elements 100,000 deep.
void append_text(pugi::xml_node node, std::string& out) {
  for (pugi::xml_node c = node.first_child(); c;) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      out += c.value();
    } else if (c.type() == pugi::node_element && c.first_child()) {
      c = c.first_child();
      continue;
    }
    while (!c.next_sibling()) {
      c = c.parent();
      if (c == node) return;
    }
    c = c.next_sibling();
  }
}

}  // namespace

// All character data below `node`, entities decoded.
std::string text_of(pugi::xml_node node) {
  const pugi::xml_node first = node.first_child();
  if (first && !first.next_sibling() && (first.type() == pugi::node_pcdata || first.type() == pugi::node_cdata))
    return std::string(trim(first.value()));
  std::string out;
  append_text(node, out);
  return std::string(trim(out));
}

namespace {

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

// The element's name as written out: the XHTML namespace prefix is dropped
// so consumers get plain HTML-compatible markup.
std::string_view markup_name(pugi::xml_node element, const Scope& scope) {
  std::string_view name = element.name();
  if (const auto colon = name.find(':');
      colon != std::string_view::npos && scope.lookup(name.substr(0, colon)) == Ns::xhtml)
    name.remove_prefix(colon + 1);
  return name;
}

void open_tag(pugi::xml_node element, const Scope& scope, std::string& out) {
  out += '<';
  out += markup_name(element, scope);
  for (pugi::xml_attribute a = element.first_attribute(); a; a = a.next_attribute()) {
    const std::string_view attr = a.name();
    if (attr == "xmlns" || (attr.starts_with("xmlns:") && ns_from_uri(a.value()) == Ns::xhtml)) continue;
    out += ' ';
    out += attr;
    out += "=\"";
    escape_into(a.value(), out, true);
    out += '"';
  }
  out += element.first_child() ? ">" : " />";
}

// Serialises inline markup, dropping the XHTML namespace declaration. Below
// kMaxMarkupDepth levels only the text is written, so that what is kept can
// be read back by libxml2 (plain_text), which stops at 256.
void serialise(pugi::xml_node node, const Scope& scope, std::string& out) {
  static const std::string too_deep =
      "markup nested deeper than " + std::to_string(kMaxMarkupDepth) + " elements: inner tags dropped";
  int level = 0;  // of `c`: children of `node` are level 0
  for (pugi::xml_node c = node.first_child(); c;) {
    if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      escape_into(c.value(), out, false);
    } else if (c.type() == pugi::node_element) {
      if (level < kMaxMarkupDepth)
        open_tag(c, scope, out);
      else
        scope.note(too_deep);
      if (c.first_child()) {
        c = c.first_child();
        ++level;
        continue;
      }
    }
    // On to the next node in document order, closing what was opened.
    while (!c.next_sibling()) {
      c = c.parent();
      --level;
      if (c == node) return;
      if (level < kMaxMarkupDepth) {
        out += "</";
        out += markup_name(c, scope);
        out += '>';
      }
    }
    c = c.next_sibling();
  }
}

}  // namespace

std::string inner_markup(pugi::xml_node node, const Scope& scope) {
  std::string out;
  serialise(node, scope, out);
  return std::string(trim(out));
}

namespace {

std::string short_type(std::string_view type) {
  const std::string t = ascii_lower(trim(type));
  if (t.empty() || t == "text" || t == "text/plain") return "text";
  if (t == "html" || t == "text/html") return "html";
  if (t == "xhtml" || t == "application/xhtml+xml") return "xhtml";
  return std::string(trim(type));
}

bool is_markup_type(std::string_view t) { return t == "html" || t == "xhtml"; }

}  // namespace

TextConstruct resolve_markup_urls(TextConstruct tc, const Scope& scope) {
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
    return resolve_markup_urls(std::move(tc), scope);
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
        return resolve_markup_urls(std::move(tc), inner);
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
  return resolve_markup_urls(std::move(tc), scope);
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
  return resolve_markup_urls(std::move(tc), scope);
}

}  // namespace newsd::parse::feed_detail
