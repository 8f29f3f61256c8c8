#include "newsd/config/feed_url.hpp"

#include <gtest/gtest.h>

#include <string>

namespace newsd::config {
namespace {

const std::filesystem::path kBase = "/etc/newsd";

std::string rejected(std::string_view url) {
  auto r = check_feed_url(url, kBase);
  if (r) return "accepted as " + *r;
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  return r.error().message;
}

TEST(FeedUrl, HttpUrlsComeBackAsWritten) {
  EXPECT_EQ(check_feed_url("https://example.com/feed.xml", kBase).value(), "https://example.com/feed.xml");
  EXPECT_EQ(check_feed_url("HTTPS://Example.com/Feed", kBase).value(), "HTTPS://Example.com/Feed");
  EXPECT_EQ(check_feed_url("http://127.0.0.1:8080/rss", kBase).value(), "http://127.0.0.1:8080/rss");
  EXPECT_EQ(check_feed_url("https://example.com/ar/أخبار/feed", kBase).value(), "https://example.com/ar/أخبار/feed");
  EXPECT_EQ(check_feed_url("https://[::1]:8443/feed", kBase).value(), "https://[::1]:8443/feed");
}

TEST(FeedUrl, FileUrlsBecomeAbsoluteLongForm) {
  EXPECT_EQ(check_feed_url("file:/srv/a.xml", kBase).value(), "file:///srv/a.xml");
  EXPECT_EQ(check_feed_url("file:///srv/a.xml", kBase).value(), "file:///srv/a.xml");
  EXPECT_EQ(check_feed_url("FILE:///srv/a.xml", kBase).value(), "file:///srv/a.xml");
  EXPECT_EQ(check_feed_url("file://localhost/srv/a.xml", kBase).value(), "file:///srv/a.xml");
  EXPECT_EQ(check_feed_url("file:feeds/a.xml", kBase).value(), "file:///etc/newsd/feeds/a.xml");
  EXPECT_EQ(check_feed_url("file:../samples/a.xml", kBase).value(), "file:///etc/samples/a.xml");
}

TEST(FeedUrl, HostlessHttpIsRejected) {
  EXPECT_NE(rejected("https://").find("no host"), std::string::npos) << rejected("https://");
  EXPECT_NE(rejected("http:///feed.xml").find("no host"), std::string::npos);
  EXPECT_NE(rejected("http:/example.com/feed.xml").find("no host"), std::string::npos);
  EXPECT_NE(rejected("https:").find("no host"), std::string::npos);
}

TEST(FeedUrl, WhitespaceAndControlCharactersAreRejected) {
  using namespace std::string_literals;
  for (const std::string& url : {"https://example.com/a feed"s, " https://example.com/"s, "https://example.com/\t"s,
                                 "https://example.com/\n"s, "https://example.com/\0x"s, "https://example.com/\x7f"s}) {
    EXPECT_NE(rejected(url).find("space or a control character"), std::string::npos) << url;
  }
}

TEST(FeedUrl, BadPortsAreRejected) {
  for (const char* url : {"https://example.com:99999/", "https://example.com:0/", "https://example.com:-1/",
                          "https://example.com:http/", "https://example.com:65536/"}) {
    EXPECT_NE(rejected(url).find("not a feed URL"), std::string::npos) << url;
  }
  EXPECT_TRUE(check_feed_url("https://example.com:65535/", kBase));
}

TEST(FeedUrl, OtherSchemesAreRejected) {
  EXPECT_NE(rejected("ftp://example.com/feed").find("scheme 'ftp' is not supported"), std::string::npos);
  EXPECT_NE(rejected("javascript:alert(1)").find("scheme 'javascript'"), std::string::npos);
  EXPECT_NE(rejected("feed://example.com/rss").find("scheme 'feed'"), std::string::npos);
  EXPECT_NE(rejected("//example.com/feed").find("no scheme"), std::string::npos);
  EXPECT_NE(rejected("example.com/feed").find("no scheme"), std::string::npos);
  EXPECT_NE(rejected("").find("no scheme"), std::string::npos);
  EXPECT_NE(rejected(":").find("no scheme"), std::string::npos);
}

TEST(FeedUrl, FileUrlsNamingAnotherHostAreRejected) {
  EXPECT_NE(rejected("file://otherhost/etc/passwd").find("not a feed URL"), std::string::npos);
}

TEST(FeedUrl, HugeInputIsJustRejectedOrAccepted) {
  const std::string long_path = "https://example.com/" + std::string(100'000, 'a');
  auto r = check_feed_url(long_path, kBase);
  if (!r) {
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
  }
  EXPECT_FALSE(check_feed_url("https://[" + std::string(100'000, 'a') + "]/", kBase));
}

}  // namespace
}  // namespace newsd::config
