// Failures as data: each kind of failure has its own Errc, and a response
// carries the server's hints and where a permanently moved resource lives.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "newsd/fetch/fetcher.hpp"
#include "test_server.hpp"

namespace newsd::fetch {
namespace {

using testing::quick_config;
using testing::read_fixture;
using testing::TestServer;

Result<Response> fetch_one(Fetcher& fetcher, const std::string& url) {
  const Request request{url};
  return std::move(fetcher.fetch_all(std::span(&request, 1)).front());
}

TEST(FetcherErrors, UnresolvableNameIsDns) {
  Fetcher fetcher(quick_config());
  auto r = fetch_one(fetcher, "http://no-such-host.invalid/feed.xml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::dns) << r.error().describe();
  EXPECT_FALSE(r.error().permanent);
}

// A closed port (Errc::connect) is FetcherLimits.ConnectionRefusedIsAConnectError;
// a self-signed certificate (Errc::tls) is FetcherHttp.UntrustedTlsCertificateIsRefused.

TEST(FetcherErrors, PlainServerOnHttpsUrlIsTls) {
  TestServer srv;
  srv.server.Get("/", [](const httplib::Request&, httplib::Response& res) { res.set_content("plain", "text/plain"); });
  srv.start();
  Fetcher fetcher(quick_config());
  auto r = fetch_one(fetcher, "https://127.0.0.1:" + std::to_string(srv.port()) + "/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::tls) << r.error().describe();
}

TEST(FetcherErrors, ChallengePageIsBlocked) {
  TestServer srv;
  const std::string page = read_fixture("challenge/cloudflare_just_a_moment_403.html");
  ASSERT_FALSE(page.empty());
  srv.server.Get("/feed.xml", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 403;
    res.set_header("Server", "cloudflare");
    res.set_header("cf-mitigated", "challenge");
    res.set_content(page, "text/html; charset=UTF-8");
  });
  srv.server.Get("/plain403", [](const httplib::Request&, httplib::Response& res) {
    res.status = 403;
    res.set_content("<html><body>Forbidden</body></html>", "text/html");
  });
  srv.start();
  Fetcher fetcher(quick_config());

  auto challenged = fetch_one(fetcher, srv.url("/feed.xml"));
  ASSERT_FALSE(challenged);
  EXPECT_EQ(challenged.error().code, Errc::blocked) << challenged.error().describe();
  EXPECT_EQ(challenged.error().http_status, 403);
  EXPECT_FALSE(challenged.error().permanent);

  auto forbidden = fetch_one(fetcher, srv.url("/plain403"));
  ASSERT_FALSE(forbidden);
  EXPECT_EQ(forbidden.error().code, Errc::http_status) << forbidden.error().describe();
}

TEST(FetcherErrors, RateLimitCarriesRetryAfter) {
  TestServer srv;
  srv.server.Get("/", [](const httplib::Request&, httplib::Response& res) {
    res.status = 429;
    res.set_header("Retry-After", "120");
  });
  srv.start();
  Fetcher fetcher(quick_config());
  auto r = fetch_one(fetcher, srv.url("/"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::http_status);
  EXPECT_EQ(r.error().http_status, 429);
  ASSERT_TRUE(r.error().retry_after);
  EXPECT_EQ(r.error().retry_after->count(), 120);
}

/// /301/x, /308/x, /302/x redirect to /x with that status; /x answers 200.
struct Redirects {
  Redirects() {
    srv.server.Get(R"(/(301|302|308)/(.*))", [](const httplib::Request& req, httplib::Response& res) {
      res.set_redirect("/" + req.matches[2].str(), std::stoi(req.matches[1].str()));
    });
    srv.server.Get(R"(/page|/a|/b)", [](const httplib::Request&, httplib::Response& res) {
      res.set_header("Cache-Control", "max-age=600, public");
      res.set_header("Expires", "Thu, 01 Dec 2039 16:00:00 GMT");
      res.set_header("Retry-After", "120");
      res.set_content("here", "text/plain");
    });
    srv.start();
  }
  TestServer srv;
};

TEST(FetcherErrors, MovedToIsSetThroughPermanentRedirectsOnly) {
  Redirects r;
  Fetcher fetcher(quick_config());

  auto moved = fetch_one(fetcher, r.srv.url("/301/page"));
  ASSERT_TRUE(moved) << moved.error().describe();
  EXPECT_EQ(moved->moved_to, r.srv.url("/page"));

  auto moved_308 = fetch_one(fetcher, r.srv.url("/308/301/a"));
  ASSERT_TRUE(moved_308) << moved_308.error().describe();
  EXPECT_EQ(moved_308->moved_to, r.srv.url("/a"));

  auto temporary = fetch_one(fetcher, r.srv.url("/302/page"));
  ASSERT_TRUE(temporary) << temporary.error().describe();
  EXPECT_TRUE(temporary->moved_to.empty());
  EXPECT_EQ(temporary->final_url, r.srv.url("/page"));

  auto mixed = fetch_one(fetcher, r.srv.url("/301/302/b"));
  ASSERT_TRUE(mixed) << mixed.error().describe();
  EXPECT_TRUE(mixed->moved_to.empty());

  auto direct = fetch_one(fetcher, r.srv.url("/page"));
  ASSERT_TRUE(direct) << direct.error().describe();
  EXPECT_TRUE(direct->moved_to.empty());
}

// Cache-Control and Expires raw (the scheduler reads them); Retry-After as
// the delay libcurl read, also on a 200.
TEST(FetcherErrors, ResponseCarriesCacheHints) {
  Redirects r;
  Fetcher fetcher(quick_config());
  auto page = fetch_one(fetcher, r.srv.url("/page"));
  ASSERT_TRUE(page) << page.error().describe();
  EXPECT_EQ(page->cache_control, "max-age=600, public");
  EXPECT_EQ(page->expires, "Thu, 01 Dec 2039 16:00:00 GMT");
  ASSERT_TRUE(page->retry_after);
  EXPECT_EQ(page->retry_after->count(), 120);
}

}  // namespace
}  // namespace newsd::fetch
