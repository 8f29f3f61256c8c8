// The shared seed articles (copies of /work/shared/seeds/*.gold.json under
// tests/data/classify/seeds): classified on their gold title and body with
// the default taxonomy, each gets every required country and topic, none of
// its forbidden tags, and no country outside its must/may lists.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "newsd/classify/taxonomy.hpp"

namespace newsd::classify {
namespace {

std::set<std::string> strings(const nlohmann::json& array) {
  std::set<std::string> out;
  for (const auto& v : array) out.insert(v.get<std::string>());
  return out;
}

class SeedTest : public testing::TestWithParam<std::string> {};

TEST_P(SeedTest, GetsGoldTags) {
  static const auto taxonomy = load_taxonomy(NEWSD_SOURCE_DIR "/config/taxonomy/default.toml");
  ASSERT_TRUE(taxonomy) << taxonomy.error().message;
  std::ifstream in(GetParam());
  const auto gold = nlohmann::json::parse(in);
  Document doc;
  if (gold["title"].is_string()) doc.title = gold["title"].get<std::string>();
  for (const auto& paragraph : gold["body_paragraphs"]) doc.body += paragraph.get<std::string>() + "\n\n";

  const auto tags = RuleTagger(*taxonomy).tag(doc);
  std::set<std::string> got, countries;
  std::string listing;
  for (const auto& t : tags) {
    got.insert(t.name);
    if (t.kind == TagKind::country) countries.insert(t.name);
    listing += t.name + "=" + std::to_string(t.score) + " ";
  }
  const auto& expected = gold["tags"];
  for (const auto& name : strings(expected["countries_must"]))
    EXPECT_TRUE(got.contains(name)) << name << " | " << listing;
  for (const auto& name : strings(expected["topics_must"])) EXPECT_TRUE(got.contains(name)) << name << " | " << listing;
  for (const auto& name : strings(expected["must_not"])) EXPECT_FALSE(got.contains(name)) << name << " | " << listing;
  auto allowed = strings(expected["countries_must"]);
  allowed.merge(strings(expected["countries_may"]));
  for (const auto& name : countries) EXPECT_TRUE(allowed.contains(name)) << "unexpected " << name << " | " << listing;

  // The story's subject outranks countries mentioned in passing.
  const auto first_country =
      std::find_if(tags.begin(), tags.end(), [](const Tag& t) { return t.kind == TagKind::country; });
  ASSERT_NE(first_country, tags.end());
  EXPECT_TRUE(strings(expected["countries_must"]).contains(first_country->name)) << listing;
}

std::vector<std::string> seed_files() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(NEWSD_TEST_DATA "/classify/seeds"))
    if (entry.path().string().ends_with(".gold.json")) out.push_back(entry.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(Seeds, SeedTest, testing::ValuesIn(seed_files()), [](const auto& info) {
  return "seed_" + std::filesystem::path(info.param).filename().string().substr(0, 3);
});

}  // namespace
}  // namespace newsd::classify
