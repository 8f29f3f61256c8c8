#pragma once
/// Which peer addresses an untrusted URL may not reach (SSRF guard: content
/// written by strangers must not make newsd talk to the local machine, the
/// LAN or a cloud metadata service). The fetcher applies it to the address
/// it actually connects to, after DNS, on every hop of an untrusted URL; see
/// fetcher.hpp for which URLs are untrusted.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "newsd/base/network.hpp"

struct sockaddr;

namespace newsd::fetch {

/// True for loopback (127/8, ::1), unspecified (0/8, ::), RFC 1918
/// (10/8, 172.16/12, 192.168/16), shared address space (100.64/10),
/// link-local (169.254/16 with the 169.254.169.254 metadata service,
/// fe80::/10), the Azure host service 168.63.129.16, multicast and reserved
/// (224/3), IPv6 unique-local (fc00::/7, with AWS's fd00:ec2::254),
/// site-local (fec0::/10) and multicast (ff00::/8) addresses, and for IPv6
/// forms that embed an IPv4 address (v4-mapped ::ffff:a.b.c.d, v4-compatible
/// ::a.b.c.d, NAT64 64:ff9b::a.b.c.d) when the embedded address is one of
/// these. False for other AF_INET/AF_INET6 addresses; true for any other
/// family (e.g. AF_UNIX), which the fetcher never needs.
bool is_private_address(const sockaddr* address);

/// Same for a textual IPv4 or IPv6 address; false if `ip` is not an IP literal.
bool is_private_address(std::string_view ip);

/// `FetchConfig::allow_networks` entries are parsed by newsd::parse_network
/// (base), the same parser the config validates them with.
using newsd::Network;
using newsd::parse_network;

/// True if `address` (AF_INET or AF_INET6) lies in `network`. A v4-mapped
/// IPv6 address (::ffff:10.0.0.1) is judged as its IPv4 address.
bool network_contains(const Network& network, const sockaddr* address);

}  // namespace newsd::fetch
