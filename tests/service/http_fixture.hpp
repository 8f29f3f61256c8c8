#pragma once
// Shared by the HTTP tests: a real archive (SQLite file, written through the
// Store from tests/data/service/http/archive.json) served by a real
// HttpServer on 127.0.0.1 (any free port), and a cpp-httplib client.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "newsd/service/http_server.hpp"
#include "newsd/store/store.hpp"
#include "support/daemon_test_util.hpp"

namespace newsd::service::testing {

inline std::filesystem::path http_data(const std::string& name) {
  return std::filesystem::path(NEWSD_TEST_DATA) / "service" / "http" / name;
}

inline nlohmann::json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

inline classify::TagKind kind_of(const std::string& kind) {
  if (kind == "country") return classify::TagKind::country;
  if (kind == "org") return classify::TagKind::org;
  return classify::TagKind::topic;
}

class HttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.path() / "newsd.db";
    auto opened = store::Store::open(db_, config::StoreConfig{});
    ASSERT_TRUE(opened) << opened.error().describe();
    writer_.emplace(std::move(*opened));
    const auto archive = read_json(http_data("archive.json"));
    for (const auto& f : archive["feeds"]) {
      auto feed = writer_->ensure_feed(f["url"].get<std::string>(), f["name"].get<std::string>());
      ASSERT_TRUE(feed);
      feed_ids_.push_back(feed->id);
      feed_urls_.push_back(feed->url);
    }
    std::vector<store::ArticleRecord> batch;
    for (const auto& a : archive["articles"]) batch.push_back(record(a));
    auto written = writer_->write_articles(batch);
    ASSERT_TRUE(written) << written.error().describe();
  }

  /// An archive.json-shaped article as a record dated `days_ago` days before now.
  store::ArticleRecord record(const nlohmann::json& a) {
    store::ArticleRecord r;
    r.feed_id = feed_ids_.at(a["feed"].get<std::size_t>());
    r.url = a["url"];
    r.title = a["title"];
    r.text = a["text"];
    r.lang = a["lang"];
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    r.published_at = now - std::chrono::days{a["days_ago"].get<int>()};
    r.fetched_at = now;
    for (const auto& t : a["tags"])
      r.tags.push_back({t[0], kind_of(t[1]), t[2].get<double>(), classify::TagSource::rule});
    return r;
  }

  /// Starts the server (after SetUp wrote the archive); `token` non-empty =
  /// required; with `with_board`, it reads ingest snapshots from board_.
  void start(const std::string& token = {}, bool with_board = false) {
    HttpOptions options;
    options.http.listen = "127.0.0.1:0";
    options.http.token = token;
    options.db = db_;
    options.ingest = with_board ? &board_ : nullptr;
    options.stream_poll = std::chrono::milliseconds{100};
    auto server = HttpServer::start(options);
    ASSERT_TRUE(server) << server.error().describe();
    server_ = std::move(*server);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(20, 0);
  }

  httplib::Result get(const std::string& path, const httplib::Headers& headers = {}) {
    return client_->Get(path, headers);
  }

  /// GET that must answer JSON; the parsed body (null when it is not JSON).
  nlohmann::json get_json(const std::string& path, int expected_status = 200) {
    auto res = get(path);
    if (!res) {
      ADD_FAILURE() << path << ": no answer";
      return nullptr;
    }
    EXPECT_EQ(res->status, expected_status) << path << ": " << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json") << path;
    return nlohmann::json::parse(res->body, nullptr, false);
  }

  newsd::testing::TempDir dir_{"newsd-http"};
  std::filesystem::path db_;
  std::optional<store::Store> writer_;
  std::vector<std::int64_t> feed_ids_;
  std::vector<std::string> feed_urls_;
  // Declared before the server: its threads read the board until it is destroyed.
  IngestBoard board_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace newsd::service::testing
