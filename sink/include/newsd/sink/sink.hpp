#pragma once
/// One destination of the stream of new articles (`[[sinks]]`), as the
/// drain loop (drain.hpp) sees it: deliver one article, say whether it was
/// accepted. Delivery is at least once; the article id travels with every
/// message as its idempotency key, so a consumer (or JetStream's duplicate
/// window) drops the repeats a retry or a restart can cause.
#include <cstdint>
#include <memory>
#include <string>

#include "newsd/base/error.hpp"
#include "newsd/config/config.hpp"
#include "newsd/store/store.hpp"

namespace newsd::sink {

/// What a sink sends for one article.
struct Delivery {
  std::int64_t article_id = 0;  ///< the idempotency key
  std::string lang;             ///< the article's language; empty when unknown
  std::string topic;            ///< its highest-scoring topic tag; empty when it has none
  std::string body;             ///< article_json() on one line (invalid UTF-8 replaced)
};

/// The delivery of a stored article.
Delivery make_delivery(const store::ArticleView& article);

class Sink {
 public:
  virtual ~Sink() = default;
  /// Sends one article; success only once the destination has accepted it
  /// (a JetStream ack, a 2xx answer, the line written). An error's
  /// message says why, for `newsd sinks`.
  virtual Result<void> deliver(const Delivery& d) = 0;
};

/// The sink `cfg` describes (nats_sink.hpp, webhook_sink.hpp, jsonl_sink.hpp).
/// Fails only on what retrying cannot fix (a jsonl file that cannot be
/// opened); an unreachable server is retried by deliver().
Result<std::unique_ptr<Sink>> make_sink(const config::SinkConfig& cfg);

}  // namespace newsd::sink
