#include "newsd/base/log.hpp"

#include <gtest/gtest.h>

namespace newsd::log {
namespace {

TEST(Log, RendersEventAndNamedFieldsAsLogfmt) {
  EXPECT_EQ(render("fetch.done", {{"url", "http://a/b"}, {"status", 200}, {"ok", true}}),
            "event=fetch.done url=http://a/b status=200 ok=true");
}

TEST(Log, QuotesValuesThatWouldBreakTheLine) {
  EXPECT_EQ(render("e", {{"msg", "two words"}}), "event=e msg=\"two words\"");
  EXPECT_EQ(render("e", {{"msg", "a\"b\nc"}}), "event=e msg=\"a\\\"b\\nc\"");
  EXPECT_EQ(render("e", {{"empty", ""}}), "event=e empty=\"\"");
}

TEST(Log, SetLevelAcceptsOnlyKnownNames) {
  EXPECT_TRUE(set_level("warn"));
  EXPECT_EQ(spdlog::get_level(), spdlog::level::warn);
  EXPECT_FALSE(set_level("loud"));
  EXPECT_EQ(spdlog::get_level(), spdlog::level::warn);
  EXPECT_TRUE(set_level("info"));
}

}  // namespace
}  // namespace newsd::log
