// `newsd feeds add|remove|import|export|discover`: the feeds file named by
// `feeds_file` edited from the command line. The main config is only read,
// never written, so its comments stay; the feeds file is rewritten whole.
#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "cli_common.hpp"
#include "commands.hpp"
#include "daemon_reload.hpp"
#include "newsd/base/log.hpp"
#include "newsd/config/duration.hpp"
#include "newsd/config/feed_url.hpp"
#include "newsd/fetch/fetcher.hpp"
#include "newsd/parse/feed.hpp"
#include "newsd/parse/feed_links.hpp"
#include "newsd/parse/sitemap.hpp"
#include "newsd/parse/url.hpp"
#include "opml.hpp"

namespace newsd::cli {
namespace {

namespace fs = std::filesystem;

const char* const kConfigHelp = "Config file (default: $NEWSD_CONFIG, /etc/newsd/newsd.toml, config/newsd.toml)";
const char* const kFileHeader =
    "Feeds managed by `newsd feeds add/remove/import` (included by feeds_file).\n"
    "newsd rewrites this file whole: comments here are not kept.";

// The feeds file's own feeds and where they live.
struct FeedsFile {
  config::Config cfg;                   ///< the whole config, feeds file included
  std::vector<config::FeedConfig> own;  ///< the feeds file's feeds only
};

std::optional<FeedsFile> open_feeds_file(const fs::path& config_path) {
  config::LoadOptions options;
  options.feeds_file_may_be_missing = true;
  auto cfg = load_config_or_report(config_path, options);
  if (!cfg) return std::nullopt;
  if (cfg->feeds_file.empty()) {
    std::cerr << "newsd feeds: " << cfg->source.string()
              << " names no feeds file, and newsd never rewrites the main config.\n"
              << "Add this line at its top (before the first [table]), then run the command again:\n"
              << "  feeds_file = \"feeds.toml\"\n";
    return std::nullopt;
  }
  FeedsFile file{std::move(*cfg), {}};
  std::error_code ec;
  if (fs::exists(file.cfg.feeds_file, ec)) {
    auto own = config::load_feeds_file(file.cfg.feeds_file);
    if (!own) {
      std::cerr << own.error().message << '\n';
      return std::nullopt;
    }
    file.own = std::move(*own);
  }
  return file;
}

// The text is read back through the config loader before it replaces the
// file, so newsd never writes a feeds file it would refuse; temp + fsync +
// rename, so a crash leaves the old file or the new one.
Result<void> save_feeds_file(const fs::path& path, const std::vector<config::FeedConfig>& feeds) {
  const std::string text = config::feeds_to_toml(feeds, kFileHeader);
  if (auto check = config::parse_feeds_file(text, path); !check) return std::unexpected(check.error());
  const fs::path tmp = path.string() + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return fail(Errc::io, "cannot write " + tmp.string());
  }
  if (const int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC); fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return fail(Errc::io, "cannot replace " + path.string() + ": " + ec.message());
  }
  return {};
}

// `done` is printed once the file is written, before the reload's outcome.
int save_and_reload(const FeedsFile& file, const std::string& done) {
  if (auto saved = save_feeds_file(file.cfg.feeds_file, file.own); !saved) {
    std::cerr << "newsd feeds: " << saved.error().message << '\n';
    return saved.error().code == Errc::config ? 2 : 1;  // a value out of range, e.g. --interval 5s
  }
  std::cout << done << '\n';
  const ReloadResult reload = reload_running_daemon(file.cfg.store.path);
  std::cout << reload.message << '\n';
  return 0;
}

bool listed(const std::vector<config::FeedConfig>& feeds, const std::string& url) {
  return std::ranges::find(feeds, url, &config::FeedConfig::url) != feeds.end();
}

// ---- add / remove ------------------------------------------------------------

struct AddOptions {
  fs::path config = default_config_path();
  std::string url;
  std::string name;
  std::string interval;
  std::string site_url;
  std::vector<std::string> tags;
};

