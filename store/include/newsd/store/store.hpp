#pragma once
/// The archive, in SQLite (the default) or PostgreSQL (`[store] backend =
/// "postgresql"`, Store::open(const StoreConfig&)): schema and migrations, feed state, article upsert
/// with dedup and story clusters, tags, Arabic-aware FTS5 search, retention
/// and online backup. One Store object per connection; the daemon has one
/// writer connection (Store::open) and query commands open read-only
/// connections (Store::open_readonly) that never block the writer (WAL).
/// A Store is not thread-safe: use it from one thread at a time.
/// Tables, columns and views are documented in docs/schema.md.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/classify/tags.hpp"
#include "newsd/config/config.hpp"
#include "newsd/store/outbox.hpp"

namespace newsd::store {

namespace pg {
class Backend;
}

using TimePoint = std::chrono::sys_seconds;

/// Schema version written to `PRAGMA user_version` by this build.
inline constexpr int kSchemaVersion = 13;

/// Two simhashes at most this many bits apart are the same story (one cluster).
inline constexpr int kNearDuplicateBits = 3;

struct FeedState {
  std::int64_t id = 0;
  std::string url;
  std::string name;
  std::string title;
  std::string site_url;
  std::string etag;
  std::string last_modified;
  std::optional<TimePoint> next_fetch_at;
  std::optional<TimePoint> last_fetched_at;
  int interval_s = 0;
  std::string interval_reason;  ///< why interval_s (ingest::to_string(IntervalReason)); empty before the first poll
  int consecutive_errors = 0;
  std::string last_error;
  std::string error_class;               ///< ingest::to_string(FailureClass) of the failure in force; empty if none
  std::optional<TimePoint> error_since;  ///< first failure of the current run of failures
  double mean_gap_s = 0;                 ///< publishing rate (ingest::PublishRate)
  int gaps = 0;                          ///< gaps behind mean_gap_s
  std::optional<TimePoint> last_new_entry_at;
  /// active | gone (410) | error (last fetch failed) | removed (no longer in the config; feeds() and ensure_feed only)
  std::string state = "active";
  std::int64_t articles = 0;  ///< articles first stored from this feed (feeds() only)
  /// What the last successful poll found the source to be (parse::to_string(SourceKind):
  /// feed, sitemap, sitemapindex, html); empty before it.
  std::string source_type;
  std::optional<int> links_found;  ///< links (entries) the last successful poll found; unset before it
  std::string links_hash;          ///< hash of the last link set fully handled (section pages, sitemaps); empty = none
};

/// A sitemap index child as last read (table sitemap_children).
struct SitemapChildRead {
  std::string url;
  std::optional<TimePoint> lastmod;  ///< the index's lastmod for it when it was read
  TimePoint read_at{};
};

/// Outcome of one feed fetch, written back by the writer.
struct FeedFetchResult {
  std::int64_t feed_id = 0;
  std::optional<std::string> title;
  std::optional<std::string> site_url;
  std::optional<std::string> etag;
  std::optional<std::string> last_modified;
  std::optional<int> interval_s;
  std::optional<std::string> interval_reason;
  TimePoint fetched_at{};
  TimePoint next_fetch_at{};
  std::optional<std::string> error;  ///< set = failure (consecutive_errors + 1, state error)
  std::string error_class;           ///< with `error`: its class (error_since is kept while failures continue)
  bool gone = false;                 ///< 410: stop polling (state gone)
  /// Set: the publishing rate after this poll (all three columns replaced).
  std::optional<double> mean_gap_s;
  int gaps = 0;
  std::optional<TimePoint> last_new_entry_at;
  /// Set: the feed answered with a permanent redirect; its stored URL
  /// becomes this one (left as is if another feed already has it).
  std::optional<std::string> moved_to;
  std::optional<std::string> source_type;  ///< set: replaces FeedState::source_type
  std::optional<int> links_found;          ///< set: replaces FeedState::links_found
  std::optional<std::string> links_hash;   ///< set: replaces FeedState::links_hash
  /// Sitemap index children read by this poll (replacing their earlier
  /// record); children not read for 30 days are forgotten.
  std::vector<SitemapChildRead> children_read;
};

/// The dedup key of a feed entry that has no web link, only an id (`1`,
/// `tag:…`, `urn:uuid:…`): "feed:<feed_id>:<guid>". Ids are only unique
/// within their feed, so two feeds' entry `1` get two keys. Pass it as
/// ArticleRecord::entry_key, and as the `url` of has_article/add_source.
std::string entry_key(std::int64_t feed_id, std::string_view guid);

/// The process holding a database's writer lock, as its record in
/// `<db>.lock` names it (Store::open writes the record).
struct WriterLockHolder {
  int pid = 0;                ///< 0 when the record has no valid pid (yet)
  std::string program;        ///< the holder's program name, e.g. "newsd"
  std::string host;           ///< the holder's host name
  bool on_this_host = false;  ///< `host` is this machine: `pid` may be signalled
};

/// Who holds the writer lock of the database at `db` right now; nullopt when
/// nobody does (no lock file, or the lock is free: a record left by a past
/// holder is ignored, its pid may be reused). Only probes the lock, never
/// holds it. The one parser of the lock record: `newsd feeds` uses it to
/// tell the daemon (SIGHUP) that its feeds changed.
std::optional<WriterLockHolder> writer_lock_holder(const std::filesystem::path& db);

/// Which taxonomy and which model produced an article's rule and model
/// tags: classify::taxonomy_version() and classify::Model::version() of
/// what the tagger had loaded (ingest::Tagging::versions()).
struct TagVersions {
  std::string taxonomy;  ///< empty = not recorded (both columns stored NULL: outdated for any taxonomy)
  std::string model;     ///< empty = tagged without a model
  bool operator==(const TagVersions&) const = default;
};

/// What Store::write_articles works out from an article record before it
/// writes it (its dedup key, its text's dedup fingerprint, the search-index
/// terms of its title and text): opaque, built by prepare_record().
struct PreparedRecord;
struct ArticleTokens;

struct ArticleRecord {
  std::int64_t feed_id = 0;
  std::string url;            ///< as linked from the feed; may be empty when entry_key is set
  std::string canonical_url;  ///< dedup key; empty = canonicalize_url(url). Always re-canonicalized.
  /// Set (to entry_key(feed_id, guid)) for an entry without a web link: it
  /// is then the dedup key, stored as is in place of canonical_url, and
  /// `url`/`canonical_url` are not used for dedup. Text dedup (content hash,
  /// simhash clusters) still applies across feeds.
  std::string entry_key;
  std::string guid;
  std::string title;
  std::string byline;
  std::string lang;
  std::string section;
  std::string image;
  std::string text;
  std::optional<TimePoint> published_at;
  TimePoint fetched_at{};
  std::vector<classify::Tag> tags;
  /// What produced `tags`; stored on the article when it is inserted (an
  /// article already stored keeps its versions when a record adds tags).
  TagVersions tag_versions;
  /// Names of the watches (`[[watch]]`) the article matched at ingest; each
  /// one's tag is in `tags`. Written to `watch_matches` with the article.
  std::vector<std::string> watches;
  /// Optional: prepare_record(*this), worked out by the producer so that the
  /// writer's one thread neither canonicalizes nor tokenizes (on PostgreSQL
  /// it would do so under the writers' lock). The writer uses it only while
  /// url, canonical_url, entry_key, title and text are byte for byte what
  /// it was prepared from (it compares them), and works it out itself
  /// otherwise: what is stored, deduplicated and indexed never depends on
  /// it. PostgreSQL builds the article's tsvector from its terms.
  std::shared_ptr<const PreparedRecord> prepared;
};

/// Works out `rec`'s PreparedRecord on the calling thread (a pure function
/// of its url, canonical_url, entry_key, title and text; thread-safe), for
/// ArticleRecord::prepared. Throws like the text pipeline does, when ICU or
/// Snowball cannot start.
std::shared_ptr<const PreparedRecord> prepare_record(const ArticleRecord& rec);

/// The same, from article_tokens(rec.title, rec.text) already made (the
/// caller's contract: a record prepared from other tokens would be indexed
/// by them).
std::shared_ptr<const PreparedRecord> prepare_record(const ArticleRecord& rec, const ArticleTokens& tokens);

/// What write_articles did with one record.
enum class UpsertOutcome {
  inserted,   ///< a new article row (possibly joining an existing story cluster)
  updated,    ///< already stored (same canonical URL, or same text under another URL): the stored
              ///< text is kept, and this record added a source (feed/URL) or tags it did not have
  duplicate,  ///< already stored and this record brought nothing new
};

struct StoredTag {
  std::string name;
  std::string kind;  ///< topic | country | org | feed | model | watch
  double score = 1.0;
  std::string source;  ///< rule | model | feed | watch | label (a person's label in force, score 1)
};

/// A person's judgement of one tag of one article (the `labels` table):
/// kept apart from rule and model tags, never touched by re-tagging.
struct Label {
  std::string tag;
  std::string kind;  ///< topic | country | org | feed | model
  std::string set_by;
  TimePoint set_at{};
  /// A removal, kept with who and when: "this article is not `tag`". It
  /// replaces the label if there was one, and is evidence against a rule
  /// or model tag of that name.
  bool removed = false;
};

/// One label to set or remove (`newsd label`).
struct LabelEdit {
  std::int64_t article_id = 0;
  std::string tag;
  /// Empty: the kind this tag name already has (as a label, else as a
  /// stored tag: topic, country, org, model, feed in that order), else topic.
  std::string kind;
  bool remove = false;
};

/// What Store::write_labels did with a list of edits.
struct LabelWrite {
  std::size_t changed = 0;  ///< label rows inserted or replaced
  /// Positions (in the edits) whose article id is not stored; when not
  /// empty, nothing at all was written.
  std::vector<std::size_t> unknown_articles;
};

/// Why `tag` cannot name a label (empty, over 100 bytes, invalid UTF-8, a
/// control character, white space or a comma), or nullopt when it can.
/// Labels become fastText labels (one space-free token) and fields of
/// comma-separated label lists, so neither may split them.
std::optional<std::string> label_problem(std::string_view tag);

/// An article carrying at least one label row (Store::labelled_articles).
struct LabelledArticle {
  std::int64_t id = 0;
  std::string title;
  std::string text;
  std::string lang;
  std::vector<Label> labels;    ///< in force and removed, oldest first
  std::vector<StoredTag> tags;  ///< its rule, model and feed tags, highest score first
};

/// A feed/URL through which an article was seen (the first one included).
struct ArticleSource {
  std::int64_t feed_id = 0;
  std::string feed_url;
  std::string url;
  TimePoint seen_at{};
};

/// Another article of the same story cluster.
struct ClusterMember {
  std::int64_t id = 0;
  std::string title;
  std::string url;
  std::string feed_url;
  std::optional<TimePoint> published_at;
  int distance = 0;  ///< Hamming distance between the two simhashes
};

struct ArticleView {
  std::int64_t id = 0;
  std::int64_t feed_id = 0;
  std::string feed_url;
  std::string feed_name;  ///< feeds.name, else feeds.title
  std::string url;
  std::string canonical_url;
  std::string guid;
  std::string title;
  std::string byline;
  std::string lang;
  std::string section;
  std::string image;
  std::string text;
  std::optional<TimePoint> published_at;
  TimePoint fetched_at{};
  std::uint64_t simhash = 0;
  std::int64_t cluster_id = 0;
  std::vector<StoredTag> tags;       ///< highest score first; labels in force last, as source "label"
  std::vector<Label> labels;         ///< every label row, removals included, oldest first
  std::vector<std::string> watches;  ///< the `[[watch]]` names it matched at ingest (watch_matches), by name
  std::vector<ArticleSource> sources;
  std::vector<ClusterMember> cluster;  ///< other members, newest first (at most 50)
};

enum class SortOrder { relevance, date };

/// How Store::checkpoint copies the WAL into the main database file.
enum class WalCheckpoint {
  passive,   ///< what no reader is using; never waits
  truncate,  ///< everything, then empties the -wal file; waits (busy timeout) for readers
};

/// What one search may cost. A query over a limit fails before it runs, and
/// one that runs past the time budget is stopped; both are
/// Errc::invalid_argument with a message starting "query too expensive: ".
struct SearchLimits {
  std::size_t max_query_bytes = 4096;  ///< length of SearchQuery::text
  /// Words in the query text as the index tokenizer breaks them, every word
  /// of a phrase included (a NEAR distance counts as one).
  int max_terms = 32;
  /// Prefix terms (`abc*`, `"a b"*`): each merges the postings of every
  /// indexed word it begins, so a few short ones cost more than many words.
  int max_prefix_terms = 8;
  /// Wall time the search statement may run; zero or less = unbounded.
  /// Checked every few thousand SQLite VM steps, so a search overruns it by
  /// at most the time between two checks.
  std::chrono::steady_clock::duration time_budget = std::chrono::seconds{5};
};

/// How SearchQuery::text is read.
enum class QuerySyntax {
  /// Words are text (`air-defence`, `l'Algérie`, `NATO's`); only "phrase",
  /// prefix*, AND/OR/NOT and parentheses are syntax (store/src/query_parse.hpp).
  plain,
  fts,  ///< raw FTS5 query syntax (columns, NEAR, …), for experts
};

struct SearchQuery {
  std::string text;  ///< read as `syntax` says; empty = all articles
  QuerySyntax syntax = QuerySyntax::plain;
  std::vector<std::string> tags;   ///< tag names (any kind), all must match
  std::string country;             ///< ISO 3166-1 alpha-2 country tag; empty = any
  std::string lang;                ///< article language; empty = any
  std::string feed_url;            ///< empty = any
  std::optional<TimePoint> since;  ///< article date >= since (date = published_at, else fetched_at)
  std::optional<TimePoint> until;  ///< article date < until
  /// Set: only articles with a larger id (0: all), and without text the
  /// oldest id first (how a stream catches up on what was stored since it
  /// last looked, and how a scan of the whole archive pages).
  std::optional<std::int64_t> after_id;
  int limit = 20;
  int offset = 0;
  SortOrder sort = SortOrder::relevance;  ///< relevance without text = date
  std::string highlight_open = "[";       ///< inserted before each match in the snippet
  std::string highlight_close = "]";      ///< inserted after each match
  /// Snippets without highlight markers, the matches given as offsets in
  /// SearchHit::matches instead (for machine-readable output).
  bool plain_snippets = false;
  SearchLimits limits;
};

struct SearchHit {
  std::int64_t id = 0;
  std::string title;
  std::string url;
  std::string feed_url;
  std::string feed_name;
  std::string lang;
  std::optional<TimePoint> published_at;
  TimePoint fetched_at{};
  std::string snippet;  ///< matches wrapped in highlight_open/close (start of the text if no query text)
  /// With SearchQuery::plain_snippets: each match in `snippet` as
  /// {start, length} in Unicode code points, in order.
  std::vector<std::pair<int, int>> matches;
  double rank = 0;  ///< bm25 (lower is better); 0 without query text
  std::vector<std::string> tags;
  std::vector<std::string> watches;  ///< watches the article matched at ingest (`watch_matches`), by name
};

/// Articles carrying one tag on one day (the `tag_daily_counts` view).
struct TagDayCount {
  std::string tag;
  std::string kind;  ///< topic | country | org | feed | model
  std::string day;   ///< YYYY-MM-DD (UTC) of the article date
  std::int64_t articles = 0;
};

/// Row counts and size, for `newsd stats`.
struct Stats {
  std::int64_t feeds = 0, articles = 0, article_tags = 0, tags = 0, sources = 0, clusters = 0;
  std::int64_t db_bytes = 0;  ///< page_count * page_size of the main file (WAL excluded)
  std::optional<TimePoint> oldest_fetch, newest_fetch;
  std::vector<std::pair<std::string, std::int64_t>> by_lang;  ///< articles per language, most first
  int schema_version = 0;
};

/// What Store::retag recomputes, and over which articles.
struct RetagOptions {
  bool rules = true;   ///< rows with source 'rule', and articles.taxonomy_version
  bool model = false;  ///< rows with source 'model', and articles.model_version
  /// Only articles dated on or after this (published_at, else fetched_at).
  std::optional<TimePoint> since;
  int batch = 100;  ///< articles per write transaction (at least 1)
  /// Stop after this many articles; the rest stay outdated for the next run.
  std::optional<std::int64_t> limit;
  /// How long a batch waits for the daemon's writer to commit its own.
  std::chrono::milliseconds busy_timeout{std::chrono::seconds{5}};
};

/// The tags of one stored article, given its title, text and language: the
/// ingest pipeline's tagger (ingest::Tagging). Tags of sources other than
/// those RetagOptions selects are ignored.
using RetagTagger = std::function<std::vector<classify::Tag>(const classify::Document&)>;

/// How one tag's rows (of one article each) changed in a retag.
struct TagChange {
  std::string name;
  std::string kind;  ///< topic | country | org | model
  std::int64_t added = 0;
  std::int64_t removed = 0;
  std::int64_t rescored = 0;  ///< kept, with another score
};

struct RetagReport {
  std::int64_t articles = 0;          ///< articles recomputed: their selected versions are now current
  std::int64_t changed_articles = 0;  ///< of those, articles with a row added, removed or rescored
  std::int64_t batches = 0;           ///< write transactions committed
  bool complete = false;              ///< false when RetagOptions::limit stopped it first
  std::vector<TagChange> changes;     ///< by kind, then name
};

/// Called after each committed batch with the totals so far.
using RetagProgress = std::function<void(const RetagReport&)>;

/// Articles whose tags were not produced by the current taxonomy or model.
struct OutdatedTags {
  std::int64_t taxonomy = 0;          ///< taxonomy_version differs from the current one, or was never recorded
  std::optional<std::int64_t> model;  ///< model_version differs; nullopt when no model is configured
};

/// A start time on a shared host budget (Store::reserve_host_slots).
using HostSlotTime = std::chrono::sys_time<std::chrono::milliseconds>;

/// A feed leased to one worker of a shared PostgreSQL store.
struct FeedLease {
  std::int64_t feed_id = 0;
  std::string feed_url;
  TimePoint until{};
};

/// A newsd process sharing a PostgreSQL store, as its last heartbeat left it.
struct WorkerInfo {
  std::string id;  ///< unique per process, e.g. "host:pid:start"
  std::string host;
  int pid = 0;
  TimePoint started_at{};
  TimePoint heartbeat_at{};
  std::vector<FeedLease> leases;  ///< unexpired, by feed id (workers() only)
};

/// One feed's entry in a PostgreSQL store's feed list (Store::put_feed_specs).
struct FeedSpec {
  std::string url;   ///< as config::check_feed_url gives it; the row it names is found by this URL
  std::string name;  ///< display name (feeds.name; empty = the feed's own title), the spec's own `name`
  std::string spec;  ///< the feed's `[[feeds]]` table as TOML (config::feed_spec); read by config::parse_feed_spec
};

/// A feed row of a PostgreSQL store with the settings the list holds for it.
struct ListedFeed {
  FeedState state;  ///< as feeds() gives it (articles left 0); state "removed" once it is off the list
  /// What put_feed_specs wrote; nullopt for a feed registered without one
  /// (by a newsd before the feed list, or copied by `newsd migrate`), which
  /// runs with the default settings.
  std::optional<std::string> spec;
};

/// The feed list as one snapshot (Store::feed_list).
struct FeedList {
  std::int64_t version = 0;       ///< feed_list_version() of this snapshot
  std::vector<ListedFeed> feeds;  ///< every feed row, removed ones included, by id
};

class Store {
 public:
  /// Opens the archive `cfg` names: the SQLite file at cfg.path, exactly as
  /// open(cfg.path, cfg), or the PostgreSQL database at cfg.url, whose
  /// schema is created or migrated forward. On PostgreSQL every method below
  /// keeps its contract, except what is about a file: there is no writer
  /// lock (several writers may share the database), checkpoint() and
  /// checkpoint_when_due() do nothing (the server checkpoints), backup() is
  /// Errc::unsupported (pg_dump is the tool), and QuerySyntax::fts searches
  /// are Errc::unsupported. Errc::connect when the server cannot be reached.
  static Result<Store> open(const config::StoreConfig& cfg);
  /// open_readonly(cfg.path, busy_timeout), or a PostgreSQL connection whose
  /// transactions are all read-only; Errc::database if its schema is not current.
  static Result<Store> open_readonly(const config::StoreConfig& cfg);
  /// request_reactivation(cfg.path, …) on SQLite; on PostgreSQL the same UPDATE
  /// on a connection of its own (the daemon then re-reads the row on SIGHUP).
  static Result<bool> request_reactivation(const config::StoreConfig& cfg, std::string_view url, TimePoint now);
  /// Which backend this Store runs on.
  config::StoreBackend backend() const;

