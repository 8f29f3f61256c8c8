// The words the extractor reads in class/id attributes and in short lines:
// boilerplate, article-body and hidden markers (English, French, Arabic
// site conventions), section-stop lines and placeholder labels.
#include "extract_vocab.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include "extract_text.hpp"
#include "newsd/base/ascii.hpp"

namespace newsd::parse::detail {
namespace {

// Substrings of a class/id token that mark boilerplate. Tokens are lower-cased.
constexpr std::string_view kBoilerWords[] = {
    "comment",    "respond",      "reply",        "related",    "share-",    "share_",          "sharing",
    "sharedaddy", "sharethis",    "shareaholic",  "sharebar",   "social",    "follow",          "newsletter",
    "subscri",    "breadcrumb",   "sidebar",      "promo",      "advert",    "cookie",          "consent",
    "gdpr",       "popup",        "modal",        "banner",     "masthead",  "navbar",          "navigation",
    "menu",       "footer",       "pagination",   "pager",      "disqus",    "outbrain",        "taboola",
    "recommend",  "trending",     "popular",      "most-read",  "mostread",  "more-stories",    "also-read",
    "author-bio", "authorbio",    "about-author", "author-box", "authorbox", "byline",          "post-meta",
    "entry-meta", "article-meta", "tag-list",     "taglist",    "post-tags", "entry-tags",      "signup",
    "sign-up",    "login",        "toolbar",      "sponsor",    "donate",    "jp-relatedposts", "yarpp",
    "skip-link",  "read-next",    "readnext",
};
// Whole tokens that mark boilerplate (too short to match as substrings).
constexpr std::string_view kBoilerTokens[] = {
    "ad",
    "ads",
    "adsbygoogle",
    "advertisement",
    "nav",
    "tags",
    "tagcloud",
    "header",
    "site-header",
    "page-header",
    "entry-header",
    "article-header",
    "post-header",
    "meta",
    "print",
    "rating",
    "share",
    "dfp",
    "gpt-ad",
    "crumbs",
    "top-bar",
    "topbar",
    "cta",
    "btn",
    "button",
    "toc",
    "ez-toc-container",
    "table-of-contents",
};
// Tokens marking the article body itself; they overrule the words above.
constexpr std::string_view kContentWords[] = {
    "article-body",  "articlebody",   "article__body",   "article-content", "article__content", "articlecontent",
    "entry-content", "post-content",  "postcontent",     "post-body",       "postbody",         "story-body",
    "storybody",     "story-content", "content-body",    "body-text",       "bodytext",         "article-text",
    "articletext",   "main-content",  "td-post-content", "single-content",  "blog-content",     "rich-text",
    "richtext",      "article_body",  "entry_content",
};
// Tokens that hide an element from readers.
constexpr std::string_view kHiddenTokens[] = {
    "hidden",    "d-none",   "sr-only", "screen-reader-text", "visually-hidden", "visuallyhidden",
    "is-hidden", "u-hidden", "hide",
};

bool is_state_modifier(std::string_view token) {
  // WordPress and BEM state classes ("has-sidebar", "comments-open") describe
  // the page, not the element.
  return token.starts_with("has-") || token.starts_with("is-") || token.starts_with("no-") ||
         token.starts_with("with-") || token.starts_with("show-") || token.ends_with("-open") ||
         token.ends_with("-closed") || token.starts_with("tag-") || token.starts_with("category-") ||
         token.starts_with("page-template") || token.starts_with("single-") || token.starts_with("post-type") ||
         token.find("layout") != std::string_view::npos;
}

Verdict classify_token(std::string_view token) {
  if (token.empty()) return Verdict::neutral;
  for (auto w : kContentWords) {
    if (token == w) return Verdict::content;
  }
  for (auto w : kHiddenTokens) {
    if (token == w) return Verdict::hidden;
  }
  if (is_state_modifier(token)) return Verdict::neutral;
  for (auto w : kBoilerTokens) {
    if (token == w) return Verdict::boilerplate;
  }
  // "ad-slot", "ads-wrapper", "top-ad": an ad token at either end.
  if (token.starts_with("ad-") || token.starts_with("ads-") || token.ends_with("-ad") || token.ends_with("-ads") ||
      token.starts_with("ad_") || token.ends_with("_ad"))
    return Verdict::boilerplate;
  if (token.ends_with("share")) return Verdict::boilerplate;
  if (token.find("author") != std::string_view::npos) return Verdict::boilerplate;
  if ((token.starts_with("cta-") || token.ends_with("-cta") || token.starts_with("btn-") || token.ends_with("-btn")))
    return Verdict::boilerplate;
  for (auto w : kBoilerWords) {
    if (token.find(w) != std::string_view::npos) return Verdict::boilerplate;
  }
  return Verdict::neutral;
}

}  // namespace

// Verdict for an element's class and id. Class strings are memoised per page
// because templates repeat the same few hundred of them thousands of times;
// ids are nearly all distinct and are one token, so they are not.
class ClassVerdicts::Impl {
 public:
  Verdict of(std::string_view classes, std::string_view id) {
    Flags f;
    if (!classes.empty()) {
      if (auto it = classes_.find(classes); it != classes_.end()) {
        f = it->second;
      } else {
        f = scan(classes, true);
        if (f.hidden && shown_at_some_width(classes)) f.hidden = false;
        classes_.emplace(std::string(classes), f);
      }
    }
    if (!id.empty()) {
      const Flags g = scan(id, false);
      f.boiler |= g.boiler;
      f.content |= g.content;
      f.hidden |= g.hidden;
    }
    if (f.hidden) return Verdict::hidden;
    if (f.content) return Verdict::content;
    return f.boiler ? Verdict::boilerplate : Verdict::neutral;
  }

