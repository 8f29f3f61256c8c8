// `newsd run` with a JSON Lines sink over the sample feeds, then
// `newsd sinks` and `newsd sinks retry`: the real binary, its real database.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "service/process.hpp"
#include "support/daemon_test_util.hpp"
#include "support/pg_server.hpp"
#include "support/static_server.hpp"

namespace newsd::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

const std::string kBinary = NEWSD_BINARY;

std::vector<json> read_lines(const fs::path& file) {
  std::vector<json> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

// `store` is the [store] table's keys: the SQLite file by default.
void write_config(const fs::path& dir, const StaticServer& server, const std::string& sinks,
                  const std::string& store = "path = \"newsd.db\"\n") {
  std::ofstream out(dir / "newsd.toml");
  out << "[fetch]\nmin_host_interval = \"0s\"\nmax_retries = 0\n"
      << "[classify]\ntaxonomy = \"" << (fs::path(NEWSD_SOURCE_DIR) / "config/taxonomy/default.toml").string() << "\"\n"
      << "[store]\n"
      << store << "batch_size = 2\n"
      << "[daemon]\nshutdown_grace = \"0s\"\n"
      << "[[feeds]]\nurl = \"" << server.url("/maghreb-defense.rss") << "\"\ninterval = \"1h\"\n"
      << sinks;
}

Process run_cli(const std::vector<std::string>& args, const fs::path& dir, const std::string& name) {
  std::vector<std::string> argv{kBinary};
  argv.insert(argv.end(), args.begin(), args.end());
  return Process(argv, dir / name);
}

// `newsd sinks --json` run with `args`: one sink, "lines", which delivered
// every id the JSON Lines file holds and has nothing left to send.
json expect_lines_sink_delivered(const std::vector<std::string>& args, const fs::path& dir, std::size_t delivered) {
  auto listing = run_cli(args, dir, "sinks");
  EXPECT_EQ(exit_code(listing.wait(30s)), 0) << listing.stderr_text();
  auto report = json::parse(listing.stdout_text());
  EXPECT_EQ(report["sinks"].size(), 1u);
  EXPECT_EQ(report["sinks"][0]["name"], "lines");
  EXPECT_EQ(report["sinks"][0]["delivered"].get<std::size_t>(), delivered);
  EXPECT_EQ(report["sinks"][0]["lag"], 0);
  return report;
}

TEST(SinkDaemon, DeliversEveryStoredArticleAndReportsItsSinks) {
  TempDir dir("newsd-sinkd");
  StaticServer server(fs::path(NEWSD_SOURCE_DIR) / "samples");
  write_config(dir.path(), server, "[[sinks]]\nname = \"lines\"\ntype = \"jsonl\"\npath = \"out.jsonl\"\n");
  const fs::path db = dir.path() / "newsd.db";
  const fs::path out = dir.path() / "out.jsonl";
  Process daemon({kBinary, "run", "--config", (dir.path() / "newsd.toml").string()}, dir.path() / "run");
  ASSERT_TRUE(eventually([&] { return count(db, "SELECT count(*) FROM articles") >= 5; }, 60s)) << daemon.stderr_text();
  // Every stored article reaches the file, each once. The feed's state is
  // read first: it is committed after all of its articles, so the count
  // that follows is final (counting first raced with the last batch).
  ASSERT_TRUE(eventually(
      [&] {
        if (count(db, "SELECT count(*) FROM feeds WHERE last_fetched_at IS NOT NULL") != 1) return false;
        const auto stored = count(db, "SELECT count(*) FROM articles");
        return static_cast<std::int64_t>(read_lines(out).size()) == stored;
      },
      60s))
      << daemon.stderr_text();
  std::set<std::int64_t> ids;
  for (const auto& line : read_lines(out)) ids.insert(line["id"].get<std::int64_t>());
  EXPECT_EQ(static_cast<std::int64_t>(ids.size()), count(db, "SELECT count(*) FROM articles"));

  const auto report = expect_lines_sink_delivered({"sinks", "--db", db.string(), "--json"}, dir.path(), ids.size());
  EXPECT_EQ(report["outbox"]["dropped"], 0);

  // SIGHUP without the sink: it is forgotten, and the outbox stops filling.
  write_config(dir.path(), server, "");
  daemon.signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return count(db, "SELECT count(*) FROM sink_cursors") == 0; }, 30s))
      << daemon.stderr_text();
  daemon.signal(SIGTERM);
  EXPECT_EQ(exit_code(daemon.wait(30s)), 0) << daemon.stderr_text();
}

