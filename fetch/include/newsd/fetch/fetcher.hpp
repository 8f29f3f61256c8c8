#pragma once
/// HTTP(S)/file fetching over libcurl's multi interface.
///
/// The work is done by an IoLoop (io_loop.hpp): one libcurl multi loop on
/// its own thread. A Fetcher is the synchronous face of a private IoLoop:
/// `fetch` submits a batch and waits, calling back on the caller's thread.
/// The rules below are the IoLoop's: total and per-host:port concurrency
/// limits, the per-host:port politeness interval (and robots.txt
/// Crawl-delay), size and time limits, redirects (with loop detection),
/// conditional GET, compression, robots.txt, retries with backoff for
/// 429/5xx/network errors, and Retry-After pauses.
///
/// Where a URL came from decides what it may reach (`Request::derived_from`),
/// judged again on every redirect hop:
/// - trusted: a URL written in the config, and any hop on the same origin
///   (scheme, host, port; case-insensitive, default port normalised) as the
///   configured URL it is or was taken from. Any supported scheme (http,
///   https, file), any address.
/// - untrusted: everything else (entry links, guids, discovered URLs, hops
///   to another origin — a redirect off a trusted origin included). Only
///   http(s), and the address actually connected to (after DNS, on every
///   connection; a pooled trusted connection is never reused) must not be
///   private (address_guard.hpp) unless the host is in
///   `FetchConfig::allow_hosts` (exact, case-insensitive) or the address is
///   in `FetchConfig::allow_networks`.
/// - `file:` URLs: a configured one is read; one taken from the content of
///   a `file:` feed only if it resolves (realpath) inside that feed's
///   directory; any other, and any redirect to `file:`, is refused. Nothing
///   but a regular file is ever opened (a FIFO fails at once).
/// Refusals are permanent errors naming the URL and the rule.
///
/// A Fetcher is not thread-safe: call `fetch` from one thread at a time. It
/// keeps a robots.txt cache and a connection cache across calls.
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/config/config.hpp"

