// `newsd feeds add|remove|import|export` on a PostgreSQL store: the feed list
// lives in the database (a real PostgreSQL 15, support/pg_server.hpp), the
// config names only the database, and a running `newsd run` (a real process
// polling a real loopback server) applies what another process changed
// within its `[workers] refresh`, without a signal.
#include <gtest/gtest.h>

#include "cli_run.hpp"
#include "newsd/ingest/feed_list.hpp"
#include "support/pg_server.hpp"
#include "support/static_server.hpp"

namespace newsd::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kData = fs::path(NEWSD_TEST_DATA) / "cli";
const fs::path kSamples = fs::path(NEWSD_SOURCE_DIR) / "samples";

class FeedsDb : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = PgServer::get();
    ASSERT_NE(server_, nullptr);
    url_ = server_->create_database(database_);
  }
  void TearDown() override {
    if (server_ != nullptr) server_->drop_database(database_);
  }

  // A config naming only the database (no [[feeds]], no feeds_file), with
  // `feeds` appended as written.
  fs::path write_config(const fs::path& dir, const std::string& feeds = {}) {
    const fs::path path = dir / "newsd.toml";
    std::ofstream out(path);
    out << "# The operator's config: newsd never writes it.\n"
        << "[log]\nlevel = \"info\"\n"
        << "[fetch]\nmin_host_interval = \"0s\"\nmax_retries = 0\n"
        << "[classify]\ntaxonomy = \"" << (fs::path(NEWSD_SOURCE_DIR) / "config/taxonomy/default.toml").string()
        << "\"\n"
        << "[store]\nbackend = \"postgresql\"\nurl = \"" << url_ << "\"\n"
        << "[daemon]\nshutdown_grace = \"0s\"\n"
        << "[workers]\nrefresh = \"1s\"\n"
        << feeds;
    return path;
  }

  Ran newsd(std::vector<std::string> args) { return run_newsd(args, dir_.path(), "run" + std::to_string(++runs_)); }

  // The list as every worker reads it.
  std::vector<config::FeedConfig> listed() {
    config::StoreConfig cfg;
    cfg.backend = config::StoreBackend::postgresql;
    cfg.url = url_;
    auto store = store::Store::open_readonly(cfg);
    EXPECT_TRUE(store) << store.error().describe();
    if (!store) return {};
    auto feeds = ingest::feeds_from_store(*store);
    EXPECT_TRUE(feeds) << feeds.error().describe();
    return feeds ? *feeds : std::vector<config::FeedConfig>{};
  }

  std::int64_t sql_count(const std::string& sql) {
    try {
      pqxx::connection conn(url_);
      pqxx::work tx(conn);
      return tx.exec1(sql)[0].as<std::int64_t>();
    } catch (const std::exception&) {
      return 0;  // the schema is not there yet
    }
  }

  std::int64_t articles_from(const std::string& url_part) {
    return sql_count("SELECT count(*) FROM articles a JOIN feeds f ON f.id = a.feed_id WHERE f.url LIKE '%" + url_part +
                     "%'");
  }

  PgServer* server_ = nullptr;
  const std::string database_ = "newsd_feedsdb_" + std::to_string(::getpid());
  std::string url_;
  TempDir dir_{"newsd-feeds-db"};
  int runs_ = 0;
};

