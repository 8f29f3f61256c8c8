// Labels: set, removed and set again, on a real SQLite file and on a real
// PostgreSQL database (BackendTest), beside a writer that holds the lock
// and beside a write transaction in progress; how they show in article(),
// labelled_articles() and article_tags_v; what a label name may be.
#include <sqlite3.h>

#include <thread>

#include "store_fixture.hpp"
#include "support/daemon_test_util.hpp"

namespace newsd::store::testing {
namespace {

using classify::TagKind;
using classify::TagSource;

class LabelsTest : public BackendTest {
 protected:
  // Two articles: #1 tagged defense (rule) and MA (country), #2 untagged.
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    auto store = open_store();
    const auto feed = add_feed(store, "https://a.example/feed");
    auto one = article(feed, "https://a.example/1", "المغرب يعزز دفاعه الجوي", "وقعت الحكومة اتفاقية دفاع مشترك.");
    one.tags = {tag("defense", TagKind::topic, 0.9), tag("MA", TagKind::country)};
    auto two = article(feed, "https://a.example/2", "Cyberattaque", "Une cyberattaque vise le ministère.", "fr");
    write(store, {one, two});
  }

  Result<LabelWrite> label(std::vector<LabelEdit> edits, const std::string& by = "alice",
                           TimePoint at = day(2026, 11, 30)) {
    return Store::write_labels(store_config(), edits, by, at);
  }

  std::vector<std::vector<std::string>> rows(const std::string& query) { return sql_rows(query); }

  ArticleView view(std::int64_t id) {
    auto store = Store::open_readonly(store_config());
    EXPECT_TRUE(store) << store.error().describe();
    auto a = store->article(id);
    EXPECT_TRUE(a && *a);
    return **a;
  }
};

std::vector<std::string> label_tags(const ArticleView& a) {
  std::vector<std::string> out;
  for (const auto& t : a.tags)
    if (t.source == "label") out.push_back(t.name + "/" + t.kind);
  return out;
}

TEST_P(LabelsTest, SetRemoveAndSetAgainKeepWhoAndWhen) {
  auto set = label({{1, "cyber", "", false}, {1, "MA", "", false}});
  ASSERT_TRUE(set) << set.error().describe();
  EXPECT_TRUE(set->unknown_articles.empty());
  EXPECT_EQ(set->changed, 2u);

  ArticleView a = view(1);
  // MA already is a country tag; cyber is new, so a topic.
  EXPECT_THAT(label_tags(a), ::testing::UnorderedElementsAre("cyber/topic", "MA/country"));
  ASSERT_EQ(a.labels.size(), 2u);
  EXPECT_EQ(a.labels[0].set_by, "alice");
  EXPECT_EQ(a.labels[0].set_at, day(2026, 11, 30));
  EXPECT_FALSE(a.labels[0].removed);
  // The rule tags are untouched beside them.
  EXPECT_EQ(a.tags.size(), 4u);

  ASSERT_TRUE(label({{1, "cyber", "", true}}, "bob", day(2026, 12, 1)));
  a = view(1);
  EXPECT_THAT(label_tags(a), ::testing::ElementsAre("MA/country"));
  ASSERT_EQ(a.labels.size(), 2u);
  const auto& removal = a.labels[1];
  EXPECT_EQ(removal.tag, "cyber");
  EXPECT_TRUE(removal.removed);
  EXPECT_EQ(removal.set_by, "bob");
  EXPECT_EQ(removal.set_at, day(2026, 12, 1));

  ASSERT_TRUE(label({{1, "cyber", "", false}}, "carol", day(2026, 12, 2)));
  a = view(1);
  EXPECT_THAT(label_tags(a), ::testing::UnorderedElementsAre("cyber/topic", "MA/country"));
  EXPECT_EQ(a.labels.size(), 2u);
  EXPECT_EQ(a.labels[1].set_by, "carol");
}

TEST_P(LabelsTest, RemovingALabelNeverSetRecordsTheJudgement) {
  ASSERT_TRUE(label({{1, "defense", "", true}}));
  const ArticleView a = view(1);
  EXPECT_TRUE(label_tags(a).empty());
  ASSERT_EQ(a.labels.size(), 1u);
  EXPECT_TRUE(a.labels[0].removed);
  EXPECT_EQ(a.labels[0].kind, "topic");
  // The rule's own defense tag stays: labels never edit article_tags.
  EXPECT_EQ(rows("SELECT count(*) FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE t.name = 'defense'"),
            (std::vector<std::vector<std::string>>{{"1"}}));
}

TEST_P(LabelsTest, AnUnknownArticleWritesNothingAndIsNamedByPosition) {
  auto written =
      label({{1, "cyber", "", false}, {99, "cyber", "", false}, {2, "cyber", "", false}, {-4, "x", "", false}});
  ASSERT_TRUE(written) << written.error().describe();
  EXPECT_EQ(written->unknown_articles, (std::vector<std::size_t>{1, 3}));
  EXPECT_EQ(written->changed, 0u);
  EXPECT_TRUE(rows("SELECT * FROM labels").empty());
}

TEST_P(LabelsTest, BadNamesKindsAndAuthorsAreRefusedBeforeAnyWrite) {
  const std::vector<std::string> bad_names = {"",
                                              "two words",
                                              "a,b",
                                              "tab\there",
                                              std::string("nul\0x", 5),
                                              "\x01",
                                              "\xC3",
                                              "\xE2\x80\x83" /* em space */,
                                              std::string(101, 'a')};
  for (const auto& bad : bad_names) {
    auto written = label({{1, "fine", "", false}, {1, bad, "", false}});
    ASSERT_FALSE(written) << "accepted '" << bad << "'";
    EXPECT_EQ(written.error().code, Errc::invalid_argument);
  }
  auto bad_kind = label({{1, "fine", "colour", false}});
  ASSERT_FALSE(bad_kind);
  EXPECT_EQ(bad_kind.error().code, Errc::invalid_argument);
  auto nobody = label({{1, "fine", "", false}}, "");
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error().code, Errc::invalid_argument);
  EXPECT_TRUE(rows("SELECT * FROM labels").empty());
  // Arabic, hyphens and an explicit kind are fine.
  EXPECT_TRUE(label({{1, "دفاع", "", false}, {2, "human-rights", "model", false}}));
  EXPECT_EQ(rows("SELECT tag, kind FROM labels ORDER BY article_id"),
            (std::vector<std::vector<std::string>>{{"دفاع", "topic"}, {"human-rights", "model"}}));
}

