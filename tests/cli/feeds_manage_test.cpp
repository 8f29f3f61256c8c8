// `newsd feeds add|remove|import|export|discover` on the real binary, with
// real files, a real HTTP server on 127.0.0.1 and a real running daemon.
#include <gtest/gtest.h>

#include "cli_run.hpp"
#include "newsd/config/config.hpp"
#include "support/static_server.hpp"

namespace newsd::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kData = fs::path(NEWSD_TEST_DATA) / "cli";
const fs::path kSamples = fs::path(NEWSD_SOURCE_DIR) / "samples";

// A main config with comments (which must survive) and, optionally, a feeds_file.
fs::path write_main_config(const fs::path& dir, bool with_feeds_file) {
  std::ofstream out(dir / "newsd.toml");
  out << "# The operator's own comments: newsd must never rewrite this file.\n";
  if (with_feeds_file) out << "feeds_file = \"feeds.toml\"  # managed by `newsd feeds`\n";
  out << "[log]\nlevel = \"info\"\n"
      << "[fetch]\nmin_host_interval = \"0s\"\nmax_retries = 0\n"
      << "[classify]\ntaxonomy = \"" << (fs::path(NEWSD_SOURCE_DIR) / "config/taxonomy/default.toml").string()
      << "\"  # bundled\n"
      << "[store]\npath = \"newsd.db\"\n"
      << "[daemon]\nshutdown_grace = \"0s\"\n";
  return dir / "newsd.toml";
}

std::vector<config::FeedConfig> configured_feeds(const fs::path& main) {
  auto cfg = config::load_config(main);
  EXPECT_TRUE(cfg) << cfg.error().message;
  return cfg ? cfg->feeds : std::vector<config::FeedConfig>{};
}

class FeedsManage : public ::testing::Test {
 protected:
  Ran newsd(std::vector<std::string> args) { return run_newsd(args, dir_.path(), "run" + std::to_string(++runs_)); }
  TempDir dir_{"newsd-feeds-manage"};
  int runs_ = 0;
};

TEST_F(FeedsManage, AddAndRemoveEditTheFeedsFileAndNeverTheMainConfig) {
  const fs::path main = write_main_config(dir_.path(), true);
  const std::string before = read_file(main);
  const std::string cfg = main.string();

  Ran add = newsd({"feeds", "add", "https://example.org/akhbar.xml", "--name", "أخبار", "--interval", "2h", "--tag",
                   "maghreb", "--tag", "defense", "--site-url", "https://example.org/", "--config", cfg});
  ASSERT_EQ(add.code, 0) << add.err;
  EXPECT_NE(add.out.find("added https://example.org/akhbar.xml to " + (dir_.path() / "feeds.toml").string()),
            std::string::npos)
      << add.out;
  EXPECT_NE(add.out.find("no daemon writes"), std::string::npos) << add.out;
  ASSERT_EQ(newsd({"feeds", "add", "file:local/feed.xml", "--config", cfg}).code, 0);

  auto feeds = configured_feeds(main);
  ASSERT_EQ(feeds.size(), 2u);
  EXPECT_EQ(feeds[0].name, "أخبار");
  EXPECT_EQ(feeds[0].interval, 2h);
  EXPECT_EQ(feeds[0].tags, (std::vector<std::string>{"maghreb", "defense"}));
  EXPECT_EQ(feeds[0].site_url, "https://example.org/");
  EXPECT_EQ(feeds[1].url, "file://" + (dir_.path() / "local/feed.xml").string());
  EXPECT_EQ(read_file(main), before);

  // Refusals change nothing.
  const std::string feeds_text = read_file(dir_.path() / "feeds.toml");
  Ran dup = newsd({"feeds", "add", "https://example.org/akhbar.xml", "--config", cfg});
  EXPECT_EQ(dup.code, 2);
  EXPECT_NE(dup.err.find("already a feed"), std::string::npos) << dup.err;
  Ran hostless = newsd({"feeds", "add", "https://", "--config", cfg});
  EXPECT_EQ(hostless.code, 2);
  EXPECT_NE(hostless.err.find("it has no host"), std::string::npos) << hostless.err;
  EXPECT_EQ(newsd({"feeds", "add", "https://example.org/b.xml", "--interval", "soon", "--config", cfg}).code, 2);
  EXPECT_EQ(newsd({"feeds", "add", "https://example.org/b.xml", "--interval", "5s", "--config", cfg}).code, 2);
  EXPECT_EQ(read_file(dir_.path() / "feeds.toml"), feeds_text);

  Ran remove = newsd({"feeds", "remove", "https://example.org/akhbar.xml", "--config", cfg});
  ASSERT_EQ(remove.code, 0) << remove.err;
  Ran remove_relative = newsd({"feeds", "remove", "file:local/feed.xml", "--config", cfg});
  ASSERT_EQ(remove_relative.code, 0) << remove_relative.err;
  EXPECT_TRUE(configured_feeds(main).empty());
  Ran unknown = newsd({"feeds", "remove", "https://example.org/akhbar.xml", "--config", cfg});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("is not a feed"), std::string::npos) << unknown.err;
  EXPECT_EQ(read_file(main), before);
}

