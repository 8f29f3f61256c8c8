#pragma once
/// When to poll a feed next: the scheduling rules of the ingest engine as pure
/// functions. Nothing here reads a clock, a file or a random generator; the
/// caller passes the time (`polled_at`, `now`) and a uniform value `u` in
/// [0, 1) that picks the jitter, so every result is reproducible.
///
/// Order of the rules after a successful poll (`next_poll`):
///  1. the interval is the feed's configured one while its publishing history
///     is too short, else the feed's typical gap between new entries
///     (`PublishRate`), lengthened while the feed stays silent;
///  2. clamped to [min_interval, max_interval];
///  3. spread earlier by up to `jitter` of it, never later (the interval is
///     the longest a feed waits: a 1-minute feed is polled within 60 s),
///     staying inside those bounds (a feed held at min_interval gets none);
///  4. never sooner than a server hint asks. Content hints (ttl,
///     sy:updatePeriod, max-age, Expires) are honoured up to max_interval,
///     which stays the longest a healthy feed goes unpolled; Retry-After is a
///     demand and is honoured up to `kMaxServerDelay` (7 days), beyond
///     max_interval and max_backoff. A hint that decides is spread upward only.
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "newsd/config/config.hpp"

namespace newsd::ingest {

using Seconds = std::chrono::seconds;
using SysSeconds = std::chrono::sys_seconds;

/// The longest any server hint can defer a poll (a Retry-After of a year is
/// read as 7 days).
inline constexpr Seconds kMaxServerDelay{7 * 24 * 3600};

/// A feed's scheduling settings: the global `[schedule]` merged with the
/// feed's own overrides.
struct FeedPolicy {
  Seconds configured{1800};  ///< the feed's `interval`, clamped to [min_interval, max_interval]
  Seconds min_interval{300};
  Seconds max_interval{86400};
  Seconds max_backoff{86400};
  double jitter = 0.1;  ///< fraction in [0, 0.5]
  friend bool operator==(const FeedPolicy&, const FeedPolicy&) = default;
};

/// Merges `[schedule]` with one feed's `min_interval`/`max_interval`. An
/// override beats the global bound; if a lone override crosses the other
/// (global) bound, that bound moves to it (feed min 2d with global max 1d =>
/// [2d, 2d]). The feed's `interval` is only the starting point and is clamped
/// into the bounds: a 1-minute feed needs `min_interval = "1m"` as well.
FeedPolicy feed_policy(const config::ScheduleConfig& global, const config::FeedConfig& feed) noexcept;

/// How often a feed publishes, small enough to persist in three columns
/// (REAL, INTEGER, INTEGER-or-NULL).
struct PublishRate {
  double mean_gap_s = 0;                     ///< typical seconds between new entries (meaningful when gaps > 0)
  int gaps = 0;                              ///< gaps observed so far, saturating at kMaxGaps
  std::optional<SysSeconds> last_new_entry;  ///< newest entry time seen; none before the first new entry

