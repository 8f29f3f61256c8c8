// robots.txt handling inside the Fetcher, and file:// URLs.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <sstream>
#include <vector>

#include "fetch/test_server.hpp"
#include "newsd/fetch/fetcher.hpp"

namespace newsd::fetch {
namespace {

using testing::quick_config;
using testing::read_fixture;
using testing::TestServer;

config::FetchConfig polite_config() {
  auto cfg = quick_config();
  cfg.respect_robots_txt = true;
  return cfg;
}

struct PageServer {
  TestServer srv;
  std::atomic<int> robots_hits{0};
  std::mutex mutex;
  std::vector<std::string> pages_served;
  std::string moved_to;  ///< where "/moved" redirects, when set (under `mutex`)

  PageServer(int robots_status, const std::string& robots_body) {
    srv.server.Get("/robots.txt", [this, robots_status, robots_body](const httplib::Request&, httplib::Response& res) {
      ++robots_hits;
      res.status = robots_status;
      res.set_content(robots_body, "text/plain");
    });
    srv.server.Get(R"(/(?!robots\.txt).*)", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex);
      if (req.path == "/moved" && !moved_to.empty()) return res.set_redirect(moved_to, 301);
      pages_served.push_back(req.path);
      res.set_content("page " + req.path, "text/plain");
    });
    srv.start();
  }
};

TEST(FetcherRobots, OurGroupIsObeyedAndRobotsTxtIsFetchedOnce) {
  PageServer pages(200, read_fixture("robots/groups.txt"));
  Fetcher fetcher(polite_config());

  const std::vector<Request> first{{pages.srv.url("/secret/plans")},
                                   {pages.srv.url("/secret/ok/page")},
                                   {pages.srv.url("/private/p")},
                                   {pages.srv.url("/news/1")}};
  auto results = fetcher.fetch_all(first);
  ASSERT_FALSE(results[0]);
  EXPECT_EQ(results[0].error().code, Errc::robots);
  EXPECT_NE(results[0].error().message.find("robots.txt"), std::string::npos);
  EXPECT_TRUE(results[1]) << results[1].error().describe();
  EXPECT_TRUE(results[2]) << results[2].error().describe();  // the '*' group does not apply to us
  EXPECT_TRUE(results[3]) << results[3].error().describe();

  // A second batch on the same Fetcher uses the cached rules.
  const std::vector<Request> second{{pages.srv.url("/secret/again")}, {pages.srv.url("/news/2")}};
  auto again = fetcher.fetch_all(second);
  EXPECT_FALSE(again[0]);
  EXPECT_TRUE(again[1]);

  EXPECT_EQ(pages.robots_hits, 1);
  EXPECT_EQ(fetcher.stats().robots_fetches, 1u);
  std::lock_guard lock(pages.mutex);
  EXPECT_EQ(std::ranges::count(pages.pages_served, std::string("/secret/plans")), 0);
  EXPECT_EQ(std::ranges::count(pages.pages_served, std::string("/secret/again")), 0);
}

TEST(FetcherRobots, MissingRobotsTxtAllowsEverything) {
  PageServer pages(404, "");
  Fetcher fetcher(polite_config());

  const std::vector<Request> requests{{pages.srv.url("/a")}, {pages.srv.url("/b")}};
  auto results = fetcher.fetch_all(requests);
  for (const auto& r : results) EXPECT_TRUE(r) << r.error().describe();
  EXPECT_EQ(pages.robots_hits, 1);
}

TEST(FetcherRobots, UnreachableRobotsTxtDisallowsForThisRunOnly) {
  PageServer pages(503, "");
  Fetcher fetcher(polite_config());

  const std::vector<Request> requests{{pages.srv.url("/a")}};
  auto first = fetcher.fetch_all(requests);
  ASSERT_FALSE(first[0]);
  EXPECT_EQ(first[0].error().code, Errc::network);
  EXPECT_NE(first[0].error().message.find("robots.txt"), std::string::npos);

  auto second = fetcher.fetch_all(requests);
  ASSERT_FALSE(second[0]);
  EXPECT_EQ(pages.robots_hits, 2);  // asked again on the next run
  std::lock_guard lock(pages.mutex);
  EXPECT_TRUE(pages.pages_served.empty());
}

TEST(FetcherRobots, DisabledRobotsNeverAsksForRobotsTxt) {
  PageServer pages(200, "User-agent: *\nDisallow: /\n");
  Fetcher fetcher(quick_config());

  const std::vector<Request> requests{{pages.srv.url("/a")}};
  auto results = fetcher.fetch_all(requests);
  EXPECT_TRUE(results[0]);
  EXPECT_EQ(pages.robots_hits, 0);
}

