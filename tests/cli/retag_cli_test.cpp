// `newsd retag` and the outdated-tags line of `newsd stats`, as real
// processes over an archive `newsd once` ingested from a 127.0.0.1 server:
// after a taxonomy edit the retag adds exactly the new tag's rows, a run
// stopped by --limit resumes where it stopped, and stats counts what is left.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "retag_fixture.hpp"

namespace newsd::testing {
namespace {

using namespace retag;

struct TableRow {
  std::string tag, kind;
  long added = 0, removed = 0, rescored = 0;
};

// The per-tag rows of retag's table (after its TAG header line).
std::vector<TableRow> table_rows(const std::string& out) {
  std::istringstream in(out);
  std::vector<TableRow> rows;
  bool in_table = false;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("TAG ")) {
      in_table = true;
      continue;
    }
    if (!in_table || line.starts_with("stopped")) continue;
    std::istringstream fields(line);
    TableRow row;
    char plus = 0, minus = 0;
    fields >> row.tag >> row.kind >> plus >> row.added >> minus >> row.removed >> row.rescored;
    EXPECT_TRUE(fields && plus == '+' && minus == '-') << "not a table row: " << line;
    rows.push_back(row);
  }
  return rows;
}

class RetagCli : public ::testing::Test {
 protected:
  Ran newsd(const std::vector<std::string>& args) {
    return run_newsd(args, dir_.path(), "newsd" + std::to_string(++runs_));
  }

  std::string stats_line(const fs::path& cfg) {
    const Ran stats = newsd({"stats", "--config", cfg.string()});
    EXPECT_EQ(stats.code, 0) << stats.err;
    const auto at = stats.out.find("outdated tags:");
    return at == std::string::npos ? stats.out : stats.out.substr(at, stats.out.find('\n', at) - at);
  }

  TempDir dir_{"newsd-retag-cli"};
  int runs_ = 0;
};

TEST_F(RetagCli, AfterATaxonomyEditAddsTheNewTagResumesAfterALimitAndStatsCountsWhatIsLeft) {
  StaticServer server(kSamples);
  const fs::path cfg = write_config(dir_.path(), server);
  const Ran once = newsd({"once", "--quiet", "--config", cfg.string()});
  ASSERT_EQ(once.code, 0) << once.err;
  const fs::path db = dir_.path() / "newsd.db";
  const auto total = count(db, "SELECT count(*) FROM articles");
  ASSERT_GE(total, 5);

  // Ingest recorded the taxonomy it tagged with: nothing is outdated.
  EXPECT_EQ(stats_line(cfg), "outdated tags:   0 articles not tagged by the current taxonomy");
  const Ran nothing = newsd({"retag", "--config", cfg.string()});
  EXPECT_EQ(nothing.code, 0) << nothing.err;
  EXPECT_EQ(nothing.out, "nothing to retag: every article's rules tags are current\n");

  edit_taxonomy(dir_.path());
  EXPECT_EQ(stats_line(cfg),
            "outdated tags:   " + std::to_string(total) + " articles not tagged by the current taxonomy (newsd retag)");
  const Ran as_json = newsd({"stats", "--json", "--config", cfg.string()});
  const auto j = nlohmann::json::parse(as_json.out);
  EXPECT_EQ(j["outdated_tags"]["taxonomy"], total);
  EXPECT_TRUE(j["outdated_tags"]["model"].is_null());

  // Interrupted after two articles (one per transaction), then resumed.
  const Ran first = newsd({"retag", "--limit", "2", "--batch", "1", "--config", cfg.string()});
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_NE(first.out.find("retagged 2 articles (rules) in 2 batches"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("stopped at --limit"), std::string::npos) << first.out;
  EXPECT_EQ(stats_line(cfg), "outdated tags:   " + std::to_string(total - 2) +
                                 " articles not tagged by the current taxonomy (newsd retag)");
  const Ran rest = newsd({"retag", "--batch", "3", "--rules", "--config", cfg.string()});
  ASSERT_EQ(rest.code, 0) << rest.err;
  EXPECT_NE(rest.out.find("retagged " + std::to_string(total - 2) + " articles (rules)"), std::string::npos)
      << rest.out;
  EXPECT_EQ(rest.out.find("stopped at --limit"), std::string::npos) << rest.out;
  EXPECT_EQ(stats_line(cfg), "outdated tags:   0 articles not tagged by the current taxonomy");

  // The edit added one tag and changed no other: the tables of both runs
  // list only it, and their additions are the rows it now has.
  long added = 0;
  for (const auto& run : {first, rest}) {
    for (const auto& row : table_rows(run.out)) {
      EXPECT_EQ(row.tag, "probe-minister") << run.out;
      EXPECT_EQ(row.kind, "topic");
      EXPECT_EQ(row.removed, 0);
      EXPECT_EQ(row.rescored, 0);
      added += row.added;
    }
  }
  const auto probed = count(db,
                            "SELECT count(*) FROM article_tags at JOIN tags t ON t.id = at.tag_id "
                            "WHERE t.name = 'probe-minister' AND at.source = 'rule'");
  EXPECT_GT(probed, 0);
  EXPECT_EQ(added, probed);
  EXPECT_EQ(newsd({"retag", "--config", cfg.string()}).out,
            "nothing to retag: every article's rules tags are current\n");
}

TEST_F(RetagCli, RefusesWhatItCannotDo) {
  StaticServer server(kSamples);
  const fs::path cfg = write_config(dir_.path(), server);
  const Ran no_db = newsd({"retag", "--config", cfg.string()});
  EXPECT_EQ(no_db.code, 1);
  EXPECT_NE(no_db.err.find("no database at"), std::string::npos) << no_db.err;
  const Ran no_model = newsd({"retag", "--model", "--config", cfg.string()});
  EXPECT_EQ(no_model.code, 2);
  EXPECT_NE(no_model.err.find("names no model"), std::string::npos) << no_model.err;
  const Ran bad_since = newsd({"retag", "--since", "yesterday", "--config", cfg.string()});
  EXPECT_EQ(bad_since.code, 2);
  EXPECT_NE(bad_since.err.find("--since"), std::string::npos) << bad_since.err;
  EXPECT_EQ(newsd({"retag", "--batch", "0", "--config", cfg.string()}).code, 2);
  EXPECT_EQ(newsd({"retag", "--limit", "-3", "--config", cfg.string()}).code, 2);
  std::ofstream(dir_.path() / "taxonomy.toml") << "[tags.x]\nkind = \"sport\"\n";
  const Ran broken = newsd({"retag", "--config", cfg.string()});
  EXPECT_EQ(broken.code, 2);
  EXPECT_NE(broken.err.find("taxonomy.toml:"), std::string::npos) << broken.err;
}

}  // namespace
}  // namespace newsd::testing
