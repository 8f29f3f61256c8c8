// The HTTP endpoint: binding, the thread pool, limits against slow or
// greedy clients, security headers and the token check in front of every
// route group (the groups are in http_api/stream/metrics/pages.cpp).
#include <thread>

#include "http_internal.hpp"
#include "newsd/base/log.hpp"

namespace newsd::service {

void IngestBoard::publish(IngestSnapshot snapshot) {
  std::lock_guard lock(mutex_);
  latest_ = std::move(snapshot);
}

void IngestBoard::publish_from(const ingest::Engine& engine, std::chrono::milliseconds stall_threshold) {
  IngestSnapshot s;
  s.status = engine.status();
  s.progress = engine.progress();
  s.fetch = engine.fetch_stats();
  s.stalled_stage = engine.stalled_stage(stall_threshold);
  s.taken = std::chrono::steady_clock::now();
  publish(std::move(s));
}

std::optional<IngestSnapshot> IngestBoard::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

namespace http {

Result<StorePool::Lease> StorePool::borrow() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto store = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(store));
    }
  }
  auto opened = postgresql_url_.empty() ? store::Store::open_readonly(db_, busy_timeout_)
                                        : store::Store::open_readonly(config::StoreConfig{
                                              .backend = config::StoreBackend::postgresql, .url = postgresql_url_});
  if (!opened) return std::unexpected(opened.error());
  return Lease(*this, std::make_unique<store::Store>(std::move(*opened)));
}

void StorePool::give_back(std::unique_ptr<store::Store> store) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(store));
}

void send_json(httplib::Response& res, const nlohmann::json& body) {
  // Stored text is untrusted bytes: invalid UTF-8 becomes U+FFFD, never an exception.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

void send_error(httplib::Response& res, int status, std::string_view message) {
  res.status = status;
  send_json(res, {{"error", {{"status", status}, {"message", message}}}});
}

int status_for(const Error& error) {
  switch (error.code) {
    case Errc::invalid_argument: return 400;
    case Errc::not_found: return 404;
    case Errc::locked:
    case Errc::timeout: return 503;
    default: return 500;
  }
}

}  // namespace http

namespace {

using http::State;

constexpr std::string_view kCookie = "newsd_token";

// Every byte compared whatever the input, so the time taken does not tell
// an attacker how much of a guess was right.
bool same_secret(std::string_view given, std::string_view expected) {
  unsigned char diff = given.size() == expected.size() ? 0 : 1;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    diff |= static_cast<unsigned char>(expected[i] ^ (i < given.size() ? given[i] : 0));
  }
  return diff == 0;
}

std::string_view cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto end = header.find(';');
    std::string_view part = header.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > name.size() && part.starts_with(name) && part[name.size()] == '=') {
      return part.substr(name.size() + 1);
    }
    if (end == std::string_view::npos) break;
    header.remove_prefix(end + 1);
  }
  return {};
}

bool authorized(const httplib::Request& req, const std::string& token) {
  if (token.empty()) return true;
  const std::string auth = req.get_header_value("Authorization");
  if (auth.starts_with("Bearer ") && same_secret(std::string_view(auth).substr(7), token)) return true;
  return same_secret(cookie_value(req.get_header_value("Cookie"), kCookie), token);
}

// Reachable without the token: probes, the login form and its stylesheet.
bool public_path(const std::string& path) {
  return path == "/healthz" || path == "/readyz" || path == "/login" || path.starts_with("/static/");
}

void set_security_headers(httplib::Response& res) {
  // No inline script or style anywhere: the pages load /static/ files only,
  // and the trend charts use SVG presentation attributes, not style="".
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                 "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'");
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
}

const char* kLoginPage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,"><link rel="stylesheet" href="/static/newsd.css"><title>newsd — sign in</title></head>
<body><main class="login"><h1>newsd</h1>%MESSAGE%
<form method="post" action="/login"><label>Access token <input type="password" name="token" autocomplete="current-password" required></label>
<button type="submit">Sign in</button></form></main></body></html>
)";

