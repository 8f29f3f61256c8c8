#include "newsd/config/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>

#include "newsd/base/network.hpp"
#include "newsd/config/config_keys.hpp"
#include "newsd/config/duration.hpp"
#include "newsd/config/feed_url.hpp"
#include "settings.hpp"
#include "toml_reader.hpp"

namespace newsd::config {
namespace {

namespace fs = std::filesystem;

using detail::read_table;
using detail::TableReader;
using detail::Validator;

constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();

// `type`, and the keys only some types use: a key another type would
// silently ignore is an error, like an unknown key.
void read_source_type(TableReader& r, FeedConfig& feed, const LoadOptions& options) {
  std::string type = "auto";
  r.string("type", type);
  if (type == "auto") {
    feed.type = SourceType::auto_detect;
  } else if (type == "feed") {
    feed.type = SourceType::feed;
  } else if (type == "sitemap") {
    feed.type = SourceType::sitemap;
  } else if (type == "html") {
    feed.type = SourceType::html;
  } else {
    r.error_at("type", "'feeds.type' must be \"auto\", \"feed\", \"sitemap\" or \"html\"");
  }
  r.duration("max_age", feed.max_age, Seconds{3600}, Seconds{365 * 24 * 3600});
  r.integer("sitemap_children", feed.sitemap_children, 1, 100);
  r.string("links", feed.links);
  if (!feed.links.empty() && options.check_selector) {
    if (const std::string why = options.check_selector(feed.links); !why.empty()) {
      r.error_at("links", "'feeds.links' selector '" + feed.links + "': " + why);
    }
  }
  r.string_list("exclude", feed.exclude, options.check_selector);
  r.string("url_pattern", feed.url_pattern);
  if (!feed.url_pattern.empty() && options.check_url_pattern) {
    if (const std::string why = options.check_url_pattern(feed.url_pattern); !why.empty()) {
      r.error_at("url_pattern", "'feeds.url_pattern' is not a valid regular expression: " + why);
    }
  }
  if (feed.type == SourceType::feed || feed.type == SourceType::sitemap) {
    for (const char* key : {"links", "exclude", "url_pattern"}) {
      if (r.has(key)) r.error_at(key, "'feeds." + std::string(key) + "' applies only to type \"html\" or \"auto\"");
    }
  }
}

void read_feeds(TableReader& root, std::vector<FeedConfig>& out, std::set<std::string>& urls, Validator& v,
                const LoadOptions& options) {
  const auto* feeds = root.table_array("feeds");
  if (!feeds) return;
  const fs::path base_dir = v.origin().parent_path();
  for (const auto& node : *feeds) {
    const auto& t = *node.as_table();
    TableReader r(t, "feeds.", v);
    FeedConfig feed;
    r.string("url", feed.url);
    r.string("name", feed.name);
    r.string("site_url", feed.site_url);
    r.duration("interval", feed.interval, Seconds{60}, Seconds{7 * 24 * 3600});
    Seconds bound{};
    if (r.duration("min_interval", bound, Seconds{60}, Seconds{7 * 24 * 3600})) feed.min_interval = bound;
    if (r.duration("max_interval", bound, Seconds{60}, Seconds{30 * 24 * 3600})) feed.max_interval = bound;
    if (feed.min_interval && feed.max_interval && *feed.min_interval > *feed.max_interval) {
      r.error_at("min_interval", "'feeds.min_interval' cannot exceed 'feeds.max_interval'");
    }
    r.string_list("tags", feed.tags);
    r.boolean("fetch_articles", feed.fetch_articles);
    read_source_type(r, feed, options);
    if (!feed.site_url.empty()) {
      if (auto site = check_feed_url(feed.site_url, base_dir); !site) r.error_at("site_url", site.error().message);
    }
    if (feed.url.empty()) {
      v.error(t.source(), "a [[feeds]] entry needs a 'url'");
      continue;
    }
    auto checked = check_feed_url(feed.url, base_dir);
    if (!checked) {
      r.error_at("url", checked.error().message);
      continue;
    }
    feed.url = std::move(*checked);
    if (!urls.insert(feed.url).second) {
      r.error_at("url", "feed '" + feed.url + "' is listed twice");
      continue;
    }
    out.push_back(std::move(feed));
  }
}

void read_sites(TableReader& extract, ExtractConfig& cfg, Validator& v, const LoadOptions& options) {
  const auto* sites = extract.table_array("sites");
  if (!sites) return;
  for (const auto& node : *sites) {
    const auto& t = *node.as_table();
    TableReader r(t, "extract.sites.", v);
    SiteRule rule;
    r.string("host", rule.host);
    r.string_list("keep", rule.keep, options.check_selector);
    r.string_list("drop", rule.drop, options.check_selector);
    if (rule.host.empty())
      v.error(t.source(), "an [[extract.sites]] entry needs a 'host'");
    else
      cfg.sites.push_back(std::move(rule));
  }
}

bool valid_sink_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::ranges::all_of(name, [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

// A NATS subject template: dot-separated tokens of printable ASCII without
// wildcards or spaces, `{lang}` and `{topic}` the only placeholders.
std::string subject_problem(std::string_view subject) {
  if (subject.empty()) return "must not be empty";
  std::string rest(subject);
  for (const char* placeholder : {"{lang}", "{topic}"}) {
    for (auto at = rest.find(placeholder); at != std::string::npos; at = rest.find(placeholder)) {
      rest.replace(at, std::string_view(placeholder).size(), "x");
    }
  }
  if (rest.front() == '.' || rest.back() == '.' || rest.find("..") != std::string::npos) return "has an empty token";
  for (const char c : rest) {
    if (c <= ' ' || c > '~' || c == '*' || c == '>' || c == '{' || c == '}')
      return "may hold only printable ASCII without spaces or wildcards, and the placeholders {lang} and {topic}";
  }
  return {};
}

// Which keys each sink type reads; the others are refused, so a webhook
// `secret` misplaced under a jsonl sink is not silently ignored.
struct SinkKeys {
  SinkType type;
  std::set<std::string_view> keys;
};
const SinkKeys kSinkKeys[] = {
    {SinkType::nats, {"url", "subject", "stream", "timeout", "retry_backoff", "max_backoff"}},
    {SinkType::webhook, {"url", "secret", "timeout", "max_attempts", "retry_backoff", "max_backoff"}},
    {SinkType::jsonl, {"path", "retry_backoff", "max_backoff"}},
};

void check_sink(TableReader& r, const toml::table& t, const SinkConfig& sink, Validator& v) {
  for (const auto& [key, node] : t) {
    const std::string_view k = key.str();
    if (k == "name" || k == "type") continue;
    const auto& allowed = std::ranges::find(kSinkKeys, sink.type, &SinkKeys::type)->keys;
    if (!allowed.contains(k)) {
      r.error_at(
          k, "'sinks." + std::string(k) + "' does not apply to type = \"" + std::string(to_string(sink.type)) + "\"");
    }
  }
  const auto scheme_is = [&](std::initializer_list<std::string_view> schemes) {
    return std::ranges::any_of(schemes, [&](std::string_view s) { return sink.url.starts_with(s); });
  };
  switch (sink.type) {
    case SinkType::nats:
      if (!scheme_is({"nats://", "tls://"})) r.error_at("url", "'sinks.url' of a nats sink must be nats:// or tls://");
      if (auto why = subject_problem(sink.subject); !why.empty()) r.error_at("subject", "'sinks.subject' " + why);
      if (!sink.stream.empty() && !valid_sink_name(sink.stream))
        r.error_at("stream", "'sinks.stream' may hold only letters, digits, '_' and '-'");
      break;
    case SinkType::webhook:
      if (!scheme_is({"http://", "https://"}))
        r.error_at("url", "'sinks.url' of a webhook sink must be http:// or https://");
      if (sink.secret.size() < 16) r.error_at("secret", "'sinks.secret' of a webhook sink needs 16 characters or more");
      break;
    case SinkType::jsonl:
      if (sink.path.empty()) v.error(t.source(), "a jsonl sink needs a 'path' (\"-\" for standard output)");
      break;
  }
  if (sink.retry_backoff > sink.max_backoff)
    r.error_at("retry_backoff", "'sinks.retry_backoff' cannot exceed 'sinks.max_backoff'");
}

void read_sinks(TableReader& root, std::vector<SinkConfig>& out, Validator& v) {
  const auto* sinks = root.table_array("sinks");
  if (!sinks) return;
  std::set<std::string> names;
  for (const auto& node : *sinks) {
    const auto& t = *node.as_table();
    TableReader r(t, "sinks.", v);
    SinkConfig sink;
    std::string type;
    r.string("name", sink.name);
    r.string("type", type);
    r.string("url", sink.url);
    r.string("subject", sink.subject);
    r.string("stream", sink.stream);
    r.string("secret", sink.secret);
    r.duration("timeout", sink.timeout, Seconds{1}, Seconds{600});
    r.integer("max_attempts", sink.max_attempts, 1, 1000);
    r.duration("retry_backoff", sink.retry_backoff, Seconds{0}, Seconds{24 * 3600});
    r.duration("max_backoff", sink.max_backoff, Seconds{0}, Seconds{24 * 3600});
    std::string path;
    r.string("path", path);
    sink.path = path == "-" ? fs::path("-") : path.empty() ? fs::path() : r.resolve(path);
    if (!valid_sink_name(sink.name)) {
      v.error(t.source(), "a [[sinks]] entry needs a 'name' of 1 to 64 letters, digits, '_' or '-'");
      continue;
    }
    if (!names.insert(sink.name).second) {
      r.error_at("name", "sink '" + sink.name + "' is listed twice");
      continue;
    }
    if (type == "nats") {
      sink.type = SinkType::nats;
    } else if (type == "webhook") {
      sink.type = SinkType::webhook;
    } else if (type == "jsonl") {
      sink.type = SinkType::jsonl;
    } else {
      r.error_at("type", "'sinks.type' must be \"nats\", \"webhook\" or \"jsonl\"");
      continue;
    }
    check_sink(r, t, sink, v);
    out.push_back(std::move(sink));
  }
}

void read_watches(TableReader& root, std::vector<WatchConfig>& out, Validator& v, const LoadOptions& options) {
  const auto* watches = root.table_array("watch");
  if (!watches) return;
  std::set<std::string> names;
  for (const auto& node : *watches) {
    const auto& t = *node.as_table();
    TableReader r(t, "watch.", v);
    WatchConfig watch;
    r.string("name", watch.name);
    r.string("query", watch.query);
    r.string("tag", watch.tag);
    if (watch.name.empty() || watch.query.empty()) {
      v.error(t.source(), "a [[watch]] entry needs a 'name' and a 'query'");
      continue;
    }
    if (!names.insert(watch.name).second) {
      r.error_at("name", "watch '" + watch.name + "' is listed twice");
      continue;
    }
    if (options.check_watch_query) {
      if (const std::string why = options.check_watch_query(watch.query); !why.empty()) {
        r.error_at("query", "'watch.query' of watch '" + watch.name + "': " + why);
        continue;
      }
    }
    if (watch.tag.empty()) watch.tag = watch.name;
    out.push_back(std::move(watch));
  }
}

Config read_config(const toml::table& doc, Validator& v, const LoadOptions& options) {
  Config cfg;
  cfg.source = v.origin();
  // The default store path is relative to the config file too. The default
  // taxonomy is not: an empty path makes load_taxonomy() use the installed
  // one (or $NEWSD_TAXONOMY), so /etc/newsd needs no taxonomy of its own.
  TableReader root(doc, "", v);
  cfg.store.path = root.resolve(cfg.store.path);

  detail::read_settings(root, cfg, v, options);
  read_table(root, "extract", v, [&](TableReader& r) {
    r.integer("min_text_chars", cfg.extract.min_text_chars, 0, 1'000'000);
    read_sites(r, cfg.extract, v, options);
  });
  read_sinks(root, cfg.sinks, v);
  root.path("feeds_file", cfg.feeds_file);
  std::set<std::string> urls;
  read_feeds(root, cfg.feeds, urls, v, options);
  read_watches(root, cfg.watches, v, options);
  return cfg;
}

// Adds the table (or array of one table) `dotted` names to `doc`, walking
// arrays of tables through their first element.
void add_skeleton(toml::table& doc, std::string_view dotted, Validator::Shape shape) {
  toml::table* parent = &doc;
  std::string_view rest = dotted;
  for (auto dot = rest.find('.'); dot != std::string_view::npos; dot = rest.find('.')) {
    toml::node* child = parent->get(rest.substr(0, dot));
    if (auto* arr = child != nullptr ? child->as_array() : nullptr; arr != nullptr && !arr->empty())
      child = arr->get(0);
    parent = child != nullptr ? child->as_table() : nullptr;
    if (parent == nullptr) return;
    rest.remove_prefix(dot + 1);
  }
  if (parent->contains(rest)) return;
  if (shape == Validator::Shape::table) parent->insert(rest, toml::table{});
  if (shape == Validator::Shape::table_array) parent->insert(rest, toml::array{toml::table{}});
}

}  // namespace

std::string_view to_string(SinkType type) noexcept {
  switch (type) {
    case SinkType::nats: return "nats";
    case SinkType::webhook: return "webhook";
    case SinkType::jsonl: return "jsonl";
  }
  return "jsonl";
}

std::string_view to_string(SourceType type) noexcept {
  switch (type) {
    case SourceType::auto_detect: return "auto";
    case SourceType::feed: return "feed";
    case SourceType::sitemap: return "sitemap";
    case SourceType::html: return "html";
  }
  return "auto";
}

std::vector<std::string> config_keys() {
  // The readers ask for every key they accept, but only inside tables that
  // exist: read documents holding every table asked for so far until no new
  // key appears.
  std::map<std::string, Validator::Shape> keys;
  toml::table doc;
  for (std::size_t known = std::numeric_limits<std::size_t>::max(); keys.size() != known;) {
    known = keys.size();
    for (const auto& [key, shape] : keys) add_skeleton(doc, key, shape);
    Validator v{fs::path{}};
    v.record_keys(&keys);
    read_config(doc, v, LoadOptions{});
  }
  std::vector<std::string> out;
  for (const auto& [key, shape] : keys) out.push_back(key);
  return out;
}

std::optional<ListenAddress> parse_listen(std::string_view listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = listen.substr(0, colon);
  const std::string_view port_text = listen.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return std::nullopt;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return std::nullopt;  // a bare IPv6 address is ambiguous with its port
  }
  int port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port < 0 || port > 65535) return std::nullopt;
  return ListenAddress{std::string(host), port};
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1") return true;
  const auto net = parse_network(host);
  return net && !net->v6 && net->bytes[0] == 127;
}

std::optional<std::string> http_problem(const HttpConfig& http) {
  if (http.listen.empty()) return std::nullopt;
  const auto address = parse_listen(http.listen);
  if (!address) return "'http.listen' must be host:port, such as \"127.0.0.1:8080\" or \"[::1]:8080\"";
  // Anyone who can reach the port could read the archive and the metrics.
  if (!is_loopback_host(address->host) && http.token.size() < 16) {
    return "'http.listen' on a non-loopback address needs 'http.token' (16 characters or more)";
  }
  return std::nullopt;
}

namespace {

Result<toml::table> parse_toml(std::string_view text, const fs::path& origin) {
  try {
    return toml::parse(text, origin.string());
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    return fail(Errc::config, origin.string() + ':' + std::to_string(where.line) + ':' + std::to_string(where.column) +
                                  ": " + std::string(e.description()));
  }
}

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The feeds file holds only `[[feeds]]`; `urls` are the feeds already
// listed (duplicates are errors). Returns the problems joined (empty = none).
std::string read_feeds_doc(std::string_view text, const fs::path& origin, std::vector<FeedConfig>& out,
                           std::set<std::string> urls, const LoadOptions& options = {}) {
  auto doc = parse_toml(text, origin);
  if (!doc) return doc.error().message;
  Validator v(origin);
  {
    TableReader root(*doc, "", v);  // reports keys other than [[feeds]] when it goes out of scope
    read_feeds(root, out, urls, v, options);
  }
  return v.joined();
}

// Reported after the main file's problems, against the feeds file's own name.
std::string read_feeds_file(Config& cfg, const LoadOptions& options) {
  std::error_code ec;
  if (options.feeds_file_may_be_missing && !fs::exists(cfg.feeds_file, ec)) return {};
  const auto text = read_file(cfg.feeds_file);
  if (!text) {
    return cfg.feeds_file.string() + ": cannot read the feeds file named by 'feeds_file' in " + cfg.source.string() +
           " (`newsd feeds add URL` creates it)";
  }
  std::set<std::string> urls;
  for (const auto& f : cfg.feeds) urls.insert(f.url);
  return read_feeds_doc(*text, cfg.feeds_file, cfg.feeds, std::move(urls), options);
}

}  // namespace

Result<Config> parse_config(std::string_view toml_text, const fs::path& origin, const LoadOptions& options) {
  auto doc = parse_toml(toml_text, origin);
  if (!doc) return std::unexpected(doc.error());
  Validator v(origin);
  Config cfg = read_config(*doc, v, options);
  std::string errors = v.joined();
  if (!cfg.feeds_file.empty()) {
    const std::string feeds_errors = read_feeds_file(cfg, options);
    if (!feeds_errors.empty()) errors += (errors.empty() ? "" : "\n") + feeds_errors;
  }
  if (!errors.empty()) return fail(Errc::config, errors);
  return cfg;
}

Result<std::vector<FeedConfig>> parse_feeds_file(std::string_view toml_text, const fs::path& origin) {
  std::vector<FeedConfig> feeds;
  if (std::string errors = read_feeds_doc(toml_text, origin, feeds, {}); !errors.empty()) {
    return fail(Errc::config, std::move(errors));
  }
  return feeds;
}

Result<FeedConfig> parse_feed_spec(std::string_view toml_text, const fs::path& origin, const LoadOptions& options) {
  std::vector<FeedConfig> feeds;
  if (std::string errors = read_feeds_doc(toml_text, origin, feeds, {}, options); !errors.empty()) {
    return fail(Errc::config, std::move(errors));
  }
  // One spec is one feed: a second table would be a feed nobody listed.
  if (feeds.size() != 1) {
    return fail(Errc::config, origin.string() + ":1:1: a feed spec holds exactly one [[feeds]] table, not " +
                                  std::to_string(feeds.size()));
  }
  return std::move(feeds.front());
}

Result<std::vector<FeedConfig>> load_feeds_file(const fs::path& path) {
  const auto text = read_file(path);
  if (!text) return fail(Errc::io, path.string() + ": cannot read feeds file");
  return parse_feeds_file(*text, fs::absolute(path).lexically_normal());
}

Result<Config> load_config(const fs::path& path, const LoadOptions& options) {
  const auto text = read_file(path);
  if (!text) return fail(Errc::io, path.string() + ": cannot read config file");
  const fs::path absolute = fs::absolute(path).lexically_normal();
  return parse_config(*text, absolute, options);
}

}  // namespace newsd::config