TEST_F(FeedsManage, WithoutFeedsFileItSaysWhichLineToAdd) {
  const fs::path main = write_main_config(dir_.path(), false);
  const std::string before = read_file(main);
  Ran add = newsd({"feeds", "add", "https://example.org/a.xml", "--config", main.string()});
  EXPECT_EQ(add.code, 2);
  EXPECT_NE(add.err.find("feeds_file = \"feeds.toml\""), std::string::npos) << add.err;
  EXPECT_EQ(read_file(main), before);
  EXPECT_FALSE(fs::exists(dir_.path() / "feeds.toml"));
}

TEST_F(FeedsManage, ImportExportImportIsLossless) {
  const fs::path main = write_main_config(dir_.path(), true);
  Ran imported = newsd({"feeds", "import", (kData / "opml/subscriptions.opml").string(), "--config", main.string()});
  ASSERT_EQ(imported.code, 0) << imported.err;
  EXPECT_NE(imported.out.find("imported 4 feeds"), std::string::npos) << imported.out;
  const auto first = configured_feeds(main);
  ASSERT_EQ(first.size(), 4u);
  EXPECT_EQ(first[0].tags, (std::vector<std::string>{"morocco", "news", "politics", "Maghreb"}));

  Ran exported = newsd({"feeds", "export", "--config", main.string()});
  ASSERT_EQ(exported.code, 0) << exported.err;
  TempDir other("newsd-feeds-reimport");
  const fs::path opml = other.path() / "export.opml";
  std::ofstream(opml) << exported.out;
  const fs::path main2 = write_main_config(other.path(), true);
  Ran again = run_newsd({"feeds", "import", opml.string(), "--config", main2.string()}, other.path(), "import");
  ASSERT_EQ(again.code, 0) << again.err;
  const auto second = configured_feeds(main2);
  ASSERT_EQ(second.size(), first.size());
  for (std::size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(second[i].url, first[i].url);
    EXPECT_EQ(second[i].name, first[i].name);
    EXPECT_EQ(second[i].site_url, first[i].site_url);
    EXPECT_EQ(second[i].tags, first[i].tags);
  }
  // Importing the same list again adds nothing.
  Ran twice = newsd({"feeds", "import", (kData / "opml/subscriptions.opml").string(), "--config", main.string()});
  EXPECT_EQ(twice.code, 0) << twice.err;
  EXPECT_NE(twice.out.find("imported 0 feeds"), std::string::npos) << twice.out;
  EXPECT_NE(twice.out.find("4 already present"), std::string::npos) << twice.out;
}

