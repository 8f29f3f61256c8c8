#include "newsd/fetch/failure_class.hpp"

#include <algorithm>
#include <array>

namespace newsd::fetch {
namespace {

constexpr std::array<std::string_view, 15> kNames = {
    "none",      "dns",           "connect", "tls",        "timeout", "http_4xx", "http_5xx", "rate_limited",
    "too_large", "bot_challenge", "robots",  "not_a_feed", "parse",   "refused",  "no_links",
};

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool icontains(std::string_view haystack, std::string_view needle) {
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                     [](char a, char b) { return lower(a) == lower(b); }) != haystack.end();
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && icontains(s.substr(0, prefix.size()), prefix);
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

enum class Sniff { blank, feed, html, other };

// What the body is, from its root element. Comments, processing
// instructions and a non-HTML doctype are skipped; nothing is parsed.
Sniff sniff(std::string_view body) {
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  for (;;) {
    while (!body.empty() && is_space(body.front())) body.remove_prefix(1);
    if (body.empty()) return Sniff::blank;
    if (body.front() == '{') return Sniff::feed;  // JSON Feed
    if (body.front() != '<') return Sniff::other;
    std::string_view close;
    if (body.starts_with("<?")) {
      close = "?>";
    } else if (body.starts_with("<!--")) {
      close = "-->";
    } else if (body.starts_with("<!")) {
      if (istarts_with(body, "<!doctype html")) return Sniff::html;
      close = ">";
    } else {
      break;
    }
    const auto end = body.find(close);
    if (end == std::string_view::npos) return Sniff::other;
    body.remove_prefix(end + close.size());
  }
  body.remove_prefix(1);
  std::size_t n = 0;
  while (n < body.size() && !is_space(body[n]) && body[n] != '>' && body[n] != '/') ++n;
  std::string_view root = body.substr(0, n);
  if (root.size() >= 4 && icontains(root.substr(root.size() - 4), ":rdf")) return Sniff::feed;
  for (std::string_view name : {"rss", "feed", "rdf", "channel"}) {
    if (root.size() == name.size() && istarts_with(root, name)) return Sniff::feed;
  }
  if (root.size() == 4 && istarts_with(root, "html")) return Sniff::html;
  return Sniff::other;
}

bool html_content_type(std::string_view type) {
  return istarts_with(type, "text/html") || istarts_with(type, "application/xhtml+xml");
}

// Markers only a challenge interstitial carries: Cloudflare's challenge
// script names and the title of its "Just a moment..." page.
bool has_challenge_marker(std::string_view head) {
  for (std::string_view marker : {"<title>just a moment", "cf-chl", "challenge-platform", "_cf_chl_opt"}) {
    if (icontains(head, marker)) return true;
  }
  return false;
}

// Wordings of older Cloudflare interstitials; too common in plain prose to
// count unless Cloudflare itself refused the request.
bool has_cloudflare_wording(std::string_view head) {
  for (std::string_view text :
       {"just a moment", "checking your browser", "attention required", "cf-browser-verification"}) {
    if (icontains(head, text)) return true;
  }
  return false;
}

bool is_challenge(const HttpAnswer& a, std::string_view head, Sniff kind) {
  if (icontains(a.cf_mitigated, "challenge")) return true;
  if (kind == Sniff::feed || kind == Sniff::blank) return false;
  if (has_challenge_marker(head)) return true;
  return (a.status == 403 || a.status == 503) && icontains(a.server, "cloudflare") && has_cloudflare_wording(head);
}

}  // namespace

std::string_view to_string(FailureClass c) noexcept { return kNames[static_cast<std::size_t>(c)]; }

std::optional<FailureClass> parse_failure_class(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == text) return static_cast<FailureClass>(i);
  }
  return std::nullopt;
}

FailureClass classify_http(const HttpAnswer& a) noexcept {
  if (a.status == 304) return FailureClass::none;
  const std::string_view head = a.body.substr(0, kClassifySniffBytes);
  const Sniff kind = sniff(head);
  const bool success = a.status >= 200 && a.status < 300;
  if (success && kind == Sniff::feed) return FailureClass::none;
  if (is_challenge(a, head, kind)) return FailureClass::bot_challenge;
  if (a.status == 429 || (a.status == 503 && a.has_retry_after)) return FailureClass::rate_limited;
  if (a.status >= 400 && a.status < 500) return FailureClass::http_4xx;
  if (a.status >= 500 && a.status < 600) return FailureClass::http_5xx;
  if (!success) return FailureClass::not_a_feed;
  if (a.expect_feed && (kind == Sniff::blank || kind == Sniff::html || html_content_type(a.content_type))) {
    return FailureClass::not_a_feed;
  }
  return FailureClass::none;
}

}  // namespace newsd::fetch
