// Per-tag scores of a tagger against labels, on a case small enough to
// count by hand.
#include "newsd/classify/tag_eval.hpp"

#include <gtest/gtest.h>

namespace newsd::classify {
namespace {

// A1 labelled defense, tagged defense + MA; A2 labelled cyber, tagged
// defense; A3 labelled defense + cyber, tagged cyber; A4 judged "not
// defense" (a removed label), tagged defense.
std::vector<JudgedArticle> hand_case() {
  return {
      {{"defense"}, {}, {"defense", "MA"}},
      {{"cyber"}, {}, {"defense"}},
      {{"defense", "cyber"}, {}, {"cyber"}},
      {{}, {"defense"}, {"defense"}},
  };
}

TEST(TagEval, CountsEachTagOverEveryJudgedArticle) {
  const auto scores = score_tags(hand_case(), {"defense", "cyber", "MA"});
  // MA was given but nobody labelled or removed it: not scored.
  ASSERT_EQ(scores.size(), 2u);
  const auto& cyber = scores[0];
  EXPECT_EQ(cyber.tag, "cyber");
  EXPECT_EQ(cyber.true_positives, 1u);  // A3
  EXPECT_EQ(cyber.false_positives, 0u);
  EXPECT_EQ(cyber.false_negatives, 1u);  // A2
  EXPECT_DOUBLE_EQ(cyber.precision, 1.0);
  EXPECT_DOUBLE_EQ(cyber.recall, 0.5);
  EXPECT_DOUBLE_EQ(cyber.f1, 2.0 / 3.0);
  EXPECT_EQ(cyber.support, 2u);
  EXPECT_EQ(cyber.predicted, 1u);

  const auto& defense = scores[1];
  EXPECT_EQ(defense.tag, "defense");
  EXPECT_EQ(defense.true_positives, 1u);   // A1
  EXPECT_EQ(defense.false_positives, 2u);  // A2, and A4 that a person said is not defense
  EXPECT_EQ(defense.false_negatives, 1u);  // A3
  EXPECT_DOUBLE_EQ(defense.precision, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(defense.recall, 0.5);
  EXPECT_DOUBLE_EQ(defense.f1, 0.4);
  EXPECT_EQ(defense.support, 2u);
  EXPECT_EQ(defense.predicted, 3u);

  EXPECT_DOUBLE_EQ(macro_f1(scores), (0.4 + 2.0 / 3.0) / 2);
}

TEST(TagEval, OnlyTagsTheTaggerKnowsAreScored) {
  const auto scores = score_tags(hand_case(), {"defense"});
  ASSERT_EQ(scores.size(), 1u);
  EXPECT_EQ(scores[0].tag, "defense");
  EXPECT_TRUE(score_tags(hand_case(), {}).empty());
  EXPECT_DOUBLE_EQ(macro_f1({}), 0.0);
}

TEST(TagEval, ATagNeverPredictedOrNeverLabelledScoresZeroNotNaN) {
  const std::vector<JudgedArticle> articles = {{{"sports"}, {}, {}}, {{}, {"politics"}, {"politics"}}};
  const auto scores = score_tags(articles, {"sports", "politics"});
  ASSERT_EQ(scores.size(), 2u);
  for (const auto& s : scores) {
    EXPECT_EQ(s.precision, 0.0) << s.tag;
    EXPECT_EQ(s.recall, 0.0) << s.tag;
    EXPECT_EQ(s.f1, 0.0) << s.tag;
  }
  EXPECT_EQ(scores[0].tag, "politics");
  EXPECT_EQ(scores[0].false_positives, 1u);
  EXPECT_EQ(scores[1].false_negatives, 1u);
}

}  // namespace
}  // namespace newsd::classify
