// The I/O loop proper: its thread, the libcurl multi loop that starts and
// completes transfers, redirects, retries, delivery to callbacks, and the
// public IoLoop methods. robots.txt lives in io_loop_robots.cpp and per-host
// politeness in io_loop_hosts.cpp; the state they share is io_loop_impl.hpp.
#include <fmt/format.h>

#include <algorithm>

#include "io_loop_impl.hpp"
#include "newsd/base/log.hpp"
#include "newsd/base/thread_name.hpp"

namespace newsd::fetch {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

namespace {

// The loop goes round at least this often even when idle, so heartbeat()
// keeps advancing for the watchdog (the contract says 250 ms).
constexpr auto kIdleSlice = 200ms;
// A Retry-After up to this long (with retries left) is waited out inside the
// loop and the request retried; a longer one fails the request at once and
// its host:port stays paused (Error::retry_after tells the scheduler when to
// come back).
constexpr auto kMaxRetryAfter = 60s;
constexpr auto kHousekeeping = 1s;                   // how often expired cache entries are dropped
constexpr std::size_t kRobotsMaxBytes = 512 * 1024;  // RFC 9309 asks for at least 500 KiB
constexpr int kRobotsMaxRedirects = 5;               // RFC 9309 §2.3.1.2

}  // namespace

std::once_flag detail::curl_global_once;

using namespace detail;

void IoLoop::Impl::apply_config(const config::FetchConfig& c) {
  // A changed user agent may change which robots.txt group applies; rules
  // still being fetched stay (their waiters need them) and expire as usual.
  if (c.user_agent != cfg.user_agent) std::erase_if(robots, [](const auto& item) { return item.second.ready; });
  cfg = c;
  robots_token = robots_product_token(c.user_agent);
  curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(std::max(1, cfg.max_connections)));
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, static_cast<long>(std::max(1, cfg.max_connections)));
  allow_hosts.clear();
  for (const std::string& host : cfg.allow_hosts) {
    // Through the URL parser, so the name compares as the hop's host does:
    // lower-case, IDN in punycode.
    if (auto parts = detail::split_url("http://" + host + "/")) allow_hosts.insert(parts->host);
  }
  rebuild_settings();
}

void IoLoop::Impl::rebuild_settings() {
  settings = {};
  settings.user_agent = cfg.user_agent;
  settings.connect_timeout = duration_cast<milliseconds>(cfg.connect_timeout);
  settings.total_timeout = duration_cast<milliseconds>(cfg.total_timeout);
  settings.max_body_bytes = cfg.max_body_bytes;
  settings.ca_file = cfg.ca_file.string();
  settings.resolve = resolve;
  for (const std::string& cidr : cfg.allow_networks) {
    // load_config validated these; one that slipped through allows nothing.
    if (auto net = parse_network(cidr)) settings.allow_networks.push_back(*net);
  }
}

void IoLoop::Impl::run() {
  name_this_thread("newsd-fetch");
  while (true) {
    Inbox in;
    {
      std::lock_guard lock(mutex);
      std::swap(in, inbox);
    }
    if (in.cfg) apply_config(*in.cfg);
    if (in.resolve) {
      resolve = std::move(*in.resolve);
      rebuild_settings();
    }
    if (in.cancel || in.stop) cancel_everything();
    const std::size_t cancelled = in.stop ? in.requests.size() : in.cancel_count;
    for (std::size_t i = 0; i < in.requests.size(); ++i) {
      auto& [request, done] = in.requests[i];
      if (i < cancelled) {
        counters.failed.fetch_add(1);
        deliver(done, fail(Errc::timeout, "cancelled: " + request.url));
      } else {
        add_job(std::move(request), std::move(done));
      }
    }
    if (in.stop) return;

    const auto now = Clock::now();
    housekeeping(now);
    start_ready(now);
    int running = 0;
    curl_multi_perform(multi, &running);
    drain_finished();
    heartbeat.store(Clock::now().time_since_epoch().count());
    const auto wait = next_wait(Clock::now());
    curl_multi_poll(multi, nullptr, 0, static_cast<int>(wait.count()), nullptr);
  }
}

void IoLoop::Impl::add_job(Request request, Callback done) {
  const JobId id = next_id++;
  Job& job = jobs[id];
  const std::string& anchor = request.derived_from.empty() ? request.url : request.derived_from;
  if (auto parts = detail::split_url(anchor)) job.trusted_origin = parts->origin;
  job.url = request.url;
  job.visited.push_back(job.url);
  job.not_before = request.not_before;  // a reserved slot on a shared host budget
  job.request = std::move(request);
  job.done = std::move(done);
  admit(id);
}

