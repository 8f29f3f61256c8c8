// `newsd watch list` and `newsd watch test NAME`: the saved searches of the
// config (`[[watch]]`), and what one would have tagged in the archive. The
// test reads each stored article and runs the same matcher ingest runs
// (watch::WatchSet over watch::ArticleTerms), so the two agree by
// construction; it also says which matches ingest recorded
// (`watch_matches`), so a query edited since shows where they part.
#include <deque>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "cli_common.hpp"
#include "cmd_query_common.hpp"
#include "commands.hpp"
#include "newsd/watch/watch_set.hpp"

namespace newsd::cli {
namespace {

using nlohmann::json;

struct WatchOptions {
  std::filesystem::path config = default_config_path();
  std::filesystem::path db;
  std::string name;
  int limit = 20;
  bool json = false;
};

// One stored article the watch matches.
struct Match {
  std::int64_t id = 0;
  std::string title, url, feed_url;
  std::optional<store::TimePoint> date;
  bool recorded = false;  ///< ingest recorded this match (watch_matches)
};

// What running the watch over the archive found.
struct Survey {
  std::int64_t scanned = 0, matched = 0, recorded = 0;
  std::int64_t recorded_not_matching = 0;  ///< recorded at ingest, not matched now (the query changed since)
  std::deque<Match> newest;                ///< the last `limit` matches by id (the last stored), oldest first
};

std::optional<config::Config> load(const WatchOptions& o) {
  config::LoadOptions options;
  options.check_watch_query = watch::query_problem;
  return load_config_or_report(o.config, options);
}

bool recorded_by_ingest(const store::SearchHit& hit, const std::string& name) {
  return std::ranges::find(hit.watches, name) != hit.watches.end();
}

// Every stored article, oldest id first, in pages: each page is a fresh
// read, so a daemon writing meanwhile is never blocked for long.
Result<Survey> survey(store::Store& store, const watch::WatchSet& set, const config::Config& cfg, int limit) {
  constexpr int kPage = 200;
  std::map<std::string, std::string, std::less<>> feed_names;
  for (const auto& f : cfg.feeds) feed_names[f.url] = f.name;
  const std::string& name = set.watches().front().name;
  Survey s;
  store::SearchQuery q;
  q.limit = kPage;
  q.after_id = 0;
  while (true) {
    auto hits = store.search(q);
    if (!hits) return std::unexpected(hits.error());
    for (const auto& hit : *hits) {
      q.after_id = hit.id;
      auto article = store.article(hit.id);
      if (!article) return std::unexpected(article.error());
      if (!*article) continue;  // pruned since the page was read
      const auto& a = **article;
      ++s.scanned;
      const auto feed = feed_names.find(a.feed_url);
      const watch::ArticleTerms terms(a.title, a.text);
      const bool matched = !set.match(terms, watch::facts_of(a, feed == feed_names.end() ? "" : feed->second)).empty();
      const bool recorded = recorded_by_ingest(hit, name);
      if (!matched) {
        s.recorded_not_matching += recorded ? 1 : 0;
        continue;
      }
      ++s.matched;
      s.recorded += recorded ? 1 : 0;
      s.newest.push_back({a.id, a.title, a.url, a.feed_url, a.published_at.value_or(a.fetched_at), recorded});
      if (std::cmp_greater(s.newest.size(), limit)) s.newest.pop_front();
    }
    if (std::cmp_less(hits->size(), kPage)) return s;
  }
}

void print_survey(const config::WatchConfig& w, const Survey& s, bool as_json) {
  if (as_json) {
    json matches = json::array();
    for (auto it = s.newest.rbegin(); it != s.newest.rend(); ++it) {
      matches.push_back({{"id", it->id},
                         {"title", it->title},
                         {"url", it->url},
                         {"feed_url", it->feed_url},
                         {"date", query::iso_time(it->date)},
                         {"recorded_at_ingest", it->recorded}});
    }
    const json out{{"watch", w.name},
                   {"tag", w.tag},
                   {"query", w.query},
                   {"scanned", s.scanned},
                   {"matched", s.matched},
                   {"recorded_at_ingest", s.recorded},
                   {"recorded_not_matching", s.recorded_not_matching},
                   {"matches", matches}};
    std::cout << out.dump(-1, ' ', false, json::error_handler_t::replace) << '\n';
    return;
  }
  for (auto it = s.newest.rbegin(); it != s.newest.rend(); ++it) {
    std::cout << (it->recorded ? "* " : "  ") << '#' << it->id << "  " << query::short_time(it->date) << "  "
              << query::clip(it->title, 80) << "  <" << it->feed_url << ">\n";
  }
  std::cout << "watch '" << w.name << "' (tag " << w.tag << "): " << s.matched << " of " << s.scanned
            << " stored articles match, " << s.recorded << " of them (*) tagged at ingest";
  if (s.recorded_not_matching > 0) std::cout << "; " << s.recorded_not_matching << " tagged at ingest no longer match";
  std::cout << '\n';
}

int run_test(const WatchOptions& o) {
  auto cfg = load(o);
  if (!cfg) return 2;
  const auto w = std::ranges::find(cfg->watches, o.name, &config::WatchConfig::name);
  if (w == cfg->watches.end()) {
    std::cerr << "newsd watch test: no watch named '" << o.name << "' in " << o.config.string()
              << " (`newsd watch list` shows them)\n";
    return 2;
  }
  auto set = watch::WatchSet::compile({*w});
  if (!set) {
    std::cerr << "newsd watch test: " << set.error().message << '\n';
    return 2;
  }
  auto store = store::Store::open_readonly(o.db.empty() ? cfg->store.path : o.db, cfg->store.busy_timeout);
  if (!store) {
    std::cerr << "newsd watch test: " << store.error().message << '\n';
    return 1;
  }
  auto found = survey(*store, *set, *cfg, o.limit);
  if (!found) {
    std::cerr << "newsd watch test: " << found.error().message << '\n';
    return 1;
  }
  print_survey(*w, *found, o.json);
  return 0;
}

int run_list(const WatchOptions& o) {
  auto cfg = load(o);
  if (!cfg) return 2;
  for (const auto& w : cfg->watches) {
    if (o.json) {
      std::cout << json{{"name", w.name}, {"tag", w.tag}, {"query", w.query}}.dump(-1, ' ', false,
                                                                                   json::error_handler_t::replace)
                << '\n';
    } else {
      std::cout << w.name << "  (tag " << w.tag << ")  " << w.query << '\n';
    }
  }
  return 0;
}

}  // namespace

void add_watch_commands(CLI::App& app, CommandContext& ctx) {
  auto* watch = app.add_subcommand("watch", "Saved searches ([[watch]]) that tag matching articles at ingest");
  watch->require_subcommand(1);
  auto opts = std::make_shared<WatchOptions>();

  auto* list = watch->add_subcommand("list", "Print each configured watch: name, tag and query");
  list->add_option("--config,-c", opts->config, "Config file");
  list->add_flag("--json", opts->json, "One JSON object per watch");
  list->callback([opts, &ctx] { ctx.exit_code = run_list(*opts); });

  auto* test = watch->add_subcommand(
      "test",
      "Run a watch over the stored articles with ingest's matcher and show the last stored it matches; "
      "* marks those ingest tagged. Exit 2 for an unknown watch or a query that does not parse");
  test->add_option("name", opts->name, "The watch's name")->required();
  test->add_option("--limit", opts->limit, "Show at most N matches, the last stored first (all are counted)")
      ->check(CLI::Range(1, 100000));
  test->add_option("--config,-c", opts->config, "Config file");
  test->add_option("--db", opts->db, "Database file (default: store.path of the config)");
  test->add_flag("--json", opts->json, "One JSON object: counts and the matches shown");
  test->callback([opts, &ctx] { ctx.exit_code = run_test(*opts); });
}

}  // namespace newsd::cli
