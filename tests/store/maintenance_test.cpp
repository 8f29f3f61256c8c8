// Retention (prune in small batches) and online backup.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "integrity.hpp"
#include "store_fixture.hpp"

namespace newsd::store::testing {
namespace {

using ::testing::ElementsAre;

TEST_F(StoreTest, PruneDeletesOldArticlesWithTagsSourcesAndIndexInBatches) {
  auto store = open_store();
  const auto feed = add_feed(store, "https://a.example/feed");
  std::vector<ArticleRecord> batch;
  for (int i = 1; i <= 5; ++i) {
    auto r = article(feed, "https://a.example/" + std::to_string(i), "تقرير قديم " + std::to_string(i),
                     "نص التقرير رقم " + std::to_string(i));
    r.fetched_at = day(2026, 1, static_cast<unsigned>(i));
    // Publication dates do not decide: this one was published long ago but
    // fetched recently and must stay.
    r.published_at = day(2020, 1, 1);
    r.tags = {tag("archive")};
    if (i == 5) r.fetched_at = day(2026, 11, 1);
    batch.push_back(r);
  }
  write(store, batch);
  ASSERT_EQ(store.counts()->article_tags, 5);

  const auto cutoff = day(2026, 6, 1);
  auto first = store.prune(cutoff, 3);
  ASSERT_TRUE(first.has_value()) << first.error().describe();
  EXPECT_EQ(*first, 3);
  EXPECT_EQ(*store.prune(cutoff, 3), 1);
  EXPECT_EQ(*store.prune(cutoff, 3), 0);

  auto counts = store.counts();
  EXPECT_EQ(counts->articles, 1);
  EXPECT_EQ(counts->article_tags, 1);
  EXPECT_EQ(store.stats()->sources, 1);
  EXPECT_THAT(ids(store, "تقرير"), ElementsAre(5));  // no stale FTS rows
  expect_database_consistent(db_path_);
}

// A writer killed mid-ingest (SIGKILL: no destructors, no rollback) leaves a
// database that opens, passes both integrity checks, and holds only whole
// batches.
TEST_F(StoreTest, KilledWriterLeavesAConsistentDatabaseOfWholeBatches) {
  constexpr int kBatch = 25;
  { auto store = open_store(); }
  const pid_t child = ::fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    auto store = Store::open(db_path_, config::StoreConfig{});
    if (!store) ::_exit(3);
    const auto feed = store->ensure_feed("https://a.example/feed", "");
    for (int b = 0; b < 100000; ++b) {
      std::vector<ArticleRecord> batch;
      for (int i = 0; i < kBatch; ++i) {
        const int n = b * kBatch + i;
        batch.push_back(article(feed->id, "https://a.example/" + std::to_string(n), "خبر رقم " + std::to_string(n),
                                "نص الخبر والمغرب رقم " + std::to_string(n)));
        batch.back().tags = {tag("t" + std::to_string(n % 7))};
      }
      if (!store->write_articles(batch)) ::_exit(4);
    }
    ::_exit(0);
  }
  // Wait (bounded) until a few batches are committed, then kill mid-stream.
  std::int64_t seen = 0;
  for (int attempt = 0; attempt < 3000 && seen < 4 * kBatch; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds{10});
    if (auto ro = Store::open_readonly(db_path_)) {
      if (auto c = ro->counts()) seen = c->articles;
    }
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "writer exited early with " << WEXITSTATUS(status);
  ASSERT_GE(seen, 4 * kBatch);

  auto store = open_store();
  auto counts = store.counts();
  ASSERT_TRUE(counts.has_value());
  EXPECT_GE(counts->articles, seen);
  EXPECT_EQ(counts->articles % kBatch, 0) << "a batch was half written";
  EXPECT_EQ(counts->article_tags, counts->articles);
  EXPECT_EQ(static_cast<std::int64_t>(ids(store, "المغرب").size()), std::min<std::int64_t>(counts->articles, 20));
  expect_database_consistent(db_path_);
}

TEST_F(StoreTest, BackupIsACompleteStandaloneCopy) {
  auto store = open_store();
  const auto feed = add_feed(store, "https://a.example/feed");
  write(store, {article(feed, "https://a.example/1", "نسخة احتياطية", "والمغرب في النسخة الاحتياطية")});
  const auto copy = dir_ / "backup" / "copy.db";
  std::filesystem::create_directories(copy.parent_path());
  auto ok = store.backup(copy);
  ASSERT_TRUE(ok.has_value()) << ok.error().describe();
  // No WAL or partial files next to it: one self-contained file.
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(copy.parent_path())) {
    files.push_back(entry.path().filename().string());
  }
  EXPECT_THAT(files, ElementsAre("copy.db"));

  // The writer keeps going; the copy is the snapshot taken at backup time.
  write(store, {article(feed, "https://a.example/2", "بعد النسخ", "نص لاحق")});
  auto restored = Store::open_readonly(copy);
  ASSERT_TRUE(restored.has_value()) << restored.error().describe();
  EXPECT_EQ(restored->counts()->articles, 1);
  EXPECT_THAT(ids(*restored, "المغرب"), ElementsAre(1));
}

TEST_F(StoreTest, BackupFromAReadOnlyConnectionWhileWriting) {
  auto store = open_store();
  const auto feed = add_feed(store, "https://a.example/feed");
  write(store, {article(feed, "https://a.example/1", "first", "one")});
  auto reader = Store::open_readonly(db_path_);
  ASSERT_TRUE(reader.has_value());
  const auto copy = dir_ / "ro-copy.db";
  ASSERT_TRUE(reader->backup(copy).has_value());
  EXPECT_EQ(Store::open_readonly(copy)->counts()->articles, 1);
}

TEST_F(StoreTest, BackupToAnUnwritablePlaceFailsCleanly) {
  auto store = open_store();
  auto result = store.backup(dir_ / "no" / "such" / "dir" / "copy.db");
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, Errc::io);
}

}  // namespace
}  // namespace newsd::store::testing