void login_page(httplib::Response& res, std::string_view message) {
  std::string page = kLoginPage;
  page.replace(page.find("%MESSAGE%"), 9, message.empty() ? "" : "<p class=\"error\">" + std::string(message) + "</p>");
  res.set_content(page, "text/html; charset=utf-8");
}

void add_login_routes(httplib::Server& server, State& state) {
  server.Get("/login", [](const httplib::Request&, httplib::Response& res) { login_page(res, {}); });
  server.Post("/login", [&state](const httplib::Request& req, httplib::Response& res) {
    const std::string& token = state.options.http.token;
    if (token.empty()) return res.set_redirect("/", 303);
    if (!same_secret(req.get_param_value("token"), token)) {
      log::warn("http.login_failed", {{"remote", req.remote_addr}});
      res.status = 401;
      return login_page(res, "Wrong token.");
    }
    res.set_header("Set-Cookie", std::string(kCookie) + "=" + token + "; Path=/; HttpOnly; SameSite=Strict");
    res.set_redirect("/", 303);
  });
}

}  // namespace

struct HttpServer::Impl {
  explicit Impl(HttpOptions options) : state(std::move(options)) {}
  State state;
  httplib::Server server;
  std::thread thread;
  int port = 0;
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
  impl_->state.stopping = true;  // streams notice within one poll interval
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

int HttpServer::port() const { return impl_->port; }

Result<std::unique_ptr<HttpServer>> HttpServer::start(HttpOptions options) {
  const auto address = config::parse_listen(options.http.listen);
  if (!address) return fail(Errc::config, "http.listen: not host:port: '" + options.http.listen + "'");
  auto impl = std::make_unique<Impl>(std::move(options));
  httplib::Server& server = impl->server;
  State& state = impl->state;
  server.new_task_queue = [] { return new httplib::ThreadPool(http::kThreads); };
  // A client that sends or reads too slowly gives its thread back.
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.set_idle_interval(0, 100'000);
  server.set_keep_alive_max_count(100);
  server.set_keep_alive_timeout(5);
  server.set_payload_max_length(16 * 1024);  // only the login form has a body
  server.set_pre_routing_handler([&state](const httplib::Request& req, httplib::Response& res) {
    set_security_headers(res);
    if (public_path(req.path) || authorized(req, state.options.http.token))
      return httplib::Server::HandlerResponse::Unhandled;
    if (req.path.starts_with("/api/") || req.path == "/metrics") {
      res.set_header("WWW-Authenticate", "Bearer");
      http::send_error(res, 401, "a token is required: Authorization: Bearer <token>");
    } else {
      res.set_redirect("/login", 303);
    }
    return httplib::Server::HandlerResponse::Handled;
  });
  server.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    log::error("http.handler_failed", {{"path", req.path}, {"error", what}});
    http::send_error(res, 500, "internal error");
  });
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.body.empty()) http::send_error(res, res.status, res.status == 404 ? "no such page" : "request refused");
  });
  add_login_routes(server, state);
  http::add_metrics_routes(server, state);
  http::add_api_routes(server, state);
  http::add_stream_route(server, state);
  http::add_page_routes(server, state);

  impl->port = address->port == 0 ? server.bind_to_any_port(address->host)
                                  : (server.bind_to_port(address->host, address->port) ? address->port : -1);
  if (impl->port <= 0) return fail(Errc::io, "cannot listen on " + state.options.http.listen);
  httplib::Server* raw = &server;
  impl->thread = std::thread([raw] { raw->listen_after_bind(); });
  // stop() does nothing until the accept loop runs: wait for it, so a
  // server destroyed at once still joins.
  while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds{1});
  log::info("http.listening", {{"listen", state.options.http.listen},
                               {"port", impl->port},
                               {"token", state.options.http.token.empty() ? "none" : "required"}});
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

}  // namespace newsd::service
