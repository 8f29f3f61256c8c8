#pragma once
/// URL handling on top of libcurl's URL API (CURLU): resolution of relative
/// references and canonicalisation for dedup.
#include <optional>
#include <string>
#include <string_view>

namespace newsd::parse {

/// Resolves `ref` against `base` (RFC 3986). Returns nullopt if the result
/// is not a valid absolute URL. An absolute `ref` is returned normalised.
std::optional<std::string> resolve_url(std::string_view base, std::string_view ref);

/// Canonical form used for dedup: lower-case scheme and host, no default
/// port, no fragment, tracking parameters removed (utm_*, fbclid, gclid,
/// mc_cid, mc_eid, …), remaining query parameters kept in order, trailing
/// slash of a non-root path removed. Returns the input unchanged if it is
/// not a parseable URL.
std::string canonicalize_url(std::string_view url);

/// Host part, lower-case, or empty.
std::string url_host(std::string_view url);

}  // namespace newsd::parse
