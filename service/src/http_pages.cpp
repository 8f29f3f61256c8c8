// The web reader: server-rendered pages over the same Store queries as the
// API and the CLI, and the embedded /static/ files (http_assets.cpp,
// generated at build time from service/web/).
#include <fmt/format.h>

#include "http_html.hpp"
#include "http_internal.hpp"
#include "newsd/parse/dates.hpp"
#include "newsd/service/http_json.hpp"

namespace newsd::service::http {

/// Embedded files by name ("newsd.css"); defined in the generated http_assets.cpp.
struct Asset {
  std::string_view name, type, body;
};
extern const Asset kAssets[];
extern const std::size_t kAssetCount;

namespace {

// Search hits mark matches with these private-use characters; they become
// <mark> only after the snippet is escaped.
constexpr std::string_view kOpen = "\xEE\x80\x80", kClose = "\xEE\x80\x81";

std::string marked(std::string_view snippet) {
  std::string out = escape(snippet);
  for (auto [from, to] : {std::pair{kOpen, std::string_view("<mark>")}, {kClose, std::string_view("</mark>")}}) {
    for (auto at = out.find(from); at != std::string::npos; at = out.find(from, at + to.size()))
      out.replace(at, from.size(), to);
  }
  return out;
}

std::string day(const std::optional<store::TimePoint>& t) {
  return t ? parse::format_iso8601(*t).substr(0, 10) : std::string{};
}

std::string when(const std::optional<store::TimePoint>& t) {
  if (!t) return "—";
  std::string iso = parse::format_iso8601(*t);
  return iso.substr(0, 10) + " " + iso.substr(11, 5);
}

void html(httplib::Response& res, int status, std::string_view title, std::string_view active, std::string_view body) {
  res.status = status;
  res.set_content(page(title, active, body), "text/html; charset=utf-8");
}

void error_page(httplib::Response& res, int status, std::string_view active, std::string_view message) {
  html(res, status, "Error", active, "<p class=\"error\" role=\"alert\">" + escape(message) + "</p>");
}

std::string search_form(const httplib::Request& req, const std::vector<store::FeedState>& feeds) {
  auto value = [&](const char* name) { return escape(req.get_param_value(name)); };
  std::string feed_options = "<option value=\"\">any feed</option>";
  for (const auto& f : feeds) {
    const std::string& name = !f.name.empty() ? f.name : !f.title.empty() ? f.title : f.url;
    feed_options += fmt::format("<option value=\"{}\"{}>{}</option>", escape(f.url),
                                req.get_param_value("feed") == f.url ? " selected" : "", escape(name));
  }
  std::string lang_options;
  for (const auto& [code, label] :
       {std::pair{"", "any language"}, {"ar", "العربية"}, {"fr", "français"}, {"en", "English"}}) {
    lang_options += fmt::format("<option value=\"{}\"{}>{}</option>", code,
                                req.get_param_value("lang") == code ? " selected" : "", label);
  }
  std::string sort_options;
  for (const char* sort : {"relevance", "date"}) {
    sort_options += fmt::format("<option{}>{}</option>", req.get_param_value("sort") == sort ? " selected" : "", sort);
  }
  return fmt::format(
      "<form class=\"search\" method=\"get\" action=\"/\" role=\"search\">"
      "<input type=\"search\" name=\"q\" value=\"{}\" placeholder=\"Search: المغرب, cyber, &quot;a phrase&quot;\" "
      "dir=\"auto\" "
      "aria-label=\"Search text\" autofocus>"
      "<button type=\"submit\">Search</button>"
      "<fieldset class=\"filters\"><legend>Filters</legend>"
      "<label>Topic <input name=\"tag\" value=\"{}\" placeholder=\"defense\" size=\"10\"></label>"
      "<label>Country <input name=\"country\" value=\"{}\" placeholder=\"MA\" size=\"3\" maxlength=\"2\"></label>"
      "<label>Language <select name=\"lang\" class=\"autosubmit\">{}</select></label>"
      "<label>Feed <select name=\"feed\" class=\"autosubmit\">{}</select></label>"
      "<label>From <input type=\"date\" name=\"since\" value=\"{}\"></label>"
      "<label>To <input type=\"date\" name=\"until\" value=\"{}\"></label>"
      "<label>Sort <select name=\"sort\" class=\"autosubmit\">{}</select></label>"
      "</fieldset></form>",
      value("q"), value("tag"), value("country"), lang_options, feed_options, value("since"), value("until"),
      sort_options);
}

std::string hit_html(const store::SearchHit& h) {
  std::string tags;
  for (const auto& t : h.tags) tags += "<li>" + escape(t) + "</li>";
  const auto date = h.published_at ? h.published_at : std::optional<store::TimePoint>(h.fetched_at);
  return fmt::format(
      "<article class=\"hit\"{}><h2><a href=\"/articles/{}\">{}</a></h2>"
      "<p class=\"meta\" dir=\"auto\"><span class=\"source\">{}</span> · <time datetime=\"{}\">{}</time></p>"
      "<p class=\"snippet\">{}</p><ul class=\"tags\" dir=\"ltr\">{}</ul></article>",
      lang_attrs(h.lang), h.id, escape(h.title.empty() ? "(untitled)" : h.title), escape(h.feed_name),
      date ? parse::format_iso8601(*date) : "", day(date), marked(h.snippet), tags);
}

// A query string with `cursor` replaced, for the "next page" link.
std::string next_link(const httplib::Request& req, const std::string& cursor) {
  httplib::Params params;
  for (const auto& [name, value] : req.params) {
    if (name != "cursor" && !value.empty()) params.emplace(name, value);
  }
  params.emplace("cursor", cursor);
  return "/?" + escape(httplib::detail::params_to_query_str(params));
}

void search_page(State& state, const httplib::Request& req, httplib::Response& res) {
  auto store = state.stores.borrow();
  if (!store) return error_page(res, 503, "Search", store.error().message);
  auto feeds = (*store)->feeds();
  if (!feeds) return error_page(res, status_for(feeds.error()), "Search", feeds.error().message);
  std::string body = search_form(req, *feeds);
  auto request = parse_search(req);
  if (!request) {
    body += "<p class=\"error\" role=\"alert\">" + escape(request.error().message) + "</p>";
    return html(res, 400, "Search", "Search", body);
  }
  store::SearchQuery q = std::move(request->query);
  const int limit = q.limit;
  q.offset = request->offset;
  q.limit = limit + 1;
  q.highlight_open = kOpen;
  q.highlight_close = kClose;
  auto hits = (*store)->search(q);
  if (!hits) {
    body += "<p class=\"error\" role=\"alert\">" + escape(hits.error().message) + "</p>";
    return html(res, status_for(hits.error()), "Search", "Search", body);
  }
  const bool more = hits->size() > static_cast<std::size_t>(limit);
  if (more) hits->pop_back();
  body += "<section class=\"results\" aria-label=\"Results\">";
  if (hits->empty()) body += "<p class=\"empty\">No articles match.</p>";
  for (const auto& h : *hits) body += hit_html(h);
  body += "</section>";
  if (more)
    body += "<p class=\"pager\"><a rel=\"next\" href=\"" + next_link(req, cursor_for(request->offset + limit)) +
            "\">Next page</a></p>";
  html(res, 200, q.text.empty() ? "Search" : q.text, "Search", body);
}

std::string paragraphs(std::string_view text) {
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const auto line = text.substr(start, end - start);
    if (line.find_first_not_of(" \t\r") != std::string_view::npos) out += "<p>" + escape(line) + "</p>";
    start = end + 1;
  }
  return out;
}

// The article page's label form: the same write as the API, then back to the page.
void label_form(State& state, const httplib::Request& req, httplib::Response& res) {
  const auto id = parse_id(req.matches[1].str());
  if (!id) return error_page(res, 400, "Search", "An article id is a positive integer.");
  const std::string action = req.get_param_value("action");
  if (action != "set" && action != "remove") return error_page(res, 400, "Search", "Choose Add label or Not this tag.");
  const auto answer = post_label(state, {*id, req.get_param_value("tag"), action == "remove", "web"});
  if (answer.status != 200) return error_page(res, answer.status, "Search", answer.message);
  res.set_redirect("/articles/" + std::to_string(*id), 303);
}

void article_page(State& state, const httplib::Request& req, httplib::Response& res) {
  const auto id = parse_id(req.matches[1].str());
  if (!id) return error_page(res, 400, "Search", "An article id is a positive integer.");
  auto store = state.stores.borrow();
  if (!store) return error_page(res, 503, "Search", store.error().message);
  auto found = (*store)->article(*id);
  if (!found) return error_page(res, status_for(found.error()), "Search", found.error().message);
  if (!*found) return error_page(res, 404, "Search", "No article with id " + std::to_string(*id) + ".");
  const store::ArticleView& a = **found;
  std::string tags;
  for (const auto& t : a.tags) {
    tags += fmt::format("<tr><td>{}</td><td>{}</td><td>{:.2f}</td><td>{}</td></tr>", escape(t.name), escape(t.kind),
                        t.score, escape(t.source));
  }
  std::string cluster;
  for (const auto& m : a.cluster) {
    cluster += fmt::format("<li><a href=\"/articles/{}\" dir=\"auto\">{}</a> <span class=\"meta\">{} · {}</span></li>",
                           m.id, escape(m.title), escape(m.feed_url), day(m.published_at));
  }
  std::string sources;
  for (const auto& s : a.sources) {
    sources += fmt::format(
        "<li><a href=\"{}\" rel=\"noopener noreferrer nofollow\">{}</a> <span class=\"meta\">via {} · {}</span></li>",
        safe_href(s.url), escape(s.url), escape(s.feed_url), when(s.seen_at));
  }
  std::string body = fmt::format(
      "<article class=\"story\"{}><h1>{}</h1><p class=\"meta\" dir=\"auto\">{}{} · <time>{}</time> · "
      "<a href=\"{}\" rel=\"noopener noreferrer nofollow\">original</a></p><div class=\"text\">{}</div></article>",
      lang_attrs(a.lang), escape(a.title.empty() ? "(untitled)" : a.title), escape(a.feed_name),
      a.byline.empty() ? "" : " · " + escape(a.byline),
      when(a.published_at ? a.published_at : std::optional(a.fetched_at)), safe_href(a.url), paragraphs(a.text));
  body += "<aside><h2>Tags</h2>";
  body += tags.empty()
              ? "<p>No tags.</p>"
              : "<table "
                "class=\"tags\"><thead><tr><th>tag</th><th>kind</th><th>score</th><th>source</th></tr></thead><tbody>" +
                    tags + "</tbody></table>";
  // Only with a token: the form writes (http_labels.cpp says why).
  if (!state.options.http.token.empty()) {
    body += fmt::format(
        "<form class=\"label\" method=\"post\" action=\"/articles/{}/labels\"><label>Label <input name=\"tag\" "
        "required maxlength=\"100\" pattern=\"[^\\s,]+\" placeholder=\"tag\"></label> <button name=\"action\" "
        "value=\"set\">Add label</button> <button name=\"action\" value=\"remove\">Not this tag</button></form>",
        a.id);
  }
  body += "<h2>Same story elsewhere</h2>" +
          (cluster.empty() ? std::string("<p>No other source.</p>") : "<ul>" + cluster + "</ul>");
  body += "<h2>Seen via</h2><ul>" + sources + "</ul></aside>";
  html(res, 200, a.title, "Search", body);
}

void feeds_page(State& state, httplib::Response& res) {
  auto store = state.stores.borrow();
  if (!store) return error_page(res, 503, "Feeds", store.error().message);
  auto feeds = (*store)->feeds();
  if (!feeds) return error_page(res, status_for(feeds.error()), "Feeds", feeds.error().message);
  std::string rows;
  for (const auto& f : *feeds) {
    const std::string& name = !f.name.empty() ? f.name : !f.title.empty() ? f.title : f.url;
    rows += fmt::format(
        "<tr class=\"state-{}\"><td><span dir=\"auto\">{}</span><br><small>{}</small></td><td>{}</td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td><td dir=\"auto\">{}</td></tr>",
        escape(f.state), escape(name), escape(f.url), escape(f.state),
        f.interval_s > 0 ? fmt::format("{} s ({})", f.interval_s, escape(f.interval_reason)) : "—",
        when(f.last_fetched_at), when(f.next_fetch_at), f.articles,
        f.last_error.empty() ? "" : escape((f.error_class.empty() ? "" : f.error_class + ": ") + f.last_error));
  }
  html(res, 200, "Feeds", "Feeds",
       "<h1>Feeds</h1><div class=\"scroll\"><table "
       "class=\"feeds\"><thead><tr><th>feed</th><th>state</th><th>interval</th>"
       "<th>last poll</th><th>next poll</th><th>articles</th><th>last error</th></tr></thead><tbody>" +
           rows + "</tbody></table></div>");
}

void trends_page(State& state, const httplib::Request& req, httplib::Response& res) {
  const std::string kind = req.has_param("kind") ? req.get_param_value("kind") : "topic";
  if (kind != "topic" && kind != "country") return error_page(res, 400, "Trends", "kind must be topic or country.");
  int days = 30;
  if (req.has_param("days")) {
    const std::string text = req.get_param_value("days");
    if (text != "7" && text != "30" && text != "90" && text != "365" && text != "3650") {
      return error_page(res, 400, "Trends", "days must be 7, 30, 90, 365 or 3650.");
    }
    days = std::stoi(text);
  }
  auto store = state.stores.borrow();
  if (!store) return error_page(res, 503, "Trends", store.error().message);
  auto counts = (*store)->tag_counts(kind, trend_start(days));
  if (!counts) return error_page(res, status_for(counts.error()), "Trends", counts.error().message);
  std::string choices;
  for (const char* k : {"topic", "country"}) {
    for (int d : {7, 30, 90, 365, 3650}) {
      const bool current = k == kind && d == days;
      choices += fmt::format("<a href=\"/trends?kind={}&amp;days={}\"{}>{} · {} days</a> ", k, d,
                             current ? " aria-current=\"true\"" : "", k, d);
    }
  }
  std::string rows;
  for (const auto& c : *counts)
    rows += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td></tr>", c.day, escape(c.tag), c.articles);
  html(res, 200, "Trends", "Trends",
       "<h1>Articles per " + kind + " per day</h1><p class=\"choices\">" + choices + "</p><figure>" +
           trend_svg(*counts, days, 6) +
           "</figure><details><summary>Figures</summary><table><thead><tr><th>day</th><th>" + kind +
           "</th><th>articles</th></tr></thead><tbody>" + rows + "</tbody></table></details>");
}

}  // namespace