TEST_P(LabelsTest, TheViewShowsLabelsInForceAsSourceLabel) {
  ASSERT_TRUE(label({{2, "cyber", "", false}, {1, "defense", "", true}}));
  EXPECT_EQ(rows("SELECT article_id, day, tag, kind, CAST(score AS INTEGER), source FROM article_tags_v "
                 "WHERE source = 'label'"),
            (std::vector<std::vector<std::string>>{{"2", "2026-11-20", "cyber", "topic", "1", "label"}}));
  EXPECT_EQ(rows("SELECT count(*) FROM article_tags_v WHERE source = 'rule'"),
            (std::vector<std::vector<std::string>>{{"2"}}));
}

TEST_P(LabelsTest, LabelledArticlesCarryTextLabelsAndStoredTags) {
  ASSERT_TRUE(label({{1, "diplomacy", "", false}}, "alice", day(2026, 11, 30)));
  ASSERT_TRUE(label({{1, "defense", "", true}}, "alice", day(2026, 12, 1)));
  auto store = Store::open_readonly(store_config());
  ASSERT_TRUE(store);
  auto labelled = store->labelled_articles();
  ASSERT_TRUE(labelled) << labelled.error().describe();
  ASSERT_EQ(labelled->size(), 1u);  // #2 has no label
  const auto& a = labelled->front();
  EXPECT_EQ(a.id, 1);
  EXPECT_EQ(a.title, "المغرب يعزز دفاعه الجوي");
  EXPECT_EQ(a.text, "وقعت الحكومة اتفاقية دفاع مشترك.");
  EXPECT_EQ(a.lang, "ar");
  ASSERT_EQ(a.labels.size(), 2u);
  EXPECT_EQ(a.labels[0].tag, "diplomacy");  // oldest first
  EXPECT_TRUE(a.labels[1].removed);
  ASSERT_EQ(a.tags.size(), 2u);
  EXPECT_EQ(a.tags[0].name, "MA");  // score 1.0 before defense's 0.9
  EXPECT_EQ(a.tags[1].source, "rule");
}

TEST_P(LabelsTest, LabelsAreWrittenWhileTheWriterHoldsTheLock) {
  auto writer = open_store();  // what the daemon holds
  ASSERT_TRUE(label({{2, "cyber", "", false}}));
  // The writer keeps writing, and the label is not disturbed by it.
  const auto feed = add_feed(writer, "https://b.example/feed");
  auto rec = article(feed, "https://a.example/2", "Cyberattaque", "Une cyberattaque vise le ministère.", "fr");
  rec.tags = {tag("cyber", TagKind::topic, 0.7)};
  write(writer, {rec});
  EXPECT_THAT(label_tags(view(2)), ::testing::ElementsAre("cyber/topic"));
}

