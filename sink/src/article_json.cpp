#include "newsd/sink/article_json.hpp"

#include "newsd/parse/dates.hpp"

namespace newsd::sink {

using nlohmann::json;

json time_json(const std::optional<store::TimePoint>& t) { return t ? json(parse::format_iso8601(*t)) : json(nullptr); }

json article_json(const store::ArticleView& a) {
  json tags = json::array(), labels = json::array(), sources = json::array(), cluster = json::array();
  for (const auto& t : a.tags)
    tags.push_back({{"name", t.name}, {"kind", t.kind}, {"score", t.score}, {"source", t.source}});
  for (const auto& l : a.labels) {
    labels.push_back({{"tag", l.tag},
                      {"kind", l.kind},
                      {"set_by", l.set_by},
                      {"set_at", time_json(l.set_at)},
                      {"removed", l.removed}});
  }
  for (const auto& s : a.sources) {
    sources.push_back(
        {{"feed_id", s.feed_id}, {"feed_url", s.feed_url}, {"url", s.url}, {"seen_at", time_json(s.seen_at)}});
  }
  for (const auto& m : a.cluster) {
    cluster.push_back({{"id", m.id},
                       {"title", m.title},
                       {"url", m.url},
                       {"feed_url", m.feed_url},
                       {"published_at", time_json(m.published_at)},
                       {"distance", m.distance}});
  }
  return {{"id", a.id},
          {"title", a.title},
          {"url", a.url},
          {"canonical_url", a.canonical_url},
          {"guid", a.guid},
          {"feed", a.feed_name},
          {"feed_url", a.feed_url},
          {"published_at", time_json(a.published_at)},
          {"fetched_at", time_json(a.fetched_at)},
          {"byline", a.byline},
          {"section", a.section},
          {"lang", a.lang},
          {"image", a.image},
          {"tags", tags},
          {"labels", labels},
          {"watches", a.watches},
          {"cluster_id", a.cluster_id},
          {"cluster", cluster},
          {"sources", sources},
          {"text", a.text}};
}

}  // namespace newsd::sink
