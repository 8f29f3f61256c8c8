#pragma once
/// URL handling on top of libcurl's URL API (CURLU): resolution of relative
/// references and canonicalisation for dedup. Schemes and hosts compare
/// case-insensitively (`HTTP://X.org` is as good as `http://x.org`): every
/// URL returned here has a lower-case scheme, and `canonicalize_url` and
/// `url_host` lower-case the host too.
#include <optional>
#include <string>
#include <string_view>

namespace newsd::parse {

/// Resolves `ref` against `base` (RFC 3986). Returns nullopt if the result
/// is not a valid absolute URL. An absolute `ref` is returned normalised
/// (scheme lower-cased, dot segments removed, empty path becomes "/");
/// an absolute `ref` with a scheme curl cannot parse as hierarchical
/// (`mailto:`, `tag:`, `urn:`) is returned unchanged.
std::optional<std::string> resolve_url(std::string_view base, std::string_view ref);

/// True if `ref` starts with an RFC 3986 scheme (`[A-Za-z][A-Za-z0-9+.-]*:`),
/// i.e. it is not a relative reference.
bool has_scheme(std::string_view ref);

/// True if `url` is absolute with a scheme newsd fetches: http, https or
/// file, in any case ("HTTP://x" too).
bool is_fetchable_url(std::string_view url);

/// Canonical form used for dedup and storage: lower-case scheme and host,
/// no userinfo (`user:pass@` never reaches the database), no default
/// port, no fragment, tracking parameters removed (utm_*, fbclid, gclid,
/// dclid, msclkid, mc_cid, mc_eid, yclid, _ga, _gl, ref_src, igshid, …),
/// remaining query parameters kept in order, empty query dropped, trailing
/// slash of a non-root path removed. Returns the input unchanged if it is
/// not a parseable absolute URL.
std::string canonicalize_url(std::string_view url);

/// Host part, lower-case, or empty.
std::string url_host(std::string_view url);

}  // namespace newsd::parse
