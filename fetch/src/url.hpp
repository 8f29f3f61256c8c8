#pragma once
// URL pieces the scheduler keys on, and file:// reads. Internal.
#include <cstddef>
#include <string>

#include "newsd/base/error.hpp"
#include "newsd/fetch/fetcher.hpp"

namespace newsd::fetch::detail {

struct UrlParts {
  std::string url;             ///< the URL as sent: spaces and non-ASCII bytes percent-encoded
  std::string scheme;          ///< lower-case: "http", "https", "file", …
  std::string host;            ///< lower-case host name or IP literal (politeness key)
  std::string origin;          ///< scheme://host:port (robots.txt key)
  std::string path_and_query;  ///< "/a/b?c=d", as sent on the wire
};

/// Parses `url` with libcurl's URL API (any scheme). Raw UTF-8 (Arabic
/// paths and queries straight from a feed) is percent-encoded, existing
/// escapes are kept. Fails with Errc::invalid_argument when it is not a URL.
Result<UrlParts> split_url(const std::string& url);

/// Reads a file:// URL: status 200 and the bytes. Fails with
/// Errc::not_found (no such file), Errc::too_large (over `max_body_bytes`,
/// checked before reading), Errc::invalid_argument (malformed, or naming a
/// host other than localhost), Errc::io (unreadable, a directory).
Result<Response> read_file_url(const std::string& url, std::size_t max_body_bytes);

}  // namespace newsd::fetch::detail
