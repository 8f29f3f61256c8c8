// The outbox on a real SQLite file and on a real PostgreSQL: appended in the article's transaction
// only while a sink is registered, one cursor per sink, trimmed behind the
// slowest sink, bounded without ever failing a write, dead letters.
#include <gtest/gtest.h>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include "sink/sink_fixture.hpp"

namespace newsd::sink::testing {
namespace {

using store::OutboxEntry;

using OutboxTest = ArchiveTest;

std::vector<std::int64_t> article_ids(const std::vector<OutboxEntry>& rows) {
  std::vector<std::int64_t> out;
  for (const auto& r : rows) out.push_back(r.article_id);
  return out;
}

TEST_P(OutboxTest, NothingIsAppendedWhileNoSinkIsRegistered) {
  store_articles(1, 3);
  auto status = writer_->outbox_status();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->rows, 0);
  EXPECT_EQ(status->last_seq, 0);
  EXPECT_TRUE(status->sinks.empty());
}

TEST_P(OutboxTest, EachInsertedArticleIsAppendedOnceDuplicatesAreNot) {
  register_sinks({"a"});
  const auto ids = store_articles(1, 4);
  // The same articles again: duplicates, nothing new to stream.
  std::vector<store::ArticleRecord> again{article(1), article(2)};
  auto outcomes = writer_->write_articles(again);
  ASSERT_TRUE(outcomes);
  EXPECT_EQ((*outcomes)[0], store::UpsertOutcome::duplicate);

  auto box = outbox();
  auto rows = box.read_after(0, 100);
  ASSERT_TRUE(rows);
  EXPECT_EQ(article_ids(*rows), ids);
  for (std::size_t i = 1; i < rows->size(); ++i) EXPECT_EQ((*rows)[i].seq, (*rows)[i - 1].seq + 1);
}

TEST_P(OutboxTest, ANewSinkStartsAfterTheNewestRow) {
  register_sinks({"early"});
  store_articles(1, 3);
  register_sinks({"early", "late"});
  const auto later = store_articles(10, 2);
  auto box = outbox();
  auto early = box.cursor("early");
  auto late = box.cursor("late");
  ASSERT_TRUE(early && late);
  EXPECT_EQ(*early, 0);
  EXPECT_EQ(*late, 3);
  auto rows = box.read_after(*late, 100);
  ASSERT_TRUE(rows);
  EXPECT_EQ(article_ids(*rows), later);
}

TEST_P(OutboxTest, CursorsAreIndependentAndTrimWaitsForTheSlowestSink) {
  register_sinks({"fast", "slow"});
  store_articles(1, 5);
  auto box = outbox();
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  ASSERT_TRUE(box.advance("fast", 5, 5, 0, now));
  ASSERT_TRUE(box.advance("slow", 2, 2, 0, now));
  auto trimmed = box.trim();
  ASSERT_TRUE(trimmed);
  EXPECT_EQ(*trimmed, 2);
  auto status = box.status();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->rows, 3);
  ASSERT_EQ(status->sinks.size(), 2u);
  EXPECT_EQ(status->sinks[0].name, "fast");
  EXPECT_EQ(status->sinks[0].lag, 0);
  EXPECT_EQ(status->sinks[0].delivered, 5);
  EXPECT_EQ(status->sinks[1].lag, 3);

  // A sink that leaves the config no longer holds rows back.
  ASSERT_TRUE(box.register_sinks(std::vector<std::string>{"fast"}));
  ASSERT_TRUE(box.trim());
  EXPECT_EQ(box.status()->rows, 0);
  // seq keeps growing after the table was emptied: a cursor never meets a reused number.
  store_articles(20, 1);
  auto rows = box.read_after(5, 10);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ(rows->front().seq, 6);
}

TEST_P(OutboxTest, TheBoundDropsTheOldestUndeliveredRowsAndNeverFailsAWrite) {
  store_cfg_.outbox.max_rows = 5;
  writer_.reset();
  open_writer();
  register_sinks({"down"});
  // The sink never delivers: ingest goes on regardless.
  for (int batch = 0; batch < 4; ++batch) store_articles(1 + batch * 3, 3);
  EXPECT_EQ(writer_->counts()->articles, 12);
  auto status = writer_->outbox_status();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->rows, 5);
  EXPECT_EQ(status->dropped, 7);
  EXPECT_EQ(status->sinks.at(0).lag, 5);
  auto box = outbox();
  auto rows = box.read_after(0, 100);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 5u);
  EXPECT_EQ(rows->front().seq, 8);  // the newest five of twelve
}

TEST_P(OutboxTest, RowsEverySinkDeliveredAreDroppedWithoutCounting) {
  store_cfg_.outbox.max_rows = 2;
  writer_.reset();
  open_writer();
  register_sinks({"s"});
  store_articles(1, 2);
  auto box = outbox();
  ASSERT_TRUE(box.advance("s", 2, 2, 0, std::chrono::sys_seconds{}));
  store_articles(3, 2);
  auto status = writer_->outbox_status();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->dropped, 0);
  EXPECT_EQ(status->rows, 2);
}

TEST_P(OutboxTest, ARolledBackBatchLeavesNoOutboxRow) {
  register_sinks({"s"});
  store_articles(1, 1);
  // An article whose feed does not exist fails the foreign key: the whole batch rolls back.
  auto bad = article(2);
  bad.feed_id = 999;
  std::vector<store::ArticleRecord> batch{article(3), bad};
  EXPECT_FALSE(writer_->write_articles(batch));
  auto status = writer_->outbox_status();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->rows, 1);
  EXPECT_EQ(status->last_seq, 1);
}

