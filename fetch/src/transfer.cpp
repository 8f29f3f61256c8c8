#include "transfer.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>

#include "newsd/base/ascii.hpp"
#include "newsd/fetch/address_guard.hpp"
#include "newsd/fetch/failure_class.hpp"

namespace newsd::fetch::detail {
namespace {

// A 404 page or a redirect body is never used; reading a little of it keeps
// the connection reusable, reading all of a huge one would waste the link.
constexpr std::size_t kMaxDroppedErrorBody = 64 * 1024;

// Below this many bytes per second for low_speed_window, a transfer is a
// trickle (slowloris-style server or a dying link) and is cut off.
constexpr long kLowSpeedBytesPerSecond = 256;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool is_success(long status) { return status >= 200 && status < 300; }

std::string header_value(CURL* easy, const char* name) {
  curl_header* header = nullptr;
  // request -1: the last request of this handle, i.e. the final response.
  if (curl_easy_header(easy, name, 0, CURLH_HEADER, -1, &header) != CURLHE_OK || header == nullptr) return {};
  return std::string(trim(header->value));
}

std::string describe_address(const curl_sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address->family == AF_INET) {
    sockaddr_in v4{};
    std::memcpy(&v4, &address->addr, sizeof v4);
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
  } else if (address->family == AF_INET6) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, &address->addr, sizeof v6);
    inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
  } else {
    return fmt::format("address family {}", address->family);
  }
  return text;
}

// A Retry-After beyond this is a misconfigured server or a date far off;
// a week is as long as any pause is honoured.
constexpr std::chrono::seconds kMaxRetryAfter = std::chrono::hours(24 * 7);

// The Errc of a transfer that ended without an HTTP answer.
Errc transfer_errc(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return Errc::dns;
    case CURLE_COULDNT_CONNECT: return Errc::connect;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CLIENTCERT:
    case CURLE_USE_SSL_FAILED: return Errc::tls;
    default: return Errc::network;
  }
}

bool is_transient_network_error(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_HTTP3:
    case CURLE_QUIC_CONNECT_ERROR: return true;
    default: return false;
  }
}

}  // namespace

void parse_content_type(std::string_view value, std::string& media_type, std::string& charset) {
  media_type.clear();
  charset.clear();
  const auto semicolon = value.find(';');
  media_type = ascii_lower(trim(value.substr(0, semicolon)));
  std::string_view params = semicolon == std::string_view::npos ? std::string_view{} : value.substr(semicolon + 1);
  while (!params.empty()) {
    const auto next = params.find(';');
    const std::string_view param = trim(params.substr(0, next));
    params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
    const auto eq = param.find('=');
    if (eq == std::string_view::npos || ascii_lower(trim(param.substr(0, eq))) != "charset") continue;
    std::string_view v = trim(param.substr(eq + 1));
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    charset = ascii_lower(trim(v));
    return;
  }
}

Transfer::Transfer(std::size_t job, const TransferSettings& settings) : job_(job), settings_(settings) {}

Transfer::~Transfer() {
  if (easy_ != nullptr) curl_easy_cleanup(easy_);
  curl_slist_free_all(headers_);
  curl_slist_free_all(resolve_);
}

