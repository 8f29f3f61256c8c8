#pragma once
/// Main-content extraction: from an article page as fetched to its clean
/// text and metadata, to the contract in shared/spec/extract.md.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/config/config.hpp"

namespace newsd::parse {

struct ExtractedArticle {
  std::string url;
  std::optional<std::string> canonical_url;
  std::optional<std::string> title;
  std::optional<std::string> byline;
  std::optional<std::string> site_name;
  std::optional<std::chrono::sys_seconds> published;
  std::optional<std::chrono::sys_seconds> updated;
  std::optional<std::string> language;  ///< BCP-47 primary tag
  std::optional<std::string> section;
  std::optional<std::string> image;
  std::vector<std::string> paragraphs;  ///< body blocks, NFC, whitespace collapsed
  std::string text;                     ///< paragraphs joined by "\n\n"
  std::string encoding;                 ///< charset used to decode the bytes
  bool text_cut = false;                ///< the body was longer than limits.article_chars
};

/// Extracts the article from `bytes` (raw page bytes, any charset).
/// `url` is the page address (relative links, site rules); `http_charset`
/// the Content-Type charset when known (a bare label or a whole Content-Type
/// value). The encoding is chosen as in html.hpp's choose_html_charset().
/// A page without an article (less than `cfg.min_text_chars` of body text,
/// unless a site rule's keep selector matched) returns a value with empty
/// `paragraphs` and `text`; metadata is filled in either way.
/// A `cfg.sites` rule whose host matches `url` (exact or dot-suffix, the most
/// specific wins) removes its `drop` matches, then takes the body from the
/// first `keep` selector that matches; selector syntax: html_select.hpp.
/// `language` is "ar" when the body is mostly Arabic script, otherwise the
/// page's declared language (html lang, Content-Language, og:locale).
/// Caps (code points, cut at a UTF-8 boundary): `title`, `site_name` and
/// `section` to `limits.title_chars`, `byline` to `limits.byline_chars`, and
/// the body to `limits.article_chars` of `text` (paragraphs past the cut are
/// dropped, the one it falls in is shortened; `text_cut` is set). Dates
/// outside is_plausible_date()'s window around `now` (the system clock when
/// nullopt) are dropped. libxml2 stops reading a page at 256 levels of
/// nesting (what follows is lost); JSON-LD deeper than 64 levels is ignored.
/// When libxml2's tree yields no article although the page holds at least 5
/// `<p>` tags and is not estimated to nest deeper than 400 levels, the page
/// is parsed again with an HTML5 tree builder (gumbo) and read from that tree.
/// Fails only if the bytes cannot be parsed as HTML at all (Errc::parse).
Result<ExtractedArticle> extract_article(std::string_view bytes, std::string_view url, const config::ExtractConfig& cfg,
                                         std::string_view http_charset = {}, const config::LimitsConfig& limits = {},
                                         std::optional<std::chrono::sys_seconds> now = std::nullopt);

/// The spec's `--json` object (no trailing newline).
std::string to_json(const ExtractedArticle& article);

}  // namespace newsd::parse
