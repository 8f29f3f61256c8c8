// Drain loops on both backends against real receivers: a JSON Lines file, and a cpp-httplib
// webhook receiver on 127.0.0.1 that fails half of its requests.
#include "newsd/sink/drain.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fstream>
#include <map>
#include <mutex>
#include <set>

#include "fetch/test_server.hpp"
#include "newsd/sink/article_json.hpp"
#include "newsd/sink/jsonl_sink.hpp"
#include "newsd/sink/webhook_sink.hpp"
#include "sink/nats_server.hpp"
#include "sink/sink_fixture.hpp"

namespace newsd::sink::testing {
namespace {

using nlohmann::json;

std::vector<json> read_lines(const std::filesystem::path& file) {
  std::vector<json> out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

config::SinkConfig jsonl_config(const std::filesystem::path& path) {
  config::SinkConfig cfg;
  cfg.name = "lines";
  cfg.type = config::SinkType::jsonl;
  cfg.path = path;
  cfg.retry_backoff = std::chrono::seconds{0};
  return cfg;
}

using DrainTest = ArchiveTest;

std::unique_ptr<Drain> start_drain(const config::SinkConfig& cfg, const config::StoreConfig& store) {
  auto sink = make_sink(cfg);
  EXPECT_TRUE(sink) << sink.error().describe();
  auto drain = Drain::start(cfg, store, std::move(*sink));
  EXPECT_TRUE(drain) << drain.error().describe();
  return std::move(*drain);
}

TEST_P(DrainTest, JsonLinesGetEveryArticleOnceInStoreOrder) {
  const auto file = dir_.path() / "articles.jsonl";
  register_sinks({"lines"});
  const auto first = store_articles(1, 5);
  auto drain = start_drain(jsonl_config(file), store_cfg_);
  const auto second = store_articles(10, 3);
  ASSERT_TRUE(eventually([&] { return read_lines(file).size() >= 8; }));
  drain.reset();
  const auto lines = read_lines(file);
  std::vector<std::int64_t> got;
  for (const auto& line : lines) got.push_back(line["id"].get<std::int64_t>());
  std::vector<std::int64_t> want = first;
  want.insert(want.end(), second.begin(), second.end());
  EXPECT_EQ(got, want);
  // The same JSON as the API's /api/articles/{id}.
  auto reader = store::Store::open_readonly(store_cfg_);
  ASSERT_TRUE(reader);
  auto view = reader->article(first[0]);
  ASSERT_TRUE(view && *view);
  EXPECT_EQ(lines[0], article_json(**view));
  EXPECT_EQ(lines[0]["tags"][0]["name"], "defense");

  auto status = writer_->outbox_status();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->sinks.at(0).delivered, 8);
  EXPECT_EQ(status->sinks.at(0).lag, 0);
  EXPECT_EQ(status->rows, 0);  // trimmed once delivered
}

TEST_P(DrainTest, ARestartedSinkContinuesFromItsCursor) {
  const auto file = dir_.path() / "articles.jsonl";
  register_sinks({"lines"});
  store_articles(1, 4);
  auto drain = start_drain(jsonl_config(file), store_cfg_);
  ASSERT_TRUE(eventually([&] { return read_lines(file).size() == 4; }));
  drain.reset();
  store_articles(10, 3);  // stored while the sink is stopped
  drain = start_drain(jsonl_config(file), store_cfg_);
  ASSERT_TRUE(eventually([&] { return read_lines(file).size() >= 7; }));
  drain.reset();
  std::set<std::int64_t> ids;
  for (const auto& line : read_lines(file)) ids.insert(line["id"].get<std::int64_t>());
  EXPECT_EQ(ids.size(), 7u);
  EXPECT_EQ(read_lines(file).size(), 7u);
}

TEST_P(DrainTest, ArticlesPrunedBeforeDeliveryAreSkipped) {
  const auto file = dir_.path() / "articles.jsonl";
  register_sinks({"lines"});
  const auto now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  std::vector<store::ArticleRecord> batch{article(1), article(2), article(3)};
  batch[0].fetched_at = batch[1].fetched_at = now - std::chrono::days{3};
  ASSERT_TRUE(writer_->write_articles(batch));
  // Retention removes the two old ones before the sink ever ran.
  auto pruned = writer_->prune(now - std::chrono::days{1});
  ASSERT_TRUE(pruned);
  EXPECT_EQ(*pruned, 2);
  auto drain = start_drain(jsonl_config(file), store_cfg_);
  ASSERT_TRUE(eventually([&] { return writer_->outbox_status()->sinks.at(0).cursor == 3; }));
  drain.reset();
  const auto lines = read_lines(file);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["title"], "Story 3");
  EXPECT_EQ(writer_->outbox_status()->sinks.at(0).delivered, 1);
}

std::string hmac_hex(const std::string& key, const std::string& body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(body.data()),
       body.size(), mac, &len);
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) hex += fmt::format("{:02x}", mac[i]);
  return hex;
}