TEST_F(FeedsManage, ImportOfUnusualUrlsWarnsRefusesAndDeduplicates) {
  const fs::path main = write_main_config(dir_.path(), true);
  Ran r = newsd({"feeds", "import", (kData / "opml/unusual_urls.opml").string(), "--config", main.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: file:///srv/feeds/local.xml reads a local file"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("skipped: 'javascript:alert(1)' is not a feed URL"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("skipped: 'ftp://example.org/feed.xml'"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("imported 4 feeds"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("(1 already present, 4 refused)"), std::string::npos) << r.out;
  const auto feeds = configured_feeds(main);
  ASSERT_EQ(feeds.size(), 4u);
  EXPECT_EQ(feeds[1].url, "http://169.254.169.254/latest/feed");
  EXPECT_EQ(feeds[2].name, "first");
  EXPECT_EQ(feeds[3].site_url, "");  // a javascript: htmlUrl is dropped
}

TEST_F(FeedsManage, HostileOpmlIsRefusedAndNothingIsWritten) {
  const fs::path main = write_main_config(dir_.path(), true);
  for (const char* name : {"entity_bomb.opml", "doctype_external.opml", "not_opml.xml"}) {
    Ran r = newsd({"feeds", "import", (kData / "opml" / name).string(), "--config", main.string()});
    EXPECT_EQ(r.code, 2) << name;
    EXPECT_FALSE(fs::exists(dir_.path() / "feeds.toml")) << name;
  }
}

TEST_F(FeedsManage, DiscoverFindsAdvertisedAndCommonPathFeeds) {
  StaticServer site(kData / "discover/arabic_site");
  const fs::path main = write_main_config(dir_.path(), false);
  Ran r = newsd({"feeds", "discover", site.url("/"), "--config", main.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find(site.url("/akhbar/rss.xml") + "\tآخر الأخبار\t2 entries"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(site.url("/feed.xml") + "\tالموقع كاملا\t1 entries"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("missing.atom"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("javascript"), std::string::npos) << r.out;

  StaticServer empty(kData / "discover/site_without_feeds");
  Ran none = newsd({"feeds", "discover", empty.url("/"), "--config", main.string()});
  EXPECT_EQ(none.code, 1);
  EXPECT_NE(none.err.find("no feed found"), std::string::npos) << none.err;
  EXPECT_EQ(newsd({"feeds", "discover", "ftp://example.org/", "--config", main.string()}).code, 2);
}

TEST_F(FeedsManage, DiscoverFindsTheSitemapsNamedInRobotsTxt) {
  StaticServer site(kData / "discover/sitemap_site");
  const fs::path main = write_main_config(dir_.path(), false);
  Ran r = newsd({"feeds", "discover", site.url("/"), "--config", main.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  // Counted by what they list, recent or not (the fixture's dates are fixed).
  EXPECT_NE(r.out.find(site.url("/sitemap-news.xml") + "\tsitemap\t2 links"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(site.url("/sitemap_index.xml") + "\tsitemap index\t3 sitemaps"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("missing-sitemap"), std::string::npos) << r.out;
}

TEST_F(FeedsManage, AddReloadsTheRunningDaemonWhichPollsTheNewFeed) {
  StaticServer server(kSamples);
  const fs::path main = write_main_config(dir_.path(), true);
  ASSERT_EQ(newsd({"feeds", "add", server.url("/world-en.rss"), "--config", main.string()}).code, 0);
  Process daemon({NEWSD_BINARY, "run", "--config", main.string()}, dir_.path() / "daemon");
  ASSERT_TRUE(daemon.started());
  const fs::path db = dir_.path() / "newsd.db";
  ASSERT_TRUE(eventually([&] { return count(db, "SELECT count(*) FROM articles") >= 1; }, 60s)) << daemon.stderr_text();

  Ran add = newsd({"feeds", "add", server.url("/cyber-fr.atom"), "--site-url", "https://cyber.example.fr/", "--config",
                   main.string()});
  ASSERT_EQ(add.code, 0) << add.err;
  EXPECT_NE(add.out.find("sent SIGHUP to newsd (pid " + std::to_string(daemon.pid()) + ")"), std::string::npos)
      << add.out;
  EXPECT_TRUE(eventually(
      [&] {
        return count(db,
                     "SELECT count(*) FROM articles a JOIN feeds f ON f.id = a.feed_id "
                     "WHERE f.url LIKE '%cyber-fr%'") >= 1;
      },
      60s))
      << daemon.stderr_text();
  daemon.signal(SIGTERM);
  EXPECT_EQ(exit_code(daemon.wait(30s)), 0) << daemon.stderr_text();
  // site_url is stored: the configured one, else the feed's own link.
  Db check(db);
  const auto rows = check.rows("SELECT url, site_url FROM feeds ORDER BY id");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][1], "https://www.world-briefing.example/");
  EXPECT_EQ(rows[1][1], "https://cyber.example.fr/");
}

}  // namespace
}  // namespace newsd::testing
