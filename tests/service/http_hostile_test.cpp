// Hostile input to the HTTP endpoint: bad and huge query parameters are
// 400s with a JSON message (never a 500), static paths cannot leave the
// embedded files, stored markup is escaped, tokens are enforced, and a
// client that never finishes its request does not hold the server.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_fixture.hpp"

namespace newsd::service::testing {
namespace {

class HttpHostileTest : public HttpTest {};

TEST_F(HttpHostileTest, BadQueryParametersAre400WithTheParameterNamed) {
  start();
  const std::pair<const char*, const char*> cases[] = {
      {"/api/articles?limit=0", "parameter 'limit'"},
      {"/api/articles?limit=abc", "parameter 'limit'"},
      {"/api/articles?limit=99999999999999999999", "parameter 'limit'"},
      {"/api/articles?cursor=o-5", "parameter 'cursor'"},
      {"/api/articles?cursor=xyz", "parameter 'cursor'"},
      {"/api/articles?cursor=o999999", "parameter 'cursor'"},
      {"/api/articles?since=yesterday", "parameter 'since'"},
      {"/api/articles?until=2026-13-45", "parameter 'until'"},
      {"/api/articles?sort=random", "parameter 'sort'"},
      {"/api/articles?country=Morocco", "parameter 'country'"},
      {"/api/articles?lang=%3Cscript%3E", "parameter 'lang'"},
      {"/api/articles?q=a&q=b", "parameter 'q'"},
      {"/api/articles?offset=5", "parameter 'offset'"},
      {"/api/articles?tag=a&tag=b&tag=c&tag=d&tag=e&tag=f&tag=g&tag=h&tag=i", "parameter 'tag'"},
      {"/api/articles?q=a%20OR", "invalid search query"},  // an operator without its term
      {"/api/articles?q=NOT", "invalid search query"},
      {"/api/articles?q=a*%20b*%20c*%20d*%20e*%20f*%20g*%20h*%20i*", "query too expensive"},
      {"/api/articles/abc", "positive integer"},
      {"/api/articles/-1", "positive integer"},
      {"/api/articles/99999999999999999999999", "positive integer"},
      {"/api/tags?kind=nope", "parameter 'kind'"},
      {"/api/tags?days=0", "parameter 'days'"},
      {"/api/feeds?x=1", "no parameters"},
      {"/api/stream?after=abc", "must be an article id"},
  };
  for (const auto& [path, message] : cases) {
    const auto body = get_json(path, 400);
    ASSERT_TRUE(body.is_object()) << path;
    EXPECT_EQ(body["error"]["status"], 400) << path;
    EXPECT_NE(body["error"]["message"].get<std::string>().find(message), std::string::npos)
        << path << ": " << body["error"]["message"];
  }
}

TEST_F(HttpHostileTest, HugeParametersAreRefusedNotRun) {
  start();
  // Past the store's SearchLimits (4096 bytes): refused before SQLite sees it.
  const auto body = get_json("/api/articles?q=" + std::string(5000, 'a'), 400);
  EXPECT_NE(body["error"]["message"].get<std::string>().find("query too expensive"), std::string::npos);
  EXPECT_NE(
      get_json("/api/articles?tag=" + std::string(300, 'x'), 400)["error"]["message"].get<std::string>().find("longer"),
      std::string::npos);
  // Past the server's URI limit (8 KiB): cpp-httplib answers 414 without routing.
  auto res = get("/api/articles?q=" + std::string(20000, 'a'));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 414);
  // And the server still serves.
  EXPECT_EQ(get_json("/api/stats")["articles"], 7);
}

TEST_F(HttpHostileTest, StaticPathsCannotLeaveTheEmbeddedFiles) {
  start();
  for (const char* path :
       {"/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2fetc%2fpasswd",
        "/static//etc/passwd", "/static/newsd.css/../../CMakeLists.txt", "/static/", "/static/NEWSD.CSS",
        "/../../etc/passwd"}) {
    auto res = get(path);
    ASSERT_TRUE(res) << path;
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_EQ(res->body.find("root:"), std::string::npos) << path;
  }
  auto css = get("/static/newsd.css");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->status, 200);
  EXPECT_EQ(css->get_header_value("Content-Type"), "text/css; charset=utf-8");
  EXPECT_EQ(css->get_header_value("X-Content-Type-Options"), "nosniff");
}

