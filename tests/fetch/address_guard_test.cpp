#include "newsd/fetch/address_guard.hpp"

#include <gtest/gtest.h>

namespace newsd::fetch {
namespace {

TEST(AddressGuard, PrivateAndSpecialRangesAreRefused) {
  for (const char* ip : {"127.0.0.1", "127.255.0.9", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.255",
                         "192.168.1.1", "169.254.169.254", "100.64.0.1", "224.0.0.1", "255.255.255.255", "::1", "::",
                         "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1"}) {
    EXPECT_TRUE(is_private_address(ip)) << ip;
  }
}

TEST(AddressGuard, PublicAddressesPass) {
  for (const char* ip : {"8.8.8.8", "172.32.0.1", "172.15.255.255", "192.169.0.1", "100.128.0.1", "1.1.1.1",
                         "2001:4860:4860::8888", "2a00:1450::1", "::ffff:8.8.8.8"}) {
    EXPECT_FALSE(is_private_address(ip)) << ip;
  }
}

TEST(AddressGuard, NonLiteralsAreNotAddresses) {
  EXPECT_FALSE(is_private_address("localhost"));
  EXPECT_FALSE(is_private_address(""));
  EXPECT_FALSE(is_private_address("10.0.0"));
}

}  // namespace
}  // namespace newsd::fetch
