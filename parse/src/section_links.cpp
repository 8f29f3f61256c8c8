// find_section_links(): the article links of an HTML section page, by
// generic heuristics (page chrome, URL shape, headline length) or by the
// source's own selectors.
#include "newsd/parse/section_links.hpp"

#include <libpsl.h>
#include <unicode/regex.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "extract_internal.hpp"
#include "extract_text.hpp"
#include "extract_vocab.hpp"
#include "html_dom.hpp"
#include "newsd/base/ascii.hpp"
#include "newsd/parse/html.hpp"
#include "newsd/parse/html_select.hpp"
#include "newsd/parse/url.hpp"

namespace newsd::parse {
namespace {

using html::Tag;
using NodeSet = std::unordered_set<const xmlNode*>;

// An href longer than this is no article link a site would print; it would
// only cost resolving and matching.
constexpr std::size_t kMaxHrefBytes = 8192;
// A headline, for a link whose URL looks like an article's...
constexpr std::size_t kHeadlineChars = 20;
constexpr std::size_t kHeadlineWords = 3;
// ...and for one whose URL says nothing (opaque ids such as /a/Xk3j9): menu
// entries and footer links are shorter than this.
constexpr std::size_t kPlainHeadlineChars = 35;
constexpr std::size_t kPlainHeadlineWords = 5;
// A box label ("الأكثر قراءة") is short; longer headings are not read.
constexpr std::size_t kMaxLabelBytes = 400;
// ICU counts match steps ("on the order of milliseconds" each); a pattern that
// backtracks catastrophically on a hostile URL gives up instead of stalling
// the worker, and the link counts as not matching.
constexpr int32_t kRegexTimeLimit = 10;

// ---- the source's rules ----------------------------------------------------

struct CompiledRules {
  std::optional<Selector> links;
  std::vector<Selector> exclude;
  std::unique_ptr<icu::RegexPattern> url_pattern;
};

// ICU's regex engine rather than std::regex: libstdc++'s recurses per input
// character and can overflow the stack on a long URL, and has no time limit;
// ICU's keeps its backtracking on the heap and stops at setTimeLimit().
Result<std::unique_ptr<icu::RegexPattern>> compile_pattern(std::string_view pattern) {
  UErrorCode status = U_ZERO_ERROR;
  UParseError where{};
  std::unique_ptr<icu::RegexPattern> compiled(icu::RegexPattern::compile(
      icu::UnicodeString::fromUTF8(icu::StringPiece(pattern.data(), static_cast<int32_t>(pattern.size()))), 0, where,
      status));
  if (U_FAILURE(status) || compiled == nullptr) {
    return fail(Errc::invalid_argument, "url_pattern \"" + std::string(pattern) + "\": " + u_errorName(status) +
                                            " at offset " + std::to_string(where.offset));
  }
  return compiled;
}

Result<Selector> compile_selector(std::string_view field, std::string_view text) {
  auto sel = parse_selector(text);
  if (!sel) return fail(Errc::invalid_argument, std::string(field) + ": " + sel.error().message);
  return sel;
}

Result<CompiledRules> compile_rules(const SectionRules& rules) {
  CompiledRules out;
  if (!rules.links.empty()) {
    auto sel = compile_selector("links", rules.links);
    if (!sel) return std::unexpected(sel.error());
    out.links = std::move(*sel);
  }
  for (const auto& text : rules.exclude) {
    auto sel = compile_selector("exclude", text);
    if (!sel) return std::unexpected(sel.error());
    out.exclude.push_back(std::move(*sel));
  }
  if (!rules.url_pattern.empty()) {
    auto pattern = compile_pattern(rules.url_pattern);
    if (!pattern) return std::unexpected(pattern.error());
    out.url_pattern = std::move(*pattern);
  }
  return out;
}

class UrlPattern {
 public:
  explicit UrlPattern(const icu::RegexPattern* pattern) {
    if (pattern == nullptr) return;
    UErrorCode status = U_ZERO_ERROR;
    matcher_.reset(pattern->matcher(status));
    if (U_SUCCESS(status)) matcher_->setTimeLimit(kRegexTimeLimit, status);
    if (U_FAILURE(status)) matcher_.reset();
    failed_ = matcher_ == nullptr;
  }

