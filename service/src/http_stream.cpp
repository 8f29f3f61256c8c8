// /api/stream: Server-Sent Events, one `article` event per newly stored
// article. Each client polls the archive through a read-only connection
// for ids above the last one it sent, so the store writer is never asked
// for anything and a slow client only falls behind itself: its socket
// write times out (5 s) and it is cut off and counted, nothing queues up.
// A client that reconnects with Last-Event-ID resumes where it stopped.
#include <thread>

#include "http_internal.hpp"
#include "newsd/base/log.hpp"
#include "newsd/service/http_json.hpp"

namespace newsd::service::http {
namespace {

constexpr int kBatch = 100;
constexpr auto kPingEvery = std::chrono::seconds{15};

struct Session {
  std::int64_t last_id = 0;
  bool greeted = false;
  std::chrono::steady_clock::time_point last_write = std::chrono::steady_clock::now();
};

// Sleeps `total` in short steps, so a stopping server is not kept waiting.
void pause(const State& state, std::chrono::milliseconds total) {
  const auto until = std::chrono::steady_clock::now() + total;
  while (!state.stopping && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
}

std::string event_for(const store::SearchHit& hit) {
  return "id: " + std::to_string(hit.id) +
         "\nevent: article\ndata: " + hit_json(hit).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
         "\n\n";
}

// One turn of the stream: send what is new, else a keep-alive comment when
// due, else wait. False ends the stream.
bool pump(State& state, Session& session, httplib::DataSink& sink) {
  if (state.stopping) {
    sink.done();
    return true;
  }
  if (!session.greeted) {
    // Sent at once, so a client knows the stream is open before any article.
    constexpr std::string_view hello = "retry: 3000\n\n";
    if (!sink.write(hello.data(), hello.size())) return false;
    session.greeted = true;
  }
  auto store = state.stores.borrow();
  if (!store) return false;
  store::SearchQuery q;
  q.after_id = session.last_id;
  q.limit = kBatch;
  auto hits = (*store)->search(q);
  if (!hits) {
    log::warn("http.stream_failed", {{"error", hits.error().describe()}});
    return false;
  }
  for (const auto& hit : *hits) {
    const std::string event = event_for(hit);
    if (!sink.write(event.data(), event.size())) {
      ++state.stream.dropped;
      return false;
    }
    ++state.stream.events;
    session.last_id = hit.id;
    session.last_write = std::chrono::steady_clock::now();
  }
  if (std::chrono::steady_clock::now() - session.last_write >= kPingEvery) {
    constexpr std::string_view ping = ": ping\n\n";
    if (!sink.write(ping.data(), ping.size())) {
      ++state.stream.dropped;
      return false;
    }
    session.last_write = std::chrono::steady_clock::now();
  }
  if (hits->size() < static_cast<std::size_t>(kBatch)) pause(state, state.options.stream_poll);
  return true;
}

// Where the stream starts: after Last-Event-ID (a reconnect), after ?after=,
// else after the newest article stored now.
Result<std::int64_t> start_id(State& state, const httplib::Request& req) {
  for (const char* given : {"Last-Event-ID", "after"}) {
    const std::string text = std::string(given) == "after" ? req.get_param_value("after") : req.get_header_value(given);
    if (text.empty()) continue;
    if (text == "0") return 0;
    auto id = parse_id(text);
    if (!id) return fail(Errc::invalid_argument, std::string(given) + " must be an article id");
    return *id;
  }
  auto store = state.stores.borrow();
  if (!store) return std::unexpected(store.error());
  auto counts = (*store)->counts();
  if (!counts) return std::unexpected(counts.error());
  return counts->last_article_id;
}

}  // namespace

void add_stream_route(httplib::Server& server, State& state) {
  server.Get("/api/stream", [&state](const httplib::Request& req, httplib::Response& res) {
    for (const auto& [name, value] : req.params) {
      if (name != "after") return send_error(res, 400, "parameter '" + name + "': unknown parameter");
    }
    auto start = start_id(state, req);
    if (!start) return send_error(res, start.error().code == Errc::invalid_argument ? 400 : 503, start.error().message);
    // Claim a slot: each stream holds a pool thread for as long as it lasts.
    int clients = state.stream.clients.load();
    do {
      if (clients >= kMaxStreams) {
        ++state.stream.refused;
        res.set_header("Retry-After", "10");
        return send_error(res, 503, "too many open streams; retry later");
      }
    } while (!state.stream.clients.compare_exchange_weak(clients, clients + 1));
    auto session = std::make_shared<Session>();
    session->last_id = *start;
    res.set_header("Cache-Control", "no-store");
    res.set_chunked_content_provider(
        "text/event-stream",
        [&state, session](std::size_t, httplib::DataSink& sink) { return pump(state, *session, sink); },
        [&state](bool) { --state.stream.clients; });
  });
}

}  // namespace newsd::service::http
