// The feed conformance corpus: every tests/data/feeds/<category>/NAME.xml|json
// is parsed and its JSON compared, semantically, with NAME.expected.json
// (see tests/data/feeds/tools/ for how the expectations were drafted).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "newsd/parse/feed.hpp"
#include "support/files.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kCorpus = fs::path(NEWSD_TEST_DATA) / "feeds";

using newsd::testing::read_file;

std::vector<fs::path> corpus_inputs() {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(kCorpus)) {
    const fs::path& p = e.path();
    // tools/ drafts the corpus; hostile/ holds feed_hostile_test.cpp's inputs.
    if (!e.is_regular_file() || p.parent_path().filename() == "tools" || p.parent_path().filename() == "hostile")
      continue;
    const std::string name = p.filename().string();
    if (name.ends_with(".expected.json") || (p.extension() != ".xml" && p.extension() != ".json")) continue;
    out.push_back(p);
  }
  std::ranges::sort(out);
  return out;
}

// Encoding names compare as Python's codecs would: case, punctuation and
// the windows-/ibm/cp spellings do not matter.
std::string normalise_encoding(std::string name) {
  std::string n;
  for (char c : name)
    if (std::isalnum(static_cast<unsigned char>(c)))
      n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (auto [from, to] : {std::pair{"windows", "cp"}, {"ibm", "cp"}, {"usascii", "ascii"}, {"latin1", "iso88591"}}) {
    if (n.starts_with(from)) n = to + n.substr(std::string_view(from).size());
  }
  return n;
}

// null ≡ absent; [] and {} below the top level carry nothing either.
json normalise(const json& j, const std::set<std::string>& ignore, const std::string& path = "") {
  if (j.is_object()) {
    json out = json::object();
    for (const auto& [k, v] : j.items()) {
      const std::string p = path.empty() ? k : path + "/" + k;
      if (ignore.contains(p) || k == "bozo_message" || k == "__ignore__") continue;
      json n = normalise(v, ignore, p);
      if (n.is_null() || (n.is_array() && n.empty()) || (n.is_object() && n.empty() && p != "feed")) continue;
      out[k] = p == "encoding" && n.is_string() ? json(normalise_encoding(n.get<std::string>())) : n;
    }
    return out;
  }
  if (j.is_array()) {
    json out = json::array();
    for (std::size_t i = 0; i < j.size(); ++i) {
      const std::string p = path + "/" + std::to_string(i);
      if (!ignore.contains(p)) out.push_back(normalise(j[i], ignore, p));
    }
    return out;
  }
  return j;
}

class FeedConformance : public ::testing::TestWithParam<fs::path> {};

TEST_P(FeedConformance, MatchesExpectedJson) {
  const fs::path input = GetParam();
  const fs::path expected_path = input.parent_path() / (input.stem().string() + ".expected.json");
  ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path;
  const json expected_raw = json::parse(read_file(expected_path));
  std::set<std::string> ignore;
  if (auto it = expected_raw.find("__ignore__"); it != expected_raw.end())
    for (const auto& p : *it) ignore.insert(p.get<std::string>());

  const std::string produced = newsd::parse::to_json(newsd::parse::parse_feed(read_file(input)));
  const json actual_raw = json::parse(produced, nullptr, false);
  ASSERT_FALSE(actual_raw.is_discarded()) << "to_json produced invalid JSON: " << produced;

  const json expected = normalise(expected_raw, ignore);
  const json actual = normalise(actual_raw, ignore);
  if (expected != actual) {
    std::ostringstream msg;
    for (const auto& op : json::diff(expected, actual)) msg << "  " << op.dump() << '\n';
    ADD_FAILURE() << input.lexically_relative(kCorpus).string() << " differs (patch from expected to actual):\n"
                  << msg.str() << "actual: " << actual.dump();
  }
}

std::string case_name(const ::testing::TestParamInfo<fs::path>& info) {
  std::string name = info.param.parent_path().filename().string() + "_" + info.param.stem().string();
  std::ranges::replace_if(
      name, [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Corpus, FeedConformance, ::testing::ValuesIn(corpus_inputs()), case_name);

TEST(FeedCorpus, HasAtLeast300CasesInEveryCategory) {
  const auto inputs = corpus_inputs();
  EXPECT_GE(inputs.size(), 300u);
  std::set<std::string> categories;
  for (const auto& p : inputs) categories.insert(p.parent_path().filename().string());
  for (const char* required : {"format", "dates", "encodings", "entities", "xml_base", "text_constructs", "ill_formed",
                               "json_feed", "people", "links"})
    EXPECT_TRUE(categories.contains(required)) << required;
}

}  // namespace
