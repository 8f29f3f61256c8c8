// The fastText model: training on a small slice of ASND, prediction on
// held-out posts, evaluation, file parsing.
#include "newsd/classify/model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
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

/// A scratch directory per test, removed afterwards.
class TrainModelTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("newsd-train-test-" + std::to_string(::getpid()) + "-" +
                                                     testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  TrainOptions options(const std::string& data, const std::string& model) const {
    TrainOptions o;
    o.data = kData + data;
    o.output = dir_ / model;
    o.threads = 1;  // one thread: fastText trains deterministically for a seed
    return o;
  }
  std::filesystem::path dir_;
};

TEST_F(TrainModelTest, AutotunedModelScoresAtLeastTheDefaultOnHeldOutData) {
  auto defaults = options("separable-train.tsv", "default.bin");
  // Deliberately weak starting settings, so the search has room to improve.
  // How many trials fit in the budget varies with the machine; the search
  // only replaces the starting settings by ones that scored higher on the
  // validation split, and on separable classes that carries over to the
  // held-out lines.
  defaults.epoch = 2;
  defaults.lr = 0.05;
  ASSERT_TRUE(train_model(defaults));
  auto tuned_options = defaults;
  tuned_options.output = dir_ / "tuned.bin";
  tuned_options.autotune_seconds = 3;
  tuned_options.max_bucket = 20'000;
  auto tuned = train_model(tuned_options);
  ASSERT_TRUE(tuned) << tuned.error().message;
  ASSERT_TRUE(tuned->autotune);
  EXPECT_EQ(tuned->autotune->starting_points, 3);  // the weak defaults, stock e25 lr 0.5, and with bigrams
  EXPECT_GE(tuned->autotune->trials, 3);
  EXPECT_GE(tuned->autotune->best_score, tuned->autotune->baseline_score);
  EXPECT_LE(tuned->autotune->best.bucket, 20'000);
  EXPECT_EQ(tuned->autotune->runs_per_trial, 3);     // three folds
  EXPECT_EQ(tuned->autotune->valid_examples, 120u);  // every example, once

  auto heldout = read_labeled_file(kData + "separable-heldout.tsv");
  ASSERT_TRUE(heldout);
  auto default_model = Model::load(dir_ / "default.bin");
  auto tuned_model = Model::load(dir_ / "tuned.bin");
  ASSERT_TRUE(default_model);
  ASSERT_TRUE(tuned_model) << tuned_model.error().message;
  const auto base = evaluate(*default_model, *heldout);
  const auto best = evaluate(*tuned_model, *heldout);
  EXPECT_GE(best.accuracy, base.accuracy);
  EXPECT_GE(best.macro_f1, base.macro_f1);
}

TEST_F(TrainModelTest, AutotuneUsesAGivenValidationFile) {
  auto o = options("separable-train.tsv", "tuned.bin");
  o.valid = kData + "separable-heldout.tsv";
  o.autotune_seconds = 1;
  o.max_bucket = 20'000;
  auto tuned = train_model(o);
  ASSERT_TRUE(tuned) << tuned.error().message;
  ASSERT_TRUE(tuned->autotune);
  EXPECT_EQ(tuned->autotune->valid_examples, 30u);
  EXPECT_EQ(tuned->autotune->runs_per_trial, 3);  // one seed per fold the options ask for
}

TEST_F(TrainModelTest, OneFoldHoldsOutTheValidationFraction) {
  auto o = options("separable-train.tsv", "tuned.bin");
  o.folds = 1;
  o.autotune_seconds = 1;
  o.max_bucket = 20'000;
  auto tuned = train_model(o);
  ASSERT_TRUE(tuned) << tuned.error().message;
  ASSERT_TRUE(tuned->autotune);
  EXPECT_EQ(tuned->autotune->runs_per_trial, 1);
  EXPECT_EQ(tuned->autotune->valid_examples, 12u);  // 10% of 40 per class, three classes
}

TEST_F(TrainModelTest, MaxSizeWritesAQuantizedModelUnderBudget) {
  auto full = options("asnd-slice-train.tsv", "slice.bin");
  auto full_report = train_model(full);
  ASSERT_TRUE(full_report);
  auto quantized = options("asnd-slice-train.tsv", "unpruned.ftz");
  quantized.quantize = true;
  auto quantized_report = train_model(quantized);
  ASSERT_TRUE(quantized_report);
  // A budget quantization alone does not meet: rows must be pruned too.
  const auto budget = quantized_report->model_bytes * 3 / 4;
  auto small = options("asnd-slice-train.tsv", "slice.ftz");
  small.max_size = budget;
  auto report = train_model(small);
  ASSERT_TRUE(report) << report.error().message;
  const auto bytes = std::filesystem::file_size(dir_ / "slice.ftz");
  EXPECT_LE(bytes, budget);
  EXPECT_EQ(report->model_bytes, bytes);
  EXPECT_LT(bytes, full_report->model_bytes);
  auto model = Model::load(dir_ / "slice.ftz");
  ASSERT_TRUE(model) << model.error().message;
  auto heldout = read_labeled_file(kData + "asnd-slice-heldout.tsv");
  ASSERT_TRUE(heldout);
  EXPECT_GT(evaluate(*model, *heldout).accuracy, 0.4);  // four classes: chance is 0.25
  EXPECT_FALSE(std::filesystem::exists(dir_ / "slice.ftz.full.tmp"));
}

TEST_F(TrainModelTest, ImpossibleMaxSizeIsAClearError) {
  auto o = options("asnd-slice-train.tsv", "tiny.ftz");
  o.max_size = 10;
  auto report = train_model(o);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, Errc::invalid_argument);
  EXPECT_NE(report.error().message.find("does not fit in 10 bytes"), std::string::npos) << report.error().message;
}

