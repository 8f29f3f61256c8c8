#pragma once
/// Typed newsd settings. Every value a user can tune lives here with its
/// default; `load_config` fills it from one TOML file and validates it.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "newsd/base/error.hpp"

namespace newsd::config {

using Seconds = std::chrono::seconds;

/// What a `[[feeds]]` source is (`type`).
enum class SourceType {
  auto_detect,  ///< "auto": decided from each fetched document (feed, sitemap, sitemap index or HTML page)
  feed,         ///< "feed": RSS, Atom or JSON Feed
  sitemap,      ///< "sitemap": a (Google News) sitemap or sitemap index, gzipped or not
  html,         ///< "html": a section page whose article links are found on it
};

/// "auto", "feed", "sitemap", "html".
std::string_view to_string(SourceType type) noexcept;

/// One subscribed source (`[[feeds]]`): a feed, a sitemap or a section page.
struct FeedConfig {
  std::string url;                      ///< http(s):// or file:// (relative file: URLs resolved against the config dir)
  std::string name;                     ///< display name; empty = the feed's own title
  std::string site_url;                 ///< the site the feed belongs to (OPML htmlUrl); empty = unknown
  Seconds interval{Seconds{1800}};      ///< how often to poll at first; adapted to the feed's publishing rate after
  std::optional<Seconds> min_interval;  ///< overrides `[schedule] min_interval` for this feed
  std::optional<Seconds> max_interval;  ///< overrides `[schedule] max_interval` for this feed
  std::vector<std::string> tags;        ///< extra tags added to every article of this feed
  bool fetch_articles = true;           ///< fetch each entry's page (false = store the feed's own summary)
  SourceType type = SourceType::auto_detect;
  /// Sitemaps: entries (and index children) dated before now - max_age are not taken.
  Seconds max_age{Seconds{2 * 24 * 3600}};
  /// Sitemap indexes: at most this many children fetched per poll (the
  /// newest first; one already read with the same lastmod is not fetched again).
  int sitemap_children = 3;
  /// Section pages (type html or auto): a CSS selector (parse/html_select.hpp)
  /// of the article links, replacing the generic heuristics; empty = heuristics.
  std::string links;
  std::vector<std::string> exclude;  ///< section pages: selectors of regions whose links are never taken
  /// Section pages: only links whose absolute URL matches this regular
  /// expression (ICU syntax, searched, not anchored) are taken; empty = any.
  /// Checked at load (LoadOptions::check_url_pattern).
  std::string url_pattern;

