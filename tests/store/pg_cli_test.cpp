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

TEST_F(PgCliTest, MigrateRefusesAnythingButAPostgresqlUrl) {
  auto run = newsd("migrate --from '" + db_path_.string() + "' --to 'mysql://db.example/newsd'");
  EXPECT_EQ(run.status, 2) << run.out;
  EXPECT_NE(run.out.find("--to must be a postgresql:// URI"), std::string::npos) << run.out;
}

}  // namespace
}  // namespace newsd::store::testing
