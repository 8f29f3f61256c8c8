#pragma once
// Vocabulary of the extractor: what class/id tokens and short lines mean.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

namespace newsd::parse::detail {

/// What an element's class and id say about it.
enum class Verdict : std::uint8_t {
  neutral,
  boilerplate,  ///< comments, related, share, nav, ads, cookie, … (en/fr/ar conventions)
  content,      ///< the article body itself ("entry-content", "article-body", …); outranks boilerplate
  hidden,       ///< not shown to readers ("sr-only", "d-none", "hidden" unless shown at some width)
  lead,         ///< the article's lead/standfirst ("standfirst", "chapo", "article__lead", …)
};

/// Verdicts for class/id pairs, memoised per class string. One per page.
class ClassVerdicts {
 public:
  ClassVerdicts();
  ~ClassVerdicts();
  Verdict of(std::string_view classes, std::string_view id);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

/// True if a line of `chars` code points opens a non-article section:
/// "Related articles", "Leave a Reply", "ذات صلة", "À lire aussi", … (at most
/// four words, the phrase ending at a word boundary).
bool is_section_stop_line(std::string_view text, std::size_t chars);

/// True if a line of `chars` code points labels a box beside the main text
/// or listing ("Most read", "Les plus lus", "الأكثر قراءة", "Related", "ذات
/// صلة", "Tags:", share and newsletter boxes): the is_section_stop_line()
/// phrases except those that may head a section page's own listing
/// ("Latest", "Top stories", "More from", "أحدث المقالات", "المزيد من").
bool is_side_box_line(std::string_view text, std::size_t chars);

/// True if a line (at most 400 code points) states a comment-section policy
/// or disclaimer: "The views expressed in the comments…", "Les commentaires
/// sont modérés", "الآراء الواردة في التعليقات لا تعبر عن رأي…", "… ترحب
/// بالنقاش الهادف", "Add a comment" prompts.
bool is_comment_policy_line(std::string_view text, std::size_t chars);

/// True if a line is only a placeholder label: "Advertisement", "إعلان",
/// repeated "spot_img", "Back to top", "زر الذهاب إلى الأعلى", …
bool is_placeholder_line(std::string_view text, std::size_t chars);

}  // namespace newsd::parse::detail
