#pragma once
/// Asynchronous HTTP(S)/file fetching over libcurl's multi interface.
///
/// One Fetcher owns one curl multi handle and runs transfers on the calling
/// thread inside `run`; it enforces the total and per-host concurrency
/// limits, the per-host politeness interval, size and time limits, redirects
/// (with loop detection), conditional GET, compression, robots.txt and
/// retries with backoff for 429/5xx/network errors.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/config/config.hpp"

namespace newsd::fetch {

struct Request {
  std::string url;
  std::string etag;           ///< sent as If-None-Match when non-empty
  std::string last_modified;  ///< sent as If-Modified-Since when non-empty
};

struct Response {
  std::string url;            ///< the URL requested
  std::string final_url;      ///< after redirects
  long status = 0;            ///< HTTP status; 200 for a readable file:// URL
  bool not_modified = false;  ///< 304: body is empty, keep the stored copy
  std::string content_type;   ///< media type without parameters, lower-case ("text/html")
  std::string charset;        ///< charset parameter of Content-Type, empty if none
  std::string etag;
  std::string last_modified;
  std::string body;           ///< raw bytes, decompressed but NOT charset-decoded
  std::chrono::milliseconds elapsed{0};
};

/// Called once per request, from the thread running `fetch`, as each finishes.
/// Failures: Errc::network (DNS, connect, TLS, reset), Errc::timeout,
/// Errc::too_large (body over max_body_bytes), Errc::http_status (4xx/5xx
/// after retries; message has the status), Errc::unsupported (scheme),
/// Errc::not_found (file:// path missing), Errc::invalid_argument (bad URL,
/// redirect loop, disallowed by robots.txt).
using Completion = std::function<void(std::size_t index, Result<Response>)>;

class Fetcher {
 public:
  explicit Fetcher(const config::FetchConfig& cfg);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  /// Fetches every request, honouring the configured limits, and calls
  /// `done` for each as it completes (in completion order). Returns when all
  /// have completed or `cancelled()` turns true (remaining requests then
  /// complete with Errc::timeout "cancelled").
  void fetch(std::span<const Request> requests, const Completion& done,
             const std::function<bool()>& cancelled = {});

  /// Convenience: fetch and return results in request order.
  std::vector<Result<Response>> fetch_all(std::span<const Request> requests);

  /// Replaces the limits (used on SIGHUP); takes effect for the next `fetch`.
  void reconfigure(const config::FetchConfig& cfg);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsd::fetch
