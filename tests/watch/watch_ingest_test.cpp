// Watches at ingest, end to end: a feed served by a real HTTP server on
// 127.0.0.1 is ingested through the engine with three [[watch]] entries;
// the matching articles carry the watch tag (kind and source `watch`) and a
// watch_matches row, each match is counted, the /api/stream event names the
// watch, and `newsd watch test` (the real binary, over the same store)
// finds exactly the articles ingest tagged.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/cli_run.hpp"
#include "newsd/ingest/engine.hpp"
#include "newsd/service/http_server.hpp"
#include "newsd/sink/article_json.hpp"
#include "newsd/store/store.hpp"
#include "newsd/watch/match_counts.hpp"
#include "newsd/watch/watch_set.hpp"
#include "support/daemon_test_util.hpp"
#include "support/static_server.hpp"

namespace newsd::watch {
namespace {

namespace fs = std::filesystem;
using ::testing::UnorderedElementsAre;

const fs::path kData = fs::path(NEWSD_TEST_DATA) / "watch";

// watches.toml (its [store] and [[watch]] entries) plus the feed and the
// settings a test run needs, written beside the database.
fs::path write_config(const fs::path& dir, const std::string& feed_url, std::string_view extra = {}) {
  std::string toml = testing::read_file(kData / "watches.toml");
  toml += std::string(extra) + R"(
[log]
level = "warn"
[fetch]
min_host_interval = "0s"
[classify]
taxonomy = ")" +
          (fs::path(NEWSD_SOURCE_DIR) / "config/taxonomy/default.toml").string() +
          R"("
[[feeds]]
url = ")" +
          feed_url + R"("
fetch_articles = false
)";
  const fs::path path = dir / "newsd.toml";
  std::ofstream(path) << toml;
  return path;
}

// item number (from /items/N) of every article carrying `watch`, per watch_matches.
std::set<std::string> recorded(testing::Db& db, const std::string& watch) {
  std::set<std::string> items;
  for (const auto& row : db.rows("SELECT a.url FROM watch_matches m JOIN articles a ON a.id = m.article_id "
                                 "WHERE m.watch = '" +
                                 watch + "'")) {
    items.insert(row[0].substr(row[0].rfind('/') + 1));
  }
  return items;
}

std::vector<nlohmann::json> stream_events(int port, std::size_t want) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(20, 0);
  std::vector<nlohmann::json> events;
  std::string buffer;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  client.Get("/api/stream?after=0", [&](const char* data, std::size_t size) {
    buffer.append(data, size);
    for (auto end = buffer.find("\n\n"); end != std::string::npos; end = buffer.find("\n\n")) {
      const std::string event = buffer.substr(0, end);
      buffer.erase(0, end + 2);
      if (const auto at = event.find("data: "); at != std::string::npos) {
        events.push_back(nlohmann::json::parse(event.substr(at + 6)));
      }
    }
    return events.size() < want && std::chrono::steady_clock::now() < deadline;
  });
  return events;
}

class WatchIngest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = write_config(dir_.path(), server_.url("/monitoring-desk.rss"));
    auto cfg = config::load_config(config_, {.check_watch_query = query_problem});
    ASSERT_TRUE(cfg) << cfg.error().message;
    cfg_ = *cfg;
    const auto before = match_counts().snapshot();
    auto engine = ingest::Engine::start(cfg_);
    ASSERT_TRUE(engine) << engine.error().describe();
    ingest::RunControl once;
    once.once = true;
    const auto report = (*engine)->run(once);
    ASSERT_EQ(report.articles_inserted, 8);
    for (const auto& [name, n] : match_counts().snapshot()) {
      counted_[name] = n - (before.contains(name) ? before.at(name) : 0);
    }
  }

  testing::TempDir dir_{"newsd-watch"};
  testing::StaticServer server_{kData};
  fs::path config_;
  config::Config cfg_;
  std::map<std::string, std::uint64_t> counted_;
};

