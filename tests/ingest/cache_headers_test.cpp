// Cache-Control, Expires and Retry-After values as servers send them.
#include <gtest/gtest.h>

#include "newsd/ingest/schedule.hpp"

namespace newsd::ingest {
namespace {

using namespace std::chrono_literals;

const SysSeconds kNov1994 = std::chrono::sys_days{std::chrono::year{1994} / 11 / 6} + 8h + 49min + 37s;
constexpr Seconds kSaturated{std::int64_t{1} << 31};

TEST(CacheControlMaxAge, ReadsTheDirective) {
  EXPECT_EQ(parse_cache_control_max_age("max-age=600"), 600s);
  EXPECT_EQ(parse_cache_control_max_age("public, max-age=600, must-revalidate"), 600s);
  EXPECT_EQ(parse_cache_control_max_age("  Max-Age = 60 "), 60s);
  EXPECT_EQ(parse_cache_control_max_age("max-age=\"300\""), 300s);
  EXPECT_EQ(parse_cache_control_max_age("max-age=0"), 0s);
  EXPECT_EQ(parse_cache_control_max_age("private,max-age=120,"), 120s);
}

TEST(CacheControlMaxAge, FirstOccurrenceWins) {
  EXPECT_EQ(parse_cache_control_max_age("max-age=60, max-age=3600"), 60s);
  EXPECT_EQ(parse_cache_control_max_age("max-age=abc, max-age=3600"), std::nullopt);
}

TEST(CacheControlMaxAge, SharedCacheDirectiveIsIgnored) {
  EXPECT_EQ(parse_cache_control_max_age("s-maxage=3600"), std::nullopt);
  EXPECT_EQ(parse_cache_control_max_age("s-maxage=3600, max-age=60"), 60s);
}

TEST(CacheControlMaxAge, RevalidateEveryTimeMeansNoHint) {
  EXPECT_EQ(parse_cache_control_max_age("no-cache, max-age=600"), std::nullopt);
  EXPECT_EQ(parse_cache_control_max_age("max-age=600, NO-STORE"), std::nullopt);
  // A qualified no-cache only concerns the listed fields; its quoted commas are not separators.
  EXPECT_EQ(parse_cache_control_max_age("no-cache=\"Set-Cookie, max-age=1\", max-age=600"), 600s);
}

TEST(CacheControlMaxAge, GarbageNegativeAndOverflow) {
  EXPECT_EQ(parse_cache_control_max_age(""), std::nullopt);
  EXPECT_EQ(parse_cache_control_max_age("public"), std::nullopt);
  EXPECT_EQ(parse_cache_control_max_age("max-age"), std::nullopt);
  EXPECT_EQ(parse_cache_control_max_age("max-age="), std::nullopt);
  EXPECT_EQ(parse_cache_control_max_age("max-age=-1"), std::nullopt);
  EXPECT_EQ(parse_cache_control_max_age("max-age=1.5"), std::nullopt);
  EXPECT_EQ(parse_cache_control_max_age("max-age=60s"), std::nullopt);
  EXPECT_EQ(parse_cache_control_max_age("max-age=\"60"), 60s);  // unterminated quote: the digits still read
  EXPECT_EQ(parse_cache_control_max_age("max-age=\"\\"), std::nullopt);
  EXPECT_EQ(parse_cache_control_max_age(",,, ,"), std::nullopt);
  EXPECT_EQ(parse_cache_control_max_age("max-age=99999999999999999999999999"), kSaturated);
  EXPECT_EQ(parse_cache_control_max_age("max-age=2147483649"), kSaturated);
}

TEST(HttpDate, AllThreeRfc9110Forms) {
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), kNov1994);
  EXPECT_EQ(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), kNov1994);
  EXPECT_EQ(parse_http_date("Sun Nov  6 08:49:37 1994"), kNov1994);
  EXPECT_EQ(parse_expires("  Sun, 06 Nov 1994 08:49:37 GMT "), kNov1994);
}

TEST(HttpDate, InvalidExpiresValuesAreNoDate) {
  for (const char* bad : {"", "0", "-1", "now", "never", "Sun, 32 Nov 1994 08:49:37 GMT", "tomorrow at noon"}) {
    EXPECT_EQ(parse_expires(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace newsd::ingest