TEST(SinkDaemon, SinksListsDeadLettersAndRetryQueuesThem) {
  TempDir dir("newsd-sinkd");
  StaticServer server(fs::path(NEWSD_SOURCE_DIR) / "samples");
  // A webhook nobody answers, one attempt per article: every article is a dead letter.
  write_config(dir.path(), server,
               "[[sinks]]\nname = \"hook\"\ntype = \"webhook\"\nurl = \"http://127.0.0.1:9/hook\"\n"
               "secret = \"0123456789abcdef\"\nmax_attempts = 1\nretry_backoff = \"0s\"\n");
  const fs::path db = dir.path() / "newsd.db";
  {
    Process daemon({kBinary, "run", "--config", (dir.path() / "newsd.toml").string()}, dir.path() / "run");
    ASSERT_TRUE(eventually(
        [&] {
          const auto stored = count(db, "SELECT count(*) FROM articles");
          return stored > 0 && count(db, "SELECT count(*) FROM sink_dead_letters") == stored;
        },
        60s))
        << daemon.stderr_text();
    daemon.signal(SIGTERM);
    EXPECT_EQ(exit_code(daemon.wait(30s)), 0) << daemon.stderr_text();
  }
  const auto dead = count(db, "SELECT count(*) FROM sink_dead_letters");

  auto listing = run_cli({"sinks", "--db", db.string()}, dir.path(), "sinks");
  ASSERT_EQ(exit_code(listing.wait(30s)), 0) << listing.stderr_text();
  const std::string text = listing.stdout_text();
  EXPECT_NE(text.find("hook"), std::string::npos) << text;
  EXPECT_NE(text.find("dead letter: article"), std::string::npos) << text;
  EXPECT_NE(text.find("last error"), std::string::npos) << text;

  auto retry = run_cli({"sinks", "retry", "hook", "--db", db.string()}, dir.path(), "retry");
  ASSERT_EQ(exit_code(retry.wait(30s)), 0) << retry.stderr_text();
  EXPECT_NE(retry.stdout_text().find(std::to_string(dead) + " dead letter(s) of hook"), std::string::npos)
      << retry.stdout_text();
  EXPECT_EQ(count(db, "SELECT count(*) FROM sink_dead_letters WHERE retry = 1"), dead);

  auto unknown = run_cli({"sinks", "retry", "nope", "--db", db.string()}, dir.path(), "unknown");
  EXPECT_EQ(exit_code(unknown.wait(30s)), 2);
  EXPECT_NE(unknown.stderr_text().find("no sink named 'nope'"), std::string::npos) << unknown.stderr_text();
}

// -1 until the daemon has created the tables (asked, so that a poll that
// comes before the migration sends no failing statement).
std::int64_t pg_count(const std::string& url, const std::string& sql) {
  pqxx::connection conn(url);
  pqxx::nontransaction tx(conn);
  if (tx.exec1("SELECT to_regclass('public.feeds') IS NULL")[0].as<bool>()) return -1;
  return tx.exec1(sql)[0].as<std::int64_t>();
}

TEST(SinkDaemon, OnPostgresqlEveryStoredArticleReachesTheSinkAndSinksReportsIt) {
  auto* server_pg = PgServer::get();
  ASSERT_NE(server_pg, nullptr);
  const std::string database = "newsd_sinkd_" + std::to_string(::getpid());
  const std::string url = server_pg->create_database(database);
  TempDir dir("newsd-sinkd");
  StaticServer server(fs::path(NEWSD_SOURCE_DIR) / "samples");
  write_config(dir.path(), server, "[[sinks]]\nname = \"lines\"\ntype = \"jsonl\"\npath = \"out.jsonl\"\n",
               "backend = \"postgresql\"\nurl = \"" + url + "\"\n");
  const fs::path config = dir.path() / "newsd.toml";
  const fs::path out = dir.path() / "out.jsonl";
  {
    Process daemon({kBinary, "run", "--config", config.string()}, dir.path() / "run");
    // The feed's state first: committed after all of its articles, it
    // makes the count that follows final.
    ASSERT_TRUE(eventually(
        [&] {
          if (pg_count(url, "SELECT count(*) FROM feeds WHERE last_fetched_at IS NOT NULL") != 1) return false;
          const auto stored = pg_count(url, "SELECT count(*) FROM articles");
          return stored >= 5 && static_cast<std::int64_t>(read_lines(out).size()) == stored;
        },
        60s))
        << daemon.stderr_text();
    daemon.signal(SIGTERM);
    EXPECT_EQ(exit_code(daemon.wait(30s)), 0) << daemon.stderr_text();
  }
  std::set<std::int64_t> ids;
  for (const auto& line : read_lines(out)) ids.insert(line["id"].get<std::int64_t>());
  EXPECT_EQ(static_cast<std::int64_t>(ids.size()), pg_count(url, "SELECT count(*) FROM articles"));

  expect_lines_sink_delivered({"sinks", "--config", config.string(), "--json"}, dir.path(), ids.size());
  server_pg->drop_database(database);
}

}  // namespace
}  // namespace newsd::testing
