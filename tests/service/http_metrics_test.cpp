// /metrics, /healthz and /readyz of an in-process server: the archive's
// figures, a published ingest snapshot, the stage histograms (cumulative
// buckets, +Inf = count) and promtool's verdict on the whole text.
#include <fstream>

#include "http_fixture.hpp"
#include "http_process.hpp"
#include "newsd/ingest/stage_timings.hpp"

namespace newsd::service::testing {
namespace {

using namespace std::chrono_literals;

class HttpMetricsTest : public HttpTest {
 protected:
  std::string metrics() {
    auto res = get("/metrics");
    EXPECT_TRUE(res);
    if (!res) return {};
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    return res->body;
  }
  bool has_line(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos;
  }
  void expect_promtool_accepts(const std::string& text) {
    const auto file = dir_.path() / "metrics.txt";
    std::ofstream(file) << text;
    const auto [status, output] = newsd::testing::run_shell("promtool check metrics < " + file.string());
    EXPECT_EQ(status, 0) << output << "\n" << text;
  }
};

TEST_F(HttpMetricsTest, ServeModeHasTheArchiveFiguresAndPassesPromtool) {
  start();
  const std::string text = metrics();
  EXPECT_TRUE(has_line(text, "newsd_archive_articles 7")) << text;
  EXPECT_TRUE(has_line(text, "newsd_feeds{state=\"active\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "newsd_feeds{state=\"gone\"} 0")) << text;
  EXPECT_NE(text.find("newsd_build_info{version=\"0.1.0\",mode=\"serve\""), std::string::npos);
  EXPECT_EQ(text.find("newsd_stage_duration_seconds"), std::string::npos) << "no ingest, no stage timings";
  expect_promtool_accepts(text);
  // Serve has no ingest to watch: alive is healthy.
  EXPECT_EQ(get("/healthz")->status, 200);
  EXPECT_EQ(get("/readyz")->status, 200);
}

TEST_F(HttpMetricsTest, OutboxLagPerSinkIsExposed) {
  auto outbox = store::Outbox::open(db_);
  ASSERT_TRUE(outbox) << outbox.error().describe();
  ASSERT_TRUE(outbox->register_sinks(std::vector<std::string>{"desk", "partner"}));
  store::ArticleRecord r;
  r.feed_id = feed_ids_.at(0);
  r.url = "https://example.org/outbox-metrics";
  r.title = "Waiting for the sinks";
  r.text = "An article stored after the sinks were configured, waiting in the outbox for both of them.";
  r.fetched_at = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  ASSERT_TRUE(writer_->write_articles(std::vector<store::ArticleRecord>{r}));
  ASSERT_TRUE(outbox->advance("desk", 1, 1, 0, r.fetched_at));
  start();
  const std::string text = metrics();
  EXPECT_TRUE(has_line(text, "newsd_outbox_rows 1")) << text;
  EXPECT_TRUE(has_line(text, "newsd_outbox_dropped_total 0")) << text;
  EXPECT_TRUE(has_line(text, "newsd_sink_lag{sink=\"desk\"} 0")) << text;
  EXPECT_TRUE(has_line(text, "newsd_sink_lag{sink=\"partner\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "newsd_sink_delivered_total{sink=\"desk\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "newsd_sink_dead_letters{sink=\"partner\"} 0")) << text;
  expect_promtool_accepts(text);
}

TEST_F(HttpMetricsTest, IngestSnapshotAndStageHistogramsAreExposed) {
  start({}, /*with_board=*/true);
  EXPECT_EQ(get("/healthz")->status, 503) << "nothing published yet";
  IngestSnapshot s;
  s.status.feeds_due = 4;
  s.status.writer_queued = 9;
  s.progress.articles_inserted = 12;
  s.progress.articles_duplicate = 3;
  s.progress.pages_failed = 2;
  s.fetch.succeeded = 10;
  s.fetch.not_modified = 4;
  s.fetch.failed = 1;
  s.fetch.body_bytes = 123456;
  s.taken = std::chrono::steady_clock::now();
  board_.publish(s);
  const auto before = ingest::stage_timings().snapshot(ingest::Stage::classify);
  ingest::stage_timings().record(ingest::Stage::classify, 3ms);  // le 0.005
  ingest::stage_timings().record(ingest::Stage::classify, 20s);  // above the last bucket
  const std::string text = metrics();
  EXPECT_TRUE(has_line(text, "newsd_fetch_requests_total{result=\"ok\"} 6")) << text;
  EXPECT_TRUE(has_line(text, "newsd_fetch_requests_total{result=\"not_modified\"} 4"));
  EXPECT_TRUE(has_line(text, "newsd_fetch_body_bytes_total 123456"));
  EXPECT_TRUE(has_line(text, "newsd_articles_total{outcome=\"stored\"} 12"));
  EXPECT_TRUE(has_line(text, "newsd_articles_total{outcome=\"duplicate\"} 3"));
  EXPECT_TRUE(has_line(text, "newsd_pages_total{result=\"failed\"} 2"));
  EXPECT_TRUE(has_line(text, "newsd_queue_depth{queue=\"feeds_due\"} 4"));
  EXPECT_TRUE(has_line(text, "newsd_queue_depth{queue=\"writer\"} 9"));
  EXPECT_TRUE(has_line(text, "newsd_stalled 0"));
  const auto count = before.count + 2;
  const auto at_5ms = before.buckets[0] + before.buckets[1] + 1;
  EXPECT_TRUE(
      has_line(text, "newsd_stage_duration_seconds_bucket{stage=\"classify\",le=\"0.005\"} " + std::to_string(at_5ms)))
      << text;
  EXPECT_TRUE(
      has_line(text, "newsd_stage_duration_seconds_bucket{stage=\"classify\",le=\"10\"} " + std::to_string(count - 1)));
  EXPECT_TRUE(
      has_line(text, "newsd_stage_duration_seconds_bucket{stage=\"classify\",le=\"+Inf\"} " + std::to_string(count)));
  EXPECT_TRUE(has_line(text, "newsd_stage_duration_seconds_count{stage=\"classify\"} " + std::to_string(count)));
  expect_promtool_accepts(text);
  EXPECT_EQ(get("/healthz")->status, 200);

  s.stalled_stage = "writer";
  board_.publish(s);
  auto stalled = get("/healthz");
  EXPECT_EQ(stalled->status, 503);
  EXPECT_EQ(stalled->body, "stalled: writer\n");
  s.stalled_stage.reset();
  s.taken = std::chrono::steady_clock::now() - 31s;
  board_.publish(s);
  EXPECT_EQ(get("/healthz")->status, 503) << "a coordinator that stopped ticking is not healthy";
}

TEST_F(HttpMetricsTest, ReadyzFailsWithoutADatabase) {
  writer_.reset();
  std::filesystem::remove(db_);
  start();
  auto res = get("/readyz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_NE(res->body.find("store: "), std::string::npos) << res->body;
  EXPECT_EQ(get("/api/stats")->status, 503) << "the database is missing";
}

}  // namespace
}  // namespace newsd::service::testing
