// The StoreWriter's tickets, against a real SQLite file read through a
// second connection, as the engine's reader reads it: an article whose
// ticket committed_through() has reached is readable there.
#include "newsd/ingest/store_writer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/daemon_test_util.hpp"

namespace newsd::ingest {
namespace {

using namespace std::chrono_literals;

store::ArticleRecord record(std::int64_t feed_id, const std::string& url) {
  store::ArticleRecord r;
  r.feed_id = feed_id;
  r.url = url;
  r.title = "Title of " + url;
  r.text = "A text long enough to be stored for " + url + ", with a few more words in it.";
  r.fetched_at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return r;
}

class StoreWriterTickets : public ::testing::Test {
 protected:
  void SetUp() override {
    config::StoreConfig cfg;
    cfg.path = dir_.path() / "newsd.db";
    auto store = store::Store::open(cfg);
    ASSERT_TRUE(store) << store.error().describe();
    feed_id_ = store->ensure_feed("https://a.example/feed", "")->id;
    writer_.emplace(std::move(*store), 16, 64);
    auto reader = store::Store::open_readonly(cfg.path);
    ASSERT_TRUE(reader) << reader.error().describe();
    reader_.emplace(std::move(*reader));
  }

  testing::TempDir dir_{"newsd-store-writer"};
  std::optional<StoreWriter> writer_;
  std::optional<store::Store> reader_;
  std::int64_t feed_id_ = 0;
};

TEST_F(StoreWriterTickets, TicketsFollowTheQueueAndCountEveryItem) {
  const auto first = writer_->write(record(feed_id_, "https://a.example/1"));
  writer_->write(SourceSighting{feed_id_, "https://a.example/1", "", {}});
  const auto second = writer_->write(record(feed_id_, "https://a.example/2"));
  EXPECT_EQ(first, 1u);
  EXPECT_EQ(second, 3u);
}

// Watched from another thread while articles keep coming: whenever
// committed_through() has reached an article's ticket, the reader finds it.
TEST_F(StoreWriterTickets, AnArticleIsReadableOnceItsTicketIsReached) {
  std::vector<std::pair<std::string, std::uint64_t>> written;
  for (int i = 0; i < 200; ++i) {
    const std::string url = "https://a.example/" + std::to_string(i);
    written.emplace_back(url, writer_->write(record(feed_id_, url)));
  }
  std::size_t checked = 0;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (checked < written.size() && std::chrono::steady_clock::now() < deadline) {
    const auto through = writer_->committed_through();
    for (; checked < written.size() && written[checked].second <= through; ++checked) {
      EXPECT_TRUE(reader_->has_article(written[checked].first).value_or(false)) << written[checked].first;
    }
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(checked, written.size());
}

}  // namespace
}  // namespace newsd::ingest
