// `newsd migrate` through the real binary, then every query command on the
// PostgreSQL copy (a config naming it) answering as on the SQLite file.
#include <fstream>

#include "cli_run.hpp"

namespace newsd::store::testing {
namespace {

class PgCliTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    server_ = newsd::testing::PgServer::get();
    ASSERT_NE(server_, nullptr);
    url_ = server_->create_database(database_);
    config_ = dir_ / "pg.toml";
    std::ofstream(config_) << "[store]\nbackend = \"postgresql\"\nurl = \"" << url_ << "\"\n";
  }
  void TearDown() override {
    if (server_ != nullptr) server_->drop_database(database_);
    CliTest::TearDown();
  }

  std::string pg_arg() const { return "--config '" + config_.string() + "'"; }

  newsd::testing::PgServer* server_ = nullptr;
  const std::string database_ = "newsd_cli_" + std::to_string(::getpid());
  std::string url_;
  std::filesystem::path config_;
};

TEST_F(PgCliTest, MigrateCopiesTheArchiveOnceAndQueriesAnswerAsOnSqlite) {
  const std::string migrate = "migrate --quiet --from '" + db_path_.string() + "' --to '" + url_ + "'";
  auto first = newsd(migrate);
  ASSERT_EQ(first.status, 0) << first.out;
  EXPECT_NE(first.out.find("copied 2 feeds, 3 tags, 2 articles (0 already there)"), std::string::npos) << first.out;
  auto again = newsd(migrate);
  ASSERT_EQ(again.status, 0) << again.out;
  EXPECT_NE(again.out.find("copied 0 feeds, 0 tags, 0 articles (2 already there)"), std::string::npos) << again.out;

  for (const std::string query : {"search المغرب --json", "search cyberattaque --json", "search --tag defense --json",
                                  "search --lang fr --csv", "show 1 --json", "feeds"}) {
    auto sqlite = newsd(query + " " + db_arg_);
    auto pg = newsd(query + " " + pg_arg());
    ASSERT_EQ(sqlite.status, 0) << query << sqlite.out;
    ASSERT_EQ(pg.status, 0) << query << pg.out;
    if (!query.ends_with("--json")) {
      EXPECT_EQ(pg.out, sqlite.out) << query;
      continue;
    }
    // The same hits and snippets; only the rank's scale differs (bm25 and
    // ts_rank_cd; lower is better on both).
    auto pg_lines = json_lines(pg.out), sqlite_lines = json_lines(sqlite.out);
    for (auto* lines : {&pg_lines, &sqlite_lines}) {
      for (auto& line : *lines) line.erase("rank");
    }
    EXPECT_EQ(pg_lines, sqlite_lines) << query;
  }
}

// The analyst's loop on PostgreSQL: labels, retag after a taxonomy change,
// stats' outdated count and eval --from-store, each answering as the same
// commands do on the SQLite file the archive was copied from.
TEST_F(PgCliTest, LabelRetagStatsAndEvalAnswerAsOnSqlite) {
  ASSERT_EQ(newsd("migrate --quiet --from '" + db_path_.string() + "' --to '" + url_ + "'").status, 0);
  const std::string taxonomy = (std::filesystem::path(NEWSD_TEST_DATA) / "store/retag/taxonomy_edited.toml").string();
  const auto sqlite_config = dir_ / "sqlite-tagged.toml", pg_config = dir_ / "pg-tagged.toml";
  std::ofstream(sqlite_config) << "[classify]\ntaxonomy = \"" << taxonomy << "\"\n[store]\npath = \""
                               << db_path_.string() << "\"\n";
  std::ofstream(pg_config) << "[classify]\ntaxonomy = \"" << taxonomy
                           << "\"\n[store]\nbackend = \"postgresql\"\nurl = \"" << url_ << "\"\n";
  const auto on_both = [&](const std::string& args) {
    return std::pair{newsd(args + " --config '" + sqlite_config.string() + "'"),
                     newsd(args + " --config '" + pg_config.string() + "'")};
  };

  for (const std::string label : {"label 2 cyber --by alice", "label 1 MA --remove --by alice"}) {
    const auto [sqlite, pg] = on_both(label);
    ASSERT_EQ(pg.status, 0) << pg.out;
    EXPECT_EQ(pg.out, sqlite.out);
  }
  const auto unknown = newsd("label 9 cyber --config '" + pg_config.string() + "'");
  EXPECT_EQ(unknown.status, 2) << unknown.out;
  EXPECT_NE(unknown.out.find("no article with id 9"), std::string::npos) << unknown.out;
  const auto shown = newsd("show 2 --config '" + pg_config.string() + "'");
  EXPECT_NE(shown.out.find("cyber (topic, label, 1.00)"), std::string::npos) << shown.out;

  // Copied articles carry no tag versions: every one is outdated, then none.
  EXPECT_NE(newsd("stats --config '" + pg_config.string() + "'").out.find("outdated tags:   2 articles"),
            std::string::npos);
  const auto [sqlite_retag, pg_retag] = on_both("retag");
  ASSERT_EQ(pg_retag.status, 0) << pg_retag.out;
  EXPECT_NE(pg_retag.out.find("send SIGHUP to each newsd sharing the PostgreSQL store"), std::string::npos);
  EXPECT_NE(pg_retag.out.find(sqlite_retag.out), std::string::npos) << pg_retag.out << "\nvs SQLite:\n"
                                                                    << sqlite_retag.out;
  EXPECT_NE(pg_retag.out.find("retagged 2 articles (rules)"), std::string::npos) << pg_retag.out;
  EXPECT_NE(newsd("stats --config '" + pg_config.string() + "'").out.find("outdated tags:   0 articles"),
            std::string::npos);
  EXPECT_NE(newsd("retag --config '" + pg_config.string() + "'").out.find("nothing to retag"), std::string::npos);
  EXPECT_NE(newsd("show 2 --config '" + pg_config.string() + "'").out.find("cyber (topic, label, 1.00)"),
            std::string::npos)
      << "a retag leaves labels alone";

  const auto [sqlite_eval, pg_eval] = on_both("eval --from-store");
  ASSERT_EQ(pg_eval.status, 0) << pg_eval.out;
  EXPECT_EQ(pg_eval.out, sqlite_eval.out);
  EXPECT_NE(pg_eval.out.find("labelled_articles\t2"), std::string::npos) << pg_eval.out;
}

TEST_F(PgCliTest, MigrateRefusesAnythingButAPostgresqlUrl) {
  auto run = newsd("migrate --from '" + db_path_.string() + "' --to 'mysql://db.example/newsd'");
  EXPECT_EQ(run.status, 2) << run.out;
  EXPECT_NE(run.out.find("--to must be a postgresql:// URI"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace newsd::store::testing