TEST_F(WatchIngest, MatchingArticlesAreTaggedRecordedCountedAndStreamed) {
  testing::Db db(cfg_.store.path);
  EXPECT_THAT(recorded(db, "maghreb-drones"), UnorderedElementsAre("1", "3"));
  EXPECT_THAT(recorded(db, "missile-tests"), UnorderedElementsAre("5"));
  EXPECT_THAT(recorded(db, "french-cyber"), UnorderedElementsAre("7"));

  const auto tags = db.rows(
      "SELECT DISTINCT t.name, t.kind, at.source FROM article_tags at JOIN tags t ON t.id = at.tag_id "
      "WHERE t.kind = 'watch' ORDER BY t.name");
  ASSERT_EQ(tags.size(), 3u);
  EXPECT_EQ(tags[0], (std::vector<std::string>{"drones-maghreb", "watch", "watch"}));
  EXPECT_EQ(tags[1][0], "french-cyber");
  EXPECT_EQ(tags[2][0], "missile-tests");

  // The stored article, and so the JSON every sink delivers, names the watch.
  {
    auto store = store::Store::open_readonly(cfg_.store);
    ASSERT_TRUE(store) << store.error().describe();
    const auto id = std::stoll(db.rows("SELECT id FROM articles WHERE url LIKE '%/1'").at(0).at(0));
    auto view = store->article(id);
    ASSERT_TRUE(view && *view);
    EXPECT_EQ((*view)->watches, std::vector<std::string>{"maghreb-drones"});
    EXPECT_EQ(sink::article_json(**view)["watches"], nlohmann::json::array({"maghreb-drones"}));
  }

  EXPECT_EQ(counted_["maghreb-drones"], 2u);
  EXPECT_EQ(counted_["missile-tests"], 1u);
  EXPECT_EQ(counted_["french-cyber"], 1u);

  service::HttpOptions options{.http = {.listen = "127.0.0.1:0"}, .db = cfg_.store.path};
  options.stream_poll = std::chrono::milliseconds{50};
  auto server = service::HttpServer::start(options);
  ASSERT_TRUE(server) << server.error().describe();
  const auto events = stream_events((*server)->port(), 8);
  ASSERT_EQ(events.size(), 8u);
  std::map<std::string, nlohmann::json> by_item;
  for (const auto& e : events) {
    const std::string url = e["url"];
    by_item[url.substr(url.rfind('/') + 1)] = e["watches"];
  }
  EXPECT_EQ(by_item["1"], nlohmann::json::array({"maghreb-drones"}));
  EXPECT_EQ(by_item["5"], nlohmann::json::array({"missile-tests"}));
  EXPECT_EQ(by_item["2"], nlohmann::json::array());
  EXPECT_EQ(by_item["8"], nlohmann::json::array());
}

TEST_F(WatchIngest, WatchTestFindsExactlyWhatIngestTagged) {
  testing::Db db(cfg_.store.path);
  for (const auto& w : cfg_.watches) {
    SCOPED_TRACE(w.name);
    const auto ran = testing::run_newsd({"watch", "test", w.name, "--json", "--config", config_.string()}, dir_.path(),
                                        "test-" + w.name);
    ASSERT_EQ(ran.code, 0) << ran.err;
    const auto out = nlohmann::json::parse(ran.out);
    EXPECT_EQ(out["scanned"], 8);
    EXPECT_EQ(out["matched"], out["recorded_at_ingest"]);
    EXPECT_EQ(out["recorded_not_matching"], 0);
    std::set<std::string> shown;
    for (const auto& m : out["matches"]) {
      EXPECT_TRUE(m["recorded_at_ingest"].get<bool>());
      const std::string url = m["url"];
      shown.insert(url.substr(url.rfind('/') + 1));
    }
    EXPECT_EQ(shown, recorded(db, w.name));
  }
}

TEST_F(WatchIngest, WatchTestShowsWhereAnEditedQueryPartsFromIngest) {
  // The same name with a wider query: item 4 now matches too, and watch test says ingest did not tag it.
  std::string wider = testing::read_file(config_);
  const std::string old_query =
      R"q(query = "(drones OR مسيرات OR طائرات) AND (Morocco OR Algeria OR المغرب OR الجزائر)")q";
  wider.replace(wider.find(old_query), old_query.size(), R"(query = "drones OR طائرات")");
  std::ofstream(config_) << wider;
  const auto ran =
      testing::run_newsd({"watch", "test", "maghreb-drones", "--json", "--limit", "1", "--config", config_.string()},
                         dir_.path(), "edited");
  ASSERT_EQ(ran.code, 0) << ran.err;
  const auto out = nlohmann::json::parse(ran.out);
  EXPECT_EQ(out["matched"], 3);
  EXPECT_EQ(out["recorded_at_ingest"], 2);
  ASSERT_EQ(out["matches"].size(), 1u);  // --limit 1: the newest match only
}

TEST_F(WatchIngest, ListAndUnknownNames) {
  const auto list = testing::run_newsd({"watch", "list", "--config", config_.string()}, dir_.path(), "list");
  ASSERT_EQ(list.code, 0) << list.err;
  EXPECT_THAT(list.out, ::testing::HasSubstr("maghreb-drones  (tag drones-maghreb)  (drones OR"));
  const auto unknown =
      testing::run_newsd({"watch", "test", "nope", "--config", config_.string()}, dir_.path(), "unknown");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_THAT(unknown.err, ::testing::HasSubstr("no watch named 'nope'"));
}

}  // namespace
}  // namespace newsd::watch
