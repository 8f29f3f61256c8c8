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

namespace newsd::config {
namespace {

namespace fs = std::filesystem;

// Collects every problem in the file rather than stopping at the first one:
// a user fixing a config wants the whole list in one go.
class Validator {
 public:
  explicit Validator(fs::path origin) : origin_(std::move(origin)) {}

  void error(const toml::source_region& where, std::string_view message) {
    std::ostringstream line;
    line << origin_.string() << ':' << where.begin.line << ':' << where.begin.column << ": " << message;
    errors_.push_back({where.begin.line, where.begin.column, line.str()});
  }

  [[nodiscard]] bool ok() const { return errors_.empty(); }

  /// All problems, one per line, in file order (tables are read in a fixed
  /// order, not the order the user wrote them).
  [[nodiscard]] std::string joined() const {
    auto sorted = errors_;
    std::ranges::stable_sort(sorted, {}, [](const Problem& p) { return std::pair(p.line, p.column); });
    std::string out;
    for (const auto& p : sorted) {
      if (!out.empty()) out += '\n';
      out += p.text;
    }
    return out;
  }

  [[nodiscard]] const fs::path& origin() const { return origin_; }

  // config_keys(): every key the readers ask for, as `section.key`.
  enum class Shape { value, table, table_array };
  void record_keys(std::map<std::string, Shape>* keys) { keys_ = keys; }
  void asked(const std::string& key, Shape shape) {
    if (keys_ != nullptr && (shape != Shape::value || !keys_->contains(key))) (*keys_)[key] = shape;
  }

 private:
  struct Problem {
    toml::source_index line;
    toml::source_index column;
    std::string text;
  };
  fs::path origin_;
  std::vector<Problem> errors_;
  std::map<std::string, Shape>* keys_ = nullptr;
};

// One table's keys, read in a declared order; keys nobody asked for are
// reported as unknown, which is how typos ("intervall") get caught.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string prefix, Validator& v)
      : table_(table), prefix_(std::move(prefix)), v_(v) {}

  ~TableReader() {
    for (const auto& [key, node] : table_) {
      if (!seen_.contains(std::string(key.str()))) {
        v_.error(key.source(), "unknown key '" + prefix_ + std::string(key.str()) + "'");
      }
    }
  }
  TableReader(const TableReader&) = delete;
  TableReader& operator=(const TableReader&) = delete;

  const toml::node* find(std::string_view key) {
    seen_.insert(std::string(key));
    v_.asked(prefix_ + std::string(key), Validator::Shape::value);
    return table_.get(key);
  }

  void string(std::string_view key, std::string& out) {
    if (const auto* n = find(key)) {
      if (auto s = n->value<std::string>())
        out = *s;
      else
        type_error(*n, key, "a string");
    }
  }

  void boolean(std::string_view key, bool& out) {
    if (const auto* n = find(key)) {
      if (auto b = n->value<bool>())
        out = *b;
      else
        type_error(*n, key, "true or false");
    }
  }

  template <class Int>
  void integer(std::string_view key, Int& out, std::int64_t min, std::int64_t max) {
    if (const auto* n = find(key)) {
      auto i = n->is_integer() ? n->value<std::int64_t>() : std::nullopt;
      if (!i) return type_error(*n, key, "an integer");
      if (*i < min || *i > max) {
        v_.error(n->source(), fmt_range(key, min, max));
        return;
      }
      out = static_cast<Int>(*i);
    }
  }

  void number(std::string_view key, double& out, double min, double max) {
    if (const auto* n = find(key)) {
      auto d = n->value<double>();  // integers convert too
      if (!d) return type_error(*n, key, "a number");
      if (*d < min || *d > max) {
        v_.error(n->source(), "'" + prefix_ + std::string(key) + "' must be between " + std::to_string(min) + " and " +
                                  std::to_string(max));
        return;
      }
      out = *d;
    }
  }

  // Durations are written "90s", "30m", "2h", "1d" or as plain seconds.
  // True when the key was present and valid (so optional settings know to take it).
  bool duration(std::string_view key, Seconds& out, Seconds min, Seconds max) {
    const auto* n = find(key);
    if (!n) return false;
    std::optional<Seconds> parsed;
    if (n->is_integer())
      parsed = Seconds{*n->value<std::int64_t>()};
    else if (auto s = n->value<std::string>())
      parsed = parse_duration(*s);
    if (!parsed) {
      type_error(*n, key, "a duration such as \"90s\", \"30m\", \"2h\" or a number of seconds");
      return false;
    }
    if (*parsed < min || *parsed > max) {
      v_.error(n->source(), "'" + prefix_ + std::string(key) + "' must be between " + format_duration(min) + " and " +
                                format_duration(max));
      return false;
    }
    out = *parsed;
    return true;
  }

  void path(std::string_view key, fs::path& out) {
    std::string s;
    string(key, s);
    if (!s.empty()) out = resolve(s);
  }

