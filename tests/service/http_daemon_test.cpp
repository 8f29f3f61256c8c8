// The endpoint in the real binary: `newsd run` with [http] exposes ingest's
// counters on /metrics (checked by promtool, the Prometheus package's own
// parser) and answers /healthz and /readyz; `newsd serve` serves a database
// read-only; check-config refuses a public address without a token.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "http_process.hpp"

namespace newsd::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
const std::string kBinary = NEWSD_BINARY;

/// Value of the first sample line starting with `series` (e.g. `newsd_feeds{state="active"}`), or -1.
double sample(const std::string& metrics, const std::string& series) {
  std::size_t at = 0;
  while ((at = metrics.find(series + " ", at)) != std::string::npos) {
    if (at == 0 || metrics[at - 1] == '\n') return std::stod(metrics.substr(at + series.size() + 1));
    at += series.size();
  }
  return -1;
}

void expect_promtool_accepts(const std::string& metrics, const fs::path& dir) {
  const fs::path file = dir / "metrics.txt";
  std::ofstream(file) << metrics;
  const auto [status, output] = run_shell("promtool check metrics < " + file.string());
  EXPECT_EQ(status, 0) << output << "\n" << metrics;
}

TEST(HttpDaemon, RunExposesIngestMetricsThatPromtoolAccepts) {
  TempDir dir("newsd-http-run");
  std::ofstream(dir.path() / "newsd.toml") << sample_config(dir.path());
  Process daemon({kBinary, "run", "--config", (dir.path() / "newsd.toml").string()}, dir.path() / "run");
  const int port = listening_port(daemon, 30s);
  ASSERT_GT(port, 0) << daemon.stderr_text();
  httplib::Client client("127.0.0.1", port);
  std::string metrics;
  ASSERT_TRUE(eventually(
      [&] {
        auto res = client.Get("/metrics");
        if (res && res->status == 200) metrics = res->body;
        return sample(metrics, "newsd_articles_total{outcome=\"stored\"}") > 0 &&
               sample(metrics, "newsd_queue_depth{queue=\"pages_in_flight\"}") == 0;
      },
      60s))
      << metrics << daemon.stderr_text();
  EXPECT_EQ(sample(metrics, "newsd_feeds{state=\"active\"}"), 3);
  EXPECT_EQ(sample(metrics, "newsd_feed_polls_total{result=\"fetched\"}"), 3);
  EXPECT_GT(sample(metrics, "newsd_fetch_body_bytes_total"), 0);
  EXPECT_GT(sample(metrics, "newsd_db_size_bytes"), 0);
  EXPECT_EQ(sample(metrics, "newsd_feed_oldest_due_lateness_seconds"), 0);
  EXPECT_NE(metrics.find("newsd_build_info{version=\"0.1.0\",mode=\"run\""), std::string::npos);
  expect_promtool_accepts(metrics, dir.path());
  EXPECT_EQ(client.Get("/healthz")->status, 200);
  EXPECT_EQ(client.Get("/readyz")->status, 200);
  daemon.signal(SIGTERM);
  EXPECT_EQ(exit_code(daemon.wait(30s)), 0) << daemon.stderr_text();
}

TEST(HttpDaemon, ServeAnswersReadOnlyFromACopy) {
  TempDir dir("newsd-http-serve");
  std::ofstream(dir.path() / "newsd.toml") << sample_config(dir.path());
  Process once({kBinary, "once", "--config", (dir.path() / "newsd.toml").string()}, dir.path() / "once");
  ASSERT_EQ(exit_code(once.wait(120s)), 0) << once.stderr_text();
  Process serve({kBinary, "serve", "--config", (dir.path() / "newsd.toml").string()}, dir.path() / "serve");
  const int port = listening_port(serve, 30s);
  ASSERT_GT(port, 0) << serve.stderr_text();
  httplib::Client client("127.0.0.1", port);
  auto stats = client.Get("/api/stats");
  ASSERT_TRUE(stats);
  ASSERT_EQ(stats->status, 200);
  const auto articles = nlohmann::json::parse(stats->body)["articles"].get<int>();
  EXPECT_GT(articles, 0);
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(sample(metrics->body, "newsd_archive_articles"), articles);
  EXPECT_EQ(metrics->body.find("newsd_fetch_requests_total"), std::string::npos) << "serve does not ingest";
  expect_promtool_accepts(metrics->body, dir.path());
  // Read-only: a writer can still take the database while serve runs.
  Process again({kBinary, "once", "--config", (dir.path() / "newsd.toml").string()}, dir.path() / "again");
  EXPECT_EQ(exit_code(again.wait(120s)), 0) << again.stderr_text();
  serve.signal(SIGTERM);
  EXPECT_EQ(exit_code(serve.wait(30s)), 0) << serve.stderr_text();
}

