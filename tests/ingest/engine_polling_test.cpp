// The streaming engine against real HTTP servers on 127.0.0.1: what servers
// ask (ttl, max-age, Expires, Retry-After, 301, 410) moves a feed's stored
// schedule and URL; refused pages and rate limits stay where they belong.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "fetch/test_server.hpp"
#include "newsd/ingest/engine.hpp"
#include "newsd/parse/dates.hpp"
#include "support/daemon_test_util.hpp"
#include "support/ingest_once.hpp"

namespace newsd::ingest {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using fetch::testing::TestServer;

const fs::path kTaxonomy = fs::path(NEWSD_SOURCE_DIR) / "config/taxonomy/default.toml";

std::string rss(const std::string& channel_extra, const std::string& items) {
  return "<?xml version=\"1.0\"?><rss version=\"2.0\" xmlns:sy=\"http://purl.org/rss/1.0/modules/syndication/\">"
         "<channel><title>t</title><link>http://example.invalid/</link>" +
         channel_extra + items + "</channel></rss>";
}

std::string text_item(const std::string& id) {
  return "<item><title>story " + id + "</title><guid isPermaLink=\"false\">" + id +
         "</guid><description>The ministry said on Monday that talks on the border treaty would resume, story " + id +
         ".</description></item>";
}

class EnginePolling : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::TempDir("newsd-polling"); }

  config::Config config_for(const std::vector<std::string>& feeds, const std::string& extra = {}) {
    std::string toml =
        "[log]\nlevel = \"warn\"\n[fetch]\nmin_host_interval = \"0s\"\nmax_retries = 0\n"
        "respect_robots_txt = false\n" +
        extra + "[classify]\ntaxonomy = \"" + kTaxonomy.string() +
        "\"\n[store]\npath = \"newsd.db\"\n[schedule]\njitter = 0\n";
    for (const auto& url : feeds) toml += "[[feeds]]\nurl = \"" + url + "\"\ninterval = \"10m\"\n";
    auto cfg = config::parse_config(toml, dir_.path() / "newsd.toml");
    if (!cfg) throw std::runtime_error(cfg.error().message);
    return *cfg;
  }

  IngestReport once(const config::Config& cfg) { return newsd::testing::ingest_once(cfg); }

  // Seconds from the feed's last fetch to its next one, and the reason.
  std::pair<std::int64_t, std::string> schedule_of(const std::string& url) {
    testing::Db db(dir_.path() / "newsd.db");
    const auto rows =
        db.rows("SELECT next_fetch_at - last_fetched_at, interval_reason FROM feeds WHERE url = '" + url + "'");
    if (rows.empty()) return {-1, ""};
    return {std::stoll(rows[0][0]), rows[0][1]};
  }

  std::vector<std::string> feed_row(const std::string& columns, const std::string& where) {
    testing::Db db(dir_.path() / "newsd.db");
    const auto rows = db.rows("SELECT " + columns + " FROM feeds WHERE " + where);
    return rows.empty() ? std::vector<std::string>{} : rows[0];
  }

  testing::TempDir dir_;
};

