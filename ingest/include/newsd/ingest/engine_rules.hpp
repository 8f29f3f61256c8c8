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
#include "newsd/parse/sitemap.hpp"
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

/// Whether an article is stored under each of these URLs, in order, in one
/// look-up (Store::has_articles).
using StoredLookup = std::function<Result<std::vector<bool>>(std::span<const std::string> urls)>;
/// Whether another feed's page with this canonical URL is being fetched now.
using InFlightLookup = std::function<bool(const std::string& canonical)>;

/// Sorts a feed's entries: an entry is new when its canonical URL is
/// neither in flight for another feed nor stored (looked up by the linked
/// URL), and not repeated earlier in the same feed. At most `pages_per_poll`
/// new entries with a page are kept (entries with their own text are not
/// capped: they cost no request); the rest are `deferred`. The entries left
/// after the in-flight check are looked up together, in one call of
/// `stored`; if it fails, none of them is planned and `lookup_failed` is set.
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

/// The class of a 200 answer for a source, before parsing: a challenge
/// page is never a source; where a feed is expected (expects_feed), an
/// HTML page or an empty body is not a feed either.
FailureClass classify_feed_answer(const fetch::Response& response, bool expect_feed = true);

/// The server's hints about when to come back, from the parsed feed
/// (<ttl>, sy:updatePeriod/updateFrequency).
ServerHints feed_hints(const parse::FeedInfo& feed);

/// The hints of the feed's HTTP answer (Cache-Control max-age, Expires,
/// Retry-After), read at `now`; `feed` adds the feed's own (feed_hints).
ServerHints http_hints(const fetch::Response& response, SysSeconds now, ServerHints feed = {});

/// When a failed fetch may be retried by the server's word (Retry-After
/// carried by the error), counted from `now`.
std::optional<SysSeconds> retry_after(const Error& error, SysSeconds now);

/// Whether a 200 answer for a source of this type must be a feed (type
/// "feed"): only then is an HTML page refused as not_a_feed before parsing.
bool expects_feed(config::SourceType type);

/// The sitemap index children to fetch in this poll: in the index's order
/// (newest first), skipping a child already read whose lastmod is the same
/// as when it was read (a child without a lastmod is always read: it is a
/// news sitemap, the one that changes), at most `cap`. `left` receives how
/// many children that need reading were left for a later poll.
std::vector<parse::SitemapChild> children_to_read(std::span<const parse::SitemapChild> listed,
                                                  std::span<const store::SitemapChildRead> already_read,
                                                  std::size_t cap, std::size_t& left);

/// A stable hash (16 hex digits, FNV-1a 64) of the set of canonical links
/// of `entries`, whatever their order: equal for a page listing the same
/// links again, so an unchanged section page or sitemap costs no look-ups.
std::string link_set_hash(std::span<const parse::Entry> entries);

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
  /// Sitemap index children that needed reading were left for a later poll:
  /// the validators are held (a 304 would hide them), the children read are
  /// still recorded.
  bool children_left = false;
  std::optional<std::string> source_type;  ///< what the document was (parse::to_string(SourceKind))
  std::optional<int> links_found;          ///< links the poll found (recent entries, section links)
  /// The link set's hash (link_set_hash) when the poll compared it; stored
  /// only with `entries_complete`, so links left over are looked at again.
  std::optional<std::string> links_hash;
  std::vector<store::SitemapChildRead> children_read;  ///< index children read (recorded with entries_complete)
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
///  - a permanent redirect carries the new URL either way;
///  - on success the source type and link count are recorded; the link
///    hash and the index children read only when `entries_complete`.
FeedAfterPoll feed_after_poll(std::int64_t feed_id, const FeedPolicy& policy, const PublishRate& rate,
                              int consecutive_errors, const PollFacts& facts);

/// The stored publishing rate of a feed.
PublishRate stored_rate(const store::FeedState& state);

/// What admission sees of the pipeline.
struct PipelineLoad {
  std::size_t polls = 0;            ///< feeds in flight
  std::size_t unplanned_polls = 0;  ///< of which not yet parsed: their new entries are still unknown
  std::size_t pages = 0;            ///< entries (pages) in flight or waiting
  std::size_t feed_slots = 1, page_slots = 1;
  double fresh_per_poll = 0;  ///< new entries a parsed poll has brought, on (moving) average
};

/// How many more feeds may start now. Never more than the free feed slots,
/// and none while `page_slots` entries are in flight or waiting. Below
/// that, the entries the unparsed polls will bring (counted at
/// `fresh_per_poll` each) and those of the feeds started now must fit in
/// what is left, so that feeds start a few at a time as entries drain
/// rather than a burst of every free slot whenever the backlog dips under
/// its cap. With nothing unparsed in flight one feed may always start,
/// however many entries it is expected to bring.
std::size_t admissible_feeds(const PipelineLoad& load);

}  // namespace newsd::ingest
