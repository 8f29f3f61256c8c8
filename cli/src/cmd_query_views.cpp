// `newsd show`, `feeds`, `stats`, `backup` (see cmd_query.cpp for search).
#include <fmt/format.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_common.hpp"
#include "cmd_query_common.hpp"
#include "daemon_reload.hpp"
#include "newsd/ingest/tagging.hpp"
#include "newsd/service/http_json.hpp"

namespace newsd::cli::query {
namespace {

using nlohmann::json;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void print_article(const store::ArticleView& a, bool as_json) {
  if (as_json) {
    std::cout << dump(service::article_json(a)) << '\n';
    return;
  }
  const bool terminal = stdout_is_terminal();
  const char* bold = terminal ? "\x1b[1m" : "";
  const char* reset = terminal ? "\x1b[0m" : "";
  std::cout << bold << a.title << reset << '\n' << "id:        " << a.id << '\n' << "url:       " << a.url << '\n';
  if (a.canonical_url != a.url) std::cout << "canonical: " << a.canonical_url << '\n';
  std::cout << "feed:      " << a.feed_name << " <" << a.feed_url << ">\n"
            << "published: " << (a.published_at ? short_time(a.published_at) : "unknown") << '\n'
            << "fetched:   " << short_time(a.fetched_at) << '\n';
  if (!a.byline.empty()) std::cout << "byline:    " << a.byline << '\n';
  if (!a.section.empty()) std::cout << "section:   " << a.section << '\n';
  if (!a.lang.empty()) std::cout << "language:  " << a.lang << '\n';
  if (!a.tags.empty()) {
    std::cout << "tags:\n";
    for (const auto& t : a.tags) {
      std::cout << "  " << t.name << " (" << t.kind << ", " << t.source << ", " << fmt::format("{:.2f}", t.score)
                << ")\n";
    }
  }
  if (!a.labels.empty()) {
    std::cout << "labels:\n";
    for (const auto& l : a.labels) {
      std::cout << "  " << l.tag << " (" << l.kind << ") " << (l.removed ? "removed" : "set") << " by " << l.set_by
                << ", " << short_time(l.set_at) << '\n';
    }
  }
  std::cout << "sources:\n";
  for (const auto& s : a.sources)
    std::cout << "  " << short_time(s.seen_at) << "  " << s.feed_url << "  " << s.url << '\n';
  std::cout << "cluster " << a.cluster_id << ": ";
  if (a.cluster.empty())
    std::cout << "no other article\n";
  else
    std::cout << a.cluster.size() << " other article(s)\n";
  for (const auto& m : a.cluster) {
    std::cout << "  #" << m.id << "  " << short_time(m.published_at) << "  " << clip(m.title, 80) << "  <" << m.feed_url
              << ">  (distance " << m.distance << ")\n";
  }
  std::cout << '\n' << a.text << '\n';
}

void print_feeds(const std::vector<store::FeedState>& feeds, bool as_json) {
  if (as_json) {
    for (const auto& f : feeds) std::cout << dump(service::feed_json(f)) << '\n';
    return;
  }
  std::cout << fmt::format("{:>4}  {:<6}  {:<12}  {:>5}  {:>6}  {:<16}  {:<16}  {:>8}  {}\n", "ID", "STATE", "TYPE",
                           "LINKS", "ERRORS", "LAST FETCH", "NEXT FETCH", "ARTICLES", "FEED");
  for (const auto& f : feeds) {
    const std::string name = !f.name.empty() ? f.name : !f.title.empty() ? f.title : "";
    // TYPE is what the last successful poll found (a source of type "auto"
    // shows what it turned out to be); LINKS what that poll listed.
    std::cout << fmt::format("{:>4}  {:<6}  {:<12}  {:>5}  {:>6}  {:<16}  {:<16}  {:>8}  {}{}\n", f.id, f.state,
                             f.source_type.empty() ? "-" : f.source_type,
                             f.links_found ? std::to_string(*f.links_found) : "-", f.consecutive_errors,
                             f.last_fetched_at ? short_time(f.last_fetched_at) : "never", short_time(f.next_fetch_at),
                             f.articles, name.empty() ? "" : clip(name, 40) + "  ", f.url);
    if (f.interval_s > 0) std::cout << "      interval: " << f.interval_s << " s (" << f.interval_reason << ")\n";
    if (!f.last_error.empty()) {
      std::cout << "      last error" << (f.error_class.empty() ? "" : " (" + f.error_class + ")") << ": "
                << clip(f.last_error, 200) << '\n';
    }
  }
}

struct StatsReport {
  store::Stats stats;
  std::optional<store::OutdatedTags> outdated;  ///< unknown without a config
};

void print_stats(const StatsReport& report, bool as_json) {
  const store::Stats& s = report.stats;
  const auto& outdated = report.outdated;
  if (as_json) {
    json j = service::stats_json(s);
    if (outdated) {
      j["outdated_tags"] = {{"taxonomy", outdated->taxonomy},
                            {"model", outdated->model ? json(*outdated->model) : json(nullptr)}};
    }
    std::cout << dump(j) << '\n';
    return;
  }
  std::cout << "schema version:  " << s.schema_version << '\n'
            << "feeds:           " << s.feeds << '\n'
            << "articles:        " << s.articles << " in " << s.clusters << " story clusters, seen via " << s.sources
            << " sources\n"
            << "tags:            " << s.tags << " distinct, " << s.article_tags << " on articles\n"
            << "database size:   " << fmt::format("{:.1f} MB", static_cast<double>(s.db_bytes) / 1e6) << '\n'
            << "fetched between: " << (s.oldest_fetch ? short_time(s.oldest_fetch) : "-") << " and "
            << (s.newest_fetch ? short_time(s.newest_fetch) : "-") << '\n';
  if (!s.by_lang.empty()) {
    std::cout << "by language:    ";
    for (const auto& [lang, n] : s.by_lang) std::cout << ' ' << (lang.empty() ? "und" : lang) << '=' << n;
    std::cout << '\n';
  }
  if (outdated) {
    std::cout << "outdated tags:   " << outdated->taxonomy << " articles not tagged by the current taxonomy";
    if (outdated->model) std::cout << ", " << *outdated->model << " not by the current model";
    std::cout << (outdated->taxonomy > 0 || outdated->model.value_or(0) > 0 ? " (newsd retag)" : "") << '\n';
  }
}

// Articles whose tags another taxonomy or model made than the config names
// now; nullopt with --db (no config to compare with) or when the taxonomy or
// model cannot be read (said on stderr: the rest of the stats still print).
std::optional<store::OutdatedTags> outdated_tags(const DbOptions& db, store::Store& store) {
  if (!db.db.empty()) return std::nullopt;
  std::filesystem::path path = db.config;
  if (path.empty() && std::filesystem::exists(default_config_path())) path = default_config_path();
  config::ClassifyConfig classify;  // no config file: the built-in taxonomy, no model
  if (!path.empty()) {
    auto cfg = load_config_or_report(path);
    if (!cfg) return std::nullopt;
    classify = cfg->classify;
  }
  auto current = ingest::Tagging::current_versions(classify);
  if (!current) {
    std::cerr << "newsd stats: cannot count outdated tags: " << current.error().message << '\n';
    return std::nullopt;
  }
  auto outdated = store.outdated_tags(*current);
  if (!outdated) {
    std::cerr << "newsd stats: cannot count outdated tags: " << outdated.error().message << '\n';
    return std::nullopt;
  }
  return *outdated;
}

void print_workers(const std::vector<store::WorkerInfo>& workers, bool as_json) {
  for (const auto& w : workers) {
    if (as_json) {
      nlohmann::json leases = nlohmann::json::array();
      for (const auto& l : w.leases) {
        leases.push_back({{"feed_id", l.feed_id}, {"feed", l.feed_url}, {"until", iso_time(l.until)}});
      }
      std::cout << dump({{"id", w.id},
                         {"host", w.host},
                         {"pid", w.pid},
                         {"started", iso_time(w.started_at)},
                         {"heartbeat", iso_time(w.heartbeat_at)},
                         {"leases", leases}})
                << '\n';
      continue;
    }
    std::cout << w.id << "  host " << w.host << "  pid " << w.pid << "  heartbeat " << short_time(w.heartbeat_at)
              << "  " << w.leases.size() << " leases\n";
    for (const auto& l : w.leases) std::cout << "  " << l.feed_url << " until " << short_time(l.until) << '\n';
  }
}

}  // namespace

void add_show_command(CLI::App& app, CommandContext& ctx) {
  struct Options {
    DbOptions db;
    std::int64_t id = 0;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("show", "Print one article with its tags, sources and story cluster");
  cmd->add_option("id", o->id, "Article id (as printed by search)")->required();
  cmd->add_flag("--json", o->json, "One JSON object");
  add_db_options(*cmd, o->db);
  cmd->callback([o, &ctx] {
    setup_logging("warn");
    auto store = open_for_reading(o->db, ctx);
    if (!store) return;
    auto article = store->article(o->id);
    if (!article) {
      std::cerr << "newsd show: " << article.error().message << '\n';
      ctx.exit_code = exit_code_for(article.error());
      return;
    }
    if (!*article) {
      std::cerr << "newsd show: no article with id " << o->id << '\n';
      ctx.exit_code = 1;
      return;
    }
    print_article(**article, o->json);
  });
}

namespace {

// `feeds --reactivate URL`: one row written beside the daemon (no writer
// lock needed), then the daemon, if one holds the lock, is told to re-read
// its feeds' stored state (SIGHUP), which schedules the feed at once.
void reactivate(const DbOptions& db, const std::string& url, CommandContext& ctx) {
  const auto where = resolve_store(db, ctx);
  if (!where) return;
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  auto done = store::Store::request_reactivation(*where, url, now);
  if (!done) {
    std::cerr << "newsd feeds: " << done.error().message << '\n';
    ctx.exit_code = 1;
  } else if (!*done) {
    std::cerr << "newsd feeds: no feed " << url << '\n';
    ctx.exit_code = 2;
  } else if (const auto told = reload_running_daemon(where->path); told.outcome == ReloadOutcome::cannot_tell) {
    std::cerr << "newsd feeds: " << url << " is active in the database, but the daemon was not told: " << told.message
              << '\n';
    ctx.exit_code = 1;
  } else if (told.outcome == ReloadOutcome::signalled) {
    std::cout << "reactivated " << url << ": active and due now (daemon pid " << told.pid << " told)\n";
  } else {
    std::cout << "reactivated " << url << ": active and due now\n";
  }
}

}  // namespace

void add_feeds_command(CLI::App& app, CommandContext& ctx) {
  struct Options {
    DbOptions db;
    bool json = false;
    std::string reactivate;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("feeds", "List feeds with their health: state, interval and why, errors, articles");
  cmd->add_flag("--json", o->json, "One JSON object per feed per line");
  cmd->add_option("--reactivate", o->reactivate,
                  "Make a gone or failing feed active and due now instead of listing (a running daemon is "
                  "told with SIGHUP, which also re-reads its config)");
  add_db_options(*cmd, o->db);
  add_feeds_manage_commands(*cmd, ctx);
  cmd->callback([o, cmd, &ctx] {
    if (!cmd->get_subcommands().empty()) return;  // `feeds add` & co. did the work
    setup_logging("warn");
    if (!o->reactivate.empty()) return reactivate(o->db, o->reactivate, ctx);
    auto store = open_for_reading(o->db, ctx);
    if (!store) return;
    auto feeds = store->feeds();
    if (!feeds) {
      std::cerr << "newsd feeds: " << feeds.error().message << '\n';
      ctx.exit_code = 1;
      return;
    }
    print_feeds(*feeds, o->json);
  });
}

namespace {

// `stats` (and any report like it): open the archive read-only, run one
// query, print it as text or JSON. `query` takes the store and the
// --config/--db options and returns a Result; `print` takes its value and
// the --json flag.
template <class Query, class Print>
void add_report_command(CLI::App& app, CommandContext& ctx, const std::string& name, const std::string& help,
                        const std::string& json_help, Query query, Print print) {
  struct Options {
    DbOptions db;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  auto* cmd = app.add_subcommand(name, help);
  cmd->add_flag("--json", o->json, json_help);
  add_db_options(*cmd, o->db);
  cmd->callback([o, &ctx, name, query, print] {
    setup_logging("warn");
    auto store = open_for_reading(o->db, ctx);
    if (!store) return;
    auto result = query(*store, o->db);
    if (!result) {
      std::cerr << "newsd " << name << ": " << result.error().message << '\n';
      ctx.exit_code = 1;
      return;
    }
    print(*result, o->json);
  });
}

}  // namespace

void add_stats_command(CLI::App& app, CommandContext& ctx) {
  add_report_command(
      app, ctx, "stats",
      "Archive statistics: counts, clusters, languages, size, articles with outdated tags (with --config)",
      "One JSON object",
      [](store::Store& s, const DbOptions& db) -> Result<StatsReport> {
        auto stats = s.stats();
        if (!stats) return std::unexpected(stats.error());
        return StatsReport{std::move(*stats), outdated_tags(db, s)};
      },
      print_stats);
}

void add_workers_command(CLI::App& app, CommandContext& ctx) {
  add_report_command(
      app, ctx, "workers",
      "Workers sharing a PostgreSQL store: those heard from in the last 2 minutes, their heartbeats and feed leases",
      "One JSON object per worker",
      [](store::Store& s, const DbOptions&) {
        const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        return s.workers(now - kWorkerSilence, now);
      },
      print_workers);
}

void add_backup_command(CLI::App& app, CommandContext& ctx) {
  struct Options {
    DbOptions db;
    std::filesystem::path destination;
  };
  auto o = std::make_shared<Options>();
  auto* cmd =
      app.add_subcommand("backup", "Online, consistent copy of the database to FILE (safe while the daemon runs)");
  cmd->add_option("file", o->destination, "Destination file (replaced atomically)")->required();
  add_db_options(*cmd, o->db);
  cmd->callback([o, &ctx] {
    setup_logging("warn");
    auto store = open_for_reading(o->db, ctx);
    if (!store) return;
    if (auto ok = store->backup(o->destination); !ok) {
      std::cerr << "newsd backup: " << ok.error().message << '\n';
      ctx.exit_code = 1;
      return;
    }
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(o->destination, ec);
    std::cout << "backed up to " << o->destination.string() << " (" << (ec ? 0 : bytes) << " bytes)\n";
  });
}

}  // namespace newsd::cli::query