  /// Opens (creating if needed) the database at `path` in WAL mode with
  /// synchronous=NORMAL and the configured busy timeout, and migrates it
  /// forward to kSchemaVersion. Errc::database on failure, including a
  /// database written by a newer newsd.
  /// Only one writer Store per database at a time, across processes: open
  /// first takes an advisory lock (flock) on `<path>.lock`, held until the
  /// Store is destroyed, and records the holder's pid, program, host and
  /// start time in that file. If another writer holds it, open fails at
  /// once with Errc::locked: "<path> is in use by pid 1234 (newsd) since
  /// 2026-11-30T09:00:00Z". A lock file left by a killed process never
  /// blocks (the kernel drops the lock with its holder). Read-only opens
  /// neither take nor check the lock.
  static Result<Store> open(const std::filesystem::path& path, const config::StoreConfig& cfg);
  /// Opens an existing database read-only (queries while the daemon writes),
  /// as `mode=ro`. A reader that can neither create nor open the -shm/-wal
  /// files (a user who may not write the directory, the daemon stopped)
  /// reads the file as `immutable=1` instead, provided the -wal file is
  /// absent or empty, i.e. the main file holds every commit.
  /// Errc::not_found if the file does not exist, Errc::database if its
  /// schema is not kSchemaVersion (older ones are migrated by Store::open).
  static Result<Store> open_readonly(const std::filesystem::path& path,
                                     std::chrono::milliseconds busy_timeout = std::chrono::seconds{5});

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  /// Inserts the feed if unknown (by url) and returns its state. A non-empty
  /// `name` replaces the stored one (the config is the source of truth).
  Result<FeedState> ensure_feed(std::string_view url, std::string_view name);
  /// ensure_feed() of each feed's url and name, in order. On SQLite in one
  /// transaction, all or none; on PostgreSQL each commits on its own
  /// (ensure_feed is idempotent: a retry after a failure part-way finishes
  /// the list).
  Result<std::vector<FeedState>> ensure_feeds(std::span<const config::FeedConfig> feeds);
  /// All feeds, by id, with their article counts.
  Result<std::vector<FeedState>> feeds();
  /// Errc::not_found if `result.feed_id` is unknown; Errc::database if the
  /// write fails (full disk, I/O error, lock not granted within the busy
  /// timeout), with SQLite's message.
  Result<void> record_fetch(const FeedFetchResult& result);
  /// record_fetch() of each result, one result each, in order. On SQLite
  /// they share one transaction (one commit instead of one per feed); if
  /// any fails, that transaction is rolled back and each is recorded on its
  /// own, so one bad outcome never holds back the others.
  std::vector<Result<void>> record_fetches(std::span<const FeedFetchResult> results);
  /// The sitemap index children of a feed as last read (record_fetch's
  /// children_read), by URL.
  Result<std::vector<SitemapChildRead>> sitemap_children(std::int64_t feed_id);
  /// Marks a feed as no longer configured (state 'removed' in feeds());
  /// ensure_feed() of its URL makes it active again.
  Result<void> mark_removed(std::int64_t feed_id, TimePoint at);
  /// Makes a gone or failing feed active and due at `now`, forgetting its
  /// errors (`newsd feeds --reactivate`), without the writer lock, for when
  /// the daemon holds it: one UPDATE of the feed's row on its own connection (SQLite
  /// serialises it with the daemon's writes, waiting up to `busy_timeout`).
  /// True if a feed has this URL (now active, due at `now`); the lock
  /// holder (writer_lock_holder()) must then be told to re-read the row
  /// (SIGHUP: Engine::reload schedules kept feeds from their stored state).
  /// Errc::not_found without a database, Errc::database if its schema is
  /// not kSchemaVersion or the write fails.
  static Result<bool> request_reactivation(const std::filesystem::path& path, std::string_view url, TimePoint now,
                                           std::chrono::milliseconds busy_timeout = std::chrono::seconds{5});

