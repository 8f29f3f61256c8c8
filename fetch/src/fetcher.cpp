#include "newsd/fetch/fetcher.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <unordered_map>

#include "newsd/base/ascii.hpp"
#include "newsd/base/log.hpp"
#include "newsd/fetch/robots.hpp"
#include "transfer.hpp"
#include "url.hpp"

namespace newsd::fetch {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

namespace {

constexpr auto kPollSlice = 100ms;    // cancelled() is checked at least this often
constexpr auto kMaxRetryAfter = 60s;  // a longer Retry-After fails now; the scheduler polls again later
constexpr auto kRobotsTtl = 24h;
constexpr std::size_t kRobotsMaxBytes = 512 * 1024;  // RFC 9309 asks for at least 500 KiB
constexpr int kRobotsMaxRedirects = 5;               // RFC 9309 §2.3.1.2
// After this many requests in a row to one host end in network errors or
// timeouts (retries spent), the rest of that host's queue fails at once: a
// dead host would otherwise hold a whole batch for (retries+1) * total_timeout
// per queued URL.
constexpr int kHostFailureLimit = 3;

std::once_flag curl_global_once;

}  // namespace

namespace {

/// robots.txt knowledge for one origin (scheme://host:port).
struct RobotsEntry {
  bool ready = false;  // false while its fetch is in flight
  RobotsRules rules;
  std::optional<Error> unreachable;  // set: 5xx/network; every URL fails with this
  Clock::time_point expires;
  std::vector<std::size_t> waiters;  // jobs parked until the rules are known
};

struct Job {
  std::size_t index = 0;  // the caller's index (unused for robots jobs)
  Request request;
  std::string url;  // current hop
  detail::UrlParts parts;
  // The origin whose hops are trusted: the configured URL's own, or that of
  // the configured feed the URL was taken from. Empty: nothing is trusted.
  std::string trusted_origin;
  bool guarded = false;              // the current hop is untrusted: the address guard applies
  std::vector<std::string> visited;  // every URL of the redirect chain, to catch loops
  int attempt = 0;                   // transfers made for the current URL
  Clock::time_point not_before{};
  std::optional<Clock::time_point> started;
  bool is_robots = false;
  std::string robots_origin;
  std::string robots_key;  // robots_ cache key: origin, marked when fetched under the guard
  bool finished = false;
};

struct HostSlot {
  std::deque<std::size_t> waiting;
  int in_flight = 0;
  std::optional<Clock::time_point> last_start;
  int consecutive_failures = 0;  // requests that ended in network/timeout errors, retries spent
  std::optional<Error> last_failure;
};

/// What a Fetcher keeps between `fetch` calls.
struct FetcherState {
  config::FetchConfig cfg;
  std::string robots_token;
  CURLM* multi = nullptr;
  std::map<std::string, RobotsEntry> robots;  // by origin
  // Politeness spans calls: the daemon sends a feed batch, then that feed's
  // articles in the next batch, to the same host.
  std::map<std::string, Clock::time_point> last_start_by_host;
  bool robots_cache_stale = false;  // user agent changed: drop the cache before the next run
  // Origins connected to without the address guard. The connection pool
  // outlives a call, and a pooled connection skips CURLOPT_OPENSOCKETFUNCTION,
  // so a guarded transfer to one of these must open its own connection.
  std::set<std::string> unguarded_origins;
  std::vector<std::string> resolve;  // set_resolve_overrides
  FetchStats stats;
};

}  // namespace

struct Fetcher::Impl : FetcherState {
  explicit Impl(const config::FetchConfig& c) {
    cfg = c;
    robots_token = robots_product_token(c.user_agent);
    std::call_once(curl_global_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    multi = curl_multi_init();
    if (multi == nullptr) throw std::runtime_error("curl_multi_init failed");
  }
  ~Impl() { curl_multi_cleanup(multi); }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
};

namespace {

/// The state of one `fetch` call: jobs, host queues, transfers in flight.
class Run {
 public:
  Run(FetcherState& state, const Completion& done)
      : cfg_(state.cfg),
        robots_token_(state.robots_token),
        multi_(state.multi),
        robots_(state.robots),
        last_start_by_host_(state.last_start_by_host),
        robots_cache_stale_(state.robots_cache_stale),
        unguarded_origins_(state.unguarded_origins),
        stats_(state.stats),
        done_(done) {
    curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(std::max(1, cfg_.max_connections)));
    curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, static_cast<long>(std::max(1, cfg_.max_connections)));
    settings_.user_agent = cfg_.user_agent;
    settings_.connect_timeout = duration_cast<milliseconds>(cfg_.connect_timeout);
    settings_.total_timeout = duration_cast<milliseconds>(cfg_.total_timeout);
    settings_.max_body_bytes = cfg_.max_body_bytes;
    settings_.ca_file = cfg_.ca_file.string();
    settings_.resolve = state.resolve;
    for (const std::string& cidr : cfg_.allow_networks) {
      // load_config validated these; one that slipped through allows nothing.
      if (auto net = parse_network(cidr)) settings_.allow_networks.push_back(*net);
    }
    for (const std::string& host : cfg_.allow_hosts) {
      // Through the URL parser, so the name compares as the hop's host does:
      // lower-case, IDN in punycode.
      if (auto parts = detail::split_url("http://" + host + "/")) allow_hosts_.insert(parts->host);
    }
  }

