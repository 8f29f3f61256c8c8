// Politeness in the I/O loop, keyed by host:port: Retry-After pauses one
// host:port only, robots.txt Crawl-delay spaces starts. Two ports on
// 127.0.0.1 are two hosts. Assertions are on order and counts; the only
// durations checked are lower bounds the loop must wait at least.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <ctime>
#include <mutex>
#include <string>
#include <vector>

#include "completions.hpp"
#include "newsd/fetch/io_loop.hpp"
#include "test_server.hpp"

namespace newsd::fetch {
namespace {

using namespace std::chrono_literals;
using testing::Completions;
using testing::quick_config;
using testing::TestServer;
using Clock = std::chrono::steady_clock;

/// Answers every path with `status` and a Retry-After header (when non-empty),
/// counting hits.
struct RateLimited {
  RateLimited(int status, std::string retry_after) {
    srv.server.Get(R"(/.*)", [this, status, retry_after](const httplib::Request&, httplib::Response& res) {
      ++hits;
      res.status = status;
      if (!retry_after.empty()) res.set_header("Retry-After", retry_after);
      res.set_content("slow down", "text/plain");
    });
    srv.start();
  }
  TestServer srv;
  std::atomic<int> hits{0};
};

struct Ok {
  Ok() {
    srv.server.Get(R"(/.*)", [this](const httplib::Request&, httplib::Response& res) {
      ++hits;
      res.set_content("ok", "text/plain");
    });
    srv.start();
  }
  TestServer srv;
  std::atomic<int> hits{0};
};

void expect_paused(const Result<Response>& r, long status) {
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::http_status) << r.error().describe();
  EXPECT_EQ(r.error().http_status, status);
  ASSERT_TRUE(r.error().retry_after) << r.error().describe();
  EXPECT_GT(r.error().retry_after->count(), 60);
  EXPECT_LE(r.error().retry_after->count(), 120);
}

TEST(IoLoopPoliteness, LongRetryAfterPausesThatPortOnly) {
  RateLimited limited(429, "120");
  Ok other;
  auto cfg = quick_config();
  cfg.max_retries = 2;  // a 120 s Retry-After is not waited out in the loop, retries or not
  IoLoop loop(cfg);
  Completions done;

  loop.submit({limited.srv.url("/feed.xml")}, done.callback("first"));
  ASSERT_TRUE(done.wait_for(1));
  expect_paused(done.get("first"), 429);

  // During the pause: the same host:port fails at once, without a request;
  // another port on the same address is served as usual.
  loop.submit({limited.srv.url("/other.xml")}, done.callback("paused"));
  loop.submit({other.srv.url("/feed.xml")}, done.callback("other"));
  ASSERT_TRUE(done.wait_for(3));
  expect_paused(done.get("paused"), 429);
  EXPECT_NE(done.get("paused").error().message.find("not tried"), std::string::npos);
  ASSERT_TRUE(done.get("other")) << done.get("other").error().describe();
  EXPECT_EQ(limited.hits, 1);
  EXPECT_EQ(other.hits, 1);
}

TEST(IoLoopPoliteness, QueuedRequestsFailWhenThePauseStarts) {
  RateLimited limited(503, "3600");
  auto cfg = quick_config();
  cfg.max_per_host = 1;  // the rest wait in the host's queue
  IoLoop loop(cfg);
  Completions done;
  for (int i = 0; i < 4; ++i) loop.submit({limited.srv.url("/" + std::to_string(i))}, done.callback("r"));
  ASSERT_TRUE(done.wait_for(4));
  EXPECT_EQ(limited.hits, 1);
  std::lock_guard lock(done.mutex);
  for (const auto& [tag, r] : done.results) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().http_status, 503);
    ASSERT_TRUE(r.error().retry_after);
    EXPECT_GT(r.error().retry_after->count(), 3000);
  }
}

TEST(IoLoopPoliteness, RetryAfterAsHttpDate) {
  // Two minutes from now, as an IMF-fixdate.
  const std::time_t later = std::time(nullptr) + 120;
  std::tm tm{};
  gmtime_r(&later, &tm);
  char date[64];
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  RateLimited limited(429, date);
  IoLoop loop(quick_config());
  Completions done;
  loop.submit({limited.srv.url("/feed.xml")}, done.callback("first"));
  ASSERT_TRUE(done.wait_for(1));
  expect_paused(done.get("first"), 429);
}