  /// Recomputes the rule and/or model tags of the articles at `path` whose
  /// recorded version (taxonomy_version / model_version) is not `current`'s,
  /// oldest first, `options.batch` at a time, and records `current` on each.
  /// Only 'rule' / 'model' rows (as selected) are added, removed or
  /// rescored; other rows (feed tags, labels) are left as they are. Beside
  /// the daemon like request_reactivation (own connection, no writer lock),
  /// not through it: SQLite serialises the two writers, and a batch is
  /// tagged outside any transaction, then written in one that lasts
  /// milliseconds (waiting up to `options.busy_timeout` for the daemon's),
  /// so the daemon needs no request channel nor a second kind of work in its
  /// writer (store/src/retag.cpp). A batch is all-or-nothing: an interrupted
  /// run (kill, failed write, `options.limit`) resumes where it stopped, as
  /// current articles are skipped. Errc::not_found without a database,
  /// Errc::database for another schema or a failed write,
  /// Errc::invalid_argument for no source selected or a batch < 1.
  static Result<RetagReport> retag(const std::filesystem::path& path, const TagVersions& current,
                                   const RetagOptions& options, const RetagTagger& tagger,
                                   const RetagProgress& progress = {});

  /// retag(cfg.path, …) on SQLite. On PostgreSQL the same, on a connection
  /// of its own (which brings an older schema forward first, as the
  /// daemon's would); each batch's transaction takes the article writers'
  /// advisory lock, waiting up to `options.busy_timeout` for a daemon's
  /// batch, so the two are serialised as on SQLite. Errc::connect when the
  /// server cannot be reached.
  static Result<RetagReport> retag(const config::StoreConfig& cfg, const TagVersions& current,
                                   const RetagOptions& options, const RetagTagger& tagger,
                                   const RetagProgress& progress = {});