TEST_F(FeedsDb, AddAndRemoveEditTheDatabaseListAndNeverAFile) {
  const fs::path main = write_config(dir_.path());
  const std::string before = read_file(main);
  const std::string cfg = main.string();

  Ran add = newsd({"feeds", "add", "https://example.org/akhbar.xml", "--name", "أخبار", "--interval", "2h", "--tag",
                   "maghreb", "--tag", "defense", "--site-url", "https://example.org/", "--config", cfg});
  ASSERT_EQ(add.code, 0) << add.err;
  EXPECT_NE(add.out.find("added https://example.org/akhbar.xml to the database's feed list"), std::string::npos)
      << add.out;
  EXPECT_NE(add.out.find("applies it within 1s ([workers] refresh)"), std::string::npos) << add.out;
  ASSERT_EQ(newsd({"feeds", "add", "file:local/feed.xml", "--config", cfg}).code, 0);

  auto feeds = listed();
  ASSERT_EQ(feeds.size(), 2u);
  EXPECT_EQ(feeds[0].name, "أخبار");
  EXPECT_EQ(feeds[0].interval, 2h);
  EXPECT_EQ(feeds[0].tags, (std::vector<std::string>{"maghreb", "defense"}));
  EXPECT_EQ(feeds[0].site_url, "https://example.org/");
  EXPECT_EQ(feeds[1].url, "file://" + (dir_.path() / "local/feed.xml").string());

  // Refusals write nothing: the list and its version stay.
  const auto version = sql_count("SELECT value::bigint FROM meta WHERE key = 'feed_list_version'");
  Ran dup = newsd({"feeds", "add", "https://example.org/akhbar.xml", "--config", cfg});
  EXPECT_EQ(dup.code, 2);
  EXPECT_NE(dup.err.find("already a feed"), std::string::npos) << dup.err;
  Ran hostless = newsd({"feeds", "add", "https://", "--config", cfg});
  EXPECT_EQ(hostless.code, 2);
  EXPECT_NE(hostless.err.find("it has no host"), std::string::npos) << hostless.err;
  Ran too_often = newsd({"feeds", "add", "https://example.org/b.xml", "--interval", "5s", "--config", cfg});
  EXPECT_EQ(too_often.code, 2);
  EXPECT_NE(too_often.err.find("'feeds.interval' must be between 1m and 7d"), std::string::npos) << too_often.err;
  EXPECT_EQ(newsd({"feeds", "add", "https://example.org/b.xml", "--interval", "soon", "--config", cfg}).code, 2);
  EXPECT_EQ(listed().size(), 2u);
  EXPECT_EQ(sql_count("SELECT value::bigint FROM meta WHERE key = 'feed_list_version'"), version);
  EXPECT_EQ(sql_count("SELECT count(*) FROM feeds WHERE url LIKE '%b.xml'"), 0);

  Ran remove = newsd({"feeds", "remove", "https://example.org/akhbar.xml", "--config", cfg});
  ASSERT_EQ(remove.code, 0) << remove.err;
  EXPECT_NE(remove.out.find("removed https://example.org/akhbar.xml from the database's feed list"), std::string::npos)
      << remove.out;
  ASSERT_EQ(newsd({"feeds", "remove", "file:local/feed.xml", "--config", cfg}).code, 0);
  EXPECT_TRUE(listed().empty());
  Ran unknown = newsd({"feeds", "remove", "https://example.org/akhbar.xml", "--config", cfg});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("is not a feed"), std::string::npos) << unknown.err;

  // `newsd feeds` lists them as removed; no file was written beside the config.
  Ran health = newsd({"feeds", "--config", cfg});
  ASSERT_EQ(health.code, 0) << health.err;
  EXPECT_NE(health.out.find("removed"), std::string::npos) << health.out;
  EXPECT_EQ(read_file(main), before);
  EXPECT_FALSE(fs::exists(dir_.path() / "feeds.toml"));

  // Added again: back on the list.
  ASSERT_EQ(newsd({"feeds", "add", "https://example.org/akhbar.xml", "--config", cfg}).code, 0);
  ASSERT_EQ(listed().size(), 1u);
}

TEST_F(FeedsDb, ImportExportImportIsLosslessAcrossDatabases) {
  const fs::path main = write_config(dir_.path());
  Ran imported = newsd({"feeds", "import", (kData / "opml/subscriptions.opml").string(), "--config", main.string()});
  ASSERT_EQ(imported.code, 0) << imported.err;
  EXPECT_NE(imported.out.find("imported 4 feeds into the database's feed list (0 already present, 0 refused)"),
            std::string::npos)
      << imported.out;
  const auto first = listed();
  ASSERT_EQ(first.size(), 4u);
  EXPECT_EQ(first[0].tags, (std::vector<std::string>{"morocco", "news", "politics", "Maghreb"}));

  Ran exported = newsd({"feeds", "export", "--config", main.string()});
  ASSERT_EQ(exported.code, 0) << exported.err;
  const fs::path opml = dir_.path() / "export.opml";
  std::ofstream(opml) << exported.out;

  // The export read into an empty database gives the same feeds.
  const std::string other_db = database_ + "_other";
  const std::string first_url = url_;
  url_ = server_->create_database(other_db);
  TempDir other("newsd-feeds-db-other");
  const fs::path main2 = write_config(other.path());
  Ran again = run_newsd({"feeds", "import", opml.string(), "--config", main2.string()}, other.path(), "import");
  ASSERT_EQ(again.code, 0) << again.err;
  const auto second = listed();
  url_ = first_url;
  server_->drop_database(other_db);
  // URL, name, site and tags came through OPML; the rest are the defaults on both sides.
  EXPECT_TRUE(second == first) << exported.out;

  Ran twice = newsd({"feeds", "import", (kData / "opml/subscriptions.opml").string(), "--config", main.string()});
  EXPECT_EQ(twice.code, 0) << twice.err;
  EXPECT_NE(twice.out.find("imported 0 feeds"), std::string::npos) << twice.out;
  EXPECT_NE(twice.out.find("4 already present"), std::string::npos) << twice.out;
}

