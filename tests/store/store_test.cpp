// Feed state, article writes with tags and their sources, all-or-nothing
// batches, durability across reopen.
#include <sqlite3.h>

#include "store_fixture.hpp"

namespace newsd::store::testing {
namespace {

using classify::TagKind;
using classify::TagSource;

class StoreBackendTest : public BackendTest {};

TEST_P(StoreBackendTest, EnsureFeedIsIdempotentAndKeepsTheConfiguredName) {
  auto store = open_store();
  auto first = store.ensure_feed("https://a.example/feed", "Agency A");
  ASSERT_TRUE(first.has_value()) << first.error().describe();
  auto again = store.ensure_feed("https://a.example/feed", "");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(first->id, again->id);
  EXPECT_EQ(again->name, "Agency A");
  auto renamed = store.ensure_feed("https://a.example/feed", "Agency A (Arabic)");
  EXPECT_EQ(renamed->name, "Agency A (Arabic)");
  EXPECT_EQ(renamed->state, "active");
  EXPECT_EQ(store.feeds()->size(), 1u);
}

TEST_P(StoreBackendTest, RecordFetchTracksErrorsGoneAndRecovery) {
  auto store = open_store();
  const auto id = add_feed(store, "https://a.example/feed");
  FeedFetchResult ok;
  ok.feed_id = id;
  ok.title = "A News";
  ok.etag = "\"v1\"";
  ok.last_modified = "Fri, 20 Nov 2026 10:00:00 GMT";
  ok.fetched_at = day(2026, 11, 20, 10);
  ok.next_fetch_at = day(2026, 11, 20, 11);
  ASSERT_TRUE(store.record_fetch(ok).has_value());

  FeedFetchResult failed = ok;
  failed.title.reset();
  failed.etag.reset();
  failed.error = "http_status: 503";
  ASSERT_TRUE(store.record_fetch(failed).has_value());
  ASSERT_TRUE(store.record_fetch(failed).has_value());
  auto feeds = store.feeds();
  ASSERT_TRUE(feeds.has_value());
  const FeedState& f = feeds->front();
  EXPECT_EQ(f.title, "A News");
  EXPECT_EQ(f.etag, "\"v1\"");  // a failure keeps the validators
  EXPECT_EQ(f.consecutive_errors, 2);
  EXPECT_EQ(f.state, "error");
  EXPECT_EQ(f.last_error, "http_status: 503");
  EXPECT_EQ(f.last_fetched_at, day(2026, 11, 20, 10));

  ASSERT_TRUE(store.record_fetch(ok).has_value());
  EXPECT_EQ(store.feeds()->front().consecutive_errors, 0);
  EXPECT_EQ(store.feeds()->front().state, "active");
  EXPECT_EQ(store.feeds()->front().last_error, "");

  FeedFetchResult gone = ok;
  gone.gone = true;
  gone.error = "http_status: 410";
  ASSERT_TRUE(store.record_fetch(gone).has_value());
  EXPECT_EQ(store.feeds()->front().state, "gone");

  FeedFetchResult unknown = ok;
  unknown.feed_id = 999;
  auto missing = store.record_fetch(unknown);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST_P(StoreBackendTest, FetchOutcomeKeepsScheduleReasonErrorClassAndPublishingRate) {
  auto store = open_store();
  const auto id = add_feed(store, "https://a.example/feed");
  FeedFetchResult ok;
  ok.feed_id = id;
  ok.fetched_at = day(2026, 11, 20, 10);
  ok.next_fetch_at = day(2026, 11, 20, 11);
  ok.interval_s = 3600;
  ok.interval_reason = "adapted";
  ok.mean_gap_s = 1800.5;
  ok.gaps = 4;
  ok.last_new_entry_at = day(2026, 11, 20, 9);
  ASSERT_TRUE(store.record_fetch(ok).has_value());
  FeedState f = store.feeds()->front();
  EXPECT_EQ(f.interval_s, 3600);
  EXPECT_EQ(f.interval_reason, "adapted");
  EXPECT_DOUBLE_EQ(f.mean_gap_s, 1800.5);
  EXPECT_EQ(f.gaps, 4);
  EXPECT_EQ(f.last_new_entry_at, day(2026, 11, 20, 9));
  EXPECT_EQ(f.error_class, "");
  EXPECT_FALSE(f.error_since);

  // Two failures: the class is the latest's, the run of failures started at the first.
  FeedFetchResult failed;
  failed.feed_id = id;
  failed.fetched_at = day(2026, 11, 20, 11);
  failed.next_fetch_at = day(2026, 11, 20, 13);
  failed.error = "timeout: slow";
  failed.error_class = "timeout";
  failed.interval_reason = "backoff";
  ASSERT_TRUE(store.record_fetch(failed).has_value());
  failed.fetched_at = day(2026, 11, 20, 13);
  failed.error_class = "http_5xx";
  ASSERT_TRUE(store.record_fetch(failed).has_value());
  f = store.feeds()->front();
  EXPECT_EQ(f.error_class, "http_5xx");
  EXPECT_EQ(f.error_since, day(2026, 11, 20, 11));
  EXPECT_EQ(f.consecutive_errors, 2);
  EXPECT_EQ(f.interval_reason, "backoff");
  EXPECT_EQ(f.gaps, 4) << "a failure without a rate keeps the stored one";

  ASSERT_TRUE(store.record_fetch(ok).has_value());
  f = store.feeds()->front();
  EXPECT_EQ(f.error_class, "");
  EXPECT_FALSE(f.error_since);
}

TEST_P(StoreBackendTest, PermanentRedirectMovesTheFeedUnlessTheUrlIsTaken) {
  auto store = open_store();
  const auto id = add_feed(store, "https://a.example/old");
  add_feed(store, "https://a.example/taken");
  FeedFetchResult moved;
  moved.feed_id = id;
  moved.moved_to = "https://a.example/new";
  ASSERT_TRUE(store.record_fetch(moved).has_value());
  EXPECT_EQ(store.feeds()->front().url, "https://a.example/new");
  moved.moved_to = "https://a.example/taken";
  ASSERT_TRUE(store.record_fetch(moved).has_value());
  EXPECT_EQ(store.feeds()->front().url, "https://a.example/new");
}

TEST_P(StoreBackendTest, RemovedFeedsShowAsRemovedUntilConfiguredAgainAndGoneFeedsCanBeReactivated) {
  auto store = open_store();
  const auto id = add_feed(store, "https://a.example/feed");
  ASSERT_TRUE(store.mark_removed(id, day(2026, 11, 20, 10)).has_value());
  EXPECT_EQ(store.feeds()->front().state, "removed");
  EXPECT_EQ(store.ensure_feed("https://a.example/feed", "")->state, "active");

  FeedFetchResult gone;
  gone.feed_id = id;
  gone.gone = true;
  gone.error = "http_status: 410";
  gone.error_class = "http_4xx";
  ASSERT_TRUE(store.record_fetch(gone).has_value());
  EXPECT_EQ(store.feeds()->front().state, "gone");
  EXPECT_TRUE(*Store::request_reactivation(store_config(), "https://a.example/feed", day(2026, 11, 21, 0)));
  const FeedState f = store.feeds()->front();
  EXPECT_EQ(f.state, "active");
  EXPECT_EQ(f.consecutive_errors, 0);
  EXPECT_EQ(f.error_class, "");
  EXPECT_EQ(f.next_fetch_at, day(2026, 11, 21, 0));
  EXPECT_FALSE(*Store::request_reactivation(store_config(), "https://a.example/unknown", day(2026, 11, 21, 0)));
}

TEST_P(StoreBackendTest, WritesArticleWithTagsScoresAndSources) {
  auto store = open_store();
  const auto feed = add_feed(store, "https://a.example/feed", "A");
  auto rec = article(feed, "https://a.example/news/1?utm_source=rss", "عنوان الخبر",
                     "نص الخبر الكامل عن التعاون العسكري بين البلدين في مجال الدفاع الجوي.");
  rec.guid = "tag:a.example,2026:1";
  rec.byline = "مراسلنا";
  rec.section = "سياسة";
  rec.image = "https://a.example/img/1.jpg";
  rec.tags = {tag("defense", TagKind::topic, 0.9, TagSource::rule), tag("MA", TagKind::country, 0.7),
              tag("defense", TagKind::topic, 0.62, TagSource::model),
              tag("agency-a", TagKind::feed, 1.0, TagSource::feed)};
  auto outcomes = write(store, {rec});
  ASSERT_THAT(outcomes, ::testing::ElementsAre(UpsertOutcome::inserted));

  auto view = store.article(1);
  ASSERT_TRUE(view.has_value() && view->has_value());
  const ArticleView& a = **view;
  EXPECT_EQ(a.canonical_url, "https://a.example/news/1");  // tracking parameter dropped
  EXPECT_EQ(a.url, "https://a.example/news/1?utm_source=rss");
  EXPECT_EQ(a.guid, "tag:a.example,2026:1");
  EXPECT_EQ(a.byline, "مراسلنا");
  EXPECT_EQ(a.section, "سياسة");
  EXPECT_EQ(a.image, "https://a.example/img/1.jpg");
  EXPECT_EQ(a.feed_name, "A");
  EXPECT_EQ(a.published_at, day(2026, 11, 20, 8));
  EXPECT_EQ(a.cluster_id, 1);
  ASSERT_EQ(a.tags.size(), 4u);
  EXPECT_EQ(a.tags[0].name, "agency-a");
  EXPECT_EQ(a.tags[0].source, "feed");
  EXPECT_EQ(a.tags[1].name, "defense");
  EXPECT_EQ(a.tags[1].source, "rule");
  EXPECT_DOUBLE_EQ(a.tags[1].score, 0.9);
  EXPECT_EQ(a.tags[3].source, "model");  // same tag from the model kept separately
  EXPECT_EQ(a.tags[2].kind, "country");
  ASSERT_EQ(a.sources.size(), 1u);
  EXPECT_EQ(a.sources[0].feed_url, "https://a.example/feed");

  auto counts = store.counts();
  EXPECT_EQ(counts->articles, 1);
  EXPECT_EQ(counts->article_tags, 4);
  EXPECT_FALSE(store.article(2)->has_value());
}

TEST_P(StoreBackendTest, HasArticleCanonicalizesItsArgument) {
  auto store = open_store();
  const auto feed = add_feed(store, "https://a.example/feed");
  write(store, {article(feed, "https://A.example/news/1/", "t", "")});
  EXPECT_TRUE(*store.has_article("https://a.example/news/1?utm_medium=feed#top"));
  EXPECT_FALSE(*store.has_article("https://a.example/news/2"));
}

TEST_P(StoreBackendTest, FailedBatchWritesNothing) {
  auto store = open_store();
  const auto feed = add_feed(store, "https://a.example/feed");
  auto good = article(feed, "https://a.example/1", "good", "text of the good article that would be stored");
  good.tags = {tag("diplomacy")};
  auto bad = article(feed + 41, "https://a.example/2", "bad feed id", "violates the feeds foreign key");
  std::vector<ArticleRecord> batch{good, bad};
  auto result = store.write_articles(batch);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, Errc::database);
  EXPECT_NE(result.error().message.find("https://a.example/2"), std::string::npos);
  auto counts = store.counts();
  EXPECT_EQ(counts->articles, 0);
  EXPECT_EQ(counts->article_tags, 0);
  EXPECT_TRUE(ids(store, "good").empty());  // FTS rolled back too

  // The writer is usable afterwards and the tag cache did not keep the
  // rolled-back tag id.
  ASSERT_THAT(write(store, {good}), ::testing::ElementsAre(UpsertOutcome::inserted));
  EXPECT_EQ(store.article(store.search({.text = "good"})->front().id)->value().tags.size(), 1u);
}

TEST_P(StoreBackendTest, CommittedDataSurvivesReopen) {
  {
    auto store = open_store();
    const auto feed = add_feed(store, "https://a.example/feed");
    write(store, {article(feed, "https://a.example/1", "persisted", "body text")});
  }
  auto store = open_store();
  EXPECT_EQ(store.counts()->articles, 1);
  EXPECT_THAT(ids(store, "persisted"), ::testing::ElementsAre(1));
}

TEST_P(StoreBackendTest, ReadOnlyStoreRefusesWrites) {
  { auto store = open_store(); }
  auto ro = Store::open_readonly(store_config());
  ASSERT_TRUE(ro.has_value()) << ro.error().describe();
  std::vector<ArticleRecord> batch{article(1, "https://a.example/1", "t", "x")};
  auto written = ro->write_articles(batch);
  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().code, Errc::invalid_argument);
  EXPECT_EQ(ro->counts()->articles, 0);
}

// What an idle daemon does between polls (the writer and the reader each
// on their own connection): the cache goes, nothing written does.
TEST_P(StoreBackendTest, ReleasingTheCacheLosesNothingAndTheStoreGoesOn) {
  auto store = open_store();
  const auto feed = add_feed(store, "https://a.example/feed");
  std::vector<ArticleRecord> batch;
  for (int i = 0; i < 200; ++i) {
    batch.push_back(article(feed, "https://a.example/" + std::to_string(i), "cached " + std::to_string(i),
                            "story number " + std::to_string(i) + " about the harbour"));
  }
  write(store, std::move(batch));
  store.release_memory();
  EXPECT_EQ(store.counts()->articles, 200);
  EXPECT_EQ(query_ids(store, {.text = "harbour", .limit = 500}).size(), 200u);
  write(store, {article(feed, "https://a.example/after", "after", "written after the release")});
  store.release_memory();
  EXPECT_EQ(store.counts()->articles, 201);
  EXPECT_THAT(ids(store, "release"), ::testing::ElementsAre(201));
}

NEWSD_ON_BOTH_BACKENDS(StoreBackendTest);

TEST_F(StoreTest, ReadOnlyStoreRefusesWritesAndMissingFiles) {
  { auto store = open_store(); }
  auto ro = Store::open_readonly(db_path_);
  ASSERT_TRUE(ro.has_value()) << ro.error().describe();
  std::vector<ArticleRecord> batch{article(1, "https://a.example/1", "t", "x")};
  EXPECT_FALSE(ro->write_articles(batch).has_value());
  auto missing = Store::open_readonly(dir_ / "nope.db");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST_F(StoreTest, ReaderIsNotBlockedByAWriterHoldingATransaction) {
  auto store = open_store();
  const auto feed = add_feed(store, "https://a.example/feed");
  write(store, {article(feed, "https://a.example/1", "visible", "committed before the writer locks")});

  // A second writer connection holds an open write transaction with an
  // uncommitted article, as the daemon's writer does mid-batch.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db_path_.c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw,
                         "BEGIN IMMEDIATE; INSERT INTO articles (feed_id, canonical_url, url, title, fetched_at) "
                         "VALUES (1, 'https://a.example/x', 'https://a.example/x', 'pending', 0);",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(raw);

  auto reader = Store::open_readonly(db_path_, std::chrono::milliseconds{0});
  ASSERT_TRUE(reader.has_value()) << reader.error().describe();
  auto hits = reader->search({.text = "visible"});
  ASSERT_TRUE(hits.has_value()) << hits.error().describe();
  EXPECT_EQ(hits->size(), 1u);
  EXPECT_EQ(reader->counts()->articles, 1);  // the pending row is invisible
  EXPECT_TRUE(reader->stats().has_value());

  sqlite3_exec(raw, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(raw);
}

}  // namespace
}  // namespace newsd::store::testing
