// robots.txt for the I/O loop: one fetch per origin (and per trust: rules
// fetched under the address guard are cached apart), the URLs parked until
// it arrives, the verdict for each URL, Crawl-delay handed to politeness.
// Its own file because RFC 9309's rules (unavailable = allow, unreachable =
// disallow, redirects, size) are a concern of their own beside the loop.
#include <fmt/format.h>

#include <algorithm>

#include "io_loop_impl.hpp"
#include "newsd/base/log.hpp"

namespace newsd::fetch {

using namespace std::chrono_literals;
using std::chrono::duration_cast;
using std::chrono::milliseconds;
using namespace detail;

namespace {

constexpr auto kMaxCrawlDelay = 60s;  // a larger robots.txt Crawl-delay would starve the host's feeds
constexpr auto kRobotsTtl = 24h;

}  // namespace

// True if the job may go ahead now; otherwise it was finished (disallowed)
// or parked until its origin's robots.txt arrives. `rules_just_arrived`:
// called for a waiter of the fetch that just ended, which gets its verdict
// even when that verdict is good for no one after it (unreachable).
bool IoLoop::Impl::check_robots(JobId id, bool rules_just_arrived) {
  Job& job = jobs.at(id);
  // Rules fetched under the guard may be "refused", which says nothing to
  // a trusted URL of the same origin: the two are cached apart.
  const std::string key = job.guarded ? job.parts.origin + " (guarded)" : job.parts.origin;
  auto [it, inserted] = robots.try_emplace(key);
  RobotsEntry& entry = it->second;
  if (!inserted && !rules_just_arrived && entry.ready && entry.expires <= Clock::now()) {
    entry = RobotsEntry{};  // stale, or unreachable for the URLs that were waiting then: ask again
    inserted = true;
  }
  if (inserted) start_robots_fetch(job.parts.origin, key, job.guarded);
  if (!entry.ready) {
    entry.waiters.push_back(id);
    return false;
  }
  if (entry.unreachable) {
    Error error = *entry.unreachable;
    error.message = fmt::format("robots.txt unavailable ({}), not fetching {}", entry.unreachable->message, job.url);
    if (!error.retry_after) error.http_status = 0;  // the status was robots.txt's, not this URL's
    finish(id, std::unexpected(std::move(error)));
    return false;
  }
  if (!entry.rules.allowed(job.parts.path_and_query)) {
    finish(id, fail_permanently(Errc::robots, "disallowed by robots.txt: " + job.url));
    return false;
  }
  return true;
}

void IoLoop::Impl::start_robots_fetch(const std::string& origin, const std::string& key, bool guarded) {
  const JobId id = next_id++;
  Job& job = jobs[id];
  job.is_robots = true;
  job.robots_origin = origin;
  job.robots_key = key;
  job.trusted_origin = guarded ? std::string() : origin;
  job.url = origin + "/robots.txt";
  job.visited.push_back(job.url);
  admit(id);
}

void IoLoop::Impl::on_robots_done(const Job& job, const Result<Response>& result) {
  auto it = robots.find(job.robots_key);
  if (it == robots.end()) return;
  RobotsEntry& entry = it->second;
  const auto now = Clock::now();
  entry.ready = true;
  entry.expires = now + kRobotsTtl;
  const long status = result ? result->status : result.error().http_status;
  std::string outcome;
  if (result) {
    entry.rules = RobotsRules::parse(result->body, robots_token);
    outcome = fmt::format("{} rules", entry.rules.rule_count());
    if (const auto delay = entry.rules.crawl_delay(); delay && *delay > milliseconds(0)) {
      crawl_delays[job.parts.host_port] = std::min(*delay, duration_cast<milliseconds>(kMaxCrawlDelay));
    } else {
      crawl_delays.erase(job.parts.host_port);
    }
  } else if (status >= 400 && status < 500 && status != 429) {
    entry.rules = RobotsRules::allow_all();  // RFC 9309: "unavailable" means no restriction
    outcome = "absent, allow all";
  } else if (status == 0 && result.error().permanent) {
    // Redirect loop or address guard: nothing on this origin can be
    // fetched anyway; keep the reason so each URL reports it.
    entry.unreachable = result.error();
    entry.expires = now;
    outcome = "refused";
  } else if (result.error().retry_after) {
    // 429/503 with Retry-After: the host:port is paused; its URLs say so.
    entry.unreachable = result.error();
    entry.expires = now;
    outcome = "paused";
  } else {
    // RFC 9309: "unreachable" means complete disallow. Only for the URLs
    // waiting now: the next one asks again.
    const Errc code = is_host_failure(result.error().code) ? result.error().code : Errc::network;
    entry.unreachable = Error{code, result.error().message};
    entry.expires = now;
    outcome = "unreachable, disallow all";
  }
  counters.robots_fetches.fetch_add(1);
  log::info("fetch.robots",
            {{"origin", job.robots_origin}, {"guarded", job.guarded}, {"status", status}, {"outcome", outcome}});
  std::vector<JobId> waiters = std::move(entry.waiters);
  entry.waiters.clear();
  for (JobId id : waiters) {
    if (jobs.contains(id) && check_robots(id, true)) enqueue(id, false);
  }
}

}  // namespace newsd::fetch
