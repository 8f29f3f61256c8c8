#pragma once
// Shared by the http_*.cpp files: the server's state, the route groups and
// the few helpers every group uses. Not a public header.
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "newsd/service/http_server.hpp"
#include "newsd/store/store.hpp"

namespace newsd::service::http {

/// Read-only Store connections shared by the request threads: a request
/// borrows one and gives it back, so connections are opened once, not per
/// request, and never shared by two threads at a time.
class StorePool {
 public:
  StorePool(std::filesystem::path db, std::chrono::milliseconds busy_timeout, std::string postgresql_url = {})
      : db_(std::move(db)), busy_timeout_(busy_timeout), postgresql_url_(std::move(postgresql_url)) {}

  class Lease {
   public:
    Lease(StorePool& pool, std::unique_ptr<store::Store> store) : pool_(&pool), store_(std::move(store)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) noexcept = default;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (store_) pool_->give_back(std::move(store_));
    }
    store::Store* operator->() { return store_.get(); }
    store::Store& operator*() { return *store_; }

   private:
    StorePool* pool_;
    std::unique_ptr<store::Store> store_;
  };

  /// A pooled connection, or a new one (Errc::not_found if the database
  /// does not exist yet, Errc::database if it cannot be opened).
  Result<Lease> borrow();

 private:
  void give_back(std::unique_ptr<store::Store> store);

  std::filesystem::path db_;
  std::chrono::milliseconds busy_timeout_;
  std::string postgresql_url_;  ///< set: connections go to PostgreSQL, not `db_`
  std::mutex mutex_;
  std::vector<std::unique_ptr<store::Store>> idle_;
};

/// /api/stream clients, for /metrics.
struct StreamCounters {
  std::atomic<int> clients{0};
  std::atomic<std::uint64_t> events{0};   ///< articles sent
  std::atomic<std::uint64_t> dropped{0};  ///< clients cut off because a write failed or timed out (slow or gone)
  std::atomic<std::uint64_t> refused{0};  ///< clients refused because every stream slot was taken
};

struct State {
  explicit State(HttpOptions o)
      : options(std::move(o)), stores(options.db, options.busy_timeout, options.postgresql_url) {}
  HttpOptions options;
  StorePool stores;
  StreamCounters stream;
  std::atomic<bool> stopping{false};
};

/// Streams at once: each holds a pool thread, so the rest stay for pages.
inline constexpr int kThreads = 16;
inline constexpr int kMaxStreams = 8;

void add_api_routes(httplib::Server& server, State& state);      // /api/… (http_api.cpp)
void add_stream_route(httplib::Server& server, State& state);    // /api/stream (http_stream.cpp)
void add_metrics_routes(httplib::Server& server, State& state);  // /metrics, /healthz, /readyz (http_metrics.cpp)
void add_page_routes(httplib::Server& server, State& state);     // the web reader and /static/ (http_pages.cpp)

/// A label set or removed over HTTP (http_labels.cpp).
struct LabelPost {
  std::int64_t article_id = 0;
  std::string tag;
  bool remove = false;
  std::string by;  ///< the author recorded with the label (one token, as a tag name)
};
/// How a label write ended: `status` 200, or the HTTP status and why.
struct LabelAnswer {
  int status = 200;
  std::string message;
};
/// The one label write of the API and the article page: store::Store::write_labels
/// on the served database. 403 when no [http] token is configured (writes
/// are never open), 400 for a bad tag or author, 404 for an unknown
/// article, 503 when the database stayed locked past the busy timeout.
LabelAnswer post_label(State& state, const LabelPost& post);
void add_label_api_route(httplib::Server& server, State& state);  // POST /api/articles/{id}/labels

/// An API error: `{"error": {"status": 400, "message": "…"}}`.
void send_error(httplib::Response& res, int status, std::string_view message);
void send_json(httplib::Response& res, const nlohmann::json& body);
/// 400 for a bad query (invalid_argument), 404 not_found, 503 when the
/// database is busy, 500 otherwise. (A connection that cannot be borrowed,
/// the database missing included, is a 503 at the call site.)
int status_for(const Error& error);

/// A search as the API and the search page take it (docs/api.md): the
/// query, plus the offset the cursor stood for.
struct SearchRequest {
  store::SearchQuery query;
  int offset = 0;
};
/// Validates every parameter; a bad one is Errc::invalid_argument naming it
/// (unknown parameters included), never a silent default.
Result<SearchRequest> parse_search(const httplib::Request& req);
/// The cursor of the page after `offset` + `limit`.
std::string cursor_for(int offset);

/// The article id in a path segment; nullopt unless 1..2^53 in decimal.
std::optional<std::int64_t> parse_id(std::string_view text);

}  // namespace newsd::service::http