TEST_F(FeedsDb, HostileOpmlWritesNothingToTheDatabase) {
  const fs::path main = write_config(dir_.path());
  for (const char* name : {"entity_bomb.opml", "doctype_external.opml", "not_opml.xml"}) {
    Ran r = newsd({"feeds", "import", (kData / "opml" / name).string(), "--config", main.string()});
    EXPECT_EQ(r.code, 2) << name;
  }
  EXPECT_TRUE(listed().empty());
}

TEST_F(FeedsDb, UnreachableDatabaseIsAnErrorNotAFallbackToAFile) {
  const fs::path main = write_config(dir_.path());
  server_->drop_database(database_);
  Ran add = newsd({"feeds", "add", "https://example.org/a.xml", "--config", main.string()});
  EXPECT_EQ(add.code, 1);
  EXPECT_NE(add.err.find("newsd feeds: connect: "), std::string::npos) << add.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "feeds.toml"));
  url_ = server_->create_database(database_);  // for TearDown
}

TEST_F(FeedsDb, ARunningWorkerAppliesAddAndRemoveFromAnotherProcessWithoutASignal) {
  StaticServer site(kSamples);
  // The config's own feed is written into the list when the worker starts.
  const fs::path main =
      write_config(dir_.path(), "[[feeds]]\nurl = \"" + site.url("/world-en.rss") + "\"\nname = \"World\"\n");
  Process worker({NEWSD_BINARY, "run", "--config", main.string()}, dir_.path() / "worker");
  ASSERT_TRUE(worker.started());
  ASSERT_TRUE(eventually([&] { return articles_from("world-en") >= 1; }, 60s)) << worker.stderr_text();
  ASSERT_EQ(listed().size(), 1u);

  Ran add = newsd({"feeds", "add", site.url("/cyber-fr.atom"), "--config", main.string()});
  ASSERT_EQ(add.code, 0) << add.err;
  EXPECT_TRUE(eventually([&] { return articles_from("cyber-fr") >= 1; }, 60s)) << worker.stderr_text();

  // Removed: the worker drops it. Then made due at once in the database and
  // the list changed again: a worker still holding it would poll it now,
  // with the new feed.
  Ran remove = newsd({"feeds", "remove", site.url("/cyber-fr.atom"), "--config", main.string()});
  ASSERT_EQ(remove.code, 0) << remove.err;
  EXPECT_TRUE(eventually([&] { return worker.stderr_text().find("event=feed.removed") != std::string::npos; }, 30s))
      << worker.stderr_text();
  const int polls_before = site.requests("/cyber-fr.atom");
  ASSERT_EQ(newsd({"feeds", "--reactivate", site.url("/cyber-fr.atom"), "--config", main.string()}).code, 0);
  ASSERT_EQ(newsd({"feeds", "add", site.url("/maghreb-defense.rss"), "--config", main.string()}).code, 0);
  EXPECT_TRUE(eventually([&] { return articles_from("maghreb-defense") >= 1; }, 60s)) << worker.stderr_text();
  EXPECT_EQ(site.requests("/cyber-fr.atom"), polls_before);
  EXPECT_GE(site.requests("/world-en.rss"), 1);

  worker.signal(SIGTERM);
  EXPECT_EQ(exit_code(worker.wait(30s)), 0) << worker.stderr_text();
}

}  // namespace
}  // namespace newsd::testing
