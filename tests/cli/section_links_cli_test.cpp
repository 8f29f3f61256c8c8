// `newsd section-links` on the real binary: a section page fetched from a
// real server on 127.0.0.1 or read from a saved copy, the overrides as flags,
// and the exit statuses a user scripts against.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_run.hpp"
#include "support/static_server.hpp"

namespace newsd::testing {
namespace {

namespace fs = std::filesystem;
const fs::path kSection = fs::path(NEWSD_TEST_DATA) / "parse" / "section";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class SectionLinksCli : public ::testing::Test {
 protected:
  Ran newsd(const std::vector<std::string>& args) {
    return run_newsd(args, dir_.path(), "run" + std::to_string(++runs_));
  }
  TempDir dir_{"newsd-section-links"};
  int runs_ = 0;
};

TEST_F(SectionLinksCli, FetchedPageGivesUrlTabTitleLines) {
  StaticServer site(kSection);
  const Ran r = newsd({"section-links", site.url("/fr-defense-section-windows-1252.html")});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_EQ(lines[0], site.url("/defense/article/2026/11/30/"
                               "l-armee-de-terre-commande-quarante-deux-vehicules-blindes_6051234_3210.html") +
                          "\tL’armée de Terre commande quarante-deux véhicules blindés");
}

TEST_F(SectionLinksCli, SavedPageWithOverridesAsJson) {
  const Ran r = newsd({"section-links", (kSection / "overrides-opaque-urls.html").string(), "--url",
                       "https://www.example-mil.example/updates", "--links", ".headlines li", "--exclude", ".sponsored",
                       "--exclude", "nav", "--url-pattern", "/p/[a-z0-9]+$", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["url"], "https://www.example-mil.example/updates");
  EXPECT_EQ(j["title"], "Updates");
  ASSERT_EQ(j["links"].size(), 3u);
  EXPECT_EQ(j["links"][0]["url"], "https://www.example-mil.example/p/x7k2");
  EXPECT_EQ(j["links"][2]["title"], "Navy exercise");
}

TEST_F(SectionLinksCli, UsageErrorsExitTwoAndNoLinksExitsOne) {
  const std::string saved = (kSection / "overrides-opaque-urls.html").string();
  const Ran no_url = newsd({"section-links", saved});
  EXPECT_EQ(no_url.code, 2);
  EXPECT_NE(no_url.err.find("--url"), std::string::npos) << no_url.err;

  const Ran bad_selector = newsd({"section-links", saved, "--url", "https://x.example/", "--links", "li:hover"});
  EXPECT_EQ(bad_selector.code, 2);
  EXPECT_NE(bad_selector.err.find("links: "), std::string::npos) << bad_selector.err;

  const Ran bad_regex = newsd({"section-links", saved, "--url", "https://x.example/", "--url-pattern", "(["});
  EXPECT_EQ(bad_regex.code, 2);
  EXPECT_NE(bad_regex.err.find("url_pattern"), std::string::npos) << bad_regex.err;

  const Ran none = newsd({"section-links", saved, "--url", "https://www.example-mil.example/updates"});
  EXPECT_EQ(none.code, 1);
  EXPECT_TRUE(none.out.empty()) << none.out;
  EXPECT_NE(none.err.find("no article links"), std::string::npos) << none.err;

  EXPECT_EQ(newsd({"section-links", "/nonexistent/page.html", "--url", "https://x.example/"}).code, 1);
}

}  // namespace
}  // namespace newsd::testing
