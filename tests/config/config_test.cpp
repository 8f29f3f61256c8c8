#include "newsd/config/config.hpp"

#include <gtest/gtest.h>

#include <string>

namespace newsd::config {
namespace {

namespace fs = std::filesystem;
const fs::path kData = fs::path(NEWSD_TEST_DATA) / "config";

TEST(Config, MinimalFileGetsDefaults) {
  auto cfg = load_config(kData / "minimal.toml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  ASSERT_EQ(cfg->feeds.size(), 1u);
  EXPECT_EQ(cfg->feeds[0].interval, std::chrono::seconds{1800});
  EXPECT_EQ(cfg->fetch.max_per_host, 2);
  EXPECT_EQ(cfg->log.level, "info");
  // The default store path is relative to the config file's directory; no
  // taxonomy key means the installed default (classify::default_taxonomy_path).
  EXPECT_EQ(cfg->store.path, fs::absolute(kData / "var/newsd.db").lexically_normal());
  EXPECT_TRUE(cfg->classify.taxonomy.empty());
}

TEST(Config, FullFileFillsEveryTypedField) {
  auto cfg = load_config(kData / "full.toml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ(cfg->log.level, "debug");
  EXPECT_EQ(cfg->fetch.user_agent, "newsd-test/1.0");
  EXPECT_EQ(cfg->fetch.connect_timeout, std::chrono::seconds{5});
  EXPECT_EQ(cfg->fetch.total_timeout, std::chrono::seconds{20});
  EXPECT_EQ(cfg->fetch.max_body_bytes, 1048576u);
  EXPECT_EQ(cfg->fetch.max_per_host, 1);
  EXPECT_EQ(cfg->fetch.min_host_interval, std::chrono::seconds{2});
  EXPECT_FALSE(cfg->fetch.respect_robots_txt);
  EXPECT_EQ(cfg->fetch.ca_file, fs::absolute(kData / "../fetch/tls/self-signed.cert.pem").lexically_normal());
  EXPECT_EQ(cfg->fetch.allow_hosts, std::vector<std::string>{"intranet.example"});
  EXPECT_EQ(cfg->fetch.allow_networks, (std::vector<std::string>{"10.20.0.0/16", "fd00::/8", "192.0.2.7"}));
  EXPECT_EQ(cfg->limits.title_chars, 300u);
  EXPECT_EQ(cfg->limits.byline_chars, 80u);
  EXPECT_EQ(cfg->limits.article_chars, 100000u);
  EXPECT_EQ(cfg->limits.entries_per_feed, 50u);
  EXPECT_EQ(cfg->limits.pages_per_poll, 20u);
  ASSERT_EQ(cfg->extract.sites.size(), 1u);
  EXPECT_EQ(cfg->extract.sites[0].host, "example.com");
  EXPECT_EQ(cfg->extract.sites[0].drop, (std::vector<std::string>{".related", "#comments"}));
  ASSERT_TRUE(cfg->classify.model);
  EXPECT_EQ(*cfg->classify.model, fs::absolute(kData / "models/topics.ftz").lexically_normal());
  EXPECT_DOUBLE_EQ(cfg->classify.model_threshold, 0.4);
  EXPECT_EQ(cfg->store.path, fs::absolute(kData / "../var/test.db").lexically_normal());
  EXPECT_EQ(cfg->store.keep_days, 30);
  EXPECT_EQ(cfg->daemon.workers, 3);
  ASSERT_EQ(cfg->feeds.size(), 2u);
  EXPECT_EQ(cfg->feeds[0].name, "Example A");
  EXPECT_EQ(cfg->feeds[0].interval, std::chrono::minutes{15});
  EXPECT_EQ(cfg->feeds[0].min_interval, std::chrono::minutes{10});
  EXPECT_EQ(cfg->feeds[0].max_interval, std::chrono::hours{1});
  EXPECT_FALSE(cfg->feeds[1].min_interval);
  EXPECT_EQ(cfg->schedule.min_interval, std::chrono::minutes{2});
  EXPECT_EQ(cfg->schedule.max_interval, std::chrono::hours{12});
  EXPECT_EQ(cfg->schedule.max_backoff, std::chrono::hours{6});
  EXPECT_DOUBLE_EQ(cfg->schedule.jitter, 0.2);
  EXPECT_EQ(cfg->feeds[0].tags, std::vector<std::string>{"maghreb"});
  // A relative file: URL is resolved against the config file's directory.
  EXPECT_EQ(cfg->feeds[1].url, "file://" + fs::absolute(kData / "feeds/local.xml").lexically_normal().string());
}

TEST(Config, SyntaxErrorReportsFileLineAndColumn) {
  auto cfg = load_config(kData / "syntax_error.toml");
  ASSERT_FALSE(cfg);
  EXPECT_EQ(cfg.error().code, Errc::config);
  const std::string prefix = fs::absolute(kData / "syntax_error.toml").lexically_normal().string() + ":3:";
  EXPECT_EQ(cfg.error().message.rfind(prefix, 0), 0u) << cfg.error().message;
}

TEST(Config, EveryInvalidValueIsReportedWithItsPosition) {
  auto cfg = load_config(kData / "invalid_values.toml");
  ASSERT_FALSE(cfg);
  const std::string& m = cfg.error().message;
  const std::string file = fs::absolute(kData / "invalid_values.toml").lexically_normal().string();
  for (const std::string& expected : std::vector<std::string>{
           file + ":2:19: 'fetch.max_connections' must be between 1 and 1024",
           file + ":3:17: 'fetch.total_timeout' must be a duration",
           file + ":4:16: 'fetch.max_per_host' must be an integer",
           file + ":7:9: 'log.level' must be one of",
           file + ":10:1: unknown key 'store.pth'",
           file + ":13:7: 'ftp://example.com/feed' is not a feed URL: scheme 'ftp' is not supported",
           "a [[feeds]] entry needs a 'url'",
           "feed 'https://example.com/dup.xml' is listed twice",
       }) {
    EXPECT_NE(m.find(expected), std::string::npos) << "missing: " << expected << "\nin:\n" << m;
  }
}

TEST(Config, MissingFileIsAnIoError) {
  auto cfg = load_config(kData / "does-not-exist.toml");
  ASSERT_FALSE(cfg);
  EXPECT_EQ(cfg.error().code, Errc::io);
}

TEST(Config, PerHostLimitCannotExceedTotal) {
  auto cfg = parse_config("[fetch]\nmax_connections = 2\nmax_per_host = 4\n", "inline.toml");
  ASSERT_FALSE(cfg);
  EXPECT_NE(cfg.error().message.find("inline.toml:3:16: 'fetch.max_per_host' cannot exceed"), std::string::npos)
      << cfg.error().message;
}

TEST(Config, CaFileMustExist) {
  auto cfg = parse_config("[fetch]\nca_file = \"/nonexistent/ca.pem\"\n", "inline.toml");
  ASSERT_FALSE(cfg);
  EXPECT_NE(cfg.error().message.find("inline.toml:2:11: 'fetch.ca_file' is not a file: /nonexistent/ca.pem"),
            std::string::npos)
      << cfg.error().message;
}

TEST(Config, AllowNetworksMustBeNetworks) {
  auto cfg = parse_config("[fetch]\nallow_networks = [\"10.0.0.0/8\", \"10.0.0.0/33\", \"intranet\", \"::1/129\"]\n",
                          "inline.toml");
  ASSERT_FALSE(cfg);
  const auto& m = cfg.error().message;
  EXPECT_NE(m.find("inline.toml:2:18: 'fetch.allow_networks' entry '10.0.0.0/33' is not a network"), std::string::npos)
      << m;
  EXPECT_NE(m.find("entry 'intranet' is not a network"), std::string::npos) << m;
  EXPECT_NE(m.find("entry '::1/129' is not a network"), std::string::npos) << m;
  EXPECT_EQ(m.find("'10.0.0.0/8'"), std::string::npos) << m;
}

TEST(Config, TheRemovedGuardSwitchSaysWhatReplacesIt) {
  auto cfg = parse_config("[fetch]\nallow_private_addresses = true\n", "inline.toml");
  ASSERT_FALSE(cfg);
  EXPECT_NE(cfg.error().message.find("inline.toml:2:27: 'fetch.allow_private_addresses' was removed"),
            std::string::npos)
      << cfg.error().message;
}

TEST(Config, IntervalBoundsMustBeOrdered) {
  auto cfg = parse_config("[schedule]\nmin_interval = \"2h\"\nmax_interval = \"1h\"\n", "inline.toml");
  ASSERT_FALSE(cfg);
  EXPECT_NE(cfg.error().message.find("inline.toml:2:16: 'schedule.min_interval' cannot exceed"), std::string::npos)
      << cfg.error().message;
}

TEST(Config, FeedUrlSchemesAreCaseInsensitiveAndFileMayBeShort) {
  auto cfg = parse_config(
      "[[feeds]]\nurl = \"HTTPS://example.com/a.rss\"\n[[feeds]]\nurl = \"file:/srv/feeds/b.rss\"\n", "inline.toml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ(cfg->feeds[0].url, "HTTPS://example.com/a.rss");
  EXPECT_EQ(cfg->feeds[1].url, "file:///srv/feeds/b.rss");
}

TEST(Config, BundledDefaultConfigIsValid) {
  auto cfg = load_config(fs::path(NEWSD_SOURCE_DIR) / "config/newsd.toml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_GE(cfg->feeds.size(), 3u);
  for (const auto& feed : cfg->feeds) EXPECT_TRUE(feed.url.starts_with("file:///")) << feed.url;
  EXPECT_EQ(cfg->store.path, fs::path(NEWSD_SOURCE_DIR) / "var/newsd.db");
  // The address guard has no exceptions in the bundled config.
  EXPECT_TRUE(cfg->fetch.allow_hosts.empty());
  EXPECT_TRUE(cfg->fetch.allow_networks.empty());
}

}  // namespace
}  // namespace newsd::config

namespace newsd::config {
namespace {

TEST(ConfigStore, PostgresqlBackendTakesItsUrlAndSqliteStaysTheDefault) {
  auto cfg = load_config(fs::path(NEWSD_TEST_DATA) / "config/store/postgresql.toml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ(cfg->store.backend, StoreBackend::postgresql);
  EXPECT_EQ(cfg->store.url, "postgresql://newsd@db.example:5432/newsd");
  auto minimal = load_config(fs::path(NEWSD_TEST_DATA) / "config/minimal.toml");
  ASSERT_TRUE(minimal) << minimal.error().message;
  EXPECT_EQ(minimal->store.backend, StoreBackend::sqlite);
  EXPECT_TRUE(minimal->store.url.empty());
}

TEST(ConfigStore, SinksRunOnAPostgresqlStoreToo) {
  auto cfg = load_config(fs::path(NEWSD_TEST_DATA) / "config/store/postgresql_with_sinks.toml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ(cfg->store.backend, StoreBackend::postgresql);
  ASSERT_EQ(cfg->sinks.size(), 1u);
  EXPECT_EQ(cfg->sinks[0].name, "desk");
  EXPECT_EQ(cfg->store.outbox.max_rows, 5000);
}

TEST(ConfigStore, PostgresqlNeedsAPostgresqlUrlAndOtherBackendsAreRefused) {
  auto no_url = load_config(fs::path(NEWSD_TEST_DATA) / "config/store/postgresql_without_url.toml");
  ASSERT_FALSE(no_url);
  EXPECT_NE(no_url.error().message.find(":2:11: 'store.url' must be a postgresql:// URI"), std::string::npos)
      << no_url.error().message;
  auto mysql = load_config(fs::path(NEWSD_TEST_DATA) / "config/store/unknown_backend.toml");
  ASSERT_FALSE(mysql);
  EXPECT_NE(mysql.error().message.find(":2:11: 'store.backend' must be \"sqlite\" or \"postgresql\""),
            std::string::npos)
      << mysql.error().message;
}

}  // namespace
}  // namespace newsd::config

namespace newsd::config {
namespace {

const fs::path kWorkers = fs::path(NEWSD_TEST_DATA) / "config/workers";

TEST(ConfigWorkers, HeartbeatDefaultsToAThirdOfTheLease) {
  auto defaults = parse_config("", "empty.toml");
  ASSERT_TRUE(defaults) << defaults.error().message;
  EXPECT_EQ(defaults->workers.lease_ttl, Seconds{60});
  EXPECT_EQ(defaults->workers.heartbeat, Seconds{20});
  auto lease_only = load_config(kWorkers / "lease_ttl_only.toml");
  ASSERT_TRUE(lease_only) << lease_only.error().message;
  EXPECT_EQ(lease_only->workers.lease_ttl, Seconds{90});
  EXPECT_EQ(lease_only->workers.heartbeat, Seconds{30});
  auto both = load_config(kWorkers / "lease_and_heartbeat.toml");
  ASSERT_TRUE(both) << both.error().message;
  EXPECT_EQ(both->workers.lease_ttl, Seconds{120});
  EXPECT_EQ(both->workers.heartbeat, Seconds{15});
  // --print writes it back as it loads.
  auto again = parse_config(to_toml(*both), "printed.toml");
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->workers.heartbeat, Seconds{15});
}

TEST(ConfigWorkers, AHeartbeatMustComeBeforeTheLeaseRunsOut) {
  auto same = load_config(kWorkers / "heartbeat_as_long_as_lease.toml");
  ASSERT_FALSE(same);
  EXPECT_NE(same.error().message.find(":3:13: 'workers.heartbeat' must be shorter than 'workers.lease_ttl'"),
            std::string::npos)
      << same.error().message;
  auto bad = load_config(kWorkers / "lease_too_short_and_typo.toml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find(":2:13: 'workers.lease_ttl' must be between 3s and 1h"), std::string::npos)
      << bad.error().message;
  EXPECT_NE(bad.error().message.find(":3:1: unknown key 'workers.heartbet'"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace newsd::config
