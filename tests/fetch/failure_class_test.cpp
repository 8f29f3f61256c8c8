// Failure classes of HTTP answers, from the fixture pages under tests/data/fetch/challenge/.
#include "newsd/fetch/failure_class.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "support/files.hpp"

namespace newsd::fetch {
namespace {

std::string fixture(const std::string& name) {
  std::string text = newsd::testing::read_file(std::string(NEWSD_TEST_DATA) + "/fetch/challenge/" + name);
  EXPECT_FALSE(text.empty()) << name;
  return text;
}

constexpr std::string_view kHtml = "text/html; charset=UTF-8";

HttpAnswer answer(int status, std::string_view body, std::string_view content_type = kHtml,
                  std::string_view server = "") {
  HttpAnswer a;
  a.status = status;
  a.body = body;
  a.content_type = content_type;
  a.server = server;
  return a;
}

TEST(ClassifyHttp, CloudflareJustAMomentPageIsABotChallenge) {
  const std::string body = fixture("cloudflare_just_a_moment_403.html");
  HttpAnswer a = answer(403, body, kHtml, "cloudflare");
  a.cf_mitigated = "challenge";
  EXPECT_EQ(classify_http(a), FailureClass::bot_challenge);
  // The page alone gives it away, whatever the status and headers.
  for (int status : {200, 403, 429, 503}) {
    EXPECT_EQ(classify_http(answer(status, body)), FailureClass::bot_challenge) << status;
  }
}

TEST(ClassifyHttp, ChallengeHeaderAloneIsEnough) {
  HttpAnswer a = answer(403, "");
  a.cf_mitigated = "Challenge";
  EXPECT_EQ(classify_http(a), FailureClass::bot_challenge);
}

TEST(ClassifyHttp, CloudflareBlockPageFromCloudflareIsABotChallenge) {
  const std::string body = fixture("cloudflare_attention_required_403.html");
  EXPECT_EQ(classify_http(answer(403, body, kHtml, "cloudflare")), FailureClass::bot_challenge);
  // The same wording from another server is an ordinary refusal.
  EXPECT_EQ(classify_http(answer(403, body, kHtml, "nginx")), FailureClass::http_4xx);
}

TEST(ClassifyHttp, CloudflareOriginErrorIsAServerError) {
  const std::string body = fixture("cloudflare_522_origin_timeout.html");
  EXPECT_EQ(classify_http(answer(522, body, kHtml, "cloudflare")), FailureClass::http_5xx);
}

TEST(ClassifyHttp, PlainServiceUnavailableIsAServerError) {
  const std::string body = fixture("nginx_503_service_unavailable.html");
  EXPECT_EQ(classify_http(answer(503, body, kHtml, "nginx/1.22.1")), FailureClass::http_5xx);
  // From Cloudflare but without challenge wording: still just unavailable.
  EXPECT_EQ(classify_http(answer(503, body, kHtml, "cloudflare")), FailureClass::http_5xx);
}

TEST(ClassifyHttp, RateLimits) {
  EXPECT_EQ(classify_http(answer(429, "Too Many Requests", "text/plain")), FailureClass::rate_limited);
  const std::string body = fixture("nginx_503_service_unavailable.html");
  HttpAnswer a = answer(503, body);
  a.has_retry_after = true;
  EXPECT_EQ(classify_http(a), FailureClass::rate_limited);
}

TEST(ClassifyHttp, OtherStatuses) {
  EXPECT_EQ(classify_http(answer(304, "")), FailureClass::none);
  EXPECT_EQ(classify_http(answer(404, "<h1>Not Found</h1>")), FailureClass::http_4xx);
  EXPECT_EQ(classify_http(answer(410, "")), FailureClass::http_4xx);
  EXPECT_EQ(classify_http(answer(403, "Forbidden", "text/plain")), FailureClass::http_4xx);
  EXPECT_EQ(classify_http(answer(500, "")), FailureClass::http_5xx);
  EXPECT_EQ(classify_http(answer(502, "<html><body>Bad Gateway</body></html>")), FailureClass::http_5xx);
  EXPECT_EQ(classify_http(answer(302, "")), FailureClass::not_a_feed);
  EXPECT_EQ(classify_http(answer(0, "")), FailureClass::not_a_feed);
}

TEST(ClassifyHttp, HtmlWhereAFeedWasExpectedIsNotAFeed) {
  const std::string body = fixture("html_page_served_as_feed.html");
  EXPECT_EQ(classify_http(answer(200, body)), FailureClass::not_a_feed);
  EXPECT_EQ(classify_http(answer(200, body, "application/octet-stream")), FailureClass::not_a_feed);
  HttpAnswer page = answer(200, body);
  page.expect_feed = false;
  EXPECT_EQ(classify_http(page), FailureClass::none);
}

TEST(ClassifyHttp, EmptyBodyWhereAFeedWasExpectedIsNotAFeed) {
  EXPECT_EQ(classify_http(answer(200, "", "application/rss+xml")), FailureClass::not_a_feed);
  EXPECT_EQ(classify_http(answer(200, " \r\n\t ", "application/rss+xml")), FailureClass::not_a_feed);
}

TEST(ClassifyHttp, FeedsAreNotFailuresWhateverTheyMention) {
  const std::string body = fixture("feed_mentioning_challenge_platform.xml");
  EXPECT_EQ(classify_http(answer(200, body, "application/rss+xml")), FailureClass::none);
  // Served as text/html by a misconfigured server, and from Cloudflare: still a feed.
  EXPECT_EQ(classify_http(answer(200, body, kHtml, "cloudflare")), FailureClass::none);
}

TEST(ClassifyHttp, FeedRootsAreRecognised) {
  EXPECT_EQ(classify_http(answer(200, "\xEF\xBB\xBF<feed xmlns=\"http://www.w3.org/2005/Atom\"/>", "text/html")),
            FailureClass::none);
  EXPECT_EQ(classify_http(answer(200, "<?xml version=\"1.0\"?>\n<rdf:RDF xmlns:rdf=\"x\"></rdf:RDF>", "text/html")),
            FailureClass::none);
  EXPECT_EQ(classify_http(answer(200, "<!DOCTYPE rss PUBLIC \"x\" \"y\"><rss version=\"0.91\"/>", "text/html")),
            FailureClass::none);
  EXPECT_EQ(classify_http(answer(200, R"({"version": "https://jsonfeed.org/version/1.1", "items": []})", "text/html")),
            FailureClass::none);
}

TEST(ClassifyHttp, UnknownXmlIsLeftToTheParser) {
  EXPECT_EQ(classify_http(answer(200, "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"/>", "text/xml")),
            FailureClass::none);
}

TEST(ClassifyHttp, ChallengeMarkersBeyondTheSniffWindowAreNotSeen) {
  std::string body = "<html><body>" + std::string(kClassifySniffBytes, 'x') + "challenge-platform</body></html>";
  EXPECT_EQ(classify_http(answer(403, body)), FailureClass::http_4xx);
}

TEST(FailureClassNames, RoundTripAndStableNames) {
  const FailureClass all[] = {FailureClass::none,          FailureClass::dns,          FailureClass::connect,
                              FailureClass::tls,           FailureClass::timeout,      FailureClass::http_4xx,
                              FailureClass::http_5xx,      FailureClass::rate_limited, FailureClass::too_large,
                              FailureClass::bot_challenge, FailureClass::robots,       FailureClass::not_a_feed,
                              FailureClass::parse,         FailureClass::refused,      FailureClass::no_links};
  for (FailureClass c : all) EXPECT_EQ(parse_failure_class(to_string(c)), c) << to_string(c);
  EXPECT_EQ(to_string(FailureClass::bot_challenge), "bot_challenge");
  EXPECT_EQ(to_string(FailureClass::http_4xx), "http_4xx");
  EXPECT_EQ(to_string(FailureClass::not_a_feed), "not_a_feed");
  EXPECT_EQ(to_string(FailureClass::no_links), "no_links");
  EXPECT_EQ(parse_failure_class("Bot_Challenge"), std::nullopt);
  EXPECT_EQ(parse_failure_class("gone"), std::nullopt);
}

}  // namespace
}  // namespace newsd::fetch
