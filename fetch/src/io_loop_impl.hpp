#pragma once
// The I/O loop's private state, shared by the three files that run it:
// io_loop.cpp (the thread, the libcurl multi loop, redirects, completion),
// io_loop_robots.cpp (robots.txt: fetching, caching, verdicts) and
// io_loop_hosts.cpp (per-host:port queues, politeness, pauses, giving up on
// dead hosts). Everything here runs on the I/O thread except what Impl marks
// thread-safe.
#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "newsd/fetch/io_loop.hpp"
#include "newsd/fetch/robots.hpp"
#include "transfer.hpp"
#include "url.hpp"

namespace newsd::fetch {

using Clock = std::chrono::steady_clock;

namespace detail {

/// curl_global_init, once per process (io_loop.cpp).
extern std::once_flag curl_global_once;

using JobId = std::uint64_t;

/// robots.txt knowledge for one origin (scheme://host:port).
struct RobotsEntry {
  bool ready = false;  // false while its fetch is in flight
  RobotsRules rules;
  std::optional<Error> unreachable;  // set: 5xx/network; every URL fails with this
  Clock::time_point expires;
  std::vector<JobId> waiters;  // jobs parked until the rules are known
};

struct Job {
  Request request;
  IoLoop::Callback done;  // empty for robots.txt jobs
  std::string url;        // current hop
  detail::UrlParts parts;
  // The origin whose hops are trusted: the configured URL's own, or that of
  // the configured feed the URL was taken from. Empty: nothing is trusted.
  std::string trusted_origin;
  bool guarded = false;              // the current hop is untrusted: the address guard applies
  std::vector<std::string> visited;  // every URL of the redirect chain, to catch loops
  int attempt = 0;                   // transfers made for the current URL
  Clock::time_point not_before{};
  std::optional<Clock::time_point> started;
  bool permanent_redirects_only = true;  // every hop so far was a 301/308
  bool is_robots = false;
  std::string robots_origin;
  std::string robots_key;  // robots_ cache key: origin, marked when fetched under the guard
};

/// One host:port: its queue and what politeness knows about it.
struct HostSlot {
  std::deque<JobId> waiting;
  int in_flight = 0;
  int consecutive_failures = 0;  // requests that ended in network/timeout errors, retries spent
  std::optional<Error> last_failure;
};

/// A host:port that answered 429/503 with Retry-After.
struct Pause {
  Clock::time_point until;
  long status = 0;
  // Hard: requests to the host fail at once until `until`. Soft (a short
  // Retry-After being waited out by a retry): they wait.
  bool hard = false;
};

struct Counters {
  std::atomic<std::uint64_t> succeeded{0}, not_modified{0}, failed{0}, body_bytes{0}, transfers{0}, retries{0},
      robots_fetches{0}, hosts_given_up{0};

  [[nodiscard]] FetchStats snapshot() const {
    return FetchStats{succeeded.load(), not_modified.load(), failed.load(),         body_bytes.load(),
                      transfers.load(), retries.load(),      robots_fetches.load(), hosts_given_up.load()};
  }
};

/// What other threads hand to the loop, under Impl::mutex.
struct Inbox {
  std::vector<std::pair<Request, IoLoop::Callback>> requests;
  std::size_t cancel_count = 0;  // this many leading `requests` were queued before cancel_all()
  bool cancel = false;
  bool stop = false;
  std::optional<config::FetchConfig> cfg;
  std::optional<std::vector<std::string>> resolve;
};

// Failures that say the host:port is unreachable, not that one URL is bad.
inline bool is_host_failure(Errc code) {
  return code == Errc::network || code == Errc::timeout || code == Errc::dns || code == Errc::connect ||
         code == Errc::tls;
}

}  // namespace detail

/// Everything below runs on the I/O thread, except the members marked
/// thread-safe (mutex/inbox, counters, pending, heartbeat).
struct IoLoop::Impl {
  explicit Impl(const config::FetchConfig& c) : cfg(c) {
    std::call_once(detail::curl_global_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    multi = curl_multi_init();
    if (multi == nullptr) throw std::runtime_error("curl_multi_init failed");
    apply_config(c);
  }
  ~Impl() {
    for (auto& [easy, transfer] : in_flight) curl_multi_remove_handle(multi, easy);
    in_flight.clear();
    curl_multi_cleanup(multi);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  // ---- shared with other threads ----
  std::mutex mutex;
  detail::Inbox inbox;
  detail::Counters counters;
  std::atomic<std::size_t> pending{0};
  std::atomic<Clock::rep> heartbeat{Clock::now().time_since_epoch().count()};
  std::thread thread;

  // ---- I/O thread only ----
  config::FetchConfig cfg;
  std::string robots_token;
  CURLM* multi = nullptr;
  detail::TransferSettings settings;
  std::vector<std::string> resolve;
  std::set<std::string> allow_hosts;  // FetchConfig::allow_hosts as parsed hosts
  std::map<std::string, detail::RobotsEntry> robots;
  // Politeness outlives a host's queue: the daemon sends a feed, then that
  // feed's articles, to the same host:port.
  std::map<std::string, Clock::time_point> last_start_by_host;
  std::map<std::string, std::chrono::milliseconds> crawl_delays;  // by host:port, from robots.txt, capped
  std::map<std::string, detail::Pause> pauses;                    // by host:port
  // Origins connected to without the address guard. A pooled connection
  // skips CURLOPT_OPENSOCKETFUNCTION, so a guarded transfer to one of these
  // must open its own connection.
  std::set<std::string> unguarded_origins;
  std::unordered_map<detail::JobId, detail::Job> jobs;
  detail::JobId next_id = 1;
  std::map<std::string, detail::HostSlot> hosts;
  std::string last_served_host;
  struct InFlight {
    std::unique_ptr<detail::Transfer> transfer;
    std::string host;
  };
  std::unordered_map<CURL*, InFlight> in_flight;
  int total_in_flight = 0;
  bool cancelling = false;
  Clock::time_point last_housekeeping{};

  void run();
  void apply_config(const config::FetchConfig& c);
  void rebuild_settings();
  void add_job(Request request, Callback done);
  void admit(detail::JobId id);
  void read_file(detail::JobId id);
  bool check_robots(detail::JobId id, bool rules_just_arrived = false);
  void start_robots_fetch(const std::string& origin, const std::string& key, bool guarded);
  void on_robots_done(const detail::Job& job, const Result<Response>& result);
  void enqueue(detail::JobId id, bool front);
  void start_ready(Clock::time_point now);
  void start_transfer(detail::JobId id, const std::string& host, detail::HostSlot& slot, Clock::time_point now);
  void drain_finished();
  void on_transfer_done(detail::JobId id, detail::TransferResult result);
  void follow_redirect(detail::JobId id, const std::string& target);
  std::unexpected<Error> host_given_up(const std::string& host, const detail::HostSlot& slot,
                                       const detail::Job& job) const;
  void record_host_outcome(const detail::Job& job, const std::optional<Error>& failure);
  void finish(detail::JobId id, Result<Response> result);
  void deliver(const Callback& done, Result<Response> result);
  void cancel_everything();
  void housekeeping(Clock::time_point now);
  std::chrono::milliseconds next_wait(Clock::time_point now);
  Clock::time_point next_start(const std::string& host) const;
  void pause_host(const std::string& host, std::chrono::seconds wait, long status, bool hard);
  std::unexpected<Error> paused(const std::string& host, const detail::Pause& pause, const detail::Job& job) const;
};

}  // namespace newsd::fetch
