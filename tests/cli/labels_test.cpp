// `newsd label`, `newsd train --from-store` and `newsd eval --from-store` on
// the real binary over a real SQLite archive: labels round trip through
// `show`, label files are all-or-nothing, the eval table matches a case
// counted by hand, and a model trained on new labels beats the one trained
// before them on the same held-out split — installed while `newsd run`
// runs, which is told by SIGHUP.
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

#include "cli_run.hpp"
#include "newsd/classify/model.hpp"
#include "newsd/store/store.hpp"

namespace newsd::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kLabels = fs::path(NEWSD_TEST_DATA) / "cli/labels";
const fs::path kAsnd = fs::path(NEWSD_TEST_DATA) / "classify/model/asnd-slice-train.tsv";

struct Post {
  std::string title, text;
  std::vector<classify::Tag> tags;
};

classify::Tag rule(std::string name) {
  return {std::move(name), classify::TagKind::topic, 1.0, classify::TagSource::rule};
}
classify::Tag model_tag(std::string name) {
  return {std::move(name), classify::TagKind::model, 0.8, classify::TagSource::model};
}

class Labels : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream out(dir_.path() / "newsd.toml");
    out << "[log]\nlevel = \"info\"\n"
        << "[classify]\ntaxonomy = \"" << (fs::path(NEWSD_SOURCE_DIR) / "config/taxonomy/default.toml").string()
        << "\"\nmodel = \"model.bin\"\n"
        << "[store]\npath = \"newsd.db\"\n"
        << "[daemon]\nshutdown_grace = \"0s\"\n";
  }

  // Stores the posts as articles of one feed; returns the id of each (0 for
  // a post whose text another post already has).
  std::vector<std::int64_t> store_posts(const std::vector<Post>& posts) {
    auto store = store::Store::open(db(), config::StoreConfig{});
    EXPECT_TRUE(store) << store.error().describe();
    auto feed = store->ensure_feed("https://news.example/feed", "News");
    EXPECT_TRUE(feed);
    std::vector<store::ArticleRecord> batch;
    for (std::size_t i = 0; i < posts.size(); ++i) {
      store::ArticleRecord r;
      r.feed_id = feed->id;
      r.url = "https://news.example/" + std::to_string(i + 1);
      r.title = posts[i].title;
      r.text = posts[i].text;
      r.tags = posts[i].tags;
      r.fetched_at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
      batch.push_back(std::move(r));
    }
    auto outcomes = store->write_articles(batch);
    EXPECT_TRUE(outcomes) << outcomes.error().describe();
    std::vector<std::int64_t> ids;
    std::int64_t next = 1;
    for (const auto outcome : *outcomes) ids.push_back(outcome == store::UpsertOutcome::inserted ? next++ : 0);
    return ids;
  }

  Ran newsd(std::vector<std::string> args) {
    args.push_back("--config");
    args.push_back(config().string());
    return run_newsd(args, dir_.path(), "run" + std::to_string(++runs_));
  }
  fs::path config() const { return dir_.path() / "newsd.toml"; }
  fs::path db() const { return dir_.path() / "newsd.db"; }
  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    Db check(db());
    return check.rows(sql);
  }

  TempDir dir_{"newsd-labels"};
  int runs_ = 0;
};

std::vector<Post> three_posts() {
  return {{"Le Maroc renforce sa défense aérienne", "Le gouvernement signe un accord de défense.", {rule("defense")}},
          {"Cyberattaque contre un ministère", "Une cyberattaque vise le ministère des finances.", {}},
          {"Exercice militaire et piratage", "Des pirates ont visé l'exercice militaire conjoint.", {}}};
}