// Decides where a job goes next: finished at once (file://, bad URL,
// refused by the trust rules, robots verdict known), parked behind its
// origin's robots.txt, or queued on its host. Runs for every hop.
void IoLoop::Impl::admit(JobId id) {
  Job& job = jobs.at(id);
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
    // Any scheme is fine in the config (then it is simply not supported);
    // an untrusted URL or a redirect may only lead to http(s).
    const bool redirected = job.visited.size() > 1;
    const bool untrusted = redirected || !job.request.derived_from.empty();
    return finish(id, fail_permanently(untrusted ? Errc::refused : Errc::unsupported,
                                       fmt::format("{}unsupported scheme '{}': {}", redirected ? "redirect to " : "",
                                                   scheme, job.url)));
  }
  job.guarded = job.parts.origin != job.trusted_origin && !allow_hosts.contains(job.parts.host);
  if (cfg.respect_robots_txt && !job.is_robots && !check_robots(id)) return;
  enqueue(id, false);
}

// A file: URL written in the config is read as is; one taken from a
// feed's content only when that feed is a file: URL too and the path
// stays inside the feed's directory (the bundled offline samples).
void IoLoop::Impl::read_file(JobId id) {
  Job& job = jobs.at(id);
  if (!job.started) job.started = Clock::now();
  job.attempt = 1;
  const std::string& feed = job.request.derived_from;
  if (!feed.empty()) {
    const auto feed_parts = detail::split_url(feed);
    if (!feed_parts || feed_parts->scheme != "file") {
      return finish(
          id, fail_permanently(Errc::refused, fmt::format("refused {}: a file: URL taken from the content of {}, which "
                                                          "is not a file: feed",
                                                          job.url, feed)));
    }
    if (auto inside = detail::check_under_feed_directory(job.url, feed); !inside) {
      return finish(id, std::unexpected(inside.error()));
    }
  }
  finish(id, detail::read_file_url(job.url, cfg.max_body_bytes));
}

// The scheduler: starts every queued job whose host has a free slot and
// whose politeness interval and retry delay have passed, within the total
// limit. Hosts are served round-robin so one big host cannot starve the rest.
void IoLoop::Impl::start_ready(Clock::time_point now) {
  if (hosts.empty()) return;
  const int max_total = std::max(1, cfg.max_connections);
  const int max_per_host = std::max(1, cfg.max_per_host);
  auto it = hosts.upper_bound(last_served_host);
  for (std::size_t visited = 0, n = hosts.size(); visited < n && total_in_flight < max_total; ++visited) {
    if (it == hosts.end()) it = hosts.begin();
    HostSlot& slot = it->second;
    while (total_in_flight < max_total && slot.in_flight < max_per_host && now >= next_start(it->first)) {
      const auto ready = std::ranges::find_if(slot.waiting, [&](JobId id) { return jobs.at(id).not_before <= now; });
      if (ready == slot.waiting.end()) break;
      const JobId id = *ready;
      slot.waiting.erase(ready);
      start_transfer(id, it->first, slot, now);
      last_served_host = it->first;
    }
    ++it;
  }
}

void IoLoop::Impl::start_transfer(JobId id, const std::string& host, HostSlot& slot, Clock::time_point now) {
  Job& job = jobs.at(id);
  detail::TransferSettings s = settings;
  s.guard_addresses = job.guarded;
  if (job.guarded) {
    s.fresh_connect = unguarded_origins.contains(job.parts.origin);
  } else {
    unguarded_origins.insert(job.parts.origin);
  }
  if (job.is_robots) {
    s.max_body_bytes = kRobotsMaxBytes;
    s.truncate_oversized_body = true;
  }
  auto transfer = detail::Transfer::create(id, job.url, job.request, s);
  if (!transfer) return finish(id, std::unexpected(transfer.error()));
  CURL* easy = (*transfer)->easy();
  if (const CURLMcode rc = curl_multi_add_handle(multi, easy); rc != CURLM_OK) {
    return finish(id, fail(Errc::internal, std::string("curl_multi_add_handle: ") + curl_multi_strerror(rc)));
  }
  in_flight.emplace(easy, InFlight{std::move(*transfer), host});
  ++slot.in_flight;
  ++total_in_flight;
  last_start_by_host[host] = now;
  ++job.attempt;
  counters.transfers.fetch_add(1);
  if (!job.started) job.started = now;
}

