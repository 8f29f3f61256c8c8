#include "newsd/config/duration.hpp"

#include <gtest/gtest.h>

namespace newsd::config {
namespace {

using std::chrono::seconds;

TEST(Duration, ParsesUnitsAndBareSeconds) {
  EXPECT_EQ(parse_duration("90"), seconds{90});
  EXPECT_EQ(parse_duration("90s"), seconds{90});
  EXPECT_EQ(parse_duration("30m"), seconds{1800});
  EXPECT_EQ(parse_duration("2h"), seconds{7200});
  EXPECT_EQ(parse_duration("7d"), seconds{604800});
  EXPECT_EQ(parse_duration("2w"), seconds{1209600});
}

TEST(Duration, RejectsMalformedText) {
  for (const char* bad : {"", "m", "-5s", "5 m", "1.5h", "5mm", "99999999999999999999d", "9999999999999999w", "5y"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << bad;
  }
}

TEST(Duration, FormatsTheShortestExactUnit) {
  EXPECT_EQ(format_duration(seconds{90}), "90s");
  EXPECT_EQ(format_duration(seconds{1800}), "30m");
  EXPECT_EQ(format_duration(seconds{7200}), "2h");
  EXPECT_EQ(format_duration(seconds{0}), "0s");
}

}  // namespace
}  // namespace newsd::config
