// `newsd search`, `show`, `feeds`, `stats`, `backup`: read the archive
// through a read-only connection, so they never block the daemon's writer.
// This file: registration, database selection and `search`; the other
// commands are in cmd_query_views.cpp.
#include <unicode/utf8.h>
#include <unistd.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "cli_common.hpp"
#include "cmd_query_common.hpp"
#include "newsd/config/duration.hpp"
#include "newsd/parse/dates.hpp"
#include "newsd/service/http_json.hpp"

namespace newsd::cli {

void add_query_commands(CLI::App& app, CommandContext& ctx) {
  query::add_search_command(app, ctx);
  query::add_show_command(app, ctx);
  query::add_feeds_command(app, ctx);
  query::add_stats_command(app, ctx);
  query::add_workers_command(app, ctx);
  query::add_backup_command(app, ctx);
}

namespace query {

void add_db_options(CLI::App& cmd, DbOptions& opts) {
  auto* config = cmd.add_option("--config,-c", opts.config, "Config file whose store.path is the database");
  auto* db = cmd.add_option("--db", opts.db, "Database file (overrides --config)");
  config->excludes(db);
}

std::optional<config::Config> resolve_config(const DbOptions& opts, CommandContext& ctx) {
  config::Config cfg;
  if (!opts.db.empty()) {
    cfg.store.path = opts.db;
    return cfg;
  }
  std::filesystem::path config_path = opts.config;
  if (config_path.empty() && std::filesystem::exists(default_config_path())) config_path = default_config_path();
  if (config_path.empty()) return cfg;
  auto loaded = load_config_or_report(config_path);
  if (!loaded) ctx.exit_code = 2;
  return loaded;
}

// --db if given, else store.path of --config (or of the default config file
// when it exists), else the built-in default; with the store settings.
std::optional<config::StoreConfig> resolve_store(const DbOptions& opts, CommandContext& ctx) {
  auto cfg = resolve_config(opts, ctx);
  if (!cfg) return std::nullopt;
  return cfg->store;
}

std::optional<store::Store> open_for_reading(const DbOptions& opts, CommandContext& ctx) {
  const auto where = resolve_store(opts, ctx);
  if (!where) return std::nullopt;
  auto store = store::Store::open_readonly(*where);
  if (!store) {
    std::cerr << "newsd: " << store.error().message
              << (store.error().code == Errc::not_found ? " (pass --db FILE or --config FILE)" : "") << '\n';
    ctx.exit_code = 1;
    return std::nullopt;
  }
  return std::move(*store);
}

int exit_code_for(const Error& error) { return error.code == Errc::invalid_argument ? 2 : 1; }

std::string short_time(const std::optional<store::TimePoint>& t) {
  if (!t) return {};
  std::string iso = parse::format_iso8601(*t);  // YYYY-MM-DDTHH:MM:SSZ
  iso[10] = ' ';
  return iso.substr(0, 16);
}

std::string iso_time(const std::optional<store::TimePoint>& t) { return t ? parse::format_iso8601(*t) : std::string{}; }

std::string clip(std::string_view text, std::size_t max_chars) {
  std::string out;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int32_t>(text.size());
  std::int32_t i = 0;
  std::size_t chars = 0;
  bool last_space = false;
  while (i < length) {
    if (chars == max_chars) {
      out += "…";
      break;
    }
    const std::int32_t start = i;
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    const bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
    if (space) {
      if (!last_space && !out.empty()) {
        out += ' ';
        ++chars;
      }
    } else {
      out.append(text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
      ++chars;
    }
    last_space = space;
  }
  return out;
}

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

std::optional<store::TimePoint> parse_when(const std::string& text, bool end_of_day) {
  // Only a trailing unit makes an age: a bare number ("2026") is a year.
  if (!text.empty() && std::string_view("mhdw").find(text.back()) != std::string_view::npos) {
    if (auto age = config::parse_duration(text)) {
      const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
      // An age older than the epoch means "since the beginning", not an overflow.
      return *age >= now.time_since_epoch() ? store::TimePoint{} : now - *age;
    }
  }
  auto when = parse::parse_iso8601_date(text);
  if (when && end_of_day && text.size() == 10) *when += std::chrono::days{1};
  return when;
}

namespace {

enum class Format { table, json, csv };

struct SearchOptions {
  DbOptions db;
  std::vector<std::string> words;  ///< joined by spaces: `newsd search a b` = `newsd search "a b"`
  std::vector<std::string> tags;
  std::string country, lang, feed, since, until, sort = "relevance";
  int limit = 20, offset = 0;
  bool json = false, csv = false, fts = false;
};

std::string csv_field(std::string_view v) {
  if (v.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string joined(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

// `start:length` of each match in the snippet (code points), space-separated.
std::string csv_matches(const std::vector<std::pair<int, int>>& matches) {
  std::string out;
  for (const auto& [start, length] : matches) {
    if (!out.empty()) out += ' ';
    out += std::to_string(start) + ':' + std::to_string(length);
  }
  return out;
}

std::optional<store::TimePoint> hit_date(const store::SearchHit& h) {
  return h.published_at ? h.published_at : std::optional<store::TimePoint>(h.fetched_at);
}

void print_table(const std::vector<store::SearchHit>& hits, bool terminal) {
  const char* bold = terminal ? "\x1b[1m" : "";
  const char* dim = terminal ? "\x1b[2m" : "";
  const char* reset = terminal ? "\x1b[0m" : "";
  for (const auto& h : hits) {
    std::cout << bold << '#' << h.id << reset << "  " << short_time(hit_date(h)) << "  " << clip(h.feed_name, 30)
              << "  " << bold << clip(h.title, 90) << reset << '\n';
    if (!h.tags.empty()) std::cout << "    " << dim << "tags: " << joined(h.tags, ", ") << reset << '\n';
    // The snippet already carries the highlight markers chosen below.
    std::cout << "    " << clip(h.snippet, 300) << "\n\n";
  }
  if (hits.empty()) std::cerr << "no matches\n";
}

int run_search(const SearchOptions& o, CommandContext& ctx) {
  store::SearchQuery q;
  q.text = joined(o.words, " ");
  q.syntax = o.fts ? store::QuerySyntax::fts : store::QuerySyntax::plain;
  q.tags = o.tags;
  q.country = o.country;
  q.lang = o.lang;
  q.feed_url = o.feed;
  q.limit = o.limit;
  q.offset = o.offset;
  q.sort = o.sort == "date" ? store::SortOrder::date : store::SortOrder::relevance;
  if (!o.since.empty() && !(q.since = parse_when(o.since, false))) {
    std::cerr << "newsd search: --since: not a date or age (2026-11-01, 2026-11-01T08:00:00Z, 7d, 24h): " << o.since
              << '\n';
    return 2;
  }
  if (!o.until.empty() && !(q.until = parse_when(o.until, true))) {
    std::cerr << "newsd search: --until: not a date or age (2026-11-01, 2026-11-01T08:00:00Z, 7d, 24h): " << o.until
              << '\n';
    return 2;
  }
  const Format format = o.json ? Format::json : o.csv ? Format::csv : Format::table;
  const bool terminal = format == Format::table && stdout_is_terminal();
  // Programs reading --json/--csv get the snippet as stored, with offsets.
  q.plain_snippets = format != Format::table;
  if (terminal) {
    q.highlight_open = "\x1b[1;33m";
    q.highlight_close = "\x1b[0m";
  }
  auto store = open_for_reading(o.db, ctx);
  if (!store) return ctx.exit_code;
  if (auto outdated = store->outdated_search_index(); outdated && *outdated) {
    std::cerr << "newsd search: the search index was built by an older newsd or ICU (" << **outdated
              << "); results may miss matches until the daemon has started once and rebuilt it\n";
  }
  auto hits = store->search(q);
  if (!hits) {
    std::cerr << "newsd search: " << hits.error().message << '\n';
    return exit_code_for(hits.error());
  }
  switch (format) {
    case Format::table: print_table(*hits, terminal); break;
    case Format::json:
      for (const auto& h : *hits) {
        std::cout << service::hit_json(h).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
      }
      break;
    case Format::csv:
      std::cout << "id,date,feed,title,url,lang,tags,snippet,matches\r\n";
      for (const auto& h : *hits) {
        std::cout << h.id << ',' << iso_time(hit_date(h)) << ',' << csv_field(h.feed_name) << ',' << csv_field(h.title)
                  << ',' << csv_field(h.url) << ',' << csv_field(h.lang) << ',' << csv_field(joined(h.tags, ";")) << ','
                  << csv_field(h.snippet) << ',' << csv_matches(h.matches) << "\r\n";
      }
      break;
  }
  return 0;
}

}  // namespace

void add_search_command(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<SearchOptions>();
  auto* cmd = app.add_subcommand("search",
                                 "Full-text search of the archive (Arabic-aware: clitics, plurals, diacritics and "
                                 "hamza/alef/taa-marbuta variants match). Matches are highlighted: bold on a "
                                 "terminal, [like this] otherwise; --json/--csv give the plain snippet and the "
                                 "matches as offsets. Options may come before or after the text.");
  cmd->add_option("text", o->words,
                  "Words to find, as written (air-defence, l'Algérie, NATO's all work; all must match). Syntax: "
                  "\"a phrase\", prefix*, AND, OR, NOT (upper case, between terms), ( ); empty = everything");
  cmd->add_flag("--fts", o->fts, "Read the text as raw FTS5 query syntax (title:word, NEAR(a b, 5), …)");
  // One value per option, so `--tag defense المغرب` searches المغرب with tag defense.
  cmd->add_option("--tag,-t", o->tags, "Only articles with this tag (repeat --tag for more: all must match)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--country", o->country, "Only articles tagged with this ISO 3166 country code");
  cmd->add_option("--lang", o->lang, "Only articles in this language (ar, fr, en, …)");
  cmd->add_option("--feed", o->feed, "Only articles from this feed URL");
  cmd->add_option("--since", o->since, "Dated at or after: ISO date/time or an age such as 7d, 24h, 30m, 2w");
  cmd->add_option("--until", o->until, "Dated before (a bare date includes that whole day)");
  cmd->add_option("--limit,-n", o->limit, "Maximum number of results")->check(CLI::Range(1, 10000));
  cmd->add_option("--offset", o->offset, "Skip this many results (paging)")->check(CLI::NonNegativeNumber);
  cmd->add_option("--sort", o->sort, "relevance (default; date without text) or date")
      ->check(CLI::IsMember({"relevance", "date"}));
  auto* json = cmd->add_flag("--json", o->json, "One JSON object per line");
  cmd->add_flag("--csv", o->csv, "CSV with a header row")->excludes(json);
  add_db_options(*cmd, o->db);
  cmd->callback([o, &ctx] {
    setup_logging("warn");
    ctx.exit_code = run_search(*o, ctx);
  });
}

}  // namespace query
}  // namespace newsd::cli
