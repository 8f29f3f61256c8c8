#pragma once
/// OPML 2.0 subscription lists (`newsd feeds import` / `export`). An OPML
/// file comes from elsewhere (another reader, a colleague): untrusted input.
#include <string>
#include <string_view>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/config/config.hpp"

namespace newsd::cli::opml {

/// Larger documents are refused before parsing.
inline constexpr std::size_t kMaxBytes = 16 * 1024 * 1024;
/// At most this many feeds are read; the rest are reported as skipped.
inline constexpr std::size_t kMaxFeeds = 10'000;
/// Outlines nested deeper are not read (reported as skipped).
inline constexpr int kMaxDepth = 32;

/// One feed outline as found: `url` is `xmlUrl` verbatim (not yet checked).
struct Outline {
  std::string url;
  std::string name;               ///< `title`, else `text` unless it only repeats the URL
  std::string site_url;           ///< `htmlUrl`
  std::vector<std::string> tags;  ///< `category` entries (comma-separated, `/a/b` paths split) and the
                                  ///< titles of the outlines it is nested in, in that order, no duplicates
};

struct Document {
  std::vector<Outline> feeds;        ///< outlines with an `xmlUrl`, document order
  std::vector<std::string> skipped;  ///< why parts were not read (too deep, too many), for the user
};

/// Parses an OPML document (1.0 or 2.0). Refused (Errc::parse): not XML,
/// root not `<opml>`, no `<body>`, a DOCTYPE (no entity of any kind is
/// expanded beyond XML's five and character references), over kMaxBytes
/// (Errc::too_large).
Result<Document> read(std::string_view bytes);

/// An OPML 2.0 document listing `feeds`, flat: one `<outline type="rss">`
/// each with `text` (name, else URL), `title` (name, when set), `xmlUrl`,
/// `htmlUrl` (site_url, when set) and `category` (tags joined by commas;
/// tags containing ',' or '/' are written as they are and read back split).
/// `read` of the result gives back each feed's url, name, site_url and tags.
std::string write(const std::vector<config::FeedConfig>& feeds, std::string_view title);

}  // namespace newsd::cli::opml