TEST(IoLoopPoliteness, ShortRetryAfterIsWaitedOutAndRetried) {
  TestServer srv;
  std::atomic<int> hits{0};
  srv.server.Get("/feed.xml", [&](const httplib::Request&, httplib::Response& res) {
    if (++hits == 1) {
      res.status = 503;
      res.set_header("Retry-After", "1");
      return;
    }
    res.set_content("ok", "text/plain");
  });
  srv.start();
  auto cfg = quick_config();
  cfg.max_retries = 1;
  IoLoop loop(cfg);
  Completions done;
  const auto start = Clock::now();
  loop.submit({srv.url("/feed.xml")}, done.callback("r"));
  ASSERT_TRUE(done.wait_for(1));
  ASSERT_TRUE(done.get("r")) << done.get("r").error().describe();
  EXPECT_EQ(done.get("r")->attempts, 2);
  EXPECT_GE(Clock::now() - start, 900ms);  // it waited as asked
}

TEST(IoLoopPoliteness, CrawlDelaySpacesStartsToOneHost) {
  TestServer srv;
  std::mutex mutex;
  std::vector<Clock::time_point> arrivals;
  srv.server.Get("/robots.txt", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("User-agent: *\nCrawl-delay: 1\n", "text/plain");
  });
  srv.server.Get(R"(/page/\d+)", [&](const httplib::Request&, httplib::Response& res) {
    std::lock_guard lock(mutex);
    arrivals.push_back(Clock::now());
    res.set_content("page", "text/plain");
  });
  srv.start();
  auto cfg = quick_config();
  cfg.respect_robots_txt = true;
  cfg.max_per_host = 4;  // without the delay, both would start together
  IoLoop loop(cfg);
  Completions done;
  loop.submit_all(
      {{Request{srv.url("/page/1")}, done.callback("1")}, {Request{srv.url("/page/2")}, done.callback("2")}});
  ASSERT_TRUE(done.wait_for(2));
  EXPECT_TRUE(done.get("1"));
  EXPECT_TRUE(done.get("2"));
  std::lock_guard lock(mutex);
  ASSERT_EQ(arrivals.size(), 2u);
  EXPECT_GE(arrivals[1] - arrivals[0], 900ms);
}

TEST(IoLoopPoliteness, TwoPortsAreTwoHosts) {
  Ok a;
  Ok b;
  auto cfg = quick_config();
  cfg.min_host_interval = 2s;
  IoLoop loop(cfg);
  Completions done;
  // a/2 must wait 2 s behind a/1; b/1 is another host and need not.
  loop.submit_all({{Request{a.srv.url("/1")}, done.callback("a1")},
                   {Request{a.srv.url("/2")}, done.callback("a2")},
                   {Request{b.srv.url("/1")}, done.callback("b1")}});
  ASSERT_TRUE(done.wait_for(3));
  std::lock_guard lock(done.mutex);
  EXPECT_EQ(done.results.back().first, "a2");
  for (const auto& [tag, r] : done.results) EXPECT_TRUE(r) << tag;
}

// A start time reserved on a shared host budget (Request::not_before): the
// request waits for it in the loop, while another request that has none
// goes out at once.
TEST(IoLoopPoliteness, ARequestWaitsForItsReservedStart) {
  Ok server;
  IoLoop loop(quick_config());
  Completions done;
  const auto submitted = Clock::now();
  Request held{server.srv.url("/held.xml")};
  held.not_before = submitted + 1500ms;
  loop.submit(held, done.callback("held"));
  loop.submit({server.srv.url("/free.xml")}, done.callback("free"));
  ASSERT_TRUE(done.wait_for(1));
  EXPECT_TRUE(done.get("free").has_value());
  EXPECT_EQ(server.hits.load(), 1) << "the held request went out before its slot";
  ASSERT_TRUE(done.wait_for(2));
  EXPECT_TRUE(done.get("held").has_value());
  EXPECT_GE(Clock::now() - submitted, 1500ms);
}

// The budget key is the loop's own politeness key, also for URLs a feed
// wrote: case, default ports, IDN and userinfo do not make two hosts of
// one, and what is no http(s) URL has no key.
TEST(PolitenessKey, IsHostAndPortAsTheLoopCountsThem) {
  EXPECT_EQ(politeness_key("https://News.Example.COM/a?b"), "news.example.com:443");
  EXPECT_EQ(politeness_key("http://news.example.com:80/x"), "news.example.com:80");
  EXPECT_EQ(politeness_key("http://user:secret@news.example.com/"), "news.example.com:80");
  EXPECT_EQ(politeness_key("http://127.0.0.1:8080/feed"), "127.0.0.1:8080");
  EXPECT_EQ(politeness_key("https://\xd9\x85\xd8\xab\xd8\xa7\xd9\x84.example/"), "xn--mgbh0fb.example:443");
  EXPECT_EQ(politeness_key("file:///etc/passwd"), "");
  EXPECT_EQ(politeness_key("not a url"), "");
  EXPECT_EQ(politeness_key(""), "");
}

}  // namespace
}  // namespace newsd::fetch
