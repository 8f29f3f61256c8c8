#pragma once
/// Sitemaps as news sources (sitemaps.org 0.9 and the Google News
/// extension), and telling a fetched document's kind from its bytes.
///
/// A sitemap becomes the same `ParsedFeed` a feed does: one entry per
/// `<url>` (link and id = `<loc>`, title = `news:title`, published =
/// `news:publication_date`, updated = `<lastmod>`, categories =
/// `news:keywords` split at commas, language = `news:language` of the first
/// entry that has one), so the rest of the pipeline does not know which kind
/// of source an entry came from.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/config/config.hpp"
#include "newsd/parse/feed.hpp"

namespace newsd::parse {

/// What a fetched document is, judged from its bytes.
enum class SourceKind {
  feed,           ///< RSS, RDF, Atom or JSON Feed (or anything the feed parser must judge)
  sitemap,        ///< `<urlset>`
  sitemap_index,  ///< `<sitemapindex>`
  html,           ///< an HTML page
};

/// Stable lower-case name: "feed", "sitemap", "sitemapindex", "html".
std::string_view to_string(SourceKind kind) noexcept;

/// The kind of `bytes` (already gunzipped): a JSON object is a feed; for
/// markup, the first element's local name decides (`urlset`, `sitemapindex`,
/// `html` or an HTML doctype; `rss`, `feed`, `RDF`, `channel` are feeds).
/// Anything else is html when `content_type` says text/html or
/// application/xhtml+xml, else a feed (the feed parser then reports what is
/// wrong with it). Only the first 64 KiB are looked at.
SourceKind sniff_source(std::string_view bytes, std::string_view content_type = {});

/// True when `bytes` start with the gzip magic (1f 8b): a `.xml.gz` file
/// served as is (libcurl already undoes a gzip Content-Encoding).
bool is_gzip(std::string_view bytes) noexcept;

/// The gunzipped bytes (several concatenated members are read as one), or
/// Errc::too_large once the output would pass `max_bytes` (a gzip bomb is
/// stopped there, not inflated whole), Errc::parse for a corrupt or
/// truncated stream.
Result<std::string> gunzip(std::string_view bytes, std::size_t max_bytes);

/// One child of a `<sitemapindex>`.
struct SitemapChild {
  std::string url;  ///< `<loc>`, resolved against the index's URL
  std::optional<TimePoint> lastmod;
};

/// How a sitemap is read.
struct SitemapRules {
  /// Entries dated (publication_date, else lastmod) before `now - max_age`
  /// are not taken, nor are undated ones: a site-wide sitemap lists years
  /// of pages, and only what is new is news.
  std::chrono::seconds max_age{std::chrono::hours{48}};
  std::optional<TimePoint> now;  ///< the system clock when nullopt
};

struct Sitemap {
  SourceKind kind = SourceKind::sitemap;  ///< sitemap or sitemap_index
  /// For a `<urlset>`: the recent entries (at most limits.entries_per_feed,
  /// in document order; the rest counted in entries_dropped), bozo as the
  /// feed parser sets it. For an index: no entries.
  ParsedFeed parsed;
  /// For an index: the children worth reading, most recent first: those
  /// with a lastmod within max_age, then those without a lastmod whose file
  /// name says news (`news` in the last path segment). A child with an old
  /// lastmod is not listed. At most limits.entries_per_feed.
  std::vector<SitemapChild> children;
  std::size_t too_old = 0;  ///< entries or children left out by date (undated entries included)
};

/// Reads a `<urlset>` or `<sitemapindex>` document (not gzipped: see
/// gunzip). `base_url` resolves relative `<loc>`s; `http_charset` as for
/// parse_feed. Elements are matched by local name (`news:title`,
/// `n:title` and an undeclared prefix alike); `<loc>`s that are not http(s)
/// after resolution are skipped. Hostile input is contained as parse_feed
/// contains it: the same byte decoding and XML repair (no DTD, no entity
/// expansion: an entity bomb is literal text), libxml2 recovery for broken
/// markup (bozo), values cut to limits.title_chars. Errc::parse when the
/// root element is neither `urlset` nor `sitemapindex`.
Result<Sitemap> parse_sitemap(std::string_view bytes, std::string_view base_url, std::string_view http_charset,
                              const config::LimitsConfig& limits, const SitemapRules& rules = {});

/// The sitemap URLs a robots.txt names (`Sitemap: URL` lines, the field
/// name in any case, anywhere in the file, outside any user-agent group),
/// resolved against `robots_url`, http(s) only, each once, in file order; at
/// most 100 (a robots.txt listing thousands is not a list to probe).
std::vector<std::string> robots_sitemaps(std::string_view robots_txt, std::string_view robots_url);

}  // namespace newsd::parse
