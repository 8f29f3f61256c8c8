#include "settings.hpp"

#include <algorithm>
#include <set>
#include <string>

#include "newsd/base/network.hpp"

namespace newsd::config::detail {
namespace {

void read_log(TableReader& r, LogConfig& log) {
  r.string("level", log.level);
  static const std::set<std::string> kLevels{"trace", "debug", "info", "warn", "error", "off"};
  if (!kLevels.contains(log.level))
    r.error_at("level", "'log.level' must be one of trace, debug, info, warn, error, off");
}

void read_fetch(TableReader& r, FetchConfig& f) {
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
      r.error_at("allow_networks",
                 "'fetch.allow_networks' entry '" + net + "' is not a network such as \"10.0.0.0/8\" or \"fd00::/8\"");
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

void read_limits(TableReader& r, LimitsConfig& l) {
  r.integer("title_chars", l.title_chars, 16, 1'000'000);
  r.integer("byline_chars", l.byline_chars, 16, 100'000);
  r.integer("article_chars", l.article_chars, 1000, 100'000'000);
  r.integer("entries_per_feed", l.entries_per_feed, 1, 1'000'000);
  r.integer("pages_per_poll", l.pages_per_poll, 1, 1'000'000);
}

void read_schedule(TableReader& r, ScheduleConfig& s) {
  r.duration("min_interval", s.min_interval, Seconds{60}, Seconds{7 * 24 * 3600});
  r.duration("max_interval", s.max_interval, Seconds{60}, Seconds{30 * 24 * 3600});
  r.duration("max_backoff", s.max_backoff, Seconds{60}, Seconds{7 * 24 * 3600});
  r.number("jitter", s.jitter, 0.0, 0.5);
  if (s.min_interval > s.max_interval) {
    r.error_at("min_interval", "'schedule.min_interval' cannot exceed 'schedule.max_interval'");
  }
}

void read_classify(TableReader& r, ClassifyConfig& classify, const LoadOptions& options) {
  r.path("taxonomy", classify.taxonomy);
  fs::path model;
  r.path("model", model);
  if (!model.empty()) {
    classify.model = model;
    // A model that does not load stops the daemon at start; say so now.
    if (options.check_model) {
      if (const std::string why = options.check_model(model); !why.empty()) {
        r.error_at("model", "'classify.model' " + model.string() + ": " + why);
      }
    }
  }
  r.number("model_threshold", classify.model_threshold, 0.0, 1.0);
  r.integer("model_top_k", classify.model_top_k, 1, 20);
}

void read_store(TableReader& r, StoreConfig& store) {
  std::string backend = "sqlite";
  r.string("backend", backend);
  if (backend == "postgresql") {
    store.backend = StoreBackend::postgresql;
  } else if (backend != "sqlite") {
    r.error_at("backend", "'store.backend' must be \"sqlite\" or \"postgresql\", not \"" + backend + "\"");
  }
  r.path("path", store.path);
  r.string("url", store.url);
  if (store.backend == StoreBackend::postgresql && !store.url.starts_with("postgresql://") &&
      !store.url.starts_with("postgres://")) {
    r.error_at(store.url.empty() ? "backend" : "url",
               "'store.url' must be a postgresql:// URI when store.backend is \"postgresql\"");
  }
  r.integer("keep_days", store.keep_days, 0, 100 * 365);
  r.integer("batch_size", store.batch_size, 1, 10'000);
  r.duration("busy_timeout", store.busy_timeout, Seconds{0}, Seconds{600});
}

void read_daemon(TableReader& r, DaemonConfig& daemon) {
  r.integer("workers", daemon.workers, 1, 256);
  r.integer("queue_capacity", daemon.queue_capacity, 1, 1'000'000);
  r.duration("shutdown_grace", daemon.shutdown_grace, Seconds{0}, Seconds{600});
}

void read_workers(TableReader& r, WorkersConfig& workers) {
  r.duration("lease_ttl", workers.lease_ttl, Seconds{3}, Seconds{3600});
  workers.heartbeat = std::max(Seconds{1}, workers.lease_ttl / 3);
  // A heartbeat as long as the lease would let it lapse between two beats.
  if (r.duration("heartbeat", workers.heartbeat, Seconds{1}, Seconds{1200}) && workers.heartbeat >= workers.lease_ttl) {
    r.error_at("heartbeat", "'workers.heartbeat' must be shorter than 'workers.lease_ttl'");
  }
  r.duration("refresh", workers.refresh, Seconds{1}, Seconds{3600});
}

void read_http(TableReader& r, HttpConfig& http) {
  r.string("listen", http.listen);
  r.string("token", http.token);
  if (auto problem = http_problem(http)) r.error_at("listen", *problem);
}

void read_outbox(TableReader& r, OutboxConfig& outbox) {
  r.integer("max_rows", outbox.max_rows, 1, std::int64_t{1} << 40);
}

}  // namespace

void read_settings(TableReader& root, Config& cfg, Validator& v, const LoadOptions& options) {
  read_table(root, "log", v, [&](TableReader& r) { read_log(r, cfg.log); });
  read_table(root, "fetch", v, [&](TableReader& r) { read_fetch(r, cfg.fetch); });
  read_table(root, "limits", v, [&](TableReader& r) { read_limits(r, cfg.limits); });
  read_table(root, "schedule", v, [&](TableReader& r) { read_schedule(r, cfg.schedule); });
  read_table(root, "classify", v, [&](TableReader& r) { read_classify(r, cfg.classify, options); });
  read_table(root, "store", v, [&](TableReader& r) { read_store(r, cfg.store); });
  read_table(root, "daemon", v, [&](TableReader& r) { read_daemon(r, cfg.daemon); });
  read_table(root, "workers", v, [&](TableReader& r) { read_workers(r, cfg.workers); });
  read_table(root, "http", v, [&](TableReader& r) { read_http(r, cfg.http); });
  read_table(root, "outbox", v, [&](TableReader& r) { read_outbox(r, cfg.store.outbox); });
}

}  // namespace newsd::config::detail