TEST_F(TrainModelTest, BadDataIsRejectedWithTheReason) {
  struct Case {
    std::string file, reason;
  };
  for (const auto& [file, reason] :
       {Case{"empty.tsv", "no training examples"}, Case{"one-label.tsv", "only one label (weather)"},
        Case{"malformed.tsv", "malformed.tsv:1: expected label"}}) {
    for (int seconds : {0, 1}) {
      auto o = options(file, "bad.bin");
      o.autotune_seconds = seconds;
      auto report = train_model(o);
      ASSERT_FALSE(report) << file;
      EXPECT_EQ(report.error().code, Errc::invalid_argument) << file;
      EXPECT_NE(report.error().message.find(reason), std::string::npos) << report.error().message;
      EXPECT_FALSE(std::filesystem::exists(dir_ / "bad.bin")) << file;
    }
  }
}

TEST(ValidationSplit, IsStratifiedDisjointAndSeeded) {
  auto data = read_labeled_file(kData + "asnd-slice-train.tsv");
  ASSERT_TRUE(data);
  const auto split = split_for_validation(*data, 0.1, 7);
  EXPECT_EQ(split.valid.size(), 60u);  // 15 of each of the four classes of 150
  EXPECT_EQ(split.train.size() + split.valid.size(), data->size());
  std::set<std::size_t> all(split.train.begin(), split.train.end());
  for (auto i : split.valid) EXPECT_TRUE(all.insert(i).second) << "index " << i << " is in both halves";
  EXPECT_EQ(all.size(), data->size());
  std::map<std::string, std::size_t> per_label;
  for (auto i : split.valid) ++per_label[(*data)[i].labels.front()];
  for (const auto& [label, n] : per_label) EXPECT_EQ(n, 15u) << label;
  EXPECT_EQ(per_label.size(), 4u);

  const auto again = split_for_validation(*data, 0.1, 7);
  EXPECT_EQ(again.valid, split.valid);
  EXPECT_NE(split_for_validation(*data, 0.1, 8).valid, split.valid);
}

TEST(ValidationSplit, SmallLabelsKeepAnExampleOnEachSide) {
  std::vector<LabeledText> data{{{"rare"}, "once"}, {{"pair"}, "one"}, {{"pair"}, "two"},
                                {{"common"}, "a"},  {{"common"}, "b"}, {{"common"}, "c"}};
  const auto split = split_for_validation(data, 0.1, 1);
  std::map<std::string, int> held;
  for (auto i : split.valid) ++held[data[i].labels.front()];
  EXPECT_EQ(held, (std::map<std::string, int>{{"common", 1}, {"pair", 1}}));  // "rare" stays in training
  EXPECT_EQ(split.train.size(), 4u);
}