TEST(FetcherRobots, RedirectTargetOnAnotherOriginIsCheckedAgainstItsOwnRobotsTxt) {
  PageServer pages(200, read_fixture("robots/groups.txt"));
  const std::string other_origin = "http://localhost:" + std::to_string(pages.srv.port());
  {
    std::lock_guard lock(pages.mutex);
    pages.moved_to = other_origin + "/secret/moved-here";
  }
  Fetcher fetcher(polite_config());

  const std::vector<Request> redirecting{{other_origin + "/news/fine"}, {pages.srv.url("/moved")}};
  auto results = fetcher.fetch_all(redirecting);
  EXPECT_TRUE(results[0]) << results[0].error().describe();
  ASSERT_FALSE(results[1]);
  EXPECT_NE(results[1].error().message.find("robots.txt"), std::string::npos) << results[1].error().message;
  EXPECT_EQ(pages.robots_hits, 2);  // one per origin: 127.0.0.1:port and localhost:port
  std::lock_guard lock(pages.mutex);
  EXPECT_EQ(std::ranges::count(pages.pages_served, std::string("/secret/moved-here")), 0);
}

TEST(FetcherRobots, ReconfiguredUserAgentDropsTheCacheAndUsesTheNewToken) {
  PageServer pages(200, read_fixture("robots/groups.txt"));
  Fetcher fetcher(polite_config());
  const std::vector<Request> requests{{pages.srv.url("/private/report")}};

  EXPECT_TRUE(fetcher.fetch_all(requests)[0]);  // "newsd-test" has its own group without /private

  auto cfg = polite_config();
  cfg.user_agent = "otherbot/2.0";  // falls under the '*' group
  fetcher.reconfigure(cfg);
  auto results = fetcher.fetch_all(requests);
  ASSERT_FALSE(results[0]);
  EXPECT_EQ(results[0].error().code, Errc::robots);
  EXPECT_EQ(pages.robots_hits, 2);
}

TEST(FetcherRobots, ThrowingCallbackLeavesTheFetcherUsable) {
  PageServer pages(200, "User-agent: *\nDisallow: /private\n");
  Fetcher fetcher(polite_config());
  const std::vector<Request> requests{{pages.srv.url("/a")}, {pages.srv.url("/b")}, {pages.srv.url("/c")}};

  struct CallerError {};
  EXPECT_THROW(fetcher.fetch(requests, [](std::size_t, Result<Response>) { throw CallerError{}; }), CallerError);

  auto results = fetcher.fetch_all(requests);
  for (const auto& r : results) EXPECT_TRUE(r) << r.error().describe();
}

TEST(FetcherFile, ReadsAFileUrlWithoutRobots) {
  Fetcher fetcher(polite_config());
  const std::string path = std::string(NEWSD_TEST_DATA) + "/fetch/article.html";
  const std::vector<Request> requests{{"file://" + path}};
  auto results = fetcher.fetch_all(requests);
  ASSERT_TRUE(results[0]) << results[0].error().describe();
  EXPECT_EQ(results[0]->status, 200);
  EXPECT_EQ(results[0]->body, read_fixture("article.html"));
  EXPECT_EQ(results[0]->final_url, "file://" + path);
}

TEST(FetcherFile, MissingFileIsNotFound) {
  Fetcher fetcher(quick_config());
  const std::vector<Request> requests{{"file:///nonexistent/newsd/feed.xml"}};
  auto results = fetcher.fetch_all(requests);
  ASSERT_FALSE(results[0]);
  EXPECT_EQ(results[0].error().code, Errc::not_found);
}

TEST(FetcherFile, FileOverTheLimitIsTooLarge) {
  auto cfg = quick_config();
  cfg.max_body_bytes = 100;
  Fetcher fetcher(cfg);
  const std::vector<Request> requests{{"file://" + std::string(NEWSD_TEST_DATA) + "/fetch/article.html"}};
  auto results = fetcher.fetch_all(requests);
  ASSERT_FALSE(results[0]);
  EXPECT_EQ(results[0].error().code, Errc::too_large);
}

TEST(FetcherFile, FileOnARemoteHostIsRefused) {
  Fetcher fetcher(quick_config());
  const std::vector<Request> requests{{"file://fileserver.example/share/feed.xml"}};
  auto results = fetcher.fetch_all(requests);
  ASSERT_FALSE(results[0]);
  EXPECT_EQ(results[0].error().code, Errc::invalid_argument);
}

}  // namespace
}  // namespace newsd::fetch
