#pragma once
// Internal view of libxml2's HTML tree used by the extractor: ownership of the
// parsed document, tag classification and cheap attribute access.
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/parse/html_select.hpp"

namespace newsd::parse::html {

/// Frees a document: parse_utf8()'s whole arena at once (see html_arena.hpp),
/// any other one with xmlFreeDoc().
struct DocFree {
  void operator()(xmlDoc* d) const;
};
/// A document the extractor only reads: the nodes of one from parse_utf8()
/// live in its arena, so nothing may free or replace them through libxml2.
using DocPtr = std::unique_ptr<xmlDoc, DocFree>;

/// Elements nested deeper than this are not in the tree: libxml2's HTML parser
/// stops there, and parse_utf8_html5() leaves them out (with their content).
inline constexpr std::size_t kMaxTreeDepth = 256;

/// Parses UTF-8 HTML with libxml2's error-recovering parser (no network, no
/// re-detection of the encoding). Attribute names that start with a template
/// sigil (`@click`, `#slot`, `*ngIf`, `(click)`, `[prop]`), which libxml2
/// cannot read, reach the tree with '_' in place of the sigil. The tree is
/// built in one arena that the DocPtr frees whole. Fails with
/// Errc::parse only if libxml2 returns no document at all (e.g. empty input).
Result<DocPtr> parse_utf8(std::string_view utf8);

/// Parses UTF-8 HTML with gumbo's HTML5 tree builder (the browsers' error
/// recovery: an unclosed `<button>` or `<header>` does not swallow the page)
/// and copies the result into a libxml2 document of parse_utf8()'s shape:
/// lower-case element names, each attribute value as one text child, text
/// and whitespace as text nodes; comments are left out. Slower than
/// parse_utf8(); meant for pages whose libxml2 tree looks broken. Fails with
/// Errc::parse if gumbo builds no `<html>` element, Errc::too_large over 2 GB.
Result<DocPtr> parse_utf8_html5(std::string_view utf8);

/// Element kinds the extractor distinguishes; everything else is `other`.
enum class Tag : std::uint8_t {
  other,
  html,
  head,
  body,
  a,
  p,
  div,
  span,
  br,
  hr,
  img,
  h1,
  h2,
  h3,
  h4,
  h5,
  h6,
  ul,
  ol,
  li,
  dl,
  dt,
  dd,
  table,
  tr,
  td,
  th,
  caption,
  blockquote,
  pre,
  figure,
  figcaption,
  article,
  section,
  main,
  header,
  footer,
  nav,
  aside,
  form,
  script,
  style,
  noscript,
  template_,
  svg,
  iframe,
  button,
  input,
  select,
  textarea,
  title,
  meta,
  link,
  time,
  address,
  center,
  details,
  summary,
  menu,
  dialog,
  label,
  option,
  object,
  embed,
  canvas,
  math,
  audio,
  video,
  picture,
  source,
  map,
  inline_other,  // known phrasing elements: em, strong, b, i, sup, …
};

Tag tag_of(const xmlNode* element);
inline bool is_heading(Tag t) { return t >= Tag::h1 && t <= Tag::h6; }

/// Elements whose content is never article text (scripts, controls, embeds).
bool is_never_text(Tag t);
/// Phrasing (inline) elements: they do not break a text block.
bool is_inline(Tag t);

/// Value of attribute `name` (lower-case) as a view into the tree, or empty.
std::string_view attr(const xmlNode* element, std::string_view name);
/// True if the element carries attribute `name` at all.
bool has_attr(const xmlNode* element, std::string_view name);

/// The node after `n` in document order within `root`'s subtree, skipping
/// n's children; null at the end. Walks over the tree are iterative with it,
/// so that no page can exhaust the stack, whatever depth the parser lets
/// through.
template <class Node>
Node* next_skipping_children(Node* n, const xmlNode* root) {
  while (n != root && n->next == nullptr) n = n->parent;
  return n == root ? nullptr : n->next;
}

/// Text of all descendants, raw (not collapsed); with `max_bytes`, the
/// text nodes after the one that reaches it are left out.
std::string inner_text(const xmlNode* node, std::size_t max_bytes = std::string::npos);

/// True if `element` matches the selector (tests ancestors for combinators).
bool matches(const xmlNode* element, const Selector& selector);
/// Every element under `root` (inclusive) matching `selector`, document order;
/// with `outermost_only`, matches nested in another match are left out.
std::vector<xmlNode*> select_all(xmlNode* root, const Selector& selector, bool outermost_only);

/// First element child of `parent` with tag `t` (depth-first when `deep`).
xmlNode* find_element(xmlNode* parent, Tag t, bool deep);

inline std::string_view to_view(const xmlChar* s) {
  return s ? std::string_view(reinterpret_cast<const char*>(s)) : std::string_view();
}

}  // namespace newsd::parse::html
