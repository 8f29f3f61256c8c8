#pragma once
/// The HTTP endpoint (`[http] listen`): /metrics, /healthz, /readyz, the
/// JSON API under /api/ and the web reader (routes and formats: docs/api.md).
/// It runs on cpp-httplib's own thread pool and reads the archive through
/// read-only connections of its own (WAL), so a request never waits on
/// ingest and ingest never waits on a request.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "newsd/base/error.hpp"
#include "newsd/config/config.hpp"
#include "newsd/fetch/fetcher.hpp"
#include "newsd/ingest/engine.hpp"

namespace newsd::service {

/// What the daemon's coordinator knows about ingest, taken on one of its
/// ticks (EngineStatus and progress() may only be read there).
struct IngestSnapshot {
  ingest::EngineStatus status;
  ingest::IngestReport progress;
  fetch::FetchStats fetch;
  std::optional<std::string> stalled_stage;  ///< Engine::stalled_stage at the time
  std::chrono::steady_clock::time_point taken{};
};

/// Hands IngestSnapshots from the coordinator thread to the HTTP threads.
/// Thread-safe; publishing copies one small struct under a mutex.
class IngestBoard {
 public:
  void publish(IngestSnapshot snapshot);
  /// Snapshot of `engine` now (call on the coordinator thread), published.
  void publish_from(const ingest::Engine& engine, std::chrono::milliseconds stall_threshold);
  /// The last one published; nullopt before the first.
  [[nodiscard]] std::optional<IngestSnapshot> latest() const;

 private:
  mutable std::mutex mutex_;
  std::optional<IngestSnapshot> latest_;
};

struct HttpOptions {
  config::HttpConfig http;
  std::filesystem::path db;    ///< the archive, opened read-only per request thread
  std::string postgresql_url;  ///< set: the archive is this PostgreSQL database (store.url) instead of `db`
  std::chrono::milliseconds busy_timeout{std::chrono::seconds{5}};
  /// The daemon's board; null for `newsd serve` (no ingest: /metrics then
  /// has only what the database says, /healthz only that the process answers).
  const IngestBoard* ingest = nullptr;
  std::chrono::milliseconds stream_poll{std::chrono::seconds{1}};  ///< how often /api/stream looks for new articles
};

class HttpServer {
 public:
  /// Binds `options.http.listen` (port 0 = any free port) and serves on a
  /// thread pool of its own. Errc::config for a listen value that is not
  /// host:port, Errc::io when the address cannot be bound.
  static Result<std::unique_ptr<HttpServer>> start(HttpOptions options);
  /// Stops accepting, ends open streams and joins the threads.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// The port actually bound.
  [[nodiscard]] int port() const;

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsd::service
