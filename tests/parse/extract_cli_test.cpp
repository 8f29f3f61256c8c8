// `newsd extract` as a process: plain, --json and --batch (per-line errors,
// order, one JSON object per line). Skipped when the binary is not built.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "newsd/parse/extract.hpp"
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

// The batch writer escapes JSON by hand (article text is valid UTF-8 by the
// time it is written); a path from stdin may not be, and gets U+FFFD.
TEST_F(ExtractCli, BatchLinesEscapeTextAndPathsAsJson) {
  const std::string page =
      testing::read_fixture(testing::extract_data("cli/text-with-quotes-backslashes-and-line-separators.html"));
  const auto expected = extract_article(page, "", config::ExtractConfig{});
  ASSERT_TRUE(expected);
  ASSERT_NE(expected->text.find('"'), std::string::npos);
  ASSERT_NE(expected->text.find('\\'), std::string::npos);

  const fs::path dir = fs::temp_directory_path() / "newsd-extract-escapes";
  fs::create_directories(dir);
  const std::string name = "page \"one\" back\\slash \xFF.html";
  const fs::path copy = dir / name;
  { std::ofstream(copy, std::ios::binary) << page; }
  const fs::path list = dir / "list.txt";
  { std::ofstream(list, std::ios::binary) << copy.string() << "\n"; }
  const auto plain = run(std::string(NEWSD_BINARY) + " extract --batch < '" + list.string() + "'");
  const auto full = run(std::string(NEWSD_BINARY) + " extract --batch --json < '" + list.string() + "'");
  fs::remove_all(dir);

  const std::string shown_path = (dir / "page \"one\" back\\slash \xEF\xBF\xBD.html").string();
  for (const auto* r : {&plain, &full}) {
    ASSERT_EQ(r->status, 0);
    ASSERT_EQ(std::ranges::count(r->out, '\n'), 1) << r->out;
    EXPECT_EQ(r->out.find("\xE2\x80\xA8"), std::string::npos);
    EXPECT_EQ(r->out.find("\xE2\x80\xA9"), std::string::npos);
    const auto j = nlohmann::ordered_json::parse(r->out);
    EXPECT_EQ(j["text"], expected->text);
    EXPECT_EQ(j["file"], shown_path);
  }
  const auto j = nlohmann::ordered_json::parse(full.out);
  EXPECT_EQ(j.back(), shown_path);  // "file" comes after the spec's fields
  EXPECT_EQ(j["title"], "Quay \"North\" reopens");
}

}  // namespace
}  // namespace newsd::parse
