// `newsd extract` as a process: plain, --json and --batch (per-line errors,
// order, one JSON object per line). Skipped when the binary is not built.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "parse/extract_test_util.hpp"

namespace newsd::parse {
namespace {

namespace fs = std::filesystem;

struct Run {
  int status = -1;
  std::string out;
};

Run run(const std::string& command) {
  Run r;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  r.status = pclose(pipe);
  return r;
}

class ExtractCli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(NEWSD_BINARY)) GTEST_SKIP() << "newsd binary not built";
  }
  std::string fixture(const std::string& rel) { return testing::extract_data(rel).string(); }
};

TEST_F(ExtractCli, PlainPrintsTheBody) {
  const auto r = run(std::string(NEWSD_BINARY) + " extract " + fixture("boilerplate/comments-form-and-list.html"));
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(r.out.starts_with("The regional council approved"));
  EXPECT_EQ(r.out.find("Leave a Reply"), std::string::npos);
}

TEST_F(ExtractCli, JsonHasEncodingAndMetadata) {
  const auto r = run(std::string(NEWSD_BINARY) + " extract --json --url https://x.example/a " +
                     fixture("charset/ar-windows-1256-meta-charset.html"));
  ASSERT_EQ(r.status, 0);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["encoding"], "windows-1256");
  EXPECT_EQ(j["url"], "https://x.example/a");
  EXPECT_EQ(j["language"], "ar");
}

TEST_F(ExtractCli, UnreadableFileExitsNonZero) {
  const auto r = run(std::string(NEWSD_BINARY) + " extract /nonexistent/page.html 2>/dev/null");
  EXPECT_NE(r.status, 0);
  EXPECT_TRUE(r.out.empty());
}

TEST_F(ExtractCli, BatchKeepsOrderAndSurvivesBadFiles) {
  const fs::path list = fs::temp_directory_path() / "newsd-extract-batch.txt";
  {
    std::ofstream out(list);
    out << fixture("boilerplate/hidden-elements.html") << "\thttps://rail.example/strike\n";
    out << "/nonexistent/missing.html\n";
    out << fixture("boilerplate/section-front-no-article.html") << "\n";
  }
  const auto r = run(std::string(NEWSD_BINARY) + " extract --batch < " + list.string());
  fs::remove(list);
  ASSERT_EQ(r.status, 0);
  std::istringstream lines(r.out);
  std::vector<nlohmann::json> objects;
  for (std::string line; std::getline(lines, line);) objects.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(objects.size(), 3u);
  EXPECT_TRUE(objects[0]["text"].get<std::string>().starts_with("Rail unions"));
  EXPECT_TRUE(objects[1].contains("error"));
  EXPECT_EQ(objects[1]["file"], "/nonexistent/missing.html");
  EXPECT_EQ(objects[2]["text"], "");
}

TEST_F(ExtractCli, BatchJsonCarriesFullObjects) {
  const fs::path list = fs::temp_directory_path() / "newsd-extract-batch-json.txt";
  {
    std::ofstream out(list);
    out << fixture("meta/opengraph-and-meta-tags.html") << "\n";
  }
  const auto r = run(std::string(NEWSD_BINARY) + " extract --batch --json < " + list.string());
  fs::remove(list);
  ASSERT_EQ(r.status, 0);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["title"], "Le port agrandit son terminal");
  EXPECT_TRUE(j.contains("file"));
  EXPECT_TRUE(j.contains("paragraphs"));
}

}  // namespace
}  // namespace newsd::parse
