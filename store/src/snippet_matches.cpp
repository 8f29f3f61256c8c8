#include "snippet_matches.hpp"

namespace newsd::store {

std::vector<std::pair<int, int>> snippet_matches(std::string_view marked, std::string_view plain) {
  std::vector<std::pair<int, int>> matches;
  std::size_t m = 0, p = 0;
  int chars = 0;  // code points of `plain` before p
  int open_at = -1;
  while (m < marked.size()) {
    if (p < plain.size() && marked[m] == plain[p]) {
      // UTF-8 continuation bytes do not start a code point.
      if ((static_cast<unsigned char>(plain[p]) & 0xC0) != 0x80) ++chars;
      ++m;
      ++p;
    } else if (marked.substr(m, kMatchOpen.size()) == kMatchOpen && open_at < 0) {
      open_at = chars;
      m += kMatchOpen.size();
    } else if (marked.substr(m, kMatchClose.size()) == kMatchClose && open_at >= 0) {
      if (chars > open_at) matches.emplace_back(open_at, chars - open_at);
      open_at = -1;
      m += kMatchClose.size();
    } else {
      break;
    }
  }
  return matches;
}

}  // namespace newsd::store