TEST_F(Labels, RoundTripThroughShowAndRemoval) {
  store_posts(three_posts());
  ::setenv("USER", "analyst-7", 1);  // the default author
  Ran set = newsd({"label", "2", "cyber"});
  ASSERT_EQ(set.code, 0) << set.err;
  EXPECT_EQ(set.out, "article 2: label cyber set by analyst-7\n");
  ASSERT_EQ(newsd({"label", "1", "MA", "--by", "alice", "--kind", "country"}).code, 0);

  Ran shown = newsd({"show", "2"});
  ASSERT_EQ(shown.code, 0) << shown.err;
  EXPECT_NE(shown.out.find("  cyber (topic, label, 1.00)\n"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("labels:\n  cyber (topic) set by analyst-7, "), std::string::npos) << shown.out;

  Ran removed = newsd({"label", "2", "cyber", "--remove", "--by", "bob"});
  ASSERT_EQ(removed.code, 0) << removed.err;
  EXPECT_EQ(removed.out, "article 2: label cyber removed by bob\n");
  shown = newsd({"show", "2"});
  EXPECT_EQ(shown.out.find("(topic, label,"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("labels:\n  cyber (topic) removed by bob, "), std::string::npos) << shown.out;

  Ran json = newsd({"show", "1", "--json"});
  ASSERT_EQ(json.code, 0) << json.err;
  const auto article = nlohmann::json::parse(json.out);
  ASSERT_EQ(article["labels"].size(), 1u);
  EXPECT_EQ(article["labels"][0]["tag"], "MA");
  EXPECT_EQ(article["labels"][0]["kind"], "country");
  EXPECT_EQ(article["labels"][0]["set_by"], "alice");
  EXPECT_EQ(article["labels"][0]["removed"], false);
  std::map<std::string, std::string> sources;
  for (const auto& t : article["tags"]) sources[t["name"]] = t["source"];
  EXPECT_EQ(sources, (std::map<std::string, std::string>{{"defense", "rule"}, {"MA", "label"}}));

  // The SQL view readers use.
  EXPECT_EQ(rows("SELECT article_id, tag, source FROM article_tags_v ORDER BY article_id, source"),
            (std::vector<std::vector<std::string>>{{"1", "MA", "label"}, {"1", "defense", "rule"}}));
}

TEST_F(Labels, AFileWithBadLinesIsReportedLineByLineAndNothingIsApplied) {
  store_posts(three_posts());
  const std::string bad = (kLabels / "bad-lines.tsv").string();
  Ran r = newsd({"label", "--from", bad, "--by", "alice"});
  EXPECT_EQ(r.code, 2);
  for (const std::string& expected :
       {bad + ":3: article id 'x' is not a positive integer", bad + ":4: expected id<TAB>tag",
        bad + ":5: tag: contains white space", bad + ":6: expected two fields, id<TAB>tag, got more",
        bad + ":7: article id '-5' is not a positive integer", bad + ":8: tag: not valid UTF-8"})
    EXPECT_NE(r.err.find(expected + "\n"), std::string::npos) << expected << "\n" << r.err;
  EXPECT_EQ(r.err.find(bad + ":1:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing written (6 bad line(s)"), std::string::npos) << r.err;
  EXPECT_TRUE(rows("SELECT * FROM labels").empty());

  const std::string unknown = (kLabels / "unknown-id.tsv").string();
  r = newsd({"label", "--from", unknown, "--by", "alice"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find(unknown + ":2: no article with id 999\n"), std::string::npos) << r.err;
  EXPECT_TRUE(rows("SELECT * FROM labels").empty());

  // CRLF, a comment, a blank line and a trailing space are fine.
  const std::string good = (kLabels / "good.tsv").string();
  r = newsd({"label", "--from", good, "--by", "alice"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "3 label(s) set from " + good + " by alice\n");
  EXPECT_EQ(rows("SELECT article_id, tag, kind, set_by, removed FROM labels ORDER BY article_id"),
            (std::vector<std::vector<std::string>>{{"1", "defense", "topic", "alice", "0"},
                                                   {"2", "cyber", "topic", "alice", "0"},
                                                   {"3", "defense", "topic", "alice", "0"}}));
  r = newsd({"label", "--from", good, "--by", "bob", "--remove"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(rows("SELECT count(*) FROM labels WHERE removed = 1 AND set_by = 'bob'"),
            (std::vector<std::vector<std::string>>{{"3"}}));
}

TEST_F(Labels, UsageErrorsExitTwoAndAMissingDatabaseOne) {
  store_posts(three_posts());
  EXPECT_EQ(newsd({"label"}).code, 2);
  EXPECT_EQ(newsd({"label", "1"}).code, 2);
  EXPECT_EQ(newsd({"label", "1", "cyber", "--from", (kLabels / "good.tsv").string()}).code, 2);
  EXPECT_EQ(newsd({"label", "1", "two words"}).code, 2);
  EXPECT_EQ(newsd({"label", "1", "cyber", "--kind", "colour"}).code, 2);
  Ran unknown = newsd({"label", "42", "cyber"});
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("no article with id 42"), std::string::npos) << unknown.err;
  EXPECT_EQ(newsd({"label", "--from", (dir_.path() / "missing.tsv").string()}).code, 1);
  EXPECT_TRUE(rows("SELECT * FROM labels").empty());
  Ran no_db = run_newsd({"label", "1", "cyber", "--db", (dir_.path() / "none.db").string()}, dir_.path(), "nodb");
  EXPECT_EQ(no_db.code, 1);
  EXPECT_FALSE(fs::exists(dir_.path() / "none.db"));
}

// The case of tests/classify/tag_eval_test.cpp, through the store: A1
// labelled defense, tagged defense + MA; A2 labelled cyber, tagged defense
// (and cyber by the model); A3 labelled defense + cyber, tagged cyber; A4
// "not defense", tagged defense.
TEST_F(Labels, EvalFromStoreScoresRuleAndModelTagsAgainstTheLabels) {
  store_posts({{"A1", "Premier article.", {rule("defense"), rule("MA")}},
               {"A2", "Deuxième article.", {rule("defense"), model_tag("cyber")}},
               {"A3", "Troisième article.", {rule("cyber")}},
               {"A4", "Quatrième article.", {rule("defense")}},
               {"A5", "Sans label.", {rule("defense")}}});
  ASSERT_EQ(newsd({"label", "--from", (kLabels / "eval-labels.tsv").string()}).code, 0);
  ASSERT_EQ(newsd({"label", "--from", (kLabels / "eval-removals.tsv").string(), "--remove"}).code, 0);
  Ran r = newsd({"eval", "--from-store"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "labelled_articles\t4\n"
            "source\ttag\tprecision\trecall\tf1\tlabelled\tpredicted\n"
            "rule\tcyber\t1.0000\t0.5000\t0.6667\t2\t1\n"
            "rule\tdefense\t0.3333\t0.5000\t0.4000\t2\t3\n"
            // The model never gave defense and no model is installed: only cyber is its tag.
            "model\tcyber\t1.0000\t0.5000\t0.6667\t2\t1\n"
            "rule_macro_f1\t0.5333\t2 tag(s)\n"
            "model_macro_f1\t0.6667\t1 tag(s)\n");
  EXPECT_EQ(newsd({"eval", "--from-store", "--data", "x.tsv"}).code, 2);
}

TEST_F(Labels, EvalAndTrainFromStoreWithoutLabelsSayWhatIsMissing) {
  store_posts(three_posts());
  Ran eval = newsd({"eval", "--from-store"});
  EXPECT_EQ(eval.code, 2);
  EXPECT_NE(eval.err.find("no labelled article"), std::string::npos) << eval.err;
  Ran train = newsd({"train", "--from-store"});
  EXPECT_EQ(train.code, 2);
  EXPECT_NE(train.err.find("too few"), std::string::npos) << train.err;
  EXPECT_FALSE(fs::exists(dir_.path() / "model.bin"));
}

// `key<TAB>value` lines of `newsd train --from-store`.
std::map<std::string, std::string> report(const std::string& out) {
  std::map<std::string, std::string> fields;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    const auto tab = line.find('\t');
    if (tab != std::string::npos) fields[line.substr(0, tab)] = line.substr(tab + 1);
  }
  return fields;
}

// Writes `id<TAB>label` lines for the posts chosen by `take`.
template <class Take>
fs::path label_file(const fs::path& path, const std::vector<classify::LabeledText>& posts,
                    const std::vector<std::int64_t>& ids, Take take) {
  std::ofstream out(path);
  std::map<std::string, int> seen;
  for (std::size_t i = 0; i < posts.size(); ++i) {
    const auto& label = posts[i].labels.front();
    if (ids[i] != 0 && take(label, seen[label]++)) out << ids[i] << '\t' << label << '\n';
  }
  return path;
}

TEST_F(Labels, TrainingOnNewLabelsBeatsTheModelTrainedBeforeThemAndIsInstalledWhileTheDaemonRuns) {
  auto asnd = classify::read_labeled_file(kAsnd);
  ASSERT_TRUE(asnd) << asnd.error().message;
  std::vector<Post> posts;
  for (const auto& example : *asnd) posts.push_back({"", example.text, {}});
  const auto ids = store_posts(posts);

  // Before: a few labels of three classes; sports had no label yet.
  const auto before = label_file(dir_.path() / "before.tsv", *asnd, ids,
                                 [](const std::string& label, int n) { return label != "sports" && n < 15; });
  ASSERT_EQ(newsd({"label", "--from", before.string(), "--by", "alice"}).code, 0);
  Ran first = newsd({"train", "--from-store", "--install", "--threads", "1"});
  ASSERT_EQ(first.code, 0) << first.err;
  auto first_report = report(first.out);
  EXPECT_EQ(first_report["labels"], "3");
  EXPECT_EQ(first_report["current_model"], "none (" + (dir_.path() / "model.bin").string() + " does not exist)");
  EXPECT_EQ(first_report["installed"], (dir_.path() / "model.bin").string());
  ASSERT_TRUE(fs::exists(dir_.path() / "model.bin"));

  Process daemon({NEWSD_BINARY, "run", "--config", config().string()}, dir_.path() / "daemon");
  ASSERT_TRUE(daemon.started());
  ASSERT_TRUE(eventually([&] { return daemon.stderr_text().find("store.open") != std::string::npos; }, 60s))
      << daemon.stderr_text();

  // Every post labelled, while the daemon holds the database.
  const auto all = label_file(dir_.path() / "all.tsv", *asnd, ids, [](const std::string&, int) { return true; });
  Ran labelled = newsd({"label", "--from", all.string(), "--by", "bob"});
  ASSERT_EQ(labelled.code, 0) << labelled.err;

  Ran second = newsd({"train", "--from-store", "--install", "--threads", "1", "--valid-fraction", "0.2"});
  ASSERT_EQ(second.code, 0) << second.err;
  RecordProperty("train_report", second.out);  // the figures, in --gtest_output=xml
  auto r = report(second.out);
  EXPECT_EQ(r["labels"], "4");
  EXPECT_EQ(r["current_model"], (dir_.path() / "model.bin").string());
  const int valid = std::stoi(r["valid"]);
  EXPECT_GE(valid, 100);
  EXPECT_EQ(std::stoi(r["train"]) + valid, std::stoi(r["labelled_articles"]));
  // Same held-out split for both: the new model wins on both measures.
  const double new_f1 = std::stod(r["new_macro_f1"]), current_f1 = std::stod(r["current_macro_f1"]);
  const double new_accuracy = std::stod(r["new_accuracy"]), current_accuracy = std::stod(r["current_accuracy"]);
  EXPECT_GT(new_f1, current_f1 + 0.1) << second.out;
  EXPECT_GT(new_accuracy, current_accuracy + 0.1) << second.out;
  EXPECT_GT(new_accuracy, 0.5) << second.out;
  EXPECT_EQ(r["daemon"], "sent SIGHUP to newsd (pid " + std::to_string(daemon.pid()) + "): it re-reads its config now");
  EXPECT_TRUE(eventually([&] { return daemon.stderr_text().find("config.reloaded") != std::string::npos; }, 60s))
      << daemon.stderr_text();
  // No staging file is left beside the model.
  for (const auto& entry : fs::directory_iterator(dir_.path()))
    EXPECT_EQ(entry.path().filename().string().find("model.bin.new"), std::string::npos) << entry.path();

  // The installed model is the one trained on the new labels: it knows sports.
  auto installed = classify::Model::load(dir_.path() / "model.bin");
  ASSERT_TRUE(installed);
  EXPECT_EQ(installed->labels().size(), 4u);
  daemon.signal(SIGTERM);
  EXPECT_EQ(exit_code(daemon.wait(30s)), 0) << daemon.stderr_text();
}

}  // namespace
}  // namespace newsd::testing
