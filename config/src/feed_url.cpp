#include "newsd/config/feed_url.hpp"

#include <curl/curl.h>

#include <memory>

#include "newsd/base/ascii.hpp"

namespace newsd::config {
namespace {

namespace fs = std::filesystem;

struct UrlDeleter {
  void operator()(CURLU* h) const { curl_url_cleanup(h); }
};
struct CurlFree {
  void operator()(char* s) const { curl_free(s); }
};

std::string part(CURLU* h, CURLUPart which) {
  char* raw = nullptr;
  if (curl_url_get(h, which, &raw, 0) != CURLUE_OK || raw == nullptr) return {};
  const std::unique_ptr<char, CurlFree> owned(raw);
  return raw;
}

std::unexpected<Error> bad(std::string_view url, std::string_view why) {
  return fail_permanently(Errc::invalid_argument, "'" + std::string(url) + "' is not a feed URL: " + std::string(why));
}

}  // namespace

Result<std::string> check_feed_url(std::string_view url, const fs::path& base_dir) {
  // Whitespace is checked before libcurl sees the URL: a space usually means
  // two URLs or a pasted sentence, and "malformed input" would not say so.
  for (const char c : url) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) return bad(url, "it contains a space or a control character");
  }
  const auto colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return bad(url, "it has no scheme (http://, https:// or file:)");
  const std::string scheme = ascii_lower(std::string(url.substr(0, colon)));
  if (scheme != "http" && scheme != "https" && scheme != "file") {
    return bad(url, "scheme '" + scheme + "' is not supported (http, https or file)");
  }

  // libcurl is lenient with slashes ("http:/x", "http:///x" become host x);
  // a URL written by a person with a slash too many or too few is a typo.
  if (scheme != "file") {
    const std::string_view rest = url.substr(colon + 1);
    if (!rest.starts_with("//") || rest.starts_with("///"))
      return bad(url, "it has no host (expected " + scheme + "://host/…)");
  }

  std::string text(url);
  if (scheme == "file") {
    const std::string rest = text.substr(colon + 1);
    // RFC 8089 allows "file:/abs"; newsd also takes "file:rel/a.rss" relative
    // to the config file, so a checkout works from any directory.
    if (!rest.starts_with("/")) {
      fs::path p = base_dir / rest;
      text = "file://" + p.lexically_normal().string();
    } else if (!rest.starts_with("//")) {
      text = "file://" + rest;
    }
  }

  const std::unique_ptr<CURLU, UrlDeleter> h(curl_url());
  if (!h) return fail(Errc::internal, "libcurl could not allocate a URL handle");
  // URLENCODE: raw UTF-8 in a path (Arabic sites) is valid input, the
  // fetcher percent-encodes it the same way.
  if (const CURLUcode rc = curl_url_set(h.get(), CURLUPART_URL, text.c_str(), CURLU_URLENCODE); rc != CURLUE_OK) {
    return bad(url, rc == CURLUE_NO_HOST ? "it has no host" : curl_url_strerror(rc));
  }
  if (scheme == "file") return "file://" + part(h.get(), CURLUPART_PATH);

  if (part(h.get(), CURLUPART_HOST).empty()) return bad(url, "it has no host");
  // libcurl takes port 0, which no server listens on.
  if (const std::string port = part(h.get(), CURLUPART_PORT); port == "0") return bad(url, "port 0 is not a port");
  return std::string(url);
}

}  // namespace newsd::config
