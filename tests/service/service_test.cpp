// The daemon as a service: the real newsd binary, real signals, a real
// HTTP server on 127.0.0.1 and the real SQLite file it writes.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <random>
#include <set>

#include "process.hpp"
#include "support/daemon_test_util.hpp"
#include "support/files.hpp"
#include "support/static_server.hpp"

namespace newsd::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kSamples = fs::path(NEWSD_SOURCE_DIR) / "samples";
const std::string kBinary = NEWSD_BINARY;

// Writes a config for `feeds` (paths under samples/) served by `server`.
fs::path write_config(const fs::path& dir, const StaticServer& server, const std::vector<std::string>& feeds,
                      int max_per_host = 4) {
  std::ofstream out(dir / "newsd.toml");
  out << "[log]\nlevel = \"info\"\n"
      << "[fetch]\nmin_host_interval = \"0s\"\nmax_retries = 0\nmax_per_host = " << max_per_host << "\n"
      << "[classify]\ntaxonomy = \"" << (fs::path(NEWSD_SOURCE_DIR) / "config/taxonomy/default.toml").string() << "\"\n"
      << "[store]\npath = \"newsd.db\"\nbatch_size = 2\n"
      << "[daemon]\nshutdown_grace = \"0s\"\n";
  for (const auto& f : feeds) out << "[[feeds]]\nurl = \"" << server.url("/" + f) << "\"\ninterval = \"1h\"\n";
  return dir / "newsd.toml";
}

TEST(Service, StopsCleanlyOnSigtermAfterIngesting) {
  TempDir dir("newsd-svc");
  StaticServer server(kSamples);
  const auto cfg = write_config(dir.path(), server, {"maghreb-defense.rss"});
  Process daemon({kBinary, "run", "--config", cfg.string()}, dir.path() / "run");
  ASSERT_TRUE(daemon.started());
  const fs::path db = dir.path() / "newsd.db";
  ASSERT_TRUE(eventually([&] { return count(db, "SELECT count(*) FROM articles") >= 5; }, 60s)) << daemon.stderr_text();
  // What `top -H` shows an operator: each of the daemon's own threads by its job.
  std::set<std::string> names;
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(daemon.pid()) + "/task")) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (std::getline(comm, name)) names.insert(name);
  }
  for (const char* job : {"newsd-writer", "newsd-worker-0", "newsd-fetch"}) EXPECT_TRUE(names.contains(job)) << job;
  daemon.signal(SIGTERM);
  EXPECT_EQ(exit_code(daemon.wait(30s)), 0) << daemon.stderr_text();
  Db check(db);
  EXPECT_EQ(check.rows("PRAGMA integrity_check")[0][0], "ok");
  EXPECT_NE(daemon.stderr_text().find("event=daemon.stopping"), std::string::npos);
}

TEST(Service, SighupReloadsFeedsAndSurvivesABrokenConfigOrABadSelector) {
  TempDir dir("newsd-svc");
  StaticServer server(kSamples);
  const auto cfg = write_config(dir.path(), server, {"world-en.rss"});
  Process daemon({kBinary, "run", "--config", cfg.string()}, dir.path() / "run");
  const fs::path db = dir.path() / "newsd.db";
  ASSERT_TRUE(eventually([&] { return count(db, "SELECT count(*) FROM articles") >= 1; }, 60s)) << daemon.stderr_text();
  ASSERT_EQ(count(db, "SELECT count(*) FROM feeds"), 1);

  // A broken file on SIGHUP: logged, the daemon keeps its old config.
  { std::ofstream(cfg) << "[fetch\nbroken"; }
  daemon.signal(SIGHUP);
  ASSERT_TRUE(eventually([&] { return daemon.stderr_text().find("config.reload_failed") != std::string::npos; }, 20s));
  EXPECT_TRUE(daemon.running());

  // As strict as startup: a second feed, and a site rule whose selector
  // `newsd run` would refuse. The reload names it by file:line:col and
  // applies nothing of that file.
  write_config(dir.path(), server, {"world-en.rss", "cyber-fr.atom"});
  std::ifstream in(cfg);
  const auto lines = std::count(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>(), '\n');
  {
    std::ofstream(cfg, std::ios::app)
        << "[[extract.sites]]\nhost = \"example.com\"\nkeep = [\"article:first-child\"]\n";
  }
  daemon.signal(SIGHUP);
  const std::string where = cfg.string() + ":" + std::to_string(lines + 3) + ":9: 'extract.sites.keep' entry";
  ASSERT_TRUE(eventually([&] { return daemon.stderr_text().find(where) != std::string::npos; }, 20s))
      << daemon.stderr_text();
  EXPECT_TRUE(daemon.running());
  EXPECT_EQ(count(db, "SELECT count(*) FROM feeds"), 1) << "the refused file's feed was added";

  // A good file with a second feed: its articles arrive without a restart.
  write_config(dir.path(), server, {"world-en.rss", "cyber-fr.atom"});
  daemon.signal(SIGHUP);
  EXPECT_TRUE(eventually([&] { return count(db, "SELECT count(*) FROM feeds") == 2; }, 20s)) << daemon.stderr_text();
  EXPECT_TRUE(eventually(
      [&] {
        return count(db,
                     "SELECT count(*) FROM articles a JOIN feeds f ON f.id = a.feed_id "
                     "WHERE f.url LIKE '%cyber-fr%'") >= 1;
      },
      60s))
      << daemon.stderr_text();
  daemon.signal(SIGINT);
  EXPECT_EQ(exit_code(daemon.wait(30s)), 0) << daemon.stderr_text();
}

