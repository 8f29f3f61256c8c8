#pragma once
/// Scoring a tagger (the rules, the model) against people's labels, tag by
/// tag: `newsd eval --from-store`.
#include <cstddef>
#include <set>
#include <string>
#include <vector>

namespace newsd::classify {

/// One labelled article as the scorer sees it.
struct JudgedArticle {
  std::set<std::string> labels;     ///< tags a person says it has
  std::set<std::string> rejected;   ///< tags a person says it has not (removed labels)
  std::set<std::string> predicted;  ///< tag names the tagger gave it
};

/// A tagger's figures on one tag.
struct TagScore {
  std::string tag;
  std::size_t true_positives = 0, false_positives = 0, false_negatives = 0;
  double precision = 0, recall = 0, f1 = 0;  ///< 0 when undefined (nothing predicted, nothing labelled)
  std::size_t support = 0;                   ///< articles labelled with the tag
  std::size_t predicted = 0;                 ///< articles the tagger gave it
};

/// Per-tag precision, recall and F1 of the tagger over `articles`, for each
/// tag named by a label or a removal (in name order) that `known` holds:
/// the tags the tagger can give at all, so a model label is not scored as
/// a rule that never fires. Each article's labels are taken as complete: a
/// predicted tag the article is not labelled with is a false positive.
std::vector<TagScore> score_tags(const std::vector<JudgedArticle>& articles, const std::set<std::string>& known);

/// Mean F1 of `scores` (0 when empty).
double macro_f1(const std::vector<TagScore>& scores);

}  // namespace newsd::classify
