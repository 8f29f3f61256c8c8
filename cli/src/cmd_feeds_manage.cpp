// `newsd feeds add|remove|import|export|discover`: the feeds file named by
// `feeds_file` edited from the command line, or on PostgreSQL the database's
// feed list (feeds_db.cpp). The main config is only read, never written, so
// its comments stay; the feeds file is rewritten whole.
#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "cli_common.hpp"
#include "commands.hpp"
#include "daemon_reload.hpp"
#include "feeds_target.hpp"
#include "newsd/base/log.hpp"
#include "newsd/config/duration.hpp"
#include "newsd/config/feed_url.hpp"
#include "newsd/fetch/fetcher.hpp"
#include "newsd/ingest/feed_list.hpp"
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

// The feeds file named by `feeds_file`: its own feeds, rewritten whole on
// every change (the main config is never written).
class FeedsFile final : public FeedsTarget {
 public:
  FeedsFile(config::Config cfg, std::vector<config::FeedConfig> own)
      : FeedsTarget(std::move(cfg)), own_(std::move(own)) {}

  fs::path base_dir() const override { return cfg().feeds_file.parent_path(); }
  std::string name() const override { return cfg().feeds_file.string(); }
  bool listed(const std::string& url) const override { return in(cfg().feeds, url) || in(own_, url); }

  Result<void> add(const std::vector<config::FeedConfig>& added) override {
    auto own = own_;
    own.insert(own.end(), added.begin(), added.end());
    if (auto saved = save_feeds_file(cfg().feeds_file, own); !saved) return saved;
    own_ = std::move(own);
    return {};
  }

  Result<void> remove(const std::string& url, const std::string& raw) override {
    auto own = own_;
    if (std::erase_if(own, [&](const auto& f) { return f.url == url || f.url == raw; }) == 0) {
      if (in(cfg().feeds, url)) {
        return fail(Errc::not_found, url + " is listed in " + cfg().source.string() +
                                         " itself; remove it there (newsd does not rewrite the main config)");
      }
      return fail(Errc::not_found, url + " is not a feed");
    }
    if (auto saved = save_feeds_file(cfg().feeds_file, own); !saved) return saved;
    own_ = std::move(own);
    return {};
  }

  std::string tell_daemons() const override { return reload_running_daemon(cfg().store.path).message; }

 private:
  static bool in(const std::vector<config::FeedConfig>& feeds, const std::string& url) {
    return std::ranges::find(feeds, url, &config::FeedConfig::url) != feeds.end();
  }

  // The text is read back through the config loader before it replaces the
  // file, so newsd never writes a feeds file it would refuse; temp + fsync +
  // rename, so a crash leaves the old file or the new one.
  static Result<void> save_feeds_file(const fs::path& path, const std::vector<config::FeedConfig>& feeds) {
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

  std::vector<config::FeedConfig> own_;
};

config::LoadOptions lenient_feeds_file() {
  config::LoadOptions options;
  options.feeds_file_may_be_missing = true;
  return options;
}

// The list the config names: the database's on PostgreSQL, else its feeds
// file. Null, with the reason on stderr and `status` set, when there is none.
std::unique_ptr<FeedsTarget> open_target(const fs::path& config_path, int& status) {
  status = 2;
  auto cfg = load_config_or_report(config_path, lenient_feeds_file());
  if (!cfg) return nullptr;
  if (cfg->store.backend == config::StoreBackend::postgresql) {
    status = 1;  // the database could not be reached or read
    return open_database_feeds(std::move(*cfg));
  }
  if (cfg->feeds_file.empty()) {
    std::cerr << "newsd feeds: " << cfg->source.string()
              << " names no feeds file, and newsd never rewrites the main config.\n"
              << "Add this line at its top (before the first [table]), then run the command again:\n"
              << "  feeds_file = \"feeds.toml\"\n";
    return nullptr;
  }
  std::vector<config::FeedConfig> own;
  std::error_code ec;
  if (fs::exists(cfg->feeds_file, ec)) {
    auto loaded = config::load_feeds_file(cfg->feeds_file);
    if (!loaded) {
      std::cerr << loaded.error().message << '\n';
      return nullptr;
    }
    own = std::move(*loaded);
  }
  return std::make_unique<FeedsFile>(std::move(*cfg), std::move(own));
}

// `done` is printed once the list is written, then how daemons learn of it.
int finish(const FeedsTarget& target, const Result<void>& written, std::string_view command, const std::string& done) {
  if (!written) {
    std::cerr << "newsd feeds " << command << ": " << written.error().message << '\n';
    // A value out of range (e.g. --interval 5s) or an unknown feed is the user's; a write that failed is not.
    return written.error().code == Errc::config || written.error().code == Errc::not_found ? 2 : 1;
  }
  std::cout << done << '\n' << target.tell_daemons() << '\n';
  return 0;
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
  int status = 0;
  auto target = open_target(o.config, status);
  if (!target) return status;
  auto url = config::check_feed_url(o.url, target->base_dir());
  if (!url) {
    std::cerr << "newsd feeds add: " << url.error().message << '\n';
    return 2;
  }
  if (target->listed(*url)) {
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
  return finish(*target, target->add({std::move(feed)}), "add", "added " + *url + " to " + target->name());
}

int remove_feed(const fs::path& config_path, const std::string& raw_url) {
  int status = 0;
  auto target = open_target(config_path, status);
  if (!target) return status;
  // Compared in the form the loader stores, so "file:rel.xml" finds its feed too.
  const std::string url = config::check_feed_url(raw_url, target->base_dir()).value_or(raw_url);
  return finish(*target, target->remove(url, raw_url), "remove", "removed " + url + " from " + target->name());
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
  int status = 0;
  auto target = open_target(config_path, status);
  if (!target) return status;
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
  std::vector<config::FeedConfig> added;
  int present = 0, refused = 0;
  for (auto& outline : doc->feeds) {
    auto url = config::check_feed_url(outline.url, fs::absolute(opml_path).parent_path());
    if (!url) {
      std::cerr << "skipped: " << url.error().message << '\n';
      ++refused;
      continue;
    }
    if (target->listed(*url) || std::ranges::find(added, *url, &config::FeedConfig::url) != added.end()) {
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
    added.push_back(std::move(feed));
  }
  for (const auto& why : doc->skipped) std::cerr << "skipped: " << why << '\n';
  const std::string summary = "imported " + std::to_string(added.size()) + " feeds into " + target->name() + " (" +
                              std::to_string(present) + " already present, " + std::to_string(refused) + " refused)";
  if (added.empty()) {
    std::cout << summary << '\n';
    return refused > 0 ? 2 : 0;
  }
  return finish(*target, target->add(added), "import", summary);
}

int export_opml(const fs::path& config_path) {
  auto cfg = load_config_or_report(config_path, lenient_feeds_file());
  if (!cfg) return 2;
  if (cfg->store.backend != config::StoreBackend::postgresql) {
    std::cout << opml::write(cfg->feeds, "newsd feeds (" + cfg->source.string() + ")");
    return 0;
  }
  const auto failed = [](const Error& e) {
    std::cerr << "newsd feeds export: " << e.describe() << '\n';
    return 1;
  };
  auto store = store::Store::open_readonly(cfg->store);
  if (!store) return failed(store.error());
  auto feeds = ingest::feeds_from_store(*store);
  if (!feeds) return failed(feeds.error());
  std::cout << opml::write(*feeds, "newsd feeds (the database's feed list)");
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
  auto cfg = load_config_or_report(config_path, lenient_feeds_file());
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