TEST_F(EnginePolling, EachServerHintMovesTheNextFetch) {
  TestServer srv;
  const std::string body = rss("", text_item("1"));
  srv.server.Get(
      "/plain", [&](const httplib::Request&, httplib::Response& res) { res.set_content(body, "application/rss+xml"); });
  srv.server.Get("/ttl", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(rss("<ttl>180</ttl>", text_item("2")), "application/rss+xml");
  });
  srv.server.Get("/max-age", [&](const httplib::Request&, httplib::Response& res) {
    res.set_header("Cache-Control", "public, max-age=7200");
    res.set_content(rss("", text_item("3")), "application/rss+xml");
  });
  srv.server.Get("/expires", [&](const httplib::Request&, httplib::Response& res) {
    res.set_header("Expires", "Fri, 01 Jan 2100 00:00:00 GMT");
    res.set_content(rss("", text_item("4")), "application/rss+xml");
  });
  srv.server.Get("/retry-after", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 503;
    res.set_header("Retry-After", "5400");
    res.set_content("busy", "text/plain");
  });
  // A feed served in full that still asks not to be polled for 2 hours; on
  // a port of its own, since the 503 above pauses its whole host:port.
  TestServer other;
  other.server.Get("/ok-retry-after", [&](const httplib::Request&, httplib::Response& res) {
    res.set_header("Retry-After", "7200");
    res.set_content(rss("", text_item("5")), "application/rss+xml");
  });
  srv.start();
  other.start();
  const auto cfg = config_for({srv.url("/plain"), srv.url("/ttl"), srv.url("/max-age"), srv.url("/expires"),
                               srv.url("/retry-after"), other.url("/ok-retry-after")});
  once(cfg);

  const auto plain = schedule_of(srv.url("/plain"));
  EXPECT_EQ(plain.first, 600);  // the configured 10 minutes, no jitter
  EXPECT_EQ(plain.second, "configured");
  EXPECT_EQ(schedule_of(srv.url("/ttl")), std::make_pair(std::int64_t{3 * 3600}, std::string("ttl")));
  EXPECT_EQ(schedule_of(srv.url("/max-age")), std::make_pair(std::int64_t{7200}, std::string("max_age")));
  // A far Expires is honoured up to max_interval (1 day by default).
  EXPECT_EQ(schedule_of(srv.url("/expires")), std::make_pair(std::int64_t{86400}, std::string("expires")));
  const auto retry = schedule_of(srv.url("/retry-after"));
  EXPECT_GE(retry.first, 5400);
  EXPECT_EQ(retry.second, "retry_after");
  EXPECT_EQ(feed_row("error_class", "url = '" + srv.url("/retry-after") + "'")[0], "rate_limited");
  // The answer's Retry-After, read when it arrived: at most a second went by before the poll finished.
  const auto ok_retry = schedule_of(other.url("/ok-retry-after"));
  EXPECT_GE(ok_retry.first, 7199);
  EXPECT_LE(ok_retry.first, 7200);
  EXPECT_EQ(ok_retry.second, "retry_after");
  EXPECT_EQ(feed_row("error_class", "url = '" + other.url("/ok-retry-after") + "'")[0], "");
}

TEST_F(EnginePolling, APermanentRedirectMovesTheStoredUrlAndA410MarksTheFeedGone) {
  TestServer srv;
  srv.server.Get("/old", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 301;
    res.set_header("Location", "/new");
  });
  srv.server.Get("/new", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(rss("", text_item("1")), "application/rss+xml");
  });
  srv.server.Get("/gone", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 410;
    res.set_content("gone", "text/plain");
  });
  srv.start();
  const auto cfg = config_for({srv.url("/old"), srv.url("/gone")});
  once(cfg);
  EXPECT_EQ(feed_row("count(*)", "url = '" + srv.url("/new") + "'")[0], "1");
  EXPECT_EQ(feed_row("count(*)", "url = '" + srv.url("/old") + "'")[0], "0");
  EXPECT_EQ(feed_row("state", "url = '" + srv.url("/gone") + "'")[0], "gone");
}

TEST_F(EnginePolling, ARobotsRefusedPageDoesNotHoldBackTheFeed) {
  TestServer srv;
  std::atomic<int> conditional{0};
  srv.server.Get("/robots.txt", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content("User-agent: *\nDisallow: /private/\n", "text/plain");
  });
  srv.server.Get("/feed", [&](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("If-None-Match") == "\"v1\"") {
      ++conditional;
      res.status = 304;
      return;
    }
    res.set_header("ETag", "\"v1\"");
    res.set_content(rss("", "<item><title>hidden</title><link>" + srv.url("/private/story") + "</link></item>"),
                    "application/rss+xml");
  });
  srv.start();
  auto cfg = config_for({srv.url("/feed")});
  cfg.fetch.respect_robots_txt = true;
  const auto first = once(cfg);
  EXPECT_EQ(first.pages_failed, 1);
  EXPECT_EQ(feed_row("etag", "url = '" + srv.url("/feed") + "'")[0], "\"v1\"");
  const auto second = once(cfg);
  EXPECT_EQ(second.feeds_not_modified, 1);
  EXPECT_EQ(conditional.load(), 1);
}