  /// How many articles carry tags of another taxonomy or model than
  /// `current` (an empty `current.model` = no model: not counted).
  Result<OutdatedTags> outdated_tags(const TagVersions& current);

  /// Sets or removes labels (store/src/labels.cpp), without the writer
  /// lock, like request_reactivation: one short transaction on its own
  /// connection, which SQLite serialises with a running daemon's batches
  /// (waiting up to `busy_timeout` for one to commit). All or nothing: an
  /// edit naming an unknown article is reported in
  /// LabelWrite::unknown_articles and nothing is written. A set label
  /// replaces an earlier removal of the same tag and vice versa, taking the
  /// new `set_by` and `at`. Errc::invalid_argument for a bad tag
  /// (label_problem) or kind, Errc::not_found without a database,
  /// Errc::database if its schema is not kSchemaVersion or the write fails
  /// (a daemon's transaction longer than `busy_timeout` included).
  /// Nothing needs telling: the daemon keeps no label in memory.
  static Result<LabelWrite> write_labels(const std::filesystem::path& path, std::span<const LabelEdit> edits,
                                         std::string_view set_by, TimePoint at,
                                         std::chrono::milliseconds busy_timeout = std::chrono::seconds{5});

  /// write_labels(cfg.path, …, cfg.busy_timeout) on SQLite; on PostgreSQL
  /// the same contract in one transaction on a connection of its own, which
  /// waits up to cfg.busy_timeout for a lock (lock_timeout). Errc::connect
  /// when the server cannot be reached.
  static Result<LabelWrite> write_labels(const config::StoreConfig& cfg, std::span<const LabelEdit> edits,
                                         std::string_view set_by, TimePoint at);

