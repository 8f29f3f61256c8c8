#pragma once
// gzip framing of bytes, as a `.xml.gz` file holds them (what `gzip -c`
// writes): for sitemap tests whose bodies are too big, or too date-bound,
// to commit compressed.
#include <zlib.h>

#include <string>
#include <string_view>

namespace newsd::testing {

inline std::string gzip(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace newsd::testing
