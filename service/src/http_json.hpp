#pragma once
// JSON shapes of the API's answers (docs/api.md); the same fields, with the
// same names, as `newsd search/show/feeds/stats --json`.
#include <nlohmann/json.hpp>

#include "newsd/store/store.hpp"

namespace newsd::service::http {

/// ISO 8601 UTC, or null.
nlohmann::json time_json(const std::optional<store::TimePoint>& t);
nlohmann::json hit_json(const store::SearchHit& h);
nlohmann::json article_json(const store::ArticleView& a);
nlohmann::json feed_json(const store::FeedState& f);
nlohmann::json stats_json(const store::Stats& s);

/// 00:00 UTC of the first of the last `days` days (today included).
store::TimePoint trend_start(int days);

}  // namespace newsd::service::http
