// The streaming engine's decisions on a fake clock and a fake store look-up:
// which entries are new, a feed's state after a poll, how errors are classed.
#include "newsd/ingest/engine_rules.hpp"

#include <gtest/gtest.h>

#include <set>

namespace newsd::ingest {
namespace {

using namespace std::chrono_literals;

const SysSeconds kT0 = std::chrono::sys_days{std::chrono::year{2026} / 3 / 1};

parse::Entry linked(const std::string& url, std::optional<SysSeconds> published = std::nullopt) {
  parse::Entry e;
  e.link = url;
  e.id = url;
  if (published) e.published = *published;
  return e;
}

parse::Entry text_only(const std::string& id, const std::string& text) {
  parse::Entry e;
  e.id = id;
  e.summary = parse::TextConstruct{text, "text"};
  return e;
}

StoredLookup stored_set(std::set<std::string> urls) {
  return [urls = std::move(urls)](std::span<const std::string> asked) -> Result<std::vector<bool>> {
    std::vector<bool> out;
    for (const auto& url : asked) out.push_back(urls.contains(url));
    return out;
  };
}

const InFlightLookup kNothingInFlight = [](const std::string&) { return false; };

TEST(PlanEntries, SortsNewStoredInFlightRepeatedAndAddressless) {
  std::vector<parse::Entry> entries = {
      linked("https://a.example/new"),
      linked("https://a.example/stored"),
      linked("https://a.example/elsewhere"),
      linked("https://a.example/new?utm_source=rss"),  // same canonical URL as the first
      text_only("tag:a.example,2026:7", "the entry's own text"),
      parse::Entry{},  // neither link nor id
  };
  const InFlightLookup other_feed = [](const std::string& c) { return c == "https://a.example/elsewhere"; };
  const EntryPlan plan = plan_entries(1, entries, stored_set({"https://a.example/stored"}), other_feed, 10);
  ASSERT_EQ(plan.fresh.size(), 2u);
  EXPECT_EQ(plan.fresh[0].address.url, "https://a.example/new");
  EXPECT_TRUE(plan.fresh[0].address.has_page);
  EXPECT_EQ(plan.fresh[1].address.url, store::entry_key(1, "tag:a.example,2026:7"));
  EXPECT_FALSE(plan.fresh[1].address.has_page);
  ASSERT_EQ(plan.stored.size(), 1u);
  EXPECT_EQ(plan.stored[0].url, "https://a.example/stored");
  ASSERT_EQ(plan.waiting.size(), 1u);
  EXPECT_EQ(plan.waiting[0].canonical, "https://a.example/elsewhere");
  EXPECT_EQ(plan.without_address, 1);
  EXPECT_EQ(plan.deferred, 0);
  EXPECT_FALSE(plan.lookup_failed);
}

TEST(PlanEntries, PagesOverTheCapAreDeferredButOwnTextIsNot) {
  std::vector<parse::Entry> entries;
  for (int i = 0; i < 5; ++i) entries.push_back(linked("https://a.example/" + std::to_string(i)));
  entries.push_back(text_only("urn:uuid:1", "text"));
  const EntryPlan plan = plan_entries(1, entries, stored_set({}), kNothingInFlight, 3);
  EXPECT_EQ(plan.fresh.size(), 4u);  // 3 pages + the text-only entry
  EXPECT_EQ(plan.deferred, 2);
}

TEST(PlanEntries, AFeedsEntriesAreLookedUpTogetherOnceAndInOrder) {
  std::vector<parse::Entry> entries = {linked("https://a.example/1"), linked("https://a.example/elsewhere"),
                                       linked("https://a.example/2"), linked("https://a.example/1?utm_source=x"),
                                       text_only("urn:uuid:3", "text")};
  const InFlightLookup other_feed = [](const std::string& c) { return c == "https://a.example/elsewhere"; };
  std::vector<std::vector<std::string>> calls;
  const StoredLookup recording = [&](std::span<const std::string> urls) -> Result<std::vector<bool>> {
    calls.emplace_back(urls.begin(), urls.end());
    return std::vector<bool>{false, true, false};
  };
  const EntryPlan plan = plan_entries(1, entries, recording, other_feed, 10);
  ASSERT_EQ(calls.size(), 1u);  // one look-up for the feed, without the in-flight entry and the repeat
  EXPECT_EQ(calls[0], (std::vector<std::string>{"https://a.example/1", "https://a.example/2",
                                                store::entry_key(1, "urn:uuid:3")}));
  ASSERT_EQ(plan.fresh.size(), 2u);
  EXPECT_EQ(plan.fresh[0].address.url, "https://a.example/1");
  EXPECT_EQ(plan.fresh[1].address.url, store::entry_key(1, "urn:uuid:3"));
  ASSERT_EQ(plan.stored.size(), 1u);
  EXPECT_EQ(plan.stored[0].url, "https://a.example/2");
  EXPECT_EQ(plan.waiting.size(), 1u);

  // Nothing left to look up: no call at all.
  calls.clear();
  const std::vector<parse::Entry> only_elsewhere = {linked("https://a.example/elsewhere")};
  (void)plan_entries(1, only_elsewhere, recording, other_feed, 10);
  EXPECT_TRUE(calls.empty());
}

TEST(PlanEntries, AFailedLookUpPlansNoneOfTheEntriesAndMarksThePollIncomplete) {
  std::vector<parse::Entry> entries = {linked("https://a.example/1"), linked("https://a.example/2")};
  const StoredLookup failing = [](std::span<const std::string>) -> Result<std::vector<bool>> {
    return fail(Errc::database, "busy");
  };
  const EntryPlan plan = plan_entries(1, entries, failing, kNothingInFlight, 10);
  EXPECT_TRUE(plan.fresh.empty());
  EXPECT_TRUE(plan.stored.empty());
  EXPECT_TRUE(plan.lookup_failed);
}

FeedPolicy hourly_policy() {
  FeedPolicy p;
  p.configured = 1h;
  p.min_interval = 5min;
  p.max_interval = 24h;
  p.max_backoff = 24h;
  p.jitter = 0;
  return p;
}

PollFacts success_at(SysSeconds t) {
  PollFacts f;
  f.finished = t;
  f.etag = "\"v2\"";
  f.last_modified = "Sun, 01 Mar 2026 00:00:00 GMT";
  return f;
}

TEST(FeedAfterPoll, ValidatorsAdvanceOnlyWhenEveryNewEntryWasHandled) {
  PollFacts facts = success_at(kT0);
  FeedAfterPoll after = feed_after_poll(7, hourly_policy(), {}, 0, facts);
  EXPECT_EQ(after.result.feed_id, 7);
  EXPECT_EQ(after.result.etag, "\"v2\"");
  EXPECT_FALSE(after.result.error);
  EXPECT_EQ(after.next, kT0 + 1h);
  EXPECT_EQ(after.result.interval_s, 3600);
  EXPECT_EQ(after.result.interval_reason, "configured");

  facts.entries_complete = false;  // a page timed out: the next poll must see the entries again
  after = feed_after_poll(7, hourly_policy(), {}, 0, facts);
  EXPECT_FALSE(after.result.etag);
  EXPECT_FALSE(after.result.last_modified);
  EXPECT_FALSE(after.result.error) << "an incomplete poll is not a failed one";
}

TEST(FeedAfterPoll, ANotModifiedPollKeepsTheStoredValidators) {
  PollFacts facts = success_at(kT0);
  facts.not_modified = true;
  const FeedAfterPoll after = feed_after_poll(7, hourly_policy(), {}, 0, facts);
  EXPECT_FALSE(after.result.etag);
  EXPECT_EQ(after.next, kT0 + 1h);
}

TEST(FeedAfterPoll, FailuresBackOffKeepTheValidatorsAndHonourRetryAfter) {
  PollFacts facts;
  facts.finished = kT0;
  facts.error = "http_status: 503";
  facts.failure = FailureClass::http_5xx;
  FeedAfterPoll after = feed_after_poll(7, hourly_policy(), {}, 2, facts);  // the third failure in a row
  EXPECT_FALSE(after.result.etag);
  EXPECT_EQ(after.result.error_class, "http_5xx");
  EXPECT_EQ(after.result.interval_reason, "backoff");
  EXPECT_EQ(after.next, kT0 + 4h);

  facts.failure = FailureClass::rate_limited;
  facts.retry_after = kT0 + 30h;  // beyond max_backoff: the server's demand wins
  after = feed_after_poll(7, hourly_policy(), {}, 0, facts);
  EXPECT_EQ(after.next, kT0 + 30h);
  EXPECT_EQ(after.result.interval_reason, "retry_after");
}

TEST(FeedAfterPoll, AGoneFeedIsNotRescheduled) {
  PollFacts facts;
  facts.finished = kT0;
  facts.error = "http_status: 410 Gone";
  facts.failure = FailureClass::http_4xx;
  facts.gone = true;
  const FeedAfterPoll after = feed_after_poll(7, hourly_policy(), {}, 0, facts);
  EXPECT_TRUE(after.result.gone);
  EXPECT_FALSE(after.next);
}

TEST(FeedAfterPoll, TtlAndSyndicationHintsPostponeThePoll) {
  PollFacts facts = success_at(kT0);
  parse::FeedInfo info;
  info.ttl_minutes = 180;
  facts.hints = feed_hints(info);
  FeedAfterPoll after = feed_after_poll(7, hourly_policy(), {}, 0, facts);
  EXPECT_EQ(after.next, kT0 + 3h);
  EXPECT_EQ(after.result.interval_reason, "ttl");

  parse::FeedInfo sy;
  sy.update_period = "daily";
  sy.update_frequency = 4;
  facts.hints = feed_hints(sy);
  after = feed_after_poll(7, hourly_policy(), {}, 0, facts);
  EXPECT_EQ(after.next, kT0 + 6h);
  EXPECT_EQ(after.result.interval_reason, "sy_update");
}

TEST(HttpHints, TheAnswersRetryAfterIsAHintCountedFromItsArrival) {
  fetch::Response response;
  response.status = 200;
  response.retry_after = 2h;
  const ServerHints hints = http_hints(response, kT0);
  EXPECT_EQ(hints.retry_after, kT0 + 2h);
  PollFacts facts = success_at(kT0);
  facts.hints = hints;
  const FeedAfterPoll after = feed_after_poll(7, hourly_policy(), {}, 0, facts);
  EXPECT_EQ(after.next, kT0 + 2h);
  EXPECT_EQ(after.result.interval_reason, "retry_after");
  EXPECT_FALSE(after.result.error);
  // None sent (or one libcurl read as already past): no hint.
  EXPECT_FALSE(http_hints(fetch::Response{}, kT0).retry_after);
}

TEST(FeedAfterPoll, HourlyAndDailyPublishersEndUpWithDifferentIntervals) {
  // Two feeds polled every hour for four days on a fake clock: one has a
  // new entry at every poll, the other one a day.
  auto run = [](Seconds publish_every) {
    PublishRate rate;
    FeedAfterPoll after;
    SysSeconds now = kT0;
    SysSeconds last_published = kT0 - publish_every;
    for (int hour = 0; hour < 96; ++hour, now += 1h) {
      PollFacts facts = success_at(now);
      if (now - last_published >= publish_every) {
        facts.new_entry_times.push_back(now);
        last_published = now;
      }
      after = feed_after_poll(7, hourly_policy(), rate, 0, facts);
      rate = after.rate;
    }
    return after;
  };
  const FeedAfterPoll hourly = run(1h);
  const FeedAfterPoll daily = run(24h);
  EXPECT_EQ(hourly.result.interval_reason, "adapted");
  EXPECT_EQ(daily.result.interval_reason, "adapted");
  EXPECT_LE(*hourly.result.interval_s, 3600);
  EXPECT_GE(*daily.result.interval_s, 4 * 3600);
  EXPECT_GT(daily.result.gaps, 0);
}

TEST(ClassifyError, FetchErrorsMapToFailureClasses) {
  EXPECT_EQ(classify_error({Errc::timeout, "slow"}), FailureClass::timeout);
  EXPECT_EQ(classify_error({Errc::too_large, "big"}), FailureClass::too_large);
  EXPECT_EQ(classify_error({Errc::network, "reset"}), FailureClass::connect);
  EXPECT_EQ(classify_error({Errc::dns, "no such host"}), FailureClass::dns);
  EXPECT_EQ(classify_error({Errc::connect, "refused"}), FailureClass::connect);
  EXPECT_EQ(classify_error({Errc::tls, "bad certificate"}), FailureClass::tls);
  EXPECT_EQ(classify_error({Errc::robots, "disallowed", 0, true}), FailureClass::robots);
  EXPECT_EQ(classify_error({Errc::refused, "address guard", 0, true}), FailureClass::refused);
  EXPECT_EQ(classify_error({Errc::blocked, "challenge", 403}), FailureClass::bot_challenge);
  EXPECT_EQ(classify_error({Errc::http_status, "busy", 503, false, std::chrono::seconds{60}}),
            FailureClass::rate_limited);
  EXPECT_EQ(classify_error({Errc::http_status, "Too Many Requests", 429}), FailureClass::rate_limited);
  EXPECT_EQ(classify_error({Errc::http_status, "Not Found", 404, true}), FailureClass::http_4xx);
  EXPECT_EQ(classify_error({Errc::http_status, "Bad Gateway", 502}), FailureClass::http_5xx);
}

TEST(FailedForGood, IsTheFetchersPermanentFlagAndGoneIsA410) {
  EXPECT_TRUE(failed_for_good({Errc::http_status, "Gone", 410, true}));
  EXPECT_TRUE(failed_for_good({Errc::robots, "disallowed by robots.txt", 0, true}));
  EXPECT_FALSE(failed_for_good({Errc::http_status, "Service Unavailable", 503, false}));
  EXPECT_FALSE(failed_for_good({Errc::timeout, "cancelled"}));
  EXPECT_TRUE(is_gone({Errc::http_status, "Gone", 410, true}));
  EXPECT_FALSE(is_gone({Errc::http_status, "Not Found", 404, true}));
  // The message is not read: a status written only there is no status.
  EXPECT_FALSE(is_gone({Errc::http_status, "410 Gone"}));
}

TEST(ClassifyFeedAnswer, AChallengePageIsABotChallengeAndHtmlIsNotAFeed) {
  fetch::Response challenge;
  challenge.status = 200;
  challenge.content_type = "text/html";
  challenge.body = "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body></body></html>";
  EXPECT_EQ(classify_feed_answer(challenge), FailureClass::bot_challenge);

  fetch::Response html = challenge;
  html.body = "<!DOCTYPE html><html><head><title>Home</title></head><body>news</body></html>";
  EXPECT_EQ(classify_feed_answer(html), FailureClass::not_a_feed);

  fetch::Response feed;
  feed.status = 200;
  feed.body = "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel></channel></rss>";
  EXPECT_EQ(classify_feed_answer(feed), FailureClass::none);
}

// ---- source types (issue 16) ----------------------------------------------------

parse::SitemapChild child(const std::string& url, std::optional<SysSeconds> lastmod) { return {url, lastmod}; }

TEST(ChildrenToRead, SkipsChildrenReadAtTheSameLastmodAndCaps) {
  const std::vector<parse::SitemapChild> listed = {
      child("https://s.example/post-2026-11-b.xml.gz", kT0),     // read at this lastmod: skipped
      child("https://s.example/post-2026-11.xml", kT0),          // read at an older lastmod: read again
      child("https://s.example/google-news.xml", std::nullopt),  // no lastmod: always read
      child("https://s.example/post-2026-10.xml", kT0 - 24h),    // never read, over the cap
  };
  const std::vector<store::SitemapChildRead> read = {{"https://s.example/post-2026-11-b.xml.gz", kT0, kT0},
                                                     {"https://s.example/post-2026-11.xml", kT0 - 1h, kT0 - 1h},
                                                     {"https://s.example/google-news.xml", std::nullopt, kT0}};
  std::size_t left = 99;
  const auto chosen = children_to_read(listed, read, 2, left);
  ASSERT_EQ(chosen.size(), 2u);
  EXPECT_EQ(chosen[0].url, "https://s.example/post-2026-11.xml");
  EXPECT_EQ(chosen[1].url, "https://s.example/google-news.xml");
  EXPECT_EQ(left, 1u);
  EXPECT_TRUE(children_to_read({}, read, 3, left).empty());
  EXPECT_EQ(left, 0u);
}

TEST(LinkSetHash, SameLinksInAnyOrderOrSpellingHashAlikeOthersNot) {
  const std::vector<parse::Entry> a = {linked("https://h.example/ar/1458873.html"),
                                       linked("https://h.example/ar/1458851.html")};
  const std::vector<parse::Entry> b = {linked("https://H.example/ar/1458851.html?utm_source=rss"),
                                       linked("https://h.example/ar/1458873.html"),
                                       linked("https://h.example/ar/1458873.html")};
  const std::vector<parse::Entry> c = {linked("https://h.example/ar/1458873.html"),
                                       linked("https://h.example/ar/1458952.html")};
  EXPECT_EQ(link_set_hash(a), link_set_hash(b));
  EXPECT_NE(link_set_hash(a), link_set_hash(c));
  EXPECT_EQ(link_set_hash(a).size(), 16u);
  EXPECT_NE(link_set_hash({}), link_set_hash(a));
}

TEST(FeedAfterPoll, LinkHashAndChildrenAreRecordedOnlyWhenEveryEntryWasHandled) {
  PollFacts facts = success_at(kT0);
  facts.source_type = "sitemapindex";
  facts.links_found = 12;
  facts.links_hash = "0123456789abcdef";
  facts.children_read = {{"https://s.example/news.xml", std::nullopt, kT0}};
  FeedAfterPoll after = feed_after_poll(7, hourly_policy(), {}, 0, facts);
  EXPECT_EQ(after.result.source_type, "sitemapindex");
  EXPECT_EQ(after.result.links_found, 12);
  EXPECT_EQ(after.result.links_hash, "0123456789abcdef");
  EXPECT_EQ(after.result.children_read.size(), 1u);

  facts.children_left = true;  // children wait for the next poll: a 304 must not hide them
  after = feed_after_poll(7, hourly_policy(), {}, 0, facts);
  EXPECT_FALSE(after.result.etag);
  EXPECT_EQ(after.result.children_read.size(), 1u);

  facts.entries_complete = false;  // a page was deferred: the same links must be looked at again
  after = feed_after_poll(7, hourly_policy(), {}, 0, facts);
  EXPECT_FALSE(after.result.links_hash);
  EXPECT_TRUE(after.result.children_read.empty());
  EXPECT_EQ(after.result.links_found, 12);
}

TEST(ExpectsFeed, OnlyAConfiguredFeedRefusesAnHtmlAnswer) {
  EXPECT_TRUE(expects_feed(config::SourceType::feed));
  EXPECT_FALSE(expects_feed(config::SourceType::auto_detect));
  EXPECT_FALSE(expects_feed(config::SourceType::sitemap));
  EXPECT_FALSE(expects_feed(config::SourceType::html));
  fetch::Response page;
  page.status = 200;
  page.content_type = "text/html";
  page.body = "<!DOCTYPE html><html><body><a href=\"/a\">a</a></body></html>";
  EXPECT_EQ(classify_feed_answer(page, true), FailureClass::not_a_feed);
  EXPECT_EQ(classify_feed_answer(page, false), FailureClass::none);
}

TEST(AdmissibleFeeds, TheFeedSlotsAndThePageCapBoundEverything) {
  EXPECT_EQ(admissible_feeds({.polls = 128, .feed_slots = 128, .page_slots = 256}), 0u);
  EXPECT_EQ(admissible_feeds({.polls = 3, .pages = 256, .feed_slots = 128, .page_slots = 256}), 0u);
  // Polls that bring nothing new (feeds already known): only the slots count.
  EXPECT_EQ(admissible_feeds({.polls = 28,
                              .unplanned_polls = 28,
                              .pages = 10,
                              .feed_slots = 128,
                              .page_slots = 256,
                              .fresh_per_poll = 0.4}),
            100u);
}

TEST(AdmissibleFeeds, FeedsStartAsTheEntriesTheyWillBringFitUnderThePageCap) {
  // 20 new entries a poll: with 100 pages waiting and 5 feeds unparsed
  // (100 entries on their way), 56 places are left: two feeds.
  EXPECT_EQ(admissible_feeds({.polls = 40,
                              .unplanned_polls = 5,
                              .pages = 100,
                              .feed_slots = 128,
                              .page_slots = 256,
                              .fresh_per_poll = 20}),
            2u);
  // The entries on their way already fill the cap: none until some are parsed.
  EXPECT_EQ(admissible_feeds({.polls = 40,
                              .unplanned_polls = 12,
                              .pages = 20,
                              .feed_slots = 128,
                              .page_slots = 256,
                              .fresh_per_poll = 20}),
            0u);
  // Never more than the free slots.
  EXPECT_EQ(admissible_feeds({.polls = 127, .pages = 0, .feed_slots = 128, .page_slots = 256, .fresh_per_poll = 2}),
            1u);
}

TEST(AdmissibleFeeds, OneFeedMayStartWhenNothingUnparsedIsInFlightHoweverLargeItIs) {
  // Feeds of 500 new entries each, against a cap of 256: one at a time, never none.
  EXPECT_EQ(admissible_feeds({.polls = 0, .pages = 0, .feed_slots = 128, .page_slots = 256, .fresh_per_poll = 500}),
            1u);
  EXPECT_EQ(
      admissible_feeds(
          {.polls = 1, .unplanned_polls = 1, .pages = 0, .feed_slots = 128, .page_slots = 256, .fresh_per_poll = 500}),
      0u);
}

}  // namespace
}  // namespace newsd::ingest
