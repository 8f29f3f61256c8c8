#pragma once
/// `type = "webhook"`: each article POSTed as JSON (libcurl) to `url` with
///   Content-Type: application/json
///   X-Newsd-Signature: sha256=<lower-case hex HMAC-SHA256(secret, body)>
///   Idempotency-Key: <article id>
/// Any 2xx answer is success; anything else (another status, no answer
/// within `timeout`) is a failed attempt, retried by the drain loop with
/// backoff and, after `max_attempts`, filed as a dead letter. Redirects are
/// not followed: the signed body goes to the configured URL only.
#include <memory>
#include <string>
#include <string_view>

#include "newsd/sink/sink.hpp"

namespace newsd::sink {

/// "sha256=" + hex HMAC-SHA256 of `body` under `secret`: the header value a
/// receiver recomputes to check the body came from newsd unchanged.
std::string webhook_signature(std::string_view secret, std::string_view body);

class WebhookSink : public Sink {
 public:
  explicit WebhookSink(const config::SinkConfig& cfg);
  ~WebhookSink() override;
  WebhookSink(const WebhookSink&) = delete;
  WebhookSink& operator=(const WebhookSink&) = delete;

  /// Errc::http_status (Error::http_status set) for a non-2xx answer, the
  /// transfer's category (Errc::connect, Errc::timeout, …) otherwise.
  Result<void> deliver(const Delivery& d) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsd::sink
