// `newsd once`'s summary names the feed of each stored article: its
// configured name, else the title its last poll stored, else its URL.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "cli_run.hpp"

namespace newsd::testing {
namespace {

namespace fs = std::filesystem;
const fs::path kSamples = fs::path(NEWSD_SOURCE_DIR) / "samples";

fs::path write_config(const fs::path& dir, const fs::path& unnamed_feed) {
  std::ofstream out(dir / "newsd.toml");
  out << "[log]\nlevel = \"warn\"\n"
      << "[classify]\ntaxonomy = \"" << (fs::path(NEWSD_SOURCE_DIR) / "config/taxonomy/default.toml").string() << "\"\n"
      << "[store]\npath = \"newsd.db\"\n"
      << "[[feeds]]\nurl = \"file://" << (kSamples / "world-en.rss").string()
      << "\"\nname = \"World desk\"\n"
      // A copy of a sample away from its pages: its entries' own text is stored.
      << "[[feeds]]\nurl = \"file://" << unnamed_feed.string() << "\"\nfetch_articles = false\n";
  return dir / "newsd.toml";
}

// The feed column ("feed | title | tags") of each article line.
std::vector<std::string> feed_labels(const std::string& out) {
  std::vector<std::string> labels;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (const auto bar = line.find(" | "); bar != std::string::npos) labels.push_back(line.substr(0, bar));
  }
  return labels;
}

TEST(OnceSummary, EachArticleIsListedUnderItsFeedsNameTitleOrUrl) {
  TempDir dir("newsd-once-summary");
  const fs::path unnamed = dir.path() / "feed.rss";
  fs::copy_file(kSamples / "maghreb-defense.rss", unnamed);
  const fs::path cfg = write_config(dir.path(), unnamed);

  const Ran first = run_newsd({"once", "--config", cfg.string()}, dir.path(), "first");
  ASSERT_EQ(first.code, 0) << first.err;
  const auto labels = feed_labels(first.out);
  ASSERT_FALSE(labels.empty()) << first.out;
  int named = 0, by_url = 0;
  for (const auto& label : labels) {
    if (label == "World desk") {
      ++named;
    } else {
      EXPECT_EQ(label, "file://" + unnamed.string()) << first.out;  // no title stored before this poll
      ++by_url;
    }
  }
  EXPECT_GT(named, 0) << first.out;
  EXPECT_GT(by_url, 0) << first.out;

  // The same feed with new entries: its title is stored now.
  fs::copy_file(kSamples / "cyber-fr.atom", unnamed, fs::copy_options::overwrite_existing);
  const Ran second = run_newsd({"once", "--config", cfg.string()}, dir.path(), "second");
  ASSERT_EQ(second.code, 0) << second.err;
  const auto later = feed_labels(second.out);
  ASSERT_FALSE(later.empty()) << second.out;
  for (const auto& label : later) EXPECT_EQ(label, "رصد الدفاع المغاربي") << second.out;
}

}  // namespace
}  // namespace newsd::testing
