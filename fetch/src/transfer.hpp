#pragma once
// One HTTP(S) GET on one curl easy handle, and the verdict on how it ended.
// Internal to the fetch module: the scheduler in fetcher.cpp decides when a
// Transfer starts and what to do with its verdict (finish, redirect, retry).
#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/fetch/address_guard.hpp"
#include "newsd/fetch/fetcher.hpp"

namespace newsd::fetch::detail {

struct TransferSettings {
  std::string user_agent;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds total_timeout{30000};
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  bool truncate_oversized_body = false;  ///< keep the first max_body_bytes instead of failing (robots.txt)
  /// Refuse private/special peer addresses (untrusted URL), except those in
  /// `allow_networks`; checked on the address connected to.
  bool guard_addresses = false;
  std::vector<Network> allow_networks;
  bool fresh_connect = false;        ///< never reuse a pooled connection (one the guard did not check)
  std::vector<std::string> resolve;  ///< CURLOPT_RESOLVE entries ("host:port:address")
  std::string ca_file;               ///< empty = libcurl's default CA store
};

/// What a finished transfer produced, before any policy is applied.
struct TransferResult {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::string content_type;  ///< raw Content-Type header value
  std::string etag;
  std::string last_modified;
  std::string redirect_url;                         ///< absolute Location target of a 3xx, empty otherwise
  std::optional<std::chrono::seconds> retry_after;  ///< Retry-After as libcurl read it (seconds or HTTP-date)
  // Raw header values of the final response, empty when absent.
  std::string cache_control;
  std::string expires;
  std::string server;
  std::string cf_mitigated;
  std::string error_body;           ///< first kClassifySniffBytes of a non-2xx body (bot challenge detection)
  bool too_large = false;           ///< body (or its declared length) exceeded the limit
  bool truncated = false;           ///< too large, but kept the first max_body_bytes as asked
  bool error_body_dropped = false;  ///< a non-2xx body was cut short on purpose
  std::string blocked_address;      ///< address the guard refused, if any
  std::string curl_message;         ///< libcurl's error buffer
};

class Transfer {
 public:
  /// Prepares a GET of `url` with conditional headers from `request`.
  /// Fails with Errc::internal if libcurl cannot allocate a handle.
  static Result<std::unique_ptr<Transfer>> create(std::size_t job, const std::string& url, const Request& request,
                                                  const TransferSettings& settings);
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  [[nodiscard]] CURL* easy() const { return easy_; }
  [[nodiscard]] std::size_t job() const { return job_; }

  /// Collects status, headers and body once curl reports `code` for this handle.
  TransferResult finish(CURLcode code);

 private:
  Transfer(std::size_t job, const TransferSettings& settings);
  static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* self);
  static std::size_t on_body(char* data, std::size_t size, std::size_t count, void* self);
  static curl_socket_t on_open_socket(void* self, curlsocktype purpose, curl_sockaddr* address);
  [[nodiscard]] long response_code() const;

  std::size_t job_;
  TransferSettings settings_;
  CURL* easy_ = nullptr;
  curl_slist* headers_ = nullptr;
  curl_slist* resolve_ = nullptr;
  char error_buffer_[CURL_ERROR_SIZE] = {};
  TransferResult result_;
  std::size_t dropped_bytes_ = 0;
};

/// What the fetcher should do with a finished transfer.
struct Verdict {
  enum class Kind { success, redirect, retry, fail };
  Kind kind = Kind::fail;
  Error error;  ///< for retry and fail
};

/// Judges `result` of a GET of `url`: 2xx/304 succeed; 301/302/303/307/308
/// with a Location redirect; an error answer that is a bot challenge
/// (classify_http) fails with Errc::blocked; 429, 5xx, timeouts and
/// transient network errors (dns, connect, reset) may be retried;
/// everything else fails with its Errc (dns, connect, tls, refused by the
/// address guard, network, ...). The error carries `http_status` for an
/// HTTP answer, `retry_after` for a 429/503 that sent one (capped at 7
/// days), and `permanent` for 404/410, too large, address guard refusals,
/// unsupported scheme and malformed URL.
Verdict judge(const TransferResult& result, const std::string& url);

/// Splits a Content-Type value into a lower-case media type and a
/// lower-case, unquoted charset parameter (empty when absent).
void parse_content_type(std::string_view value, std::string& media_type, std::string& charset);

}  // namespace newsd::fetch::detail