// A webhook receiver that answers 500 to every other request, checks each
// signature, and records what it accepted per idempotency key.
struct Receiver {
  explicit Receiver(std::string secret) : secret(std::move(secret)) {
    server.server.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex);
      ++requests;
      if (fail_all || requests % 2 == 1) {
        res.status = 500;
        return;
      }
      const std::string signature = req.get_header_value("X-Newsd-Signature");
      if (signature != "sha256=" + hmac_hex(this->secret, req.body)) ++bad_signatures;
      const std::string key = req.get_header_value("Idempotency-Key");
      const auto body = json::parse(req.body);
      if (key != std::to_string(body["id"].get<std::int64_t>())) ++bad_keys;
      ++accepted[body["id"].get<std::int64_t>()];
      res.status = 204;
    });
    server.start();
  }
  std::size_t distinct() {
    std::lock_guard lock(mutex);
    return accepted.size();
  }

  std::string secret;
  fetch::testing::TestServer server;
  std::mutex mutex;
  int requests = 0;
  bool fail_all = false;
  int bad_signatures = 0;
  int bad_keys = 0;
  std::map<std::int64_t, int> accepted;
};

config::SinkConfig webhook_config(const std::string& url, const std::string& secret) {
  config::SinkConfig cfg;
  cfg.name = "hook";
  cfg.type = config::SinkType::webhook;
  cfg.url = url;
  cfg.secret = secret;
  cfg.timeout = std::chrono::seconds{5};
  cfg.max_attempts = 3;
  cfg.retry_backoff = std::chrono::seconds{0};
  return cfg;
}

TEST_P(DrainTest, AWebhookFailingHalfTheRequestsStillGetsEveryArticleSigned) {
  const std::string secret = "a webhook secret of some length";
  Receiver receiver(secret);
  register_sinks({"hook"});
  const auto ids = store_articles(1, 12);
  auto drain = start_drain(webhook_config(receiver.server.url("/hook"), secret), store_cfg_);
  ASSERT_TRUE(eventually([&] { return receiver.distinct() == ids.size(); }));
  drain.reset();
  std::lock_guard lock(receiver.mutex);
  EXPECT_GE(receiver.requests, 24);  // every article failed once first
  EXPECT_EQ(receiver.bad_signatures, 0);
  EXPECT_EQ(receiver.bad_keys, 0);
  for (const auto id : ids) EXPECT_EQ(receiver.accepted[id], 1) << id;
  auto status = writer_->outbox_status();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->sinks.at(0).delivered, 12);
  EXPECT_EQ(status->sinks.at(0).dead_letters, 0);
  EXPECT_NE(status->sinks.at(0).last_error.find("500"), std::string::npos);
}

TEST_P(DrainTest, AfterItsAttemptsAnArticleIsADeadLetterUntilRetried) {
  const std::string secret = "a webhook secret of some length";
  Receiver receiver(secret);
  receiver.fail_all = true;
  register_sinks({"hook"});
  const auto ids = store_articles(1, 2);
  auto drain = start_drain(webhook_config(receiver.server.url("/hook"), secret), store_cfg_);
  // Both become dead letters and the sink moves past them.
  ASSERT_TRUE(eventually([&] {
    auto s = writer_->outbox_status();
    return s && s->sinks.at(0).dead_letters == 2 && s->sinks.at(0).lag == 0;
  }));
  {
    std::lock_guard lock(receiver.mutex);
    EXPECT_EQ(receiver.requests, 6);  // max_attempts = 3 each
    receiver.fail_all = false;
    receiver.requests = 1;  // the next request is even: accepted
  }
  auto box = outbox();
  auto letters = box.dead_letters("hook");
  ASSERT_TRUE(letters);
  ASSERT_EQ(letters->size(), 2u);
  EXPECT_EQ(letters->front().attempts, 3);
  EXPECT_NE(letters->front().error.find("500"), std::string::npos);
  ASSERT_TRUE(box.request_retry("hook"));
  ASSERT_TRUE(eventually([&] { return receiver.distinct() == 2; }));
  ASSERT_TRUE(eventually([&] { return writer_->outbox_status()->sinks.at(0).dead_letters == 0; }));
  drain.reset();
  std::lock_guard lock(receiver.mutex);
  for (const auto id : ids) EXPECT_EQ(receiver.accepted[id], 1);
}