  bool operator==(const FeedConfig&) const = default;
};

/// `[fetch]`: how newsd talks to servers.
struct FetchConfig {
  std::string user_agent = "newsd/0.1 (+https://github.com/newsd/newsd)";
  Seconds connect_timeout{Seconds{10}};
  Seconds total_timeout{Seconds{30}};  ///< whole transfer, headers to last byte
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  int max_connections = 16;  ///< concurrent transfers in all
  int max_per_host = 2;      ///< concurrent transfers to one host
  int max_redirects = 5;
  Seconds min_host_interval{Seconds{1}};  ///< politeness delay between requests to one host
  bool respect_robots_txt = true;
  int max_retries = 2;                ///< for 429/5xx/network errors
  Seconds retry_backoff{Seconds{2}};  ///< first delay, doubled per retry
  /// The address guard (always on) refuses URLs derived from feed or page
  /// content (entry links, guids, redirects) that resolve to loopback,
  /// private, link-local, CGNAT, multicast or metadata addresses. These two
  /// lists name the exceptions: host names (exact, case-insensitive) and
  /// networks in CIDR form ("10.1.0.0/16", "fd00::/8"). URLs written in this
  /// file, and pages on the same origin as a configured feed, are trusted.
  std::vector<std::string> allow_hosts;
  std::vector<std::string> allow_networks;
  /// PEM file of the certificate authorities HTTPS servers are checked
  /// against instead of the system's (a TLS-inspecting proxy's CA, an
  /// internal CA). Empty = the system store. Must exist when set.
  std::filesystem::path ca_file;
};

/// `[limits]`: caps that keep one hostile feed or page from exhausting newsd.
/// Text over a cap is cut at a character boundary. Entries past
/// `entries_per_feed` are not read (a feed lists its newest first); new pages
/// past `pages_per_poll` wait for the next poll (the feed's validators are
/// held). Each cut is logged.
struct LimitsConfig {
  std::size_t title_chars = 1000;       ///< characters kept of a title
  std::size_t byline_chars = 200;       ///< characters kept of an author/byline
  std::size_t article_chars = 500'000;  ///< characters kept of an article's text
  std::size_t entries_per_feed = 1000;  ///< entries read from one feed document
  std::size_t pages_per_poll = 200;     ///< article pages fetched for one feed per poll
};

/// `[schedule]`: how a feed's polling interval adapts. Each feed starts at
/// its configured `interval`; afterwards the interval follows how often the
/// feed publishes, within [min_interval, max_interval] (each overridable per
/// feed), and never polls sooner than the server asks (ttl, max-age,
/// Retry-After, ...). Failing feeds back off, at most `max_backoff`.
struct ScheduleConfig {
  Seconds min_interval{Seconds{300}};
  Seconds max_interval{Seconds{86400}};
  Seconds max_backoff{Seconds{86400}};
  double jitter =
      0.1;  ///< a poll comes up to this fraction of its interval early (never late), so feeds do not fire together
};

/// `[[extract.sites]]`: selectors applied before the generic extractor for one host.
struct SiteRule {
  std::string host;               ///< exact host or suffix match ("example.com" matches "www.example.com")
  std::vector<std::string> keep;  ///< CSS-like selectors of the article body (first match wins)
  std::vector<std::string> drop;  ///< selectors removed before extraction
};

/// `[extract]`: boilerplate removal.
struct ExtractConfig {
  std::size_t min_text_chars = 200;  ///< below this the page is considered to have no article
  std::vector<SiteRule> sites;
};

/// `[classify]`: tagging.
struct ClassifyConfig {
  std::filesystem::path taxonomy;              ///< rule taxonomy TOML; empty = built-in default path
  std::optional<std::filesystem::path> model;  ///< fastText model; absent = rules only
  double model_threshold = 0.5;                ///< minimum probability for a model tag
  int model_top_k = 2;                         ///< at most this many model labels per article
};

/// `[outbox]`: the table where each newly stored article waits for the
/// sinks (`[[sinks]]`). Rows are appended only while at least one sink is
/// registered, and deleted once every sink has delivered them.
struct OutboxConfig {
  /// Rows kept at most: when a sink lags this far behind, the writer drops
  /// the oldest rows (a counted warning) instead of ever blocking ingest.
  std::int64_t max_rows = 100'000;
};

/// `[store]`: the SQLite archive.
/// `[store] backend`: where the archive lives.
enum class StoreBackend {
  sqlite,      ///< one file (`path`), one writer process: the default, needs no server
  postgresql,  ///< a PostgreSQL database (`url`) shared by any number of processes
};

struct StoreConfig {
  StoreBackend backend = StoreBackend::sqlite;
  std::filesystem::path path = "var/newsd.db";  ///< the SQLite file (backend sqlite)
  /// libpq connection URI (`postgresql://user@host:port/db`), backend postgresql only.
  std::string url;
  int keep_days = 0;    ///< 0 = keep forever
  int batch_size = 64;  ///< articles per write transaction
  Seconds busy_timeout{Seconds{5}};
  /// Read from the top-level `[outbox]` table; held here because the
  /// store's writer enforces it in the article's own transaction.
  OutboxConfig outbox;
};

/// What a `[[sinks]]` entry delivers to.
enum class SinkType { nats, webhook, jsonl };
std::string_view to_string(SinkType type) noexcept;

/// `[[sinks]]`: one destination every newly stored article is delivered to,
/// at least once, in store order, from its own thread and cursor. Keys that
/// do not apply to the entry's `type` are errors.
struct SinkConfig {
  std::string name;  ///< unique, [A-Za-z0-9_-]{1,64}: keys the sink's cursor in the database
  SinkType type = SinkType::jsonl;
  /// nats: server URL (nats://host:port, several comma-separated);
  /// webhook: the http(s) endpoint articles are POSTed to.
  std::string url;
  /// nats: subject template; `{lang}` is the article's language ("und" if
  /// unknown), `{topic}` its highest-scoring topic tag ("none" if untagged).
  std::string subject = "news.{lang}";
  /// nats: JetStream stream the subjects belong to; when set and missing,
  /// newsd creates it over the template's subjects (placeholders as `*`).
  /// Empty: a stream must already capture the subjects.
  std::string stream;
  std::string secret;            ///< webhook: HMAC-SHA256 key of X-Newsd-Signature (16+ characters, required)
  Seconds timeout{Seconds{10}};  ///< nats: publish-ack wait; webhook: whole request
  /// webhook: attempts per article before it becomes a dead letter
  /// (`newsd sinks retry NAME` sends those again). nats and jsonl retry until
  /// they succeed: their failure is the server or disk, not the article.
  int max_attempts = 8;
  Seconds retry_backoff{Seconds{1}};  ///< first wait after a failure, doubled per attempt
  Seconds max_backoff{Seconds{300}};  ///< the longest wait between two attempts
  std::filesystem::path path;         ///< jsonl: file the lines are appended to; "-" = standard output

