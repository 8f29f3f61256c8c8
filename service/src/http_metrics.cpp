// /metrics (Prometheus text format 0.0.4), /healthz and /readyz.
// The archive's figures come from the same Store queries as `newsd feeds`
// and `newsd stats`; ingest's come from the snapshot the daemon's
// coordinator publishes on each tick (absent under `newsd serve`).
#include <fmt/format.h>

#include <map>

#include "http_internal.hpp"
#include "newsd/ingest/stage_timings.hpp"
#include "newsd/watch/match_counts.hpp"

namespace newsd::service::http {
namespace {

// A coordinator that has not published for this long is stuck: it ticks
// at least once a second.
constexpr auto kTickSilence = std::chrono::seconds{30};

std::string label_value(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// Writes families in the text format: HELP and TYPE once, then samples.
class Exposition {
 public:
  Exposition& family(std::string_view name, std::string_view type, std::string_view help) {
    text_ += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
    return *this;
  }
  Exposition& sample(std::string_view name, double value, std::string_view labels = {}) {
    text_ += labels.empty() ? fmt::format("{} {}\n", name, value) : fmt::format("{}{{{}}} {}\n", name, labels, value);
    return *this;
  }
  Exposition& one(std::string_view name, std::string_view type, std::string_view help, double value) {
    return family(name, type, help).sample(name, value);
  }
  [[nodiscard]] const std::string& text() const { return text_; }

 private:
  std::string text_;
};

void archive_metrics(Exposition& out, store::Store& store) {
  auto stats = store.stats();
  if (stats) {
    out.one("newsd_db_size_bytes", "gauge", "Size of the database's main file (WAL excluded).",
            static_cast<double>(stats->db_bytes));
    out.one("newsd_archive_articles", "gauge", "Articles in the archive.", static_cast<double>(stats->articles));
  }
  auto feeds = store.feeds();
  if (!feeds) return;
  std::map<std::string, int> by_state{{"active", 0}, {"error", 0}, {"gone", 0}, {"removed", 0}};
  double lateness = 0;
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  for (const auto& f : *feeds) {
    ++by_state[f.state];
    const bool polled = f.state == "active" || f.state == "error";
    if (polled && f.next_fetch_at && *f.next_fetch_at < now) {
      lateness = std::max(lateness, static_cast<double>((now - *f.next_fetch_at).count()));
    }
  }
  out.family("newsd_feeds", "gauge", "Feeds by state (active, error, gone, removed).");
  for (const auto& [state, n] : by_state) out.sample("newsd_feeds", n, "state=\"" + label_value(state) + "\"");
  out.one("newsd_feed_oldest_due_lateness_seconds", "gauge",
          "How long past its due time the most overdue polled feed is (0 if none is overdue).", lateness);
}

// From the database, so `newsd serve` shows the daemon's sinks too.
void outbox_metrics(Exposition& out, store::Store& store) {
  auto outbox = store.outbox_status();
  if (!outbox) return;
  out.one("newsd_outbox_rows", "gauge", "Stored articles waiting in the outbox for at least one sink.",
          static_cast<double>(outbox->rows));
  out.one("newsd_outbox_dropped_total", "counter",
          "Outbox rows dropped by [outbox] max_rows before every sink had delivered them.",
          static_cast<double>(outbox->dropped));
  if (outbox->sinks.empty()) return;
  out.family("newsd_sink_lag", "gauge", "Outbox rows a sink has not delivered yet.");
  for (const auto& s : outbox->sinks)
    out.sample("newsd_sink_lag", static_cast<double>(s.lag), "sink=\"" + label_value(s.name) + "\"");
  out.family("newsd_sink_delivered_total", "counter", "Articles a sink has delivered.");
  for (const auto& s : outbox->sinks)
    out.sample("newsd_sink_delivered_total", static_cast<double>(s.delivered), "sink=\"" + label_value(s.name) + "\"");
  out.family("newsd_sink_dead_letters", "gauge", "Articles a sink gave up on (newsd sinks retry NAME).");
  for (const auto& s : outbox->sinks)
    out.sample("newsd_sink_dead_letters", static_cast<double>(s.dead_letters), "sink=\"" + label_value(s.name) + "\"");
}

void ingest_metrics(Exposition& out, const IngestSnapshot& s) {
  const auto& f = s.fetch;
  out.family("newsd_fetch_requests_total", "counter", "Fetch requests completed, by result.")
      .sample("newsd_fetch_requests_total", static_cast<double>(f.succeeded - f.not_modified), "result=\"ok\"")
      .sample("newsd_fetch_requests_total", static_cast<double>(f.not_modified), "result=\"not_modified\"")
      .sample("newsd_fetch_requests_total", static_cast<double>(f.failed), "result=\"failed\"");
  out.one("newsd_fetch_body_bytes_total", "counter", "Decompressed body bytes fetched.",
          static_cast<double>(f.body_bytes));
  out.one("newsd_fetch_transfers_total", "counter", "HTTP transfers started (retries, redirects, robots.txt included).",
          static_cast<double>(f.transfers));
  out.one("newsd_fetch_retries_total", "counter", "Transfers repeated after 429, 5xx, network errors or timeouts.",
          static_cast<double>(f.retries));
  const auto& p = s.progress;
  out.family("newsd_feed_polls_total", "counter", "Feed polls finished since start, by result.")
      .sample("newsd_feed_polls_total", p.feeds_fetched, "result=\"fetched\"")
      .sample("newsd_feed_polls_total", p.feeds_not_modified, "result=\"not_modified\"")
      .sample("newsd_feed_polls_total", p.feeds_failed, "result=\"failed\"");
  out.family("newsd_pages_total", "counter", "Article pages since start, by result.")
      .sample("newsd_pages_total", p.pages_fetched, "result=\"fetched\"")
      .sample("newsd_pages_total", p.pages_failed, "result=\"failed\"")
      .sample("newsd_pages_total", p.pages_deferred, "result=\"deferred\"");
  out.family("newsd_articles_total", "counter", "Articles written since start, by outcome.")
      .sample("newsd_articles_total", p.articles_inserted, "outcome=\"stored\"")
      .sample("newsd_articles_total", p.articles_duplicate, "outcome=\"duplicate\"");
  out.one("newsd_writes_failed_total", "counter", "Articles, sightings and feed states the store could not write.",
          p.writes_failed);
  const auto& st = s.status;
  out.family("newsd_queue_depth", "gauge", "Work waiting or in flight in each stage.")
      .sample("newsd_queue_depth", static_cast<double>(st.feeds_due), "queue=\"feeds_due\"")
      .sample("newsd_queue_depth", static_cast<double>(st.feeds_in_flight), "queue=\"feeds_in_flight\"")
      .sample("newsd_queue_depth", static_cast<double>(st.pages_in_flight), "queue=\"pages_in_flight\"")
      .sample("newsd_queue_depth", static_cast<double>(st.pages_waiting), "queue=\"pages_waiting\"")
      .sample("newsd_queue_depth", static_cast<double>(st.writer_queued), "queue=\"writer\"");
  out.one("newsd_stalled", "gauge", "1 while a pipeline stage has made no progress past the watchdog threshold.",
          s.stalled_stage ? 1 : 0);
}

void stage_histograms(Exposition& out) {
  out.family("newsd_stage_duration_seconds", "histogram",
             "Time per unit of work by stage: fetch = one transfer (retries included), parse = one feed document, "
             "extract = one page, classify = one article, write = one committed batch.");
  for (const auto stage : ingest::kStages) {
    const auto h = ingest::stage_timings().snapshot(stage);
    const std::string name(ingest::to_string(stage));
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < ingest::kStageBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      out.sample("newsd_stage_duration_seconds_bucket", static_cast<double>(cumulative),
                 fmt::format("stage=\"{}\",le=\"{}\"", name, ingest::kStageBuckets[i]));
    }
    out.sample("newsd_stage_duration_seconds_bucket", static_cast<double>(h.count),
               "stage=\"" + name + "\",le=\"+Inf\"");
    out.sample("newsd_stage_duration_seconds_sum", h.sum_seconds, "stage=\"" + name + "\"");
    out.sample("newsd_stage_duration_seconds_count", static_cast<double>(h.count), "stage=\"" + name + "\"");
  }
}

void watch_metrics(Exposition& out) {
  out.family("newsd_watch_matches_total", "counter",
             "Articles each watch ([[watch]]) matched at ingest since start (watches yet to match are absent).");
  for (const auto& [name, n] : watch::match_counts().snapshot()) {
    out.sample("newsd_watch_matches_total", static_cast<double>(n), "watch=\"" + label_value(name) + "\"");
  }
}

std::string exposition(State& state) {
  Exposition out;
  out.family("newsd_build_info", "gauge", "Always 1; the labels name the build.")
      .sample("newsd_build_info", 1,
              fmt::format("version=\"0.1.0\",mode=\"{}\",schema=\"{}\"", state.options.ingest ? "run" : "serve",
                          store::kSchemaVersion));
  if (auto store = state.stores.borrow()) {
    archive_metrics(out, **store);
    outbox_metrics(out, **store);
  }
  if (state.options.ingest) {
    if (auto snapshot = state.options.ingest->latest()) ingest_metrics(out, *snapshot);
    stage_histograms(out);
    watch_metrics(out);
  }
  out.one("newsd_http_stream_clients", "gauge", "Open /api/stream clients.", state.stream.clients.load());
  out.one("newsd_http_stream_events_total", "counter", "Articles sent on /api/stream.",
          static_cast<double>(state.stream.events.load()));
  out.one("newsd_http_stream_dropped_total", "counter", "Stream clients cut off because a write failed or timed out.",
          static_cast<double>(state.stream.dropped.load()));
  out.one("newsd_http_stream_refused_total", "counter", "Stream clients refused because every slot was taken.",
          static_cast<double>(state.stream.refused.load()));
  return out.text();
}

void probe(httplib::Response& res, bool ok, const std::string& why) {
  res.status = ok ? 200 : 503;
  res.set_content(ok ? "ok\n" : why + "\n", "text/plain; charset=utf-8");
}

}  // namespace

void add_metrics_routes(httplib::Server& server, State& state) {
  server.Get("/metrics", [&state](const httplib::Request&, httplib::Response& res) {
    res.set_content(exposition(state), "text/plain; version=0.0.4; charset=utf-8");
  });
  // Alive, and (in the daemon) the coordinator ticks and no stage is stalled.
  server.Get("/healthz", [&state](const httplib::Request&, httplib::Response& res) {
    if (!state.options.ingest) return probe(res, true, {});
    const auto snapshot = state.options.ingest->latest();
    if (!snapshot) return probe(res, false, "ingest has not started");
    if (std::chrono::steady_clock::now() - snapshot->taken > kTickSilence) {
      return probe(res, false, "the ingest coordinator has not ticked for 30 s");
    }
    if (snapshot->stalled_stage) return probe(res, false, "stalled: " + *snapshot->stalled_stage);
    probe(res, true, {});
  });
  // Config loaded (it was, or the server would not exist) and the store opens and answers.
  server.Get("/readyz", [&state](const httplib::Request&, httplib::Response& res) {
    auto store = state.stores.borrow();
    if (!store) return probe(res, false, "store: " + store.error().message);
    auto counts = (*store)->counts();
    probe(res, counts.has_value(), counts ? "" : "store: " + counts.error().message);
  });
}

}  // namespace newsd::service::http