TEST_P(OutboxTest, DeadLettersAreListedRetriedAndRemoved) {
  register_sinks({"hook"});
  const auto ids = store_articles(1, 2);
  auto box = outbox();
  const std::chrono::sys_seconds at{std::chrono::seconds{1'800'000'000}};
  ASSERT_TRUE(box.add_dead_letter({"hook", ids[0], 8, "http_status: 503", at, false}));
  ASSERT_TRUE(box.add_dead_letter({"hook", ids[1], 8, "connect: refused", at, false}));
  EXPECT_EQ(box.dead_letters("hook", true)->size(), 0u);
  auto queued = box.request_retry("hook");
  ASSERT_TRUE(queued);
  EXPECT_EQ(*queued, 2);
  auto asked = box.dead_letters("hook", true);
  ASSERT_TRUE(asked);
  ASSERT_EQ(asked->size(), 2u);
  EXPECT_TRUE(asked->front().retry_requested);
  // Failing again: attempts add up and the retry request is cleared.
  ASSERT_TRUE(box.add_dead_letter({"hook", ids[0], 8, "http_status: 500", at, false}));
  auto letters = box.dead_letters("hook");
  ASSERT_TRUE(letters);
  EXPECT_EQ(letters->front().attempts, 16);
  EXPECT_FALSE(letters->front().retry_requested);
  ASSERT_TRUE(box.remove_dead_letter("hook", ids[1]));
  EXPECT_EQ(box.status()->sinks.at(0).dead_letters, 1);

  auto unknown = box.request_retry("nope");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
}

TEST_P(OutboxTest, AClaimIsTakenOnceAndNeedsARegisteredSink) {
  register_sinks({"s"});
  auto box = outbox();
  auto first = box.claim("s");
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_TRUE(*first);  // taken now: the drain reads its cursor
  auto again = box.claim("s");
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);  // already held
  auto unknown = box.claim("nope");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::not_found);
}

TEST_P(OutboxTest, AnArticleWithBytesPostgresqlRefusesIsAppendedToo) {
  register_sinks({"s"});
  // Invalid UTF-8 and a NUL, as an untrusted page can give: PostgreSQL
  // stores them replaced, and the append must find the article all the same.
  auto hostile = article(1);
  using namespace std::string_literals;
  hostile.entry_key = "guid:\xff\xfe\0tail"s;
  hostile.title = "bad \xc3 title \0 end"s;
  auto outcomes = writer_->write_articles(std::vector<store::ArticleRecord>{hostile, article(2)});
  ASSERT_TRUE(outcomes) << outcomes.error().describe();
  auto rows = outbox().read_after(0, 10);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 2u);
  auto reader = store::Store::open_readonly(store_cfg_);
  ASSERT_TRUE(reader);
  auto view = reader->article(rows->front().article_id);
  ASSERT_TRUE(view && *view);
  EXPECT_EQ((*view)->url, hostile.url);
}

// Several daemons sharing one PostgreSQL may each run a drain of the same
// sink: only one connection holds its claim at a time.
using PgOutboxTest = ArchiveTest;

TEST_P(PgOutboxTest, AClaimIsHeldByOneConnectionUntilItCloses) {
  register_sinks({"s", "t"});
  auto holder = std::make_unique<store::Outbox>(outbox());
  ASSERT_TRUE(holder->claim("s"));
  auto other = outbox();
  auto refused = other.claim("s");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::locked);
  // Another sink is claimed on its own.
  auto t = outbox().claim("t");
  ASSERT_TRUE(t) << t.error().describe();
  // The holder goes away (a stopped or dead daemon): its session's lock
  // goes with it, once the server has seen the connection close.
  holder.reset();
  Result<bool> taken = fail(Errc::internal, "not tried");
  ASSERT_TRUE(eventually([&] { return (taken = other.claim("s")).has_value(); })) << taken.error().describe();
  EXPECT_TRUE(*taken);
}

TEST_P(PgOutboxTest, AClaimLostWithItsSessionIsTakenAgainOnANewOne) {
  register_sinks({"s"});
  auto box = outbox();
  ASSERT_TRUE(box.claim("s"));
  // The server ends the session holding the claim, as a restart or a cut
  // connection would: the lock goes with it.
  exec_sql(
      "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = 1852143475 AND "
      "granted");
  auto other = outbox();
  auto taken_over = other.claim("s");
  ASSERT_TRUE(taken_over) << taken_over.error().describe();
  // The first statement on the dead session fails. (libpqxx 6.4 does not
  // free the server's error result on that path: not this test's leak.)
  {
#if defined(__SANITIZE_ADDRESS__)
    __lsan::ScopedDisabler libpqxx_leak;
#endif
    EXPECT_FALSE(box.last_seq());
  }
  // Its next claim, on a new session, finds the sink taken.
  auto refused = box.claim("s");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::locked);
  // Once the other lets go, it claims it afresh.
  other = outbox();
  Result<bool> again = fail(Errc::internal, "not tried");
  ASSERT_TRUE(eventually([&] { return (again = box.claim("s")).has_value(); })) << again.error().describe();
  EXPECT_TRUE(*again);
}

INSTANTIATE_TEST_SUITE_P(Postgresql, PgOutboxTest, ::testing::Values(Backend::postgresql),
                         store::testing::backend_name);

NEWSD_ON_BOTH_BACKENDS(OutboxTest);

}  // namespace
}  // namespace newsd::sink::testing
