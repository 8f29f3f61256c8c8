// `newsd check-config` on the real binary: everything the daemon would
// refuse or silently ignore is an error with file:line:col and exit 2.
#include <gtest/gtest.h>

#include "cli_run.hpp"

namespace newsd::testing {
namespace {

namespace fs = std::filesystem;
const fs::path kConfigData = fs::path(NEWSD_TEST_DATA) / "config";

std::string abs(const fs::path& p) { return fs::absolute(p).lexically_normal().string(); }

class CheckConfig : public ::testing::Test {
 protected:
  Ran check(const fs::path& config, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"check-config", "--config", config.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_newsd(args, dir_.path(), "check" + std::to_string(++runs_));
  }
  TempDir dir_{"newsd-check-config"};
  int runs_ = 0;
};

TEST_F(CheckConfig, AcceptsAValidConfigWithItsFeedsFile) {
  const Ran r = check(kConfigData / "check_ok.toml");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find(": ok (3 feeds"), std::string::npos) << r.out;
}

TEST_F(CheckConfig, UnsupportedSelectorsAreErrors) {
  const Ran r = check(kConfigData / "selectors_unsupported.toml");
  EXPECT_EQ(r.code, 2);
  const std::string file = abs(kConfigData / "selectors_unsupported.toml");
  EXPECT_NE(r.err.find(file + ":5:26: 'extract.sites.keep' entry 'article:first-child': selector"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(file + ":6:16: 'extract.sites.drop' entry 'h2 + p'"), std::string::npos) << r.err;
}

TEST_F(CheckConfig, MissingModelIsAnError) {
  const Ran r = check(kConfigData / "model_missing.toml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(abs(kConfigData / "model_missing.toml") + ":2:9: 'classify.model' "), std::string::npos)
      << r.err;
}

TEST_F(CheckConfig, ModelThatDoesNotLoadIsAnError) {
  const Ran r = check(kConfigData / "model_garbage.toml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(abs(kConfigData / "model_garbage.toml") + ":2:9: 'classify.model' " +
                       abs(kConfigData / "models/garbage.ftz")),
            std::string::npos)
      << r.err;
}

TEST_F(CheckConfig, BadFeedUrlsAreErrors) {
  const Ran bad = check(kConfigData / "feed_urls_rejected.toml");
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find(":3:7: 'https://' is not a feed URL: it has no host"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find(":6:7: 'https://example.com/a feed.xml' is not a feed URL"), std::string::npos) << bad.err;
}

TEST_F(CheckConfig, FeedsFileErrorsNameTheFeedsFile) {
  const Ran r = check(kConfigData / "feeds_file_errors/main.toml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(abs(kConfigData / "feeds_file_errors/feeds.toml") + ":6:7: 'https://' is not a feed URL"),
            std::string::npos)
      << r.err;
}

TEST_F(CheckConfig, TaxonomyErrorsAreErrors) {
  const Ran r = check(kConfigData / "taxonomy_broken.toml");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(abs(kConfigData / "taxonomy/broken.toml") + ":"), std::string::npos) << r.err;
}

TEST_F(CheckConfig, PrintShowsTheResolvedConfigWhichChecksOk) {
  const Ran r = check(kConfigData / "check_ok.toml", {"--print"});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* line : {"user_agent = ", "max_body_bytes = 8388608", "min_interval = '5m'", "[store]",
                           "taxonomy = '", "url = 'https://example.com/included.xml'",
                           "site_url = 'https://example.com/'", "keep = [ 'article .body', 'div#main > p' ]"}) {
    EXPECT_NE(r.out.find(line), std::string::npos) << line << "\n" << r.out;
  }
  const fs::path printed = dir_.path() / "printed.toml";
  std::ofstream(printed) << r.out;
  const Ran again = check(printed);
  EXPECT_EQ(again.code, 0) << again.err << "\n" << r.out;
  EXPECT_NE(again.out.find(": ok (3 feeds"), std::string::npos) << again.out;
}

}  // namespace
}  // namespace newsd::testing
