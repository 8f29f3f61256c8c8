#include "newsd/ingest/schedule.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "newsd/parse/dates.hpp"

namespace newsd::ingest {
namespace {

// Weight of the newest gap once a few are known: a fifth, in log space.
constexpr double kAlpha = 0.2;
const double kLogMaxStep = std::log(4.0);

// RFC 9111 §1.2.2: a delta-seconds too large to represent is read as 2^31.
constexpr std::int64_t kDeltaSecondsCap = std::int64_t{1} << 31;

constexpr std::array<std::string_view, 8> kReasonNames = {"configured", "adapted", "ttl",         "sy_update",
                                                          "max_age",    "expires", "retry_after", "backoff"};

double seconds_of(Seconds d) { return static_cast<double>(d.count()); }

double clamp_unit(double u) {
  if (!(u >= 0.0)) return 0.0;  // also NaN
  return std::min(u, std::nextafter(1.0, 0.0));
}

// A whole number of seconds drawn uniformly by `u` from the window
// [d(1-down), d(1+up)] cut to [lo, hi]. Cutting the window instead of
// clamping the result keeps feeds that sit at a bound spread out too (all
// feeds at max_interval would otherwise land exactly on it).
Seconds spread(double d, double lo, double hi, double down, double up, double u) {
  const double lower = std::ceil(std::max(lo, d * (1.0 - down)));
  const double upper = std::max(lower, std::floor(std::min(hi, d * (1.0 + up))));
  const double pick = std::min(upper, lower + std::floor(clamp_unit(u) * (upper - lower + 1.0)));
  return Seconds{static_cast<std::int64_t>(pick)};
}

struct Healthy {
  double seconds;
  IntervalReason reason;
};

// The interval before hints and jitter: configured until the history has
// enough gaps, then the typical gap. A feed silent for longer than twice that
// is polled at half its silence, so each empty poll lengthens the next
// interval a little instead of all at once.
Healthy healthy_interval(const FeedPolicy& policy, const PublishRate& rate, SysSeconds now) {
  Healthy h{seconds_of(policy.configured), IntervalReason::configured};
  if (rate.gaps >= kMinGapsToAdapt) h = {rate.mean_gap_s, IntervalReason::adapted};
  if (rate.last_new_entry && now > *rate.last_new_entry) {
    const double half_silence = seconds_of(now - *rate.last_new_entry) / 2.0;
    if (half_silence > h.seconds) h = {half_silence, IntervalReason::adapted};
  }
  h.seconds = std::clamp(h.seconds, seconds_of(policy.min_interval), seconds_of(policy.max_interval));
  return h;
}

struct Hint {
  Seconds delay;  // from the poll, already capped
  Seconds cap;
  IntervalReason reason;
};

// The latest server hint, each capped (content hints at max_interval,
// Retry-After at kMaxServerDelay). Ties keep the earlier candidate, so the
// reason names the most binding kind of hint.
std::optional<Hint> latest_hint(const FeedPolicy& policy, const ServerHints& hints, SysSeconds polled_at) {
  std::optional<Hint> best;
  auto consider = [&](std::optional<SysSeconds> at, Seconds cap, IntervalReason reason) {
    if (!at || *at <= polled_at) return;
    const Seconds delay = std::min(*at - polled_at, cap);
    if (!best || delay > best->delay) best = Hint{delay, cap, reason};
  };
  auto after = [&](std::optional<Seconds> d) -> std::optional<SysSeconds> {
    if (!d) return std::nullopt;
    return polled_at + std::min(*d, kMaxServerDelay);
  };
  consider(hints.retry_after, kMaxServerDelay, IntervalReason::retry_after);
  consider(hints.expires, policy.max_interval, IntervalReason::expires);
  consider(after(hints.max_age), policy.max_interval, IntervalReason::max_age);
  consider(after(hints.sy_update_period), policy.max_interval, IntervalReason::sy_update);
  consider(after(hints.ttl), policy.max_interval, IntervalReason::ttl);
  return best;
}

// A hint that decides is spread upward only, never before the server's time.
NextPoll apply_hint(NextPoll own, const Hint& hint, SysSeconds from, double jitter, double u) {
  if (from + hint.delay <= own.at) return own;
  const double d = seconds_of(hint.delay);
  const Seconds interval = spread(d, d, seconds_of(hint.cap), 0.0, jitter, u);
  return {from + interval, interval, hint.reason};
}

void add_gap(double& log_mean, int& gaps, double gap_s) {
  double lg = std::log(std::max(gap_s, 1.0));
  if (gaps == 0) {
    log_mean = lg;
  } else if (1.0 / (gaps + 1) > kAlpha) {
    // A plain mean over the first few gaps, so the first ones do not each
    // weigh 1/5 of everything learnt later.
    log_mean += (lg - log_mean) / (gaps + 1);
  } else {
    // Once learnt, one gap counts as at most 4x off the estimate: news gaps
    // are heavy-tailed (a burst of three entries in a minute on a daily
    // feed), and a real change of rhythm still shows within about a dozen
    // gaps, while silence lengthens the interval on its own anyway.
    lg = std::clamp(lg, log_mean - kLogMaxStep, log_mean + kLogMaxStep);
    log_mean += kAlpha * (lg - log_mean);
  }
  gaps = std::min(gaps + 1, PublishRate::kMaxGaps);
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

// RFC 9110 delta-seconds: 1*DIGIT, saturating.
std::optional<Seconds> delta_seconds(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::int64_t value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    value = std::min(value * 10 + (c - '0'), kDeltaSecondsCap);
  }
  return Seconds{value};
}

}  // namespace

FeedPolicy feed_policy(const config::ScheduleConfig& global, const config::FeedConfig& feed) noexcept {
  FeedPolicy p;
  p.min_interval = feed.min_interval.value_or(global.min_interval);
  p.max_interval = feed.max_interval.value_or(global.max_interval);
  if (p.min_interval > p.max_interval) {
    if (feed.max_interval && !feed.min_interval) {
      p.min_interval = p.max_interval;
    } else {
      p.max_interval = p.min_interval;
    }
  }
  p.configured = std::clamp(feed.interval, p.min_interval, p.max_interval);
  p.max_backoff = global.max_backoff;
  p.jitter = std::clamp(global.jitter, 0.0, 0.5);
  return p;
}

PublishRate observe(PublishRate rate, std::span<const SysSeconds> new_entries, SysSeconds polled_at) {
  std::vector<SysSeconds> times;
  times.reserve(new_entries.size());
  for (SysSeconds t : new_entries) {
    t = std::min(t, polled_at);
    if (!rate.last_new_entry || t > *rate.last_new_entry) times.push_back(t);
  }
  if (times.empty()) return rate;
  std::sort(times.begin(), times.end());

  double log_mean = rate.gaps > 0 ? std::log(std::max(rate.mean_gap_s, 1.0)) : 0.0;
  std::optional<SysSeconds> prev = rate.last_new_entry;
  for (std::size_t i = 0; i < times.size();) {
    std::size_t j = i;
    while (j < times.size() && times[j] == times[i]) ++j;
    const auto together = static_cast<double>(j - i);
    if (prev) {
      const double gap = seconds_of(times[i] - *prev) / together;
      for (std::size_t k = i; k < j; ++k) add_gap(log_mean, rate.gaps, gap);
    }
    prev = times[i];
    i = j;
  }
  if (rate.gaps > 0) rate.mean_gap_s = std::exp(log_mean);
  rate.last_new_entry = prev;
  return rate;
}

std::string_view to_string(IntervalReason reason) noexcept { return kReasonNames[static_cast<std::size_t>(reason)]; }

std::optional<IntervalReason> parse_interval_reason(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kReasonNames.size(); ++i) {
    if (kReasonNames[i] == text) return static_cast<IntervalReason>(i);
  }
  return std::nullopt;
}

