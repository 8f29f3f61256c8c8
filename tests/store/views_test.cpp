// The views docs/schema.md documents for plain SQL (article_tags_v,
// feed_health, story_clusters) answer the same rows on both backends: the
// same names, columns, dates as UTC text, labels in force as source 'label'.
#include "store_fixture.hpp"

namespace newsd::store::testing {
namespace {

using classify::TagKind;
using Rows = std::vector<std::vector<std::string>>;

class ViewsTest : public BackendTest {
 protected:
  // Two feeds, the first failing once; a wire story in both (one story
  // cluster of two articles), an English article without a date, a label
  // in force and a removed one.
  void SetUp() override {
    BackendTest::SetUp();
    if (HasFatalFailure()) return;
    auto store = open_store();
    const auto wire = add_feed(store, "https://a.example/feed", "Wire A");
    const auto other = add_feed(store, "https://b.example/rss");
    FeedFetchResult failed;
    failed.feed_id = wire;
    failed.fetched_at = day(2026, 11, 20, 9);
    failed.next_fetch_at = day(2026, 11, 20, 10);
    failed.error = "HTTP 503";
    failed.error_class = "server_error";
    ASSERT_TRUE(store.record_fetch(failed));

    auto first = article(wire, "https://a.example/1", "اتفاقية دفاعية", read_fixture("views/wire_story.txt"));
    first.tags = {tag("defense", TagKind::topic, 0.9), tag("MA", TagKind::country)};
    auto edited = article(other, "https://b.example/2", "المغرب وفرنسا يوقعان",
                          read_fixture("views/wire_story_one_word_added.txt"));
    edited.published_at = day(2026, 11, 21, 6);
    edited.fetched_at = day(2026, 11, 21, 7);
    auto undated = article(other, "https://b.example/3", "Ransomware hits a port",
                           "A ransomware gang encrypted the port's systems.", "en");
    undated.published_at.reset();
    undated.fetched_at = day(2026, 11, 22, 12);
    write(store, {first, edited, undated});
    ASSERT_TRUE(Store::write_labels(store_config(),
                                    std::vector<LabelEdit>{{3, "cyber", "", false}, {1, "defense", "", true}}, "alice",
                                    day(2026, 11, 30)));
  }
};

TEST_P(ViewsTest, FeedHealth) {
  EXPECT_EQ(sql_rows("SELECT id, url, name, state, consecutive_errors, last_error, last_fetched, next_fetch, articles, "
                     "last_article FROM feed_health ORDER BY id"),
            (Rows{{"1", "https://a.example/feed", "Wire A", "error", "1", "HTTP 503", "2026-11-20 09:00:00",
                   "2026-11-20 10:00:00", "1", "2026-11-20 12:00:00"},
                  {"2", "https://b.example/rss", "https://b.example/rss", "active", "0", "", "", "", "2",
                   "2026-11-22 12:00:00"}}));
}

TEST_P(ViewsTest, StoryClusters) {
  EXPECT_EQ(sql_rows("SELECT cluster_id, articles, first_seen, last_seen, title FROM story_clusters "
                     "ORDER BY cluster_id"),
            (Rows{{"1", "2", "2026-11-20 08:00:00", "2026-11-21 06:00:00", "اتفاقية دفاعية"},
                  {"3", "1", "2026-11-22 12:00:00", "2026-11-22 12:00:00", "Ransomware hits a port"}}));
}

TEST_P(ViewsTest, ArticleTagsWithLabelsInForce) {
  EXPECT_EQ(sql_rows("SELECT article_id, day, lang, title, url, tag, kind, CAST(round(score * 100) AS INTEGER), source "
                     "FROM article_tags_v ORDER BY article_id, source, tag"),
            (Rows{{"1", "2026-11-20", "ar", "اتفاقية دفاعية", "https://a.example/1", "MA", "country", "100", "rule"},
                  {"1", "2026-11-20", "ar", "اتفاقية دفاعية", "https://a.example/1", "defense", "topic", "90", "rule"},
                  {"3", "2026-11-22", "en", "Ransomware hits a port", "https://b.example/3", "cyber", "topic", "100",
                   "label"}}));
}

NEWSD_ON_BOTH_BACKENDS(ViewsTest);

}  // namespace
}  // namespace newsd::store::testing
