#pragma once
// URL pieces the scheduler keys on, and file:// reads. Internal.
#include <cstddef>
#include <string>

#include "newsd/base/error.hpp"
#include "newsd/fetch/fetcher.hpp"

namespace newsd::fetch::detail {

struct UrlParts {
  std::string url;             ///< the URL as sent: spaces and non-ASCII bytes percent-encoded, IDN host in punycode
  std::string scheme;          ///< lower-case: "http", "https", "file", …
  std::string host;            ///< lower-case host name (punycode) or IP literal
  std::string host_port;       ///< host:port, default port spelled out (politeness and pause key)
  std::string origin;          ///< scheme://host:port, default port spelled out (robots.txt and trust key)
  std::string path_and_query;  ///< "/a/b?c=d", as sent on the wire
};

/// Parses `url` with libcurl's URL API (any scheme, any case). Raw UTF-8
/// (Arabic paths and queries straight from a feed) is percent-encoded,
/// existing escapes are kept; a non-ASCII host is converted to punycode
/// with libidn2 (IDNA 2008, non-transitional), whatever the locale. Fails
/// with Errc::invalid_argument, permanent, when it is not a URL.
Result<UrlParts> split_url(const std::string& url);

/// Succeeds when the file: URL `url` names a path inside the directory of
/// the file: URL `feed_url` (both resolved with realpath, so `..` and
/// symlinks cannot leave it). Fails with Errc::refused, permanent,
/// otherwise, naming the URL and the directory.
Result<void> check_under_feed_directory(const std::string& url, const std::string& feed_url);

/// Reads a file:// URL: status 200 and the bytes. Opens without blocking
/// and refuses anything but a regular file (FIFO, device, directory,
/// socket) before reading a byte. Fails with Errc::not_found (no such
/// file), Errc::too_large (over `max_body_bytes`; permanent),
/// Errc::invalid_argument (malformed, or naming a host other than
/// localhost; permanent), Errc::refused (not a regular file; permanent),
/// Errc::io (unreadable).
Result<Response> read_file_url(const std::string& url, std::size_t max_body_bytes);

}  // namespace newsd::fetch::detail