NextPoll next_poll(const FeedPolicy& policy, const PublishRate& rate, const ServerHints& hints, SysSeconds polled_at,
                   double u) noexcept {
  const Healthy healthy = healthy_interval(policy, rate, polled_at);
  // Earlier only: a feed that publishes every minute and asked for a
  // 1-minute poll must not wait 66 s for it (an entry would then take more
  // than a minute to arrive). Feeds held at min_interval get no jitter,
  // since that bound is the politeness floor; when each of their polls
  // finished already spreads them.
  const Seconds interval =
      spread(healthy.seconds, seconds_of(policy.min_interval), seconds_of(policy.max_interval), policy.jitter, 0.0, u);
  const NextPoll own{polled_at + interval, interval, healthy.reason};
  const auto hint = latest_hint(policy, hints, polled_at);
  return hint ? apply_hint(own, *hint, polled_at, policy.jitter, u) : own;
}

NextPoll next_after_failure(const FeedPolicy& policy, const PublishRate& rate, int consecutive_failures,
                            std::optional<SysSeconds> retry_after, SysSeconds failed_at, double u) noexcept {
  const double base = healthy_interval(policy, rate, failed_at).seconds;
  // Beyond 2^40 every base is far past any cap; bounding the exponent keeps ldexp finite.
  const int doublings = std::clamp(consecutive_failures, 1, 41) - 1;
  const double cap = seconds_of(policy.max_backoff);
  const double delay = std::min(std::ldexp(base, doublings), cap);
  const Seconds interval = spread(delay, 1.0, cap, policy.jitter, policy.jitter, u);
  const NextPoll own{failed_at + interval, interval, IntervalReason::backoff};
  if (!retry_after || *retry_after <= failed_at) return own;
  return apply_hint(
      own, Hint{std::min(*retry_after - failed_at, kMaxServerDelay), kMaxServerDelay, IntervalReason::retry_after},
      failed_at, policy.jitter, u);
}