  static constexpr int kMaxGaps = 1000;
  friend bool operator==(const PublishRate&, const PublishRate&) = default;
};

/// Gaps needed before `mean_gap_s` replaces the configured interval.
inline constexpr int kMinGapsToAdapt = 2;

/// The history after one poll. `new_entries` holds, for each entry first seen
/// in this poll, its publication time or, if it has none, `polled_at` (its
/// first-seen time); order does not matter. Times after `polled_at` count as
/// `polled_at` (publisher clocks run ahead); times at or before
/// `rate.last_new_entry` are backfill and are ignored. Entries sharing one
/// time split the gap before it evenly (five undated entries found 5 h after
/// the last one are five 1 h gaps). `mean_gap_s` is an exponentially weighted
/// geometric mean, so one burst or one long pause moves it only partly.
/// An empty `new_entries` returns `rate` unchanged.
PublishRate observe(PublishRate rate, std::span<const SysSeconds> new_entries, SysSeconds polled_at);

/// Why a feed is polled when it is. Stored in the database and shown by
/// `newsd feeds` through to_string().
enum class IntervalReason {
  configured,   ///< the feed's configured interval (not enough history yet)
  adapted,      ///< the feed's observed publishing rate
  ttl,          ///< RSS <ttl>
  sy_update,    ///< sy:updatePeriod / sy:updateFrequency
  max_age,      ///< Cache-Control: max-age
  expires,      ///< Expires
  retry_after,  ///< Retry-After
  backoff,      ///< the last poll failed
};

/// "configured", "adapted", "ttl", "sy_update", "max_age", "expires", "retry_after", "backoff".
std::string_view to_string(IntervalReason reason) noexcept;
/// Inverse of to_string(IntervalReason); nullopt for any other text.
std::optional<IntervalReason> parse_interval_reason(std::string_view text) noexcept;

/// What the server said about when to come back. The fetch layer fills the
/// header fields, the feed parser `ttl` and `sy_update_period`.
struct ServerHints {
  std::optional<Seconds> ttl;               ///< RSS <ttl> (minutes in the feed, seconds here)
  std::optional<Seconds> sy_update_period;  ///< see syndication_period()
  std::optional<Seconds> max_age;           ///< see parse_cache_control_max_age()
  std::optional<SysSeconds> expires;        ///< see parse_expires()
  std::optional<SysSeconds> retry_after;    ///< from fetch::Response::retry_after (libcurl reads the header)
};

/// When to poll next and why.
struct NextPoll {
  SysSeconds at;            ///< the next poll
  Seconds interval{0};      ///< `at - polled_at` (jitter included): the interval in force, for `feeds.interval_s`
  IntervalReason reason{};  ///< the rule that decided `at`
  friend bool operator==(const NextPoll&, const NextPoll&) = default;
};

/// Next poll after a successful one (200 or 304) that ended at `polled_at`,
/// given the feed's history already updated by observe(). Follows the rule
/// order at the top of this header. `u` in [0, 1) picks the jitter (values
/// outside are clamped); equal inputs give equal results.
NextPoll next_poll(const FeedPolicy& policy, const PublishRate& rate, const ServerHints& hints, SysSeconds polled_at,
                   double u) noexcept;

/// Next poll after a failed one that ended at `failed_at`. The delay is the
/// feed's healthy interval (as next_poll would adapt it, without hints) times
/// 2^(consecutive_failures - 1), so the first failure waits one normal
/// interval; capped at `max_backoff`, spread by ±jitter without exceeding the
/// cap. A `retry_after` later than that wins, up to `kMaxServerDelay`, even
/// beyond max_backoff. `consecutive_failures` counts this one (values below 1
/// count as 1). A feed is never dropped this way; a 410 Gone is not a time but
/// a state the caller records instead of calling this.
NextPoll next_after_failure(const FeedPolicy& policy, const PublishRate& rate, int consecutive_failures,
                            std::optional<SysSeconds> retry_after, SysSeconds failed_at, double u) noexcept;

/// A uniform value in [0, 1) derived from `seed` (splitmix64), for callers
/// that want a stable jitter per feed and poll, e.g. seed = feed id ^ time.
double unit_from_seed(std::uint64_t seed) noexcept;

/// sy:updatePeriod ("hourly", "daily", "weekly", "monthly" = 30 days,
/// "yearly" = 365 days; case and surrounding blanks ignored; empty means
/// "daily" as the RSS 1.0 module says) divided by sy:updateFrequency (times
/// per period; values below 1 count as 1). nullopt for an unknown period.
std::optional<Seconds> syndication_period(std::string_view update_period, int update_frequency) noexcept;

// ---- HTTP cache headers (RFC 9111, RFC 9110) --------------------------------
// Numbers too large for the header's grammar saturate at 2^31 s (RFC 9111
// §1.2.2); the scheduling caps above apply later.

/// `max-age` from a Cache-Control value ("public, max-age=600"). nullopt when
/// there is none, when its value is not a non-negative integer (quoted
/// "600" accepted), or when `no-store` or an unqualified `no-cache` is present:
/// those ask to revalidate on every request, which says nothing about how
/// long to wait. Directive names are case-insensitive; the first max-age wins;
/// `s-maxage` is for shared caches and ignored.
std::optional<Seconds> parse_cache_control_max_age(std::string_view value) noexcept;

/// An HTTP-date in any of the three RFC 9110 forms (IMF-fixdate
/// "Sun, 06 Nov 1994 08:49:37 GMT", RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT",
/// asctime "Sun Nov  6 08:49:37 1994"), read by parse::parse_rfc822_date, so
/// the common corruptions it tolerates (numeric zones, missing seconds) pass
/// too. nullopt for what is not a date, including the invalid "0" and "-1"
/// that servers send to mean "already expired".
std::optional<SysSeconds> parse_http_date(std::string_view value);

/// The instant an Expires value names; same as parse_http_date().
std::optional<SysSeconds> parse_expires(std::string_view value);

}  // namespace newsd::ingest
