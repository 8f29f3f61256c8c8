// Limits the Fetcher enforces against a real loopback server: body size,
// timeouts, concurrency, politeness, cancellation, the private-address guard.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <vector>

#include "fetch/test_server.hpp"
#include "newsd/fetch/fetcher.hpp"

namespace newsd::fetch {
namespace {

using namespace std::chrono_literals;
using testing::interruptible_sleep;
using testing::quick_config;
using testing::TestServer;

constexpr std::size_t kHugeBody = 256u * 1024 * 1024;
constexpr std::size_t kChunk = 64 * 1024;

Result<Response> fetch_one(Fetcher& fetcher, const std::string& url) {
  const Request request{url};
  return std::move(fetcher.fetch_all(std::span(&request, 1)).front());
}

TEST(FetcherLimits, DeclaredHugeBodyIsRefusedWithoutReadingIt) {
  TestServer srv;
  std::atomic<std::size_t> sent{0};
  srv.server.Get("/huge", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content_provider(kHugeBody, "application/octet-stream",
                             [&](std::size_t, std::size_t length, httplib::DataSink& sink) {
                               const std::string chunk(std::min(length, kChunk), 'x');
                               if (srv.stopping || !sink.write(chunk.data(), chunk.size())) return false;
                               sent += chunk.size();
                               return true;
                             });
  });
  srv.start();
  auto cfg = quick_config();
  cfg.max_body_bytes = 1024 * 1024;
  Fetcher fetcher(cfg);

  auto r = fetch_one(fetcher, srv.url("/huge"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::too_large);
  EXPECT_LT(sent.load(), kHugeBody / 4);
}

TEST(FetcherLimits, UndeclaredHugeBodyIsCutAtTheLimit) {
  TestServer srv;
  std::atomic<std::size_t> sent{0};
  srv.server.Get("/stream", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("application/octet-stream", [&](std::size_t offset, httplib::DataSink& sink) {
      if (offset >= kHugeBody) {
        sink.done();
        return true;
      }
      const std::string chunk(kChunk, 'y');
      if (srv.stopping || !sink.write(chunk.data(), chunk.size())) return false;
      sent += chunk.size();
      return true;
    });
  });
  srv.start();
  auto cfg = quick_config();
  cfg.max_body_bytes = 1024 * 1024;
  Fetcher fetcher(cfg);

  auto r = fetch_one(fetcher, srv.url("/stream"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::too_large);
  EXPECT_LT(sent.load(), kHugeBody / 4);
}

TEST(FetcherLimits, BodyExactlyAtTheLimitIsAccepted) {
  TestServer srv;
  srv.server.Get("/exact", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string(4096, 'z'), "text/plain");
  });
  srv.start();
  auto cfg = quick_config();
  cfg.max_body_bytes = 4096;
  Fetcher fetcher(cfg);

  auto r = fetch_one(fetcher, srv.url("/exact"));
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->body.size(), 4096u);
}

TEST(FetcherLimits, ServerSlowToAnswerTimesOut) {
  TestServer srv;
  srv.server.Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
    interruptible_sleep(srv.stopping, 5s);
    res.set_content("too late", "text/plain");
  });
  srv.start();
  auto cfg = quick_config();
  cfg.total_timeout = 1s;
  Fetcher fetcher(cfg);

  auto r = fetch_one(fetcher, srv.url("/slow"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::timeout);
}

TEST(FetcherLimits, TricklingBodyTimesOut) {
  TestServer srv;
  srv.server.Get("/trickle", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/plain", [&](std::size_t offset, httplib::DataSink& sink) {
      if (offset >= 100 || srv.stopping) {
        sink.done();
        return true;
      }
      interruptible_sleep(srv.stopping, 100ms);
      return sink.write(".", 1);
    });
  });
  srv.start();
  auto cfg = quick_config();
  cfg.total_timeout = 1s;
  Fetcher fetcher(cfg);

  auto r = fetch_one(fetcher, srv.url("/trickle"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::timeout);
}

TEST(FetcherLimits, HostThatKeepsTimingOutIsGivenUpForTheRestOfTheBatch) {
  TestServer srv;
  std::atomic<int> hits{0};
  srv.server.Get(R"(/dead/\d+)", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    interruptible_sleep(srv.stopping, 5s);
    res.set_content("too late", "text/plain");
  });
  srv.start();
  auto cfg = quick_config();
  cfg.total_timeout = 1s;
  cfg.max_per_host = 1;
  Fetcher fetcher(cfg);

  std::vector<Request> requests;
  for (int i = 0; i < 8; ++i) requests.push_back({srv.url("/dead/" + std::to_string(i))});
  auto results = fetcher.fetch_all(requests);
  int skipped = 0;
  for (const auto& r : results) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::timeout);
    if (r.error().message.starts_with("not tried")) ++skipped;
  }
  EXPECT_EQ(hits, 3);
  EXPECT_EQ(skipped, 5);
  EXPECT_EQ(fetcher.stats().hosts_given_up, 1u);
}

