#pragma once
/// Feed parsing: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed, from raw bytes,
/// to the contract in shared/spec/feed-json.md. Never throws on input; a
/// document that is not well-formed is recovered as far as possible and
/// flagged `bozo`.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "newsd/config/config.hpp"

namespace newsd::parse {

using TimePoint = std::chrono::sys_seconds;

struct TextConstruct {
  std::string value;
  std::string type = "text";  ///< "text", "html", "xhtml" or a MIME type
};

struct Link {
  std::string href;
  std::string rel = "alternate";
  std::optional<std::string> type;
  std::optional<std::string> title;
  std::optional<std::int64_t> length;
};

struct Person {
  std::optional<std::string> name;
  std::optional<std::string> email;
  std::optional<std::string> uri;
};

struct Category {
  std::string term;
  std::optional<std::string> scheme;
  std::optional<std::string> label;
};

struct Enclosure {
  std::string url;
  std::optional<std::string> type;
  std::optional<std::int64_t> length;
};

struct FeedInfo {
  std::optional<TextConstruct> title;
  std::optional<TextConstruct> subtitle;
  std::optional<std::string> link;
  std::vector<Link> links;
  std::optional<std::string> id;
  std::optional<std::string> language;
  std::optional<TimePoint> updated;
  std::optional<TimePoint> published;
  std::vector<Person> authors;
  std::vector<Category> categories;
  /// Polling hints (RSS 2.0 <ttl> in minutes; RSS 1.0 syndication module
  /// sy:updatePeriod as written and sy:updateFrequency). Not part of to_json().
  std::optional<int> ttl_minutes;
  std::optional<std::string> update_period;
  std::optional<int> update_frequency;
};

struct Entry {
  std::optional<std::string> id;
  std::optional<TextConstruct> title;
  std::optional<std::string> link;
  std::vector<Link> links;
  std::optional<TimePoint> published;
  std::optional<TimePoint> updated;
  std::vector<Person> authors;
  std::optional<TextConstruct> summary;
  std::vector<TextConstruct> content;
  std::vector<Category> categories;
  std::vector<Enclosure> enclosures;
};

struct ParsedFeed {
  bool bozo = false;
  std::string bozo_message;  ///< why the document is bozo (first problem found)
  std::string encoding;      ///< encoding actually used, e.g. "utf-8"
  FeedInfo feed;
  std::vector<Entry> entries;
  /// Entries in the document past `limits.entries_per_feed`, not read (the
  /// first ones in document order are kept). Not a bozo problem.
  std::size_t entries_dropped = 0;
};

/// Parses one feed document as fetched. `base_url` is the document's URL
/// (base for relative links); `http_charset` is the Content-Type charset if
/// the bytes came over HTTP (it outranks the XML declaration, not a BOM).
///
/// Hostile input is contained:
///  - At most `limits.entries_per_feed` entries are read (entries_dropped).
///  - Values are cut to whole code points: titles, category terms, labels
///    and schemes to `limits.title_chars`; author names, emails and URIs to
///    `limits.byline_chars`; the feed subtitle, summaries and each content
///    value to `limits.article_chars` (html/xhtml values are cut as text,
///    possibly inside a tag).
///  - Dates outside is_plausible_date()'s window around `now` (the system
///    clock when nullopt) are dropped; the entry is kept.
///  - Inline markup nested deeper than 128 elements keeps its text but not
///    those tags; entries nested in entries and channels in channels deeper
///    than 256 levels are not read; JSON values deeper than 64 levels are
///    dropped. Each cut makes the feed bozo. No walk recurses per element.
///  - An empty or blank link (`<link/>`, `href=""`, an Atom `<link>` without
///    `href`, JSON `"url": ""`) is no link, not the document's own URL.
///
/// Details of reading (tests/data/feeds/atom_details/README.md):
///  - Elements are matched by namespace URI, whatever the prefix (or a
///    default namespace); unknown foreign elements are bypassed with all
///    they contain (RFC 4287 §6.3).
///  - Of several dates for one field (two `<updated>`, RFC 4287 allows one),
///    the first that parses is kept.
///  - IRIs in `xml:base`, `href`, `atom:uri` and RSS links become URIs
///    (RFC 3987 §3.1: non-ASCII bytes outside the host percent-encoded).
///  - `language` has BCP 47 hyphens: `xml:lang="ar_MA"` gives `ar-MA`.
ParsedFeed parse_feed(std::string_view bytes, std::string_view base_url = {}, std::string_view http_charset = {},
                      const config::LimitsConfig& limits = {}, std::optional<TimePoint> now = std::nullopt);

/// The spec's JSON rendering (one object, no trailing newline).
std::string to_json(const ParsedFeed& feed);

/// A text construct as plain UTF-8 text: "text" values unchanged; "html",
/// "xhtml" and other markup parsed with libxml2's HTML parser, entities
/// decoded, script/style dropped, block elements (p, div, li, h1–h6,
/// blockquote, tr…) separated by a blank line, <br> by a newline, other
/// whitespace collapsed. Never fails: unparseable markup gives its text.
std::string plain_text(const TextConstruct& text);

}  // namespace newsd::parse
