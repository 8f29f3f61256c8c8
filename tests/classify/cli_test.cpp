// The classify, train and eval subcommands, run as a user would.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "support/files.hpp"

namespace {

const std::string kData = NEWSD_TEST_DATA "/classify/";

struct CommandResult {
  int status = -1;
  std::string out;
};

CommandResult run(const std::string& args) {
  CommandResult result;
  const std::string command = std::string(NEWSD_BINARY) + " " + args + " 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::size_t count_lines(const std::string& text) {
  std::size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

class CliTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::filesystem::temp_directory_path() / ("newsd-cli-test-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    const CommandResult train =
        run("train --threads 1 --data " + kData + "model/asnd-slice-train.tsv --model " + (dir_ / "m.bin").string());
    ASSERT_EQ(train.status, 0) << train.out;
    EXPECT_NE(train.out.find("examples\t600"), std::string::npos) << train.out;
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(dir_); }
  static std::filesystem::path dir_;
};
std::filesystem::path CliTest::dir_;

TEST_F(CliTest, ClassifyTextFileAsJson) {
  const auto path = dir_ / "article.txt";
  std::ofstream(path) << "تعاون عسكري مغربي–إسرائيلي\n\nأعلن الجيش الإسرائيلي عن خطة عمل عسكرية مشتركة مع المغرب.\n";
  const CommandResult r = run("classify --json " + path.string());
  ASSERT_EQ(r.status, 0);
  const auto json = nlohmann::json::parse(r.out);
  EXPECT_EQ(json["language"], "ar");
  EXPECT_EQ(json["title"], "تعاون عسكري مغربي–إسرائيلي");
  std::set<std::string> names;
  for (const auto& tag : json["tags"]) names.insert(tag["name"].get<std::string>());
  EXPECT_TRUE(names.contains("MA"));
  EXPECT_TRUE(names.contains("IL"));
  EXPECT_TRUE(names.contains("defense"));
}

TEST_F(CliTest, ClassifyWithModelAddsModelTags) {
  const auto path = dir_ / "sport.txt";
  std::ofstream(path) << "فاز المنتخب المغربي في المباراة النهائية لكأس العالم لكرة القدم\n";
  const CommandResult r =
      run("classify --json --model " + (dir_ / "m.bin").string() + " --threshold 0 --top-k 1 " + path.string());
  ASSERT_EQ(r.status, 0);
  const auto json = nlohmann::json::parse(r.out);
  bool model_tag = false;
  for (const auto& tag : json["tags"]) model_tag |= tag["source"] == "model" && tag["name"] == "sports";
  EXPECT_TRUE(model_tag) << r.out;
}

TEST_F(CliTest, LinesGivesOneOutputLinePerInputLine) {
  const std::string input = kData + "model/asnd-slice-heldout.tsv";
  const std::string all = newsd::testing::read_file(input);
  const CommandResult r = run("classify --model " + (dir_ / "m.bin").string() + " --lines " + input);
  ASSERT_EQ(r.status, 0);
  EXPECT_EQ(count_lines(r.out), count_lines(all));
  EXPECT_EQ(r.out.find("\n\n"), std::string::npos);  // every line got a label
}

TEST_F(CliTest, LinesWithoutModelIsUsageError) {
  EXPECT_EQ(run("classify --lines " + kData + "model/asnd-slice-heldout.tsv").status, 2);
}

TEST_F(CliTest, TrainAutotuneReportsTheSearchAndWritesAUsableModel) {
  const auto model = (dir_ / "tuned.bin").string();
  const CommandResult r = run("train --autotune --budget 2s --threads 1 --max-bucket 20000 --data " + kData +
                              "model/separable-train.tsv --model " + model);
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("autotune_trials\t"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("starting_points\t3\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("runs_per_trial\t3\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("valid_examples\t120\n"), std::string::npos) << r.out;  // three folds: every example once
  EXPECT_NE(r.out.find("best\tepoch="), std::string::npos) << r.out;
  const CommandResult eval = run("eval --model " + model + " --data " + kData + "model/separable-heldout.tsv");
  ASSERT_EQ(eval.status, 0);
  EXPECT_NE(eval.out.find("examples\t30\n"), std::string::npos) << eval.out;
}

TEST_F(CliTest, TrainMaxSizeWritesAQuantizedModelUnderBudget) {
  const auto model = dir_ / "small.ftz";
  const CommandResult r =
      run("train --threads 1 --max-size 300k --data " + kData + "model/asnd-slice-train.tsv --model " + model.string());
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_LE(std::filesystem::file_size(model), 300'000u);
  EXPECT_EQ(run("eval --model " + model.string() + " --data " + kData + "model/asnd-slice-heldout.tsv").status, 0);
}

TEST_F(CliTest, TrainRejectsBadDataAndFlagsWithExitTwo) {
  const auto model = (dir_ / "bad.bin").string();
  for (const std::string file : {"empty.tsv", "one-label.tsv", "malformed.tsv"}) {
    EXPECT_EQ(run("train --data " + kData + "model/" + file + " --model " + model).status, 2) << file;
    EXPECT_EQ(run("train --autotune --budget 1s --data " + kData + "model/" + file + " --model " + model).status, 2)
        << file;
  }
  const std::string data = " --data " + kData + "model/separable-train.tsv";
  EXPECT_EQ(run("train --autotune --budget soon" + data + " --model " + model).status, 2);
  EXPECT_EQ(run("train --autotune --budget 1s --folds 0" + data + " --model " + model).status, 2);
  EXPECT_EQ(run("train --max-size 12Q" + data + " --model " + model).status, 2);
  EXPECT_EQ(run("train --max-size 0" + data + " --model " + model).status, 2);
  EXPECT_EQ(run("train" + data).status, 2);  // no --model
  EXPECT_FALSE(std::filesystem::exists(model));
}

TEST_F(CliTest, TrainExportInputWritesWhatFastTextSees) {
  const auto out = dir_ / "export.txt";
  ASSERT_EQ(run("train --data " + kData + "model/separable-heldout.tsv --export-input " + out.string()).status, 0);
  std::ifstream in(out);
  std::string line;
  std::size_t lines = 0;
  while (std::getline(in, line)) {
    ++lines;
    EXPECT_TRUE(line.starts_with("__label__")) << line;
  }
  EXPECT_EQ(lines, 30u);
}

TEST_F(CliTest, EvalPrintsAccuracyMacroF1AndPerClass) {
  const CommandResult r =
      run("eval --model " + (dir_ / "m.bin").string() + " --data " + kData + "model/asnd-slice-heldout.tsv");
  ASSERT_EQ(r.status, 0);
  std::istringstream lines(r.out);
  std::string line;
  std::getline(lines, line);
  EXPECT_TRUE(line.starts_with("examples\t")) << line;
  std::getline(lines, line);
  EXPECT_TRUE(line.starts_with("accuracy\t0.")) << line;
  std::getline(lines, line);
  EXPECT_TRUE(line.starts_with("macro_f1\t0.")) << line;
  std::getline(lines, line);
  EXPECT_EQ(line, "label\tprecision\trecall\tf1\tsupport");
  std::size_t classes = 0;
  while (std::getline(lines, line)) ++classes;
  EXPECT_EQ(classes, 4u);
}

TEST_F(CliTest, BadTaxonomyIsUsageErrorWithPosition) {
  const CommandResult r =
      run("classify --taxonomy " + kData + "taxonomy/syntax-error.toml " + kData + "model/README.md");
  EXPECT_EQ(r.status, 2);
}

}  // namespace
