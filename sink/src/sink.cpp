#include "newsd/sink/sink.hpp"

#include "newsd/sink/article_json.hpp"
#include "newsd/sink/jsonl_sink.hpp"
#include "newsd/sink/nats_sink.hpp"
#include "newsd/sink/webhook_sink.hpp"

namespace newsd::sink {

Delivery make_delivery(const store::ArticleView& article) {
  Delivery d;
  d.article_id = article.id;
  d.lang = article.lang;
  // ArticleView::tags is ordered by score, highest first.
  for (const auto& tag : article.tags) {
    if (tag.kind == "topic") {
      d.topic = tag.name;
      break;
    }
  }
  // Text from pages may hold invalid UTF-8; a consumer must still get a line of valid JSON.
  d.body = article_json(article).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return d;
}

Result<std::unique_ptr<Sink>> make_sink(const config::SinkConfig& cfg) {
  switch (cfg.type) {
    case config::SinkType::nats: {
      auto nats = NatsSink::connect(cfg);
      if (!nats) return std::unexpected(nats.error());
      return std::unique_ptr<Sink>(std::move(*nats));
    }
    case config::SinkType::webhook: return std::unique_ptr<Sink>(std::make_unique<WebhookSink>(cfg));
    case config::SinkType::jsonl: {
      auto jsonl = JsonlSink::open(cfg.path);
      if (!jsonl) return std::unexpected(jsonl.error());
      return std::unique_ptr<Sink>(std::move(*jsonl));
    }
  }
  return fail(Errc::internal, "unknown sink type");
}

}  // namespace newsd::sink
