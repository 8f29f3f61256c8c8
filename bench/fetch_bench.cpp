// Fetcher throughput against a loopback server: how many small pages per
// second one Fetcher (one I/O thread) completes, as a function of the
// per-host concurrency limit. The server is cpp-httplib with its default
// thread pool, on the same machine, so absolute numbers are a floor.
#include <benchmark/benchmark.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "newsd/fetch/fetcher.hpp"

namespace {

class LoopbackServer {
 public:
  explicit LoopbackServer(std::size_t page_bytes) : page_(page_bytes, 'a') {
    server_.Get(R"(/page/\d+)", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(page_, "text/html; charset=utf-8");
    });
    server_.Get("/robots.txt", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("User-agent: *\nDisallow: /private\n", "text/plain");
    });
    server_.set_tcp_nodelay(true);  // else Nagle + delayed ACK add ~40 ms per response
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("cannot bind");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~LoopbackServer() {
    server_.stop();
    thread_.join();
  }
  [[nodiscard]] std::string url(int i) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/page/" + std::to_string(i);
  }

 private:
  std::string page_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

// Args: pages per batch, max_per_host, robots.txt on (cached after the first batch).
void BM_FetchSmallPages(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);  // one info line per page would dominate
  const int pages = static_cast<int>(state.range(0));
  LoopbackServer server(4 * 1024);
  newsd::config::FetchConfig cfg;
  cfg.min_host_interval = std::chrono::seconds(0);
  cfg.max_per_host = static_cast<int>(state.range(1));
  cfg.max_connections = 16;
  cfg.max_retries = 0;
  cfg.respect_robots_txt = state.range(2) != 0;
  newsd::fetch::Fetcher fetcher(cfg);

  std::vector<newsd::fetch::Request> requests;
  for (int i = 0; i < pages; ++i) requests.push_back({server.url(i)});
  std::size_t failures = 0;
  for (auto _ : state) {
    fetcher.fetch(requests, [&](std::size_t, newsd::Result<newsd::fetch::Response> r) {
      if (!r) ++failures;
    });
  }
  if (failures > 0) state.SkipWithError("some fetches failed");
  state.SetItemsProcessed(state.iterations() * pages);
  state.counters["requests/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * pages), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FetchSmallPages)
    ->ArgNames({"pages", "per_host", "robots"})
    ->Args({200, 1, 0})
    ->Args({200, 2, 0})
    ->Args({200, 8, 0})
    ->Args({200, 8, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
