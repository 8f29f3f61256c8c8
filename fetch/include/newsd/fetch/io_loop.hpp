#pragma once
/// The fetcher's I/O thread: one libcurl multi loop that runs for the life
/// of the daemon and takes requests at any time.
///
/// `submit` is thread-safe and never blocks: the request joins an inbox and
/// the loop is woken (curl_multi_wakeup). Each request completes exactly once
/// through its callback, ON THE I/O THREAD, in completion order; a callback
/// must not block and must not call back into the IoLoop except `submit`
/// (the engine only pushes the result onto its own queue).
///
/// Every rule of the batch Fetcher holds per request: trust (derived_from),
/// robots.txt (cached per origin), redirects with loop detection, size and
/// time limits, conditional GET, retries with backoff. Politeness is keyed
/// by host:port: at most `max_per_host` transfers and `min_host_interval`
/// (or the robots.txt Crawl-delay, whichever is longer) between starts. A
/// 429 or 503 with Retry-After pauses that host:port for as long as asked
/// (also beyond 60 s, up to 7 days): the request completes at once with the
/// error (Error::http_status 429/503, Error::retry_after set), and every
/// other request to that host:port, queued or submitted during the pause,
/// completes at once with the same kind of error instead of waiting.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/config/config.hpp"
#include "newsd/fetch/fetcher.hpp"  // Request, Response, FetchStats

namespace newsd::fetch {

class IoLoop {
 public:
  using Callback = std::function<void(Result<Response>)>;

  /// Starts the I/O thread.
  explicit IoLoop(const config::FetchConfig& cfg);
  /// Cancels what is pending (callbacks run with Errc::timeout "cancelled")
  /// and joins the thread.
  ~IoLoop();
  IoLoop(const IoLoop&) = delete;
  IoLoop& operator=(const IoLoop&) = delete;

  /// Queues a request; thread-safe, never blocks.
  void submit(Request request, Callback done);

  /// Queues several requests at once: the loop sees all of them in the same
  /// turn (so a batch is scheduled as a whole, e.g. a dead host's queue is
  /// failed together). Thread-safe, never blocks.
  void submit_all(std::vector<std::pair<Request, Callback>> requests);

  /// New limits for transfers started from now on (SIGHUP); thread-safe.
  void reconfigure(const config::FetchConfig& cfg);

  /// Completes every queued and in-flight request with Errc::timeout
  /// "cancelled" (shutdown grace over); thread-safe. Later submits run normally.
  void cancel_all();

  /// Requests submitted and not yet completed; thread-safe.
  [[nodiscard]] std::size_t pending() const;

  /// Test and operations hook: transfers started from now on resolve the
  /// given hosts as libcurl's CURLOPT_RESOLVE says ("host:port:address",
  /// host as sent: ASCII, IDN in punycode), replacing earlier overrides;
  /// empty = DNS only. Trust is unchanged: the address guard still judges
  /// the address connected to. Thread-safe.
  void set_resolve_overrides(std::vector<std::string> entries);

  /// Counters so far; thread-safe.
  [[nodiscard]] FetchStats stats() const;

  /// When the loop last went round (it wakes at least every 250 ms even when
  /// idle), for the watchdog: a loop stuck in a callback or a library call
  /// stops advancing it. Thread-safe.
  [[nodiscard]] std::chrono::steady_clock::time_point heartbeat() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsd::fetch
