// The query subcommands through the real binary: search (formats, filters,
// syntax errors), show, feeds, stats, backup.
#include <sqlite3.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "store_fixture.hpp"

namespace newsd::store::testing {
namespace {

struct Run {
  int status = -1;
  std::string out;
};

// Runs the newsd binary with `args` (shell-quoted by the caller), stderr
// merged into the output.
Run newsd(const std::string& args) {
  Run run;
  const std::string command = std::string(NEWSD_BINARY) + " " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) run.out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

std::vector<nlohmann::json> json_lines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::size_t start = 0;
  while (start < out.size()) {
    const auto end = out.find('\n', start);
    const auto line = out.substr(start, end - start);
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

class CliTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    auto store = open_store();
    const auto a = add_feed(store, "https://a.example/feed", "Agency A");
    const auto b = add_feed(store, "https://b.example/rss");
    auto one = article(a, "https://a.example/1", "المغرب وفرنسا يوقعان اتفاقية دفاعية",
                       "وقعت الحكومة اتفاقية دفاع مشترك، والمغرب يعزز قدراته الجوية.");
    one.tags = {tag("defense", classify::TagKind::topic, 0.9), tag("MA", classify::TagKind::country)};
    auto two =
        article(b, "https://b.example/2", "Cyberattaque, \"massive\"", "Une cyberattaque vise le ministère.", "fr");
    two.tags = {tag("cyber")};
    two.published_at = day(2026, 10, 1);
    write(store, {one, two});
    FeedFetchResult failed;
    failed.feed_id = b;
    failed.error = "http_status: 503";
    failed.fetched_at = day(2026, 11, 21);
    failed.next_fetch_at = day(2026, 11, 21, 13);
    ASSERT_TRUE(store.record_fetch(failed).has_value());
    db_arg_ = "--db '" + db_path_.string() + "'";
  }
  std::string db_arg_;
};

TEST_F(CliTest, SearchJsonHasHighlightedSnippetAndTags) {
  auto run = newsd("search المغرب --json " + db_arg_);
  ASSERT_EQ(run.status, 0) << run.out;
  auto lines = json_lines(run.out);
  ASSERT_EQ(lines.size(), 1u) << run.out;
  EXPECT_EQ(lines[0]["id"], 1);
  EXPECT_EQ(lines[0]["feed"], "Agency A");
  EXPECT_EQ(lines[0]["date"], "2026-11-20T08:00:00Z");
  EXPECT_EQ(lines[0]["tags"], nlohmann::json({"MA", "defense"}));
  // The title is the best-matching column here, so it is the snippet.
  EXPECT_EQ(lines[0]["snippet"], "[المغرب] وفرنسا يوقعان اتفاقية دفاعية");
}

TEST_F(CliTest, SearchFiltersAndTable) {
  auto run = newsd("search --tag cyber --lang fr " + db_arg_);
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_NE(run.out.find("#2"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("#1"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("\x1b["), std::string::npos);  // not a terminal: no ANSI codes

  EXPECT_EQ(json_lines(newsd("search --json --since 2026-11-01 " + db_arg_).out).size(), 1u);
  EXPECT_EQ(json_lines(newsd("search --json --until 2026-10-01 " + db_arg_).out).size(), 1u);  // whole day included
  EXPECT_EQ(json_lines(newsd("search --json --country ma " + db_arg_).out).size(), 1u);
  // Relative ages count back from now; the fixture articles are in 2026-11.
  EXPECT_TRUE(json_lines(newsd("search --json --since 0h " + db_arg_).out).empty());
  EXPECT_EQ(newsd("search --since yesterday " + db_arg_).status, 2);
  // An age too large to count in seconds is bad input, not a crash.
  EXPECT_EQ(newsd("search --since 99999999999999999999d " + db_arg_).status, 2);
  // An age older than the epoch means everything.
  EXPECT_EQ(json_lines(newsd("search --json --since 9999999999999w " + db_arg_).out).size(),
            json_lines(newsd("search --json " + db_arg_).out).size());
}

TEST_F(CliTest, SeveralWordsAreOneQuery) {
  EXPECT_EQ(json_lines(newsd("search المغرب فرنسا --json " + db_arg_).out).size(), 1u);
  EXPECT_TRUE(json_lines(newsd("search المغرب cyberattaque --json " + db_arg_).out).empty());
}

TEST_F(CliTest, SearchCsvQuotesFields) {
  auto run = newsd("search cyberattaque --csv " + db_arg_);
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_EQ(run.out.rfind("id,date,feed,title,url,lang,tags,snippet\r\n", 0), 0u) << run.out;
  EXPECT_NE(run.out.find("\"Cyberattaque, \"\"massive\"\"\""), std::string::npos) << run.out;
}

TEST_F(CliTest, SyntaxErrorIsExitCode2WithAMessage) {
  auto run = newsd("search '\"unterminated' " + db_arg_);
  EXPECT_EQ(run.status, 2) << run.out;
  EXPECT_NE(run.out.find("invalid search query"), std::string::npos) << run.out;
}

TEST_F(CliTest, SearchWarnsWhileTheIndexIsFromAnotherTokenizer) {
  EXPECT_EQ(newsd("search المغرب " + db_arg_).out.find("older newsd"), std::string::npos);
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db_path_.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(raw, "UPDATE meta SET value = 'classify-1' WHERE key = 'fts_tokenizer'", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(raw);
  auto run = newsd("search المغرب " + db_arg_);
  EXPECT_EQ(run.status, 0) << run.out;  // still answers, from the index it has
  EXPECT_NE(run.out.find("built by an older newsd or ICU (classify-1)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("Agency A"), std::string::npos) << run.out;
}

TEST_F(CliTest, MissingDatabaseIsExitCode1) {
  auto run = newsd("search x --db '" + (dir_ / "none.db").string() + "'");
  EXPECT_EQ(run.status, 1);
  EXPECT_NE(run.out.find("no database"), std::string::npos) << run.out;
}

TEST_F(CliTest, ShowPrintsTagsSourcesAndCluster) {
  auto run = newsd("show 1 " + db_arg_);
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_NE(run.out.find("defense (topic, rule, 0.90)"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("https://a.example/feed"), std::string::npos);
  EXPECT_NE(run.out.find("cluster 1: no other article"), std::string::npos) << run.out;
  auto json = json_lines(newsd("show 1 --json " + db_arg_).out);
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0]["tags"][0]["name"], "MA");
  EXPECT_EQ(json[0]["sources"].size(), 1u);
  EXPECT_EQ(newsd("show 99 " + db_arg_).status, 1);
}

TEST_F(CliTest, FeedsShowHealth) {
  auto feeds = json_lines(newsd("feeds --json " + db_arg_).out);
  ASSERT_EQ(feeds.size(), 2u);
  EXPECT_EQ(feeds[1]["state"], "error");
  EXPECT_EQ(feeds[1]["consecutive_errors"], 1);
  EXPECT_EQ(feeds[1]["last_error"], "http_status: 503");
  EXPECT_EQ(feeds[0]["articles"], 1);
  auto table = newsd("feeds " + db_arg_);
  EXPECT_NE(table.out.find("last error: http_status: 503"), std::string::npos) << table.out;
}

TEST_F(CliTest, StatsAndBackup) {
  auto stats = json_lines(newsd("stats --json " + db_arg_).out);
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0]["articles"], 2);
  EXPECT_EQ(stats[0]["articles_by_lang"]["fr"], 1);
  const auto copy = dir_ / "copy.db";
  auto backup = newsd("backup '" + copy.string() + "' " + db_arg_);
  ASSERT_EQ(backup.status, 0) << backup.out;
  EXPECT_EQ(json_lines(newsd("search --json --db '" + copy.string() + "'").out).size(), 2u);
}

}  // namespace
}  // namespace newsd::store::testing
