#pragma once
// Reading a fetched source document (feed, sitemap, sitemap index, section
// page) into entries: the one place the engine parses a source's body.
// Worker side: pure functions of the response and the rules, no I/O.
#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/config/config.hpp"
#include "newsd/fetch/fetcher.hpp"
#include "newsd/parse/feed.hpp"
#include "newsd/parse/sitemap.hpp"

namespace newsd::ingest {

/// How one source's documents are read; copied into the worker task, so a
/// reload on the coordinator thread never changes them under a worker.
struct SourceRules {
  config::SourceType type = config::SourceType::auto_detect;
  std::chrono::seconds max_age{std::chrono::hours{48}};
  config::LimitsConfig limits;
  std::size_t max_bytes = 8 * 1024 * 1024;  ///< a gzipped body is inflated at most this far (fetch.max_body_bytes)
  /// Section pages (type html or auto).
  std::string links;
  std::vector<std::string> exclude;
  std::string url_pattern;
};

/// The rules of a configured source under the config in force.
SourceRules source_rules(const config::FeedConfig& feed, const config::Config& cfg);

/// One source document, read.
struct SourceDocument {
  parse::SourceKind kind = parse::SourceKind::feed;
  parse::ParsedFeed parsed;                   ///< the entries (feed, sitemap, section page)
  std::vector<parse::SitemapChild> children;  ///< a sitemap index's children worth reading
  /// Links or children the document lists, recent or not: 0 for a sitemap
  /// or section page is the `no_links` failure.
  std::size_t listed = 0;
  /// Set when the body could not be read as its kind: a gzip body past
  /// max_bytes (Errc::too_large), a corrupt one or not a sitemap (Errc::parse).
  std::optional<Error> error;
};

/// Reads `response`'s body: gunzipped when it is a .gz file, its kind taken
/// from `rules.type` (sniffed for auto), then read by the feed parser, the
/// sitemap reader or the section-link finder.
SourceDocument read_source(const fetch::Response& response, const SourceRules& rules);

/// Reads one child of a sitemap index: it must be a `<urlset>` (an index
/// inside an index is not followed: Errc::parse).
SourceDocument read_sitemap_child(const fetch::Response& response, const SourceRules& rules);

}  // namespace newsd::ingest