  // Leaves the multi handle and the robots cache consistent even when the
  // caller's callback throws: no handle stays attached, no origin stays
  // "being fetched" forever.
  ~Run() {
    for (auto& [easy, transfer] : in_flight_) curl_multi_remove_handle(multi_, easy);
    std::erase_if(robots_, [](const auto& item) { return !item.second.ready; });
  }

  void execute(std::span<const Request> requests, const std::function<bool()>& cancelled) {
    const auto now = Clock::now();
    if (robots_cache_stale_) robots_.clear();
    robots_cache_stale_ = false;
    std::erase_if(robots_, [&](const auto& item) { return item.second.expires <= now; });
    std::erase_if(last_start_by_host_, [&](const auto& item) { return now - item.second >= cfg_.min_host_interval; });
    for (std::size_t i = 0; i < requests.size(); ++i) {
      Job job;
      job.index = i;
      job.request = requests[i];
      job.url = requests[i].url;
      job.visited.push_back(job.url);
      const std::string& anchor = requests[i].derived_from.empty() ? requests[i].url : requests[i].derived_from;
      if (auto parts = detail::split_url(anchor)) job.trusted_origin = parts->origin;
      jobs_.push_back(std::move(job));
    }
    remaining_ = requests.size();
    for (std::size_t id = 0; id < requests.size(); ++id) admit(id);

    while (remaining_ > 0) {
      if (cancelled && cancelled()) {
        cancel_all();
        break;
      }
      start_ready(Clock::now());
      int running = 0;
      curl_multi_perform(multi_, &running);
      drain_finished();
      if (remaining_ == 0) break;
      const auto wait = next_wait(Clock::now());
      curl_multi_poll(multi_, nullptr, 0, static_cast<int>(wait.count()), nullptr);
    }
  }

 private:
  // Decides where a job goes next: finished at once (file://, bad URL,
  // refused by the trust rules, robots verdict known), parked behind its
  // origin's robots.txt, or queued on its host. Runs for every hop.
  void admit(std::size_t id) {
    Job& job = jobs_[id];
    auto parts = detail::split_url(job.url);
    if (!parts) return finish(id, std::unexpected(parts.error()));
    job.parts = std::move(*parts);
    if (job.parts.scheme != "file") {
      job.url = job.parts.url;
      job.visited.back() = job.url;  // loop detection compares URLs in this, the wire form
    }
    const std::string& scheme = job.parts.scheme;

    if (scheme == "file" && job.visited.size() == 1 && !job.is_robots) return read_file(id);
    if (scheme != "http" && scheme != "https") {
      const bool redirected = job.visited.size() > 1;
      return finish(
          id, fail_permanently(Errc::unsupported, fmt::format("{}unsupported scheme '{}': {}",
                                                              redirected ? "redirect to " : "", scheme, job.url)));
    }
    job.guarded = job.parts.origin != job.trusted_origin && !allow_hosts_.contains(job.parts.host);
    if (cfg_.respect_robots_txt && !job.is_robots && !check_robots(id)) return;
    enqueue(id, false);
  }

