#pragma once
/// The one error model used across module boundaries.
///
/// Functions that can fail on input (bytes, files, network, database) return
/// `newsd::Result<T>`: a value, or an `Error` with a category and a message
/// that names what failed and where. Facts a caller acts on (the HTTP status,
/// whether retrying can help) are typed fields, never parsed out of the
/// message. Exceptions are reserved for programmer errors and start-up
/// failures.
#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace newsd {

/// Broad category of a failure; callers branch on it, humans read the message.
enum class Errc {
  invalid_argument,  ///< the caller passed something malformed (bad query, bad flag)
  io,                ///< a file could not be read or written
  parse,             ///< input bytes are not what they claim to be (XML, HTML, JSON, TOML)
  encoding,          ///< bytes cannot be decoded in the detected charset
  network,           ///< a transfer failure not covered by dns/connect/tls (reset, empty reply, …)
  http_status,       ///< the server answered with an error status
  too_large,         ///< a body or file exceeded a configured limit
  timeout,           ///< an operation ran past its deadline
  database,          ///< SQLite reported an error
  config,            ///< the configuration is invalid (message is `file:line:col: ...`)
  not_found,         ///< the requested item does not exist
  unsupported,       ///< a scheme, format or feature newsd does not handle
  internal,          ///< a broken invariant inside newsd
  locked,            ///< another process holds a resource exclusively (the database's writer lock)
  dns,               ///< a host name (or proxy) did not resolve
  connect,           ///< no connection could be made (refused, unreachable)
  tls,               ///< TLS handshake or certificate verification failed
  robots,            ///< the URL is disallowed by its site's robots.txt
  refused,  ///< refused by newsd's trust rules (address guard, `file:` confinement, scheme, not a regular file)
  blocked,  ///< the server answered with a bot challenge instead of the content
};

/// Stable lower-case name of a category, as used in logs and JSON (`"http_status"`).
std::string_view to_string(Errc code) noexcept;

struct Error {
  Errc code = Errc::internal;
  std::string message;
  /// The HTTP status when the failure is an HTTP answer (Errc::http_status,
  /// also a 429 whose Retry-After was too long); 0 otherwise.
  long http_status = 0;
  /// True when retrying later cannot help: 404/410, refused by robots.txt or
  /// by the trust rules (address guard, `file:` confinement, scheme), body
  /// too large, redirect loop or too many redirects, not a regular file, bad
  /// URL. False for failures that may pass next time (network, timeout, 5xx).
  bool permanent = false;
  /// How long the server asked us to wait (Retry-After on a 429 or 503, or
  /// a pause of its host:port still running); nullopt when it did not say.
  std::optional<std::chrono::seconds> retry_after;

  /// "category: message", for logs and stderr.
  [[nodiscard]] std::string describe() const;
};

template <class T>
using Result = std::expected<T, Error>;

/// Shorthand for returning a failure: `return fail(Errc::io, "cannot open " + path);`
inline std::unexpected<Error> fail(Errc code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message)});
}

/// Same, for a failure retrying cannot fix (`Error::permanent`).
inline std::unexpected<Error> fail_permanently(Errc code, std::string message) {
  return std::unexpected<Error>(Error{code, std::move(message), 0, true, std::nullopt});
}

}  // namespace newsd
