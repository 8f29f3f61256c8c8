// Where a URL came from decides what it may reach: configured URLs and their
// origin are trusted; URLs taken from content, and hops off that origin, get
// the address guard, http(s) only, and file: confinement. Real loopback
// servers; other host names reach them through resolve overrides.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <vector>

#include "fetch/test_server.hpp"
#include "newsd/fetch/fetcher.hpp"

namespace newsd::fetch {
namespace {

using testing::quick_config;
using testing::read_fixture;
using testing::TestServer;

namespace fs = std::filesystem;

// A configured feed somewhere public: URLs taken from it are untrusted
// everywhere but on feeds.example.
constexpr const char* kPublicFeed = "https://feeds.example/rss.xml";

Result<Response> fetch_one(Fetcher& fetcher, const Request& request) {
  return std::move(fetcher.fetch_all(std::span(&request, 1)).front());
}

Request derived(std::string url, std::string feed) {
  Request r;
  r.url = std::move(url);
  r.derived_from = std::move(feed);
  return r;
}

void expect_refused(const Result<Response>& r, std::string_view rule) {
  ASSERT_FALSE(r) << "expected a refusal, got status " << r->status;
  EXPECT_EQ(r.error().code, Errc::refused) << r.error().describe();
  EXPECT_TRUE(r.error().permanent) << r.error().describe();
  EXPECT_NE(r.error().message.find(rule), std::string::npos) << r.error().message;
}

/// A loopback server that counts the requests it answers and records the
/// Host header, reachable as 127.0.0.1:PORT and as other names.
struct CountingServer {
  CountingServer() {
    srv.server.Get(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) {
      ++hits;
      std::lock_guard lock(mutex);
      host_header = req.get_header_value("Host");
      res.set_content("page " + req.path, "text/plain");
    });
    srv.start();
  }
  /// "http://NAME:PORT/path"; NAME must be resolved with `resolve_entry`.
  [[nodiscard]] std::string url_on(const std::string& name, const std::string& path) const {
    return "http://" + name + ":" + std::to_string(srv.port()) + path;
  }
  [[nodiscard]] std::string resolve_entry(const std::string& name) const {
    return name + ":" + std::to_string(srv.port()) + ":127.0.0.1";
  }
  TestServer srv;
  std::atomic<int> hits{0};
  std::mutex mutex;
  std::string host_header;
};

/// A fresh directory under TMPDIR, removed at the end.
struct TempDir {
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "newsd-trust-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const fs::path& relative, const std::string& bytes) const {
    fs::create_directories((path / relative).parent_path());
    std::ofstream(path / relative, std::ios::binary) << bytes;
  }
  [[nodiscard]] std::string url(const fs::path& relative) const { return "file://" + (path / relative).string(); }
  fs::path path;
};

TEST(FetcherTrust, DerivedUrlToAPrivateAddressIsRefusedByDefault) {
  CountingServer s;
  Fetcher fetcher(quick_config());
  fetcher.set_resolve_overrides({s.resolve_entry("intranet.test")});

  const std::vector<Request> requests{derived(s.srv.url("/admin"), kPublicFeed),
                                      derived(s.url_on("intranet.test", "/admin"), kPublicFeed)};
  for (const auto& r : fetcher.fetch_all(requests))
    expect_refused(r, "address guard refused private address 127.0.0.1");
  EXPECT_EQ(s.hits, 0);
}

TEST(FetcherTrust, AllowNetworksLetsADerivedUrlReachThatNetwork) {
  CountingServer s;
  auto cfg = quick_config();
  cfg.allow_networks = {"10.0.0.0/8", "127.0.0.0/8"};
  Fetcher fetcher(cfg);
  fetcher.set_resolve_overrides({s.resolve_entry("intranet.test")});

  auto r = fetch_one(fetcher, derived(s.url_on("intranet.test", "/page"), kPublicFeed));
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->body, "page /page");
}

TEST(FetcherTrust, AllowNetworksElsewhereDoesNotLiftTheGuard) {
  CountingServer s;
  auto cfg = quick_config();
  cfg.allow_networks = {"10.0.0.0/8", "127.0.0.2/32", "::1/128"};
  Fetcher fetcher(cfg);

  expect_refused(fetch_one(fetcher, derived(s.srv.url("/page"), kPublicFeed)), "address guard");
  EXPECT_EQ(s.hits, 0);
}

