// The words the extractor reads in class/id attributes and in short lines:
// boilerplate, article-body and hidden markers (English, French, Arabic
// site conventions), section-stop lines and placeholder labels.
#include "extract_vocab.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <span>
#include <unordered_map>
#include <vector>

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
    "skip-link",  "read-next",    "readnext",     "most-view",  "mostview",  "plus-lu",         "pluslu",
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

// Parts of a class/id token (split at '-' and '_') that name the lead or
// standfirst: "standfirst", "article__lead", "c-chapo", "post-intro".
constexpr std::string_view kLeadParts[] = {
    "standfirst", "summary", "intro", "lead", "lede", "chapo", "chapeau", "sapo", "dek", "deck",
};

bool is_lead_token(std::string_view token) {
  while (!token.empty()) {
    const std::size_t end = token.find_first_of("-_");
    const std::string_view part = token.substr(0, end);
    if (std::ranges::find(kLeadParts, part) != std::end(kLeadParts)) return true;
    if (end == std::string_view::npos) break;
    token.remove_prefix(end + 1);
  }
  return false;
}

// kBoilerWords grouped by first byte. Nearly every class/id token of a page
// matches none of them; testing each word's first byte at each position
// instead of searching the token once per word (70 scans) makes that answer
// cheap, and class/id tokens are read for every element of every page.
class BoilerWordIndex {
 public:
  BoilerWordIndex() {
    for (std::string_view w : kBoilerWords) by_first_[static_cast<unsigned char>(w.front())].push_back(w);
  }
  bool found_in(std::string_view token) const {
    for (std::size_t i = 0; i < token.size(); ++i) {
      for (std::string_view w : by_first_[static_cast<unsigned char>(token[i])]) {
        if (token.substr(i).starts_with(w)) return true;
      }
    }
    return false;
  }

 private:
  std::array<std::vector<std::string_view>, 256> by_first_;
};

bool contains_boiler_word(std::string_view token) {
  static const BoilerWordIndex index;
  return index.found_in(token);
}

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
  if (contains_boiler_word(token)) return Verdict::boilerplate;
  return is_lead_token(token) ? Verdict::lead : Verdict::neutral;
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
      f.lead |= g.lead;
    }
    if (f.hidden) return Verdict::hidden;
    if (f.content) return Verdict::content;
    if (f.boiler) return Verdict::boilerplate;
    return f.lead ? Verdict::lead : Verdict::neutral;
  }

 private:
  struct Flags {
    bool boiler = false;
    bool content = false;
    bool hidden = false;
    bool lead = false;
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
        case Verdict::lead: f.lead = true; break;
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

namespace {

// Labels of boxes that sit beside or below the main text or listing: related
// and recommended stories, "most read", comments, share and newsletter boxes,
// tags. A section page's own listing is never headed by one of these.
constexpr std::string_view kSideBoxStops[] = {
    "related",        "you may also like", "you might also like", "recommended",         "popular posts",
    "most popular",   "most read",         "most viewed",         "most shared",         "editor's picks",
    "trending",       "comments",          "leave a reply",       "leave a comment",     "post a comment",
    "share this",     "share on",          "subscribe",           "sign up for",         "newsletter",
    "tags:",          "see also",          "also read",           "à lire aussi",        "a lire aussi",
    "lire aussi",     "sur le même sujet", "À lire aussi",        "À lire également",    "à lire également",
    "À voir aussi",   "partager",          "commentaires",        "articles similaires", "les plus lus",
    "les plus lues",  "les plus partagés", "recommandé",          "nos recommandations", "ذات صلة",
    "اقرأ أيضا",      "اقرأ أيضاً",         "إقرأ أيضا",           "إقرأ أيضاً",           "أخبار ذات صلة",
    "مقالات ذات صلة", "اترك تعليقاً",       "اترك تعليقا",         "التعليقات",           "شارك",
    "تابعنا",         "الأكثر قراءة",      "الأكثر قراءةً",        "الأكثر مشاهدة",       "الأكثر تداولا",
    "الأكثر تعليقا",  "الأكثر شعبية",      "اخترنا لك",           "قد يعجبك أيضا",       "قد يهمك",
    "أخبار متعلقة",   "موصى به",           "مواضيع ذات صلة",
};
// Labels that end an article's text but may head a section page's listing:
// "Latest", "Top stories", "More from", author boxes, previous/next links.
constexpr std::string_view kListingStops[] = {
    "more from", "more stories",          "read more",     "read next",       "top stories",
    "latest",    "about the author",      "filed under",   "further reading", "previous post",
    "next post", "dans la même rubrique", "أحدث المقالات", "المزيد من",
};

// The short line `text` lower-cased and trimmed of '#', spaces and final
// punctuation, or empty when it is too long to be a label (60 code points,
// four words).
std::string label_key(std::string_view text, std::size_t chars) {
  if (chars > 60) return {};
  std::string lowered = ascii_lower(text);
  std::string_view t = lowered;
  while (!t.empty() && (t.front() == ' ' || t.front() == '#')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == ':' || t.back() == '.')) t.remove_suffix(1);
  if (std::ranges::count(t, ' ') > 3) return {};
  return std::string(t);
}

// True if `key` starts with one of `stops`, the phrase ending at a word
// boundary: "Subscribers keep joining" is not a stop.
bool starts_with_stop(std::string_view key, std::span<const std::string_view> stops) {
  if (key.empty()) return false;
  return std::ranges::any_of(stops, [&](std::string_view stop) {
    return key.starts_with(stop) &&
           (key.size() == stop.size() || !std::isalpha(static_cast<unsigned char>(key[stop.size()])));
  });
}

}  // namespace

