// Feeds arrive from the open internet: whatever the bytes, parse_feed must
// not crash, and its JSON must always be valid JSON.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>

#include "newsd/parse/dates.hpp"
#include "newsd/parse/feed.hpp"
#include "newsd/parse/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // The last byte picks an HTTP charset so the label-handling paths are reached too.
  // koi8-t is glibc iconv's (ICU has none); ibm875 is EBCDIC.
  static constexpr std::string_view kCharsets[] = {"",       "",       "",       "utf-8",    "windows-1256",
                                                   "utf-16", "koi8-r", "koi8-t", "macgreek", "ibm875"};
  const std::string_view charset = size ? kCharsets[data[size - 1] % std::size(kCharsets)] : "";
  const auto parsed = newsd::parse::parse_feed(bytes, "http://example.com/feeds/world/", charset);
  const auto json = nlohmann::json::parse(newsd::parse::to_json(parsed), nullptr, false);
  if (json.is_discarded()) __builtin_trap();

  if (size < 256) {
    if (auto t = newsd::parse::parse_date(bytes)) (void)newsd::parse::format_iso8601(*t);
    (void)newsd::parse::canonicalize_url(bytes);
    (void)newsd::parse::resolve_url("http://example.com/a/b?c#d", bytes);
  }
  return 0;
}
