#pragma once
/// What kind of failure a poll or page fetch ended in, as data: stored per
/// feed with its time and count and shown by `newsd feeds`.
///
/// classify_http() decides the HTTP-level classes from plain values of one
/// response. The network-level classes (dns, connect, tls, timeout) and
/// too_large, robots and parse come from the fetch and parse errors.
#include <cstddef>
#include <optional>
#include <string_view>

namespace newsd::fetch {

enum class FailureClass {
  none,           ///< no failure
  dns,            ///< the host name did not resolve
  connect,        ///< no connection (refused, unreachable, reset)
  tls,            ///< TLS handshake or certificate failure
  timeout,        ///< the transfer ran past its deadline
  http_4xx,       ///< a 4xx status other than 429
  http_5xx,       ///< a 5xx status, except 503 with Retry-After
  rate_limited,   ///< 429, or 503 with Retry-After
  too_large,      ///< the body exceeded the size limit
  bot_challenge,  ///< a Cloudflare-style "Just a moment..." / JavaScript challenge instead of content
  robots,         ///< refused by robots.txt
  not_a_feed,     ///< HTML, an empty body, or something else where a feed was expected
  parse,          ///< the body claims to be a feed but cannot be read as one
  refused,        ///< refused by newsd's own trust rules (address guard, file: confinement, scheme)
  no_links,       ///< a sitemap or section page that was read but yielded no article link
};

/// Stable lower-case name, as stored in the database: "none", "dns",
/// "connect", "tls", "timeout", "http_4xx", "http_5xx", "rate_limited",
/// "too_large", "bot_challenge", "robots", "not_a_feed", "parse", "refused",
/// "no_links".
std::string_view to_string(FailureClass c) noexcept;
/// Inverse of to_string(FailureClass); nullopt for any other text.
std::optional<FailureClass> parse_failure_class(std::string_view text) noexcept;

/// How many leading body bytes classify_http() looks at; pass at least this
/// many when the body is that long (challenge markers sit in the first few KiB).
inline constexpr std::size_t kClassifySniffBytes = 16 * 1024;

/// One HTTP answer, reduced to what classification needs. Header values are
/// as received (case of names and values does not matter); empty = absent.
struct HttpAnswer {
  int status = 0;
  std::string_view content_type;  ///< Content-Type
  std::string_view server;        ///< Server
  std::string_view cf_mitigated;  ///< cf-mitigated
  bool has_retry_after = false;   ///< a valid Retry-After came with it
  std::string_view body;          ///< the body, or its first kClassifySniffBytes or more
  bool expect_feed = true;        ///< a feed was requested (false = an article page)
};

/// The class of one HTTP answer, first rule that matches:
///  - 304 → none;
///  - a 2xx body that sniffs as a feed (XML whose root is rss, feed or
///    *:RDF; or JSON) → none, whatever it mentions;
///  - a challenge → bot_challenge: `cf-mitigated: challenge`; or an HTML body
///    with a challenge marker (`<title>Just a moment...`, `cf-chl`,
///    `challenge-platform`, `_cf_chl_opt`); or a 403/503 from
///    `Server: cloudflare` whose body says "Just a moment", "Checking your
///    browser", "Attention Required" or `cf-browser-verification`;
///  - 429, or 503 with Retry-After → rate_limited;
///  - other 4xx → http_4xx; other 5xx → http_5xx;
///  - any other status outside 2xx (1xx, a 3xx left unfollowed) → not_a_feed;
///  - when a feed was expected, a 2xx with an empty (blank) body or an HTML
///    body (sniffed, or Content-Type text/html / application/xhtml+xml) →
///    not_a_feed;
///  - otherwise none: a body the parser must judge (its failure is `parse`).
FailureClass classify_http(const HttpAnswer& answer) noexcept;

}  // namespace newsd::fetch
