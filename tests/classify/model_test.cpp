// The fastText model: training on a small slice of ASND, prediction on
// held-out posts, evaluation, file parsing.
#include "newsd/classify/model.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

namespace newsd::classify {
namespace {

const std::string kData = NEWSD_TEST_DATA "/classify/model/";

class ModelTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("newsd-model-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    TrainOptions options;
    options.data = kData + "asnd-slice-train.tsv";
    options.output = dir_ / "slice.bin";
    options.threads = 1;
    auto report = train_model(options);
    ASSERT_TRUE(report) << report.error().message;
    EXPECT_EQ(report->examples, 600u);
    EXPECT_EQ(report->labels, 4u);
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static std::filesystem::path dir_;
};
std::filesystem::path ModelTest::dir_;

TEST_F(ModelTest, PredictsHeldOutPostsBetterThanChance) {
  auto model = Model::load(dir_ / "slice.bin");
  ASSERT_TRUE(model) << model.error().message;
  auto heldout = read_labeled_file(kData + "asnd-slice-heldout.tsv");
  ASSERT_TRUE(heldout);
  const auto evaluation = evaluate(*model, *heldout);
  EXPECT_EQ(evaluation.examples, heldout->size());
  // Four balanced classes: chance is 0.25.
  EXPECT_GT(evaluation.accuracy, 0.5);
  EXPECT_EQ(evaluation.classes.size(), 4u);
}

TEST_F(ModelTest, PredictionsAreModelTagsWithProbabilities) {
  auto model = Model::load(dir_ / "slice.bin");
  ASSERT_TRUE(model);
  const auto tags =
      model->predict(Document{"", "فوز المنتخب في المباراة النهائية لكأس العالم لكرة القدم", "ar"}, 2, 0.0);
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0].name, "sports");
  EXPECT_EQ(tags[0].kind, TagKind::model);
  EXPECT_EQ(tags[0].source, TagSource::model);
  EXPECT_GE(tags[0].score, tags[1].score);
  EXPECT_LE(tags[0].score, 1.0);
  EXPECT_TRUE(model->predict_text("فوز المنتخب", 3, 1.01).empty());  // nothing reaches the threshold
  auto labels = model->labels();
  std::sort(labels.begin(), labels.end());
  EXPECT_EQ(labels, (std::vector<std::string>{"art-and-entertainment", "crime-war-conflict", "politics", "sports"}));
}

TEST_F(ModelTest, ConcurrentPredictionsAgree) {
  auto model = Model::load(dir_ / "slice.bin");
  ASSERT_TRUE(model);
  const std::string text = "اشتباكات مسلحة وقتلى في قصف على المدينة";
  const auto expected = model->predict_text(text, 1, 0.0).at(0).name;
  std::vector<std::thread> threads;
  std::vector<int> agree(3, 0);
  for (int i = 0; i < 3; ++i)
    threads.emplace_back([&, i] {
      for (int n = 0; n < 100; ++n) agree[i] += model->predict_text(text, 1, 0.0).at(0).name == expected;
    });
  for (auto& t : threads) t.join();
  for (int v : agree) EXPECT_EQ(v, 100);
}

TEST_F(ModelTest, QuantizedModelIsSmallerAndStillPredicts) {
  TrainOptions options;
  options.data = kData + "asnd-slice-train.tsv";
  options.output = dir_ / "slice.ftz";
  options.threads = 1;
  options.quantize = true;
  ASSERT_TRUE(train_model(options));
  EXPECT_LT(std::filesystem::file_size(dir_ / "slice.ftz"), std::filesystem::file_size(dir_ / "slice.bin"));
  auto model = Model::load(dir_ / "slice.ftz");
  ASSERT_TRUE(model) << model.error().message;
  auto heldout = read_labeled_file(kData + "asnd-slice-heldout.tsv");
  EXPECT_GT(evaluate(*model, *heldout).accuracy, 0.4);
}

TEST(ModelLoad, RejectsMissingAndNonModelFiles) {
  auto missing = Model::load("/nonexistent/model.bin");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::io);
  auto garbage = Model::load(kData + "README.md");
  ASSERT_FALSE(garbage);
  EXPECT_EQ(garbage.error().code, Errc::parse);
}

TEST(TrainModel, AutotuneNeedsValidation) {
  TrainOptions options;
  options.data = kData + "asnd-slice-train.tsv";
  options.output = "/tmp/unused.bin";
  options.autotune_seconds = 5;
  auto report = train_model(options);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, Errc::invalid_argument);
}

TEST(LabeledLines, ParsesLabelsAndText) {
  auto one = parse_labeled_line("sports\tنص الخبر");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->labels, (std::vector<std::string>{"sports"}));
  EXPECT_EQ(one->text, "نص الخبر");
  auto many = parse_labeled_line("defense, cyber ,\ttext\r");
  ASSERT_TRUE(many);
  EXPECT_EQ(many->labels, (std::vector<std::string>{"defense", "cyber"}));
  EXPECT_EQ(many->text, "text");
  EXPECT_FALSE(parse_labeled_line("no tab here"));
  EXPECT_FALSE(parse_labeled_line("\ttext without label"));
  EXPECT_FALSE(parse_labeled_line("label\t  "));
}

TEST(LabeledLines, MalformedFileNamesTheLine) {
  auto data = read_labeled_file(kData + "malformed.tsv");
  ASSERT_FALSE(data);
  EXPECT_EQ(data.error().code, Errc::invalid_argument);
  EXPECT_NE(data.error().message.find("malformed.tsv:1:"), std::string::npos);
}

}  // namespace
}  // namespace newsd::classify