namespace newsd::fetch {

struct Request {
  std::string url;
  std::string etag;           ///< sent as If-None-Match when non-empty
  std::string last_modified;  ///< sent as If-Modified-Since when non-empty
  /// Empty: `url` was written in the config (trusted). Otherwise the
  /// configured feed URL whose content produced `url` (entry link, guid,
  /// discovered link); `url` is then trusted only on that feed's origin.
  std::string derived_from;
  /// The first transfer does not start before this (zero: as soon as the
  /// limits allow). The engine sets it to a start time reserved on a host
  /// budget shared with other processes (Store::reserve_host_slots); the
  /// loop's own politeness still applies on top. Retries and redirect hops
  /// follow the loop's own rules.
  std::chrono::steady_clock::time_point not_before{};
};

/// The key politeness is counted by for `url`: "host:port", lower-case,
/// punycode host, default port spelled out (the I/O loop's per-host key);
/// empty for a file: URL or one that does not parse.
std::string politeness_key(const std::string& url);

struct Response {
  std::string url;            ///< the URL requested
  std::string final_url;      ///< after redirects, as sent (raw UTF-8 percent-encoded)
  long status = 0;            ///< HTTP status; 200 for a readable file:// URL
  bool not_modified = false;  ///< 304: body is empty, keep the stored copy
  std::string content_type;   ///< media type without parameters, lower-case ("text/html")
  std::string charset;        ///< charset parameter of Content-Type, lower-case, empty if none
  std::string etag;
  std::string last_modified;
  /// Set when `url` was answered through permanent redirects only (one or
  /// more 301/308, no 302/303/307 on the way): where the resource now
  /// lives, as sent (equal to final_url). Empty otherwise.
  std::string moved_to;
  // The server's hints, raw header values of the final response (empty
  // when absent); the scheduler interprets them.
  std::string cache_control;  ///< Cache-Control
  std::string expires;        ///< Expires
  /// Retry-After as a delay from the answer (libcurl reads both the
  /// seconds and the HTTP-date form; capped at 7 days); unset when absent,
  /// unreadable or already past.
  std::optional<std::chrono::seconds> retry_after;
  std::string server;                    ///< Server
  std::string cf_mitigated;              ///< cf-mitigated (Cloudflare)
  std::string body;                      ///< raw bytes, decompressed but NOT charset-decoded
  std::chrono::milliseconds elapsed{0};  ///< first attempt start to completion, retries included
  int attempts = 1;                      ///< transfers made for the final URL (1 = no retry)
};

/// Called once per request, from the thread running `fetch`, as each finishes.
/// (IoLoop callbacks get the same Result, on the I/O thread.)
/// Failures (P = `Error::permanent` is set):
/// Errc::dns (name or proxy did not resolve), Errc::connect (no
/// connection), Errc::tls (handshake or certificate), Errc::network (any
/// other transfer failure: reset, empty reply, ...) — robots.txt
/// unreachable for one of these reasons fails its URLs with the same code;
/// Errc::timeout (connect/total/low-speed timeout, or "cancelled"; a
/// transfer slower than 256 bytes/s over total_timeout/3, clamped to
/// 1–15 s, counts as timed out),
/// Errc::too_large (P; body over max_body_bytes, declared or not),
/// Errc::http_status (4xx/5xx after retries, `Error::http_status` set;
/// P for 404 and 410 only; a 429/503 that sent Retry-After has
/// `Error::retry_after`), Errc::blocked (an error answer that is a bot
/// challenge, fetch::classify_http; `http_status` set; not retried),
/// Errc::robots (P; disallowed by robots.txt), Errc::refused (P; the
/// trust rules: private address, `file:` outside its feed's directory or
/// taken from a non-`file:` feed, a non-http(s) scheme on an untrusted URL
/// or a redirect, not a regular file), Errc::unsupported (P; a configured
/// URL with a scheme other than http, https, file), Errc::not_found
/// (file:// path missing), Errc::io (file:// path unreadable),
/// Errc::invalid_argument (P; bad URL or a file:// URL naming a remote
/// host, redirect loop or too many redirects).
using Completion = std::function<void(std::size_t index, Result<Response>)>;

/// Cumulative counters of one Fetcher since construction, for the metrics
/// endpoint and `STATUS=` lines.
struct FetchStats {
  std::uint64_t succeeded = 0;       ///< requests completed with a Response (304 included)
  std::uint64_t not_modified = 0;    ///< of which 304
  std::uint64_t failed = 0;          ///< requests completed with an Error
  std::uint64_t body_bytes = 0;      ///< decompressed body bytes delivered
  std::uint64_t transfers = 0;       ///< HTTP transfers started (retries, redirect hops, robots.txt included)
  std::uint64_t retries = 0;         ///< transfers repeated after 429/5xx/network/timeout
  std::uint64_t robots_fetches = 0;  ///< robots.txt fetches completed (any outcome)
  std::uint64_t hosts_given_up = 0;  ///< times a host's queue was failed after repeated network errors
};

class Fetcher {
 public:
  explicit Fetcher(const config::FetchConfig& cfg);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  /// Fetches every request, honouring the configured limits, and calls
  /// `done` for each as it completes (in completion order). Returns when all
  /// have completed or `cancelled()` turns true (polled at least every
  /// 100 ms; remaining requests then complete with Errc::timeout
  /// "cancelled"). Retries (429/5xx/network/timeout) wait
  /// retry_backoff * 2^(n-1). A 429 or 503 with Retry-After pauses its
  /// host:port (for every later request too, up to 7 days): at most 60 s
  /// with retries left is waited out and retried; longer, or no retries
  /// left, fails at once with Error::retry_after set, and so does every
  /// request to that host:port until the pause ends. Once three
  /// requests in a row to one host:port end in network errors or timeouts,
  /// that host's queued requests fail at once with the same Errc and a
  /// message starting "not tried:" (until its queue has drained). `done` must not call `fetch` on
  /// this Fetcher (it may call `reconfigure`).
  void fetch(std::span<const Request> requests, const Completion& done, const std::function<bool()>& cancelled = {});

  /// Convenience: fetch and return results in request order.
  std::vector<Result<Response>> fetch_all(std::span<const Request> requests);

  /// Counters so far (cheap; thread-safe).
  [[nodiscard]] FetchStats stats() const;

  /// Replaces the limits (used on SIGHUP) for transfers started from now on.
  /// A changed user agent drops the robots.txt cache.
  void reconfigure(const config::FetchConfig& cfg);

  /// Test and operations hook: from now on, every transfer
  /// resolves the given hosts as libcurl's CURLOPT_RESOLVE says
  /// ("host:port:address", host as sent: ASCII, IDN in punycode), replacing
  /// earlier overrides; empty = DNS only. Trust is unchanged: the address
  /// guard still judges the address connected to.
  void set_resolve_overrides(std::vector<std::string> entries);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsd::fetch
