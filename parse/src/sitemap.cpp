// Sitemaps (sitemaps.org 0.9, Google News) read into the feed parser's
// ParsedFeed, gzip, and sniffing a document's kind. The XML goes through the
// feed parser's own path (byte decoding, repair, pugixml, libxml2 recovery),
// so a sitemap is exactly as well defended as a feed and there is one XML stack.
#include "newsd/parse/sitemap.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <pugixml.hpp>

#include "extract_text.hpp"
#include "feed_internal.hpp"
#include "feed_xml_scope.hpp"
#include "newsd/base/ascii.hpp"
#include "newsd/parse/dates.hpp"
#include "newsd/parse/url.hpp"

namespace newsd::parse {
namespace {

using feed_detail::trim;

std::string_view local_name(pugi::xml_node node) {
  std::string_view name = node.name();
  if (auto colon = name.find(':'); colon != std::string_view::npos) name.remove_prefix(colon + 1);
  return name;
}

pugi::xml_node child_named(pugi::xml_node node, std::string_view local) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c) == local) return c;
  }
  return {};
}

std::string text_in(pugi::xml_node node, std::string_view local) {
  return std::string(trim(child_named(node, local).text().get()));
}

std::optional<TimePoint> date_in(pugi::xml_node node, std::string_view local, TimePoint now) {
  const std::string text = text_in(node, local);
  if (text.empty()) return std::nullopt;
  return plausible_date(parse_date(text), now);
}

// A <loc> as a fetchable absolute URI: Arabic slugs percent-encoded, a
// relative one resolved against the sitemap's URL.
std::optional<std::string> location(pugi::xml_node node, std::string_view base_url) {
  const std::string loc = feed_detail::iri_to_uri(text_in(node, "loc"));
  if (loc.empty()) return std::nullopt;
  auto url = base_url.empty() ? std::optional<std::string>(loc) : resolve_url(base_url, loc);
  if (!url || !is_fetchable_url(*url)) return std::nullopt;
  return url;
}

bool named_like_news(std::string_view url) {
  const auto query = url.find_first_of("?#");
  url = url.substr(0, query);
  const auto slash = url.rfind('/');
  const std::string_view file = slash == std::string_view::npos ? url : url.substr(slash + 1);
  return ascii_lower(file).find("news") != std::string::npos;
}

std::vector<Category> keywords(std::string_view text, std::size_t max_chars) {
  std::vector<Category> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string term(trim(text.substr(0, comma)));
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    if (term.empty()) continue;
    text::cut_chars(term, max_chars);
    if (std::ranges::none_of(out, [&](const Category& c) { return c.term == term; })) out.push_back({term, {}, {}});
  }
  return out;
}

// The pugixml tree of a decoded document, repaired, and recovered by
// libxml2 when still not well-formed; `problem` gets the first bozo reason.
bool load_document(std::string_view decoded, pugi::xml_document& doc, std::string& buffer, std::string& problem) {
  feed_detail::RepairedXml repaired = feed_detail::repair_xml(decoded);
  if (problem.empty()) problem = repaired.problem;
  buffer = std::move(repaired.xml);
  const pugi::xml_parse_result result =
      doc.load_buffer_inplace(buffer.data(), buffer.size(), pugi::parse_default, pugi::encoding_utf8);
  if (result) return true;
  if (problem.empty()) problem = std::string("not well-formed XML: ") + result.description();
  // The in-place parse consumed the buffer; repair again for libxml2.
  auto recovered = feed_detail::recover_xml(feed_detail::repair_xml(decoded).xml);
  if (!recovered) return false;
  buffer = std::move(*recovered);
  return static_cast<bool>(
      doc.load_buffer_inplace(buffer.data(), buffer.size(), pugi::parse_default, pugi::encoding_utf8));
}

struct Reading {
  std::string_view base_url;
  const config::LimitsConfig& limits;
  TimePoint now;
  TimePoint oldest;
};