int add_feed(const AddOptions& o) {
  auto file = open_feeds_file(o.config);
  if (!file) return 2;
  auto url = config::check_feed_url(o.url, file->cfg.feeds_file.parent_path());
  if (!url) {
    std::cerr << "newsd feeds add: " << url.error().message << '\n';
    return 2;
  }
  if (listed(file->cfg.feeds, *url)) {
    std::cerr << "newsd feeds add: " << *url << " is already a feed\n";
    return 2;
  }
  config::FeedConfig feed;
  feed.url = *url;
  feed.name = o.name;
  feed.site_url = o.site_url;
  feed.tags = o.tags;
  if (!o.interval.empty()) {
    auto interval = config::parse_duration(o.interval);
    if (!interval) {
      std::cerr << "newsd feeds add: --interval must be a duration such as \"30m\" or \"2h\"\n";
      return 2;
    }
    feed.interval = *interval;
  }
  file->own.push_back(std::move(feed));
  return save_and_reload(*file, "added " + *url + " to " + file->cfg.feeds_file.string());
}

int remove_feed(const fs::path& config_path, const std::string& raw_url) {
  auto file = open_feeds_file(config_path);
  if (!file) return 2;
  // Compared in the form the loader stores, so "file:rel.xml" finds its feed too.
  const std::string url = config::check_feed_url(raw_url, file->cfg.feeds_file.parent_path()).value_or(raw_url);
  if (std::erase_if(file->own, [&](const auto& f) { return f.url == url || f.url == raw_url; }) == 0) {
    if (listed(file->cfg.feeds, url)) {
      std::cerr << "newsd feeds remove: " << url << " is listed in " << file->cfg.source.string()
                << " itself; remove it there (newsd does not rewrite the main config)\n";
    } else {
      std::cerr << "newsd feeds remove: " << url << " is not a feed\n";
    }
    return 2;
  }
  return save_and_reload(*file, "removed " + url + " from " + file->cfg.feeds_file.string());
}

// ---- import / export -----------------------------------------------------------

