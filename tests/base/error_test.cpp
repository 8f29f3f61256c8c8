#include "newsd/base/error.hpp"

#include <gtest/gtest.h>

namespace newsd {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) return fail(Errc::invalid_argument, "expected a positive number, got " + std::to_string(v));
  return v;
}

TEST(Error, ResultCarriesValueOrError) {
  auto ok = parse_positive(3);
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 3);
  auto bad = parse_positive(-1);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_argument);
  EXPECT_EQ(bad.error().describe(), "invalid_argument: expected a positive number, got -1");
}

TEST(Error, FailIsTransientAndCarriesNoStatus) {
  const auto e = fail(Errc::network, "connection reset: http://example.com/").error();
  EXPECT_EQ(e.http_status, 0);
  EXPECT_FALSE(e.permanent);
}

TEST(Error, FailPermanentlyMarksTheErrorPermanent) {
  const auto e = fail_permanently(Errc::invalid_argument, "refused: file:///etc/passwd").error();
  EXPECT_EQ(e.code, Errc::invalid_argument);
  EXPECT_TRUE(e.permanent);
  EXPECT_EQ(e.http_status, 0);
  EXPECT_EQ(e.describe(), "invalid_argument: refused: file:///etc/passwd");
}

TEST(Error, EveryCategoryHasAStableName) {
  EXPECT_EQ(to_string(Errc::http_status), "http_status");
  EXPECT_EQ(to_string(Errc::too_large), "too_large");
  EXPECT_EQ(to_string(Errc::config), "config");
}

}  // namespace
}  // namespace newsd