void add_page_routes(httplib::Server& server, State& state) {
  server.Get("/", [&state](const httplib::Request& req, httplib::Response& res) { search_page(state, req, res); });
  server.Get(R"(/articles/([^/]+))",
             [&state](const httplib::Request& req, httplib::Response& res) { article_page(state, req, res); });
  server.Post(R"(/articles/([^/]+)/labels)",
              [&state](const httplib::Request& req, httplib::Response& res) { label_form(state, req, res); });
  server.Get("/feeds", [&state](const httplib::Request&, httplib::Response& res) { feeds_page(state, res); });
  server.Get("/trends",
             [&state](const httplib::Request& req, httplib::Response& res) { trends_page(state, req, res); });
  // Only the embedded files, looked up by exact name: no path ever reaches the file system.
  server.Get(R"(/static/(.*))", [](const httplib::Request& req, httplib::Response& res) {
    const std::string name = req.matches[1].str();
    for (std::size_t i = 0; i < kAssetCount; ++i) {
      if (kAssets[i].name == name) {
        res.set_header("Cache-Control", "public, max-age=3600");
        return res.set_content(std::string(kAssets[i].body), std::string(kAssets[i].type));
      }
    }
    res.status = 404;
    res.set_content("not found\n", "text/plain; charset=utf-8");
  });
}

}  // namespace newsd::service::http
