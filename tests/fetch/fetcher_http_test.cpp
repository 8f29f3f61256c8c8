// HTTP semantics of the Fetcher against a real loopback server: bodies and
// headers, conditional GET, error statuses, retries, redirects, compression.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "fetch/test_server.hpp"
#include "newsd/fetch/fetcher.hpp"

namespace newsd::fetch {
namespace {

using namespace std::chrono_literals;
using testing::quick_config;
using testing::read_fixture;
using testing::TestServer;

Result<Response> fetch_one(Fetcher& fetcher, const Request& request) {
  return std::move(fetcher.fetch_all(std::span(&request, 1)).front());
}

TEST(FetcherHttp, OkResponseCarriesBodyHeadersAndSplitCharset) {
  TestServer srv;
  srv.server.Get("/article", [](const httplib::Request&, httplib::Response& res) {
    res.set_header("ETag", "\"abc\"");
    res.set_header("Last-Modified", "Wed, 21 Oct 2026 07:28:00 GMT");
    res.set_content("<p>مرحبا</p>", "Text/HTML; Charset=\"UTF-8\"");
  });
  srv.start();
  Fetcher fetcher(quick_config());

  auto r = fetch_one(fetcher, {srv.url("/article")});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(r->not_modified);
  EXPECT_EQ(r->body, "<p>مرحبا</p>");
  EXPECT_EQ(r->content_type, "text/html");
  EXPECT_EQ(r->charset, "utf-8");
  EXPECT_EQ(r->etag, "\"abc\"");
  EXPECT_EQ(r->last_modified, "Wed, 21 Oct 2026 07:28:00 GMT");
  EXPECT_EQ(r->url, srv.url("/article"));
  EXPECT_EQ(r->final_url, srv.url("/article"));
  EXPECT_EQ(r->attempts, 1);
}

TEST(FetcherHttp, ContentTypeWithoutCharsetLeavesCharsetEmpty) {
  TestServer srv;
  srv.server.Get("/feed", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("<rss/>", "application/rss+xml");
  });
  srv.start();
  Fetcher fetcher(quick_config());

  auto r = fetch_one(fetcher, {srv.url("/feed")});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->content_type, "application/rss+xml");
  EXPECT_EQ(r->charset, "");
}

TEST(FetcherHttp, SendsUserAgentAndConditionalHeadersAndReportsNotModified) {
  TestServer srv;
  std::string seen_agent;
  srv.server.Get("/feed", [&](const httplib::Request& req, httplib::Response& res) {
    seen_agent = req.get_header_value("User-Agent");
    const bool etag_matches = req.get_header_value("If-None-Match") == "\"v1\"";
    const bool date_matches = req.get_header_value("If-Modified-Since") == "Tue, 01 Sep 2026 00:00:00 GMT";
    if (etag_matches || date_matches) {
      res.status = 304;
      return;
    }
    res.set_header("ETag", "\"v1\"");
    res.set_header("Last-Modified", "Tue, 01 Sep 2026 00:00:00 GMT");
    res.set_content("<rss>full</rss>", "application/rss+xml");
  });
  srv.start();
  Fetcher fetcher(quick_config());

  auto first = fetch_one(fetcher, {srv.url("/feed")});
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(seen_agent, quick_config().user_agent);

  auto by_etag = fetch_one(fetcher, {srv.url("/feed"), first->etag, ""});
  ASSERT_TRUE(by_etag) << by_etag.error().describe();
  EXPECT_EQ(by_etag->status, 304);
  EXPECT_TRUE(by_etag->not_modified);
  EXPECT_TRUE(by_etag->body.empty());

  auto by_date = fetch_one(fetcher, {srv.url("/feed"), "", first->last_modified});
  ASSERT_TRUE(by_date) << by_date.error().describe();
  EXPECT_TRUE(by_date->not_modified);
}

