#pragma once
// A real HTTP server on 127.0.0.1 (ephemeral port) for the fetcher tests.
// Declare it BEFORE the Fetcher in a test so the Fetcher (and its pooled
// keep-alive connections) goes first and the server stops promptly.
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "newsd/config/config.hpp"
#include "support/files.hpp"

namespace newsd::fetch::testing {

class TestServer {
 public:
  TestServer() {
    server.set_keep_alive_timeout(1);
    server.set_tcp_nodelay(true);  // else Nagle + delayed ACK add ~40 ms per response
    port_ = server.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("cannot bind a test server on 127.0.0.1");
  }
  ~TestServer() { stop(); }

  /// Starts serving; register handlers on `server` first.
  void start() {
    thread_ = std::thread([this] { server.listen_after_bind(); });
    // stop() is a no-op until the accept loop runs; a test that ends quickly
    // would otherwise leave the thread blocked in accept() forever.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!server.is_running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (!server.is_running()) throw std::runtime_error("test server did not start");
  }
  void stop() {
    stopping = true;
    server.stop();
    if (thread_.joinable()) thread_.join();
  }

  [[nodiscard]] int port() const { return port_; }
  [[nodiscard]] std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  [[nodiscard]] std::string url(const std::string& path) const { return origin() + path; }

  httplib::Server server;
  std::atomic<bool> stopping{false};  ///< slow handlers poll this so stop() never waits on them

 private:
  int port_ = 0;
  std::thread thread_;
};

/// Sleeps up to `total` in small steps, returning early once `stopping` is set.
inline void interruptible_sleep(const std::atomic<bool>& stopping, std::chrono::milliseconds total) {
  const auto until = std::chrono::steady_clock::now() + total;
  while (!stopping && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

/// The bytes of tests/data/fetch/<name> (empty if missing).
inline std::string read_fixture(const std::string& name) {
  return newsd::testing::read_file(std::string(NEWSD_TEST_DATA) + "/fetch/" + name);
}

/// Limits for tests: no politeness delay, no retries, no robots.txt, short
/// timeouts; each test turns on what it exercises.
inline config::FetchConfig quick_config() {
  config::FetchConfig cfg;
  cfg.user_agent = "newsd-test/1.0 (+https://example.invalid)";
  cfg.connect_timeout = std::chrono::seconds(5);
  cfg.total_timeout = std::chrono::seconds(10);
  cfg.min_host_interval = std::chrono::seconds(0);
  cfg.max_retries = 0;
  cfg.retry_backoff = std::chrono::seconds(0);
  cfg.respect_robots_txt = false;
  return cfg;
}

}  // namespace newsd::fetch::testing