  /// Every article with a label row (set or removed), by id, with its text
  /// and stored tags, read in one snapshot: the material of
  /// `newsd train --from-store` and `newsd eval --from-store`.
  Result<std::vector<LabelledArticle>> labelled_articles();

  /// True if an article is already stored under this URL or entry_key(): its canonical
  /// form matches an article's or a source's canonical URL, or the URL is
  /// exactly one a feed linked to a stored article (a source's `url`; the
  /// page's rel=canonical may differ from the link).
  Result<bool> has_article(std::string_view url);
  /// has_article() of each URL, in order, in one look-up: one statement and
  /// one round trip on PostgreSQL, one read snapshot on SQLite.
  Result<std::vector<bool>> has_articles(std::span<const std::string> urls);

  /// Records that feed `feed_id` links the already stored article found at
  /// `url` (a link or an entry_key(), looked up as has_article does) as one of its sources. Returns
  /// false, writing nothing, if no stored article matches; a feed already
  /// recorded as a source of that article is not recorded again.
  Result<bool> add_source(std::int64_t feed_id, std::string_view url, std::string_view guid, TimePoint seen_at);

  /// Writes a batch of articles with their tags in one transaction, with
  /// dedup: same canonical URL or same normalized text = the stored article
  /// (its row is left as is; the new feed/URL is recorded in
  /// article_sources and new tags are added); a simhash within
  /// kNearDuplicateBits of a stored article = a new article in that
  /// article's story cluster. While a sink is registered, each inserted
  /// article is appended to the outbox in the same transaction, and rows
  /// beyond `[outbox] max_rows` are dropped (outbox.hpp). All-or-nothing: on error (Errc::database with
  /// SQLite's message for a full disk, an I/O error or a lock not granted
  /// within the busy timeout) nothing is written, and the Store stays usable
  /// for the next batch.
  Result<std::vector<UpsertOutcome>> write_articles(std::span<const ArticleRecord> batch);