  bool accepts(std::string_view url) {
    if (matcher_ == nullptr) return !failed_;
    subject_ = icu::UnicodeString::fromUTF8(icu::StringPiece(url.data(), static_cast<int32_t>(url.size())));
    matcher_->reset(subject_);
    UErrorCode status = U_ZERO_ERROR;
    const bool found = matcher_->find(status);
    return U_SUCCESS(status) && found;  // U_REGEX_TIME_OUT: not a match
  }

 private:
  std::unique_ptr<icu::RegexMatcher> matcher_;
  icu::UnicodeString subject_;  // the matcher reads it in place
  bool failed_ = false;
};

// ---- same site -------------------------------------------------------------

const psl_ctx_t* public_suffixes() {
  // The newer of libpsl's built-in list and the system's (publicsuffix).
  static const psl_ctx_t* const psl = [] {
    const psl_ctx_t* latest = psl_latest(nullptr);
    return latest != nullptr ? latest : psl_builtin();
  }();
  return psl;
}

bool is_ip_literal(std::string_view host) {
  return host.find(':') != std::string_view::npos || host.find_first_not_of("0123456789.") == std::string_view::npos;
}

// The part of `host` that names the site: its registrable domain
// ("www.bbc.co.uk" → "bbc.co.uk"), or the host itself for IP addresses,
// single labels and hosts the list cannot place.
std::string site_of(const std::string& host) {
  const psl_ctx_t* psl = public_suffixes();
  if (psl == nullptr || host.empty() || is_ip_literal(host)) return host;
  const char* domain = psl_registrable_domain(psl, host.c_str());
  return domain != nullptr ? std::string(domain) : host;
}

// ---- URL shapes ------------------------------------------------------------

/// hub: a listing, not a story; article: a date, id or slug says story;
/// plain: two or more path segments saying neither (opaque ids).
enum class UrlShape { hub, article, plain };

struct UrlParts {
  std::vector<std::string> segments;  ///< path segments, percent-decoded, ASCII lower-cased, non-empty
  std::string_view query;
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = ascii_lower(c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

std::string percent_decoded_lower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += ascii_lower(s[i]);
    }
  }
  return out;
}

// `url` is absolute http(s) without a fragment (as resolve_url() gives it).
UrlParts split_url(std::string_view url) {
  UrlParts parts;
  const std::size_t authority = url.find("//");
  const std::size_t path_start = url.find('/', authority == std::string_view::npos ? 0 : authority + 2);
  if (path_start == std::string_view::npos) return parts;
  std::string_view path = url.substr(path_start);
  if (const std::size_t q = path.find('?'); q != std::string_view::npos) {
    parts.query = path.substr(q + 1);
    path = path.substr(0, q);
  }
  while (!path.empty()) {
    const std::size_t slash = path.find('/');
    const std::string_view segment = path.substr(0, slash);
    if (!segment.empty()) parts.segments.push_back(percent_decoded_lower(segment));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

std::string_view extension_of(std::string_view segment) {
  const std::size_t dot = segment.rfind('.');
  return dot == std::string_view::npos ? std::string_view() : segment.substr(dot + 1);
}

std::string_view without_extension(std::string_view segment) {
  const std::size_t dot = segment.rfind('.');
  return dot == std::string_view::npos || dot == 0 ? segment : segment.substr(0, dot);
}

// Path segments of listing pages rather than stories: tags, categories,
// authors, pagination, search, account pages (English, French, Arabic).
bool is_hub_segment(std::string_view s) {
  static constexpr std::string_view kHubs[] = {
      "tag",       "tags",    "category", "categories", "author",    "authors", "writer", "writers", "topic",
      "topics",    "page",    "search",   "section",    "sections",  "label",   "labels", "archive", "archives",
      "login",     "signin",  "register", "subscribe",  "account",   "profile", "feed",   "rss",     "rubrique",
      "rubriques", "auteur",  "auteurs",  "mot-cle",    "mots-cles", "theme",   "themes", "وسم",     "الوسم",
      "تصنيف",     "التصنيف", "كاتب",     "الكاتب",     "قسم",       "القسم",   "بحث",
  };
  return std::ranges::find(kHubs, s) != std::end(kHubs);
}

// Files that are no article page: media, documents, feeds, scripts.
bool is_non_page_extension(std::string_view ext) {
  static constexpr std::string_view kExtensions[] = {
      "jpg", "jpeg", "png", "gif", "webp", "svg",  "avif", "bmp", "ico", "pdf",  "mp3", "mp4",
      "m4a", "webm", "ogg", "wav", "zip",  "rar",  "7z",   "gz",  "doc", "docx", "xls", "xlsx",
      "ppt", "pptx", "xml", "rss", "atom", "json", "js",   "css", "txt", "epub", "apk",
  };
  return std::ranges::find(kExtensions, ext) != std::end(kExtensions);
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

bool is_year(std::string_view s) { return s.size() == 4 && all_digits(s) && s >= "1990" && s <= "2099"; }
bool is_month_or_day(std::string_view s) {
  return (s.size() == 1 || s.size() == 2) && all_digits(s) && s != "0" && s != "00";
}

// Where the path's date ends — the index of the first segment after it, or
// of the segment holding it when more follows the date there — for
// "/2026/11/30/", "/2026/11/" and "2026-11-30" or "20261130" inside a
// segment; nullopt without a date.
std::optional<std::size_t> date_end(const std::vector<std::string>& segments) {
  for (std::size_t i = 0; i + 1 < segments.size(); ++i) {
    if (is_year(segments[i]) && is_month_or_day(segments[i + 1])) {
      const std::size_t end = i + 2;
      return end < segments.size() && is_month_or_day(segments[end]) ? end + 1 : end;
    }
  }
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::string& s = segments[i];
    for (std::size_t at = 0; at + 8 <= s.size(); ++at) {
      const std::string_view rest = std::string_view(s).substr(at);
      const bool dashed = rest.size() >= 10 && is_year(rest.substr(0, 4)) && (rest[4] == '-' || rest[4] == '_') &&
                          all_digits(rest.substr(5, 2)) && rest[7] == rest[4] && all_digits(rest.substr(8, 2));
      const bool compact = is_year(rest.substr(0, 4)) && all_digits(rest.substr(4, 4)) &&
                           (rest.size() == 8 || !std::isdigit(static_cast<unsigned char>(rest[8])));
      if ((dashed || compact) && (at == 0 || !std::isdigit(static_cast<unsigned char>(s[at - 1])))) {
        return s.size() > (dashed ? 10u : 8u) ? i : i + 1;
      }
    }
  }
  return std::nullopt;
}

// A run of 4+ digits in a segment that is not a bare year: "/123456",
// "story-123456", "a123456.html".
bool has_numeric_id(const std::vector<std::string>& segments) {
  for (const std::string& s : segments) {
    if (is_year(s)) continue;
    std::size_t run = 0;
    for (char c : s) {
      run = std::isdigit(static_cast<unsigned char>(c)) ? run + 1 : 0;
      if (run >= 4) return true;
    }
  }
  return false;
}

// "?id=123", "?p=42", "?article=20345": a numeric value of a key that is not
// pagination.
bool has_query_id(std::string_view query) {
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    const std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos) {
      const std::string key = ascii_lower(pair.substr(0, eq));
      const std::string_view value = pair.substr(eq + 1);
      const bool paging = key == "page" || key == "paged" || key == "pg" || key == "start" || key == "offset";
      if (!paging && all_digits(value) && (value.size() >= 4 || key == "id" || key == "p")) return true;
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return false;
}

// A slug: 3+ words joined by '-' or '_' ("army-receives-new-drones",
// "الجيش-يتسلم-دفعة-جديدة" once percent-decoded).
bool is_slug(std::string_view segment) {
  segment = without_extension(segment);
  std::size_t words = 0;
  bool letter = false;
  for (std::size_t i = 0; i <= segment.size(); ++i) {
    const char c = i < segment.size() ? segment[i] : '-';
    if (c == '-' || c == '_' || c == '+') {
      words += letter ? 1 : 0;
      letter = false;
    } else if ((c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80) {
      letter = true;
    }
  }
  return words >= 3;
}

UrlShape url_shape(std::string_view url) {
  const UrlParts parts = split_url(url);
  const auto& segs = parts.segments;
  if (segs.empty()) return has_query_id(parts.query) ? UrlShape::article : UrlShape::hub;
  if (std::ranges::any_of(segs, [](const std::string& s) { return is_hub_segment(without_extension(s)); }))
    return UrlShape::hub;
  if (is_non_page_extension(extension_of(segs.back()))) return UrlShape::hub;
  // A date with nothing after it ("/2026/11/", "/2026-11-30/") is an archive.
  if (const auto end = date_end(segs)) return *end < segs.size() ? UrlShape::article : UrlShape::hub;
  if (has_numeric_id(segs) || has_query_id(parts.query) || is_slug(segs.back())) return UrlShape::article;
  // One bare segment is a site page ("/contact", "/mentions-legales"), not a story.
  return segs.size() >= 2 ? UrlShape::plain : UrlShape::hub;
}

// ---- page chrome -----------------------------------------------------------

bool is_chrome_tag(Tag t) {
  switch (t) {
    case Tag::nav:
    case Tag::aside:
    case Tag::menu:
    case Tag::form:
    case Tag::dialog:
    case Tag::button:
    case Tag::select:
    case Tag::textarea: return true;
    default: return html::is_never_text(t);
  }
}

// Decides which subtrees of a page are chrome around the listing rather than
// the listing. One per page.
class Chrome {
 public:
  explicit Chrome(xmlNode* body) { survey(body); }

  bool skips(const xmlNode* el) {
    const Tag t = html::tag_of(el);
    if (is_chrome_tag(t) || side_boxes_.contains(el)) return true;
    if (detail::hidden_by_attributes(el) || detail::is_boilerplate_role(html::attr(el, "role"))) return true;
    const bool page_edge = t == Tag::header || t == Tag::footer;
    const detail::Verdict verdict = verdicts_.of(html::attr(el, "class"), html::attr(el, "id"));
    if (verdict == detail::Verdict::hidden) return true;
    if (!page_edge && verdict != detail::Verdict::boilerplate) return false;
    // A story card's own header, footer and meta classes ("entry-header",
    // "post-meta") hold its headline; a header left unclosed, or a
    // mis-marked wrapper ("site-header-wrap"), holds the whole listing.
    return verdict != detail::Verdict::content && !inside_card(el) && !above_main_.contains(el);
  }

 private:
  // True if `el` lies in an <article> that holds no other <article>: one
  // story's card, not a wrapper around the listing.
  bool inside_card(const xmlNode* el) {
    for (const xmlNode* n = el; n != nullptr && n->type == XML_ELEMENT_NODE; n = n->parent) {
      if (html::tag_of(n) == Tag::article) return !above_article_.contains(n);
    }
    return false;
  }

  static bool is_main(const xmlNode* el) { return html::tag_of(el) == Tag::main || html::attr(el, "role") == "main"; }

  // Adds the ancestors of `el` to `set`, stopping at one already in it.
  static void mark_ancestors(const xmlNode* el, NodeSet& set) {
    for (const xmlNode* up = el->parent; up != nullptr && set.insert(up).second; up = up->parent) {
    }
  }

  static bool is_label_candidate(const xmlNode* el) {
    if (html::is_heading(html::tag_of(el))) return true;
    const std::string cls = ascii_lower(html::attr(el, "class"));
    return cls.find("title") != std::string::npos || cls.find("titre") != std::string::npos ||
           cls.find("head") != std::string::npos || cls.find("label") != std::string::npos;
  }

  static bool holds_label_candidate(const xmlNode* root) {
    for (const xmlNode* n = root; n != nullptr;) {
      if (n->type == XML_ELEMENT_NODE) {
        if (is_label_candidate(n)) return true;
        if (n->children != nullptr) {
          n = n->children;
          continue;
        }
      }
      n = html::next_skipping_children(n, root);
    }
    return false;
  }

  // What a label heads: the box around it ("<section><h3>الأكثر قراءة</h3>
  // <ol>…</ol></section>", the label perhaps wrapped alone in a "box-head"),
  // or, when the label sits in the middle of a shared column or in the page's
  // main region, the siblings after it up to the next label.
  void mark_box(const xmlNode* label) {
    const xmlNode* inner = label;
    const xmlNode* up = inner->parent;
    for (; up != nullptr && up->type == XML_ELEMENT_NODE; inner = up, up = up->parent) {
      const Tag t = html::tag_of(up);
      if (t == Tag::body || t == Tag::html || t == Tag::main || html::attr(up, "role") == "main") break;
      const xmlNode* first = nullptr;
      bool alone = true;
      for (const xmlNode* c = up->children; c != nullptr; c = c->next) {
        if (c->type != XML_ELEMENT_NODE) continue;
        if (first == nullptr) first = c;
        alone = alone && c == inner;
      }
      if (alone) continue;
      if (first == inner) {
        side_boxes_.insert(up);
        return;
      }
      break;
    }
    for (const xmlNode* c = inner->next; c != nullptr; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      if (holds_label_candidate(c)) break;
      side_boxes_.insert(c);
    }
  }

  // One walk before the listing is read: the boxes headed by "الأكثر قراءة",
  // "Les plus lus", "Related", … whatever their classes say; the elements
  // around the main region, which are never chrome as a whole; and the
  // <article>s that hold others (wrappers, not cards).
  void survey(xmlNode* body) {
    for (xmlNode* n = body; n != nullptr;) {
      if (n->type == XML_ELEMENT_NODE && is_main(n)) mark_ancestors(n, above_main_);
      if (n->type == XML_ELEMENT_NODE && html::tag_of(n) == Tag::article) mark_ancestors(n, above_article_);
      if (n->type == XML_ELEMENT_NODE && is_label_candidate(n)) {
        const std::string label = text::collapse(html::inner_text(n, kMaxLabelBytes));
        if (!label.empty() && detail::is_side_box_line(label, text::count_chars(label))) {
          mark_box(n);
          n = html::next_skipping_children(n, body);
          continue;
        }
      }
      if (n->type == XML_ELEMENT_NODE && n->children != nullptr) {
        n = n->children;
        continue;
      }
      n = html::next_skipping_children(n, body);
    }
  }

  detail::ClassVerdicts verdicts_;
  NodeSet side_boxes_;
  NodeSet above_main_;     ///< ancestors of a <main> or role=main
  NodeSet above_article_;  ///< ancestors of an <article>
};

// ---- the walk --------------------------------------------------------------

// Calls `on_anchor(a)` for each <a> in `root`'s subtree (document order)
// outside the subtrees `skip` refuses, until it returns false.
template <class Skip, class OnAnchor>
void for_each_anchor(xmlNode* root, Skip&& skip, OnAnchor&& on_anchor) {
  for (xmlNode* n = root; n != nullptr;) {
    if (n->type == XML_ELEMENT_NODE && !skip(n)) {
      // Anchors are entered too: an unclosed <a> holds the rest of its list
      // in libxml2's tree, the anchors of the next items included.
      if (html::tag_of(n) == Tag::a && !on_anchor(n)) return;
      if (n->children != nullptr) {
        n = n->children;
        continue;
      }
    }
    n = html::next_skipping_children(n, root);
  }
}

const xmlNode* first_heading(const xmlNode* root) {
  for (const xmlNode* n = root->children; n != nullptr;) {
    if (n->type == XML_ELEMENT_NODE) {
      if (html::is_heading(html::tag_of(n))) return n;
      if (n->children != nullptr) {
        n = n->children;
        continue;
      }
    }
    n = html::next_skipping_children(n, root);
  }
  return nullptr;
}

// Text under `root` up to about `max_bytes`, leaving out anchors nested in
// it (each is a link of its own) and what is never text (scripts, styles).
std::string own_text(const xmlNode* root, std::size_t max_bytes) {
  std::string out;
  for (const xmlNode* n = root->children; n != nullptr && out.size() < max_bytes;) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      out += html::to_view(n->content);
    } else if (n->type == XML_ELEMENT_NODE && n->children != nullptr) {
      const Tag t = html::tag_of(n);
      if (t != Tag::a && !html::is_never_text(t)) {
        n = n->children;
        continue;
      }
    }
    n = html::next_skipping_children(n, root);
  }
  return out;
}

// The anchor's headline: a heading inside it (cards that link their whole
// teaser), its text, else its title attribute. Collapsed, NFC, cut.
std::string headline_of(const xmlNode* a, std::size_t max_chars) {
  const std::size_t max_bytes = max_chars * 4 + 64;
  const xmlNode* heading = first_heading(a);
  std::string title = text::collapse(own_text(heading != nullptr ? heading : a, max_bytes));
  if (title.empty()) title = text::collapse(html::attr(a, "title").substr(0, max_bytes));
  title = text::nfc(std::move(title));
  text::cut_chars(title, max_chars);
  return title;
}

bool reads_as_headline(std::string_view title, UrlShape shape) {
  const std::size_t chars = text::count_chars(title);
  const std::size_t words = title.empty() ? 0 : 1 + static_cast<std::size_t>(std::ranges::count(title, ' '));
  if (shape == UrlShape::article) return chars >= kHeadlineChars && words >= kHeadlineWords;
  return chars >= kPlainHeadlineChars && words >= kPlainHeadlineWords;
}

bool is_http_url(std::string_view url) { return url.starts_with("http://") || url.starts_with("https://"); }

bool has_userinfo(std::string_view url) {
  const std::size_t start = url.find("//") + 2;
  const std::size_t end = url.find_first_of("/?#", start);
  return url.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start).find('@') !=
         std::string_view::npos;
}

// Turns anchors into links: resolution, the site and URL rules, dedup, cap.
class LinkCollector {
 public:
  LinkCollector(std::string base, std::string_view page_url, UrlPattern& pattern, bool heuristics,
                const config::LimitsConfig& limits, std::vector<SectionLink>& out)
      : base_(std::move(base)),
        site_(site_of(url_host(page_url))),
        self_(canonicalize_url(page_url)),
        pattern_(pattern),
        heuristics_(heuristics),
        limits_(limits),
        out_(out) {}

