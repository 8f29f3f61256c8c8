#pragma once
// Shared fixtures for the store tests: StoreTest, a fresh SQLite database
// file in its own temp directory, removed afterwards, plus a builder for
// article records; BackendTest, the same run once per backend (SQLite, and
// a fresh database on the test PostgreSQL server, support/pg_server.hpp).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "newsd/store/store.hpp"
#include "support/daemon_test_util.hpp"
#include "support/files.hpp"
#include "support/pg_server.hpp"

namespace newsd::store::testing {

inline TimePoint day(int y, unsigned m, unsigned d, int hour = 12) {
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}} +
         std::chrono::hours{hour};
}

inline std::filesystem::path fixture_path(const std::string& name) {
  return std::filesystem::path(NEWSD_TEST_DATA) / "store" / name;
}

inline std::string read_fixture(const std::string& name) { return newsd::testing::read_file(fixture_path(name)); }

inline classify::Tag tag(std::string name, classify::TagKind kind = classify::TagKind::topic, double score = 1.0,
                         classify::TagSource source = classify::TagSource::rule) {
  return classify::Tag{std::move(name), kind, score, source};
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("newsd-store-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "-" + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_path_ = dir_ / "newsd.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  /// The store under test: a writer, as the daemon opens it.
  virtual config::StoreConfig store_config() const {
    config::StoreConfig cfg;
    cfg.path = db_path_;
    return cfg;
  }

  Store open_store() {
    auto store = Store::open(store_config());
    if (!store) ADD_FAILURE() << store.error().describe();
    return std::move(*store);
  }

  std::int64_t add_feed(Store& store, const std::string& url, const std::string& name = {}) {
    auto feed = store.ensure_feed(url, name);
    EXPECT_TRUE(feed.has_value());
    return feed ? feed->id : 0;
  }

  ArticleRecord article(std::int64_t feed_id, std::string url, std::string title, std::string text,
                        std::string lang = "ar") {
    ArticleRecord r;
    r.feed_id = feed_id;
    r.url = std::move(url);
    r.title = std::move(title);
    r.text = std::move(text);
    r.lang = std::move(lang);
    r.fetched_at = day(2026, 11, 20);
    r.published_at = day(2026, 11, 20, 8);
    return r;
  }

  std::vector<UpsertOutcome> write(Store& store, std::vector<ArticleRecord> batch) {
    auto outcomes = store.write_articles(batch);
    if (!outcomes) {
      ADD_FAILURE() << outcomes.error().describe();
      return {};
    }
    return *outcomes;
  }

  std::vector<std::int64_t> query_ids(Store& store, SearchQuery q) {
    auto hits = store.search(q);
    if (!hits) {
      ADD_FAILURE() << q.text << ": " << hits.error().describe();
      return {};
    }
    std::vector<std::int64_t> out;
    for (const auto& h : *hits) out.push_back(h.id);
    return out;
  }

  std::vector<std::int64_t> ids(Store& store, std::string text) {
    SearchQuery q;
    q.text = std::move(text);
    return query_ids(store, q);
  }

  std::filesystem::path dir_;
  std::filesystem::path db_path_;
};

enum class Backend { sqlite, postgresql };

/// StoreTest on the backend of the test's parameter. On PostgreSQL each
/// test gets a database of its own, dropped afterwards.
class BackendTest : public StoreTest, public ::testing::WithParamInterface<Backend> {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (GetParam() != Backend::postgresql) return;
    server_ = newsd::testing::PgServer::get();
    ASSERT_NE(server_, nullptr);
    database_ = "newsd_test_" + std::to_string(::getpid());
    url_ = server_->create_database(database_);
  }
  void TearDown() override {
    if (server_ != nullptr) server_->drop_database(database_);
    StoreTest::TearDown();
  }

  config::StoreConfig store_config() const override {
    config::StoreConfig cfg = StoreTest::store_config();
    if (GetParam() == Backend::postgresql) {
      cfg.backend = config::StoreBackend::postgresql;
      cfg.url = url_;
    }
    return cfg;
  }

  /// All rows of `sql` on the backend under test, read on a connection of
  /// its own, every column as text (NULL as ""). Write SQL both dialects
  /// read alike (CAST a real column to compare it as text).
  std::vector<std::vector<std::string>> sql_rows(const std::string& sql) const {
    if (GetParam() == Backend::sqlite) return newsd::testing::Db(db_path_).rows(sql);
    pqxx::connection conn(url_);
    pqxx::work tx(conn);
    std::vector<std::vector<std::string>> out;
    for (const auto& r : tx.exec(sql)) {
      std::vector<std::string> row;
      for (const auto& f : r) row.push_back(f.is_null() ? std::string() : f.as<std::string>());
      out.push_back(std::move(row));
    }
    return out;
  }

  newsd::testing::PgServer* server_ = nullptr;
  std::string database_;
  std::string url_;
};

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::sqlite ? "sqlite" : "postgresql";
}

/// Runs every TEST_P of `suite` on both backends.
#define NEWSD_ON_BOTH_BACKENDS(suite)                                                                            \
  INSTANTIATE_TEST_SUITE_P(                                                                                      \
      Backends, suite,                                                                                           \
      ::testing::Values(::newsd::store::testing::Backend::sqlite, ::newsd::store::testing::Backend::postgresql), \
      ::newsd::store::testing::backend_name)

}  // namespace newsd::store::testing