// <url> → Entry; nullopt (counted in too_old when it is the date's fault)
// for an entry that is not recent or points nowhere.
std::optional<Entry> read_url(pugi::xml_node node, const Reading& r, Sitemap& out) {
  auto url = location(node, r.base_url);
  if (!url) return std::nullopt;
  Entry e;
  e.id = *url;
  e.link = *url;
  e.updated = date_in(node, "lastmod", r.now);
  if (pugi::xml_node news = child_named(node, "news")) {
    e.published = date_in(news, "publication_date", r.now);
    if (std::string title = text_in(news, "title"); !title.empty()) {
      text::cut_chars(title, r.limits.title_chars);
      e.title = TextConstruct{std::move(title)};
    }
    e.categories = keywords(text_in(news, "keywords"), r.limits.title_chars);
    if (!out.parsed.feed.language) {
      std::string lang = text_in(child_named(news, "publication"), "language");
      std::ranges::replace(lang, '_', '-');
      if (!lang.empty()) out.parsed.feed.language = std::move(lang);
    }
  }
  const auto date = e.published ? e.published : e.updated;
  if (!date || *date < r.oldest) {
    ++out.too_old;
    return std::nullopt;
  }
  return e;
}

void read_urlset(pugi::xml_node root, const Reading& r, Sitemap& out) {
  for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element || local_name(c) != "url") continue;
    auto entry = read_url(c, r, out);
    if (!entry) continue;
    if (out.parsed.entries.size() >= r.limits.entries_per_feed) {
      ++out.parsed.entries_dropped;
      continue;
    }
    out.parsed.entries.push_back(std::move(*entry));
  }
}

void read_index(pugi::xml_node root, const Reading& r, Sitemap& out) {
  std::vector<SitemapChild> recent, news;
  for (pugi::xml_node c = root.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element || local_name(c) != "sitemap") continue;
    auto url = location(c, r.base_url);
    if (!url) continue;
    SitemapChild child{std::move(*url), date_in(c, "lastmod", r.now)};
    if (child.lastmod && *child.lastmod >= r.oldest) {
      recent.push_back(std::move(child));
    } else if (!child.lastmod && named_like_news(child.url)) {
      news.push_back(std::move(child));
    } else {
      ++out.too_old;
    }
  }
  std::ranges::stable_sort(recent, std::ranges::greater{}, [](const SitemapChild& c) { return *c.lastmod; });
  out.children = std::move(recent);
  out.children.insert(out.children.end(), std::make_move_iterator(news.begin()), std::make_move_iterator(news.end()));
  if (out.children.size() > r.limits.entries_per_feed) out.children.resize(r.limits.entries_per_feed);
}

// The first element's local name, skipping the XML declaration, processing
// instructions, comments and a doctype; "!html" for an HTML doctype.
std::string first_element(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    i = s.find('<', i);
    if (i == std::string_view::npos || i + 1 >= s.size()) return {};
    const std::string_view rest = s.substr(i + 1);
    if (rest.starts_with("?")) {
      i = s.find("?>", i);
    } else if (rest.starts_with("!--")) {
      i = s.find("-->", i);
    } else if (rest.starts_with("!")) {
      if (ascii_lower(rest.substr(0, 13)) == "!doctype html") return "!html";
      i = s.find('>', i);
    } else {
      std::size_t end = 0;
      while (end < rest.size() && rest[end] != '>' && rest[end] != '/' && !feed_detail::is_space(rest[end])) ++end;
      std::string_view name = rest.substr(0, end);
      if (auto colon = name.find(':'); colon != std::string_view::npos) name.remove_prefix(colon + 1);
      return std::string(name);
    }
    if (i == std::string_view::npos) return {};
    ++i;
  }
  return {};
}

}  // namespace

std::string_view to_string(SourceKind kind) noexcept {
  switch (kind) {
    case SourceKind::feed: return "feed";
    case SourceKind::sitemap: return "sitemap";
    case SourceKind::sitemap_index: return "sitemapindex";
    case SourceKind::html: return "html";
  }
  return "feed";
}

SourceKind sniff_source(std::string_view bytes, std::string_view content_type) {
  constexpr std::size_t kSniffBytes = 64 * 1024;
  const std::string_view head = bytes.substr(0, kSniffBytes);
  const auto first = head.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (first != std::string_view::npos && head[first] == '{') return SourceKind::feed;
  const std::string root = first_element(head);
  if (root == "urlset") return SourceKind::sitemap;
  if (root == "sitemapindex") return SourceKind::sitemap_index;
  if (root == "!html" || ascii_lower(root) == "html") return SourceKind::html;
  if (root == "rss" || root == "feed" || root == "RDF" || root == "channel") return SourceKind::feed;
  const std::string type = ascii_lower(content_type);
  if (type.starts_with("text/html") || type.starts_with("application/xhtml+xml")) return SourceKind::html;
  return SourceKind::feed;
}