  /// False once the cap is reached.
  bool add(const xmlNode* a) {
    if (out_.size() >= limits_.entries_per_feed) return false;
    auto url = link_url(html::attr(a, "href"));
    if (!url) return true;
    std::string key = canonicalize_url(*url);
    if (key == self_) return true;
    const auto seen = seen_.find(key);
    if (seen != seen_.end() && !out_[seen->second].title.empty()) return true;
    if (!pattern_.accepts(*url)) return true;
    std::string title = headline_of(a, limits_.title_chars);
    if (heuristics_) {
      const UrlShape shape = url_shape(*url);
      if (shape == UrlShape::hub || !reads_as_headline(title, shape)) return true;
    }
    if (seen != seen_.end()) {
      out_[seen->second].title = std::move(title);
      return true;
    }
    seen_.emplace(std::move(key), out_.size());
    out_.push_back({std::move(*url), std::move(title)});
    return out_.size() < limits_.entries_per_feed;
  }

 private:
  // The absolute http(s) URL of an href on this site, fragment dropped.
  std::optional<std::string> link_url(std::string_view href) {
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; };
    while (!href.empty() && blank(href.front())) href.remove_prefix(1);
    while (!href.empty() && blank(href.back())) href.remove_suffix(1);
    if (href.empty() || href.size() > kMaxHrefBytes || href.front() == '#') return std::nullopt;
    auto url = resolve_url(base_, href);
    if (!url || !is_http_url(*url) || has_userinfo(*url)) return std::nullopt;
    if (const std::size_t hash = url->find('#'); hash != std::string::npos) url->erase(hash);
    if (site_of(url_host(*url)) != site_) return std::nullopt;
    return url;
  }