double unit_from_seed(std::uint64_t seed) noexcept {
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

std::optional<Seconds> syndication_period(std::string_view update_period, int update_frequency) noexcept {
  static constexpr std::array<std::pair<std::string_view, std::int64_t>, 5> kPeriods = {{
      {"hourly", 3600},
      {"daily", 86400},
      {"weekly", 7 * 86400},
      {"monthly", 30 * 86400},
      {"yearly", 365 * 86400},
  }};
  const std::string_view name = trim(update_period).empty() ? "daily" : trim(update_period);
  const std::int64_t times = std::max(update_frequency, 1);
  for (const auto& [period, seconds] : kPeriods) {
    if (iequals(name, period)) return Seconds{std::max<std::int64_t>(seconds / times, 1)};
  }
  return std::nullopt;
}

std::optional<Seconds> parse_cache_control_max_age(std::string_view value) noexcept {
  std::optional<Seconds> max_age;
  bool max_age_seen = false;
  bool revalidate_always = false;
  std::size_t i = 0;
  const std::size_t n = value.size();
  while (i < n) {
    while (i < n && (is_blank(value[i]) || value[i] == ',')) ++i;
    if (i >= n) break;
    const std::size_t name_start = i;
    while (i < n && value[i] != '=' && value[i] != ',') ++i;
    const std::string_view name = trim(value.substr(name_start, i - name_start));
    std::optional<std::string_view> arg;
    if (i < n && value[i] == '=') {
      ++i;
      while (i < n && is_blank(value[i])) ++i;
      if (i < n && value[i] == '"') {
        // A quoted-string may hold commas (no-cache="Set-Cookie, Vary").
        const std::size_t start = ++i;
        while (i < n && value[i] != '"') i += (value[i] == '\\') ? 2 : 1;
        arg = value.substr(start, std::min(i, n) - start);
        while (i < n && value[i] != ',') ++i;
      } else {
        const std::size_t start = i;
        while (i < n && value[i] != ',') ++i;
        arg = trim(value.substr(start, i - start));
      }
    }
    if (iequals(name, "no-store") || (iequals(name, "no-cache") && !arg)) revalidate_always = true;
    if (iequals(name, "max-age") && !max_age_seen) {
      max_age_seen = true;
      if (arg) max_age = delta_seconds(*arg);
    }
  }
  if (revalidate_always) return std::nullopt;
  return max_age;
}

std::optional<SysSeconds> parse_http_date(std::string_view value) {
  const std::string_view text = trim(value);
  if (text.empty()) return std::nullopt;
  return parse::parse_rfc822_date(text);
}

std::optional<SysSeconds> parse_expires(std::string_view value) { return parse_http_date(value); }

}  // namespace newsd::ingest