void IoLoop::Impl::drain_finished() {
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
    if (msg->msg != CURLMSG_DONE) continue;
    CURL* easy = msg->easy_handle;
    const CURLcode code = msg->data.result;
    auto node = in_flight.extract(easy);
    if (node.empty()) continue;
    curl_multi_remove_handle(multi, easy);
    --total_in_flight;
    --hosts[node.mapped().host].in_flight;
    detail::Transfer& transfer = *node.mapped().transfer;
    on_transfer_done(transfer.job(), transfer.finish(code));
  }
}

void IoLoop::Impl::on_transfer_done(JobId id, detail::TransferResult result) {
  Job& job = jobs.at(id);
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
      response.cache_control = std::move(result.cache_control);
      response.expires = std::move(result.expires);
      response.retry_after = result.retry_after;
      response.server = std::move(result.server);
      response.cf_mitigated = std::move(result.cf_mitigated);
      if (job.visited.size() > 1 && job.permanent_redirects_only) response.moved_to = job.url;
      response.body = std::move(result.body);
      return finish(id, std::move(response));
    }
    case detail::Verdict::Kind::redirect:
      if (result.status != 301 && result.status != 308) job.permanent_redirects_only = false;
      return follow_redirect(id, result.redirect_url);
    case detail::Verdict::Kind::retry: {
      const int max_retries = std::max(0, cfg.max_retries);
      const bool retries_left = job.attempt <= max_retries;
      const int doublings = std::min(job.attempt - 1, 16);
      milliseconds delay = duration_cast<milliseconds>(cfg.retry_backoff) * (1LL << doublings);
      if ((result.status == 429 || result.status == 503) && result.retry_after) {
        const bool wait_here = retries_left && *result.retry_after <= kMaxRetryAfter;
        pause_host(job.parts.host_port, *result.retry_after, result.status, !wait_here);
        if (!wait_here) return finish(id, std::unexpected(std::move(verdict.error)));
        delay = *result.retry_after;
      }
      if (!retries_left) return finish(id, std::unexpected(std::move(verdict.error)));
      job.not_before = now + delay;
      counters.retries.fetch_add(1);
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

void IoLoop::Impl::follow_redirect(JobId id, const std::string& target) {
  Job& job = jobs.at(id);
  const int max_redirects = job.is_robots ? kRobotsMaxRedirects : std::max(0, cfg.max_redirects);
  if (std::ranges::find(job.visited, target) != job.visited.end()) {
    return finish(id,
                  fail_permanently(Errc::invalid_argument, fmt::format("redirect loop: {} -> {}", job.url, target)));
  }
  if (static_cast<int>(job.visited.size()) > max_redirects) {
    return finish(id, fail_permanently(Errc::invalid_argument, fmt::format("too many redirects (more than {}) from {}",
                                                                           max_redirects, job.visited.front())));
  }
  log::debug("fetch.redirect", {{"from", job.url}, {"to", target}});
  job.visited.push_back(target);
  job.url = target;
  job.attempt = 0;
  job.not_before = {};
  admit(id);
}

void IoLoop::Impl::finish(JobId id, Result<Response> result) {
  auto node = jobs.extract(id);
  if (node.empty()) return;
  Job& job = node.mapped();
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
    counters.succeeded.fetch_add(1);
    if (result->not_modified) counters.not_modified.fetch_add(1);
    counters.body_bytes.fetch_add(result->body.size());
    // One line per successful transfer is access-log volume: debug. The
    // engine logs what it did with the page and every failure.
    log::debug("fetch.done", {{"url", job.request.url},
                              {"final_url", result->final_url},
                              {"status", result->status},
                              {"bytes", result->body.size()},
                              {"ms", static_cast<long long>(elapsed.count())},
                              {"attempt", result->attempts}});
  } else {
    counters.failed.fetch_add(1);
    log::info("fetch.failed", {{"url", job.request.url},
                               {"error", to_string(result.error().code)},
                               {"status", result.error().http_status},
                               {"permanent", result.error().permanent},
                               {"message", result.error().message},
                               {"ms", static_cast<long long>(elapsed.count())},
                               {"attempt", job.attempt}});
  }
  deliver(job.done, std::move(result));
  record_host_outcome(job, failure);
}

void IoLoop::Impl::deliver(const Callback& done, Result<Response> result) {
  pending.fetch_sub(1);  // completed once its result is handed over
  // A throwing callback must not take the I/O thread (and every other
  // request in flight) down with it.
  try {
    done(std::move(result));
  } catch (const std::exception& e) {
    log::error("fetch.callback_threw", {{"what", e.what()}});
  } catch (...) {
    log::error("fetch.callback_threw", {{"what", "unknown exception"}});
  }
}