  std::string base_;
  std::string site_;
  std::string self_;
  UrlPattern& pattern_;
  bool heuristics_;
  const config::LimitsConfig& limits_;
  std::vector<SectionLink>& out_;
  std::unordered_map<std::string, std::size_t> seen_;
};

// ---- the page --------------------------------------------------------------

// `<base href>` resolved against the page's URL, if it is http(s).
std::string base_url(xmlNode* root, std::string_view page_url) {
  static const Selector kBase = *parse_selector("base[href]");
  const auto bases = html::select_all(root, kBase, true);
  if (!bases.empty()) {
    if (auto base = resolve_url(page_url, html::attr(bases.front(), "href")); base && is_http_url(*base)) return *base;
  }
  return std::string(page_url);
}

std::string page_title(xmlNode* root, std::size_t max_chars) {
  const xmlNode* title = html::find_element(root, Tag::title, true);
  if (title == nullptr) return {};
  std::string out = text::nfc(text::collapse(html::inner_text(title, max_chars * 4 + 64)));
  text::cut_chars(out, max_chars);
  return out;
}

NodeSet excluded_nodes(xmlNode* root, const std::vector<Selector>& exclude) {
  NodeSet out;
  for (const auto& sel : exclude) {
    for (const xmlNode* n : html::select_all(root, sel, true)) out.insert(n);
  }
  return out;
}

