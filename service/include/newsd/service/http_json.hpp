#pragma once
/// JSON shapes of the HTTP API's answers (docs/api.md), which are also what
/// `newsd search/show/feeds/stats --json` print: one definition, so the CLI
/// and the API never drift apart.
#include <nlohmann/json.hpp>

#include "newsd/store/store.hpp"

namespace newsd::service {

/// ISO 8601 UTC (`2026-11-20T08:00:00Z`), or null.
nlohmann::json time_json(const std::optional<store::TimePoint>& t);
nlohmann::json hit_json(const store::SearchHit& h);
nlohmann::json article_json(const store::ArticleView& a);
nlohmann::json feed_json(const store::FeedState& f);
nlohmann::json stats_json(const store::Stats& s);

/// 00:00 UTC of the first of the last `days` days (today included).
store::TimePoint trend_start(int days);

}  // namespace newsd::service
