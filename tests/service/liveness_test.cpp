// The streaming daemon stays alive and responsive while ingest is slow: the
// real newsd binary, a real systemd-style notify socket, real HTTP servers on
// 127.0.0.1 that answer slowly, real signals.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <fstream>

#include "process.hpp"
#include "support/daemon_test_util.hpp"
#include "support/static_server.hpp"

namespace newsd::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

const fs::path kSamples = fs::path(NEWSD_SOURCE_DIR) / "samples";
const std::string kBinary = NEWSD_BINARY;

std::string config_text(const std::vector<std::string>& feed_urls) {
  std::string toml =
      "[log]\nlevel = \"info\"\n[fetch]\nmin_host_interval = \"0s\"\nmax_retries = 0\nmax_per_host = 1\n";
  toml += "[classify]\ntaxonomy = \"" + (fs::path(NEWSD_SOURCE_DIR) / "config/taxonomy/default.toml").string() + "\"\n";
  toml += "[store]\npath = \"newsd.db\"\n[daemon]\nshutdown_grace = \"0s\"\n";
  for (const auto& url : feed_urls) toml += "[[feeds]]\nurl = \"" + url + "\"\ninterval = \"1h\"\n";
  return toml;
}

// A bound AF_UNIX datagram socket standing in for systemd's notify socket.
class NotifySocket {
 public:
  explicit NotifySocket(const fs::path& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    bound_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~NotifySocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] bool bound() const { return bound_; }

  /// The next datagram, or nullopt if none arrives within `timeout`.
  std::optional<std::string> receive(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::nullopt;
    char buf[4096];
    const auto n = ::recv(fd_, buf, sizeof buf, 0);
    if (n < 0) return std::nullopt;
    return std::string(buf, static_cast<std::size_t>(n));
  }

 private:
  fs::path path_;
  int fd_ = -1;
  bool bound_ = false;
};

// Sets environment variables for the children spawned in its lifetime.
class ScopedEnv {
 public:
  ScopedEnv(std::vector<std::pair<std::string, std::string>> vars) : vars_(std::move(vars)) {
    for (const auto& [k, v] : vars_) ::setenv(k.c_str(), v.c_str(), 1);
  }
  ~ScopedEnv() {
    for (const auto& [k, v] : vars_) ::unsetenv(k.c_str());
  }

 private:
  std::vector<std::pair<std::string, std::string>> vars_;
};

// With WATCHDOG_USEC=2 s, every ping must follow the previous one (or
// READY=1) within 2 s for 30 s of an ingest that takes longer than that:
// one request at a time, 2 s each.
TEST(Liveness, WatchdogPingsKeepComingDuringALongIngest) {
  TempDir dir("newsd-wd");
  StaticServer slow(kSamples, 2s);
  std::ofstream(dir.path() / "newsd.toml")
      << config_text({slow.url("/maghreb-defense.rss"), slow.url("/cyber-fr.atom"), slow.url("/world-en.rss")});
  NotifySocket notify(dir.path() / "notify.sock");
  ASSERT_TRUE(notify.bound());
  ScopedEnv env({{"NOTIFY_SOCKET", (dir.path() / "notify.sock").string()}, {"WATCHDOG_USEC", "2000000"}});
  Process daemon({kBinary, "run", "--config", (dir.path() / "newsd.toml").string()}, dir.path() / "run");
  ASSERT_TRUE(daemon.started());

  std::optional<SteadyClock::time_point> last;
  SteadyClock::time_point window_end;
  std::chrono::milliseconds longest_gap{0};
  int pings = 0;
  bool busy_status = false;
  for (int i = 0; i < 10000; ++i) {
    auto message = notify.receive(3s);
    const auto now = SteadyClock::now();
    if (!message) {
      ADD_FAILURE() << "no notification for 3 s";
      break;
    }
    if (message->find("READY=1") != std::string::npos && !last) {
      last = now;
      window_end = now + 30s;
    }
    if (message->find("STATUS=") != std::string::npos && message->find(" 0 in flight") == std::string::npos &&
        message->find(" in flight") != std::string::npos) {
      busy_status = true;
    }
    if (message->find("WATCHDOG=1") != std::string::npos && last) {
      longest_gap = std::max(longest_gap, std::chrono::duration_cast<std::chrono::milliseconds>(now - *last));
      last = now;
      ++pings;
    }
    if (last && now >= window_end) break;
  }
  EXPECT_LE(longest_gap.count(), 2000) << daemon.stderr_text();
  EXPECT_GE(pings, 15);
  EXPECT_TRUE(busy_status) << "STATUS= never showed a feed in flight: the ingest was not running";
  EXPECT_LT(slow.requests(), 19) << "the ingest finished inside the window: the test proved nothing";
  daemon.signal(SIGTERM);
  EXPECT_EQ(exit_code(daemon.wait(30s)), 0) << daemon.stderr_text();
}

