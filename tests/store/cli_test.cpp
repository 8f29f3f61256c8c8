// The query subcommands through the real binary: search (formats, filters,
// syntax errors), show, feeds, stats, backup.
#include <sqlite3.h>

#include "cli_run.hpp"

namespace newsd::store::testing {
namespace {

TEST_F(CliTest, SearchJsonHasPlainSnippetMatchOffsetsAndTags) {
  auto run = newsd("search المغرب --json " + db_arg_);
  ASSERT_EQ(run.status, 0) << run.out;
  auto lines = json_lines(run.out);
  ASSERT_EQ(lines.size(), 1u) << run.out;
  EXPECT_EQ(lines[0]["id"], 1);
  EXPECT_EQ(lines[0]["feed"], "Agency A");
  EXPECT_EQ(lines[0]["date"], "2026-11-20T08:00:00Z");
  EXPECT_EQ(lines[0]["tags"], nlohmann::json({"MA", "defense"}));
  // The title is the best-matching column here, so it is the snippet.
  EXPECT_EQ(lines[0]["snippet"], "المغرب وفرنسا يوقعان اتفاقية دفاعية");
  EXPECT_EQ(lines[0]["matches"], nlohmann::json::parse("[[0, 6]]"));
}

TEST_F(CliTest, TheTableKeepsItsHighlightBrackets) {
  auto run = newsd("search المغرب " + db_arg_);
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_NE(run.out.find("[المغرب] وفرنسا"), std::string::npos) << run.out;
}

TEST_F(CliTest, OptionsTakeOneValueAndMayComeInAnyOrder) {
  // The text after --tag's value is the query, not a second tag.
  for (const std::string args :
       {"search --tag defense المغرب --json ", "search المغرب --tag defense --json ",
        "search --json --tag defense --tag MA المغرب ", "search --tag=defense --json المغرب "}) {
    auto run = newsd(args + db_arg_);
    ASSERT_EQ(run.status, 0) << args << run.out;
    auto lines = json_lines(run.out);
    ASSERT_EQ(lines.size(), 1u) << args << run.out;
    EXPECT_EQ(lines[0]["id"], 1) << args;
  }
  EXPECT_TRUE(json_lines(newsd("search --tag cyber المغرب --json " + db_arg_).out).empty());
  EXPECT_TRUE(json_lines(newsd("search --tag defense --tag cyber --json " + db_arg_).out).empty());
}

TEST_F(CliTest, PlainWordsWithPunctuationAreText) {
  // `"massive"` and a trailing comma were FTS5 syntax; here they are text.
  auto run = newsd("search --json 'Cyberattaque, \"massive\"' " + db_arg_);
  ASSERT_EQ(run.status, 0) << run.out;
  ASSERT_EQ(json_lines(run.out).size(), 1u) << run.out;
  EXPECT_EQ(json_lines(newsd("search --json 'ministère.' " + db_arg_).out).size(), 1u);
  EXPECT_EQ(json_lines(newsd("search --json 'cyber*' OR 'فرنسا' " + db_arg_).out).size(), 2u);
}

TEST_F(CliTest, FtsFlagTakesRawFts5Syntax) {
  auto run = newsd("search --fts --json 'title:cyberattaque' " + db_arg_);
  ASSERT_EQ(run.status, 0) << run.out;
  EXPECT_EQ(json_lines(run.out).size(), 1u) << run.out;
  EXPECT_EQ(json_lines(newsd("search --json 'title:cyberattaque' " + db_arg_).out).size(), 0u);  // a phrase here
  auto bad = newsd("search --fts '\"unterminated' " + db_arg_);
  EXPECT_EQ(bad.status, 2) << bad.out;
  EXPECT_NE(bad.out.find("invalid search query"), std::string::npos) << bad.out;
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
  EXPECT_EQ(run.out.rfind("id,date,feed,title,url,lang,tags,snippet,matches\r\n", 0), 0u) << run.out;
  EXPECT_NE(run.out.find("\"Cyberattaque, \"\"massive\"\"\""), std::string::npos) << run.out;
  // The plain snippet (the title), then where the match is in it.
  EXPECT_NE(run.out.find(",\"Cyberattaque, \"\"massive\"\"\",0:12\r\n"), std::string::npos) << run.out;
}

TEST_F(CliTest, SyntaxErrorIsExitCode2WithAMessage) {
  auto run = newsd("search 'NOT المغرب' " + db_arg_);
  EXPECT_EQ(run.status, 2) << run.out;
  EXPECT_NE(run.out.find("invalid search query 'NOT المغرب': NOT needs a term before it"), std::string::npos)
      << run.out;
  // An unterminated quote is forgiven: the phrase runs to the end.
  EXPECT_EQ(json_lines(newsd("search --json '\"المغرب وفرنسا' " + db_arg_).out).size(), 1u);
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
  EXPECT_EQ(feeds[0]["source_type"], "sitemap");
  EXPECT_EQ(feeds[0]["links_found"], 12);
  EXPECT_TRUE(feeds[1]["source_type"].is_null());
  auto table = newsd("feeds " + db_arg_);
  EXPECT_NE(table.out.find("last error: http_status: 503"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("TYPE"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("sitemap          12"), std::string::npos) << table.out;
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