void IoLoop::Impl::cancel_everything() {
  cancelling = true;
  for (auto& [easy, transfer] : in_flight) curl_multi_remove_handle(multi, easy);
  in_flight.clear();
  total_in_flight = 0;
  hosts.clear();
  // Rules still being fetched will never arrive; the next URL asks again.
  std::erase_if(robots, [](const auto& item) { return !item.second.ready; });
  std::vector<JobId> ids;
  ids.reserve(jobs.size());
  for (const auto& [id, job] : jobs) {
    if (!job.is_robots) ids.push_back(id);
  }
  std::erase_if(jobs, [](const auto& item) { return item.second.is_robots; });
  std::ranges::sort(ids);  // submission order
  for (JobId id : ids) finish(id, fail(Errc::timeout, "cancelled: " + jobs.at(id).request.url));
  cancelling = false;
}

// Drops what a long-running loop would otherwise accumulate: idle host
// slots (their politeness lives on in last_start_by_host), start times
// older than any gap, expired robots.txt rules.
void IoLoop::Impl::housekeeping(Clock::time_point now) {
  std::erase_if(hosts, [](const auto& item) { return item.second.waiting.empty() && item.second.in_flight == 0; });
  if (now - last_housekeeping < kHousekeeping) return;
  last_housekeeping = now;
  std::erase_if(robots, [&](const auto& item) { return item.second.ready && item.second.expires <= now; });
  std::erase_if(pauses, [&](const auto& item) { return item.second.until <= now; });
  std::erase_if(last_start_by_host, [&](const auto& item) { return now >= next_start(item.first); });
}

// How long curl_multi_poll may sleep: until curl's next timer, the next
// host that becomes startable, or the idle slice, whichever is first. New
// submits and cancel_all() wake it through curl_multi_wakeup.
milliseconds IoLoop::Impl::next_wait(Clock::time_point now) {
  auto wait = duration_cast<milliseconds>(kIdleSlice);
  long curl_ms = -1;
  if (curl_multi_timeout(multi, &curl_ms) == CURLM_OK && curl_ms >= 0) wait = std::min(wait, milliseconds(curl_ms));
  if (total_in_flight >= std::max(1, cfg.max_connections)) return wait;
  for (const auto& [host, slot] : hosts) {
    if (slot.waiting.empty() || slot.in_flight >= std::max(1, cfg.max_per_host)) continue;
    Clock::time_point earliest = Clock::time_point::max();
    for (JobId id : slot.waiting) earliest = std::min(earliest, jobs.at(id).not_before);
    earliest = std::max(earliest, next_start(host));
    if (earliest <= now) return milliseconds(0);
    wait = std::min(wait, duration_cast<milliseconds>(earliest - now) + 1ms);
  }
  return wait;
}

IoLoop::IoLoop(const config::FetchConfig& cfg) : impl_(std::make_unique<Impl>(cfg)) {
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

IoLoop::~IoLoop() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->inbox.stop = true;
  }
  curl_multi_wakeup(impl_->multi);
  impl_->thread.join();
}

void IoLoop::submit(Request request, Callback done) {
  std::vector<std::pair<Request, Callback>> one;
  one.emplace_back(std::move(request), std::move(done));
  submit_all(std::move(one));
}

void IoLoop::submit_all(std::vector<std::pair<Request, Callback>> requests) {
  if (requests.empty()) return;
  impl_->pending.fetch_add(requests.size());
  {
    std::lock_guard lock(impl_->mutex);
    auto& queue = impl_->inbox.requests;
    queue.insert(queue.end(), std::make_move_iterator(requests.begin()), std::make_move_iterator(requests.end()));
  }
  curl_multi_wakeup(impl_->multi);
}

void IoLoop::reconfigure(const config::FetchConfig& cfg) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->inbox.cfg = cfg;
  }
  curl_multi_wakeup(impl_->multi);
}

void IoLoop::set_resolve_overrides(std::vector<std::string> entries) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->inbox.resolve = std::move(entries);
  }
  curl_multi_wakeup(impl_->multi);
}

void IoLoop::cancel_all() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->inbox.cancel = true;
    impl_->inbox.cancel_count = impl_->inbox.requests.size();
  }
  curl_multi_wakeup(impl_->multi);
}

std::size_t IoLoop::pending() const { return impl_->pending.load(); }

FetchStats IoLoop::stats() const { return impl_->counters.snapshot(); }

std::chrono::steady_clock::time_point IoLoop::heartbeat() const {
  return Clock::time_point(Clock::duration(impl_->heartbeat.load()));
}

}  // namespace newsd::fetch