  bool operator==(const SinkConfig&) const = default;
};

/// `[daemon]`: process behaviour.
struct DaemonConfig {
  int workers = 2;                      ///< parse/extract/classify threads
  std::size_t queue_capacity = 256;     ///< finished articles waiting for the writer (backpressure)
  Seconds shutdown_grace{Seconds{10}};  ///< how long in-flight work may finish after SIGTERM
};

/// `[workers]`: several `newsd run` processes sharing one PostgreSQL store
/// (`[store] backend = "postgresql"`; ignored on SQLite, whose one writer
/// process owns every feed). Each process polls only the feeds it holds a
/// lease on; a lease lasts `lease_ttl` and is renewed by a heartbeat every
/// `heartbeat`, so a process that dies gives its feeds back after at most
/// `lease_ttl`.
struct WorkersConfig {
  Seconds lease_ttl{Seconds{60}};
  /// Must be shorter than lease_ttl; when not written, lease_ttl / 3 (at least 1 s).
  Seconds heartbeat{Seconds{20}};
  /// How often a worker re-reads the database's feed list and applies what
  /// `newsd feeds add/remove/import` changed (PostgreSQL only).
  Seconds refresh{Seconds{30}};
};

/// `[http]`: the endpoint serving /metrics, /healthz, /readyz, the JSON API
/// and the web reader (docs/api.md). Off unless `listen` is set.
struct HttpConfig {
  std::string listen;  ///< "127.0.0.1:8080", "[::1]:8080", "0.0.0.0:8080"; empty = no HTTP endpoint
  /// Required when `listen` is not a loopback address: every request but
  /// /healthz, /readyz and the login form must carry it (bearer token or
  /// the cookie set by the login form).
  std::string token;
};

/// `listen` split into host and port; nullopt when it is not `host:port`
/// (IPv6 in brackets) with a port in 0..65535 (0: any free port).
struct ListenAddress {
  std::string host;  ///< without brackets
  int port = 0;
};
std::optional<ListenAddress> parse_listen(std::string_view listen);
/// True for localhost, 127.0.0.0/8 and ::1.
bool is_loopback_host(std::string_view host);
/// Why an [http] section cannot be used — `listen` not host:port, or not
/// loopback without a token of 16+ characters — or nullopt when it can.
std::optional<std::string> http_problem(const HttpConfig& http);

/// One saved search (`[[watch]]`): every new article its query matches is
/// tagged `tag` at ingest (newsd::watch), and the match is logged
/// (`watch.match`), counted in /metrics and named on the /api/stream event.
struct WatchConfig {
  std::string name;   ///< unique among the watches; names the match in logs, metrics and `newsd watch test`
  std::string query;  ///< the search syntax with filters (newsd/store/query.hpp); must hold a word or a filter
  std::string tag;    ///< the tag added (kind and source `watch`); the name when not given
};

/// `[log]`
struct LogConfig {
  std::string level = "info";  ///< trace, debug, info, warn, error, off
};

struct Config {
  std::filesystem::path source;  ///< the file this was loaded from (empty for defaults)
  LogConfig log;
  FetchConfig fetch;
  LimitsConfig limits;
  ScheduleConfig schedule;
  ExtractConfig extract;
  ClassifyConfig classify;
  StoreConfig store;
  DaemonConfig daemon;
  WorkersConfig workers;
  HttpConfig http;
  std::vector<SinkConfig> sinks;  ///< `[[sinks]]`, in file order
  /// `feeds_file`: a TOML file of more `[[feeds]]` (written by `newsd feeds
  /// add/remove/import`), resolved against this file's directory; empty = none.
  std::filesystem::path feeds_file;
  std::vector<FeedConfig> feeds;     ///< this file's `[[feeds]]`, then the feeds file's
  std::vector<WatchConfig> watches;  ///< `[[watch]]`, in file order
};

/// Checks that need modules the config module does not link (the selector
/// parser, the model loader, the query parser, the section finder's regex engine): each returns why the value is
/// unusable, or an empty string when it is fine. Unset = not checked. The CLI sets them all, so every command,
/// `check-config` included, rejects what the daemon could not use.
struct LoadOptions {
  std::function<std::string(std::string_view selector)> check_selector;
  std::function<std::string(const std::filesystem::path& model)> check_model;
  /// Why a `[[watch]]` query cannot be used (watch::query_problem); the
  /// error points at the query string.
  std::function<std::string(std::string_view query)> check_watch_query;
  /// A section page's `url_pattern` (the regex engine lives in parse/).
  std::function<std::string(std::string_view pattern)> check_url_pattern;
  /// A `feeds_file` that does not exist yet reads as no feeds instead of an
  /// error (`newsd feeds add` and `import` create it).
  bool feeds_file_may_be_missing = false;
};

/// Loads and validates `path`. Relative paths inside the file (store path,
/// taxonomy, model, `file:` feed URLs) are resolved against the file's
/// directory. On failure the error is Errc::config (or Errc::io if the file
/// cannot be read) and its message is `file:line:col: what is wrong` for
/// every problem found, one per line.
/// The feeds file's problems are reported the same way, against its own name.
Result<Config> load_config(const std::filesystem::path& path, const LoadOptions& options = {});

/// Same as load_config for TOML text already in memory; `origin` names it in messages.
Result<Config> parse_config(std::string_view toml_text, const std::filesystem::path& origin,
                            const LoadOptions& options = {});

/// A feeds file alone (`[[feeds]]` only, validated as in the main file;
/// relative `file:` URLs resolve against its directory). Errors as for
/// load_config (Errc::io when it cannot be read).
Result<std::vector<FeedConfig>> load_feeds_file(const std::filesystem::path& path);
Result<std::vector<FeedConfig>> parse_feeds_file(std::string_view toml_text, const std::filesystem::path& origin);

/// One feed's settings as stored in a PostgreSQL feed list (`feeds.spec`):
/// exactly the `[[feeds]]` table a feeds file would hold for it (every field
/// written, so it reads back to the same feed).
std::string feed_spec(const FeedConfig& feed);
/// Reads a spec back through the feeds file's own reader, so validation and
/// defaults are the file's: the text must hold exactly one `[[feeds]]` table
/// and nothing else. Errc::config with `origin:line:col: message` lines
/// otherwise (a relative `file:` URL resolves against origin's directory).
Result<FeedConfig> parse_feed_spec(std::string_view toml_text, const std::filesystem::path& origin,
                                   const LoadOptions& options = {});

/// A feeds file holding `feeds` (every field written, so it loads back to
/// the same feeds). `header` is written first as `#` comment lines.
std::string feeds_to_toml(const std::vector<FeedConfig>& feeds, std::string_view header = {});

/// The resolved config as TOML: every field with its effective value
/// (defaults included, paths absolute, durations as "30m"), the feeds of
/// `feeds_file` listed inline. `feeds_file` itself is shown as a comment, so
/// the text loads back as an equivalent config. Optional settings that are
/// unset (`fetch.ca_file`, `classify.model`, a feed's `site_url`,
/// `min_interval`, `max_interval`) are left out: TOML has no null.
std::string to_toml(const Config& cfg);

}  // namespace newsd::config
