#pragma once
/// robots.txt rules (RFC 9309) for one crawler. Debian ships no C/C++
/// robots.txt library, so this is a small parser of our own.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace newsd::fetch {

/// The rules of one robots.txt that apply to one crawler.
class RobotsRules {
 public:
  /// Parses robots.txt `text` for the crawler whose product token is
  /// `product_token` (compared case-insensitively). The groups naming the
  /// token are used (merged if several); if none does, the `*` groups; if
  /// there is no `*` group either, everything is allowed. Never fails:
  /// unknown or malformed lines are skipped. Only the first 500 KiB are read
  /// (the RFC 9309 minimum a crawler must parse).
  static RobotsRules parse(std::string_view text, std::string_view product_token);

  /// Rules for a robots.txt that is absent (4xx): everything allowed.
  static RobotsRules allow_all();

  /// Rules for a robots.txt that is unreachable (5xx, network): nothing allowed.
  static RobotsRules disallow_all();

  /// True if a URL with this path (and query, starting with '/') may be
  /// fetched: the longest matching Allow/Disallow pattern wins, Allow on a
  /// tie; `*` matches any run of characters and a trailing `$` anchors the
  /// end. Patterns and path are compared after percent-encoding
  /// normalization, so a raw UTF-8 (e.g. Arabic) pattern matches its
  /// percent-encoded form in the URL. "/robots.txt" is always allowed.
  [[nodiscard]] bool allowed(std::string_view path_and_query) const;

  /// Number of Allow/Disallow rules retained for our crawler.
  [[nodiscard]] std::size_t rule_count() const { return rules_.size(); }

  /// The Crawl-delay of the group that applies (ours, else `*`): seconds,
  /// fractions allowed, as asked (the fetcher caps it); nullopt when absent
  /// or not a non-negative number.
  [[nodiscard]] std::optional<std::chrono::milliseconds> crawl_delay() const { return crawl_delay_; }

 private:
  struct Rule {
    std::string pattern;  ///< normalized; may contain '*' and a trailing '$'
    bool allow = false;
  };
  std::vector<Rule> rules_;
  bool disallow_everything_ = false;
  std::optional<std::chrono::milliseconds> crawl_delay_;
};

/// The product token of a User-Agent header value, as robots.txt groups
/// name it: "newsd/0.1 (+https://…)" → "newsd". Empty if the value does not
/// start with a token character (letters, digits, '-', '_').
std::string robots_product_token(std::string_view user_agent);

}  // namespace newsd::fetch