  // A file: URL written in the config is read as is; one taken from a
  // feed's content only when that feed is a file: URL too and the path
  // stays inside the feed's directory (the bundled offline samples).
  void read_file(std::size_t id) {
    Job& job = jobs_[id];
    if (!job.started) job.started = Clock::now();
    job.attempt = 1;
    const std::string& feed = job.request.derived_from;
    if (!feed.empty()) {
      const auto feed_parts = detail::split_url(feed);
      if (!feed_parts || feed_parts->scheme != "file") {
        return finish(id, fail_permanently(Errc::invalid_argument,
                                           fmt::format("refused {}: a file: URL taken from the content of {}, which "
                                                       "is not a file: feed",
                                                       job.url, feed)));
      }
      if (auto inside = detail::check_under_feed_directory(job.url, feed); !inside) {
        return finish(id, std::unexpected(inside.error()));
      }
    }
    finish(id, detail::read_file_url(job.url, cfg_.max_body_bytes));
  }

  // True if the job may go ahead now; otherwise it was finished (disallowed)
  // or parked until its origin's robots.txt arrives.
  bool check_robots(std::size_t id) {
    Job& job = jobs_[id];
    // Rules fetched under the guard may be "refused", which says nothing to
    // a trusted URL of the same origin: the two are cached apart.
    const std::string key = job.guarded ? job.parts.origin + " (guarded)" : job.parts.origin;
    auto [it, inserted] = robots_.try_emplace(key);
    RobotsEntry& entry = it->second;
    if (inserted) start_robots_fetch(job.parts.origin, key, job.guarded);
    if (!entry.ready) {
      entry.waiters.push_back(id);
      return false;
    }
    if (entry.unreachable) {
      finish(id, std::unexpected(Error{
                     entry.unreachable->code,
                     fmt::format("robots.txt unavailable ({}), not fetching {}", entry.unreachable->message, job.url),
                     0, entry.unreachable->permanent}));
      return false;
    }
    if (!entry.rules.allowed(job.parts.path_and_query)) {
      finish(id, fail_permanently(Errc::invalid_argument, "disallowed by robots.txt: " + job.url));
      return false;
    }
    return true;
  }

  void start_robots_fetch(const std::string& origin, const std::string& key, bool guarded) {
    Job job;
    job.is_robots = true;
    job.robots_origin = origin;
    job.robots_key = key;
    job.trusted_origin = guarded ? std::string() : origin;
    job.url = origin + "/robots.txt";
    job.visited.push_back(job.url);
    jobs_.push_back(std::move(job));
    admit(jobs_.size() - 1);
  }

  void on_robots_done(const Job& job, const Result<Response>& result) {
    auto it = robots_.find(job.robots_key);
    if (it == robots_.end()) return;
    RobotsEntry& entry = it->second;
    const auto now = Clock::now();
    entry.ready = true;
    entry.expires = now + kRobotsTtl;
    const long status = result ? result->status : result.error().http_status;
    std::string outcome;
    if (result) {
      entry.rules = RobotsRules::parse(result->body, robots_token_);
      outcome = fmt::format("{} rules", entry.rules.rule_count());
    } else if (status >= 400 && status < 500 && status != 429) {
      entry.rules = RobotsRules::allow_all();  // RFC 9309: "unavailable" means no restriction
      outcome = "absent, allow all";
    } else if (status == 0 && result.error().permanent) {
      // Redirect loop or address guard: nothing on this origin can be
      // fetched anyway; keep the reason so each URL reports it.
      entry.unreachable = result.error();
      entry.expires = now;
      outcome = "refused";
    } else {
      // RFC 9309: "unreachable" means complete disallow. Only for this run:
      // the next fetch() asks again.
      entry.unreachable =
          Error{result.error().code == Errc::timeout ? Errc::timeout : Errc::network, result.error().message};
      entry.expires = now;
      outcome = "unreachable, disallow all";
    }
    ++stats_.robots_fetches;
    log::info("fetch.robots",
              {{"origin", job.robots_origin}, {"guarded", job.guarded}, {"status", status}, {"outcome", outcome}});
    std::vector<std::size_t> waiters = std::move(entry.waiters);
    entry.waiters.clear();
    for (std::size_t id : waiters) {
      if (!jobs_[id].finished && check_robots(id)) enqueue(id, false);
    }
  }

  void enqueue(std::size_t id, bool front) {
    const std::string& host = jobs_[id].parts.host;
    auto [it, inserted] = hosts_.try_emplace(host);
    HostSlot& slot = it->second;
    if (inserted) {
      if (auto last = last_start_by_host_.find(host); last != last_start_by_host_.end()) slot.last_start = last->second;
    }
    if (slot.consecutive_failures >= kHostFailureLimit) return finish(id, host_given_up(host, slot, id));
    if (front) {
      slot.waiting.push_front(id);
    } else {
      slot.waiting.push_back(id);
    }
  }