TEST(FetcherHttp, NotFoundAndGoneFailAtOnceWithTheirStatus) {
  TestServer srv;
  std::atomic<int> hits{0};
  srv.server.Get("/missing", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.status = 404;
    res.set_content("no such page", "text/plain");
  });
  srv.server.Get("/gone", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.status = 410;
  });
  srv.start();
  auto cfg = quick_config();
  cfg.max_retries = 3;  // must not be used for 404/410
  Fetcher fetcher(cfg);

  const std::vector<Request> requests{{srv.url("/missing")}, {srv.url("/gone")}};
  auto results = fetcher.fetch_all(requests);
  ASSERT_FALSE(results[0]);
  EXPECT_EQ(results[0].error().code, Errc::http_status);
  EXPECT_EQ(results[0].error().http_status, 404);
  EXPECT_TRUE(results[0].error().permanent);
  ASSERT_FALSE(results[1]);
  EXPECT_EQ(results[1].error().http_status, 410);
  EXPECT_TRUE(results[1].error().permanent);
  EXPECT_EQ(hits, 2);
}

TEST(FetcherHttp, TooManyRequestsHonoursRetryAfterThenSucceeds) {
  TestServer srv;
  std::vector<std::chrono::steady_clock::time_point> arrivals;
  srv.server.Get("/busy", [&](const httplib::Request&, httplib::Response& res) {
    arrivals.push_back(std::chrono::steady_clock::now());
    if (arrivals.size() == 1) {
      res.status = 429;
      res.set_header("Retry-After", "1");
      return;
    }
    res.set_content("finally", "text/plain");
  });
  srv.start();
  auto cfg = quick_config();
  cfg.max_retries = 2;
  cfg.retry_backoff = 0s;  // so the wait observed can only come from Retry-After
  Fetcher fetcher(cfg);

  auto r = fetch_one(fetcher, {srv.url("/busy")});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->body, "finally");
  EXPECT_EQ(r->attempts, 2);
  ASSERT_EQ(arrivals.size(), 2u);
  EXPECT_GE(arrivals[1] - arrivals[0], 900ms);
}

TEST(FetcherHttp, RetryAfterBeyondTheCapFailsWithoutWaiting) {
  TestServer srv;
  std::atomic<int> hits{0};
  srv.server.Get("/later", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.status = 429;
    res.set_header("Retry-After", "3600");
  });
  srv.start();
  auto cfg = quick_config();
  cfg.max_retries = 2;
  Fetcher fetcher(cfg);

  auto r = fetch_one(fetcher, {srv.url("/later")});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().http_status, 429);
  EXPECT_FALSE(r.error().permanent);
  EXPECT_EQ(hits, 1);
}

TEST(FetcherHttp, ServerErrorIsRetriedThenFails) {
  TestServer srv;
  std::atomic<int> hits{0};
  srv.server.Get("/broken", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.status = 500;
  });
  srv.start();
  auto cfg = quick_config();
  cfg.max_retries = 2;
  Fetcher fetcher(cfg);

  auto r = fetch_one(fetcher, {srv.url("/broken")});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::http_status);
  EXPECT_EQ(r.error().http_status, 500);
  EXPECT_FALSE(r.error().permanent);
  EXPECT_EQ(hits, 3);  // first try + max_retries
}

TEST(FetcherHttp, ServerErrorRetryWaitsTheBackoff) {
  TestServer srv;
  std::vector<std::chrono::steady_clock::time_point> arrivals;
  srv.server.Get("/flaky", [&](const httplib::Request&, httplib::Response& res) {
    arrivals.push_back(std::chrono::steady_clock::now());
    if (arrivals.size() == 1) {
      res.status = 503;
      return;
    }
    res.set_content("ok", "text/plain");
  });
  srv.start();
  auto cfg = quick_config();
  cfg.max_retries = 1;
  cfg.retry_backoff = 1s;
  Fetcher fetcher(cfg);

  auto r = fetch_one(fetcher, {srv.url("/flaky")});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->body, "ok");
  ASSERT_EQ(arrivals.size(), 2u);
  EXPECT_GE(arrivals[1] - arrivals[0], 900ms);
}

TEST(FetcherHttp, RedirectChainIsFollowedToTheFinalUrl) {
  TestServer srv;
  srv.server.Get("/a", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/b", 301); });
  srv.server.Get("/b", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/c?x=1", 302); });
  srv.server.Get("/c",
                 [](const httplib::Request&, httplib::Response& res) { res.set_content("landed", "text/plain"); });
  srv.start();
  Fetcher fetcher(quick_config());

  auto r = fetch_one(fetcher, {srv.url("/a")});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->body, "landed");
  EXPECT_EQ(r->url, srv.url("/a"));
  EXPECT_EQ(r->final_url, srv.url("/c?x=1"));
}

TEST(FetcherHttp, RedirectLoopIsRejected) {
  TestServer srv;
  std::atomic<int> hits{0};
  srv.server.Get("/ping", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.set_redirect("/pong", 302);
  });
  srv.server.Get("/pong", [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.set_redirect("/ping", 302);
  });
  srv.start();
  auto cfg = quick_config();
  cfg.max_redirects = 10;
  Fetcher fetcher(cfg);

  auto r = fetch_one(fetcher, {srv.url("/ping")});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_NE(r.error().message.find("redirect"), std::string::npos) << r.error().message;
  EXPECT_EQ(hits, 2);  // detected on the first repeat, not after max_redirects hops
}

