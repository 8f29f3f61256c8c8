#include "newsd/fetch/address_guard.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
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
      {0x64400000, 10},  // 100.64/10 carrier-grade NAT
      {0x7F000000, 8},   // 127/8 loopback
      {0xA9FE0000, 16},  // 169.254/16 link-local (cloud metadata lives here)
      {0xAC100000, 12},  // 172.16/12
      {0xC0A80000, 16},  // 192.168/16
      {0xE0000000, 4},   // 224/4 multicast
      {0xF0000000, 4},   // 240/4 reserved, broadcast
  }};
  for (const Block& block : kBlocks) {
    const std::uint32_t mask = ~std::uint32_t{0} << (32 - block.prefix);
    if ((host_order & mask) == block.network) return true;
  }
  return false;
}

bool is_private_ipv6(const in6_addr& addr) {
  const std::uint8_t* b = addr.s6_addr;
  static constexpr std::uint8_t kV4MappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
  if (std::memcmp(b, kV4MappedPrefix, 12) == 0) {
    // ::ffff:127.0.0.1 reaches the IPv4 loopback: judge the embedded address.
    const std::uint32_t v4 = (std::uint32_t{b[12]} << 24) | (std::uint32_t{b[13]} << 16) | (std::uint32_t{b[14]} << 8) |
                             std::uint32_t{b[15]};
    return is_private_ipv4(v4);
  }
  bool all_zero_but_last = true;
  for (int i = 0; i < 15; ++i) all_zero_but_last = all_zero_but_last && b[i] == 0;
  if (all_zero_but_last && (b[15] == 0 || b[15] == 1)) return true;  // :: and ::1
  if ((b[0] & 0xFE) == 0xFC) return true;                            // fc00::/7 unique local
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return true;            // fe80::/10 link-local
  if (b[0] == 0xFF) return true;                                     // ff00::/8 multicast
  return false;
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

}  // namespace newsd::fetch