TEST_F(HttpHostileTest, StoredMarkupIsEscapedAndBadLinksAreNotLinked) {
  start();
  const auto page = get("/?q=hostile");
  ASSERT_TRUE(page);
  ASSERT_EQ(page->status, 200);
  EXPECT_EQ(page->body.find("<script>alert"), std::string::npos);
  EXPECT_NE(page->body.find("&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;"), std::string::npos);
  const auto id = get_json("/api/articles?q=hostile")["articles"][0]["id"].get<std::int64_t>();
  const auto article = get("/articles/" + std::to_string(id));
  ASSERT_TRUE(article);
  EXPECT_EQ(article->body.find("<img src=x"), std::string::npos);
  EXPECT_EQ(article->body.find("<svg onload"), std::string::npos);
  EXPECT_EQ(article->body.find("href=\"javascript:"), std::string::npos);
  EXPECT_NE(article->body.find("&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
}

TEST_F(HttpHostileTest, EveryAnswerCarriesTheSecurityHeaders) {
  start();
  for (const char* path : {"/", "/feeds", "/trends", "/api/stats", "/metrics", "/nope"}) {
    auto res = get(path);
    ASSERT_TRUE(res) << path;
    const std::string csp = res->get_header_value("Content-Security-Policy");
    EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << path;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << path;
    EXPECT_EQ(res->get_header_value("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(res->get_header_value("Referrer-Policy"), "no-referrer") << path;
  }
  // No inline script or style in any page: the CSP would block it.
  for (const char* path : {"/", "/feeds", "/trends?kind=country"}) {
    const auto body = get(path)->body;
    EXPECT_EQ(body.find("<script>"), std::string::npos) << path;
    EXPECT_EQ(body.find("style="), std::string::npos) << path;
    EXPECT_EQ(body.find("<style"), std::string::npos) << path;
  }
}

constexpr const char* kToken = "s3cret-token-of-32-characters-xx";

TEST_F(HttpHostileTest, WithATokenEveryPrivateRouteNeedsIt) {
  start(kToken);
  EXPECT_EQ(get("/api/stats")->status, 401);
  EXPECT_EQ(get("/api/stats")->get_header_value("WWW-Authenticate"), "Bearer");
  EXPECT_EQ(get("/metrics")->status, 401);
  EXPECT_EQ(get("/api/stream")->status, 401);
  EXPECT_EQ(get("/")->status, 303);
  EXPECT_EQ(get("/")->get_header_value("Location"), "/login");
  for (const std::string bad :
       {"Bearer wrong", "Bearer ", "Bearer s3cret-token-of-32-characters-x", "Bearer s3cret-token-of-32-characters-xxx",
        "Basic czNjcmV0", "s3cret-token-of-32-characters-xx"}) {
    EXPECT_EQ(get("/api/stats", {{"Authorization", bad}})->status, 401) << bad;
  }
  EXPECT_EQ(get("/api/stats", {{"Cookie", "newsd_token=wrong"}})->status, 401);
  EXPECT_EQ(get("/api/stats", {{"Cookie", "other=1; newsd_token=" + std::string(kToken) + "x"}})->status, 401);
  EXPECT_EQ(get("/api/stats", {{"Authorization", std::string("Bearer ") + kToken}})->status, 200);
  EXPECT_EQ(get("/api/stats", {{"Cookie", "other=1; newsd_token=" + std::string(kToken)}})->status, 200);
  // Probes and the login form stay reachable.
  EXPECT_EQ(get("/healthz")->status, 200);
  EXPECT_EQ(get("/readyz")->status, 200);
  EXPECT_EQ(get("/login")->status, 200);
}

TEST_F(HttpHostileTest, LoginFormSetsTheCookieOnlyForTheRightToken) {
  start(kToken);
  auto wrong = client_->Post("/login", "token=guess", "application/x-www-form-urlencoded");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_FALSE(wrong->has_header("Set-Cookie"));
  auto right = client_->Post("/login", std::string("token=") + kToken, "application/x-www-form-urlencoded");
  ASSERT_TRUE(right);
  EXPECT_EQ(right->status, 303);
  const std::string cookie = right->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  const std::string pair = cookie.substr(0, cookie.find(';'));
  EXPECT_EQ(get("/feeds", {{"Cookie", pair}})->status, 200);
  auto huge = client_->Post("/login", "token=" + std::string(100'000, 'a'), "application/x-www-form-urlencoded");
  ASSERT_TRUE(huge);
  EXPECT_EQ(huge->status, 413);
}

int connect_to(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

TEST_F(HttpHostileTest, SlowClientsDoNotHoldTheServer) {
  start();
  // More half-sent requests than the pool has threads.
  std::vector<int> slow;
  for (int i = 0; i < 20; ++i) {
    const int fd = connect_to(server_->port());
    ASSERT_GE(fd, 0);
    const std::string partial = "GET /api/stats HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    ASSERT_EQ(::send(fd, partial.data(), partial.size(), 0), static_cast<ssize_t>(partial.size()));
    slow.push_back(fd);
  }
  // The server cuts each one off after its read timeout; a normal client is served then.
  auto res = get("/api/stats");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  for (const int fd : slow) {
    timeval limit{30, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    char buffer[512];
    // 0 (closed) or an error answer, never a hang: the server gave the thread back.
    EXPECT_GE(::recv(fd, buffer, sizeof buffer, 0), 0);
    ::close(fd);
  }
}

}  // namespace
}  // namespace newsd::service::testing
