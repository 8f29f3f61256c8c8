#include "newsd/parse/url.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>

#include "newsd/base/ascii.hpp"

namespace newsd::parse {
namespace {

struct UrlHandleDeleter {
  void operator()(CURLU* h) const { curl_url_cleanup(h); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlHandleDeleter>;

struct CurlStringDeleter {
  void operator()(char* s) const { curl_free(s); }
};

// Feeds link to every scheme under the sun and publishers leave raw spaces
// in paths; neither should make an otherwise usable URL unparseable.
constexpr unsigned kParseFlags = CURLU_NON_SUPPORT_SCHEME | CURLU_ALLOW_SPACE;

std::optional<std::string> get_part(CURLU* h, CURLUPart part, unsigned flags = 0) {
  char* raw = nullptr;
  if (curl_url_get(h, part, &raw, flags) != CURLUE_OK || raw == nullptr) return std::nullopt;
  std::unique_ptr<char, CurlStringDeleter> owned(raw);
  return std::string(raw);
}

// Parameters that only identify the campaign or the click, never the page.
bool is_tracking_parameter(std::string_view name) {
  static constexpr std::array<std::string_view, 22> kExact{
      "fbclid", "gclid",   "dclid",       "gbraid",     "wbraid",  "msclkid", "mc_cid", "mc_eid",
      "yclid",  "_ga",     "_gl",         "ref_src",    "ref_url", "igshid",  "twclid", "_hsenc",
      "_hsmi",  "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id", "wickedid"};
  const std::string lowered = ascii_lower(std::string(name));
  if (lowered.starts_with("utm_")) return true;
  return std::ranges::find(kExact, lowered) != kExact.end();
}

}  // namespace

bool has_scheme(std::string_view ref) {
  if (ref.empty() || !std::isalpha(static_cast<unsigned char>(ref[0]))) return false;
  for (std::size_t i = 1; i < ref.size(); ++i) {
    const char c = ref[i];
    if (c == ':') return true;
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  }
  return false;
}

bool is_fetchable_url(std::string_view url) {
  if (!has_scheme(url)) return false;
  const std::string scheme = ascii_lower(std::string(url.substr(0, url.find(':'))));
  return scheme == "http" || scheme == "https" || scheme == "file";
}

std::optional<std::string> resolve_url(std::string_view base, std::string_view ref) {
  UrlHandle h(curl_url());
  if (!h) return std::nullopt;
  const std::string ref_str(ref);
  if (has_scheme(ref)) {
    if (curl_url_set(h.get(), CURLUPART_URL, ref_str.c_str(), kParseFlags) != CURLUE_OK) {
      // Opaque URIs (mailto:, tag:, urn:) are absolute and final as written.
      return ref_str;
    }
    return get_part(h.get(), CURLUPART_URL);
  }
  if (base.empty()) return std::nullopt;
  if (curl_url_set(h.get(), CURLUPART_URL, std::string(base).c_str(), kParseFlags) != CURLUE_OK) return std::nullopt;
  // libcurl 7.88 drops the last path segment for a fragment-only reference;
  // RFC 3986 §5.2.2 keeps the whole base (path and query) and swaps the fragment.
  if (ref.empty() || ref.front() == '#') {
    const std::string fragment = ref.empty() ? std::string() : ref_str.substr(1);
    curl_url_set(h.get(), CURLUPART_FRAGMENT, fragment.empty() ? nullptr : fragment.c_str(), 0);
    return get_part(h.get(), CURLUPART_URL);
  }
  // With a base already set, CURLUPART_URL resolves the reference (RFC 3986 §5).
  if (curl_url_set(h.get(), CURLUPART_URL, ref_str.c_str(), kParseFlags) != CURLUE_OK) return std::nullopt;
  return get_part(h.get(), CURLUPART_URL);
}

std::string canonicalize_url(std::string_view url) {
  const std::string input(url);
  UrlHandle h(curl_url());
  if (!h || curl_url_set(h.get(), CURLUPART_URL, input.c_str(), kParseFlags) != CURLUE_OK) return input;

  if (auto host = get_part(h.get(), CURLUPART_HOST)) {
    curl_url_set(h.get(), CURLUPART_HOST, ascii_lower(*host).c_str(), 0);
  }
  // Credentials in a link are the publisher's leak, not part of the page's
  // identity: two links differing only in them are one story.
  curl_url_set(h.get(), CURLUPART_USER, nullptr, 0);
  curl_url_set(h.get(), CURLUPART_PASSWORD, nullptr, 0);
  curl_url_set(h.get(), CURLUPART_OPTIONS, nullptr, 0);
  curl_url_set(h.get(), CURLUPART_FRAGMENT, nullptr, 0);

  if (auto query = get_part(h.get(), CURLUPART_QUERY)) {
    std::string kept;
    std::size_t start = 0;
    while (start <= query->size()) {
      auto end = query->find('&', start);
      if (end == std::string::npos) end = query->size();
      const std::string_view param = std::string_view(*query).substr(start, end - start);
      const std::string_view name = param.substr(0, param.find('='));
      if (!param.empty() && !is_tracking_parameter(name)) {
        if (!kept.empty()) kept += '&';
        kept += param;
      }
      start = end + 1;
    }
    curl_url_set(h.get(), CURLUPART_QUERY, kept.empty() ? nullptr : kept.c_str(), 0);
  }

  if (auto path = get_part(h.get(), CURLUPART_PATH)) {
    std::string p = *path;
    while (p.size() > 1 && p.back() == '/') p.pop_back();
    if (p != *path) curl_url_set(h.get(), CURLUPART_PATH, p.c_str(), 0);
  }

  // CURLU_NO_DEFAULT_PORT drops ":80" on http and ":443" on https.
  return get_part(h.get(), CURLUPART_URL, CURLU_NO_DEFAULT_PORT).value_or(input);
}

std::string url_host(std::string_view url) {
  UrlHandle h(curl_url());
  if (!h || curl_url_set(h.get(), CURLUPART_URL, std::string(url).c_str(), kParseFlags) != CURLUE_OK) return {};
  return ascii_lower(get_part(h.get(), CURLUPART_HOST).value_or(""));
}

}  // namespace newsd::parse