TEST_P(DrainTest, IngestGoesOnWhileAWebhookIsDown) {
  // Nothing listens on this port: every attempt fails to connect.
  const int port = free_port();
  register_sinks({"hook"});
  auto cfg = webhook_config("http://127.0.0.1:" + std::to_string(port) + "/hook", "a webhook secret of some length");
  cfg.max_attempts = 1000;
  cfg.retry_backoff = std::chrono::seconds{1};
  auto drain = start_drain(cfg, store_cfg_);
  for (int batch = 0; batch < 10; ++batch) store_articles(1 + batch * 20, 20);
  EXPECT_EQ(writer_->counts()->articles, 200);
  ASSERT_TRUE(eventually([&] { return !writer_->outbox_status()->sinks.at(0).last_error.empty(); }));
  auto status = writer_->outbox_status();
  ASSERT_TRUE(status);
  EXPECT_EQ(status->rows, 200);
  EXPECT_EQ(status->sinks.at(0).lag, 200);
  EXPECT_EQ(status->sinks.at(0).delivered, 0);
  EXPECT_NE(status->sinks.at(0).last_error.find("connect"), std::string::npos) << status->sinks.at(0).last_error;
}

TEST_P(DrainTest, AWatchMatchReachesTheSinkJson) {
  const auto file = dir_.path() / "articles.jsonl";
  register_sinks({"lines"});
  auto matched = article(1);
  matched.watches = {"maghreb-drones"};
  matched.tags.push_back({"drones-maghreb", classify::TagKind::watch, 1.0, classify::TagSource::watch});
  ASSERT_TRUE(writer_->write_articles(std::vector<store::ArticleRecord>{matched, article(2)}));
  auto drain = start_drain(jsonl_config(file), store_cfg_);
  ASSERT_TRUE(eventually([&] { return read_lines(file).size() >= 2; }));
  drain.reset();
  const auto lines = read_lines(file);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["watches"], json::array({"maghreb-drones"}));
  EXPECT_EQ(lines[1]["watches"], json::array());
  bool tagged = false;
  for (const auto& t : lines[0]["tags"]) tagged |= t["name"] == "drones-maghreb" && t["kind"] == "watch";
  EXPECT_TRUE(tagged) << lines[0]["tags"].dump();
}

// Two daemons sharing one PostgreSQL, each with the same sink: one drains
// it, the other waits, and takes over from the cursor when the first stops.
using PgDrainTest = ArchiveTest;

std::set<std::int64_t> ids_in(const std::vector<json>& lines) {
  std::set<std::int64_t> out;
  for (const auto& line : lines) out.insert(line["id"].get<std::int64_t>());
  return out;
}

TEST_P(PgDrainTest, TwoDrainsOfOneSinkDeliverEachArticleOnce) {
  const auto file_a = dir_.path() / "a.jsonl";
  const auto file_b = dir_.path() / "b.jsonl";
  register_sinks({"lines"});
  auto a = start_drain(jsonl_config(file_a), store_cfg_);
  const auto first = store_articles(1, 5);
  ASSERT_TRUE(eventually([&] { return read_lines(file_a).size() >= 5; }));
  auto b = start_drain(jsonl_config(file_b), store_cfg_);
  const auto second = store_articles(10, 5);
  ASSERT_TRUE(eventually([&] { return read_lines(file_a).size() >= 10; }));
  EXPECT_TRUE(read_lines(file_b).empty());  // b never held the claim while a did

  a.reset();
  const auto third = store_articles(20, 5);
  ASSERT_TRUE(eventually([&] { return read_lines(file_b).size() >= 5; }));
  b.reset();
  const auto lines_a = read_lines(file_a);
  const auto lines_b = read_lines(file_b);
  EXPECT_EQ(lines_a.size(), 10u);
  EXPECT_EQ(lines_b.size(), 5u);
  std::set<std::int64_t> want(first.begin(), first.end());
  want.insert(second.begin(), second.end());
  EXPECT_EQ(ids_in(lines_a), want);
  EXPECT_EQ(ids_in(lines_b), std::set<std::int64_t>(third.begin(), third.end()));
}

INSTANTIATE_TEST_SUITE_P(Postgresql, PgDrainTest, ::testing::Values(Backend::postgresql), store::testing::backend_name);

NEWSD_ON_BOTH_BACKENDS(DrainTest);

}  // namespace
}  // namespace newsd::sink::testing
