// Article metadata: <head> meta tags, schema.org JSON-LD and a few body
// markers (first <h1>, rel=author, byline classes, <time datetime>,
// breadcrumbs). Each field keeps the strongest source that has it.
#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>
#include <regex>

#include "extract_internal.hpp"
#include "extract_text.hpp"
#include "json_bounded.hpp"
#include "newsd/base/ascii.hpp"
#include "newsd/parse/dates.hpp"
#include "newsd/parse/url.hpp"

namespace newsd::parse::detail {
namespace {

using html::Tag;
using nlohmann::json;

/// Source strength per field: lower index wins.
template <class T>
struct Ranked {
  std::optional<T> value;
  int rank = 1000;
  void offer(std::optional<T> v, int r) {
    if (v && r < rank) {
      value = std::move(v);
      rank = r;
    }
  }
};

std::optional<std::string> nonempty(std::string_view s) {
  std::string c = text::collapse(s);
  if (c.empty()) return std::nullopt;
  return c;
}

bool looks_like_url(std::string_view s) {
  return s.starts_with("http://") || s.starts_with("https://") || s.starts_with("//") || s.starts_with("/");
}

bool is_article_type(std::string_view t) {
  return t.ends_with("Article") || t == "BlogPosting" || t == "LiveBlogPosting" || t == "Report" ||
         t == "SocialMediaPosting" || t == "Blog";
}

bool has_article_type(const json& obj) {
  const auto it = obj.find("@type");
  if (it == obj.end()) return false;
  if (it->is_string()) return is_article_type(it->get_ref<const std::string&>());
  if (it->is_array()) {
    return std::ranges::any_of(
        *it, [](const json& t) { return t.is_string() && is_article_type(t.get_ref<const std::string&>()); });
  }
  return false;
}

std::string type_of(const json& obj) {
  const auto it = obj.find("@type");
  if (it != obj.end() && it->is_string()) return it->get<std::string>();
  return {};
}

std::optional<std::string> json_string(const json& obj, std::string_view key) {
  const auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  if (it->is_string()) return nonempty(it->get_ref<const std::string&>());
  if (it->is_array() && !it->empty() && it->front().is_string())
    return nonempty(it->front().get_ref<const std::string&>());
  return std::nullopt;
}

// Names from an `author` value: "X", {"name": "X"}, or an array of those.
std::optional<std::string> json_person_names(const json& v) {
  std::vector<std::string> names;
  auto add = [&](const json& p) {
    if (p.is_string()) {
      if (auto n = nonempty(p.get_ref<const std::string&>()); n && !looks_like_url(*n)) names.push_back(*n);
    } else if (p.is_object()) {
      if (auto n = json_string(p, "name")) names.push_back(*n);
    }
  };
  if (v.is_array()) {
    for (const auto& p : v) add(p);
  } else {
    add(v);
  }
  if (names.empty()) return std::nullopt;
  std::string out = names.front();
  for (std::size_t i = 1; i < names.size(); ++i) out += ", " + names[i];
  return out;
}

std::optional<std::string> json_image(const json& v) {
  if (v.is_string()) return nonempty(v.get_ref<const std::string&>());
  if (v.is_object()) return json_string(v, "url");
  if (v.is_array() && !v.empty()) return json_image(v.front());
  return std::nullopt;
}

struct Collected {
  Ranked<std::string> title, byline, site_name, canonical, section, image, language;
  Ranked<std::chrono::sys_seconds> published, updated;
  std::optional<std::string> html_title, h1;
  std::string jsonld_body;
  bool jsonld_article = false;
  bool in_body = false;
};

void read_jsonld_object(const json& obj, Collected& c) {
  if (!obj.is_object()) return;
  if (const auto g = obj.find("@graph"); g != obj.end() && g->is_array()) {
    for (const auto& item : *g) read_jsonld_object(item, c);
  }
  const std::string type = type_of(obj);
  if (type == "WebSite" || type == "Organization" || type == "NewsMediaOrganization") {
    if (type == "WebSite") c.site_name.offer(json_string(obj, "name"), 3);
    return;
  }
  if (!has_article_type(obj)) return;
  c.jsonld_article = true;
  c.title.offer(json_string(obj, "headline"), 1);
  if (const auto a = obj.find("author"); a != obj.end()) c.byline.offer(json_person_names(*a), 0);
  if (auto d = json_string(obj, "datePublished")) c.published.offer(parse_date(*d), 0);
  if (auto d = json_string(obj, "dateModified")) c.updated.offer(parse_date(*d), 0);
  c.section.offer(json_string(obj, "articleSection"), 1);
  if (const auto i = obj.find("image"); i != obj.end()) c.image.offer(json_image(*i), 2);
  if (const auto p = obj.find("publisher"); p != obj.end() && p->is_object())
    c.site_name.offer(json_string(*p, "name"), 2);
  if (const auto b = obj.find("articleBody"); b != obj.end() && b->is_string() && c.jsonld_body.empty()) {
    c.jsonld_body = b->get_ref<const std::string&>();
  }
}

void read_jsonld(std::string_view raw, Collected& c) {
  // Raw control characters inside strings are invalid JSON but common in
  // CMS output; as whitespace they are harmless everywhere in a document.
  std::string cleaned(raw);
  for (char& ch : cleaned) {
    if (static_cast<unsigned char>(ch) < 0x20) ch = ' ';
  }
  bool too_deep = false;  // what is that deep is nothing read_jsonld_object() looks for
  const json doc = parse_json_bounded(cleaned, too_deep);
  if (doc.is_discarded()) return;
  if (doc.is_array()) {
    for (const auto& item : doc) read_jsonld_object(item, c);
  } else {
    read_jsonld_object(doc, c);
  }
}

std::optional<std::string> language_subtag(std::string_view tag) {
  std::string t = ascii_lower(text::collapse(tag));
  const auto cut = t.find_first_of("-_");
  if (cut != std::string::npos) t.resize(cut);
  if (t.size() < 2 || t.size() > 3 || !std::ranges::all_of(t, [](char ch) { return ch >= 'a' && ch <= 'z'; }))
    return std::nullopt;
  return t;
}

void read_meta(const xmlNode* el, Collected& c) {
  std::string key(html::attr(el, "property"));
  if (key.empty()) key = html::attr(el, "name");
  if (key.empty()) key = html::attr(el, "itemprop");
  if (key.empty()) {
    if (ascii_lower(html::attr(el, "http-equiv")) == "content-language")
      c.language.offer(language_subtag(html::attr(el, "content")), 1);
    return;
  }
  key = ascii_lower(key);
  const auto content = html::attr(el, "content");
  if (content.empty()) return;
  auto v = [&] { return nonempty(content); };
  if (key == "og:title")
    c.title.offer(v(), 0);
  else if (key == "twitter:title")
    c.title.offer(v(), 2);
  else if (key == "og:site_name")
    c.site_name.offer(v(), 0);
  else if (key == "application-name")
    c.site_name.offer(v(), 4);
  else if (key == "og:url")
    c.canonical.offer(v(), 1);
  else if (key == "og:image" || key == "og:image:url" || key == "og:image:secure_url")
    c.image.offer(v(), 0);
  else if (key == "twitter:image" || key == "twitter:image:src")
    c.image.offer(v(), 1);
  else if (key == "article:published_time" || key == "datepublished")
    c.published.offer(parse_date(content), 1);
  else if (key == "article:modified_time" || key == "datemodified" || key == "og:updated_time")
    c.updated.offer(parse_date(content), 1);
  else if (key == "date" || key == "pubdate" || key == "publishdate" || key == "dc.date" || key == "dc.date.issued" ||
           key == "dcterms.created" || key == "sailthru.date" || key == "parsely-pub-date" || key == "publish-date" ||
           key == "article.published")
    c.published.offer(parse_date(content), 2);
  else if (key == "article:section" || key == "section")
    c.section.offer(v(), 0);
  else if (key == "author" || key == "article:author" || key == "byl" || key == "sailthru.author" ||
           key == "parsely-author" || key == "dc.creator" || key == "dcterms.creator") {
    if (auto a = v(); a && !looks_like_url(*a)) {
      std::string name = *a;
      if (ascii_lower(name).starts_with("by ")) name = name.substr(3);
      c.byline.offer(nonempty(name), key == "author" ? 1 : 2);
    }
  } else if (key == "og:locale")
    c.language.offer(language_subtag(content), 2);
}

// ASCII case-insensitive substring test (on purpose not a token test:
// "byline", "article-byline", "c-byline__author" all count).
bool class_has_word(std::string_view cls, std::string_view word) {
  if (word.size() > cls.size()) return false;
  for (std::size_t i = 0; i + word.size() <= cls.size(); ++i) {
    std::size_t k = 0;
    while (k < word.size()) {
      char c = cls[i + k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
      if (c != word[k]) break;
      ++k;
    }
    if (k == word.size()) return true;
  }
  return false;
}

std::string strip_by_prefix(std::string s) {
  static constexpr std::array<std::string_view, 7> prefixes = {"by ", "By ", "BY ", "Par ", "par ", "بقلم ", "كتب "};
  for (auto p : prefixes) {
    if (s.starts_with(p)) return s.substr(p.size());
  }
  return s;
}

void collect_link_texts(const xmlNode* node, std::vector<std::string>& out, int depth) {
  if (depth > 64) return;
  for (const xmlNode* n = node->children; n != nullptr; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    if (html::tag_of(n) == Tag::a) {
      if (auto t = nonempty(html::inner_text(n))) out.push_back(*t);
    } else {
      collect_link_texts(n, out, depth + 1);
    }
  }
}

// Raw text read of a byline candidate: far more than a byline.
constexpr std::size_t kBylineBytes = 4096;

void walk(const xmlNode* node, Collected& c, int depth) {
  if (depth > 256) return;
  for (const xmlNode* n = node->children; n != nullptr; n = n->next) {
    if (n->type != XML_ELEMENT_NODE) continue;
    const Tag tag = html::tag_of(n);
    switch (tag) {
      case Tag::meta: read_meta(n, c); continue;
      case Tag::title:
        if (!c.html_title) c.html_title = nonempty(html::inner_text(n));
        continue;
      case Tag::link: {
        const auto rel = ascii_lower(html::attr(n, "rel"));
        if (rel == "canonical") c.canonical.offer(nonempty(html::attr(n, "href")), 0);
        continue;
      }
      case Tag::script:
        if (ascii_lower(html::attr(n, "type")) == "application/ld+json") read_jsonld(html::inner_text(n), c);
        continue;
      case Tag::style:
      case Tag::noscript:
      case Tag::template_:
      case Tag::svg: continue;
      case Tag::h1:
        if (!c.h1) c.h1 = nonempty(html::inner_text(n));
        break;
      case Tag::time:
        if (auto dt = html::attr(n, "datetime"); !dt.empty()) {
          const auto itemprop = html::attr(n, "itemprop");
          if (itemprop == "dateModified") {
            c.updated.offer(parse_date(dt), 2);
          } else {
            c.published.offer(parse_date(dt), itemprop == "datePublished" ? 1 : 4);
          }
        }
        break;
      case Tag::body: c.in_body = true; break;
      default: break;
    }
    if (c.in_body && c.byline.rank > 3) {
      const auto rel = html::attr(n, "rel");
      const auto itemprop = html::attr(n, "itemprop");
      const auto cls = html::attr(n, "class");
      // Candidates nest (a byline div in a byline div…): reading each one's
      // text only up to a byline's size keeps the walk linear.
      if ((tag == Tag::a && rel == "author") || itemprop == "author") {
        c.byline.offer(nonempty(strip_by_prefix(text::collapse(html::inner_text(n, kBylineBytes)))), 3);
      } else if (!cls.empty() && (class_has_word(cls, "byline") || class_has_word(cls, "author-name") ||
                                  class_has_word(cls, "author_name"))) {
        auto t = text::collapse(html::inner_text(n, kBylineBytes));
        if (!t.empty() && text::count_chars(t) <= 80) c.byline.offer(nonempty(strip_by_prefix(t)), 4);
      }
    }
    if (c.in_body && c.section.rank > 3) {
      const auto cls = html::attr(n, "class");
      if (!cls.empty() && class_has_word(cls, "breadcrumb")) {
        // The last linked crumb is the article's section (the article itself,
        // when listed, is usually plain text).
        std::vector<std::string> crumbs;
        collect_link_texts(n, crumbs, 0);
        if (!crumbs.empty()) c.section.offer(crumbs.back(), 5);
      }
    }
    walk(n, c, depth + 1);
  }
}

// "Headline | Site" → "Headline": drops the segment naming the site, or else
// a trailing segment shorter than the rest.
std::string strip_site_suffix(const std::string& title, const std::optional<std::string>& site) {
  static constexpr std::array<std::string_view, 8> seps = {" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " ｜ "};
  for (auto sep : seps) {
    const auto at = title.rfind(sep);
    if (at == std::string::npos || at == 0) continue;
    const std::string head = title.substr(0, at);
    const std::string tail = title.substr(at + sep.size());
    if (site && text::loose_key(tail) == text::loose_key(*site)) return head;
    if (site && text::loose_key(head) == text::loose_key(*site)) return tail;
    if (text::count_chars(tail) * 2 < text::count_chars(head) && text::count_chars(tail) <= 40) return head;
  }
  return title;
}

std::optional<std::chrono::sys_seconds> date_from_url(std::string_view url) {
  static const std::regex pattern(R"(/(20\d\d|19\d\d)[/-](\d{1,2})[/-](\d{1,2})(?:/|[-_]|$))");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_search(url.begin(), url.end(), m, pattern)) return std::nullopt;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s-%02d-%02d", m[1].str().c_str(), std::stoi(m[2].str()), std::stoi(m[3].str()));
  return parse_date(buf);
}

std::optional<std::string> absolute(std::string_view base, const std::optional<std::string>& ref) {
  if (!ref) return std::nullopt;
  if (base.empty()) return has_scheme(*ref) ? ref : std::nullopt;
  if (auto r = resolve_url(base, *ref)) return r;
  return std::nullopt;
}

}  // namespace

PageMeta read_metadata(xmlDoc* doc, std::string_view url) {
  Collected c;
  xmlNode* root = xmlDocGetRootElement(doc);
  PageMeta meta;
  if (root == nullptr) return meta;
  if (auto lang = html::attr(root, "lang"); !lang.empty()) c.language.offer(language_subtag(lang), 0);
  walk(root, c, 0);

  meta.site_name = c.site_name.value;
  if (c.title.value) {
    meta.title = strip_site_suffix(*c.title.value, meta.site_name);
  } else if (c.h1) {
    meta.title = c.h1;
  } else if (c.html_title) {
    meta.title = strip_site_suffix(*c.html_title, meta.site_name);
  }
  meta.headline_h1 = c.h1;
  meta.byline = c.byline.value;
  // Sites without named authors credit the publication itself.
  if (meta.byline && meta.site_name && text::loose_key(*meta.byline) == text::loose_key(*meta.site_name))
    meta.byline.reset();
  meta.published = c.published.value;
  if (!meta.published && !url.empty()) meta.published = date_from_url(url);
  meta.updated = c.updated.value;
  const std::string_view base = url;
  meta.canonical_url = absolute(base, c.canonical.value);
  meta.section = c.section.value;
  meta.image =
      absolute(base.empty() && meta.canonical_url ? std::string_view(*meta.canonical_url) : base, c.image.value);
  meta.declared_language = c.language.value;
  meta.jsonld_body = std::move(c.jsonld_body);
  meta.jsonld_is_article = c.jsonld_article;
  return meta;
}

}  // namespace newsd::parse::detail