 private:
  struct Flags {
    bool boiler = false;
    bool content = false;
    bool hidden = false;
  };

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  Flags scan(std::string_view list, bool split) {
    lowered_.assign(list);
    for (char& c : lowered_) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    }
    Flags f;
    std::string_view rest = lowered_;
    while (!rest.empty()) {
      const std::size_t start = rest.find_first_not_of(" \t\n\r\f");
      if (start == std::string_view::npos) break;
      rest.remove_prefix(start);
      const std::size_t end = split ? rest.find_first_of(" \t\n\r\f") : std::string_view::npos;
      const std::string_view token = rest.substr(0, end);
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
      switch (classify_token(token)) {
        case Verdict::content: f.content = true; break;
        case Verdict::boilerplate: f.boiler = true; break;
        case Verdict::hidden: f.hidden = true; break;
        case Verdict::neutral: break;
      }
    }
    return f;
  }

  // Utility-class frameworks hide on small screens only: "hidden md:block".
  static bool shown_at_some_width(std::string_view classes) {
    for (std::string_view display : {":block", ":flex", ":grid", ":inline", ":table", ":contents"}) {
      if (classes.find(display) != std::string_view::npos) return true;
    }
    return false;
  }

  std::string lowered_;
  std::unordered_map<std::string, Flags, Hash, std::equal_to<>> classes_;
};

ClassVerdicts::ClassVerdicts() : impl_(std::make_unique<Impl>()) {}
ClassVerdicts::~ClassVerdicts() = default;
Verdict ClassVerdicts::of(std::string_view classes, std::string_view id) { return impl_->of(classes, id); }

// Lines that open a non-article section: related/latest lists, comments,
// newsletter and share boxes, in English, French and Arabic.
bool is_section_stop_line(std::string_view text, std::size_t chars) {
  if (chars > 60) return false;
  static constexpr std::string_view kStops[] = {
      "related",
      "you may also like",
      "you might also like",
      "more from",
      "more stories",
      "read more",
      "read next",
      "recommended",
      "popular posts",
      "most popular",
      "latest",
      "trending",
      "comments",
      "leave a reply",
      "leave a comment",
      "post a comment",
      "share this",
      "share on",
      "subscribe",
      "sign up for",
      "newsletter",
      "about the author",
      "tags:",
      "filed under",
      "further reading",
      "see also",
      "also read",
      "previous post",
      "next post",
      "à lire aussi",
      "a lire aussi",
      "lire aussi",
      "sur le même sujet",
      "À lire aussi",
      "À lire également",
      "à lire également",
      "À voir aussi",
      "partager",
      "commentaires",
      "articles similaires",
      "dans la même rubrique",
      "ذات صلة",
      "اقرأ أيضا",
      "اقرأ أيضاً",
      "إقرأ أيضا",
      "إقرأ أيضاً",
      "أحدث المقالات",
      "أخبار ذات صلة",
      "مقالات ذات صلة",
      "اترك تعليقاً",
      "اترك تعليقا",
      "التعليقات",
      "شارك",
      "تابعنا",
      "الأكثر قراءة",
      "مواضيع ذات صلة",
      "المزيد من",
  };
  std::string lowered = ascii_lower(text);
  std::string_view t = lowered;
  while (!t.empty() && (t.front() == ' ' || t.front() == '#')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == ':' || t.back() == '.')) t.remove_suffix(1);
  const auto words = 1 + std::ranges::count(t, ' ');
  if (words > 4) return false;
  for (auto stop : kStops) {
    // The phrase must end at a word boundary: "Subscribers keep joining" is not a stop.
    if (t.starts_with(stop) && (t.size() == stop.size() || !std::isalpha(static_cast<unsigned char>(t[stop.size()]))))
      return true;
  }
  return false;
}

// Labels that stand alone where an ad or a lazy-loaded image was.
bool is_placeholder_line(std::string_view text, std::size_t chars) {
  if (chars > 40) return false;
  static constexpr std::string_view kLabels[] = {
      "advertisement",
      "advertisment",
      "ad",
      "sponsored",
      "sponsored content",
      "publicité",
      "publicite",
      "annonce",
      "إعلان",
      "اعلان",
      "إعلانات",
      "spot_img",
      "continue reading below",
      "story continues below",
      "article continues below",
      "scroll to continue",
      "loading...",
      "loading",
      "back to top",
      "زر الذهاب إلى الأعلى",
      "العودة إلى الأعلى",
      "retour en haut",
  };
  std::string lowered = ascii_lower(text);
  std::string_view t = lowered;
  while (t.starts_with("spot_img")) t.remove_prefix(8);  // WordPress "spot_img" placeholders, often repeated
  if (t.empty()) return true;
  return std::ranges::find(kLabels, t) != std::end(kLabels);
}

}  // namespace newsd::parse::detail
