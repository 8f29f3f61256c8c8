#include "newsd/fetch/address_guard.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <string>

namespace newsd::fetch {
namespace {

bool is_private_ipv4(std::uint32_t host_order) {
  struct Block {
    std::uint32_t network;
    int prefix;
  };
  static constexpr std::array<Block, 9> kBlocks{{
      {0x00000000, 8},   // 0.0.0.0/8 "this network"
      {0x0A000000, 8},   // 10/8
      {0x64400000, 10},  // 100.64/10 carrier-grade NAT (Alibaba's metadata 100.100.100.200 too)
      {0x7F000000, 8},   // 127/8 loopback
      {0xA83F8110, 32},  // 168.63.129.16 Azure host service (wireserver, metadata relay)
      {0xA9FE0000, 16},  // 169.254/16 link-local (cloud metadata lives here)
      {0xAC100000, 12},  // 172.16/12
      {0xC0A80000, 16},  // 192.168/16
      {0xE0000000, 3},   // 224/4 multicast and 240/4 reserved, broadcast
  }};
  for (const Block& block : kBlocks) {
    const std::uint32_t mask = ~std::uint32_t{0} << (32 - block.prefix);
    if ((host_order & mask) == block.network) return true;
  }
  return false;
}

std::uint32_t embedded_ipv4(const std::uint8_t* b) {
  return (std::uint32_t{b[12]} << 24) | (std::uint32_t{b[13]} << 16) | (std::uint32_t{b[14]} << 8) |
         std::uint32_t{b[15]};
}

bool is_v4_mapped(const std::uint8_t* b) {
  static constexpr std::uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  return std::memcmp(b, kPrefix, 12) == 0;
}

bool is_private_ipv6(const in6_addr& addr) {
  const std::uint8_t* b = addr.s6_addr;
  static constexpr std::uint8_t kV4Compatible[12] = {};
  static constexpr std::uint8_t kNat64[12] = {0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
  // These forms reach (or, via a NAT64 gateway, are translated to) the
  // embedded IPv4 address: judge that. ::/96 covers :: and ::1 as 0.0.0.0/8.
  if (is_v4_mapped(b) || std::memcmp(b, kV4Compatible, 12) == 0 || std::memcmp(b, kNat64, 12) == 0) {
    return is_private_ipv4(embedded_ipv4(b));
  }
  if ((b[0] & 0xFE) == 0xFC) return true;                  // fc00::/7 unique local
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return true;  // fe80::/10 link-local
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return true;  // fec0::/10 site-local (deprecated, still routable)
  if (b[0] == 0xFF) return true;                           // ff00::/8 multicast
  return false;
}

bool prefix_matches(const std::uint8_t* a, const std::uint8_t* b, int prefix) {
  const int whole = prefix / 8;
  if (std::memcmp(a, b, static_cast<std::size_t>(whole)) != 0) return false;
  const int rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
  return (a[whole] & mask) == (b[whole] & mask);
}

}  // namespace

bool is_private_address(const sockaddr* address) {
  if (address == nullptr) return true;
  if (address->sa_family == AF_INET) {
    sockaddr_in v4{};
    std::memcpy(&v4, address, sizeof v4);
    return is_private_ipv4(ntohl(v4.sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, address, sizeof v6);
    return is_private_ipv6(v6.sin6_addr);
  }
  return true;
}

bool is_private_address(std::string_view ip) {
  const std::string text(ip);
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) return is_private_ipv4(ntohl(v4.s_addr));
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) return is_private_ipv6(v6);
  return false;
}

bool network_contains(const Network& network, const sockaddr* address) {
  if (address == nullptr) return false;
  if (address->sa_family == AF_INET) {
    if (network.v6) return false;
    sockaddr_in v4{};
    std::memcpy(&v4, address, sizeof v4);
    std::uint8_t bytes[4];
    std::memcpy(bytes, &v4.sin_addr.s_addr, 4);  // network byte order, as parse_network stores it
    return prefix_matches(bytes, network.bytes.data(), network.prefix);
  }
  if (address->sa_family == AF_INET6) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, address, sizeof v6);
    const std::uint8_t* b = v6.sin6_addr.s6_addr;
    if (!network.v6) return is_v4_mapped(b) && prefix_matches(b + 12, network.bytes.data(), network.prefix);
    return prefix_matches(b, network.bytes.data(), network.prefix);
  }
  return false;
}

}  // namespace newsd::fetch