TEST_F(EnginePolling, AChallengePageIsClassedBotChallenge) {
  TestServer srv;
  srv.server.Get("/feed", [&](const httplib::Request&, httplib::Response& res) {
    res.status = 403;
    res.set_header("Server", "cloudflare");
    res.set_header("cf-mitigated", "challenge");
    res.set_content(fetch::testing::read_fixture("challenge/cloudflare_just_a_moment_403.html"), "text/html");
  });
  srv.start();
  once(config_for({srv.url("/feed")}));
  EXPECT_EQ(feed_row("error_class", "url = '" + srv.url("/feed") + "'")[0], "bot_challenge");
}

TEST_F(EnginePolling, A429OnOnePortDoesNotSlowAnother) {
  TestServer limited;
  TestServer open;
  std::atomic<int> limited_hits{0};
  limited.server.Get(R"(/.*)", [&](const httplib::Request&, httplib::Response& res) {
    ++limited_hits;
    res.status = 429;
    res.set_header("Retry-After", "3600");
  });
  open.server.Get("/feed", [&](const httplib::Request&, httplib::Response& res) {
    std::string items;
    for (int i = 0; i < 5; ++i) items += "<item><title>p</title><link>/p" + std::to_string(i) + "</link></item>";
    res.set_content(rss("", items), "application/rss+xml");
  });
  open.server.Get(R"(/p\d)", [&](const httplib::Request& req, httplib::Response& res) {
    res.set_content("<html><head><title>Story " + req.path + "</title></head><body><article><p>" +
                        std::string(400, 'x') + "</p></article></body></html>",
                    "text/html");
  });
  limited.start();
  open.start();
  // Both on 127.0.0.1: host:port keys keep them apart.
  const auto report = once(config_for({limited.url("/feed"), open.url("/feed")}));
  EXPECT_EQ(report.pages_fetched, 5);
  EXPECT_EQ(limited_hits.load(), 1);  // paused, not retried in the loop
  EXPECT_EQ(feed_row("error_class", "url = '" + limited.url("/feed") + "'")[0], "rate_limited");
  EXPECT_GE(schedule_of(limited.url("/feed")).first, 3600);
}

// The history is in the entries' dates: ten entries an hour apart and ten a
// day apart, served now, teach the engine two intervals in one poll each.
TEST_F(EnginePolling, AnHourlyAndADailyPublisherEndWithDifferentIntervals) {
  TestServer srv;
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto atom = [&](const std::string& name, std::chrono::seconds every) {
    std::string entries;
    for (int k = 0; k < 10; ++k) {
      const std::string when = parse::format_iso8601(now - k * every);
      entries += "<entry><id>urn:" + name + ":" + std::to_string(k) + "</id><title>story " + std::to_string(k) +
                 "</title><published>" + when + "</published><updated>" + when +
                 "</updated><summary>The ministry said talks on the border treaty would resume, " + name + " " +
                 std::to_string(k) + ".</summary></entry>";
    }
    return "<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><title>" + name +
           "</title><id>urn:" + name + "</id><updated>" + parse::format_iso8601(now) + "</updated>" + entries +
           "</feed>";
  };
  const std::string hourly = atom("hourly", std::chrono::hours{1});
  const std::string daily = atom("daily", std::chrono::days{1});
  srv.server.Get("/hourly", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(hourly, "application/atom+xml");
  });
  srv.server.Get("/daily", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(daily, "application/atom+xml");
  });
  srv.start();
  // Bounds wide enough for both; the configured 10 minutes is only the start.
  auto cfg = config_for({srv.url("/hourly"), srv.url("/daily")});
  cfg.schedule.max_interval = std::chrono::days{3};
  const auto report = once(cfg);
  EXPECT_EQ(report.articles_inserted, 20);
  EXPECT_EQ(schedule_of(srv.url("/hourly")), std::make_pair(std::int64_t{3600}, std::string("adapted")));
  EXPECT_EQ(schedule_of(srv.url("/daily")), std::make_pair(std::int64_t{86400}, std::string("adapted")));
  EXPECT_EQ(feed_row("interval_s", "url = '" + srv.url("/hourly") + "'")[0], "3600");
  EXPECT_EQ(feed_row("interval_s", "url = '" + srv.url("/daily") + "'")[0], "86400");
}

}  // namespace
}  // namespace newsd::ingest