TEST(HttpDaemon, SearchWithAnArabicCliticMatchesTheCli) {
  TempDir dir("newsd-http-cli");
  std::ofstream(dir.path() / "newsd.toml") << sample_config(dir.path());
  const std::string config = (dir.path() / "newsd.toml").string();
  Process once({kBinary, "once", "--config", config}, dir.path() / "once");
  ASSERT_EQ(exit_code(once.wait(120s)), 0) << once.stderr_text();
  // "بالمغرب" (in Morocco): the stored texts say المغرب / والمغرب / للمغرب.
  const std::string query = "بالمغرب";
  Process cli({kBinary, "search", query, "--json", "--limit", "100", "--config", config}, dir.path() / "cli");
  ASSERT_EQ(exit_code(cli.wait(30s)), 0) << cli.stderr_text();
  std::vector<std::int64_t> from_cli;
  std::istringstream lines(cli.stdout_text());
  for (std::string line; std::getline(lines, line);) from_cli.push_back(nlohmann::json::parse(line)["id"]);
  ASSERT_FALSE(from_cli.empty());

  Process serve({kBinary, "serve", "--config", config}, dir.path() / "serve");
  const int port = listening_port(serve, 30s);
  ASSERT_GT(port, 0) << serve.stderr_text();
  httplib::Client client("127.0.0.1", port);
  auto res = client.Get("/api/articles?limit=100&q=" + httplib::detail::encode_query_param(query));
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  std::vector<std::int64_t> from_api;
  const auto page_json = nlohmann::json::parse(res->body);
  for (const auto& a : page_json["articles"]) from_api.push_back(a["id"]);
  EXPECT_EQ(from_api, from_cli);
  auto page = client.Get("/?q=" + httplib::detail::encode_query_param(query));
  ASSERT_TRUE(page);
  for (const auto id : from_cli)
    EXPECT_NE(page->body.find("href=\"/articles/" + std::to_string(id) + "\""), std::string::npos) << id;
}

TEST(HttpDaemon, CheckConfigRefusesAPublicAddressWithoutAToken) {
  TempDir dir("newsd-http-check");
  const auto write_and_check = [&](const std::string& http) {
    std::ofstream(dir.path() / "newsd.toml") << sample_config(dir.path(), http);
    Process check({kBinary, "check-config", "--config", (dir.path() / "newsd.toml").string()}, dir.path() / "check");
    const int code = exit_code(check.wait(30s));
    return std::pair{code, check.stderr_text() + check.stdout_text()};
  };
  auto [code, out] = write_and_check("listen = \"0.0.0.0:8080\"\n");
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("needs 'http.token'"), std::string::npos) << out;
  std::tie(code, out) = write_and_check("listen = \"0.0.0.0:8080\"\ntoken = \"short\"\n");
  EXPECT_EQ(code, 2) << out;
  std::tie(code, out) = write_and_check("listen = \"0.0.0.0:8080\"\ntoken = \"a-long-enough-random-token\"\n");
  EXPECT_EQ(code, 0) << out;
  std::tie(code, out) = write_and_check("listen = \"[::1]:8080\"\n");
  EXPECT_EQ(code, 0) << out;
  std::tie(code, out) = write_and_check("listen = \"8080\"\n");
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("must be host:port"), std::string::npos) << out;
  std::tie(code, out) = write_and_check("listen = \"127.0.0.1:8080\"\nport = 1\n");
  EXPECT_EQ(code, 2) << out;
  EXPECT_NE(out.find("unknown key 'http.port'"), std::string::npos) << out;
}

}  // namespace
}  // namespace newsd::testing
