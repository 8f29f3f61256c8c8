// `[[feeds]] type` and the keys of sitemaps and section pages (issue 16):
// defaults, the values read, errors at file:line:col, and --print round trip.
#include <gtest/gtest.h>

#include "newsd/config/config.hpp"
#include "newsd/parse/html_select.hpp"
#include "newsd/parse/section_links.hpp"

namespace newsd::config {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
const fs::path kData = fs::path(NEWSD_TEST_DATA) / "config";

// Selector and regex checks wired as the CLI wires them.
LoadOptions with_checks() {
  LoadOptions o;
  o.check_selector = [](std::string_view s) {
    auto parsed = parse::parse_selector(s);
    return parsed ? std::string() : parsed.error().message;
  };
  o.check_url_pattern = [](std::string_view pattern) -> std::string {
    auto valid = parse::validate_section_rules({{}, {}, std::string(pattern)});
    return valid ? std::string() : valid.error().message;
  };
  return o;
}

TEST(SourceTypes, EachTypeWithItsKeysAndTheDefaults) {
  auto cfg = load_config(kData / "source_types.toml", with_checks());
  ASSERT_TRUE(cfg) << cfg.error().message;
  ASSERT_EQ(cfg->feeds.size(), 4u);
  EXPECT_EQ(cfg->feeds[0].type, SourceType::feed);
  const FeedConfig& sitemap = cfg->feeds[1];
  EXPECT_EQ(sitemap.type, SourceType::sitemap);
  EXPECT_EQ(sitemap.max_age, std::chrono::seconds{3 * 24h});
  EXPECT_EQ(sitemap.sitemap_children, 5);
  const FeedConfig& html = cfg->feeds[2];
  EXPECT_EQ(html.type, SourceType::html);
  EXPECT_EQ(html.links, "main .post h3 a");
  EXPECT_EQ(html.exclude, (std::vector<std::string>{".most-read", "aside"}));
  EXPECT_EQ(html.url_pattern, "/20\\d\\d/");
  const FeedConfig& plain = cfg->feeds[3];
  EXPECT_EQ(plain.type, SourceType::auto_detect);
  EXPECT_EQ(plain.max_age, std::chrono::seconds{48h});
  EXPECT_EQ(plain.sitemap_children, 3);
  EXPECT_TRUE(plain.links.empty() && plain.exclude.empty() && plain.url_pattern.empty());
  EXPECT_EQ(to_string(SourceType::auto_detect), "auto");
}

TEST(SourceTypes, PrintedConfigLoadsBackTheSame) {
  auto cfg = load_config(kData / "source_types.toml", with_checks());
  ASSERT_TRUE(cfg);
  auto again = parse_config(to_toml(*cfg), kData / "printed.toml", with_checks());
  ASSERT_TRUE(again) << again.error().message << "\n" << to_toml(*cfg);
  ASSERT_EQ(again->feeds.size(), cfg->feeds.size());
  for (std::size_t i = 0; i < cfg->feeds.size(); ++i) {
    const FeedConfig& a = cfg->feeds[i];
    const FeedConfig& b = again->feeds[i];
    EXPECT_EQ(a.type, b.type);
    EXPECT_EQ(a.max_age, b.max_age);
    EXPECT_EQ(a.sitemap_children, b.sitemap_children);
    EXPECT_EQ(a.links, b.links);
    EXPECT_EQ(a.exclude, b.exclude);
    EXPECT_EQ(a.url_pattern, b.url_pattern);
  }
}

TEST(SourceTypes, EveryMistakeIsReportedAtItsPosition) {
  auto cfg = load_config(kData / "source_types_rejected.toml", with_checks());
  ASSERT_FALSE(cfg);
  const std::string file = fs::absolute(kData / "source_types_rejected.toml").lexically_normal().string();
  const std::string& m = cfg.error().message;
  for (const std::string& expected : {
           file + ":3:8: 'feeds.type' must be \"auto\", \"feed\", \"sitemap\" or \"html\"",
           file + ":8:9: 'feeds.links' applies only to type \"html\" or \"auto\"",
           file + ":13:9: 'feeds.links' selector 'main >> a'",
           file + ":14:18: 'feeds.exclude' entry '[broken'",
           file + ":19:15: 'feeds.url_pattern' is not a valid regular expression",
           file + ":23:11: 'feeds.max_age' must be between",
           file + ":24:20: 'feeds.sitemap_children' must be between 1 and 100",
       }) {
    EXPECT_NE(m.find(expected), std::string::npos) << "missing: " << expected << "\nin:\n" << m;
  }
}

}  // namespace
}  // namespace newsd::config