// SIGKILL at random moments of an ingest made slow by the server (one
// request at a time, 250 ms each: a full run takes ~4 s, longer than any
// kill delay): after every kill the database is intact and keeps everything
// committed before; a final uninterrupted run completes the ingest without
// duplicates.
TEST(Service, SurvivesSigkillDuringIngest) {
  TempDir dir("newsd-kill");
  StaticServer server(kSamples, 250ms);
  const auto cfg =
      write_config(dir.path(), server, {"maghreb-defense.rss", "cyber-fr.atom", "world-en.rss"}, /*max_per_host=*/1);
  const fs::path db = dir.path() / "newsd.db";
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> delay_ms(150, 1500);
  std::set<std::string> committed;
  int killed_mid_run = 0;
  for (int round = 0; round < 10; ++round) {
    SCOPED_TRACE("kill round " + std::to_string(round));
    Process once({kBinary, "once", "--config", cfg.string()}, dir.path() / ("once" + std::to_string(round)));
    std::this_thread::sleep_for(std::chrono::milliseconds{delay_ms(rng)});
    once.signal(SIGKILL);
    const auto status = once.wait(10s);
    if (status && WIFSIGNALED(*status) && WTERMSIG(*status) == SIGKILL) ++killed_mid_run;
    if (!fs::exists(db)) continue;
    Db check(db);
    ASSERT_EQ(check.rows("PRAGMA integrity_check")[0][0], "ok");
    std::set<std::string> now;
    for (const auto& row : check.rows("SELECT canonical_url FROM articles")) now.insert(row[0]);
    for (const auto& url : committed) EXPECT_TRUE(now.contains(url)) << "lost after kill: " << url;
    committed = now;
  }
  EXPECT_EQ(killed_mid_run, 10) << "some runs finished before the kill: the test did not interrupt ingest";
  Process last({kBinary, "once", "--config", cfg.string()}, dir.path() / "final");
  EXPECT_EQ(exit_code(last.wait(120s)), 0) << last.stderr_text();
  Db check(db);
  EXPECT_EQ(check.rows("PRAGMA integrity_check")[0][0], "ok");
  const auto total = std::stoll(check.rows("SELECT count(*) FROM articles")[0][0]);
  const auto distinct = std::stoll(check.rows("SELECT count(DISTINCT canonical_url) FROM articles")[0][0]);
  EXPECT_EQ(total, distinct);
  EXPECT_GE(total, 10);
  for (const auto& url : committed) {
    EXPECT_EQ(check.rows("SELECT count(*) FROM articles WHERE canonical_url = '" + url + "'")[0][0], "1");
  }
}

TEST(Cli, CheckConfigReportsFileLineColumnAndExitsTwo) {
  TempDir dir("newsd-cli");
  const fs::path bad = dir.path() / "bad.toml";
  std::ofstream(bad) << "[fetch]\nmax_connections = 0\n";
  Process check({kBinary, "check-config", "--config", bad.string()}, dir.path() / "check");
  EXPECT_EQ(exit_code(check.wait(30s)), 2);
  EXPECT_NE(check.stderr_text().find(bad.string() + ":2:19: 'fetch.max_connections' must be between 1 and 1024"),
            std::string::npos)
      << check.stderr_text();

  Process good({kBinary, "check-config", "--config", NEWSD_SOURCE_DIR "/config/newsd.toml"}, dir.path() / "good");
  EXPECT_EQ(exit_code(good.wait(30s)), 0) << good.stderr_text();
}

TEST(Systemd, UnitFilePassesSystemdAnalyzeVerify) {
  if (std::system("command -v systemd-analyze >/dev/null 2>&1") != 0) GTEST_SKIP() << "systemd-analyze not installed";
  TempDir dir("newsd-unit");
  // verify checks that ExecStart exists: point it at the binary just built.
  std::string text = read_file(fs::path(NEWSD_SOURCE_DIR) / "systemd/newsd.service");
  const std::string from = "/usr/bin/newsd";  // ExecStartPre and ExecStart
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + kBinary.size()))
    text.replace(at, from.size(), kBinary);
  std::ofstream(dir.path() / "newsd.service") << text;
  const std::string cmd = "systemd-analyze verify " + (dir.path() / "newsd.service").string() + " > " +
                          (dir.path() / "verify.log").string() + " 2>&1";
  const int rc = std::system(cmd.c_str());
  const std::string out = read_file(dir.path() / "verify.log");
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace newsd::testing
