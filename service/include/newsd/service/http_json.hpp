#pragma once
/// JSON shapes of the HTTP API's answers (docs/api.md), which are also what
/// `newsd search/show/feeds/stats --json` print: one definition, so the CLI
/// and the API never drift apart.
#include <nlohmann/json.hpp>

#include "newsd/sink/article_json.hpp"
#include "newsd/store/store.hpp"

namespace newsd::service {

// An article's JSON is also what the sinks deliver, so it lives in sink/.
using sink::article_json;
using sink::time_json;
nlohmann::json hit_json(const store::SearchHit& h);
nlohmann::json feed_json(const store::FeedState& f);
nlohmann::json stats_json(const store::Stats& s);

/// 00:00 UTC of the first of the last `days` days (today included).
store::TimePoint trend_start(int days);

}  // namespace newsd::service
