// Fuzzes robots.txt parsing and path matching: the input's first line is the
// path to test, the rest is the robots.txt body. Hostile wildcard patterns
// must neither crash nor blow up (libFuzzer's -timeout catches the latter).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "newsd/fetch/robots.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto newline = input.find('\n');
  const std::string_view path = newline == std::string_view::npos ? input : input.substr(0, newline);
  const std::string_view body = newline == std::string_view::npos ? std::string_view{} : input.substr(newline + 1);
  for (const std::string_view token : {"newsd", "newsd-test"}) {
    const auto rules = newsd::fetch::RobotsRules::parse(body, token);
    (void)rules.allowed(path);
    (void)rules.allowed("/");
  }
  (void)newsd::fetch::robots_product_token(path);
  return 0;
}