  // The scheduler: starts every queued job whose host has a free slot and
  // whose politeness interval and retry delay have passed, within the total
  // limit. Hosts are served round-robin so one big host cannot starve the rest.
  void start_ready(Clock::time_point now) {
    if (hosts_.empty()) return;
    const int max_total = std::max(1, cfg_.max_connections);
    const int max_per_host = std::max(1, cfg_.max_per_host);
    auto it = hosts_.upper_bound(last_served_host_);
    for (std::size_t visited = 0, n = hosts_.size(); visited < n && total_in_flight_ < max_total; ++visited) {
      if (it == hosts_.end()) it = hosts_.begin();
      HostSlot& slot = it->second;
      while (total_in_flight_ < max_total && slot.in_flight < max_per_host &&
             (!slot.last_start || now - *slot.last_start >= cfg_.min_host_interval)) {
        const auto ready =
            std::ranges::find_if(slot.waiting, [&](std::size_t id) { return jobs_[id].not_before <= now; });
        if (ready == slot.waiting.end()) break;
        const std::size_t id = *ready;
        slot.waiting.erase(ready);
        start_transfer(id, it->first, slot, now);
        last_served_host_ = it->first;
      }
      ++it;
    }
  }

  void start_transfer(std::size_t id, const std::string& host, HostSlot& slot, Clock::time_point now) {
    Job& job = jobs_[id];
    detail::TransferSettings settings = settings_;
    settings.guard_addresses = job.guarded;
    if (job.guarded) {
      settings.fresh_connect = unguarded_origins_.contains(job.parts.origin);
    } else {
      unguarded_origins_.insert(job.parts.origin);
    }
    if (job.is_robots) {
      settings.max_body_bytes = kRobotsMaxBytes;
      settings.truncate_oversized_body = true;
    }
    auto transfer = detail::Transfer::create(id, job.url, job.request, settings);
    if (!transfer) return finish(id, std::unexpected(transfer.error()));
    CURL* easy = (*transfer)->easy();
    if (const CURLMcode rc = curl_multi_add_handle(multi_, easy); rc != CURLM_OK) {
      return finish(id, fail(Errc::internal, std::string("curl_multi_add_handle: ") + curl_multi_strerror(rc)));
    }
    in_flight_.emplace(easy, InFlight{std::move(*transfer), host});
    ++slot.in_flight;
    ++total_in_flight_;
    slot.last_start = now;
    last_start_by_host_[host] = now;
    ++job.attempt;
    ++stats_.transfers;
    if (!job.started) job.started = now;
  }

