#pragma once
/// IP networks written as text ("10.0.0.0/8", "fd00::/8"): one parser, so
/// the config's validation and the fetcher's address guard never disagree
/// about what a network is.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace newsd {

/// An IPv4 or IPv6 network.
struct Network {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  ///< network address, first 4 bytes for IPv4
  int prefix = 0;                        ///< bits that must match
};

/// Parses "10.0.0.0/8", "fd00::/8" or a bare address (a /32 or /128);
/// nullopt if it is not one.
std::optional<Network> parse_network(std::string_view cidr);

}  // namespace newsd
