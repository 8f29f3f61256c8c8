#pragma once
/// Feed autodiscovery: the feeds a page advertises in its `<head>`.
#include <string>
#include <string_view>
#include <vector>

namespace newsd::parse {

/// One `<link rel="alternate" type="…" href="…">` naming a feed.
struct FeedLink {
  std::string url;    ///< href resolved against the page URL (absolute)
  std::string type;   ///< lower-case media type: application/rss+xml, application/atom+xml or application/feed+json
  std::string title;  ///< the link's title attribute, may be empty
};

/// The feed links of an HTML page (raw bytes, any charset, decoded as
/// html.hpp's decode_html does): `<link>` elements whose `rel` contains the
/// word `alternate` and whose `type` is one of the three feed types (ASCII
/// case-insensitive, parameters ignored), in document order, duplicates
/// dropped. Hrefs that do not resolve to an absolute URL are skipped. Page
/// content is untrusted: the result is only candidates, at most 64 of them.
std::vector<FeedLink> find_feed_links(std::string_view html_bytes, std::string_view page_url,
                                      std::string_view http_charset = {});

}  // namespace newsd::parse
