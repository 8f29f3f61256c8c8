// `newsd check-config --print`: the resolved config written back as TOML.
#include <toml++/toml.h>

#include <sstream>

#include "newsd/config/config.hpp"
#include "newsd/config/duration.hpp"

namespace newsd::config {
namespace {

toml::array strings(const std::vector<std::string>& items) {
  toml::array out;
  for (const auto& s : items) out.push_back(s);
  return out;
}

std::string duration(Seconds d) { return format_duration(d); }

// Sizes and counts are unsigned in the structs; TOML integers are signed 64-bit.
template <class Int>
std::int64_t integer(Int value) {
  return static_cast<std::int64_t>(value);
}

toml::table feed_table(const FeedConfig& f) {
  toml::table t{{"url", f.url}, {"name", f.name}, {"interval", duration(f.interval)}};
  if (!f.site_url.empty()) t.insert("site_url", f.site_url);
  if (f.min_interval) t.insert("min_interval", duration(*f.min_interval));
  if (f.max_interval) t.insert("max_interval", duration(*f.max_interval));
  t.insert("tags", strings(f.tags));
  t.insert("fetch_articles", f.fetch_articles);
  t.insert("type", std::string(to_string(f.type)));
  t.insert("max_age", duration(f.max_age));
  t.insert("sitemap_children", f.sitemap_children);
  // Unset section-page overrides are left out: on a feed or sitemap they
  // would be an error, even empty.
  if (!f.links.empty()) t.insert("links", f.links);
  if (!f.exclude.empty()) t.insert("exclude", strings(f.exclude));
  if (!f.url_pattern.empty()) t.insert("url_pattern", f.url_pattern);
  return t;
}

// Only the keys the sink's type reads: the loader refuses the others.
toml::table sink_table(const SinkConfig& s) {
  toml::table t{{"name", s.name}, {"type", std::string(to_string(s.type))}};
  switch (s.type) {
    case SinkType::nats:
      t.insert("url", s.url);
      t.insert("subject", s.subject);
      if (!s.stream.empty()) t.insert("stream", s.stream);
      t.insert("timeout", duration(s.timeout));
      break;
    case SinkType::webhook:
      t.insert("url", s.url);
      t.insert("secret", s.secret);
      t.insert("timeout", duration(s.timeout));
      t.insert("max_attempts", s.max_attempts);
      break;
    case SinkType::jsonl: t.insert("path", s.path.string()); break;
  }
  t.insert("retry_backoff", duration(s.retry_backoff));
  t.insert("max_backoff", duration(s.max_backoff));
  return t;
}

}  // namespace

std::string feeds_to_toml(const std::vector<FeedConfig>& feeds, std::string_view header) {
  std::ostringstream out;
  std::size_t pos = 0;
  while (pos < header.size()) {
    auto end = header.find('\n', pos);
    if (end == std::string_view::npos) end = header.size();
    out << "# " << header.substr(pos, end - pos) << '\n';
    pos = end + 1;
  }
  // One [[feeds]] table at a time, a blank line between, so the file stays
  // pleasant to edit by hand.
  for (const auto& feed : feeds) {
    toml::array one;
    one.push_back(feed_table(feed));
    out << '\n' << toml::table{{"feeds", std::move(one)}} << '\n';
  }
  return out.str();
}

std::string feed_spec(const FeedConfig& feed) {
  std::string text = feeds_to_toml({feed});
  if (text.starts_with('\n')) text.erase(0, 1);  // the blank line that separates tables in a file
  return text;
}

std::string to_toml(const Config& cfg) {
  const FetchConfig& f = cfg.fetch;
  toml::table fetch{{"user_agent", f.user_agent},
                    {"connect_timeout", duration(f.connect_timeout)},
                    {"total_timeout", duration(f.total_timeout)},
                    {"max_body_bytes", integer(f.max_body_bytes)},
                    {"max_connections", f.max_connections},
                    {"max_per_host", f.max_per_host},
                    {"max_redirects", f.max_redirects},
                    {"min_host_interval", duration(f.min_host_interval)},
                    {"respect_robots_txt", f.respect_robots_txt},
                    {"max_retries", f.max_retries},
                    {"retry_backoff", duration(f.retry_backoff)},
                    {"allow_hosts", strings(f.allow_hosts)},
                    {"allow_networks", strings(f.allow_networks)}};
  if (!f.ca_file.empty()) fetch.insert("ca_file", f.ca_file.string());

  const LimitsConfig& l = cfg.limits;
  toml::table limits{{"title_chars", integer(l.title_chars)},
                     {"byline_chars", integer(l.byline_chars)},
                     {"article_chars", integer(l.article_chars)},
                     {"entries_per_feed", integer(l.entries_per_feed)},
                     {"pages_per_poll", integer(l.pages_per_poll)}};

  const ScheduleConfig& s = cfg.schedule;
  toml::table schedule{{"min_interval", duration(s.min_interval)},
                       {"max_interval", duration(s.max_interval)},
                       {"max_backoff", duration(s.max_backoff)},
                       {"jitter", s.jitter}};

  toml::array sites;
  for (const auto& rule : cfg.extract.sites) {
    sites.push_back(toml::table{{"host", rule.host}, {"keep", strings(rule.keep)}, {"drop", strings(rule.drop)}});
  }
  toml::table extract{{"min_text_chars", integer(cfg.extract.min_text_chars)}};
  // An empty array would read back as `sites = []`, not as zero [[extract.sites]].
  if (!sites.empty()) extract.insert("sites", std::move(sites));

  toml::table classify{{"taxonomy", cfg.classify.taxonomy.string()},
                       {"model_threshold", cfg.classify.model_threshold},
                       {"model_top_k", cfg.classify.model_top_k}};
  if (cfg.classify.model) classify.insert("model", cfg.classify.model->string());

  toml::table store{{"backend", cfg.store.backend == StoreBackend::postgresql ? "postgresql" : "sqlite"},
                    {"path", cfg.store.path.string()},
                    {"keep_days", cfg.store.keep_days},
                    {"batch_size", cfg.store.batch_size},
                    {"busy_timeout", duration(cfg.store.busy_timeout)}};
  if (!cfg.store.url.empty()) store.insert("url", cfg.store.url);

  toml::table daemon{{"workers", cfg.daemon.workers},
                     {"queue_capacity", integer(cfg.daemon.queue_capacity)},
                     {"shutdown_grace", duration(cfg.daemon.shutdown_grace)}};

  toml::array feeds;
  for (const auto& feed : cfg.feeds) feeds.push_back(feed_table(feed));
  toml::array sinks;
  for (const auto& sink : cfg.sinks) sinks.push_back(sink_table(sink));

  toml::table doc{{"log", toml::table{{"level", cfg.log.level}}},
                  {"fetch", std::move(fetch)},
                  {"limits", std::move(limits)},
                  {"schedule", std::move(schedule)},
                  {"extract", std::move(extract)},
                  {"classify", std::move(classify)},
                  {"store", std::move(store)},
                  {"daemon", std::move(daemon)},
                  {"workers", toml::table{{"lease_ttl", duration(cfg.workers.lease_ttl)},
                                          {"heartbeat", duration(cfg.workers.heartbeat)},
                                          {"refresh", duration(cfg.workers.refresh)}}},
                  {"outbox", toml::table{{"max_rows", cfg.store.outbox.max_rows}}}};
  if (!sinks.empty()) doc.insert("sinks", std::move(sinks));
  if (!feeds.empty()) doc.insert("feeds", std::move(feeds));
  toml::array watches;
  for (const auto& w : cfg.watches)
    watches.push_back(toml::table{{"name", w.name}, {"query", w.query}, {"tag", w.tag}});
  if (!watches.empty()) doc.insert("watch", std::move(watches));
  std::ostringstream out;
  out << "# newsd config resolved from " << cfg.source.string() << '\n';
  if (!cfg.feeds_file.empty()) {
    // Commented out: its feeds are listed inline below, and loading them twice
    // would be a duplicate-feed error.
    out << "# feeds_file = " << toml::value<std::string>(cfg.feeds_file.string())
        << "  (its feeds are included below)\n";
  }
  out << '\n' << doc << '\n';
  return out.str();
}

}  // namespace newsd::config