  // `check`, when set, says why an item is unusable (empty = fine); the
  // error points at the item itself.
  void string_list(std::string_view key, std::vector<std::string>& out,
                   const std::function<std::string(std::string_view)>& check = {}) {
    const auto* n = find(key);
    if (!n) return;
    const auto* arr = n->as_array();
    if (!arr) return type_error(*n, key, "an array of strings");
    out.clear();
    for (const auto& item : *arr) {
      auto s = item.value<std::string>();
      if (!s) {
        v_.error(item.source(), "'" + prefix_ + std::string(key) + "' must contain only strings");
        continue;
      }
      if (check) {
        if (const std::string why = check(*s); !why.empty()) {
          v_.error(item.source(), "'" + prefix_ + std::string(key) + "' entry '" + *s + "': " + why);
          continue;
        }
      }
      out.push_back(*s);
    }
  }

  // A sub-table (`[fetch]`); absent is fine, anything else is a type error.
  const toml::table* table(std::string_view key) {
    const auto* n = find(key);
    v_.asked(prefix_ + std::string(key), Validator::Shape::table);
    if (!n) return nullptr;
    if (const auto* t = n->as_table()) return t;
    type_error(*n, key, "a table");
    return nullptr;
  }

  // An array of tables (`[[feeds]]`).
  const toml::array* table_array(std::string_view key) {
    const auto* n = find(key);
    v_.asked(prefix_ + std::string(key), Validator::Shape::table_array);
    if (!n) return nullptr;
    const auto* arr = n->as_array();
    if (!arr || !arr->is_array_of_tables()) {
      type_error(*n, key, "an array of tables ([[" + prefix_ + std::string(key) + "]])");
      return nullptr;
    }
    return arr;
  }

  [[nodiscard]] fs::path resolve(const fs::path& p) const {
    if (p.is_absolute() || v_.origin().empty()) return p;
    return (v_.origin().parent_path() / p).lexically_normal();
  }

  [[nodiscard]] bool has(std::string_view key) const { return table_.contains(key); }

  void error_at(std::string_view key, std::string_view message) {
    if (const auto* n = table_.get(key))
      v_.error(n->source(), message);
    else
      v_.error(table_.source(), message);
  }

  [[nodiscard]] const std::string& prefix() const { return prefix_; }

 private:
  void type_error(const toml::node& n, std::string_view key, std::string_view expected) {
    v_.error(n.source(), "'" + prefix_ + std::string(key) + "' must be " + std::string(expected));
  }

  std::string fmt_range(std::string_view key, std::int64_t min, std::int64_t max) const {
    return "'" + prefix_ + std::string(key) + "' must be between " + std::to_string(min) + " and " +
           std::to_string(max);
  }

  const toml::table& table_;
  std::string prefix_;
  Validator& v_;
  std::set<std::string> seen_;
};

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

