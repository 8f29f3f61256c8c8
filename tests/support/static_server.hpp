#pragma once
// A real HTTP server on 127.0.0.1 (cpp-httplib) serving a directory, for
// tests that drive the fetcher or the whole daemon. It listens on an
// ephemeral port and stops when destroyed.
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace newsd::testing {

class StaticServer {
 public:
  /// Serves `root` at "/" (and `extra_dir` at `extra_prefix`, if given).
  /// `delay` is added before every response (to make ingest slow enough to
  /// interrupt).
  explicit StaticServer(const std::filesystem::path& root,
                        std::chrono::milliseconds delay = std::chrono::milliseconds{0},
                        const std::string& extra_prefix = {}, const std::filesystem::path& extra_dir = {}) {
    if (!extra_prefix.empty()) server_.set_mount_point(extra_prefix, extra_dir.string());
    server_.set_mount_point("/", root.string());
    if (delay.count() > 0) {
      server_.set_pre_routing_handler([delay](const httplib::Request&, httplib::Response&) {
        std::this_thread::sleep_for(delay);
        return httplib::Server::HandlerResponse::Unhandled;
      });
    }
    server_.set_logger([this](const httplib::Request& req, const httplib::Response&) {
      ++requests_;
      std::lock_guard lock(by_path_mutex_);
      ++by_path_[req.path];
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // Bounded wait for the accept loop (cpp-httplib 0.11 has no wait_until_ready).
    for (int i = 0; i < 2000 && !server_.is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds{1});
  }
  ~StaticServer() {
    server_.stop();
    thread_.join();
  }
  StaticServer(const StaticServer&) = delete;
  StaticServer& operator=(const StaticServer&) = delete;

  [[nodiscard]] std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  [[nodiscard]] int requests() const { return requests_.load(); }
  /// Requests answered for `path` ("/world-en.rss").
  [[nodiscard]] int requests(const std::string& path) const {
    std::lock_guard lock(by_path_mutex_);
    auto it = by_path_.find(path);
    return it == by_path_.end() ? 0 : it->second;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::atomic<int> requests_{0};
  mutable std::mutex by_path_mutex_;
  std::map<std::string, int> by_path_;
  std::thread thread_;
};

}  // namespace newsd::testing
