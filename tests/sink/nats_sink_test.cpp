// The NATS JetStream sink against a real nats-server started by the test,
// on both backends:
// a JetStream consumer gets every stored article exactly once, also across
// a sink restart, a replay from an old cursor and a server restart.
#include "newsd/sink/nats_sink.hpp"

#include <nlohmann/json.hpp>
#include <set>

#include "newsd/sink/drain.hpp"
#include "sink/nats_server.hpp"
#include "sink/sink_fixture.hpp"
#include "support/daemon_test_util.hpp"

namespace newsd::sink::testing {
namespace {

class NatsSinkTest : public ArchiveTest {
 protected:
  void SetUp() override {
    ArchiveTest::SetUp();
    nats_ = std::make_unique<NatsServer>(dir_.path());
    register_sinks({"bus"});
  }
  void TearDown() override {
    drain_.reset();
    reader_.reset();
    nats_.reset();
    ArchiveTest::TearDown();
  }

  config::SinkConfig sink_config() const {
    config::SinkConfig cfg;
    cfg.name = "bus";
    cfg.type = config::SinkType::nats;
    cfg.url = nats_->url();
    cfg.subject = "news.{lang}.{topic}";
    cfg.stream = "NEWS";
    cfg.timeout = std::chrono::seconds{2};
    cfg.retry_backoff = std::chrono::seconds{1};
    cfg.max_backoff = std::chrono::seconds{1};
    return cfg;
  }

  void start_sink() {
    auto sink = NatsSink::connect(sink_config());
    ASSERT_TRUE(sink) << sink.error().describe();
    auto drain = Drain::start(sink_config(), store_cfg_, std::move(*sink));
    ASSERT_TRUE(drain) << drain.error().describe();
    drain_ = std::move(*drain);
  }

  std::int64_t delivered() {
    auto s = writer_->outbox_status();
    return s ? s->sinks.at(0).delivered : -1;
  }

  // Reads until `count` messages arrived (or a minute passed).
  std::vector<JetStreamReader::Message> receive(std::size_t count) {
    if (!reader_) reader_ = std::make_unique<JetStreamReader>(nats_->url(), "NEWS", "news.>");
    std::vector<JetStreamReader::Message> got;
    eventually([&] {
      auto more = reader_->fetch_all(std::chrono::milliseconds{200});
      got.insert(got.end(), more.begin(), more.end());
      return got.size() >= count;
    });
    // Anything beyond `count` would be a duplicate: look once more.
    auto extra = reader_->fetch_all(std::chrono::milliseconds{500});
    got.insert(got.end(), extra.begin(), extra.end());
    return got;
  }

  static std::multiset<std::string> ids_of(const std::vector<JetStreamReader::Message>& msgs) {
    std::multiset<std::string> out;
    for (const auto& m : msgs) out.insert(m.msg_id);
    return out;
  }
  static std::multiset<std::string> as_strings(const std::vector<std::int64_t>& ids) {
    std::multiset<std::string> out;
    for (const auto id : ids) out.insert(std::to_string(id));
    return out;
  }

  std::unique_ptr<NatsServer> nats_;
  std::unique_ptr<Drain> drain_;
  std::unique_ptr<JetStreamReader> reader_;
};

TEST_P(NatsSinkTest, EveryStoredArticleIsReceivedOnceOnItsSubject) {
  start_sink();
  const auto ids = store_articles(1, 10);
  ASSERT_TRUE(eventually([&] { return delivered() == 10; }));
  const auto got = receive(10);
  EXPECT_EQ(ids_of(got), as_strings(ids));
  for (const auto& m : got) {
    EXPECT_EQ(m.subject, "news.en.defense");
    const auto body = nlohmann::json::parse(m.body);
    EXPECT_EQ(std::to_string(body["id"].get<std::int64_t>()), m.msg_id);
  }
}

TEST_P(NatsSinkTest, ReplayingFromAnOldCursorAddsNoDuplicate) {
  start_sink();
  const auto ids = store_articles(1, 6);
  ASSERT_TRUE(eventually([&] { return delivered() == 6; }));
  drain_.reset();
  // As if the cursor had not been saved after the acks (a crash between the
  // two): the sink publishes all six again, with the same Nats-Msg-Id.
  exec_sql("INSERT INTO outbox (seq, article_id, stored_at) SELECT id, id, fetched_at FROM articles");
  exec_sql("UPDATE sink_cursors SET cursor = 0");
  start_sink();
  ASSERT_TRUE(eventually([&] { return delivered() == 12; }));
  EXPECT_EQ(ids_of(receive(6)), as_strings(ids));
}

TEST_P(NatsSinkTest, SinkRestartAndServerRestartLoseNothingAndRepeatNothing) {
  start_sink();
  auto ids = store_articles(1, 5);
  ASSERT_TRUE(eventually([&] { return delivered() == 5; }));

  // The sink stops; articles stored meanwhile wait in the outbox.
  drain_.reset();
  auto more = store_articles(10, 4);
  ids.insert(ids.end(), more.begin(), more.end());
  start_sink();
  ASSERT_TRUE(eventually([&] { return delivered() == 9; }));

  // The server goes down: ingest goes on, the sink waits and reconnects.
  nats_->stop();
  more = store_articles(20, 30);
  ids.insert(ids.end(), more.begin(), more.end());
  EXPECT_EQ(writer_->counts()->articles, 39);
  ASSERT_TRUE(eventually([&] { return !writer_->outbox_status()->sinks.at(0).last_error.empty(); }));
  EXPECT_EQ(delivered(), 9);
  nats_->start();
  ASSERT_TRUE(eventually([&] { return delivered() == 39; }));
  EXPECT_EQ(ids_of(receive(39)), as_strings(ids));
}

NEWSD_ON_BOTH_BACKENDS(NatsSinkTest);

}  // namespace
}  // namespace newsd::sink::testing
