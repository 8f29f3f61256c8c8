#include "newsd/parse/feed_links.hpp"

#include <algorithm>
#include <array>

#include "html_dom.hpp"
#include "newsd/base/ascii.hpp"
#include "newsd/parse/html.hpp"
#include "newsd/parse/url.hpp"

namespace newsd::parse {
namespace {

// A hostile page could list thousands; discovery probes each one.
constexpr std::size_t kMaxLinks = 64;

bool has_word(std::string_view list, std::string_view word) {
  std::size_t pos = 0;
  while (pos < list.size()) {
    const auto start = list.find_first_not_of(" \t\r\n\f", pos);
    if (start == std::string_view::npos) break;
    auto end = list.find_first_of(" \t\r\n\f", start);
    if (end == std::string_view::npos) end = list.size();
    if (ascii_lower(list.substr(start, end - start)) == word) return true;
    pos = end;
  }
  return false;
}

// "application/rss+xml; charset=utf-8" → "application/rss+xml", if a feed type.
std::string feed_type(std::string_view type) {
  static constexpr std::array<std::string_view, 3> kTypes{"application/rss+xml", "application/atom+xml",
                                                          "application/feed+json"};
  std::string media = ascii_lower(type.substr(0, type.find(';')));
  media.erase(0, media.find_first_not_of(" \t"));
  media.erase(media.find_last_not_of(" \t") + 1);
  return std::ranges::find(kTypes, media) != kTypes.end() ? media : std::string();
}

}  // namespace

std::vector<FeedLink> find_feed_links(std::string_view html_bytes, std::string_view page_url,
                                      std::string_view http_charset) {
  std::vector<FeedLink> out;
  const charset::Decoded decoded = decode_html(html_bytes, http_charset);
  auto doc = html::parse_utf8(decoded.text);
  if (!doc) return out;
  xmlNode* root = xmlDocGetRootElement(doc->get());
  if (root == nullptr) return out;
  static const Selector kLinks = *parse_selector("link[rel][type][href]");
  for (const xmlNode* link : html::select_all(root, kLinks, false)) {
    if (!has_word(html::attr(link, "rel"), "alternate")) continue;
    std::string type = feed_type(html::attr(link, "type"));
    if (type.empty()) continue;
    const auto url = resolve_url(page_url, html::attr(link, "href"));
    if (!url || !is_fetchable_url(*url)) continue;
    if (std::ranges::find(out, *url, &FeedLink::url) != out.end()) continue;
    out.push_back({*url, std::move(type), std::string(html::attr(link, "title"))});
    if (out.size() == kMaxLinks) break;
  }
  return out;
}

}  // namespace newsd::parse