  /// FTS5 search with filters. A syntax error in `q.text` (or, with
  /// QuerySyntax::fts, a reference to an unknown column) is
  /// Errc::invalid_argument "invalid search query '…': …"; so is a query
  /// beyond `q.limits` ("query too expensive: …"), the plain syntax's terms
  /// counted in the FTS5 expression built from them.
  Result<std::vector<SearchHit>> search(const SearchQuery& q);

  /// The article with its tags, sources and cluster, or nullopt.
  Result<std::optional<ArticleView>> article(std::int64_t id);

  /// Row counts: feeds, articles, tags.
  struct Counts {
    std::int64_t feeds = 0, articles = 0, article_tags = 0;
    std::int64_t last_article_id = 0;  ///< highest article id (0 if none): where a stream of new articles starts
  };
  Result<Counts> counts();
  Result<Stats> stats();
  /// The outbox and each registered sink's cursor, lag and dead letters
  /// (outbox.hpp); works on read-only connections.
  Result<OutboxStatus> outbox_status();

  /// Articles per tag per day, for days on or after `since` (UTC), kind
  /// `kind` only unless empty; by day, then most articles first.
  Result<std::vector<TagDayCount>> tag_counts(std::string_view kind, TimePoint since);

  /// The tokenizer that built the search index (meta.fts_tokenizer), when
  /// it is not this build's: after an upgrade, until the daemon opens the
  /// database and rebuilds the index, queries may miss matches. nullopt when
  /// the index is current.
  Result<std::optional<std::string>> outdated_search_index();