TEST(Folds, PartitionTheDataStratifiedAndSeeded) {
  auto data = read_labeled_file(kData + "asnd-slice-train.tsv");
  ASSERT_TRUE(data);
  const auto folds = split_folds(*data, 3, 7);
  ASSERT_EQ(folds.size(), 3u);
  std::multiset<std::size_t> validated;
  for (const auto& fold : folds) {
    validated.insert(fold.valid.begin(), fold.valid.end());
    EXPECT_EQ(fold.train.size() + fold.valid.size(), data->size());
    std::set<std::size_t> both(fold.train.begin(), fold.train.end());
    for (auto i : fold.valid) EXPECT_TRUE(both.insert(i).second) << "index " << i << " trains and validates";
    EXPECT_TRUE(std::is_sorted(fold.valid.begin(), fold.valid.end()));
    EXPECT_TRUE(std::is_sorted(fold.train.begin(), fold.train.end()));
    std::map<std::string, std::size_t> per_label;
    for (auto i : fold.valid) ++per_label[(*data)[i].labels.front()];
    for (const auto& [label, n] : per_label) EXPECT_EQ(n, 50u) << label;  // 150 of each of four labels, in thirds
  }
  EXPECT_EQ(validated.size(), data->size());
  for (std::size_t i = 0; i < data->size(); ++i) EXPECT_EQ(validated.count(i), 1u) << "index " << i;

  EXPECT_EQ(split_folds(*data, 3, 7)[0].valid, folds[0].valid);
  EXPECT_NE(split_folds(*data, 3, 8)[0].valid, folds[0].valid);
}

TEST(Folds, SpreadSmallLabelsAndNeverComeOutEmpty) {
  std::vector<LabeledText> data{{{"a"}, "1"}, {{"b"}, "2"}, {{"c"}, "3"}, {{"d"}, "4"}, {{"d"}, "5"}};
  const auto folds = split_folds(data, 3, 1);
  ASSERT_EQ(folds.size(), 3u);
  // One example each of a, b, c: dealt on from label to label, they land
  // in three different folds instead of all in the first.
  for (const auto& fold : folds) EXPECT_FALSE(fold.valid.empty());
  EXPECT_EQ(split_folds(data, 8, 1).size(), 5u);  // no more folds than examples
}

TEST(StartingPoints, AreTheOptionsThenTheStockSettingsWithinBounds) {
  TrainOptions o;
  const auto points = autotune_starting_points(o);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[0], (TunedSettings{o.epoch, o.lr, o.dim, 1, 0, 0, 0}));
  EXPECT_EQ(points[1], (TunedSettings{25, 0.5, 100, 1, 0, 0, 0}));
  EXPECT_EQ(points[2], (TunedSettings{25, 0.5, 100, 2, o.max_bucket, 0, 0}));  // fastText's 2M buckets, capped

  o.epoch = 25;
  o.dim = 100;
  o.max_dim = 50;
  o.max_bucket = 3'000'000;
  const auto clamped = autotune_starting_points(o);
  ASSERT_EQ(clamped.size(), 2u);  // the options are the stock setting: tried once
  EXPECT_EQ(clamped[0], (TunedSettings{25, 0.5, 50, 1, 0, 0, 0}));
  EXPECT_EQ(clamped[1], (TunedSettings{25, 0.5, 50, 2, 2'000'000, 0, 0}));
}

TEST(ScorePredictions, CountsEveryPredictionOnceOverPooledRuns) {
  // Two runs' validation examples and predictions, scored as one set.
  const std::vector<LabeledText> gold{{{"war"}, "1"},    {{"war"}, "2"},    {{"sports"}, "3"},
                                      {{"sports"}, "4"}, {{"health"}, "5"}, {{"war", "health"}, "6"}};
  const std::vector<std::string> predicted{"war", "sports", "sports", "sports", "", "health"};
  const auto e = score_predictions(gold, predicted);
  EXPECT_EQ(e.examples, 6u);
  EXPECT_DOUBLE_EQ(e.accuracy, 4.0 / 6);  // the last counts: health is among its gold labels
  // war: tp 1, fn 2 -> P 1, R 1/3, F1 0.5; sports: tp 2, fp 1 -> P 2/3, R 1, F1 0.8;
  // health: fp 1, fn 1 -> F1 0. An empty prediction is a miss, not a label.
  EXPECT_DOUBLE_EQ(e.macro_f1, (0.5 + 0.8 + 0.0) / 3);
  ASSERT_EQ(e.classes.size(), 3u);
}

TEST(TrainModel, RejectsBadOptions) {
  TrainOptions o;
  o.data = kData + "separable-train.tsv";
  o.output = "/tmp/unused.bin";
  o.valid_fraction = 1.0;
  auto report = train_model(o);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, Errc::invalid_argument);
  o.valid_fraction = 0.1;
  for (int folds : {0, 11}) {
    o.folds = folds;
    auto bad_folds = train_model(o);
    ASSERT_FALSE(bad_folds) << folds;
    EXPECT_EQ(bad_folds.error().code, Errc::invalid_argument);
  }
  o.folds = 3;
  o.dim = 0;
  EXPECT_FALSE(train_model(o));
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