std::optional<std::string> read_limited(const fs::path& path, std::size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string bytes(limit + 1, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  return bytes;
}

int import_opml(const fs::path& config_path, const fs::path& opml_path) {
  auto file = open_feeds_file(config_path);
  if (!file) return 2;
  const auto bytes = read_limited(opml_path, opml::kMaxBytes);
  if (!bytes) {
    std::cerr << "newsd feeds import: cannot read " << opml_path.string() << '\n';
    return 2;
  }
  auto doc = opml::read(*bytes);
  if (!doc) {
    std::cerr << "newsd feeds import: " << opml_path.string() << ": " << doc.error().message << '\n';
    return 2;
  }
  int added = 0, present = 0, refused = 0;
  for (auto& outline : doc->feeds) {
    auto url = config::check_feed_url(outline.url, fs::absolute(opml_path).parent_path());
    if (!url) {
      std::cerr << "skipped: " << url.error().message << '\n';
      ++refused;
      continue;
    }
    if (listed(file->cfg.feeds, *url) || listed(file->own, *url)) {
      ++present;
      continue;
    }
    // A list from elsewhere naming local files is unusual enough to point out;
    // it is still the user's choice to subscribe to what the list names.
    if (url->starts_with("file:")) std::cerr << "warning: " << *url << " reads a local file\n";
    config::FeedConfig feed;
    feed.url = *url;
    feed.name = std::move(outline.name);
    feed.tags = std::move(outline.tags);
    if (!outline.site_url.empty() && config::check_feed_url(outline.site_url, {})) {
      feed.site_url = std::move(outline.site_url);
    }
    file->own.push_back(std::move(feed));
    ++added;
  }
  for (const auto& why : doc->skipped) std::cerr << "skipped: " << why << '\n';
  const std::string summary = "imported " + std::to_string(added) + " feeds into " + file->cfg.feeds_file.string() +
                              " (" + std::to_string(present) + " already present, " + std::to_string(refused) +
                              " refused)";
  if (added == 0) {
    std::cout << summary << '\n';
    return refused > 0 ? 2 : 0;
  }
  return save_and_reload(*file, summary);
}

int export_opml(const fs::path& config_path) {
  config::LoadOptions options;
  options.feeds_file_may_be_missing = true;
  auto cfg = load_config_or_report(config_path, options);
  if (!cfg) return 2;
  std::cout << opml::write(cfg->feeds, "newsd feeds (" + cfg->source.string() + ")");
  return 0;
}

// ---- discover --------------------------------------------------------------------

struct Found {
  std::string url;
  std::string title;
  std::size_t entries = 0;
  std::string_view unit = "entries";
};

// A probe succeeds when the document parses as a feed with entries.
std::optional<Found> as_feed(const std::string& url, const Result<fetch::Response>& r, const config::Config& cfg) {
  if (!r || r->status != 200) return std::nullopt;
  const parse::ParsedFeed feed = parse::parse_feed(r->body, r->final_url, r->charset, cfg.limits);
  if (feed.entries.empty()) return std::nullopt;
  return Found{url, feed.feed.title ? parse::plain_text(*feed.feed.title) : std::string(), feed.entries.size()};
}

// A sitemap named by robots.txt: found when it reads as a sitemap (gzipped
// too); counted by what it lists, recent or not.
std::optional<Found> as_sitemap(const std::string& url, const Result<fetch::Response>& r, const config::Config& cfg) {
  if (!r || r->status != 200) return std::nullopt;
  auto body = parse::is_gzip(r->body) ? parse::gunzip(r->body, cfg.fetch.max_body_bytes) : Result<std::string>(r->body);
  if (!body) return std::nullopt;
  auto sitemap = parse::parse_sitemap(*body, r->final_url, r->charset, cfg.limits);
  if (!sitemap) return std::nullopt;
  const bool index = sitemap->kind == parse::SourceKind::sitemap_index;
  const std::size_t listed =
      sitemap->parsed.entries.size() + sitemap->parsed.entries_dropped + sitemap->children.size() + sitemap->too_old;
  return Found{url, index ? "sitemap index" : "sitemap", listed, index ? "sitemaps" : "links"};
}

// The sitemaps the site's robots.txt names, probed like the feed candidates.
std::vector<Found> robots_txt_sitemaps(fetch::Fetcher& fetcher, const fetch::Response& page,
                                       const std::string& page_url, const config::Config& cfg) {
  auto robots_url = parse::resolve_url(page.final_url, "/robots.txt");
  if (!robots_url) return {};
  const std::vector<fetch::Request> robots_request{{*robots_url, {}, {}, page_url}};
  auto robots = std::move(fetcher.fetch_all(robots_request).front());
  if (!robots || robots->status != 200) return {};
  std::vector<fetch::Request> probes;
  for (auto& url : parse::robots_sitemaps(robots->body, robots->final_url)) probes.push_back({url, {}, {}, page_url});
  const auto results = fetcher.fetch_all(probes);
  std::vector<Found> found;
  for (std::size_t i = 0; i < probes.size(); ++i) {
    if (auto sitemap = as_sitemap(probes[i].url, results[i], cfg)) found.push_back(std::move(*sitemap));
  }
  return found;
}

int discover(const fs::path& config_path, const std::string& page_url) {
  config::LoadOptions options;
  options.feeds_file_may_be_missing = true;
  auto cfg = load_config_or_report(config_path, options);
  if (!cfg) return 2;
  if (!parse::is_fetchable_url(page_url) || page_url.starts_with("file:")) {
    std::cerr << "newsd feeds discover: give an http:// or https:// URL\n";
    return 2;
  }
  fetch::Fetcher fetcher(cfg->fetch);
  // The page URL is the user's own choice (trusted, like a configured feed).
  const std::vector<fetch::Request> page_request{{page_url, {}, {}, {}}};
  auto page = std::move(fetcher.fetch_all(page_request).front());
  if (!page) {
    std::cerr << "newsd feeds discover: " << page_url << ": " << page.error().describe() << '\n';
    return 1;
  }
  std::vector<Found> found;
  if (auto self = as_feed(page_url, page, *cfg)) found.push_back(std::move(*self));
  // Candidates come from the page (untrusted): fetched as derived from it,
  // so the address guard judges any other origin.
  std::vector<fetch::Request> probes;
  auto add_probe = [&](const std::string& url) {
    if (url == page_url || std::ranges::find(probes, url, &fetch::Request::url) != probes.end()) return;
    probes.push_back({url, {}, {}, page_url});
  };
  for (const auto& link : parse::find_feed_links(page->body, page->final_url, page->charset)) add_probe(link.url);
  for (const char* path : {"/feed", "/rss", "/rss.xml", "/atom.xml", "/feed.xml", "/index.xml"}) {
    if (auto url = parse::resolve_url(page->final_url, path)) add_probe(*url);
  }
  const auto results = fetcher.fetch_all(probes);
  for (std::size_t i = 0; i < probes.size(); ++i) {
    if (auto feed = as_feed(probes[i].url, results[i], *cfg)) found.push_back(std::move(*feed));
  }
  for (auto& sitemap : robots_txt_sitemaps(fetcher, *page, page_url, *cfg)) found.push_back(std::move(sitemap));
  if (found.empty()) {
    std::cerr << "newsd feeds discover: no feed found at " << page_url << " (" << probes.size()
              << " candidates tried, and no sitemap in robots.txt)\n";
    return 1;
  }
  for (const auto& f : found) std::cout << f.url << '\t' << f.title << '\t' << f.entries << ' ' << f.unit << '\n';
  std::cout << "subscribe with: newsd feeds add URL\n";
  return 0;
}

}  // namespace

