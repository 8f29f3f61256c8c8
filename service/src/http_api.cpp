// The JSON API (docs/api.md). Every answer comes from the same Store
// queries as `newsd search`, `show`, `feeds` and `stats`; this file only
// checks parameters and shapes JSON.
#include <charconv>
#include <set>

#include "http_internal.hpp"
#include "newsd/parse/dates.hpp"
#include "newsd/service/http_json.hpp"

namespace newsd::service::http {
namespace {

constexpr int kMaxLimit = 100;
constexpr int kMaxOffset = 10'000;  // deeper pages cost more than they are worth; narrow the query instead
constexpr std::size_t kMaxTags = 8;
constexpr std::size_t kMaxParam = 256;  // every parameter but q (whose cap is the store's SearchLimits)

const std::set<std::string, std::less<>> kSearchParams{"q",     "tag",   "country", "lang",  "feed",
                                                       "since", "until", "sort",    "limit", "cursor"};

std::unexpected<Error> bad(const std::string& param, const std::string& why) {
  return fail(Errc::invalid_argument, "parameter '" + param + "': " + why);
}

std::optional<int> parse_int(std::string_view text, int min, int max) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max) return std::nullopt;
  return value;
}

bool is_code(std::string_view text, std::size_t min, std::size_t max) {
  if (text.size() < min || text.size() > max) return false;
  return std::ranges::all_of(text, [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-'; });
}

// An ISO 8601 date or date-time; a bare date as `until` means the end of that day.
Result<store::TimePoint> parse_date(const std::string& param, const std::string& text, bool end_of_day) {
  auto when = parse::parse_iso8601_date(text);
  if (!when) return bad(param, "not an ISO 8601 date or date-time (2026-11-01, 2026-11-01T08:00:00Z)");
  if (end_of_day && text.size() == 10) *when += std::chrono::days{1};
  return *when;
}

// The value of a parameter that may appear once; empty = absent.
Result<std::string> single(const httplib::Request& req, const std::string& name) {
  if (req.get_param_value_count(name) > 1) return bad(name, "given more than once");
  std::string value = req.get_param_value(name);
  if (name != "q" && value.size() > kMaxParam) return bad(name, "longer than 256 bytes");
  return value;
}

Result<void> check_names(const httplib::Request& req) {
  for (const auto& [name, value] : req.params) {
    if (!kSearchParams.contains(name)) return bad(name, "unknown parameter");
  }
  return {};
}

}  // namespace

std::string cursor_for(int offset) { return "o" + std::to_string(offset); }

std::optional<std::int64_t> parse_id(std::string_view text) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id < 1 || id > (std::int64_t{1} << 53))
    return std::nullopt;
  return id;
}

Result<SearchRequest> parse_search(const httplib::Request& req) {
  if (auto ok = check_names(req); !ok) return std::unexpected(ok.error());
  SearchRequest out;
  store::SearchQuery& q = out.query;
  std::string value;
  auto take = [&](const char* name) -> Result<void> {
    auto v = single(req, name);
    if (!v) return std::unexpected(v.error());
    value = std::move(*v);
    return {};
  };
  if (auto ok = take("q"); !ok) return std::unexpected(ok.error());
  q.text = value;
  const auto tags = req.get_param_value_count("tag");
  if (tags > kMaxTags) return bad("tag", "at most 8");
  for (std::size_t i = 0; i < tags; ++i) {
    std::string tag = req.get_param_value("tag", i);
    if (tag.size() > kMaxParam) return bad("tag", "longer than 256 bytes");
    if (!tag.empty()) q.tags.push_back(std::move(tag));
  }
  if (auto ok = take("country"); !ok) return std::unexpected(ok.error());
  if (!value.empty() && !is_code(value, 2, 2)) return bad("country", "not an ISO 3166 alpha-2 code");
  q.country = value;
  if (auto ok = take("lang"); !ok) return std::unexpected(ok.error());
  if (!value.empty() && !is_code(value, 2, 12)) return bad("lang", "not a language code (ar, fr, en, …)");
  q.lang = value;
  if (auto ok = take("feed"); !ok) return std::unexpected(ok.error());
  q.feed_url = value;
  if (auto ok = take("since"); !ok) return std::unexpected(ok.error());
  if (!value.empty()) {
    auto when = parse_date("since", value, false);
    if (!when) return std::unexpected(when.error());
    q.since = *when;
  }
  if (auto ok = take("until"); !ok) return std::unexpected(ok.error());
  if (!value.empty()) {
    auto when = parse_date("until", value, true);
    if (!when) return std::unexpected(when.error());
    q.until = *when;
  }
  if (auto ok = take("sort"); !ok) return std::unexpected(ok.error());
  if (value == "date")
    q.sort = store::SortOrder::date;
  else if (!value.empty() && value != "relevance")
    return bad("sort", "must be relevance or date");
  if (auto ok = take("limit"); !ok) return std::unexpected(ok.error());
  if (!value.empty()) {
    auto limit = parse_int(value, 1, kMaxLimit);
    if (!limit) return bad("limit", "must be an integer from 1 to 100");
    q.limit = *limit;
  }
  if (auto ok = take("cursor"); !ok) return std::unexpected(ok.error());
  if (!value.empty()) {
    auto offset = value.front() == 'o' ? parse_int(std::string_view(value).substr(1), 0, kMaxOffset) : std::nullopt;
    if (!offset) return bad("cursor", "not a cursor returned by this API (or past 10000 results)");
    out.offset = *offset;
  }
  return out;
}