// Lines that open a non-article section: related/latest lists, comments,
// newsletter and share boxes, in English, French and Arabic.
bool is_section_stop_line(std::string_view text, std::size_t chars) {
  const std::string key = label_key(text, chars);
  return starts_with_stop(key, kSideBoxStops) || starts_with_stop(key, kListingStops);
}

bool is_side_box_line(std::string_view text, std::size_t chars) {
  return starts_with_stop(label_key(text, chars), kSideBoxStops);
}

// Phrases of comment-section disclaimers and policies. They sit between the
// article and its reader comments, so they also mark where the article ends.
bool is_comment_policy_line(std::string_view text, std::size_t chars) {
  if (chars > 400) return false;
  static constexpr std::string_view kPhrases[] = {
      "views expressed in the comments",
      "views expressed in comments",
      "comments are moderated",
      "comments do not reflect",
      "comments do not necessarily reflect",
      "comments are the sole responsibility",
      "comment policy",
      "add a comment",
      "les commentaires sont modérés",
      "commentaires sont soumis à modération",
      "commentaires n'engagent que",
      "commentaires n’engagent que",
      "charte de modération",
      "ajouter un commentaire",
      "الآراء الواردة في التعليقات",
      "التعليقات لا تعبر",
      "التعليقات لا تعبّر",
      "لا تعبر عن رأي الموقع",
      "لا تعبر بالضرورة عن رأي",
      "ترحب بالنقاش الهادف",
      "ترحب بتعليقات",
      "قد تستخدم بعض التعليقات",
      "سياسة التعليقات",
      "شروط التعليق",
      "أضف تعليق",
      "اضف تعليق",
  };
  // Every phrase holds one of these; most lines hold none, and are not copied.
  static constexpr std::string_view kCues[] = {"omment", "odération", "تعليق", "النقاش", "لا تعبر"};
  if (std::ranges::none_of(kCues, [&](std::string_view cue) { return text.find(cue) != std::string_view::npos; }))
    return false;
  const std::string lowered = ascii_lower(text);
  for (auto phrase : kPhrases) {
    if (lowered.find(phrase) != std::string::npos) return true;
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
