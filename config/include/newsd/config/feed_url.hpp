#pragma once
/// The one check of a feed URL written by the user: the config file, the
/// feeds file, `newsd feeds add` and `newsd feeds import` all go through it,
/// so `check-config` accepts exactly what the daemon polls.
#include <filesystem>
#include <string>
#include <string_view>

#include "newsd/base/error.hpp"

namespace newsd::config {

/// Validates `url` with libcurl's URL parser (CURLU) and returns the form
/// newsd keys the feed on.
///
/// Accepted: `http://` and `https://` URLs with a host (scheme in any case,
/// `HTTPS://x.org/` too; raw UTF-8 in the path is fine), returned as written
/// because the feeds table is keyed on that text; `file:` URLs —
/// `file:///abs`, `file:/abs`, `file://localhost/abs` and relative
/// `file:dir/a.rss` (resolved against `base_dir`) — returned as
/// `file:///abs/path`.
///
/// Rejected with Errc::invalid_argument and a message saying why: any other
/// scheme, no scheme, no host, whitespace or control characters anywhere,
/// a port that is not 1–65535, a `file:` URL naming another host, and
/// anything else libcurl cannot parse.
Result<std::string> check_feed_url(std::string_view url, const std::filesystem::path& base_dir);

}  // namespace newsd::config
