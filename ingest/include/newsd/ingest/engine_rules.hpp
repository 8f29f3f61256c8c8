#pragma once
/// The streaming engine's decisions as pure functions: which entries of a
/// parsed feed are new, what a poll's outcome writes to the store and when
/// the feed is polled next, and how fetch errors and answers are classed.
/// No clock, no threads, no I/O: the coordinator passes times, look-ups and
/// a jitter value in, so every rule is tested on a fake clock.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/fetch/failure_class.hpp"
#include "newsd/fetch/fetcher.hpp"
#include "newsd/ingest/article_builder.hpp"
#include "newsd/ingest/schedule.hpp"
#include "newsd/parse/feed.hpp"
#include "newsd/store/store.hpp"

namespace newsd::ingest {

using fetch::FailureClass;

/// The address of one entry of feed `feed_id`: its web page (article_url),
/// else, when the entry carries text of its own, store::entry_key(feed_id,
/// id); nullopt when it has neither. This is the one place text-only entries
/// are keyed.
std::optional<EntryAddress> entry_address(std::int64_t feed_id, const parse::Entry& entry);

/// An entry whose article is stored or being stored for another feed: this
/// feed is recorded as one of its sources.
struct Sighted {
  std::string url;  ///< as linked
  std::string guid;
  std::string canonical;
};

/// What a parsed feed asks of the engine.
struct EntryPlan {
  std::vector<NewEntry> fresh;
  std::vector<Sighted> stored;   ///< already stored: record this feed as a source now
  std::vector<Sighted> waiting;  ///< another feed is fetching it now: record the source after it is written
  int without_address = 0;       ///< neither a link nor an id with text
  int deferred = 0;              ///< new pages over the per-poll cap, left for the next poll
  bool lookup_failed = false;    ///< a store look-up failed: the poll is not complete
};

/// Whether an article is stored under this URL (Store::has_article).
using StoredLookup = std::function<Result<bool>(std::string_view url)>;
/// Whether another feed's page with this canonical URL is being fetched now.
using InFlightLookup = std::function<bool(const std::string& canonical)>;

/// Sorts a feed's entries: an entry is new when its canonical URL is
/// neither in flight for another feed nor stored (looked up by the linked
/// URL), and not repeated earlier in the same feed. At most `pages_per_poll`
/// new entries with a page are kept (entries with their own text are not
/// capped: they cost no request); the rest are `deferred`. A failed look-up
/// skips the entry and sets `lookup_failed`.
EntryPlan plan_entries(std::int64_t feed_id, std::span<const parse::Entry> entries, const StoredLookup& stored,
                       const InFlightLookup& in_flight, std::size_t pages_per_poll);

/// The class of a failed fetch. The one function to adapt when fetch's
/// typed errors (dns/connect/tls/robots/refused/blocked) arrive.
FailureClass classify_error(const Error& error);

/// True when fetching the page again cannot help (Error::permanent: 404/410,
/// refused by robots.txt or the trust rules, too large, redirect loop, bad
/// URL, unsupported scheme): such a page does not hold back its feed's
/// validators.
bool failed_for_good(const Error& error);

/// True for an HTTP 410 on the feed itself: the feed is gone.
bool is_gone(const Error& error);

/// The class of a 200 answer where a feed was expected, before parsing:
/// an HTML page, an empty body or a challenge page is not a feed.
FailureClass classify_feed_answer(const fetch::Response& response);

/// The server's hints about when to come back, from the parsed feed
/// (<ttl>, sy:updatePeriod/updateFrequency).
ServerHints feed_hints(const parse::FeedInfo& feed);

/// The hints of the feed's HTTP answer (Cache-Control max-age, Expires,
/// Retry-After), read at `now`; `feed` adds the feed's own (feed_hints).
ServerHints http_hints(const fetch::Response& response, SysSeconds now, ServerHints feed = {});

/// When a failed fetch may be retried by the server's word (Retry-After
/// carried by the error), counted from `now`.
std::optional<SysSeconds> retry_after(const Error& error, SysSeconds now);

/// Everything a finished poll learned, for feed_after_poll().
struct PollFacts {
  SysSeconds finished{};  ///< when the poll's last entry was handled
  double u = 0.5;         ///< jitter draw in [0, 1)
  /// Failure of the poll itself (fetch error, not a feed, unparseable); unset on success.
  std::optional<std::string> error;
  FailureClass failure = FailureClass::none;
  bool gone = false;                        ///< 410
  std::optional<SysSeconds> retry_after;    ///< the server's Retry-After, if it sent one
  std::optional<std::string> moved_to;      ///< permanent redirect target
  bool not_modified = false;                ///< 304
  std::string etag, last_modified;          ///< validators of the 200
  std::optional<std::string> title;         ///< the feed's own title
  std::optional<std::string> site_url;      ///< the configured site_url, else the feed's own link
  ServerHints hints;                        ///< see feed_hints()
  std::vector<SysSeconds> new_entry_times;  ///< publication (else first-seen) time of each new entry
  bool entries_complete = true;             ///< every new entry handled for good
};

/// A feed's stored state after one poll and the next time it is due.
struct FeedAfterPoll {
  store::FeedFetchResult result;
  PublishRate rate;
  std::optional<SysSeconds> next;  ///< nullopt: not polled again (gone)
};

/// The rules of a feed's state after a poll:
///  - failure: validators kept, error + class recorded, next_after_failure
///    (Retry-After honoured); a 410 marks the feed gone and is not rescheduled;
///  - success (200 or 304): the rate observes the new entries, next_poll()
///    with the hints; validators advance only when `entries_complete` (the
///    store writer still strips them if one of the feed's writes failed);
///  - a permanent redirect carries the new URL either way.
FeedAfterPoll feed_after_poll(std::int64_t feed_id, const FeedPolicy& policy, const PublishRate& rate,
                              int consecutive_errors, const PollFacts& facts);

/// The stored publishing rate of a feed.
PublishRate stored_rate(const store::FeedState& state);

}  // namespace newsd::ingest