  /// Deletes at most `max_rows` articles fetched before `older_than`, with
  /// their tags, sources and FTS rows, in one short transaction; returns how
  /// many were deleted. Call it repeatedly (between write batches) until it
  /// returns 0, so retention never holds the write lock for long. The fetch
  /// date, not the publication date, decides: an old story fetched today is
  /// kept, otherwise it would be pruned and fetched again at every poll.
  Result<int> prune(TimePoint older_than, int max_rows = 500);

  /// Copies committed transactions from the -wal file into the database
  /// file, so that the file alone (copied, or read by a user who cannot
  /// open the WAL) holds them. Errc::database when SQLite fails; with
  /// `truncate`, also when a reader keeps it from finishing in time.
  Result<void> checkpoint(WalCheckpoint mode);
  /// For a long-running writer between batches: a passive checkpoint when
  /// the last one is kCheckpointPeriod old, every tenth of them a truncating
  /// one that, if a reader is in the way, gives up at once (no busy wait)
  /// and is tried again the next round.
  Result<void> checkpoint_when_due(std::chrono::steady_clock::time_point now);
  static constexpr std::chrono::seconds kCheckpointPeriod{60};

  /// Empties this connection's page cache (the pages no statement holds),
  /// for a daemon gone idle between polls: the next read takes them from
  /// the OS again. Nothing to do on PostgreSQL. Use it on the connection's
  /// own thread, like every other call.
  void release_memory() noexcept;

