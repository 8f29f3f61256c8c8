#include "newsd/fetch/address_guard.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace newsd::fetch {
namespace {

TEST(AddressGuard, PrivateAndSpecialRangesAreRefused) {
  for (const char* ip : {"127.0.0.1",
                         "127.255.0.9",
                         "0.0.0.0",
                         "10.1.2.3",
                         "172.16.0.1",
                         "172.31.255.255",
                         "192.168.1.1",
                         "169.254.169.254",
                         "100.64.0.1",
                         "224.0.0.1",
                         "255.255.255.255",
                         "::1",
                         "::",
                         "fe80::1",
                         "fc00::1",
                         "fd12:3456::1",
                         "ff02::1",
                         "::ffff:127.0.0.1",
                         "::ffff:10.0.0.1",
                         "fd00:ec2::254",
                         "168.63.129.16",
                         "100.100.100.200",
                         "::127.0.0.1",
                         "64:ff9b::a9fe:a9fe",
                         "fec0::1",
                         "240.0.0.1"}) {
    EXPECT_TRUE(is_private_address(ip)) << ip;
  }
}

TEST(AddressGuard, PublicAddressesPass) {
  for (const char* ip :
       {"8.8.8.8", "172.32.0.1", "172.15.255.255", "192.169.0.1", "100.128.0.1", "1.1.1.1", "2001:4860:4860::8888",
        "2a00:1450::1", "::ffff:8.8.8.8", "64:ff9b::808:808", "168.63.129.17"}) {
    EXPECT_FALSE(is_private_address(ip)) << ip;
  }
}

TEST(AddressGuard, NonLiteralsAreNotAddresses) {
  EXPECT_FALSE(is_private_address("localhost"));
  EXPECT_FALSE(is_private_address(""));
  EXPECT_FALSE(is_private_address("10.0.0"));
}

sockaddr_storage address_of(const char* ip) {
  sockaddr_storage out{};
  if (auto* v4 = reinterpret_cast<sockaddr_in*>(&out); inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
  } else if (auto* v6 = reinterpret_cast<sockaddr_in6*>(&out); inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
  }
  return out;
}

bool contains(const char* cidr, const char* ip) {
  const auto net = parse_network(cidr);
  const auto address = address_of(ip);
  return net && network_contains(*net, reinterpret_cast<const sockaddr*>(&address));
}

TEST(AddressGuard, NetworksContainTheirAddresses) {
  EXPECT_TRUE(contains("127.0.0.0/8", "127.0.0.2"));
  EXPECT_TRUE(contains("127.0.0.0/8", "::ffff:127.0.0.1"));  // v4-mapped is judged as IPv4
  EXPECT_FALSE(contains("127.0.0.0/8", "10.0.0.1"));
  EXPECT_TRUE(contains("10.20.0.0/16", "10.20.255.1"));
  EXPECT_FALSE(contains("10.20.0.0/16", "10.21.0.1"));
  EXPECT_TRUE(contains("172.16.0.0/12", "172.31.0.1"));
  EXPECT_FALSE(contains("172.16.0.0/12", "172.32.0.1"));
  EXPECT_TRUE(contains("192.0.2.7", "192.0.2.7"));  // a bare address is a /32
  EXPECT_FALSE(contains("192.0.2.7", "192.0.2.8"));
  EXPECT_TRUE(contains("fd00::/8", "fd12::1"));
  EXPECT_FALSE(contains("fd00::/8", "fc00::1"));
  EXPECT_FALSE(contains("fd00::/8", "10.0.0.1"));
  EXPECT_TRUE(contains("0.0.0.0/0", "8.8.8.8"));
}

TEST(AddressGuard, MalformedNetworksAreRejected) {
  for (const char* bad : {"10.0.0.0/33", "::1/129", "intranet", "10.0.0.0/", "10.0.0.0/8x", "10.0.0.0/-1", ""}) {
    EXPECT_FALSE(parse_network(bad)) << bad;
  }
}

}  // namespace
}  // namespace newsd::fetch