TEST(FetcherLimits, TrickleBelowTheLowSpeedLimitIsCutBeforeTheTotalTimeout) {
  TestServer srv;
  srv.server.Get("/drip", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/plain", [&](std::size_t offset, httplib::DataSink& sink) {
      if (offset >= 100 || srv.stopping) {
        sink.done();
        return true;
      }
      interruptible_sleep(srv.stopping, 200ms);  // 5 bytes/s
      return sink.write(".", 1);
    });
  });
  srv.start();
  auto cfg = quick_config();
  cfg.total_timeout = 6s;  // low-speed window = total/3 = 2 s
  Fetcher fetcher(cfg);

  auto r = fetch_one(fetcher, srv.url("/drip"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::timeout);
  EXPECT_NE(r.error().message.find("too slow"), std::string::npos) << r.error().message;
}

TEST(FetcherLimits, ConnectionRefusedIsAConnectError) {
  // Bind an ephemeral port and close it again: nothing listens there now.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  const std::string url = "http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/";
  auto cfg = quick_config();
  cfg.max_retries = 1;
  Fetcher fetcher(cfg);

  auto r = fetch_one(fetcher, url);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::connect);
}

// Counts handlers running at once, overall and per Host header.
struct ConcurrencyProbe {
  std::mutex mutex;
  int current = 0;
  int max_seen = 0;
  std::map<std::string, int> current_by_host;
  std::map<std::string, int> max_by_host;

  void enter(const std::string& host) {
    std::lock_guard lock(mutex);
    max_seen = std::max(max_seen, ++current);
    max_by_host[host] = std::max(max_by_host[host], ++current_by_host[host]);
  }
  void leave(const std::string& host) {
    std::lock_guard lock(mutex);
    --current;
    --current_by_host[host];
  }
};

TEST(FetcherLimits, PerHostConcurrencyNeverExceedsTheLimit) {
  TestServer srv;
  ConcurrencyProbe probe;
  srv.server.Get(R"(/page/\d+)", [&](const httplib::Request& req, httplib::Response& res) {
    probe.enter(req.get_header_value("Host"));
    interruptible_sleep(srv.stopping, 150ms);
    probe.leave(req.get_header_value("Host"));
    res.set_content("page", "text/plain");
  });
  srv.start();
  auto cfg = quick_config();
  cfg.max_per_host = 2;
  cfg.max_connections = 16;
  Fetcher fetcher(cfg);

  std::vector<Request> requests;
  for (int i = 0; i < 8; ++i) requests.push_back({srv.url("/page/" + std::to_string(i))});
  auto results = fetcher.fetch_all(requests);
  for (const auto& r : results) ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(probe.max_seen, 2);
}

TEST(FetcherLimits, TotalConcurrencyNeverExceedsTheLimitAcrossHosts) {
  TestServer srv;
  ConcurrencyProbe probe;
  srv.server.Get(R"(/page/\d+)", [&](const httplib::Request& req, httplib::Response& res) {
    probe.enter(req.get_header_value("Host"));
    interruptible_sleep(srv.stopping, 150ms);
    probe.leave(req.get_header_value("Host"));
    res.set_content("page", "text/plain");
  });
  srv.start();
  auto cfg = quick_config();
  cfg.max_per_host = 2;
  cfg.max_connections = 3;
  Fetcher fetcher(cfg);

  // "127.0.0.1" and "localhost" are two hosts to the scheduler, one server.
  const std::string port = std::to_string(srv.port());
  std::vector<Request> requests;
  for (int i = 0; i < 5; ++i) {
    requests.push_back({"http://127.0.0.1:" + port + "/page/" + std::to_string(i)});
    requests.push_back({"http://localhost:" + port + "/page/" + std::to_string(i)});
  }
  auto results = fetcher.fetch_all(requests);
  for (const auto& r : results) ASSERT_TRUE(r) << r.error().describe();
  EXPECT_LE(probe.max_seen, 3);
  for (const auto& [host, max] : probe.max_by_host) EXPECT_LE(max, 2) << host;
}