bool under_any(const xmlNode* n, const NodeSet& set) {
  for (; n != nullptr; n = n->parent) {
    if (set.contains(n)) return true;
  }
  return false;
}

void collect_selected(xmlNode* root, const Selector& links, const NodeSet& excluded, LinkCollector& collector) {
  const auto skip = [&](const xmlNode* n) { return excluded.contains(n) || html::is_never_text(html::tag_of(n)); };
  const auto add = [&](const xmlNode* a) { return collector.add(a); };
  for (xmlNode* match : html::select_all(root, links, true)) {
    if (under_any(match, excluded)) continue;
    bool more = true;
    for_each_anchor(match, skip, [&](const xmlNode* a) { return more = add(a); });
    if (!more) break;
  }
}

void collect_by_heuristics(xmlNode* root, const NodeSet& excluded, LinkCollector& collector) {
  xmlNode* body = html::find_element(root, Tag::body, false);
  if (body == nullptr) body = root;
  Chrome chrome(body);
  for_each_anchor(
      body, [&](const xmlNode* n) { return excluded.contains(n) || chrome.skips(n); },
      [&](const xmlNode* a) { return collector.add(a); });
}

}  // namespace

Result<void> validate_section_rules(const SectionRules& rules) {
  auto compiled = compile_rules(rules);
  if (!compiled) return std::unexpected(compiled.error());
  return {};
}

