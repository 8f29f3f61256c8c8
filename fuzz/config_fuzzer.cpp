// Fuzzes the config loader: TOML parsing (toml++), typed reading, duration
// strings and validation. A config is written by the user, but a daemon that
// crashes on a typo cannot report it; every input must give a Config or an
// error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "newsd/config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)newsd::config::parse_config(text, "/etc/newsd/fuzz.toml");
  return 0;
}
