#pragma once
// Seams inside the extractor: metadata (head, JSON-LD) and main content
// (block segmentation, scoring, selection) are separate passes over one tree.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "html_dom.hpp"
#include "newsd/config/config.hpp"

namespace newsd::parse::detail {

/// What the page says about itself, before looking at the body text.
struct PageMeta {
  std::optional<std::string> title;
  std::optional<std::string> headline_h1;  ///< text of the first <h1> in the body
  std::optional<std::string> byline;
  std::optional<std::string> site_name;
  std::optional<std::chrono::sys_seconds> published;
  std::optional<std::chrono::sys_seconds> updated;
  std::optional<std::string> canonical_url;
  std::optional<std::string> section;
  std::optional<std::string> image;
  std::optional<std::string> declared_language;  ///< primary subtag of <html lang> / og:locale
  std::string jsonld_body;                       ///< schema.org articleBody as given ("" if none)
  bool jsonld_is_article = false;                ///< a JSON-LD object of an Article type was found
};

/// Reads metadata from <head>, JSON-LD blocks and body markers (rel=author,
/// byline classes, <time>, breadcrumbs). `url` resolves relative links and
/// supplies a date from its path when the page gives none.
PageMeta read_metadata(xmlDoc* doc, std::string_view url);

/// True if the element's own attributes hide it from readers: `hidden` (not
/// React's streamed `<div hidden id="S:n">` boundaries), `aria-hidden="true"`,
/// an inline style with `display:none` or `visibility:hidden`.
bool hidden_by_attributes(const xmlNode* el);

/// True for ARIA roles of page chrome: navigation, banner, contentinfo,
/// complementary, search, menu, menubar, dialog, alert.
bool is_boilerplate_role(std::string_view role);

/// Inputs to the main-content pass besides the tree.
struct ContentHints {
  std::size_t min_text_chars = 200;
  const config::SiteRule* site_rule = nullptr;
  std::vector<std::string> drop_texts;  ///< title, byline: never emitted as a block
};

/// The article body of `doc` as blocks (collapsed, not yet NFC). Empty when
/// the page has no article. Removes the subtrees matched by the site rule's
/// drop selectors from the tree.
std::vector<std::string> extract_body_blocks(xmlDoc* doc, const ContentHints& hints);

}  // namespace newsd::parse::detail