void add_feeds_manage_commands(CLI::App& feeds, CommandContext& ctx) {
  feeds.require_subcommand(0, 1);
  const std::string reload_note =
      " A running daemon (the holder of the database's writer lock) is sent SIGHUP; otherwise newsd says how to "
      "reload.";

  auto add = std::make_shared<AddOptions>();
  auto* add_cmd = feeds.add_subcommand(
      "add",
      "Add a feed to the feeds file (feeds_file in the config; rewritten whole, its comments are lost)." + reload_note);
  add_cmd->add_option("url", add->url, "Feed URL (http, https or file:)")->required();
  add_cmd->add_option("--name", add->name, "Display name (default: the feed's own title)");
  add_cmd->add_option("--interval", add->interval, "First polling interval, e.g. 30m, 2h (default 30m)");
  add_cmd->add_option("--tag", add->tags, "Tag added to every article of the feed (repeatable)");
  add_cmd->add_option("--site-url", add->site_url, "The site the feed belongs to");
  add_cmd->add_option("--config,-c", add->config, kConfigHelp);
  add_cmd->callback([add, &ctx] {
    setup_logging("warn");
    ctx.exit_code = add_feed(*add);
  });

  struct UrlOptions {
    fs::path config = default_config_path();
    std::string url;
  };
  auto remove = std::make_shared<UrlOptions>();
  auto* remove_cmd =
      feeds.add_subcommand("remove", "Remove a feed from the feeds file (its stored articles stay)." + reload_note);
  remove_cmd->add_option("url", remove->url, "Feed URL as listed")->required();
  remove_cmd->add_option("--config,-c", remove->config, kConfigHelp);
  remove_cmd->callback([remove, &ctx] {
    setup_logging("warn");
    ctx.exit_code = remove_feed(remove->config, remove->url);
  });

  struct ImportOptions {
    fs::path config = default_config_path();
    fs::path file;
  };
  auto import = std::make_shared<ImportOptions>();
  auto* import_cmd = feeds.add_subcommand(
      "import",
      "Add the feeds of an OPML file to the feeds file: xmlUrl, title, htmlUrl, categories and enclosing folders "
      "as tags; feeds already present are left as they are." +
          reload_note);
  import_cmd->add_option("file", import->file, "OPML file")->required();
  import_cmd->add_option("--config,-c", import->config, kConfigHelp);
  import_cmd->callback([import, &ctx] {
    setup_logging("warn");
    ctx.exit_code = import_opml(import->config, import->file);
  });

  auto export_path = std::make_shared<fs::path>(default_config_path());
  auto* export_cmd =
      feeds.add_subcommand("export", "Print every configured feed as OPML 2.0 (name, xmlUrl, htmlUrl, tags)");
  export_cmd->add_option("--config,-c", *export_path, kConfigHelp);
  export_cmd->callback([export_path, &ctx] {
    setup_logging("warn");
    ctx.exit_code = export_opml(*export_path);
  });

  auto discover_opts = std::make_shared<UrlOptions>();
  auto* discover_cmd = feeds.add_subcommand(
      "discover",
      "Find a site's feeds: <link rel=\"alternate\"> in its page and the usual paths (/feed, /rss, /rss.xml, "
      "/atom.xml, /feed.xml, /index.xml), and its sitemaps: the Sitemap: lines of its robots.txt; prints URL, "
      "title (or sitemap / sitemap index) and entry count of each that parses");
  discover_cmd->add_option("url", discover_opts->url, "The site's page (http or https)")->required();
  discover_cmd->add_option("--config,-c", discover_opts->config, kConfigHelp + std::string(" (fetch settings)"));
  discover_cmd->callback([discover_opts, &ctx] {
    setup_logging("warn");
    ctx.exit_code = discover(discover_opts->config, discover_opts->url);
  });
}

}  // namespace newsd::cli