// A transaction of another writer that the label must wait for: on SQLite
// any write transaction (one writer at a time), on PostgreSQL one that
// locks the labelled article's row, as a prune deleting it would.
class OtherWriter {
 public:
  OtherWriter(Backend backend, const std::filesystem::path& db, const std::string& url) {
    if (backend == Backend::sqlite) {
      EXPECT_EQ(sqlite3_open_v2(db.c_str(), &sqlite_, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
      EXPECT_EQ(sqlite3_exec(sqlite_, "BEGIN IMMEDIATE; UPDATE feeds SET name = 'busy'", nullptr, nullptr, nullptr),
                SQLITE_OK);
    } else {
      pg_ = std::make_unique<pqxx::connection>(url);
      tx_ = std::make_unique<pqxx::work>(*pg_);
      tx_->exec("UPDATE feeds SET name = 'busy'");
      tx_->exec("SELECT 1 FROM articles WHERE id = 1 FOR UPDATE");
    }
  }
  ~OtherWriter() {
    if (sqlite_ != nullptr) sqlite3_close(sqlite_);
  }
  void commit() {
    if (sqlite_ != nullptr) {
      sqlite3_exec(sqlite_, "COMMIT", nullptr, nullptr, nullptr);
    } else {
      tx_->commit();
    }
  }

 private:
  sqlite3* sqlite_ = nullptr;
  std::unique_ptr<pqxx::connection> pg_;
  std::unique_ptr<pqxx::work> tx_;
};

TEST_P(LabelsTest, ALabelWaitsForTheWritersTransactionToCommit) {
  OtherWriter daemon(GetParam(), db_path_, url_);
  // Held past the label's busy timeout: refused, nothing written.
  auto impatient = store_config();
  impatient.busy_timeout = std::chrono::seconds{1};
  auto refused =
      Store::write_labels(impatient, std::vector<LabelEdit>{{1, "cyber", "", false}}, "alice", day(2026, 11, 30));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::database);
  // Committed while the label waits: written after it.
  auto patient = store_config();
  patient.busy_timeout = std::chrono::seconds{30};
  std::thread commit([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds{200});
    daemon.commit();
  });
  auto waited =
      Store::write_labels(patient, std::vector<LabelEdit>{{1, "cyber", "", false}}, "alice", day(2026, 11, 30));
  commit.join();
  ASSERT_TRUE(waited) << waited.error().describe();
  EXPECT_EQ(rows("SELECT tag FROM labels"), (std::vector<std::vector<std::string>>{{"cyber"}}));
  EXPECT_EQ(rows("SELECT name FROM feeds"), (std::vector<std::vector<std::string>>{{"busy"}}));
}

TEST_P(LabelsTest, DeletingAnArticleDeletesItsLabels) {
  ASSERT_TRUE(label({{1, "cyber", "", false}}));
  auto store = open_store();
  ASSERT_EQ(*store.prune(day(2030, 1, 1)), 2);
  EXPECT_TRUE(rows("SELECT * FROM labels").empty());
}

NEWSD_ON_BOTH_BACKENDS(LabelsTest);

TEST(LabelsOnSqlite, NoDatabaseIsNotFound) {
  const auto dir = std::filesystem::temp_directory_path() / ("newsd-labels-missing-" + std::to_string(::getpid()));
  auto written =
      Store::write_labels(dir / "missing.db", std::vector<LabelEdit>{{1, "x", "", false}}, "alice", day(2026, 11, 30));
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, Errc::not_found);
  EXPECT_FALSE(std::filesystem::exists(dir / "missing.db"));
}

TEST(LabelProblem, NamesWhatIsWrong) {
  EXPECT_EQ(label_problem("defense"), std::nullopt);
  EXPECT_EQ(label_problem("crime-war-conflict"), std::nullopt);
  EXPECT_EQ(label_problem("أمن_سيبراني"), std::nullopt);
  EXPECT_EQ(label_problem(""), "empty");
  EXPECT_EQ(label_problem("a b"), "contains white space");
  EXPECT_EQ(label_problem("a\xC2\xA0"
                          "b"),
            "contains white space");
  EXPECT_EQ(label_problem("a,b"), "contains a comma");
  EXPECT_EQ(label_problem("a\r"), "contains a control character");
  EXPECT_EQ(label_problem("\xC2\x85"), "contains a control character");
  EXPECT_EQ(label_problem("\xFF\xFE"), "not valid UTF-8");
  EXPECT_EQ(label_problem("\xED\xA0\x80"), "not valid UTF-8");  // a UTF-16 surrogate
  EXPECT_EQ(label_problem(std::string(101, 'x')), "longer than 100 bytes");
  EXPECT_EQ(label_problem(std::string(100, 'x')), std::nullopt);
}

}  // namespace
}  // namespace newsd::store::testing