TEST(FetcherHttp, TooManyRedirectsAreRejected) {
  TestServer srv;
  srv.server.Get(R"(/hop/(\d+))", [](const httplib::Request& req, httplib::Response& res) {
    res.set_redirect("/hop/" + std::to_string(std::stoi(req.matches[1]) + 1), 302);
  });
  srv.start();
  auto cfg = quick_config();
  cfg.max_redirects = 3;
  Fetcher fetcher(cfg);

  auto r = fetch_one(fetcher, {srv.url("/hop/0")});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_NE(r.error().message.find("redirect"), std::string::npos) << r.error().message;
}

TEST(FetcherHttp, RedirectToFileSchemeIsRefused) {
  TestServer srv;
  srv.server.Get("/sneaky",
                 [](const httplib::Request&, httplib::Response& res) { res.set_redirect("file:///etc/passwd", 302); });
  srv.start();
  Fetcher fetcher(quick_config());

  auto r = fetch_one(fetcher, {srv.url("/sneaky")});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::refused);
  EXPECT_NE(r.error().message.find("redirect"), std::string::npos) << r.error().message;
}

TEST(FetcherHttp, GzipBodyIsDecompressed) {
  const std::string plain = read_fixture("article.html");
  const std::string gz = read_fixture("article.html.gz");
  ASSERT_FALSE(plain.empty());
  ASSERT_FALSE(gz.empty());
  TestServer srv;
  std::string accept_encoding;
  srv.server.Get("/article", [&](const httplib::Request& req, httplib::Response& res) {
    accept_encoding = req.get_header_value("Accept-Encoding");
    res.set_header("Content-Encoding", "gzip");
    res.set_content(gz, "text/html; charset=utf-8");
  });
  srv.start();
  Fetcher fetcher(quick_config());

  auto r = fetch_one(fetcher, {srv.url("/article")});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_NE(accept_encoding.find("gzip"), std::string::npos) << accept_encoding;
  EXPECT_EQ(r->body, plain);
}

TEST(FetcherHttp, RawUtf8UrlFromAFeedIsPercentEncodedOnTheWire) {
  TestServer srv;
  std::string target;
  srv.server.Get(R"(/.*)", [&](const httplib::Request& req, httplib::Response& res) {
    target = req.target;
    res.set_content("ok", "text/plain");
  });
  srv.start();
  Fetcher fetcher(quick_config());

  auto r = fetch_one(fetcher, {srv.url("/أخبار/1?q=سلام")});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(target, "/%d8%a3%d8%ae%d8%a8%d8%a7%d8%b1/1?q=%d8%b3%d9%84%d8%a7%d9%85");
  EXPECT_EQ(r->url, srv.url("/أخبار/1?q=سلام"));
  EXPECT_EQ(r->final_url, srv.url("/%d8%a3%d8%ae%d8%a8%d8%a7%d8%b1/1?q=%d8%b3%d9%84%d8%a7%d9%85"));
}

TEST(FetcherHttp, BrotliBodyIsDecompressed) {
  const std::string plain = read_fixture("article.html");
  TestServer srv;
  std::string accept_encoding;
  srv.server.Get("/article", [&](const httplib::Request& req, httplib::Response& res) {
    accept_encoding = req.get_header_value("Accept-Encoding");
    // cpp-httplib compresses text bodies itself, preferring br when offered.
    res.set_content(plain, "text/html; charset=utf-8");
  });
  srv.start();
  Fetcher fetcher(quick_config());

  auto r = fetch_one(fetcher, {srv.url("/article")});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_NE(accept_encoding.find("br"), std::string::npos) << accept_encoding;
  EXPECT_EQ(r->body, plain);
}

