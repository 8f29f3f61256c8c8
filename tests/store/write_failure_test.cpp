// Write failures are errors, never silent: a full disk (a file-size limit,
// which makes write(2) fail with EFBIG as a full disk fails with ENOSPC) and
// a lock held by another connection past the busy timeout. A failed batch
// leaves nothing behind, and the Store works again once the cause is gone.
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include "child_process.hpp"
#include "integrity.hpp"
#include "store_fixture.hpp"

namespace newsd::store::testing {
namespace {

using ::testing::HasSubstr;

// Distinct words, so that no two texts are duplicates or near-duplicates.
std::string filler(int seed, std::size_t bytes) {
  std::string text;
  unsigned state = static_cast<unsigned>(seed) * 2654435761U + 1U;
  while (text.size() < bytes) {
    state = state * 1103515245U + 12345U;
    text += "w" + std::to_string(state % 100000) + " ";
  }
  return text;
}

std::uintmax_t size_or_zero(const std::filesystem::path& p) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(p, ec);
  return ec ? 0 : n;
}

// "" if `result` failed as a database error carrying SQLite's message.
template <class R>
std::string database_failure(const char* what, const R& result) {
  if (result) return std::string(what) + " succeeded under the file-size limit; ";
  if (result.error().code != Errc::database) return std::string(what) + ": " + result.error().describe() + "; ";
  return {};
}

TEST_F(StoreTest, DiskFullFailsEveryWriteAndTheBatchIsWrittenOnceSpaceIsBack) {
  const std::filesystem::path db = db_path_;
  const std::string report = run_in_child([&] {
    std::string problems;
    auto opened = Store::open(db, config::StoreConfig{});
    if (!opened) return "open: " + opened.error().describe();
    Store& store = *opened;
    const auto feed = store.ensure_feed("https://example.com/feed.xml", "");
    if (!feed) return "ensure_feed: " + feed.error().describe();
    const auto other_feed = store.ensure_feed("https://example.org/other.xml", "");
    if (!other_feed) return "ensure_feed: " + other_feed.error().describe();
    ArticleRecord first = article(feed->id, "https://example.com/a/0", "first", filler(0, 2000));
    if (auto ok = store.write_articles(std::span(&first, 1)); !ok) return "first batch: " + ok.error().describe();

    std::vector<ArticleRecord> batch;
    for (int i = 1; i <= 20; ++i) {
      batch.push_back(article(feed->id, "https://example.com/a/" + std::to_string(i), "t", filler(i, 20000)));
    }
    FeedFetchResult fetch{.feed_id = feed->id, .title = filler(99, 200000)};

    // No file may grow past what it is now (plus a page or two): every
    // write below needs far more.
    const rlim_t limit = std::max(size_or_zero(db), size_or_zero(db.string() + "-wal")) + 8192;
    ::signal(SIGXFSZ, SIG_IGN);
    rlimit fsize{};
    ::getrlimit(RLIMIT_FSIZE, &fsize);
    const rlim_t hard = fsize.rlim_max;
    fsize.rlim_cur = limit;
    if (::setrlimit(RLIMIT_FSIZE, &fsize) != 0) return std::string("setrlimit failed");

    auto written = store.write_articles(batch);
    problems += database_failure("write_articles", written);
    problems += database_failure("record_fetch", store.record_fetch(fetch));
    problems += database_failure("add_source", store.add_source(other_feed->id, "https://example.com/a/0",
                                                                filler(98, 200000), day(2026, 11, 21)));
    if (!written && written.error().message.find("disk") == std::string::npos) {
      problems += "no SQLite message in: " + written.error().message + "; ";
    }
    auto after_failure = store.counts();
    if (!after_failure || after_failure->articles != 1) problems += "the failed batch left articles behind; ";

    fsize.rlim_cur = hard;
    if (::setrlimit(RLIMIT_FSIZE, &fsize) != 0) return problems + "setrlimit back failed";
    auto retried = store.write_articles(batch);
    if (!retried) problems += "retry: " + retried.error().describe() + "; ";
    if (auto ok = store.record_fetch(fetch); !ok) problems += "record_fetch retry: " + ok.error().describe() + "; ";
    auto final_counts = store.counts();
    if (!final_counts || final_counts->articles != 21) problems += "the retried batch is not all there; ";
    return problems;
  });
  EXPECT_EQ(report, "");
  expect_database_consistent(db_path_);
}

TEST_F(StoreTest, LockNotGrantedWithinTheBusyTimeoutIsAnErrorAndNothingIsWritten) {
  config::StoreConfig cfg;
  cfg.busy_timeout = std::chrono::seconds{1};
  auto opened = Store::open(db_path_, cfg);
  ASSERT_TRUE(opened.has_value()) << opened.error().describe();
  Store& store = *opened;
  const auto feed = add_feed(store, "https://example.com/feed.xml");
  const auto other_feed = add_feed(store, "https://example.org/other.xml");
  write(store, {article(feed, "https://example.com/a/0", "first", filler(0, 2000))});

  // Another connection (the sqlite3 shell, a stray process) holds the write lock.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db_path_.c_str(), &raw), SQLITE_OK);
  sql::DbPtr other(raw);
  ASSERT_TRUE(sql::exec(raw, "BEGIN IMMEDIATE").has_value());

  const std::vector<ArticleRecord> batch = {article(feed, "https://example.com/a/1", "t", filler(1, 2000))};
  auto written = store.write_articles(batch);
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().code, Errc::database);
  EXPECT_THAT(written.error().message, HasSubstr("database is locked"));
  auto fetched = store.record_fetch({.feed_id = feed, .title = std::string("new title")});
  ASSERT_FALSE(fetched.has_value());
  EXPECT_EQ(fetched.error().code, Errc::database);
  auto source = store.add_source(other_feed, "https://example.com/a/0", "g", day(2026, 11, 21));
  ASSERT_FALSE(source.has_value());
  EXPECT_EQ(source.error().code, Errc::database);

  ASSERT_TRUE(sql::exec(raw, "ROLLBACK").has_value());
  auto retried = store.write_articles(batch);
  ASSERT_TRUE(retried.has_value()) << retried.error().describe();
  EXPECT_EQ(store.counts()->articles, 2);
  EXPECT_TRUE(store.record_fetch({.feed_id = feed, .title = std::string("new title")}).has_value());
}

}  // namespace
}  // namespace newsd::store::testing
