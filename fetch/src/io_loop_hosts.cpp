// Per-host:port state of the I/O loop: the queue of each host, the
// politeness gap (min_host_interval, Crawl-delay), pauses after 429/503 with
// Retry-After, and giving up on a host that keeps failing. Its own file
// because this is the state that outlives any one request and is keyed by
// host:port, not by job.
#include <fmt/format.h>

#include <algorithm>

#include "io_loop_impl.hpp"
#include "newsd/base/log.hpp"

namespace newsd::fetch {

using namespace detail;
using std::chrono::duration_cast;
using std::chrono::milliseconds;

namespace {

// After this many requests in a row to one host:port end in network errors
// or timeouts (retries spent), the rest of that host's queue fails at once:
// a dead host would otherwise hold its queue for (retries+1) * total_timeout
// per queued URL. The count lives as long as the host has work queued.
constexpr int kHostFailureLimit = 3;

}  // namespace

void IoLoop::Impl::enqueue(JobId id, bool front) {
  const Job& job = jobs.at(id);
  const std::string& host = job.parts.host_port;
  HostSlot& slot = hosts[host];
  if (slot.consecutive_failures >= kHostFailureLimit) return finish(id, host_given_up(host, slot, job));
  if (auto pause = pauses.find(host); pause != pauses.end() && pause->second.hard) {
    if (pause->second.until > Clock::now()) return finish(id, paused(host, pause->second, job));
    pauses.erase(pause);
  }
  if (front) {
    slot.waiting.push_front(id);
  } else {
    slot.waiting.push_back(id);
  }
}

std::unexpected<Error> IoLoop::Impl::host_given_up(const std::string& host, const HostSlot& slot,
                                                   const Job& job) const {
  return std::unexpected(
      Error{slot.last_failure ? slot.last_failure->code : Errc::network,
            fmt::format("not tried: {} failed {} times in a row (last: {}): {}", host, slot.consecutive_failures,
                        slot.last_failure ? slot.last_failure->message : "", job.url)});
}

// Feeds the per-host failure count, and gives up on the host's queue once
// it reaches kHostFailureLimit.
void IoLoop::Impl::record_host_outcome(const Job& job, const std::optional<Error>& failure) {
  if (job.attempt == 0 || cancelling) return;  // never went on the wire, or we stopped it
  auto it = hosts.find(job.parts.host_port);
  if (it == hosts.end()) return;
  HostSlot& slot = it->second;
  if (!failure || !is_host_failure(failure->code)) {
    slot.consecutive_failures = 0;
    return;
  }
  slot.last_failure = failure;
  if (++slot.consecutive_failures < kHostFailureLimit) return;
  counters.hosts_given_up.fetch_add(1);
  log::warn("fetch.host_down", {{"host", job.parts.host_port},
                                {"failures", slot.consecutive_failures},
                                {"skipped", slot.waiting.size()},
                                {"message", failure->message}});
  std::deque<JobId> waiting = std::move(slot.waiting);
  slot.waiting.clear();
  for (JobId id : waiting) finish(id, host_given_up(it->first, slot, jobs.at(id)));
}

// The earliest a new transfer to `host` (host:port) may start under the
// politeness interval.
Clock::time_point IoLoop::Impl::next_start(const std::string& host) const {
  Clock::time_point earliest{};
  if (const auto last = last_start_by_host.find(host); last != last_start_by_host.end()) {
    auto gap = duration_cast<milliseconds>(cfg.min_host_interval);
    if (const auto delay = crawl_delays.find(host); delay != crawl_delays.end()) gap = std::max(gap, delay->second);
    earliest = last->second + gap;
  }
  if (const auto pause = pauses.find(host); pause != pauses.end()) earliest = std::max(earliest, pause->second.until);
  return earliest;
}

// Pauses `host` (host:port) for `wait`. A hard pause also fails what is
// queued for it now; in-flight transfers finish as they will.
void IoLoop::Impl::pause_host(const std::string& host, std::chrono::seconds wait, long status, bool hard) {
  const auto until = Clock::now() + wait;
  Pause& pause = pauses[host];
  if (pause.until < until) {
    pause.until = until;
    pause.status = status;
  }
  pause.hard = pause.hard || hard;
  log::warn("fetch.host_paused", {{"host", host},
                                  {"status", status},
                                  {"retry_after_s", static_cast<long long>(wait.count())},
                                  {"hard", pause.hard}});
  if (!pause.hard) return;
  auto slot = hosts.find(host);
  if (slot == hosts.end()) return;
  std::deque<JobId> waiting = std::move(slot->second.waiting);
  slot->second.waiting.clear();
  for (JobId id : waiting) finish(id, paused(host, pauses.at(host), jobs.at(id)));
}

std::unexpected<Error> IoLoop::Impl::paused(const std::string& host, const Pause& pause, const Job& job) const {
  const auto left = std::chrono::ceil<std::chrono::seconds>(pause.until - Clock::now());
  Error error{Errc::http_status,
              fmt::format("not tried: {} paused for {} s more after a {} with Retry-After: {}", host, left.count(),
                          pause.status, job.url),
              pause.status};
  error.retry_after = std::max(left, std::chrono::seconds(1));
  return std::unexpected(std::move(error));
}

}  // namespace newsd::fetch
