#pragma once
/// Which peer addresses the fetcher refuses when
/// `FetchConfig::allow_private_addresses` is false (SSRF guard: a feed or a
/// redirect must not make newsd talk to the local machine or the LAN).
#include <string_view>

struct sockaddr;

namespace newsd::fetch {

/// True for loopback (127/8, ::1), unspecified (0/8, ::), RFC 1918
/// (10/8, 172.16/12, 192.168/16), shared address space (100.64/10),
/// link-local (169.254/16, fe80::/10), IPv6 unique-local (fc00::/7) and
/// multicast addresses, including IPv4-mapped IPv6 forms (::ffff:10.0.0.1).
/// False for other AF_INET/AF_INET6 addresses; true for any other family
/// (e.g. AF_UNIX), which the fetcher never needs.
bool is_private_address(const sockaddr* address);

/// Same for a textual IPv4 or IPv6 address; false if `ip` is not an IP literal.
bool is_private_address(std::string_view ip);

}  // namespace newsd::fetch