// SIGHUP while slow transfers are in flight: the added feed is fetched and
// stored and the removed one marked removed before the slow answers come;
// when they come, the kept feed's poll is judged by its new bounds and the
// removed feed's poll is dropped (not written, not stored, not rescheduled).
TEST(Liveness, SighupAddsAndRemovesFeedsWhileASlowTransferIsInFlight) {
  TempDir dir("newsd-hup");
  // 12 s per answer (robots.txt, then the feed): slow enough to be in flight
  // at SIGHUP, under the 15 s low-speed limit that a 90 s total_timeout sets.
  StaticServer slow(kSamples, 12s);
  StaticServer slow_removed(kSamples, 12s);
  StaticServer fast(kSamples);
  const fs::path cfg = dir.path() / "newsd.toml";
  const auto patient = [](std::string toml) {
    const std::string fetch = "[fetch]\n";
    return toml.insert(toml.find(fetch) + fetch.size(), "total_timeout = \"90s\"\n");
  };
  std::ofstream(cfg) << patient(
      config_text({slow.url("/world-en.rss"), slow_removed.url("/maghreb-defense.rss"), fast.url("/cyber-fr.atom")}));
  Process daemon({kBinary, "run", "--config", cfg.string()}, dir.path() / "run");
  const fs::path db = dir.path() / "newsd.db";
  ASSERT_TRUE(eventually([&] { return count(db, "SELECT count(*) FROM articles") >= 1; }, 20s)) << daemon.stderr_text();

  // The kept slow feed is pinned to 20 minutes: only the new config can say so.
  std::string next = patient(config_text({slow.url("/world-en.rss"), fast.url("/maghreb-defense.rss")}));
  const std::string pin = "interval = \"1h\"\n";
  next.insert(next.find(pin) + pin.size(), "min_interval = \"20m\"\nmax_interval = \"20m\"\n");
  std::ofstream(cfg) << next;
  daemon.signal(SIGHUP);
  const std::string kept_sql = "SELECT interval_s FROM feeds WHERE url LIKE '%world-en%'";
  EXPECT_TRUE(eventually(
      [&] {
        return count(db,
                     "SELECT count(*) FROM articles a JOIN feeds f ON f.id = a.feed_id "
                     "WHERE f.url LIKE '%cyber-fr%'") >= 1 &&
               count(db,
                     "SELECT count(*) FROM articles a JOIN feeds f ON f.id = a.feed_id "
                     "WHERE f.url = '" +
                         fast.url("/maghreb-defense.rss") + "'") >= 1;
      },
      10s))
      << daemon.stderr_text();
  EXPECT_TRUE(eventually(
      [&] {
        return count(db, "SELECT count(*) FROM feeds WHERE url LIKE '%cyber-fr%' AND removed_at IS NOT NULL") == 1;
      },
      10s))
      << daemon.stderr_text();
  // Each slow feed's own answer comes after its robots.txt: 2 requests.
  EXPECT_LT(std::max(slow.requests(), slow_removed.requests()), 2) << "a slow poll ended before the reload was checked";

  // The slow answers (robots.txt first, then the feed: 24 s each).
  ASSERT_TRUE(eventually([&] { return count(db, kept_sql) == 1200; }, 60s)) << count(db, kept_sql) << "\n"
                                                                            << daemon.stderr_text();
  ASSERT_TRUE(eventually([&] { return slow_removed.requests() >= 2; }, 30s)) << daemon.stderr_text();
  EXPECT_TRUE(
      eventually([&] { return daemon.stderr_text().find("event=feed.poll_dropped") != std::string::npos; }, 10s))
      << daemon.stderr_text();
  const std::string removed_url = slow_removed.url("/maghreb-defense.rss");
  EXPECT_EQ(count(db, "SELECT count(*) FROM feeds WHERE url = '" + removed_url +
                          "' AND removed_at IS NOT NULL AND last_fetched_at IS NULL"),
            1);
  EXPECT_EQ(
      count(db, "SELECT count(*) FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE f.url = '" + removed_url + "'"),
      0);
  EXPECT_EQ(slow_removed.requests(), 2) << "the removed feed was polled again";
  daemon.signal(SIGTERM);
  EXPECT_EQ(exit_code(daemon.wait(30s)), 0) << daemon.stderr_text();
}

}  // namespace
}  // namespace newsd::testing
