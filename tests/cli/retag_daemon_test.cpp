// `newsd retag` beside a real `newsd run` that is ingesting from a slow
// 127.0.0.1 server: both write the same SQLite file at once. Nothing the
// daemon ingests is lost, neither side reports a busy or locked database,
// the daemon is told to reload the edited taxonomy, and once ingest is done
// a second retag leaves no article with outdated tags.
#include <gtest/gtest.h>

#include "retag_fixture.hpp"

namespace newsd::testing {
namespace {

using namespace retag;
using namespace std::chrono_literals;

bool mentions_contention(const std::string& log) {
  for (const char* word : {"database is locked", "SQLITE_BUSY", "store.write_failed", "store.feed_state_failed",
                           "store.source_failed", "not stored"}) {
    if (log.find(word) != std::string::npos) return true;
  }
  return false;
}

TEST(RetagWhileRunning, RetagsBesideTheIngestingDaemonWithoutLosingArticlesOrBusyErrors) {
  // What an uninterrupted ingest of the samples stores, in its own directory.
  TempDir reference_dir("newsd-retag-ref");
  StaticServer fast(kSamples);
  const Ran reference = run_newsd({"once", "--quiet", "--config", write_config(reference_dir.path(), fast).string()},
                                  reference_dir.path(), "once");
  ASSERT_EQ(reference.code, 0) << reference.err;
  const auto expected = count(reference_dir.path() / "newsd.db", "SELECT count(*) FROM articles");
  ASSERT_GE(expected, 5);

  // One request at a time, 700 ms each: the daemon ingests for ten seconds or so.
  TempDir dir("newsd-retag-run");
  StaticServer slow(kSamples, 700ms);
  const fs::path cfg = write_config(dir.path(), slow, /*max_per_host=*/1);
  const fs::path db = dir.path() / "newsd.db";
  Process daemon({NEWSD_BINARY, "run", "--config", cfg.string()}, dir.path() / "daemon");
  ASSERT_TRUE(daemon.started());
  ASSERT_TRUE(eventually([&] { return count(db, "SELECT count(*) FROM articles") >= 1; }, 60s)) << daemon.stderr_text();

  edit_taxonomy(dir.path());
  const Ran during = run_newsd({"retag", "--batch", "1", "--config", cfg.string()}, dir.path(), "retag-during");
  const auto stored_when_done = count(db, "SELECT count(*) FROM articles");
  ASSERT_EQ(during.code, 0) << during.err;
  EXPECT_NE(during.err.find("told the daemon (pid " + std::to_string(daemon.pid()) + ")"), std::string::npos)
      << during.err;
  EXPECT_NE(during.out.find("retagged "), std::string::npos) << during.out;
  EXPECT_LT(stored_when_done, expected) << "ingest was over before the retag ended: they did not overlap";

  ASSERT_TRUE(eventually([&] { return count(db, "SELECT count(*) FROM articles") == expected; }, 120s))
      << "articles lost: " << count(db, "SELECT count(*) FROM articles") << " of " << expected << '\n'
      << daemon.stderr_text();
  // Whatever the daemon stored with the old taxonomy before its reload.
  const Ran after = run_newsd({"retag", "--config", cfg.string()}, dir.path(), "retag-after");
  ASSERT_EQ(after.code, 0) << after.err;
  const Ran stats = run_newsd({"stats", "--config", cfg.string()}, dir.path(), "stats");
  EXPECT_NE(stats.out.find("outdated tags:   0 articles"), std::string::npos) << stats.out;

  daemon.signal(SIGTERM);
  EXPECT_EQ(exit_code(daemon.wait(30s)), 0) << daemon.stderr_text();
  EXPECT_NE(daemon.stderr_text().find("event=config.reloaded"), std::string::npos) << daemon.stderr_text();
  EXPECT_FALSE(mentions_contention(daemon.stderr_text())) << daemon.stderr_text();
  EXPECT_FALSE(mentions_contention(during.err + after.err)) << during.err << after.err;
  Db check(db);
  EXPECT_EQ(check.rows("PRAGMA integrity_check")[0][0], "ok");
  EXPECT_EQ(check.rows("SELECT count(DISTINCT taxonomy_version) FROM articles")[0][0], "1");
  EXPECT_EQ(check.rows("SELECT count(*) FROM articles WHERE taxonomy_version IS NULL")[0][0], "0");
  EXPECT_EQ(check.rows("SELECT count(*) FROM feeds WHERE last_error <> ''")[0][0], "0");
  EXPECT_NE(check.rows("SELECT count(*) FROM article_tags at JOIN tags t ON t.id = at.tag_id "
                       "WHERE t.name = 'probe-minister'")[0][0],
            "0");
}

}  // namespace
}  // namespace newsd::testing