bool is_gzip(std::string_view bytes) noexcept {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

Result<std::string> gunzip(std::string_view bytes, std::size_t max_bytes) {
  z_stream z{};
  // 15 + 16: gzip framing only (a zlib or raw stream is not a .gz file).
  if (inflateInit2(&z, 15 + 16) != Z_OK) return fail(Errc::internal, "zlib: inflateInit2 failed");
  std::string out;
  std::array<char, 64 * 1024> chunk{};
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(std::min<std::size_t>(bytes.size(), UINT32_MAX));
  int rc = Z_OK;
  while (true) {
    z.next_out = reinterpret_cast<Bytef*>(chunk.data());
    z.avail_out = static_cast<uInt>(chunk.size());
    rc = inflate(&z, Z_NO_FLUSH);
    const std::size_t produced = chunk.size() - z.avail_out;
    if (out.size() + produced > max_bytes) {
      inflateEnd(&z);
      return fail(Errc::too_large, "gzip body inflates past " + std::to_string(max_bytes) + " bytes");
    }
    out.append(chunk.data(), produced);
    if (rc == Z_STREAM_END && z.avail_in > 0 && is_gzip({reinterpret_cast<const char*>(z.next_in), z.avail_in})) {
      // Another member follows (`cat a.gz b.gz`): gunzip reads on.
      if (inflateReset(&z) != Z_OK) break;
      continue;
    }
    if (rc != Z_OK) break;
    if (z.avail_in == 0 && produced == 0) break;
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) {
    return fail(Errc::parse, std::string("corrupt or truncated gzip body") + (z.msg != nullptr ? ": " : "") +
                                 (z.msg != nullptr ? z.msg : ""));
  }
  return out;
}

Result<Sitemap> parse_sitemap(std::string_view bytes, std::string_view base_url, std::string_view http_charset,
                              const config::LimitsConfig& limits, const SitemapRules& rules) {
  Sitemap out;
  feed_detail::DecodedText decoded = feed_detail::decode_feed_bytes(bytes, http_charset);
  out.parsed.encoding = decoded.encoding;
  std::string problem = std::move(decoded.problem);
  pugi::xml_document doc;
  std::string buffer;
  if (!load_document(decoded.text, doc, buffer, problem) || !doc.document_element()) {
    return fail(Errc::parse, "not a sitemap: " + (problem.empty() ? std::string("no root element") : problem));
  }
  const pugi::xml_node root = doc.document_element();
  const TimePoint now = rules.now.value_or(current_time());
  const Reading reading{base_url, limits, now, now - std::chrono::duration_cast<std::chrono::seconds>(rules.max_age)};
  const std::string_view name = local_name(root);
  if (name == "urlset") {
    out.kind = SourceKind::sitemap;
    read_urlset(root, reading, out);
  } else if (name == "sitemapindex") {
    out.kind = SourceKind::sitemap_index;
    read_index(root, reading, out);
  } else {
    return fail(Errc::parse, "not a sitemap: root element <" + std::string(root.name()) + ">");
  }
  out.parsed.bozo = !problem.empty();
  out.parsed.bozo_message = std::move(problem);
  return out;
}

std::vector<std::string> robots_sitemaps(std::string_view robots_txt, std::string_view robots_url) {
  constexpr std::size_t kMaxSitemaps = 100;
  std::vector<std::string> out;
  while (!robots_txt.empty() && out.size() < kMaxSitemaps) {
    const auto end = robots_txt.find_first_of("\r\n");
    std::string_view line = robots_txt.substr(0, end);
    robots_txt = end == std::string_view::npos ? std::string_view{} : robots_txt.substr(end + 1);
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || !ascii_iequals(trim(line.substr(0, colon)), "sitemap")) continue;
    const std::string ref = feed_detail::iri_to_uri(trim(line.substr(colon + 1)));
    if (ref.empty()) continue;
    auto url = resolve_url(robots_url, ref);
    if (!url || !is_fetchable_url(*url) || url->starts_with("file:")) continue;
    if (std::ranges::find(out, *url) == out.end()) out.push_back(std::move(*url));
  }
  return out;
}

}  // namespace newsd::parse
