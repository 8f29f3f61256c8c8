// The Arabic seed pages (tests/data/extract/seeds/, built from shared/seeds
// in three site layouts): body matches the gold paragraphs, no gold
// boilerplate line survives, title and byline are found where the gold has them.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "parse/extract_test_util.hpp"

namespace newsd::parse {
namespace {

namespace fs = std::filesystem;
using testing::read_fixture;

std::vector<fs::path> seed_pages() {
  std::vector<fs::path> out;
  const fs::path dir = testing::extract_data("seeds");
  if (!fs::is_directory(dir)) return out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".html") out.push_back(entry.path());
  }
  std::ranges::sort(out);
  return out;
}

class SeedPage : public ::testing::TestWithParam<fs::path> {};

TEST_P(SeedPage, MatchesGold) {
  const fs::path page = GetParam();
  const std::string id = page.filename().string().substr(0, page.filename().string().find('.'));
  const auto gold = nlohmann::json::parse(read_fixture(page.parent_path() / (id + ".gold.json")));
  auto result = extract_article(read_fixture(page), {}, {});
  ASSERT_TRUE(result) << result.error().describe();
  const auto& a = *result;

  std::string gold_body;
  for (const auto& p : gold["body_paragraphs"]) gold_body += p.get<std::string>() + "\n\n";
  const auto overlap = testing::shingle_overlap(gold_body, a.text);
  EXPECT_GE(overlap.f1(), 0.98) << "precision " << overlap.precision << " recall " << overlap.recall;

  for (const auto& line : gold["boilerplate_lines"]) {
    EXPECT_EQ(a.text.find(line.get<std::string>()), std::string::npos) << line;
  }
  if (gold["title"].is_string()) {
    EXPECT_EQ(a.title, gold["title"].get<std::string>());
  }
  if (gold["byline"].is_string()) {
    EXPECT_EQ(a.byline, gold["byline"].get<std::string>());
  }
  if (gold["section"].is_string() && a.section) {
    EXPECT_EQ(a.section, gold["section"].get<std::string>());
  }
  if (a.title) {
    EXPECT_EQ(a.text.find(*a.title), std::string::npos) << "title repeated in the body";
  }
  EXPECT_EQ(a.language, "ar");
}

INSTANTIATE_TEST_SUITE_P(Layouts, SeedPage, ::testing::ValuesIn(seed_pages()),
                         [](const ::testing::TestParamInfo<fs::path>& info) {
                           std::string name = info.param.stem().string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SeedPage);

}  // namespace
}  // namespace newsd::parse