  /// Feed leases, for several processes sharing a PostgreSQL store (each is
  /// Errc::unsupported on SQLite, whose one writer process owns every feed).
  /// Leases up to `limit` feeds that are due at `now` (next_fetch_at unset
  /// or <= now; not gone, not removed) and that no worker holds, itself
  /// included (an expired lease counts as none), to `worker` until now +
  /// ttl; returns their stored state (as feeds() has it, article counts
  /// 0), most overdue first, read in the claiming transaction: a previous
  /// holder's outcome committed before its release is seen. Feeds are
  /// claimed with SELECT … FOR UPDATE SKIP LOCKED: concurrent workers get
  /// disjoint feeds and never wait on each other.
  Result<std::vector<FeedState>> lease_due_feeds(std::string_view worker, TimePoint now, std::chrono::seconds ttl,
                                                 int limit);
  /// Leases those of `feed_ids` that no other worker holds at `now`, due or
  /// not (not gone, not removed), to `worker` until now + ttl, and returns
  /// their stored state by id (`newsd once`: every configured feed that no
  /// other process is polling right now).
  Result<std::vector<FeedState>> lease_feeds(std::string_view worker, std::span<const std::int64_t> feed_ids,
                                             TimePoint now, std::chrono::seconds ttl);
  /// Ends `worker`'s lease of a feed; another worker's lease is left alone.
  Result<void> release_feed(std::string_view worker, std::int64_t feed_id);
  /// Records that `worker` is alive at `now` and extends its unexpired
  /// leases to now + `lease_ttl`: only a silent worker loses its feeds.
  Result<void> heartbeat(const WorkerInfo& worker, TimePoint now, std::chrono::seconds lease_ttl);
  /// Workers heard from since `alive_since`, by id, each with its leases unexpired at `now`.
  Result<std::vector<WorkerInfo>> workers(TimePoint alive_since, TimePoint now);
  /// Per-host politeness shared by every process of a PostgreSQL store
  /// (Errc::unsupported on SQLite). For each host (a host:port key) and
  /// count n in `requests`, atomically reserves n start times `gap` apart on
  /// that host's budget, the first at the later of `now` and the host's next
  /// free time, and moves the budget past the last one. Returns each host's
  /// first reserved time: its k-th request (from 0) may start at first + k × gap.
  Result<std::map<std::string, HostSlotTime>> reserve_host_slots(const std::map<std::string, int>& requests,
                                                                 HostSlotTime now, std::chrono::milliseconds gap);

  /// The feed list of a PostgreSQL store, which `newsd feeds add/remove/
  /// import` edit and every worker runs (ingest/feed_list.hpp). Each is
  /// Errc::unsupported on SQLite, whose feed list is the config and its
  /// feeds_file: one process reads them, and a second list in the database
  /// would only be a second truth to disagree with.
  /// Writes the specs in one transaction, all or nothing: an unknown URL is
  /// inserted, a known one takes the new spec and name and is back on the
  /// list if it had been removed. Returns how many feeds changed (the same
  /// spec and name on a listed feed is no change); when any did, the list
  /// version goes up by one.
  Result<int> put_feed_specs(std::span<const FeedSpec> specs);
  /// Takes feed `feed_id` off the list at `at` (state "removed" in feeds()
  /// and feed_list(); its articles and state stay; put_feed_specs brings it
  /// back) and bumps the list version. False, writing nothing, when no
  /// listed feed has this id (unknown, or removed already).
  Result<bool> remove_feed(std::int64_t feed_id, TimePoint at);
  /// Every feed row with its spec, and the version, read in one snapshot.
  Result<FeedList> feed_list();
  /// The list's version: one row read, so a worker can poll it often and
  /// re-read the list only when it changed.
  Result<std::int64_t> feed_list_version();

  /// Online, consistent copy of the whole database to `destination` (SQLite
  /// backup API; the writer is blocked only for short steps). The copy is
  /// written next to `destination` and renamed into place, so a failure
  /// never leaves a half-written file there.
  Result<void> backup(const std::filesystem::path& destination);

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  explicit Store(std::unique_ptr<pg::Backend> pg);
  std::unique_ptr<Impl> impl_;
  /// Set on PostgreSQL (impl_ is then null): every method forwards to it first.
  std::unique_ptr<pg::Backend> pg_;
};

}  // namespace newsd::store
