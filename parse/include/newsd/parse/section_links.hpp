#pragma once
/// Article links of an HTML section page ("الأخبار العسكرية", "Défense",
/// "Cyber"): the page a site lists its latest stories on when it has no
/// usable feed. Each link found becomes an entry whose page is fetched and
/// extracted like a feed entry's.
#include <string>
#include <string_view>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/config/config.hpp"

namespace newsd::parse {

/// Per-source overrides of the generic heuristics (`[[feeds]] links`,
/// `exclude`, `url_pattern`). Empty fields leave the heuristics in charge.
struct SectionRules {
  /// CSS selector (html_select.hpp subset) of the listing: anchors, or
  /// containers whose anchors are the articles. When set it replaces the
  /// region, URL-shape and headline-length heuristics: every same-site
  /// http(s) anchor it selects is taken.
  std::string links;
  /// Selectors whose subtrees are never read, in both modes.
  std::vector<std::string> exclude;
  /// ICU regular expression (Perl/ECMAScript-like syntax) searched for
  /// anywhere in each link's absolute URL as SectionLink::url gives it
  /// (non-ASCII percent-encoded); links it does not match are dropped. Anchor
  /// with `^…$` for a whole-URL match. A match that runs past ICU's time
  /// limit (a pattern backtracking on a hostile URL) counts as no match.
  std::string url_pattern;
};

struct SectionLink {
  std::string url;    ///< absolute http(s) URL as the page links it (resolved, fragment dropped)
  std::string title;  ///< headline text, whitespace collapsed, NFC; may be empty with a `links` override
};

struct SectionPage {
  std::string title;               ///< the page's `<title>`, collapsed, NFC (empty if none)
  std::vector<SectionLink> links;  ///< page order, one per canonical URL (canonicalize_url)
};

/// Finds the article links of a section page.
///
/// `html` is the page as fetched (any charset: decoded as decode_html() does,
/// `charset` being the Content-Type charset when known); `page_url` its
/// absolute http(s) address, against which (or the page's `<base href>`)
/// relative links resolve.
///
/// A link is taken only if it is http(s), on the same site as `page_url`
/// (same registrable domain by the Public Suffix List; the same host for IP
/// addresses and single-label hosts), not the page itself, and matches
/// `rules.url_pattern` when set. Without `rules.links`, the generic
/// heuristics also require:
///  - that the anchor lies outside page chrome: `nav`, `header`, `footer`,
///    `aside`, `menu`, `form`, navigation/banner/contentinfo/complementary
///    roles, hidden elements, elements whose class/id mark boilerplate (menus,
///    share bars, tag clouds, pagination, "most read" boxes: the extractor's
///    vocabulary; inside an `<article>` card its own header/footer/meta are
///    kept), and boxes headed by a side-box label ("الأكثر قراءة", "Les plus
///    lus", "Most read", "Related", …);
///  - a URL that is not a hub (tag, category, author, page, search, topic…
///    segments; media and feed files), shaped like an article (a date
///    `/2026/11/30/` or `2026-11-30`, a numeric id of 4+ digits in the path or
///    an id-like query parameter, or a slug of 3+ words, percent-encoded
///    Arabic included) with a headline of at least 20 characters (code
///    points) and 3 words — or, for other URL shapes, at least 35 characters
///    and 5 words. The headline is the text of a heading inside the anchor,
///    else the anchor's text, else its `title` attribute.
/// Links are kept in page order, deduplicated by canonical URL (the first
/// anchor with a non-empty title names the link), at most
/// `limits.entries_per_feed` of them; titles are cut to `limits.title_chars`.
/// An href over 8 KB is ignored. The input's size is bounded by the fetcher's
/// body limit; the tree walk is iterative.
///
/// Fails with Errc::invalid_argument for an invalid selector or regular
/// expression in `rules` (the message names the field and the position) or a
/// `page_url` that is not absolute http(s); with Errc::parse only if the
/// bytes are not HTML at all. A page with no links found is a value with
/// empty `links`.
Result<SectionPage> find_section_links(std::string_view html, std::string_view page_url, std::string_view charset,
                                       const SectionRules& rules, const config::LimitsConfig& limits);

/// Checks the selectors and regular expression of `rules` as
/// find_section_links() would, without a page: for `check-config` and the
/// config layer's callers.
Result<void> validate_section_rules(const SectionRules& rules);

}  // namespace newsd::parse