  if (const auto* t = root.table("log")) {
    TableReader r(*t, "log.", v);
    r.string("level", cfg.log.level);
    static const std::set<std::string> kLevels{"trace", "debug", "info", "warn", "error", "off"};
    if (!kLevels.contains(cfg.log.level))
      r.error_at("level", "'log.level' must be one of trace, debug, info, warn, error, off");
  }
  if (const auto* t = root.table("fetch")) {
    TableReader r(*t, "fetch.", v);
    FetchConfig& f = cfg.fetch;
    r.string("user_agent", f.user_agent);
    r.duration("connect_timeout", f.connect_timeout, Seconds{1}, Seconds{300});
    r.duration("total_timeout", f.total_timeout, Seconds{1}, Seconds{3600});
    r.integer("max_body_bytes", f.max_body_bytes, 1024, std::int64_t{1} << 34);
    r.integer("max_connections", f.max_connections, 1, 1024);
    r.integer("max_per_host", f.max_per_host, 1, 64);
    r.integer("max_redirects", f.max_redirects, 0, 30);
    r.duration("min_host_interval", f.min_host_interval, Seconds{0}, Seconds{3600});
    r.boolean("respect_robots_txt", f.respect_robots_txt);
    r.integer("max_retries", f.max_retries, 0, 10);
    r.duration("retry_backoff", f.retry_backoff, Seconds{0}, Seconds{3600});
    if (r.find("allow_private_addresses") != nullptr) {
      r.error_at("allow_private_addresses",
                 "'fetch.allow_private_addresses' was removed: the address guard is always on; name trusted hosts "
                 "in 'fetch.allow_hosts' and networks in 'fetch.allow_networks'");
    }
    r.string_list("allow_hosts", f.allow_hosts);
    r.string_list("allow_networks", f.allow_networks);
    for (const auto& net : f.allow_networks) {
      if (!parse_network(net))
        r.error_at("allow_networks", "'fetch.allow_networks' entry '" + net +
                                         "' is not a network such as \"10.0.0.0/8\" or \"fd00::/8\"");
    }
    r.path("ca_file", f.ca_file);
    if (std::error_code ec; !f.ca_file.empty() && !fs::is_regular_file(f.ca_file, ec)) {
      r.error_at("ca_file", "'fetch.ca_file' is not a file: " + f.ca_file.string());
    }
    if (f.user_agent.empty()) r.error_at("user_agent", "'fetch.user_agent' must not be empty");
    if (f.max_per_host > f.max_connections) {
      r.error_at("max_per_host", "'fetch.max_per_host' cannot exceed 'fetch.max_connections'");
    }
  }
  if (const auto* t = root.table("limits")) {
    TableReader r(*t, "limits.", v);
    LimitsConfig& l = cfg.limits;
    r.integer("title_chars", l.title_chars, 16, 1'000'000);
    r.integer("byline_chars", l.byline_chars, 16, 100'000);
    r.integer("article_chars", l.article_chars, 1000, 100'000'000);
    r.integer("entries_per_feed", l.entries_per_feed, 1, 1'000'000);
    r.integer("pages_per_poll", l.pages_per_poll, 1, 1'000'000);
  }
  if (const auto* t = root.table("schedule")) {
    TableReader r(*t, "schedule.", v);
    ScheduleConfig& s = cfg.schedule;
    r.duration("min_interval", s.min_interval, Seconds{60}, Seconds{7 * 24 * 3600});
    r.duration("max_interval", s.max_interval, Seconds{60}, Seconds{30 * 24 * 3600});
    r.duration("max_backoff", s.max_backoff, Seconds{60}, Seconds{7 * 24 * 3600});
    r.number("jitter", s.jitter, 0.0, 0.5);
    if (s.min_interval > s.max_interval) {
      r.error_at("min_interval", "'schedule.min_interval' cannot exceed 'schedule.max_interval'");
    }
  }
  if (const auto* t = root.table("extract")) {
    TableReader r(*t, "extract.", v);
    r.integer("min_text_chars", cfg.extract.min_text_chars, 0, 1'000'000);
    read_sites(r, cfg.extract, v, options);
  }
  if (const auto* t = root.table("classify")) {
    TableReader r(*t, "classify.", v);
    r.path("taxonomy", cfg.classify.taxonomy);
    fs::path model;
    r.path("model", model);
    if (!model.empty()) {
      cfg.classify.model = model;
      // A model that does not load stops the daemon at start; say so now.
      if (options.check_model) {
        if (const std::string why = options.check_model(model); !why.empty()) {
          r.error_at("model", "'classify.model' " + model.string() + ": " + why);
        }
      }
    }
    r.number("model_threshold", cfg.classify.model_threshold, 0.0, 1.0);
    r.integer("model_top_k", cfg.classify.model_top_k, 1, 20);
  }
  if (const auto* t = root.table("store")) {
    TableReader r(*t, "store.", v);
    std::string backend = "sqlite";
    r.string("backend", backend);
    if (backend == "postgresql") {
      cfg.store.backend = StoreBackend::postgresql;
    } else if (backend != "sqlite") {
      r.error_at("backend", "'store.backend' must be \"sqlite\" or \"postgresql\", not \"" + backend + "\"");
    }
    r.path("path", cfg.store.path);
    r.string("url", cfg.store.url);
    if (cfg.store.backend == StoreBackend::postgresql && !cfg.store.url.starts_with("postgresql://") &&
        !cfg.store.url.starts_with("postgres://")) {
      r.error_at(cfg.store.url.empty() ? "backend" : "url",
                 "'store.url' must be a postgresql:// URI when store.backend is \"postgresql\"");
    }
    r.integer("keep_days", cfg.store.keep_days, 0, 100 * 365);
    r.integer("batch_size", cfg.store.batch_size, 1, 10'000);
    r.duration("busy_timeout", cfg.store.busy_timeout, Seconds{0}, Seconds{600});
  }
  if (const auto* t = root.table("daemon")) {
    TableReader r(*t, "daemon.", v);
    r.integer("workers", cfg.daemon.workers, 1, 256);
    r.integer("queue_capacity", cfg.daemon.queue_capacity, 1, 1'000'000);
    r.duration("shutdown_grace", cfg.daemon.shutdown_grace, Seconds{0}, Seconds{600});
  }
  if (const auto* t = root.table("workers")) {
    TableReader r(*t, "workers.", v);
    r.duration("lease_ttl", cfg.workers.lease_ttl, Seconds{3}, Seconds{3600});
    cfg.workers.heartbeat = std::max(Seconds{1}, cfg.workers.lease_ttl / 3);
    // A heartbeat as long as the lease would let it lapse between two beats.
    if (r.duration("heartbeat", cfg.workers.heartbeat, Seconds{1}, Seconds{1200}) &&
        cfg.workers.heartbeat >= cfg.workers.lease_ttl) {
      r.error_at("heartbeat", "'workers.heartbeat' must be shorter than 'workers.lease_ttl'");
    }
    r.duration("refresh", cfg.workers.refresh, Seconds{1}, Seconds{3600});
  }
  if (const auto* t = root.table("http")) {
    TableReader r(*t, "http.", v);
    r.string("listen", cfg.http.listen);
    r.string("token", cfg.http.token);
    if (auto problem = http_problem(cfg.http)) r.error_at("listen", *problem);
  }
  if (const auto* t = root.table("outbox")) {
    TableReader r(*t, "outbox.", v);
    r.integer("max_rows", cfg.store.outbox.max_rows, 1, std::int64_t{1} << 40);
  }
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
