// The I/O loop as the engine uses it: requests submitted at any time,
// completions on the loop's own thread, cancellation and shutdown. Real
// HTTP servers on 127.0.0.1; bounds are generous "did not hang" limits.
#include "newsd/fetch/io_loop.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "completions.hpp"
#include "test_server.hpp"

namespace newsd::fetch {
namespace {

using namespace std::chrono_literals;
using testing::Completions;
using testing::interruptible_sleep;
using testing::kHang;
using testing::quick_config;
using testing::TestServer;

/// Serves /fast at once and /slow after `slow` (interrupted when the server stops).
struct Pages {
  explicit Pages(std::chrono::milliseconds slow = 1500ms) {
    srv.server.Get("/fast",
                   [](const httplib::Request&, httplib::Response& res) { res.set_content("fast", "text/plain"); });
    srv.server.Get("/slow", [this, slow](const httplib::Request&, httplib::Response& res) {
      interruptible_sleep(srv.stopping, slow);
      res.set_content("slow", "text/plain");
    });
    srv.start();
  }
  TestServer srv;
};

TEST(IoLoop, RequestSubmittedDuringASlowTransferCompletesFirst) {
  Pages slow_host;
  Pages fast_host;
  IoLoop loop(quick_config());
  Completions done;

  loop.submit({slow_host.srv.url("/slow")}, done.callback("slow"));
  std::this_thread::sleep_for(200ms);  // let the slow transfer get going: no batch to join
  loop.submit({fast_host.srv.url("/fast")}, done.callback("fast"));

  ASSERT_TRUE(done.wait_for(2));
  std::lock_guard lock(done.mutex);
  EXPECT_EQ(done.results[0].first, "fast");
  EXPECT_EQ(done.results[1].first, "slow");
  for (const auto& [tag, r] : done.results) {
    ASSERT_TRUE(r) << tag << ": " << r.error().describe();
    EXPECT_EQ(r->body, tag);
  }
  EXPECT_EQ(loop.pending(), 0u);
}

TEST(IoLoop, CallbacksRunOnOneThreadThatIsNotTheSubmitters) {
  Pages pages(0ms);
  IoLoop loop(quick_config());
  Completions done;
  for (int i = 0; i < 5; ++i) loop.submit({pages.srv.url(i % 2 == 0 ? "/fast" : "/slow")}, done.callback("r"));
  ASSERT_TRUE(done.wait_for(5));
  std::lock_guard lock(done.mutex);
  ASSERT_EQ(done.threads.size(), 1u);
  EXPECT_NE(*done.threads.begin(), std::this_thread::get_id());
  const FetchStats stats = loop.stats();
  EXPECT_EQ(stats.succeeded, 5u);
  EXPECT_EQ(stats.failed, 0u);
}

TEST(IoLoop, CancelAllCompletesEverythingAndLaterSubmitsRun) {
  Pages pages(20s);
  auto cfg = quick_config();
  cfg.max_per_host = 1;  // one transfer in flight, the rest queued
  cfg.total_timeout = 60s;
  IoLoop loop(cfg);
  Completions done;
  for (int i = 0; i < 3; ++i) loop.submit({pages.srv.url("/slow")}, done.callback("slow"));
  std::this_thread::sleep_for(200ms);
  loop.cancel_all();
  ASSERT_TRUE(done.wait_for(3));
  {
    std::lock_guard lock(done.mutex);
    for (const auto& [tag, r] : done.results) {
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error().code, Errc::timeout);
      EXPECT_NE(r.error().message.find("cancelled"), std::string::npos) << r.error().message;
    }
  }
  loop.submit({pages.srv.url("/fast")}, done.callback("fast"));
  ASSERT_TRUE(done.wait_for(4));
  std::lock_guard lock(done.mutex);
  ASSERT_TRUE(done.results[3].second) << done.results[3].second.error().describe();
  EXPECT_EQ(done.results[3].second->body, "fast");
}

TEST(IoLoop, DestructorCompletesPendingRequestsAndJoins) {
  Pages pages(20s);
  Completions done;
  {
    auto cfg = quick_config();
    cfg.total_timeout = 60s;
    IoLoop loop(cfg);
    loop.submit({pages.srv.url("/slow")}, done.callback("in flight"));
    loop.submit({pages.srv.url("/slow")}, done.callback("in flight"));
    std::this_thread::sleep_for(200ms);
    loop.submit({pages.srv.url("/fast")}, done.callback("just submitted"));
  }
  std::lock_guard lock(done.mutex);
  ASSERT_EQ(done.results.size(), 3u);
  for (const auto& [tag, r] : done.results) {
    if (r) continue;  // the fast one may have made it before the shutdown
    EXPECT_EQ(r.error().code, Errc::timeout) << tag;
  }
}

TEST(IoLoop, HeartbeatAdvancesWhileIdle) {
  IoLoop loop(quick_config());
  const auto first = loop.heartbeat();
  const auto deadline = std::chrono::steady_clock::now() + kHang;
  while (loop.heartbeat() == first && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_GT(loop.heartbeat(), first);
  EXPECT_EQ(loop.pending(), 0u);
}

TEST(IoLoop, CallbackMaySubmitAgain) {
  Pages pages(0ms);
  IoLoop loop(quick_config());
  Completions done;
  const std::string second = pages.srv.url("/slow");
  loop.submit({pages.srv.url("/fast")}, [&](Result<Response> r) {
    done.callback("first")(std::move(r));
    loop.submit({second}, done.callback("second"));  // the feed's pages, as the engine does
  });
  ASSERT_TRUE(done.wait_for(2));
  std::lock_guard lock(done.mutex);
  EXPECT_EQ(done.results[1].first, "second");
  EXPECT_TRUE(done.results[1].second);
}

}  // namespace
}  // namespace newsd::fetch