Result<std::unique_ptr<Transfer>> Transfer::create(std::size_t job, const std::string& url, const Request& request,
                                                   const TransferSettings& settings) {
  std::unique_ptr<Transfer> t(new Transfer(job, settings));
  t->easy_ = curl_easy_init();
  if (t->easy_ == nullptr) return fail(Errc::internal, "curl_easy_init failed for " + url);
  CURL* e = t->easy_;

  if (!request.etag.empty()) t->headers_ = curl_slist_append(t->headers_, ("If-None-Match: " + request.etag).c_str());
  if (!request.last_modified.empty()) {
    t->headers_ = curl_slist_append(t->headers_, ("If-Modified-Since: " + request.last_modified).c_str());
  }

  const auto total_ms = static_cast<long>(settings.total_timeout.count());
  const long low_speed_window_s = std::clamp(total_ms / 3000, 1L, 15L);

  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error_buffer_);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  // Redirects are followed by the fetcher, one hop at a time, so each hop
  // gets robots.txt, politeness and loop checks; curl never follows on its
  // own and can never be talked into file:// or another scheme.
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_USERAGENT, settings.user_agent.c_str());
  if (!settings.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, settings.ca_file.c_str());
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");  // every encoding this libcurl decodes (gzip, deflate, br, zstd)
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers_);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings.connect_timeout.count()));
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, total_ms);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, kLowSpeedBytesPerSecond);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, low_speed_window_s);
  curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);  // prefer multiplexing on an HTTP/2 connection over a new one
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Transfer::on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  if (!settings.resolve.empty()) {
    for (const std::string& entry : settings.resolve) t->resolve_ = curl_slist_append(t->resolve_, entry.c_str());
    curl_easy_setopt(e, CURLOPT_RESOLVE, t->resolve_);
  }
  if (settings.fresh_connect) curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
  if (settings.guard_addresses) {
    // Checked on the address actually connected to, after DNS, so neither a
    // hostname resolving to 10.x nor DNS rebinding gets past it.
    curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, &Transfer::on_open_socket);
    curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, t.get());
  }
  return t;
}

long Transfer::response_code() const {
  long status = 0;
  curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
  return status;
}

std::size_t Transfer::on_header(char* data, std::size_t size, std::size_t count, void* self) {
  auto* t = static_cast<Transfer*>(self);
  const std::size_t bytes = size * count;
  const std::string_view line(data, bytes);
  // The blank line ends a header block: the earliest point to refuse a body
  // whose declared length is already over the limit. A compressed length
  // over the limit implies a decompressed one over it too.
  if (line != "\r\n" && line != "\n") return bytes;
  const long status = t->response_code();
  if (!is_success(status) || t->settings_.truncate_oversized_body) return bytes;
  curl_off_t declared = -1;
  curl_easy_getinfo(t->easy_, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &declared);
  if (declared > 0 && static_cast<std::size_t>(declared) > t->settings_.max_body_bytes) {
    t->result_.too_large = true;
    return 0;
  }
  return bytes;
}

std::size_t Transfer::on_body(char* data, std::size_t size, std::size_t count, void* self) {
  auto* t = static_cast<Transfer*>(self);
  const std::size_t bytes = size * count;
  if (!is_success(t->response_code())) {
    std::string& kept = t->result_.error_body;
    if (kept.size() < kClassifySniffBytes) kept.append(data, std::min(bytes, kClassifySniffBytes - kept.size()));
    t->dropped_bytes_ += bytes;
    if (t->dropped_bytes_ > kMaxDroppedErrorBody) {
      t->result_.error_body_dropped = true;
      return 0;
    }
    return bytes;
  }
  std::string& body = t->result_.body;
  const std::size_t limit = t->settings_.max_body_bytes;
  if (body.size() + bytes > limit) {
    t->result_.too_large = true;
    if (t->settings_.truncate_oversized_body) {
      body.append(data, limit - body.size());
      t->result_.truncated = true;
    }
    return 0;  // aborts the transfer: nothing past the limit is read
  }
  body.append(data, bytes);
  return bytes;
}