namespace {

void articles(State& state, const httplib::Request& req, httplib::Response& res) {
  auto request = parse_search(req);
  if (!request) return send_error(res, 400, request.error().message);
  store::SearchQuery q = std::move(request->query);
  const int limit = q.limit;
  q.offset = request->offset;
  q.limit = limit + 1;  // one more tells whether there is a next page
  // Like `search --json`: plain snippets, the hits as offsets.
  q.plain_snippets = true;
  auto store = state.stores.borrow();
  if (!store) return send_error(res, 503, store.error().message);
  auto hits = (*store)->search(q);
  if (!hits) return send_error(res, status_for(hits.error()), hits.error().message);
  const bool more = hits->size() > static_cast<std::size_t>(limit);
  if (more) hits->pop_back();
  nlohmann::json items = nlohmann::json::array();
  for (const auto& h : *hits) items.push_back(hit_json(h));
  send_json(res,
            {{"articles", items},
             {"next_cursor", more ? nlohmann::json(cursor_for(request->offset + limit)) : nlohmann::json(nullptr)}});
}

void article(State& state, const httplib::Request& req, httplib::Response& res) {
  const auto id = parse_id(req.matches[1].str());
  if (!id) return send_error(res, 400, "article id must be a positive integer");
  auto store = state.stores.borrow();
  if (!store) return send_error(res, 503, store.error().message);
  auto found = (*store)->article(*id);
  if (!found) return send_error(res, status_for(found.error()), found.error().message);
  if (!*found) return send_error(res, 404, "no article with id " + std::to_string(*id));
  send_json(res, article_json(**found));
}

// `?kind=topic&days=30`: articles per tag per day.
void tags(State& state, const httplib::Request& req, httplib::Response& res) {
  for (const auto& [name, value] : req.params) {
    if (name != "kind" && name != "days") return send_error(res, 400, "parameter '" + name + "': unknown parameter");
  }
  static const std::set<std::string, std::less<>> kKinds{"", "topic", "country", "org", "feed", "model", "watch"};
  const std::string kind = req.get_param_value("kind");
  if (!kKinds.contains(kind))
    return send_error(res, 400, "parameter 'kind': must be topic, country, org, feed, model or watch");
  int days = 30;
  if (req.has_param("days")) {
    auto parsed = parse_int(req.get_param_value("days"), 1, 3660);
    if (!parsed) return send_error(res, 400, "parameter 'days': must be an integer from 1 to 3660");
    days = *parsed;
  }
  auto store = state.stores.borrow();
  if (!store) return send_error(res, 503, store.error().message);
  auto counts = (*store)->tag_counts(kind, trend_start(days));
  if (!counts) return send_error(res, status_for(counts.error()), counts.error().message);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : *counts)
    out.push_back({{"tag", c.tag}, {"kind", c.kind}, {"day", c.day}, {"articles", c.articles}});
  send_json(res, {{"days", days}, {"counts", out}});
}

// /api/feeds and /api/stats: one Store query, one JSON shape.
template <class Query, class Shape>
httplib::Server::Handler report(State& state, Query query, Shape shape) {
  return [&state, query, shape](const httplib::Request& req, httplib::Response& res) {
    if (!req.params.empty()) return send_error(res, 400, "this endpoint takes no parameters");
    auto store = state.stores.borrow();
    if (!store) return send_error(res, 503, store.error().message);
    auto result = query(**store);
    if (!result) return send_error(res, status_for(result.error()), result.error().message);
    send_json(res, shape(*result));
  };
}

}  // namespace

void add_api_routes(httplib::Server& server, State& state) {
  server.Get("/api/articles",
             [&state](const httplib::Request& req, httplib::Response& res) { articles(state, req, res); });
  server.Get(R"(/api/articles/([^/]+))",
             [&state](const httplib::Request& req, httplib::Response& res) { article(state, req, res); });
  server.Get("/api/tags", [&state](const httplib::Request& req, httplib::Response& res) { tags(state, req, res); });
  add_label_api_route(server, state);
  server.Get("/api/feeds", report(
                               state, [](store::Store& s) { return s.feeds(); },
                               [](const std::vector<store::FeedState>& feeds) {
                                 nlohmann::json out = nlohmann::json::array();
                                 for (const auto& f : feeds) out.push_back(feed_json(f));
                                 return nlohmann::json{{"feeds", out}};
                               }));
  server.Get("/api/stats", report(
                               state, [](store::Store& s) { return s.stats(); },
                               [](const store::Stats& s) { return stats_json(s); }));
}

}  // namespace newsd::service::http