TEST(FetcherTrust, AllowHostsLetsThatHostThroughCaseInsensitively) {
  CountingServer s;
  auto cfg = quick_config();
  cfg.allow_hosts = {"Intranet.TEST"};
  Fetcher fetcher(cfg);
  fetcher.set_resolve_overrides({s.resolve_entry("intranet.test"), s.resolve_entry("other.test")});

  const std::vector<Request> requests{derived(s.url_on("INTRANET.test", "/page"), kPublicFeed),
                                      derived(s.url_on("other.test", "/page"), kPublicFeed)};
  auto results = fetcher.fetch_all(requests);
  ASSERT_TRUE(results[0]) << results[0].error().describe();
  EXPECT_EQ(results[0]->body, "page /page");
  expect_refused(results[1], "address guard");
  EXPECT_EQ(s.hits, 1);
}

TEST(FetcherTrust, SameOriginPageOfAConfiguredLoopbackFeedIsAllowed) {
  CountingServer s;
  Fetcher fetcher(quick_config());
  fetcher.set_resolve_overrides({s.resolve_entry("news.test")});

  // Origins compare case-insensitively: the feed as configured, the page as linked.
  const std::vector<Request> requests{{s.srv.url("/feed")},
                                      derived(s.srv.url("/story"), s.srv.url("/feed")),
                                      derived(s.url_on("news.test", "/story"), s.url_on("NEWS.Test", "/feed"))};
  for (const auto& r : fetcher.fetch_all(requests)) ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(s.hits, 3);
}

TEST(FetcherTrust, RedirectOffTheConfiguredOriginIntoAPrivateAddressIsRefused) {
  CountingServer inside;
  TestServer feed;
  std::atomic<int> feed_hits{0};
  const std::string target = inside.url_on("metadata.test", "/latest/meta-data/");
  feed.server.Get("/feed", [&](const httplib::Request&, httplib::Response& res) {
    ++feed_hits;
    res.set_redirect(target, 302);
  });
  feed.start();
  Fetcher fetcher(quick_config());
  fetcher.set_resolve_overrides({inside.resolve_entry("metadata.test")});

  expect_refused(fetch_one(fetcher, {feed.url("/feed")}), "address guard");
  EXPECT_EQ(feed_hits, 1);
  EXPECT_EQ(inside.hits, 0);
}

TEST(FetcherTrust, PooledTrustedConnectionIsNotReusedForAnUntrustedUrl) {
  CountingServer s;
  Fetcher fetcher(quick_config());

  ASSERT_TRUE(fetch_one(fetcher, {s.srv.url("/feed")}));
  // Same host and port, now taken from another feed's content: the
  // keep-alive connection of the trusted fetch must not carry it.
  expect_refused(fetch_one(fetcher, derived(s.srv.url("/admin"), kPublicFeed)), "address guard");
  EXPECT_EQ(s.hits, 1);
}

TEST(FetcherTrust, RobotsTxtRefusedUnderTheGuardDoesNotBlockTrustedUrlsOfThatOrigin) {
  CountingServer s;
  auto cfg = quick_config();
  cfg.respect_robots_txt = true;
  Fetcher fetcher(cfg);

  const std::vector<Request> requests{derived(s.srv.url("/admin"), kPublicFeed), {s.srv.url("/feed")}};
  auto results = fetcher.fetch_all(requests);
  expect_refused(results[0], "address guard");
  ASSERT_TRUE(results[1]) << results[1].error().describe();
  EXPECT_EQ(s.hits, 2);  // robots.txt and /feed, both trusted
}

TEST(FetcherTrust, DerivedFileUrlFromAnHttpFeedIsRefused) {
  CountingServer s;
  Fetcher fetcher(quick_config());
  const std::string secret = "file://" + std::string(NEWSD_TEST_DATA) + "/fetch/article.html";

  expect_refused(fetch_one(fetcher, derived(secret, s.srv.url("/feed"))), "not a file: feed");
  expect_refused(fetch_one(fetcher, derived("FILE:///etc/passwd", kPublicFeed)), "not a file: feed");
}