  void drain_finished() {
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &queued)) {
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      const CURLcode code = msg->data.result;
      auto node = in_flight_.extract(easy);
      if (node.empty()) continue;
      curl_multi_remove_handle(multi_, easy);
      --total_in_flight_;
      --hosts_[node.mapped().host].in_flight;
      detail::Transfer& transfer = *node.mapped().transfer;
      on_transfer_done(transfer.job(), transfer.finish(code));
    }
  }

  void on_transfer_done(std::size_t id, detail::TransferResult result) {
    Job& job = jobs_[id];
    const auto now = Clock::now();
    detail::Verdict verdict = detail::judge(result, job.url);
    switch (verdict.kind) {
      case detail::Verdict::Kind::success: {
        Response response;
        response.url = job.request.url.empty() ? job.url : job.request.url;
        response.final_url = job.url;
        response.status = result.status;
        response.not_modified = result.status == 304;
        detail::parse_content_type(result.content_type, response.content_type, response.charset);
        response.etag = std::move(result.etag);
        response.last_modified = std::move(result.last_modified);
        response.body = std::move(result.body);
        return finish(id, std::move(response));
      }
      case detail::Verdict::Kind::redirect: return follow_redirect(id, result.redirect_url);
      case detail::Verdict::Kind::retry: {
        const int max_retries = std::max(0, cfg_.max_retries);
        if (job.attempt > max_retries) return finish(id, std::unexpected(std::move(verdict.error)));
        const int doublings = std::min(job.attempt - 1, 16);
        milliseconds delay = duration_cast<milliseconds>(cfg_.retry_backoff) * (1LL << doublings);
        if (result.status == 429 && result.retry_after) {
          if (*result.retry_after > kMaxRetryAfter) return finish(id, std::unexpected(std::move(verdict.error)));
          delay = *result.retry_after;
        }
        job.not_before = now + delay;
        ++stats_.retries;
        log::info("fetch.retry", {{"url", job.url},
                                  {"error", to_string(verdict.error.code)},
                                  {"status", result.status},
                                  {"attempt", job.attempt},
                                  {"delay_ms", static_cast<long long>(delay.count())}});
        return enqueue(id, job.is_robots);
      }
      case detail::Verdict::Kind::fail: return finish(id, std::unexpected(std::move(verdict.error)));
    }
  }

  void follow_redirect(std::size_t id, const std::string& target) {
    Job& job = jobs_[id];
    const int max_redirects = job.is_robots ? kRobotsMaxRedirects : std::max(0, cfg_.max_redirects);
    if (std::ranges::find(job.visited, target) != job.visited.end()) {
      return finish(id,
                    fail_permanently(Errc::invalid_argument, fmt::format("redirect loop: {} -> {}", job.url, target)));
    }
    if (static_cast<int>(job.visited.size()) > max_redirects) {
      return finish(id,
                    fail_permanently(Errc::invalid_argument, fmt::format("too many redirects (more than {}) from {}",
                                                                         max_redirects, job.visited.front())));
    }
    log::debug("fetch.redirect", {{"from", job.url}, {"to", target}});
    job.visited.push_back(target);
    job.url = target;
    job.attempt = 0;
    job.not_before = {};
    admit(id);
  }

  std::unexpected<Error> host_given_up(const std::string& host, const HostSlot& slot, std::size_t id) const {
    return std::unexpected(
        Error{slot.last_failure ? slot.last_failure->code : Errc::network,
              fmt::format("not tried: {} failed {} times in a row (last: {}): {}", host, slot.consecutive_failures,
                          slot.last_failure ? slot.last_failure->message : "", jobs_[id].url)});
  }

  // Feeds the per-host failure count, and gives up on the host's queue once
  // it reaches kHostFailureLimit.
  void record_host_outcome(const Job& job, const std::optional<Error>& failure) {
    if (job.attempt == 0 || cancelling_) return;  // never went on the wire, or we stopped it
    auto it = hosts_.find(job.parts.host);
    if (it == hosts_.end()) return;
    HostSlot& slot = it->second;
    if (!failure || (failure->code != Errc::network && failure->code != Errc::timeout)) {
      slot.consecutive_failures = 0;
      return;
    }
    slot.last_failure = failure;
    if (++slot.consecutive_failures < kHostFailureLimit) return;
    ++stats_.hosts_given_up;
    log::warn("fetch.host_down", {{"host", job.parts.host},
                                  {"failures", slot.consecutive_failures},
                                  {"skipped", slot.waiting.size()},
                                  {"message", failure->message}});
    std::deque<std::size_t> waiting = std::move(slot.waiting);
    slot.waiting.clear();
    for (std::size_t id : waiting) finish(id, host_given_up(it->first, slot, id));
  }

  void finish(std::size_t id, Result<Response> result) {
    Job& job = jobs_[id];
    if (job.finished) return;
    job.finished = true;
    const std::optional<Error> failure = result ? std::nullopt : std::optional<Error>(result.error());
    const auto elapsed = duration_cast<milliseconds>(Clock::now() - job.started.value_or(Clock::now()));
    if (result) {
      result->elapsed = elapsed;
      result->attempts = std::max(1, job.attempt);
    }
    if (job.is_robots) {
      on_robots_done(job, result);
      return record_host_outcome(job, failure);
    }

    if (result) {
      ++stats_.succeeded;
      if (result->not_modified) ++stats_.not_modified;
      stats_.body_bytes += result->body.size();
      // One line per successful transfer is access-log volume: debug. The
      // daemon logs what a cycle did (cycle.done) and every failure.
      log::debug("fetch.done", {{"url", job.request.url},
                                {"final_url", result->final_url},
                                {"status", result->status},
                                {"bytes", result->body.size()},
                                {"ms", static_cast<long long>(elapsed.count())},
                                {"attempt", result->attempts}});
    } else {
      ++stats_.failed;
      log::info("fetch.failed", {{"url", job.request.url},
                                 {"error", to_string(result.error().code)},
                                 {"status", result.error().http_status},
                                 {"permanent", result.error().permanent},
                                 {"message", result.error().message},
                                 {"ms", static_cast<long long>(elapsed.count())},
                                 {"attempt", job.attempt}});
    }
    --remaining_;
    done_(job.index, std::move(result));
    record_host_outcome(job, failure);
  }

  void cancel_all() {
    cancelling_ = true;
    for (auto& [easy, transfer] : in_flight_) curl_multi_remove_handle(multi_, easy);
    in_flight_.clear();
    for (std::size_t id = 0; id < jobs_.size(); ++id) {
      if (!jobs_[id].is_robots && !jobs_[id].finished) {
        finish(id, fail(Errc::timeout, "cancelled: " + jobs_[id].request.url));
      }
    }
  }

  // How long curl_multi_poll may sleep: until curl's next timer, the next
  // host that becomes startable, or the cancellation slice, whichever is first.
  milliseconds next_wait(Clock::time_point now) {
    auto wait = duration_cast<milliseconds>(kPollSlice);
    long curl_ms = -1;
    if (curl_multi_timeout(multi_, &curl_ms) == CURLM_OK && curl_ms >= 0) wait = std::min(wait, milliseconds(curl_ms));
    if (total_in_flight_ >= std::max(1, cfg_.max_connections)) return wait;
    for (const auto& [host, slot] : hosts_) {
      if (slot.waiting.empty() || slot.in_flight >= std::max(1, cfg_.max_per_host)) continue;
      Clock::time_point earliest = Clock::time_point::max();
      for (std::size_t id : slot.waiting) earliest = std::min(earliest, jobs_[id].not_before);
      if (slot.last_start) earliest = std::max(earliest, *slot.last_start + cfg_.min_host_interval);
      if (earliest <= now) return milliseconds(0);
      wait = std::min(wait, duration_cast<milliseconds>(earliest - now) + 1ms);
    }
    return wait;
  }

  struct InFlight {
    std::unique_ptr<detail::Transfer> transfer;
    std::string host;
  };

  config::FetchConfig cfg_;
  std::string robots_token_;
  CURLM* multi_;
  std::map<std::string, RobotsEntry>& robots_;
  std::map<std::string, Clock::time_point>& last_start_by_host_;
  bool& robots_cache_stale_;
  std::set<std::string>& unguarded_origins_;
  FetchStats& stats_;
  const Completion& done_;
  detail::TransferSettings settings_;
  std::set<std::string> allow_hosts_;  // FetchConfig::allow_hosts as parsed hosts
  // Requests first (id == index), then robots.txt jobs. A deque, because
  // jobs are appended while references to others are held.
  std::deque<Job> jobs_;
  std::map<std::string, HostSlot> hosts_;
  std::string last_served_host_;
  std::unordered_map<CURL*, InFlight> in_flight_;
  int total_in_flight_ = 0;
  std::size_t remaining_ = 0;
  bool cancelling_ = false;
};

}  // namespace