TEST(FetcherLimits, MinHostIntervalSpacesRequestStarts) {
  TestServer srv;
  std::mutex mutex;
  std::vector<std::chrono::steady_clock::time_point> arrivals;
  srv.server.Get(R"(/n/\d+)", [&](const httplib::Request&, httplib::Response& res) {
    {
      std::lock_guard lock(mutex);
      arrivals.push_back(std::chrono::steady_clock::now());
    }
    res.set_content("n", "text/plain");
  });
  srv.start();
  auto cfg = quick_config();
  cfg.max_per_host = 4;
  cfg.min_host_interval = 1s;
  Fetcher fetcher(cfg);

  const std::vector<Request> requests{{srv.url("/n/1")}, {srv.url("/n/2")}, {srv.url("/n/3")}};
  auto results = fetcher.fetch_all(requests);
  for (const auto& r : results) ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(arrivals.size(), 3u);
  std::ranges::sort(arrivals);
  EXPECT_GE(arrivals[1] - arrivals[0], 900ms);
  EXPECT_GE(arrivals[2] - arrivals[1], 900ms);
}

TEST(FetcherLimits, MinHostIntervalHoldsAcrossFetchCalls) {
  TestServer srv;
  std::mutex mutex;
  std::vector<std::chrono::steady_clock::time_point> arrivals;
  srv.server.Get(R"(/n/\d+)", [&](const httplib::Request&, httplib::Response& res) {
    {
      std::lock_guard lock(mutex);
      arrivals.push_back(std::chrono::steady_clock::now());
    }
    res.set_content("n", "text/plain");
  });
  srv.start();
  auto cfg = quick_config();
  cfg.min_host_interval = 1s;
  Fetcher fetcher(cfg);

  // The daemon sends a feed, then its articles as a new batch, to one host.
  EXPECT_TRUE(fetch_one(fetcher, srv.url("/n/1")));
  EXPECT_TRUE(fetch_one(fetcher, srv.url("/n/2")));
  ASSERT_EQ(arrivals.size(), 2u);
  EXPECT_GE(arrivals[1] - arrivals[0], 900ms);
}

TEST(FetcherLimits, CancellationCompletesEveryRequestAsCancelled) {
  TestServer srv;
  srv.server.Get(R"(/stall/\d+)", [&](const httplib::Request&, httplib::Response& res) {
    interruptible_sleep(srv.stopping, 5s);
    res.set_content("late", "text/plain");
  });
  srv.start();
  auto cfg = quick_config();
  cfg.max_per_host = 1;  // the second request is still queued when we cancel
  Fetcher fetcher(cfg);

  const std::vector<Request> requests{{srv.url("/stall/1")}, {srv.url("/stall/2")}};
  const auto deadline = std::chrono::steady_clock::now() + 300ms;
  std::vector<std::optional<Result<Response>>> results(requests.size());
  fetcher.fetch(
      requests, [&](std::size_t i, Result<Response> r) { results[i] = std::move(r); },
      [&] { return std::chrono::steady_clock::now() >= deadline; });
  for (const auto& r : results) {
    ASSERT_TRUE(r.has_value());
    ASSERT_FALSE(*r);
    EXPECT_EQ(r->error().code, Errc::timeout);
    EXPECT_NE(r->error().message.find("cancelled"), std::string::npos);
  }
}

// URLs taken from a feed's content (derived_from set) are untrusted: the
// guard judges every address they connect to, localhost's ::1 included.
TEST(FetcherLimits, AddressGuardRefusesLoopback) {
  TestServer srv;
  std::atomic<int> hits{0};
  srv.server.Get(R"(/.*)", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.set_content("secret", "text/plain");
  });
  srv.start();
  Fetcher fetcher(quick_config());

  const std::string feed = "https://feeds.example/rss.xml";
  const std::vector<Request> requests{{srv.url("/admin"), "", "", feed},
                                      {"http://localhost:" + std::to_string(srv.port()) + "/", "", "", feed},
                                      {"http://[::ffff:127.0.0.1]:" + std::to_string(srv.port()) + "/", "", "", feed}};
  auto results = fetcher.fetch_all(requests);
  for (const auto& r : results) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::refused);
    EXPECT_TRUE(r.error().permanent);
    EXPECT_NE(r.error().message.find("address guard"), std::string::npos) << r.error().message;
  }
  EXPECT_EQ(hits, 0);
}

TEST(FetcherLimits, AddressGuardAlsoStopsTheRobotsFetch) {
  TestServer srv;
  std::atomic<int> hits{0};
  srv.server.Get(R"(/.*)", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.set_content("", "text/plain");
  });
  srv.start();
  auto cfg = quick_config();
  cfg.respect_robots_txt = true;
  Fetcher fetcher(cfg);

  const Request request{srv.url("/page"), "", "", "https://feeds.example/rss.xml"};
  auto r = std::move(fetcher.fetch_all(std::span(&request, 1)).front());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::refused);
  EXPECT_TRUE(r.error().permanent);
  EXPECT_NE(r.error().message.find("robots.txt unavailable (address guard"), std::string::npos) << r.error().message;
  EXPECT_EQ(hits, 0);
}

}  // namespace
}  // namespace newsd::fetch
