#pragma once
/// The JSON of one stored article: the HTTP API's `/api/articles/{id}`,
/// `newsd show --json`, and the body every sink delivers (docs/api.md).
/// One definition, so a consumer of the stream and a client of the API
/// read the same shape.
#include <nlohmann/json.hpp>

#include "newsd/store/store.hpp"

namespace newsd::sink {

/// ISO 8601 UTC (`2026-11-20T08:00:00Z`), or null.
nlohmann::json time_json(const std::optional<store::TimePoint>& t);
/// Every field of the article: tags, sources, cluster members and text.
nlohmann::json article_json(const store::ArticleView& a);

}  // namespace newsd::sink