Fetcher::Fetcher(const config::FetchConfig& cfg) : impl_(std::make_unique<Impl>(cfg)) {}

Fetcher::~Fetcher() = default;

void Fetcher::fetch(std::span<const Request> requests, const Completion& done, const std::function<bool()>& cancelled) {
  Run run(*impl_, done);
  run.execute(requests, cancelled);
}

std::vector<Result<Response>> Fetcher::fetch_all(std::span<const Request> requests) {
  std::vector<std::optional<Result<Response>>> slots(requests.size());
  fetch(requests, [&](std::size_t index, Result<Response> result) { slots[index] = std::move(result); });
  std::vector<Result<Response>> out;
  out.reserve(slots.size());
  for (auto& slot : slots) out.push_back(slot ? std::move(*slot) : fail(Errc::internal, "request never completed"));
  return out;
}

FetchStats Fetcher::stats() const { return impl_->stats; }

void Fetcher::set_resolve_overrides(std::vector<std::string> entries) { impl_->resolve = std::move(entries); }

void Fetcher::reconfigure(const config::FetchConfig& cfg) {
  // Deferred to the next run: a run in progress (reconfigure called from a
  // Completion) still holds entries of this cache.
  if (cfg.user_agent != impl_->cfg.user_agent) impl_->robots_cache_stale = true;
  impl_->cfg = cfg;
  impl_->robots_token = robots_product_token(cfg.user_agent);
}

}  // namespace newsd::fetch
