#include "newsd/base/network.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <string>

namespace newsd {

std::optional<Network> parse_network(std::string_view cidr) {
  const auto slash = cidr.find('/');
  const std::string address(cidr.substr(0, slash));
  Network net;
  int max_prefix = 32;
  if (inet_pton(AF_INET, address.c_str(), net.bytes.data()) != 1) {
    if (inet_pton(AF_INET6, address.c_str(), net.bytes.data()) != 1) return std::nullopt;
    net.v6 = true;
    max_prefix = 128;
  }
  net.prefix = max_prefix;
  if (slash != std::string_view::npos) {
    const std::string_view bits = cidr.substr(slash + 1);
    const auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), net.prefix);
    if (bits.empty() || ec != std::errc{} || end != bits.data() + bits.size() || net.prefix < 0 ||
        net.prefix > max_prefix) {
      return std::nullopt;
    }
  }
  return net;
}

}  // namespace newsd
