#include "newsd/ingest/article_builder.hpp"

#include <algorithm>

#include "newsd/classify/text.hpp"
#include "newsd/parse/url.hpp"

namespace newsd::ingest {
namespace {

// A title is one line, whatever markup the feed wrapped it in.
std::string single_line(std::string s) {
  std::ranges::replace(s, '\n', ' ');
  std::string out;
  for (char c : s) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

std::optional<std::string> article_url(const parse::Entry& entry) {
  if (entry.link && parse::is_fetchable_url(*entry.link)) return entry.link;
  for (const auto& link : entry.links) {
    if (link.rel == "alternate" && parse::is_fetchable_url(link.href)) return link.href;
  }
  if (entry.id && parse::is_fetchable_url(*entry.id)) return entry.id;
  return std::nullopt;
}

std::string entry_text(const parse::Entry& entry) {
  for (const auto& c : entry.content) {
    if (!c.value.empty()) return parse::plain_text(c);
  }
  if (entry.summary) return parse::plain_text(*entry.summary);
  return {};
}

store::ArticleRecord build_record(std::int64_t feed_id, const NewEntry& item,
                                  const std::optional<parse::ExtractedArticle>& page, const std::string& page_url,
                                  std::chrono::sys_seconds now) {
  const parse::Entry& entry = item.entry;
  store::ArticleRecord r;
  r.feed_id = feed_id;
  // The URL as the feed linked it is how the next poll recognises the entry;
  // rel=canonical (else the address after redirects) is the dedup key.
  if (item.address.has_page) {
    r.url = item.address.url;
  } else {
    r.entry_key = item.address.url;
  }
  if (page) {
    r.canonical_url = parse::canonicalize_url(page->canonical_url ? *page->canonical_url
                                              : page_url.empty()  ? item.address.url
                                                                  : page_url);
  } else {
    r.canonical_url = item.canonical;
  }
  r.guid = entry.id.value_or(item.address.url);
  r.fetched_at = now;

  if (page && page->title && !page->title->empty())
    r.title = *page->title;
  else if (entry.title)
    r.title = single_line(parse::plain_text(*entry.title));

  if (page && page->byline)
    r.byline = *page->byline;
  else if (!entry.authors.empty() && entry.authors.front().name)
    r.byline = *entry.authors.front().name;

  if (page && page->published)
    r.published_at = page->published;
  else if (entry.published)
    r.published_at = entry.published;
  else if (entry.updated)
    r.published_at = entry.updated;

  if (page) {
    r.text = page->text;
    r.section = page->section.value_or("");
    r.image = page->image.value_or("");
  }
  if (r.text.empty()) r.text = entry_text(entry);

  // Language from the text itself; the page's declared language is only a
  // fallback (CMS templates often declare the site default, not the article's).
  std::string lang = classify::detect_language(r.title + "\n" + r.text.substr(0, 4096));
  if (lang == "und" && page && page->language) lang = *page->language;
  r.lang = lang == "und" ? "" : lang;
  return r;
}

}  // namespace newsd::ingest
