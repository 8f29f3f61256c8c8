// Taxonomy and model versions (classify::taxonomy_version, model_version):
// content hashes of what was loaded, so that an edit anywhere, an included
// file too, makes the tags stored with the old version outdated, while the
// same bytes read from another place are the same version.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "newsd/classify/model.hpp"
#include "newsd/classify/taxonomy.hpp"

namespace newsd::classify {
namespace {

namespace fs = std::filesystem;
const fs::path kTaxonomies = fs::path(NEWSD_TEST_DATA) / "classify/taxonomy";

class VersionTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("newsd-version-test-" + std::to_string(::getpid()) + "-" +
                                        testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string version_of(const fs::path& taxonomy) {
    auto loaded = load_taxonomy(taxonomy);
    EXPECT_TRUE(loaded.has_value()) << loaded.error().message;
    return loaded ? std::string(taxonomy_version(**loaded)) : std::string{};
  }

  fs::path dir_;
};

TEST_F(VersionTest, TaxonomyVersionFollowsTheBytesOfEveryFileNotTheirPlace) {
  const std::string original = version_of(kTaxonomies / "basic.toml");
  EXPECT_EQ(original.size(), 16u);
  EXPECT_EQ(original.find_first_not_of("0123456789abcdef"), std::string::npos) << original;

  // The same files elsewhere: the same version.
  fs::copy_file(kTaxonomies / "basic.toml", dir_ / "basic.toml");
  fs::copy_file(kTaxonomies / "basic-included.toml", dir_ / "basic-included.toml");
  EXPECT_EQ(version_of(dir_ / "basic.toml"), original);

  // An edit of the included file, even a comment, is a new version.
  std::ofstream(dir_ / "basic-included.toml", std::ios::app) << "# edited\n";
  const std::string included_edited = version_of(dir_ / "basic.toml");
  EXPECT_NE(included_edited, original);
  // And of the main file.
  std::ofstream(dir_ / "basic.toml", std::ios::app) << "# edited\n";
  const std::string both_edited = version_of(dir_ / "basic.toml");
  EXPECT_NE(both_edited, included_edited);
  EXPECT_NE(both_edited, original);
}

TEST_F(VersionTest, BytesMovedBetweenAFileAndItsIncludeAreAnotherVersion) {
  // Same bytes overall, split differently between the two files.
  std::ofstream(dir_ / "inc.toml") << "[tags.a]\nkind = \"topic\"\nen = [\"alpha\"]\n";
  std::ofstream(dir_ / "main.toml") << "include = [\"inc.toml\"]\n# x\n";
  const std::string first = version_of(dir_ / "main.toml");
  std::ofstream(dir_ / "inc.toml") << "[tags.a]\nkind = \"topic\"\nen = [\"alpha\"]\n# x\n";
  std::ofstream(dir_ / "main.toml") << "include = [\"inc.toml\"]\n";
  EXPECT_NE(version_of(dir_ / "main.toml"), first);
}

TEST_F(VersionTest, ModelVersionIsWhatLoadRecordsAndFollowsTheFileBytes) {
  TrainOptions options;
  options.data = fs::path(NEWSD_TEST_DATA) / "classify/model/separable-train.tsv";
  options.output = dir_ / "model.bin";
  options.threads = 1;
  options.epoch = 5;
  ASSERT_TRUE(train_model(options).has_value());
  auto hashed = model_version(dir_ / "model.bin");
  ASSERT_TRUE(hashed.has_value()) << hashed.error().message;
  auto loaded = Model::load(dir_ / "model.bin");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message;
  EXPECT_EQ(loaded->version(), *hashed);
  EXPECT_EQ(hashed->size(), 16u);

  fs::copy_file(dir_ / "model.bin", dir_ / "copy.bin");
  EXPECT_EQ(model_version(dir_ / "copy.bin").value(), *hashed);
  std::ofstream(dir_ / "copy.bin", std::ios::app | std::ios::binary) << '\0';
  EXPECT_NE(model_version(dir_ / "copy.bin").value(), *hashed);

  auto missing = model_version(dir_ / "absent.bin");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, Errc::io);
  fs::create_directories(dir_ / "a-directory.bin");
  EXPECT_EQ(model_version(dir_ / "a-directory.bin").error().code, Errc::io);
}

}  // namespace
}  // namespace newsd::classify
