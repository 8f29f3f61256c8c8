// A feed's spec as a PostgreSQL feed list stores it (config::feed_spec) and
// reads it back (config::parse_feed_spec): the feeds file's own reader, so a
// spec holds exactly one valid [[feeds]] table or is refused with a position.
// Specs come from the database, so hostile text is part of the contract.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "newsd/config/config.hpp"
#include "support/files.hpp"

namespace newsd::config {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kData = fs::path(NEWSD_TEST_DATA) / "config";

std::string text_of(const fs::path& file) { return newsd::testing::read_file(file); }

Result<FeedConfig> parse_fixture(const std::string& name) {
  const fs::path file = kData / "feed_spec" / name;
  return parse_feed_spec(text_of(file), file);
}

TEST(FeedSpec, EverySettingReadsBackAndRoundTripsThroughItsSpec) {
  auto feed = parse_fixture("every_setting.toml");
  ASSERT_TRUE(feed) << feed.error().message;
  EXPECT_EQ(feed->url, "https://www.example.ma/ar/military-news");
  EXPECT_EQ(feed->name, "الأخبار العسكرية");
  EXPECT_EQ(feed->interval, 45min);
  EXPECT_EQ(feed->min_interval, Seconds{600});
  EXPECT_EQ(feed->max_interval, Seconds{6 * 3600});
  EXPECT_EQ(feed->tags, (std::vector<std::string>{"defense", "maghreb"}));
  EXPECT_FALSE(feed->fetch_articles);
  EXPECT_EQ(feed->type, SourceType::html);
  EXPECT_EQ(feed->sitemap_children, 5);
  EXPECT_EQ(feed->exclude, (std::vector<std::string>{".most-read"}));
  EXPECT_EQ(feed->url_pattern, "/20\\d\\d/");

  auto again = parse_feed_spec(feed_spec(*feed), "again");
  ASSERT_TRUE(again) << again.error().message << "\n" << feed_spec(*feed);
  EXPECT_EQ(*again, *feed);
}

TEST(FeedSpec, AUrlAloneGetsTheFeedsFileDefaults) {
  auto feed = parse_fixture("url_only.toml");
  ASSERT_TRUE(feed) << feed.error().message;
  FeedConfig expected;
  expected.url = "https://example.org/feed.xml";
  EXPECT_EQ(*feed, expected);
  EXPECT_EQ(feed_spec(expected).find("[[feeds]]"), 0u) << feed_spec(expected);
}

struct Refused {
  const char* fixture;
  const char* where;  ///< ":line:col: " of the first problem
  const char* why;
};

TEST(FeedSpec, AnythingButOneValidFeedTableIsRefusedWithItsPosition) {
  const Refused cases[] = {
      {"empty.toml", ":1:1: ", "exactly one [[feeds]] table, not 0"},
      {"two_feeds.toml", ":1:1: ", "exactly one [[feeds]] table, not 2"},
      {"other_table.toml", ":4:2: ", "unknown key 'store'"},
      {"interval_too_short.toml", ":3:12: ", "'feeds.interval' must be between"},
      {"script_url.toml", ":2:7: ", "javascript:alert(1)"},
      {"not_toml.toml", ":1:", ""},
  };
  for (const auto& c : cases) {
    auto feed = parse_fixture(c.fixture);
    ASSERT_FALSE(feed) << c.fixture;
    EXPECT_EQ(feed.error().code, Errc::config) << c.fixture;
    const std::string& message = feed.error().message;
    EXPECT_EQ(message.find((kData / "feed_spec" / c.fixture).string() + c.where), 0u) << c.fixture << ": " << message;
    EXPECT_NE(message.find(c.why), std::string::npos) << c.fixture << ": " << message;
  }
}

TEST(ConfigWorkers, RefreshIsADurationOfOneSecondOrMore) {
  auto defaults = load_config(kData / "minimal.toml");
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_EQ(defaults->workers.refresh, 30s);
  auto set = load_config(kData / "workers/refresh.toml");
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->workers.refresh, 5s);
  auto zero = load_config(kData / "workers/refresh_out_of_range.toml");
  ASSERT_FALSE(zero);
  EXPECT_NE(zero.error().message.find("refresh_out_of_range.toml:2:11: 'workers.refresh' must be between 1s and 1h"),
            std::string::npos)
      << zero.error().message;
}

}  // namespace
}  // namespace newsd::config
