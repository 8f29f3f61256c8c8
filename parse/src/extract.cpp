// extract_article(): decode, parse, read metadata, select the body, and the
// spec's JSON rendering.
#include "newsd/parse/extract.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "extract_internal.hpp"
#include "extract_text.hpp"
#include "html_dom.hpp"
#include "newsd/base/ascii.hpp"
#include "newsd/parse/dates.hpp"
#include "newsd/parse/html.hpp"
#include "newsd/parse/url.hpp"

namespace newsd::parse {
namespace {

bool host_matches(std::string_view host, std::string_view rule_host) {
  if (rule_host.empty() || host.size() < rule_host.size()) return false;
  if (!host.ends_with(rule_host)) return false;
  return host.size() == rule_host.size() || host[host.size() - rule_host.size() - 1] == '.';
}

const config::SiteRule* rule_for(const config::ExtractConfig& cfg, std::string_view url) {
  if (cfg.sites.empty() || url.empty()) return nullptr;
  const std::string host = url_host(url);
  if (host.empty()) return nullptr;
  const config::SiteRule* best = nullptr;
  for (const auto& rule : cfg.sites) {
    // The most specific host wins ("news.example.com" over "example.com").
    if (host_matches(host, ascii_lower(rule.host)) && (best == nullptr || rule.host.size() > best->host.size()))
      best = &rule;
  }
  return best;
}

std::optional<std::string> detect_language(const std::vector<std::string>& paragraphs,
                                           const std::optional<std::string>& declared) {
  // Real language identification lives in classify/; here the script decides
  // for Arabic (pages often declare lang="en" in a template) and the declared
  // language is kept otherwise.
  std::string sample;
  for (const auto& p : paragraphs) {
    sample += p;
    sample += ' ';
    if (sample.size() > 4000) break;
  }
  if (!sample.empty()) {
    const double arabic = text::arabic_letter_share(sample);
    if (arabic >= 0.5) return "ar";
    if (declared && *declared == "ar" && arabic < 0.1) return std::nullopt;
  }
  return declared;
}

// Pages that render their text with JavaScript often still carry it in
// schema.org JSON-LD; it is the article as the publisher states it.
std::vector<std::string> jsonld_paragraphs(std::string_view body, std::size_t min_chars) {
  std::vector<std::string> out;
  std::size_t chars = 0;
  std::size_t start = 0;
  while (start <= body.size()) {
    const std::size_t end = std::min(body.find('\n', start), body.size());
    std::string line = text::collapse(body.substr(start, end - start));
    if (!line.empty()) {
      chars += text::count_chars(line);
      out.push_back(std::move(line));
    }
    start = end + 1;
  }
  if (chars < min_chars) out.clear();
  return out;
}

// libxml2 2.9's HTML parser nests some pages wrongly (an unclosed <button> or
// <header> swallows the rest of the page); gumbo's HTML5 tree builder, which
// recovers as browsers do, reads them right but costs about twice as much.
// So the page is parsed again with gumbo only when libxml2's tree gave no
// article although the markup holds at least this many paragraphs: pages
// without an article rarely have many, mis-nested article pages always do.
constexpr std::size_t kReparseMinParagraphs = 5;

// True if `html` has at least `wanted` <p> start tags (any case).
bool has_paragraph_tags(std::string_view html, std::size_t wanted) {
  std::size_t seen = 0;
  for (std::size_t i = html.find('<'); i != std::string_view::npos && i + 2 < html.size(); i = html.find('<', i + 1)) {
    if ((html[i + 1] | 0x20) != 'p') continue;
    const char after = html[i + 2];
    if (after == '>' || after == ' ' || after == '\t' || after == '\n' || after == '\r' || after == '/') {
      if (++seen >= wanted) return true;
    }
  }
  return false;
}

// gumbo's tree builder is quadratic in the nesting depth (its scope checks
// walk the stack of open elements at every tag: 5,000 nested "<div><p>x</p>"
// take two seconds, 20,000 a minute), so a page whose markup may nest deeper
// than this is not parsed a second time.
constexpr std::size_t kReparseMaxDepth = 400;

bool is_void_or_self_closing(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      // void elements
      "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
      // end tag optional: closed by their next sibling, not nested
      "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "tbody", "thead", "tfoot", "html", "head", "body"};
  return std::ranges::find(kNames, name) != std::end(kNames);
}

// Upper estimate of how deep the markup nests: start tags of elements that
// need an end tag push, end tags pop; script and style content is skipped.
std::size_t estimated_depth(std::string_view html) {
  std::size_t depth = 0, deepest = 0;
  std::string name;
  for (std::size_t i = html.find('<'); i != std::string_view::npos && i + 1 < html.size(); i = html.find('<', i + 1)) {
    const bool end_tag = html[i + 1] == '/';
    name.clear();
    std::size_t j = i + (end_tag ? 2 : 1);
    while (j < html.size() && std::isalnum(static_cast<unsigned char>(html[j])) != 0) name += ascii_lower(html[j++]);
    if (name.empty()) continue;  // "<!--", "<?", "a < b"
    // An end tag pops only what a start tag of its kind pushed: "</p>" not.
    if (end_tag) {
      if (depth > 0 && !is_void_or_self_closing(name)) --depth;
      continue;
    }
    const std::size_t close = html.find('>', j);
    if (close == std::string_view::npos) break;
    if (name == "script" || name == "style") {
      i = html.find(name == "script" ? "</script" : "</style", close);
      if (i == std::string_view::npos) break;
      continue;
    }
    if (html[close - 1] == '/' || is_void_or_self_closing(name)) continue;
    deepest = std::max(deepest, ++depth);
  }
  return deepest;
}

struct TreeReading {
  detail::PageMeta meta;
  std::vector<std::string> blocks;
};

TreeReading read_tree(xmlDoc* doc, std::string_view url, const config::ExtractConfig& cfg) {
  TreeReading r;
  r.meta = detail::read_metadata(doc, url);
  detail::ContentHints hints;
  hints.min_text_chars = cfg.min_text_chars;
  hints.site_rule = rule_for(cfg, url);
  for (const auto* t : {&r.meta.title, &r.meta.headline_h1, &r.meta.byline}) {
    if (*t) hints.drop_texts.push_back(**t);
  }
  if (r.meta.byline) {
    hints.drop_texts.push_back("By " + *r.meta.byline);
    hints.drop_texts.push_back("بقلم " + *r.meta.byline);
  }
  r.blocks = detail::extract_body_blocks(doc, hints);
  return r;
}

// Keeps whole paragraphs while `text` (joined by "\n\n") stays within
// `max_chars` code points and cuts the one the limit falls in; NFC is applied
// on the way (it can change lengths, so before counting). True if anything
// was cut.
bool take_paragraphs(std::vector<std::string>& blocks, std::size_t max_chars, std::vector<std::string>& out) {
  std::size_t chars = 0;
  for (auto& block : blocks) {
    const std::size_t separator = out.empty() ? 0 : 2;
    if (chars + separator >= max_chars) return true;
    std::string p = text::nfc(std::move(block));
    const bool cut = text::cut_chars(p, max_chars - chars - separator);
    chars += separator + text::count_chars(p);
    out.push_back(std::move(p));
    if (cut) return true;
  }
  return false;
}

}  // namespace

Result<ExtractedArticle> extract_article(std::string_view bytes, std::string_view url, const config::ExtractConfig& cfg,
                                         std::string_view http_charset, const config::LimitsConfig& limits,
                                         std::optional<std::chrono::sys_seconds> now) {
  ExtractedArticle article;
  article.url = std::string(url);
  charset::Decoded decoded = decode_html(bytes, http_charset);
  article.encoding = decoded.encoding;
  if (decoded.text.find_first_not_of(" \t\r\n\f") == std::string::npos) return article;

  auto doc = html::parse_utf8(decoded.text);
  if (!doc) return std::unexpected(doc.error());
  TreeReading tree = read_tree(doc->get(), url, cfg);
  if (tree.blocks.empty() && has_paragraph_tags(decoded.text, kReparseMinParagraphs) &&
      estimated_depth(decoded.text) <= kReparseMaxDepth) {
    if (auto html5 = html::parse_utf8_html5(decoded.text); html5) {
      TreeReading second = read_tree(html5->get(), url, cfg);
      if (!second.blocks.empty()) tree = std::move(second);
    }
  }
  decoded.text.clear();
  decoded.text.shrink_to_fit();

  const detail::PageMeta& meta = tree.meta;
  article.canonical_url = meta.canonical_url;
  article.title = meta.title;
  article.byline = meta.byline;
  article.site_name = meta.site_name;
  const auto when = now.value_or(current_time());
  article.published = plausible_date(meta.published, when);
  article.updated = plausible_date(meta.updated, when);
  article.section = meta.section;
  article.image = meta.image;

  std::vector<std::string>& blocks = tree.blocks;
  if (blocks.empty()) blocks = jsonld_paragraphs(meta.jsonld_body, cfg.min_text_chars);
  article.text_cut = take_paragraphs(blocks, limits.article_chars, article.paragraphs);
  for (std::size_t i = 0; i < article.paragraphs.size(); ++i) {
    if (i != 0) article.text += "\n\n";
    article.text += article.paragraphs[i];
  }
  for (auto* field : {&article.title, &article.byline, &article.site_name, &article.section}) {
    if (!*field) continue;
    **field = text::nfc(std::move(**field));
    text::cut_chars(**field, field == &article.byline ? limits.byline_chars : limits.title_chars);
  }
  article.language = detect_language(article.paragraphs, meta.declared_language);
  return article;
}

std::string to_json(const ExtractedArticle& a) {
  using json = nlohmann::ordered_json;  // keys in the order of the spec
  auto opt = [](const std::optional<std::string>& v) -> json { return v ? json(*v) : json(nullptr); };
  auto date = [](const std::optional<std::chrono::sys_seconds>& v) -> json {
    return v ? json(format_iso8601(*v)) : json(nullptr);
  };
  json j = json::object();
  j["url"] = a.url.empty() ? json(nullptr) : json(a.url);
  j["canonical_url"] = opt(a.canonical_url);
  j["title"] = opt(a.title);
  j["byline"] = opt(a.byline);
  j["site_name"] = opt(a.site_name);
  j["published"] = date(a.published);
  j["updated"] = date(a.updated);
  j["language"] = opt(a.language);
  j["section"] = opt(a.section);
  j["image"] = opt(a.image);
  j["text"] = a.text;
  j["paragraphs"] = a.paragraphs;
  j["encoding"] = a.encoding;
  // Invalid UTF-8 cannot survive decoding, but a replacement beats an exception.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace newsd::parse
