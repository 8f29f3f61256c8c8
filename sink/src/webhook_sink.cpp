#include "newsd/sink/webhook_sink.hpp"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <mutex>

namespace newsd::sink {
namespace {

std::once_flag curl_once;

std::size_t discard_body(char*, std::size_t size, std::size_t count, void*) { return size * count; }

Errc transfer_errc(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return Errc::dns;
    case CURLE_COULDNT_CONNECT: return Errc::connect;
    case CURLE_OPERATION_TIMEDOUT: return Errc::timeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION: return Errc::tls;
    default: return Errc::network;
  }
}

}  // namespace

std::string webhook_signature(std::string_view secret, std::string_view body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[mac[i] >> 4];
    out += kHex[mac[i] & 0xF];
  }
  return out;
}

struct WebhookSink::Impl {
  config::SinkConfig cfg;
  // One handle for the sink's life: its connection to the receiver is
  // reused from one article to the next.
  CURL* curl = nullptr;
};

WebhookSink::WebhookSink(const config::SinkConfig& cfg) : impl_(std::make_unique<Impl>()) {
  std::call_once(curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  impl_->cfg = cfg;
  impl_->curl = curl_easy_init();
}

WebhookSink::~WebhookSink() {
  if (impl_->curl != nullptr) curl_easy_cleanup(impl_->curl);
}

Result<void> WebhookSink::deliver(const Delivery& d) {
  CURL* curl = impl_->curl;
  if (curl == nullptr) return fail(Errc::internal, "curl_easy_init failed");
  const std::string id = std::to_string(d.article_id);
  curl_slist* headers = nullptr;
  for (const std::string& h : {std::string("Content-Type: application/json"),
                               "X-Newsd-Signature: " + webhook_signature(impl_->cfg.secret, d.body),
                               "Idempotency-Key: " + id, std::string("Expect:")}) {
    headers = curl_slist_append(headers, h.c_str());
  }
  curl_easy_reset(curl);
  curl_easy_setopt(curl, CURLOPT_URL, impl_->cfg.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "newsd/0.1 webhook");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, d.body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(d.body.size()));
  curl_easy_setopt(
      curl, CURLOPT_TIMEOUT_MS,
      static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(impl_->cfg.timeout).count()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard_body);
  const CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    return fail(transfer_errc(rc), impl_->cfg.url + ": " + curl_easy_strerror(rc));
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status > 299) {
    Error e{Errc::http_status, impl_->cfg.url + " answered " + std::to_string(status)};
    e.http_status = status;
    return std::unexpected(e);
  }
  return {};
}

}  // namespace newsd::sink
