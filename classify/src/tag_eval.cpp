#include "newsd/classify/tag_eval.hpp"

namespace newsd::classify {
namespace {

double ratio(std::size_t part, std::size_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

TagScore score_one(const std::vector<JudgedArticle>& articles, const std::string& tag) {
  TagScore s;
  s.tag = tag;
  for (const auto& article : articles) {
    const bool labelled = article.labels.contains(tag);
    const bool predicted = article.predicted.contains(tag);
    s.true_positives += labelled && predicted;
    s.false_positives += !labelled && predicted;
    s.false_negatives += labelled && !predicted;
  }
  s.support = s.true_positives + s.false_negatives;
  s.predicted = s.true_positives + s.false_positives;
  s.precision = ratio(s.true_positives, s.predicted);
  s.recall = ratio(s.true_positives, s.support);
  if (s.precision + s.recall > 0) s.f1 = 2 * s.precision * s.recall / (s.precision + s.recall);
  return s;
}

}  // namespace

std::vector<TagScore> score_tags(const std::vector<JudgedArticle>& articles, const std::set<std::string>& known) {
  std::set<std::string> judged;
  for (const auto& article : articles) {
    judged.insert(article.labels.begin(), article.labels.end());
    judged.insert(article.rejected.begin(), article.rejected.end());
  }
  std::vector<TagScore> out;
  for (const auto& tag : judged) {
    if (known.contains(tag)) out.push_back(score_one(articles, tag));
  }
  return out;
}

double macro_f1(const std::vector<TagScore>& scores) {
  double sum = 0;
  for (const auto& s : scores) sum += s.f1;
  return scores.empty() ? 0.0 : sum / static_cast<double>(scores.size());
}

}  // namespace newsd::classify