curl_socket_t Transfer::on_open_socket(void* self, curlsocktype /*purpose*/, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(self);
  const auto allowed = [&](const Network& net) { return network_contains(net, &address->addr); };
  if (is_private_address(&address->addr) && !std::ranges::any_of(t->settings_.allow_networks, allowed)) {
    t->result_.blocked_address = describe_address(address);
    return CURL_SOCKET_BAD;
  }
  return ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

TransferResult Transfer::finish(CURLcode code) {
  TransferResult r = std::move(result_);
  r.code = code;
  r.status = response_code();
  r.curl_message = error_buffer_[0] != '\0' ? std::string(error_buffer_) : std::string(curl_easy_strerror(code));
  if (const char* type = nullptr; curl_easy_getinfo(easy_, CURLINFO_CONTENT_TYPE, &type) == CURLE_OK && type) {
    r.content_type = type;
  }
  r.etag = header_value(easy_, "ETag");
  r.last_modified = header_value(easy_, "Last-Modified");
  r.cache_control = header_value(easy_, "Cache-Control");
  r.expires = header_value(easy_, "Expires");
  r.server = header_value(easy_, "Server");
  r.cf_mitigated = header_value(easy_, "cf-mitigated");
  if (r.status >= 300 && r.status < 400) {
    if (const char* target = nullptr;
        curl_easy_getinfo(easy_, CURLINFO_REDIRECT_URL, &target) == CURLE_OK && target != nullptr) {
      r.redirect_url = target;
    }
  }
  // libcurl reads both forms (delta-seconds and HTTP-date); a date in the
  // past comes out as 0, which asks for no wait at all.
  if (curl_off_t seconds = 0; curl_easy_getinfo(easy_, CURLINFO_RETRY_AFTER, &seconds) == CURLE_OK && seconds > 0) {
    r.retry_after = std::min(std::chrono::seconds(seconds), kMaxRetryAfter);
  }
  return r;
}

Verdict judge(const TransferResult& r, const std::string& url) {
  using Kind = Verdict::Kind;
  const bool answered = r.code == CURLE_OK || (r.code == CURLE_WRITE_ERROR && r.error_body_dropped);
  if (r.truncated) return {Kind::success, {}};
  if (r.too_large || r.code == CURLE_FILESIZE_EXCEEDED) {
    return {Kind::fail, Error{Errc::too_large, "body over the max_body_bytes limit: " + url, 0, true}};
  }
  if (answered) {
    const long s = r.status;
    if (is_success(s) || s == 304) return {Kind::success, {}};
    const bool redirect = s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
    if (redirect && !r.redirect_url.empty()) return {Kind::redirect, {}};
    HttpAnswer answer;
    answer.status = static_cast<int>(s);
    answer.content_type = r.content_type;
    answer.server = r.server;
    answer.cf_mitigated = r.cf_mitigated;
    answer.has_retry_after = r.retry_after.has_value();
    answer.body = r.error_body;
    if (classify_http(answer) == FailureClass::bot_challenge) {
      // Asking again gets the same challenge: not retried, but not
      // permanent either (sites lift them).
      return {Kind::fail, Error{Errc::blocked, fmt::format("bot challenge ({} response) from {}", s, url), s}};
    }
    Error error{Errc::http_status, fmt::format("{} response from {}", s, url), s, s == 404 || s == 410};
    if (s == 429 || s == 503) error.retry_after = r.retry_after;
    if (s == 429 || s >= 500) return {Kind::retry, std::move(error)};
    return {Kind::fail, std::move(error)};
  }
  if (!r.blocked_address.empty() && r.code == CURLE_COULDNT_CONNECT) {
    return {Kind::fail, Error{Errc::refused,
                              fmt::format("address guard refused private address {} for {} (an untrusted URL: taken "
                                          "from feed content or redirected off the configured origin; "
                                          "[fetch] allow_hosts/allow_networks lift this)",
                                          r.blocked_address, url),
                              0, true}};
  }
  switch (r.code) {
    case CURLE_OPERATION_TIMEDOUT:
      return {Kind::retry, Error{Errc::timeout, fmt::format("{}: {}", r.curl_message, url)}};
    case CURLE_UNSUPPORTED_PROTOCOL:
      return {Kind::fail, Error{Errc::unsupported, fmt::format("{}: {}", r.curl_message, url), 0, true}};
    case CURLE_URL_MALFORMAT:
      return {Kind::fail, Error{Errc::invalid_argument, fmt::format("{}: {}", r.curl_message, url), 0, true}};
    default: break;
  }
  Error error{transfer_errc(r.code), fmt::format("{}: {}", r.curl_message, url)};
  return {is_transient_network_error(r.code) ? Kind::retry : Kind::fail, std::move(error)};
}

}  // namespace newsd::fetch::detail