// An HTTPS server on loopback with the self-signed certificate of
// tests/data/fetch/tls, serving one fixed body at "/".
class TlsServer {
 public:
  static std::string certificate() { return std::string(NEWSD_TEST_DATA) + "/fetch/tls/self-signed.cert.pem"; }

  TlsServer()
      : server_(certificate().c_str(), (std::string(NEWSD_TEST_DATA) + "/fetch/tls/self-signed.key.pem").c_str()) {
    server_.Get("/", [this](const httplib::Request&, httplib::Response& res) {
      ++hits;
      res.set_content("served over TLS", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(1ms);
  }
  ~TlsServer() {
    server_.stop();
    thread_.join();
  }
  [[nodiscard]] bool valid() const { return server_.is_valid() && port_ > 0; }
  [[nodiscard]] std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/"; }

  std::atomic<int> hits{0};

 private:
  httplib::SSLServer server_;
  int port_ = 0;
  std::thread thread_;
};

TEST(FetcherHttp, UntrustedTlsCertificateIsRefused) {
  TlsServer server;
  ASSERT_TRUE(server.valid());
  {
    Fetcher fetcher(quick_config());
    auto r = fetch_one(fetcher, {server.url()});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::tls);
    EXPECT_NE(r.error().message.find("certificate"), std::string::npos) << r.error().message;
  }
  EXPECT_EQ(server.hits, 0);
}

TEST(FetcherHttp, CertificateSignedByTheConfiguredCaFileIsTrusted) {
  TlsServer server;
  ASSERT_TRUE(server.valid());
  auto cfg = quick_config();
  cfg.ca_file = TlsServer::certificate();  // the self-signed certificate is its own CA
  Fetcher fetcher(cfg);
  auto r = fetch_one(fetcher, {server.url()});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "served over TLS");
  EXPECT_EQ(server.hits, 1);
}

TEST(FetcherHttp, UnsupportedSchemeAndMalformedUrl) {
  Fetcher fetcher(quick_config());
  const std::vector<Request> requests{{"ftp://example.com/feed.xml"}, {"http://exa mple.com/"}, {"not a url"}};
  auto results = fetcher.fetch_all(requests);
  ASSERT_FALSE(results[0]);
  EXPECT_EQ(results[0].error().code, Errc::unsupported);
  ASSERT_FALSE(results[1]);
  EXPECT_EQ(results[1].error().code, Errc::invalid_argument);
  ASSERT_FALSE(results[2]);
  EXPECT_EQ(results[2].error().code, Errc::invalid_argument);
}

TEST(FetcherHttp, StatsCountOutcomesTransfersAndRetries) {
  TestServer srv;
  std::atomic<int> flaky_hits{0};
  srv.server.Get("/ok",
                 [](const httplib::Request&, httplib::Response& res) { res.set_content("12345", "text/plain"); });
  srv.server.Get("/same", [](const httplib::Request&, httplib::Response& res) { res.status = 304; });
  srv.server.Get("/flaky", [&](const httplib::Request&, httplib::Response& res) {
    if (++flaky_hits == 1) {
      res.status = 503;
      return;
    }
    res.set_content("ok", "text/plain");
  });
  srv.server.Get("/gone", [](const httplib::Request&, httplib::Response& res) { res.status = 410; });
  srv.server.Get("/moved", [](const httplib::Request&, httplib::Response& res) { res.set_redirect("/ok", 301); });
  srv.start();
  auto cfg = quick_config();
  cfg.max_retries = 1;
  Fetcher fetcher(cfg);

  const std::vector<Request> requests{
      {srv.url("/ok")}, {srv.url("/same"), "\"x\"", ""}, {srv.url("/flaky")}, {srv.url("/gone")}, {srv.url("/moved")}};
  fetcher.fetch_all(requests);
  const FetchStats stats = fetcher.stats();
  EXPECT_EQ(stats.succeeded, 4u);
  EXPECT_EQ(stats.not_modified, 1u);
  EXPECT_EQ(stats.failed, 1u);
  EXPECT_EQ(stats.body_bytes, 5u + 0u + 2u + 5u);
  EXPECT_EQ(stats.transfers, 7u);  // 5 requests + 1 retry + 1 redirect hop
  EXPECT_EQ(stats.retries, 1u);
  EXPECT_EQ(stats.robots_fetches, 0u);
  EXPECT_EQ(stats.hosts_given_up, 0u);
}

}  // namespace
}  // namespace newsd::fetch
