// The scheduling rules on a fake clock: time is a variable the tests advance.
#include "newsd/ingest/schedule.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <set>
#include <vector>

namespace newsd::ingest {
namespace {

using namespace std::chrono_literals;
using std::chrono::hours;
using std::chrono::minutes;

const SysSeconds kT0 = std::chrono::sys_days{std::chrono::year{2024} / 10 / 1};
constexpr double kMid = 0.5;  // a draw inside the jitter window (most policies here have none)

FeedPolicy policy(Seconds configured = 30min, double jitter = 0.0) {
  FeedPolicy p;
  p.configured = configured;
  p.min_interval = 5min;
  p.max_interval = 24h;
  p.max_backoff = 24h;
  p.jitter = jitter;
  return p;
}

PublishRate rate_with_gap(Seconds gap, SysSeconds last) {
  PublishRate r;
  r.mean_gap_s = static_cast<double>(gap.count());
  r.gaps = 10;
  r.last_new_entry = last;
  return r;
}

// ---- feed_policy --------------------------------------------------------------

TEST(FeedPolicy, TakesTheGlobalBoundsWithoutOverrides) {
  config::ScheduleConfig global;
  global.min_interval = 10min;
  global.max_interval = 12h;
  global.max_backoff = 6h;
  global.jitter = 0.2;
  config::FeedConfig feed;
  feed.interval = 1h;
  const FeedPolicy p = feed_policy(global, feed);
  EXPECT_EQ(p.min_interval, 10min);
  EXPECT_EQ(p.max_interval, 12h);
  EXPECT_EQ(p.max_backoff, 6h);
  EXPECT_DOUBLE_EQ(p.jitter, 0.2);
  EXPECT_EQ(p.configured, 1h);
}

TEST(FeedPolicy, FeedOverridesBeatGlobalBounds) {
  config::ScheduleConfig global;  // [5m, 1d]
  config::FeedConfig feed;
  feed.interval = 1min;
  feed.min_interval = 1min;
  feed.max_interval = 2h;
  const FeedPolicy p = feed_policy(global, feed);
  EXPECT_EQ(p.min_interval, 1min);
  EXPECT_EQ(p.max_interval, 2h);
  EXPECT_EQ(p.configured, 1min);
}

TEST(FeedPolicy, ConfiguredIntervalIsClampedIntoTheBounds) {
  config::ScheduleConfig global;  // [5m, 1d]
  config::FeedConfig feed;
  feed.interval = 1min;
  EXPECT_EQ(feed_policy(global, feed).configured, 5min);
  feed.interval = 3 * 24h;
  EXPECT_EQ(feed_policy(global, feed).configured, 24h);
}

TEST(FeedPolicy, LoneOverrideCrossingTheOtherBoundMovesIt) {
  config::ScheduleConfig global;  // [5m, 1d]
  config::FeedConfig feed;
  feed.min_interval = 2 * 24h;
  FeedPolicy p = feed_policy(global, feed);
  EXPECT_EQ(p.min_interval, 2 * 24h);
  EXPECT_EQ(p.max_interval, 2 * 24h);

  feed.min_interval.reset();
  global.min_interval = 1h;
  feed.max_interval = 10min;
  p = feed_policy(global, feed);
  EXPECT_EQ(p.min_interval, 10min);
  EXPECT_EQ(p.max_interval, 10min);
}

// ---- observe ------------------------------------------------------------------

TEST(Observe, NothingNewLeavesTheHistoryAsItWas) {
  const PublishRate before = rate_with_gap(1h, kT0);
  EXPECT_EQ(observe(before, {}, kT0 + 5h), before);
}

TEST(Observe, FirstPollLearnsFromThePublicationDatesItFinds) {
  std::vector<SysSeconds> dates;
  for (int i = 0; i < 10; ++i) dates.push_back(kT0 - hours{i});  // newest first, as feeds list them
  const PublishRate r = observe({}, dates, kT0 + 10min);
  EXPECT_EQ(r.gaps, 9);
  EXPECT_NEAR(r.mean_gap_s, 3600.0, 1.0);
  ASSERT_TRUE(r.last_new_entry);
  EXPECT_EQ(*r.last_new_entry, kT0);
}

TEST(Observe, GapFromTheLastKnownEntryCounts) {
  const PublishRate r = observe(rate_with_gap(1h, kT0), std::vector{kT0 + 3h}, kT0 + 3h + 1min);
  EXPECT_EQ(r.gaps, 11);
  EXPECT_GT(r.mean_gap_s, 3600.0);
  EXPECT_LT(r.mean_gap_s, 3.0 * 3600.0);
  EXPECT_EQ(r.last_new_entry, kT0 + 3h);
}

TEST(Observe, BackfilledEntriesAreIgnored) {
  const PublishRate before = rate_with_gap(1h, kT0);
  // A new guid dated before the newest entry already seen says nothing about the rate now.
  EXPECT_EQ(observe(before, std::vector{kT0 - 2h, kT0}, kT0 + 1h), before);
}

TEST(Observe, FutureDatesCountAsThePollTime) {
  const PublishRate r = observe(rate_with_gap(1h, kT0), std::vector{kT0 + 24h * 365}, kT0 + 1h);
  EXPECT_EQ(r.last_new_entry, kT0 + 1h);
  EXPECT_NEAR(r.mean_gap_s, 3600.0, 1.0);
}

TEST(Observe, UndatedEntriesFoundTogetherSplitTheGap) {
  PublishRate r;
  r.last_new_entry = kT0;
  // Five entries first seen 5 h after the previous one: five gaps of an hour.
  const std::vector<SysSeconds> seen(5, kT0 + 5h);
  r = observe(r, seen, kT0 + 5h);
  EXPECT_EQ(r.gaps, 5);
  EXPECT_NEAR(r.mean_gap_s, 3600.0, 1.0);
}

TEST(Observe, UndatedEntriesOnTheFirstPollGiveNoGap) {
  const std::vector<SysSeconds> seen(20, kT0);
  const PublishRate r = observe({}, seen, kT0);
  EXPECT_EQ(r.gaps, 0);
  EXPECT_EQ(r.last_new_entry, kT0);
}

TEST(Observe, OneBurstMovesAnEstablishedRateOnlyPartly) {
  PublishRate r = rate_with_gap(24h, kT0);
  r.gaps = 30;
  // Three entries a minute apart.
  r = observe(r, std::vector{kT0 + 24h, kT0 + 24h + 1min, kT0 + 24h + 2min}, kT0 + 25h);
  EXPECT_GT(r.mean_gap_s, 4.0 * 3600.0);
  EXPECT_LT(r.mean_gap_s, 24.0 * 3600.0);
}

TEST(Observe, AChangeOfRhythmIsFollowedWithinADayOfEntries) {
  PublishRate r = rate_with_gap(24h, kT0);
  r.gaps = 30;
  SysSeconds t = kT0;
  for (int i = 0; i < 24; ++i) {
    t += 1h;
    r = observe(r, std::vector{t}, t + 1min);
  }
  EXPECT_LT(r.mean_gap_s, 2.0 * 3600.0);
}

TEST(Observe, GapCountSaturates) {
  PublishRate r = rate_with_gap(1min, kT0);
  r.gaps = PublishRate::kMaxGaps;
  r = observe(r, std::vector{kT0 + 1min, kT0 + 2min}, kT0 + 2min);
  EXPECT_EQ(r.gaps, PublishRate::kMaxGaps);
}

// ---- next_poll: rate ----------------------------------------------------------

TEST(NextPoll, NoHistoryUsesTheConfiguredInterval) {
  const NextPoll n = next_poll(policy(45min), {}, {}, kT0, kMid);
  EXPECT_EQ(n.reason, IntervalReason::configured);
  EXPECT_EQ(n.interval, 45min);
  EXPECT_EQ(n.at, kT0 + 45min);
}

TEST(NextPoll, TooFewGapsStillUseTheConfiguredInterval) {
  PublishRate r = rate_with_gap(2h, kT0);
  r.gaps = kMinGapsToAdapt - 1;
  EXPECT_EQ(next_poll(policy(45min), r, {}, kT0 + 10min, kMid).reason, IntervalReason::configured);
}

TEST(NextPoll, KnownRateSetsTheInterval) {
  const NextPoll n = next_poll(policy(), rate_with_gap(2h, kT0), {}, kT0 + 10min, kMid);
  EXPECT_EQ(n.reason, IntervalReason::adapted);
  EXPECT_EQ(n.interval, 2h);
}

TEST(NextPoll, AdaptedIntervalIsClampedToTheBounds) {
  EXPECT_EQ(next_poll(policy(), rate_with_gap(30s, kT0), {}, kT0, kMid).interval, 5min);
  EXPECT_EQ(next_poll(policy(), rate_with_gap(24h * 30, kT0), {}, kT0, kMid).interval, 24h);
  FeedPolicy own = policy();
  own.min_interval = 1min;  // a per-feed override lets a fast feed go below the global floor
  EXPECT_EQ(next_poll(own, rate_with_gap(90s, kT0), {}, kT0, kMid).interval, 90s);
}

TEST(NextPoll, EmptyPollsLengthenTheIntervalGradually) {
  const PublishRate r = rate_with_gap(1h, kT0);
  Seconds previous = 1h;
  SysSeconds now = kT0;
  std::vector<Seconds> intervals;
  for (int poll = 0; poll < 40; ++poll) {
    const NextPoll n = next_poll(policy(), r, {}, now, kMid);
    EXPECT_GE(n.interval, previous) << "poll " << poll;
    EXPECT_LE(n.interval, std::max(previous * 2, Seconds{1h})) << "poll " << poll;  // gradual: at most doubling
    intervals.push_back(n.interval);
    previous = n.interval;
    now = n.at;
  }
  EXPECT_EQ(intervals.front(), 1h);
  EXPECT_EQ(intervals.back(), 24h);
  EXPECT_GT(std::count_if(intervals.begin(), intervals.end(), [](Seconds s) { return s > 1h && s < 24h; }), 3);
}

// The acceptance scenario of issue 11: two feeds, one publishing every hour and
// one every day, polled on a fake clock from the same configured interval.
struct SimulatedFeed {
  Seconds publishes_every;
  bool dated = true;  // false: entries carry no date, first-seen time is used
};

Seconds settled_interval(const SimulatedFeed& feed, Seconds days_to_run) {
  const FeedPolicy p = policy(30min, 0.1);
  PublishRate rate;
  SysSeconds now = kT0;
  SysSeconds last_poll = kT0 - 1s;
  Seconds interval{0};
  std::uint64_t poll = 0;
  while (now < kT0 + days_to_run) {
    std::vector<SysSeconds> fresh;
    // Publications at kT0 - 3 days + k * gap; the first poll sees the last 10 the feed lists.
    const SysSeconds start = kT0 - 3 * 24h;
    const auto count = (now - start) / feed.publishes_every + 1;
    for (auto k = count - 1; k >= 0 && k >= count - 10; --k) {
      const SysSeconds published = start + k * feed.publishes_every;
      if (published > last_poll || (poll == 0 && published <= now)) fresh.push_back(feed.dated ? published : now);
    }
    rate = observe(rate, fresh, now);
    const NextPoll n = next_poll(p, rate, {}, now, unit_from_seed(++poll));
    interval = n.interval;
    last_poll = now;
    now = n.at;
  }
  return interval;
}

TEST(NextPollSimulation, HourlyAndDailyFeedsSettleOnClearlyDifferentIntervals) {
  const Seconds hourly = settled_interval({1h}, 10 * 24h);
  const Seconds daily = settled_interval({24h}, 10 * 24h);
  RecordProperty("hourly_s", static_cast<int>(hourly.count()));
  RecordProperty("daily_s", static_cast<int>(daily.count()));
  EXPECT_GE(hourly, 45min);
  EXPECT_LE(hourly, 90min);
  EXPECT_GE(daily, 16h);
  EXPECT_GE(daily / hourly, 10);
}

TEST(NextPollSimulation, UndatedFeedsSettleByFirstSeenTimes) {
  const Seconds hourly = settled_interval({1h, false}, 10 * 24h);
  const Seconds daily = settled_interval({24h, false}, 10 * 24h);
  RecordProperty("hourly_s", static_cast<int>(hourly.count()));
  RecordProperty("daily_s", static_cast<int>(daily.count()));
  EXPECT_GE(hourly, 30min);
  EXPECT_LE(hourly, 2h);
  EXPECT_GE(daily, 12h);
  EXPECT_GE(daily / hourly, 6);
}

// ---- next_poll: server hints --------------------------------------------------

struct HintCase {
  const char* name;
  std::function<void(ServerHints&, SysSeconds)> set;
  IntervalReason reason;
};

class EachHint : public ::testing::TestWithParam<HintCase> {};

TEST_P(EachHint, MovesTheNextPollAndNamesItself) {
  ServerHints hints;
  GetParam().set(hints, kT0);
  const NextPoll n = next_poll(policy(30min), {}, hints, kT0, kMid);
  EXPECT_EQ(n.reason, GetParam().reason);
  EXPECT_EQ(n.at, kT0 + 3h);
  EXPECT_EQ(n.interval, 3h);
}

TEST_P(EachHint, ShorterThanTheOwnIntervalChangesNothing) {
  ServerHints hints;
  GetParam().set(hints, kT0 - 2h - 50min);  // asks for 10 min from kT0
  const NextPoll n = next_poll(policy(30min), {}, hints, kT0, kMid);
  EXPECT_EQ(n.reason, IntervalReason::configured);
  EXPECT_EQ(n.interval, 30min);
}

INSTANTIATE_TEST_SUITE_P(
    Hints, EachHint,
    ::testing::Values(
        HintCase{"ttl", [](ServerHints& h, SysSeconds base) { h.ttl = (base + 3h) - kT0; }, IntervalReason::ttl},
        HintCase{"sy_update", [](ServerHints& h, SysSeconds base) { h.sy_update_period = (base + 3h) - kT0; },
                 IntervalReason::sy_update},
        HintCase{"max_age", [](ServerHints& h, SysSeconds base) { h.max_age = (base + 3h) - kT0; },
                 IntervalReason::max_age},
        HintCase{"expires", [](ServerHints& h, SysSeconds base) { h.expires = base + 3h; }, IntervalReason::expires},
        HintCase{"retry_after", [](ServerHints& h, SysSeconds base) { h.retry_after = base + 3h; },
                 IntervalReason::retry_after}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(NextPollHints, TheLatestHintDecides) {
  ServerHints hints;
  hints.ttl = 2h;
  hints.max_age = 4h;
  hints.expires = kT0 + 3h;
  const NextPoll n = next_poll(policy(), {}, hints, kT0, kMid);
  EXPECT_EQ(n.reason, IntervalReason::max_age);
  EXPECT_EQ(n.interval, 4h);
}

TEST(NextPollHints, ExpiresInThePastIsNoHint) {
  ServerHints hints;
  hints.expires = kT0 - 24h;
  hints.retry_after = kT0;
  EXPECT_EQ(next_poll(policy(), {}, hints, kT0, kMid).reason, IntervalReason::configured);
}

TEST(NextPollHints, ContentHintsStopAtMaxInterval) {
  ServerHints hints;
  hints.ttl = 7 * 24h;
  const NextPoll n = next_poll(policy(), {}, hints, kT0, kMid);
  EXPECT_EQ(n.reason, IntervalReason::ttl);
  EXPECT_EQ(n.interval, 24h);
}

TEST(NextPollHints, RetryAfterOfDaysIsHonouredBeyondMaxInterval) {
  ServerHints hints;
  hints.retry_after = kT0 + 3 * 24h;
  const NextPoll n = next_poll(policy(), {}, hints, kT0, kMid);
  EXPECT_EQ(n.reason, IntervalReason::retry_after);
  EXPECT_EQ(n.at, kT0 + 3 * 24h);
}

TEST(NextPollHints, RetryAfterIsCappedAtSevenDays) {
  ServerHints hints;
  hints.retry_after = kT0 + 365 * 24h;
  hints.max_age = Seconds{std::int64_t{1} << 31};
  const NextPoll n = next_poll(policy(), {}, hints, kT0, kMid);
  EXPECT_EQ(n.reason, IntervalReason::retry_after);
  EXPECT_EQ(n.interval, kMaxServerDelay);
}

TEST(NextPollHints, JitterNeverPollsBeforeAHint) {
  ServerHints hints;
  hints.max_age = 2h;
  for (double u = 0.0; u < 1.0; u += 0.01) {
    const NextPoll n = next_poll(policy(2h, 0.5), {}, hints, kT0, u);
    EXPECT_GE(n.at, kT0 + 2h) << u;
    EXPECT_LE(n.at, kT0 + 3h) << u;
  }
}

// ---- jitter -------------------------------------------------------------------

TEST(Jitter, OnlyEverShortensTheIntervalWithinTheFraction) {
  const FeedPolicy p = policy(1h, 0.1);
  std::set<Seconds::rep> seen;
  for (int i = 0; i < 1000; ++i) {
    const Seconds s = next_poll(p, {}, {}, kT0, i / 1000.0).interval;
    EXPECT_GE(s, 54min);
    EXPECT_LE(s, 1h);
    seen.insert(s.count());
  }
  EXPECT_EQ(*seen.begin(), Seconds{54min}.count());
  EXPECT_GE(*seen.rbegin(), Seconds{1h}.count() - 1);
  EXPECT_GT(seen.size(), 300u);
}

// The p95 target of an entry on a 1-minute feed (stored within 65 s) needs
// the poll to come within the minute the feed asked for, whatever the draw.
TEST(Jitter, AOneMinuteFeedIsNeverPolledLaterThanAMinute) {
  FeedPolicy p = policy(1min, 0.5);
  p.min_interval = 30s;
  for (int i = 0; i < 1000; ++i) {
    const NextPoll n = next_poll(p, {}, {}, kT0, i / 1000.0);
    EXPECT_LE(n.interval, 1min) << i;
    EXPECT_GE(n.interval, 30s) << i;
  }
  // Adapted to a once-a-minute publisher: the same.
  const PublishRate minutely = rate_with_gap(1min, kT0);
  for (double u : {0.0, 0.5, 0.999}) EXPECT_LE(next_poll(p, minutely, {}, kT0 + 10s, u).interval, 1min) << u;
}

TEST(Jitter, AFeedHeldAtMinIntervalIsNotSpread) {
  FeedPolicy p = policy(1min, 0.1);
  p.min_interval = 1min;
  for (double u : {0.0, 0.5, 0.999}) EXPECT_EQ(next_poll(p, {}, {}, kT0, u).interval, 1min) << u;
}

TEST(Jitter, SameInputsSameResult) {
  const FeedPolicy p = policy(1h, 0.2);
  const PublishRate r = rate_with_gap(3h, kT0);
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    const double u = unit_from_seed(seed);
    EXPECT_EQ(next_poll(p, r, {}, kT0 + 1h, u), next_poll(p, r, {}, kT0 + 1h, u));
    EXPECT_EQ(next_after_failure(p, r, 3, std::nullopt, kT0, u), next_after_failure(p, r, 3, std::nullopt, kT0, u));
  }
}

TEST(Jitter, AtABoundOnlyMovesInward) {
  const FeedPolicy p = policy(24h, 0.1);
  for (double u : {0.0, 0.3, 0.7, 0.999}) {
    const Seconds s = next_poll(p, {}, {}, kT0, u).interval;
    EXPECT_LE(s, 24h);
    EXPECT_GE(s, std::chrono::duration_cast<Seconds>(24h * 0.9));
  }
  EXPECT_LT(next_poll(p, {}, {}, kT0, 0.0).interval, next_poll(p, {}, {}, kT0, 0.999).interval);
}

TEST(Jitter, OutOfRangeUniformValuesAreClamped) {
  const FeedPolicy p = policy(1h, 0.1);
  EXPECT_EQ(next_poll(p, {}, {}, kT0, -3.0), next_poll(p, {}, {}, kT0, 0.0));
  EXPECT_EQ(next_poll(p, {}, {}, kT0, std::nan("")), next_poll(p, {}, {}, kT0, 0.0));
  EXPECT_LE(next_poll(p, {}, {}, kT0, 7.0).interval, 1h);
}

TEST(UnitFromSeed, IsUniformEnoughAndStable) {
  double sum = 0;
  int low = 0;
  for (std::uint64_t seed = 0; seed < 10000; ++seed) {
    const double u = unit_from_seed(seed);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    if (u < 0.5) ++low;
  }
  EXPECT_NEAR(sum / 10000, 0.5, 0.02);
  EXPECT_NEAR(low, 5000, 200);
  EXPECT_EQ(unit_from_seed(42), unit_from_seed(42));
  EXPECT_NE(unit_from_seed(42), unit_from_seed(43));
}

// ---- backoff ------------------------------------------------------------------

TEST(Backoff, DoublesFromTheHealthyIntervalUpToTheCap) {
  const FeedPolicy p = policy(30min);
  const std::vector<Seconds> expected = {30min, 1h, 2h, 4h, 8h, 16h, 24h, 24h};
  for (int failures = 1; failures <= static_cast<int>(expected.size()); ++failures) {
    const NextPoll n = next_after_failure(p, {}, failures, std::nullopt, kT0, kMid);
    EXPECT_EQ(n.interval, expected[failures - 1]) << failures;
    EXPECT_EQ(n.reason, IntervalReason::backoff);
  }
}

TEST(Backoff, StartsFromTheAdaptedInterval) {
  const NextPoll n = next_after_failure(policy(30min), rate_with_gap(3h, kT0), 2, std::nullopt, kT0 + 1h, kMid);
  EXPECT_EQ(n.interval, 6h);
}

TEST(Backoff, NeverDropsAFeed) {
  const FeedPolicy p = policy(30min, 0.1);
  for (int failures : {40, 1000, std::numeric_limits<int>::max()}) {
    const NextPoll n = next_after_failure(p, {}, failures, std::nullopt, kT0, 0.999);
    EXPECT_EQ(n.reason, IntervalReason::backoff);
    EXPECT_GE(n.interval, std::chrono::duration_cast<Seconds>(24h * 0.9));
    EXPECT_LE(n.interval, 24h);
  }
  EXPECT_EQ(next_after_failure(p, {}, 0, std::nullopt, kT0, kMid),
            next_after_failure(p, {}, 1, std::nullopt, kT0, kMid));
}

TEST(Backoff, MaxBackoffCapsEvenALongHealthyInterval) {
  FeedPolicy p = policy(24h);
  p.max_interval = 3 * 24h;
  p.max_backoff = 6h;
  EXPECT_EQ(next_after_failure(p, rate_with_gap(2 * 24h, kT0), 1, std::nullopt, kT0, kMid).interval, 6h);
}

TEST(Backoff, JitterStaysUnderTheCap) {
  const FeedPolicy p = policy(30min, 0.5);
  for (double u = 0.0; u < 1.0; u += 0.05) {
    const NextPoll n = next_after_failure(p, {}, 3, std::nullopt, kT0, u);
    EXPECT_GE(n.interval, 1h) << u;
    EXPECT_LE(n.interval, 3h) << u;
    EXPECT_LE(next_after_failure(p, {}, 30, std::nullopt, kT0, u).interval, 24h) << u;
  }
}

TEST(Backoff, RetryAfterBeyondSixtySecondsIsHonoured) {
  FeedPolicy p = policy(1min);
  p.min_interval = 1min;
  const NextPoll n = next_after_failure(p, {}, 1, kT0 + 90s, kT0, kMid);
  EXPECT_EQ(n.reason, IntervalReason::retry_after);
  EXPECT_EQ(n.at, kT0 + 90s);
}

TEST(Backoff, RetryAfterBeyondMaxBackoffIsHonouredUpToSevenDays) {
  const FeedPolicy p = policy(30min);
  NextPoll n = next_after_failure(p, {}, 1, kT0 + 3 * 24h, kT0, kMid);
  EXPECT_EQ(n.reason, IntervalReason::retry_after);
  EXPECT_EQ(n.at, kT0 + 3 * 24h);
  n = next_after_failure(p, {}, 1, kT0 + 30 * 24h, kT0, kMid);
  EXPECT_EQ(n.interval, kMaxServerDelay);
}

TEST(Backoff, ShorterRetryAfterDoesNotShortenTheBackoff) {
  const NextPoll n = next_after_failure(policy(30min), {}, 4, kT0 + 10min, kT0, kMid);
  EXPECT_EQ(n.reason, IntervalReason::backoff);
  EXPECT_EQ(n.interval, 4h);
}

// ---- names --------------------------------------------------------------------

TEST(IntervalReasonNames, RoundTrip) {
  for (auto reason :
       {IntervalReason::configured, IntervalReason::adapted, IntervalReason::ttl, IntervalReason::sy_update,
        IntervalReason::max_age, IntervalReason::expires, IntervalReason::retry_after, IntervalReason::backoff}) {
    EXPECT_EQ(parse_interval_reason(to_string(reason)), reason) << to_string(reason);
  }
  EXPECT_EQ(to_string(IntervalReason::max_age), "max_age");
  EXPECT_EQ(parse_interval_reason("Adapted"), std::nullopt);
  EXPECT_EQ(parse_interval_reason(""), std::nullopt);
}

// ---- syndication_period --------------------------------------------------------

TEST(SyndicationPeriod, DividesThePeriodByTheFrequency) {
  EXPECT_EQ(syndication_period("hourly", 1), 1h);
  EXPECT_EQ(syndication_period("hourly", 2), 30min);
  EXPECT_EQ(syndication_period(" Weekly ", 7), 24h);
  EXPECT_EQ(syndication_period("monthly", 1), 30 * 24h);
  EXPECT_EQ(syndication_period("yearly", 1), 365 * 24h);
  EXPECT_EQ(syndication_period("", 1), 24h);
  EXPECT_EQ(syndication_period("daily", 0), 24h);
  EXPECT_EQ(syndication_period("daily", -4), 24h);
  EXPECT_EQ(syndication_period("hourly", 1'000'000), 1s);
  EXPECT_EQ(syndication_period("fortnightly", 1), std::nullopt);
}

}  // namespace
}  // namespace newsd::ingest
