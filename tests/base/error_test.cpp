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
  EXPECT_FALSE(e.retry_after);
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
  EXPECT_EQ(to_string(Errc::dns), "dns");
  EXPECT_EQ(to_string(Errc::connect), "connect");
  EXPECT_EQ(to_string(Errc::tls), "tls");
  EXPECT_EQ(to_string(Errc::robots), "robots");
  EXPECT_EQ(to_string(Errc::refused), "refused");
  EXPECT_EQ(to_string(Errc::blocked), "blocked");
}

TEST(Error, RetryAfterIsUnsetUnlessTheServerAsked) {
  EXPECT_FALSE(fail(Errc::http_status, "503 response").error().retry_after);
  Error e{Errc::http_status, "429 response", 429};
  e.retry_after = std::chrono::seconds(120);
  EXPECT_EQ(e.retry_after->count(), 120);
  EXPECT_EQ(e.describe(), "http_status: 429 response");
}

}  // namespace
}  // namespace newsd
