#include "newsd/parse/feed.hpp"

#include <exception>

#include "feed_internal.hpp"
#include "newsd/base/log.hpp"

namespace newsd::parse {

ParsedFeed parse_feed(std::string_view bytes, std::string_view base_url, std::string_view http_charset) {
  ParsedFeed out;
  auto unreadable = [&](std::string message) {
    ParsedFeed failed;
    failed.bozo = true;
    failed.bozo_message = std::move(message);
    failed.encoding = out.encoding;
    return failed;
  };
  try {
    feed_detail::DecodedText decoded = feed_detail::decode_feed_bytes(bytes, http_charset);
    out.encoding = decoded.encoding;
    std::string problem = std::move(decoded.problem);
    const auto first = decoded.text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return unreadable("empty document");

    if (decoded.text[first] == '{') {
      if (!feed_detail::read_json_feed(decoded.text, base_url, out)) return unreadable("invalid JSON");
    } else if (!feed_detail::read_xml_feed(decoded.text, base_url, out, problem)) {
      return unreadable(problem.empty() ? "no feed found" : problem);
    }
    out.bozo = !problem.empty();
    out.bozo_message = std::move(problem);
    return out;
  } catch (const std::exception& e) {
    // Only resource exhaustion gets here (the readers do not throw on input);
    // the contract is "never throws", so report it as an unreadable document.
    log::warn("feed.parse_failed", {{"url", base_url}, {"error", e.what()}});
    return unreadable(std::string("parser failure: ") + e.what());
  }
}

}  // namespace newsd::parse
