#include "newsd/service/http_json.hpp"

#include "newsd/parse/dates.hpp"

namespace newsd::service {

using nlohmann::json;

json hit_json(const store::SearchHit& h) {
  const auto date = h.published_at ? h.published_at : std::optional<store::TimePoint>(h.fetched_at);
  return {{"id", h.id},
          {"date", time_json(date)},
          {"published_at", time_json(h.published_at)},
          {"fetched_at", time_json(h.fetched_at)},
          {"feed", h.feed_name},
          {"feed_url", h.feed_url},
          {"title", h.title},
          {"url", h.url},
          {"lang", h.lang},
          {"tags", h.tags},
          {"watches", h.watches},
          {"snippet", h.snippet},
          {"matches", h.matches},
          {"rank", h.rank}};
}

json feed_json(const store::FeedState& f) {
  auto or_null = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  return {{"id", f.id},
          {"url", f.url},
          {"name", f.name},
          {"title", f.title},
          {"site_url", f.site_url},
          {"state", f.state},
          {"consecutive_errors", f.consecutive_errors},
          {"last_error", or_null(f.last_error)},
          {"last_fetched_at", time_json(f.last_fetched_at)},
          {"next_fetch_at", time_json(f.next_fetch_at)},
          {"interval_s", f.interval_s},
          {"interval_reason", f.interval_reason},
          {"error_class", or_null(f.error_class)},
          {"error_since", time_json(f.error_since)},
          {"source_type", or_null(f.source_type)},
          {"links_found", f.links_found ? json(*f.links_found) : json(nullptr)},
          {"articles", f.articles}};
}

json stats_json(const store::Stats& s) {
  json langs = json::object();
  for (const auto& [lang, n] : s.by_lang) langs[lang.empty() ? "und" : lang] = n;
  return {{"schema_version", s.schema_version},
          {"feeds", s.feeds},
          {"articles", s.articles},
          {"clusters", s.clusters},
          {"sources", s.sources},
          {"tags", s.tags},
          {"article_tags", s.article_tags},
          {"db_bytes", s.db_bytes},
          {"oldest_fetch", time_json(s.oldest_fetch)},
          {"newest_fetch", time_json(s.newest_fetch)},
          {"articles_by_lang", langs}};
}

store::TimePoint trend_start(int days) {
  const auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return std::chrono::time_point_cast<std::chrono::seconds>(today - std::chrono::days{days - 1});
}

}  // namespace newsd::service
