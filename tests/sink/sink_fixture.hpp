#pragma once
// Shared by the sink tests: an archive with one feed, on the backend of the
// test's parameter (a SQLite file in a temp dir, or a database of its own on
// the test PostgreSQL server, support/pg_server.hpp), a builder of distinct
// articles (so no two dedup into one), and a bounded wait for what another
// thread delivers.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "newsd/config/config.hpp"
#include "newsd/store/outbox.hpp"
#include "newsd/store/store.hpp"
#include "service/process.hpp"
#include "store/store_fixture.hpp"
#include "support/daemon_test_util.hpp"
#include "support/pg_server.hpp"

namespace newsd::sink::testing {

/// Waits (at most a minute) for what a drain thread delivers: a bound on a
/// hang, never an assertion about speed.
inline bool eventually(const std::function<bool()>& done) {
  return newsd::testing::eventually(done, std::chrono::seconds{60});
}

using store::testing::Backend;

class ArchiveTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    store_cfg_.path = dir_.path() / "newsd.db";
    if (GetParam() == Backend::postgresql) {
      server_ = newsd::testing::PgServer::get();
      ASSERT_NE(server_, nullptr);
      database_ = "newsd_sink_" + std::to_string(::getpid());
      store_cfg_.backend = config::StoreBackend::postgresql;
      store_cfg_.url = server_->create_database(database_);
    }
    open_writer();
  }
  void TearDown() override {
    writer_.reset();
    if (server_ != nullptr) server_->drop_database(database_);
  }

  [[nodiscard]] bool on_postgresql() const { return GetParam() == Backend::postgresql; }

  /// Runs `sql` (the same text on both backends) on a connection of its own.
  void exec_sql(const std::string& sql) {
    if (on_postgresql()) {
      pqxx::connection conn(store_cfg_.url);
      pqxx::nontransaction(conn).exec(sql);
    } else {
      newsd::testing::Db(store_cfg_.path).rows(sql);
    }
  }

  void open_writer() {
    auto store = store::Store::open(store_cfg_);
    ASSERT_TRUE(store) << store.error().describe();
    writer_ = std::make_unique<store::Store>(std::move(*store));
    auto feed = writer_->ensure_feed("https://example.org/feed.xml", "Example");
    ASSERT_TRUE(feed);
    feed_id_ = feed->id;
  }

  store::Outbox outbox() {
    auto o = store::Outbox::open(store_cfg_);
    EXPECT_TRUE(o) << o.error().describe();
    return std::move(*o);
  }

  void register_sinks(const std::vector<std::string>& names) {
    auto ok = outbox().register_sinks(names);
    ASSERT_TRUE(ok) << ok.error().describe();
  }

  /// An article no other one dedups with: its own URL and its own words.
  store::ArticleRecord article(int n, std::string lang = "en", std::string topic = "defense") {
    store::ArticleRecord r;
    r.feed_id = feed_id_;
    r.url = "https://example.org/news/" + std::to_string(n);
    r.title = "Story " + std::to_string(n);
    r.lang = std::move(lang);
    r.text = "Report number " + std::to_string(n) + " on item " + std::to_string(n * 7919) + " and case " +
             std::to_string(n * 104729) + ", with its own words: w" + std::to_string(n) + "a w" + std::to_string(n) +
             "b w" + std::to_string(n) + "c.";
    r.fetched_at = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    if (!topic.empty()) r.tags.push_back({std::move(topic), classify::TagKind::topic, 1.0, classify::TagSource::rule});
    return r;
  }

  /// Stores articles first..first+count-1 in one batch; returns their ids.
  std::vector<std::int64_t> store_articles(int first, int count) {
    std::vector<store::ArticleRecord> batch;
    for (int n = first; n < first + count; ++n) batch.push_back(article(n));
    auto outcomes = writer_->write_articles(batch);
    EXPECT_TRUE(outcomes) << outcomes.error().describe();
    for (const auto outcome : outcomes.value_or(std::vector<store::UpsertOutcome>{}))
      EXPECT_EQ(outcome, store::UpsertOutcome::inserted);
    // A batch of new articles gets consecutive ids, ending at the highest.
    auto counts = writer_->counts();
    EXPECT_TRUE(counts);
    std::vector<std::int64_t> ids;
    for (std::int64_t id = counts->last_article_id - count + 1; id <= counts->last_article_id; ++id) ids.push_back(id);
    return ids;
  }

  newsd::testing::TempDir dir_{"newsd-sink"};
  config::StoreConfig store_cfg_;
  std::unique_ptr<store::Store> writer_;
  std::int64_t feed_id_ = 0;
  newsd::testing::PgServer* server_ = nullptr;
  std::string database_;
};

}  // namespace newsd::sink::testing
