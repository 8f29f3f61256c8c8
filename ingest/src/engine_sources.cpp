#include "engine_sources.hpp"

#include "newsd/ingest/stage_timings.hpp"
#include "newsd/parse/section_links.hpp"

namespace newsd::ingest {
namespace {

const std::string& effective_url(const fetch::Response& r) { return r.final_url.empty() ? r.url : r.final_url; }

// The bytes to read: the body itself (not copied: most are feeds), or, for
// a `.xml.gz` served as a file (libcurl has already undone a gzip
// Content-Encoding), its gunzipped bytes kept in `inflated`, under the
// body-size cap, so a small bomb cannot inflate past what the fetcher would
// have accepted.
Result<std::string_view> plain_body(const fetch::Response& r, std::size_t max_bytes, std::string& inflated) {
  if (!parse::is_gzip(r.body)) return std::string_view(r.body);
  auto out = parse::gunzip(r.body, max_bytes);
  if (!out) return std::unexpected(out.error());
  inflated = std::move(*out);
  return std::string_view(inflated);
}

parse::SourceKind kind_of(config::SourceType type, std::string_view body, std::string_view content_type) {
  const parse::SourceKind sniffed = parse::sniff_source(body, content_type);
  switch (type) {
    case config::SourceType::feed: return parse::SourceKind::feed;
    case config::SourceType::html: return parse::SourceKind::html;
    // A configured sitemap is read as one whatever its root says: a wrong
    // guess is then a parse error naming the root, not a silent feed.
    case config::SourceType::sitemap:
      return sniffed == parse::SourceKind::sitemap_index ? sniffed : parse::SourceKind::sitemap;
    case config::SourceType::auto_detect: return sniffed;
  }
  return sniffed;
}

SourceDocument read_sitemap(std::string_view body, const fetch::Response& r, const SourceRules& rules) {
  SourceDocument doc;
  auto sitemap = parse::parse_sitemap(body, effective_url(r), r.charset, rules.limits, {rules.max_age, std::nullopt});
  if (!sitemap) {
    doc.error = sitemap.error();
    return doc;
  }
  doc.kind = sitemap->kind;
  doc.listed =
      sitemap->parsed.entries.size() + sitemap->parsed.entries_dropped + sitemap->children.size() + sitemap->too_old;
  doc.parsed = std::move(sitemap->parsed);
  doc.children = std::move(sitemap->children);
  return doc;
}

// Each article link of a section page is an entry, as a feed item that has
// a link and a title but no text: its page is fetched and extracted.
SourceDocument read_section_page(std::string_view body, const fetch::Response& r, const SourceRules& rules) {
  SourceDocument doc{.kind = parse::SourceKind::html};
  const parse::SectionRules section{rules.links, rules.exclude, rules.url_pattern};
  auto page = parse::find_section_links(body, effective_url(r), r.charset, section, rules.limits);
  if (!page) {
    doc.error = page.error();
    return doc;
  }
  if (!page->title.empty()) doc.parsed.feed.title = parse::TextConstruct{std::move(page->title)};
  for (auto& link : page->links) {
    parse::Entry entry;
    entry.id = link.url;
    entry.link = std::move(link.url);
    if (!link.title.empty()) entry.title = parse::TextConstruct{std::move(link.title)};
    doc.parsed.entries.push_back(std::move(entry));
  }
  doc.listed = doc.parsed.entries.size();
  return doc;
}

}  // namespace

SourceRules source_rules(const config::FeedConfig& feed, const config::Config& cfg) {
  SourceRules rules;
  rules.type = feed.type;
  rules.max_age = feed.max_age;
  rules.limits = cfg.limits;
  rules.max_bytes = cfg.fetch.max_body_bytes;
  rules.links = feed.links;
  rules.exclude = feed.exclude;
  rules.url_pattern = feed.url_pattern;
  return rules;
}

SourceDocument read_source(const fetch::Response& r, const SourceRules& rules) {
  const StageTimer timer(Stage::parse);
  std::string inflated;
  auto body = plain_body(r, rules.max_bytes, inflated);
  if (!body) return SourceDocument{.error = body.error()};
  const parse::SourceKind kind = kind_of(rules.type, *body, r.content_type);
  switch (kind) {
    case parse::SourceKind::sitemap:
    case parse::SourceKind::sitemap_index: return read_sitemap(*body, r, rules);
    case parse::SourceKind::html: return read_section_page(*body, r, rules);
    case parse::SourceKind::feed: break;
  }
  SourceDocument doc;
  doc.parsed = parse::parse_feed(*body, effective_url(r), r.charset, rules.limits);
  doc.listed = doc.parsed.entries.size() + doc.parsed.entries_dropped;
  return doc;
}

SourceDocument read_sitemap_child(const fetch::Response& r, const SourceRules& rules) {
  const StageTimer timer(Stage::parse);
  std::string inflated;
  auto body = plain_body(r, rules.max_bytes, inflated);
  if (!body) return SourceDocument{.error = body.error()};
  SourceDocument doc = read_sitemap(*body, r, rules);
  if (!doc.error && doc.kind == parse::SourceKind::sitemap_index) {
    doc.error = Error{Errc::parse, "a sitemap index inside a sitemap index is not followed: " + effective_url(r)};
  }
  return doc;
}

}  // namespace newsd::ingest
