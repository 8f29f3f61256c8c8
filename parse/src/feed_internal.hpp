#pragma once
// Pieces of the feed parser shared between its translation units
// (feed.cpp drives them; see feed.hpp for the public contract).
#include <optional>
#include <string>
#include <string_view>

#include "newsd/parse/feed.hpp"

namespace newsd::parse::feed_detail {

/// Bytes decoded to UTF-8 with the encoding the spec's priority order chose.
struct DecodedText {
  std::string text;      // UTF-8, no BOM
  std::string encoding;  // canonical name, e.g. "utf-8", "windows-1256", "utf-16le"
  std::string problem;   // non-empty when bytes were invalid or the label unknown (bozo)
};

/// Decodes feed bytes: BOM, then `http_charset`, then the XML declaration
/// (read in the byte family the first bytes reveal: ASCII, UTF-16/32
/// without BOM, EBCDIC), then UTF-8. Never fails: invalid bytes become
/// U+FFFD and are reported in `problem`.
DecodedText decode_feed_bytes(std::string_view bytes, std::string_view http_charset);

/// XML text made digestible for pugixml without losing what the publisher
/// meant: HTML named entities become character references, undeclared or
/// malformed references and bare `&` become literal text, references to
/// C1 controls (&#128;–&#159;) are remapped as HTML5 does (windows-1252),
/// and characters XML 1.0 forbids are dropped.
struct RepairedXml {
  std::string xml;
  std::string problem;  // first well-formedness problem found (bozo), or empty
};
RepairedXml repair_xml(std::string_view utf8);

/// Re-parses ill-formed XML with libxml2's recovering parser and serialises
/// the recovered tree back to well-formed UTF-8 XML; nullopt if libxml2
/// found no root element.
std::optional<std::string> recover_xml(std::string_view utf8);

/// Walks a well-formed (or recovered) XML feed document into `out`, reading
/// at most `max_entries` entries (the rest are counted in entries_dropped).
/// Returns false if the root is not a feed (RSS, RDF or Atom). `problem`
/// receives the first bozo reason if it is still empty.
bool read_xml_feed(std::string_view xml, std::string_view base_url, std::size_t max_entries, ParsedFeed& out,
                   std::string& problem);

/// Reads a JSON Feed 1.0/1.1 document into `out` like read_xml_feed(); false
/// if it is not valid JSON. Values nested deeper than 64 levels are dropped
/// (a problem): nothing in JSON Feed is that deep.
bool read_json_feed(std::string_view json, std::string_view base_url, std::size_t max_entries, ParsedFeed& out,
                    std::string& problem);

/// Rewrites relative URLs in URL-valued attributes (a@href, img@src, …) of
/// an HTML/XHTML fragment against `base`; everything else is left byte for byte.
std::string resolve_html_urls(std::string_view html, std::string_view base);

/// An IRI (reference) as a URI (RFC 3987 §3.1): the UTF-8 bytes of
/// non-ASCII characters outside the authority are percent-encoded
/// (`/أخبار/` → `/%D8%A3…/`). A non-ASCII host is left for IDNA at fetch
/// time; ASCII is left byte for byte.
std::string iri_to_uri(std::string_view iri);

/// Splits an RSS person string: "me@x.com (Name)", "Name (me@x.com)",
/// "Name <me@x.com>", a bare address (email only) or a bare name.
Person parse_person(std::string_view text);

/// feedparser's heuristic for RSS text that is really HTML: it has a close
/// tag or an entity reference, and every tag is a known HTML element.
bool looks_like_html(std::string_view text);

/// Decodes standard base64, ignoring whitespace; nullopt on invalid input.
std::optional<std::string> decode_base64(std::string_view text);

}  // namespace newsd::parse::feed_detail