Result<SectionPage> find_section_links(std::string_view html, std::string_view page_url, std::string_view charset,
                                       const SectionRules& rules, const config::LimitsConfig& limits) {
  auto compiled = compile_rules(rules);
  if (!compiled) return std::unexpected(compiled.error());
  if (!is_http_url(ascii_lower(page_url.substr(0, 8))) || url_host(page_url).empty())
    return fail(Errc::invalid_argument, "section page URL must be absolute http(s): " + std::string(page_url));

  SectionPage page;
  charset::Decoded decoded = decode_html(html, charset);
  if (decoded.text.find_first_not_of(" \t\r\n\f") == std::string::npos) return page;
  auto doc = html::parse_utf8(decoded.text);
  if (!doc) return std::unexpected(doc.error());
  decoded.text.clear();
  decoded.text.shrink_to_fit();
  xmlNode* root = xmlDocGetRootElement(doc->get());
  if (root == nullptr) return page;

  page.title = page_title(root, limits.title_chars);
  UrlPattern pattern(compiled->url_pattern.get());
  LinkCollector collector(base_url(root, page_url), page_url, pattern, !compiled->links, limits, page.links);
  const NodeSet excluded = excluded_nodes(root, compiled->exclude);
  if (compiled->links) {
    collect_selected(root, *compiled->links, excluded, collector);
  } else {
    collect_by_heuristics(root, excluded, collector);
  }
  return page;
}

}  // namespace newsd::parse