TEST(FetcherTrust, FileFeedMayLinkPagesOnlyUnderItsOwnDirectory) {
  Fetcher fetcher(quick_config());
  const std::string dir = "file://" + std::string(NEWSD_TEST_DATA) + "/fetch/offline";
  const std::string feed = dir + "/feed.xml";

  const std::vector<Request> requests{{feed},
                                      derived(dir + "/pages/story.html", feed),
                                      derived(dir + "/../article.html", feed),
                                      derived(dir + "/pages/../../article.html", feed),
                                      derived(dir + "/%2e%2e/article.html", feed),
                                      derived("file:///etc/passwd", feed)};
  auto results = fetcher.fetch_all(requests);
  ASSERT_TRUE(results[0]) << results[0].error().describe();
  ASSERT_TRUE(results[1]) << results[1].error().describe();
  EXPECT_EQ(results[1]->body, read_fixture("offline/pages/story.html"));
  for (std::size_t i = 2; i < results.size(); ++i) expect_refused(results[i], "must stay inside");
}

TEST(FetcherTrust, SymlinkOutOfTheFeedDirectoryIsRefused) {
  TempDir outside;
  outside.write("secret.txt", "not for feeds");
  TempDir feed_dir;
  feed_dir.write("feed.xml", read_fixture("offline/feed.xml"));
  fs::create_directory_symlink(outside.path, feed_dir.path / "escape");
  fs::create_symlink(outside.path / "secret.txt", feed_dir.path / "secret.txt");
  Fetcher fetcher(quick_config());

  const std::string feed = feed_dir.url("feed.xml");
  const std::vector<Request> requests{derived(feed_dir.url("escape/secret.txt"), feed),
                                      derived(feed_dir.url("secret.txt"), feed)};
  for (const auto& r : fetcher.fetch_all(requests)) expect_refused(r, "must stay inside");
}

TEST(FetcherTrust, FifoFailsAtOnceConfiguredOrDerived) {
  TempDir dir;
  dir.write("feed.xml", read_fixture("offline/feed.xml"));
  ASSERT_EQ(::mkfifo((dir.path / "pipe.xml").c_str(), 0600), 0);
  Fetcher fetcher(quick_config());

  // Opening a FIFO for reading without O_NONBLOCK would wait for a writer forever.
  const std::vector<Request> requests{{dir.url("pipe.xml")}, derived(dir.url("pipe.xml"), dir.url("feed.xml"))};
  for (const auto& r : fetcher.fetch_all(requests)) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::refused) << r.error().describe();
    EXPECT_TRUE(r.error().permanent);
    EXPECT_NE(r.error().message.find("not a regular file"), std::string::npos) << r.error().message;
  }
}

TEST(FetcherTrust, DirectoryIsNotARegularFile) {
  Fetcher fetcher(quick_config());
  auto r = fetch_one(fetcher, {"file://" + std::string(NEWSD_TEST_DATA) + "/fetch/offline/"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::refused);
  EXPECT_TRUE(r.error().permanent);
}

TEST(FetcherTrust, DerivedUrlsAreLimitedToHttp) {
  Fetcher fetcher(quick_config());
  auto r = fetch_one(fetcher, derived("ftp://feeds.example/file.xml", kPublicFeed));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::refused);
  EXPECT_TRUE(r.error().permanent);
}

TEST(FetcherTrust, ArabicHostNameIsFetchedAsPunycode) {
  CountingServer s;
  Fetcher fetcher(quick_config());
  // The override names the host as sent on the wire: the punycode form.
  fetcher.set_resolve_overrides({s.resolve_entry("xn--mgbh0fb.xn--mgbachtv")});

  auto r = fetch_one(fetcher, {s.url_on("مثال.اختبار", "/feed")});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->body, "page /feed");
  EXPECT_EQ(r->final_url, s.url_on("xn--mgbh0fb.xn--mgbachtv", "/feed"));
  std::lock_guard lock(s.mutex);
  EXPECT_EQ(s.host_header, "xn--mgbh0fb.xn--mgbachtv:" + std::to_string(s.srv.port()));
}

TEST(FetcherTrust, UpperCaseSchemeIsFetched) {
  CountingServer s;
  Fetcher fetcher(quick_config());
  auto r = fetch_one(fetcher, {"HTTP://127.0.0.1:" + std::to_string(s.srv.port()) + "/feed"});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->final_url, s.srv.url("/feed"));
}

}  // namespace
}  // namespace newsd::fetch
