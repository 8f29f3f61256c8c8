#pragma once
// Shared by the source-type engine tests (sources_*_test.cpp): a news site on
// a real HTTP server on 127.0.0.1 serving the templates of
// tests/data/ingest/sources/ (dates relative to now, its own origin filled
// in), an article page for any /ar/news/ path, and counters of every path
// requested; plus an engine run over a config of [[feeds]] blocks.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>

#include "fetch/test_server.hpp"
#include "newsd/ingest/engine.hpp"
#include "newsd/parse/dates.hpp"
#include "support/daemon_test_util.hpp"
#include "support/files.hpp"
#include "support/gzip.hpp"
#include "support/ingest_once.hpp"

namespace newsd::ingest::sources_testing {

namespace fs = std::filesystem;
using newsd::testing::gzip;

inline std::string read_source_fixture(const std::string& name) {
  return newsd::testing::read_file(fs::path(NEWSD_TEST_DATA) / "ingest/sources" / name);
}

inline void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// A site whose documents are set per path; each request is counted.
class NewsSite {
 public:
  NewsSite() {
    srv.server.Get(R"(/.*)", [this](const httplib::Request& req, httplib::Response& res) { serve(req, res); });
    srv.start();
  }

  /// Serves the template `fixture` at `path`, filled in.
  void document(const std::string& path, const std::string& fixture, const std::string& type = "application/xml") {
    set(path, fill(read_source_fixture(fixture)), type);
  }
  /// Serves `body` as is at `path`; with an `etag`, a request carrying it
  /// in If-None-Match is answered 304.
  void set(const std::string& path, std::string body, const std::string& type, const std::string& etag = {}) {
    std::lock_guard lock(mutex_);
    documents_[path] = {std::move(body), type, etag};
  }
  /// `text` with the template markers of tests/data/ingest/sources/README.md replaced.
  [[nodiscard]] std::string fill(std::string text) const {
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    replace_all(text, "{{ORIGIN}}", srv.origin());
    replace_all(text, "{{FRESH}}", parse::format_iso8601(now - std::chrono::hours{1}));
    replace_all(text, "{{FRESH2}}", parse::format_iso8601(now - std::chrono::hours{3}));
    replace_all(text, "{{OLD}}", parse::format_iso8601(now - std::chrono::days{10}));
    return text;
  }
  [[nodiscard]] int hits(const std::string& path) {
    std::lock_guard lock(mutex_);
    auto it = hits_.find(path);
    return it == hits_.end() ? 0 : it->second;
  }
  /// 304 answers given.
  [[nodiscard]] int not_modified() {
    std::lock_guard lock(mutex_);
    return not_modified_;
  }
  /// Every path requested with its count, for failure messages.
  [[nodiscard]] std::string requested() {
    std::lock_guard lock(mutex_);
    std::string out;
    for (const auto& [path, count] : hits_) out += path + " ×" + std::to_string(count) + "\n";
    return out;
  }
  /// Requests of article pages (/ar/news/…), all paths together.
  [[nodiscard]] int page_hits() {
    std::lock_guard lock(mutex_);
    int n = 0;
    for (const auto& [path, count] : hits_) n += path.starts_with("/ar/news/") ? count : 0;
    return n;
  }
  [[nodiscard]] std::string url(const std::string& path) const { return srv.url(path); }

  fetch::testing::TestServer srv;

 private:
  void serve(const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mutex_);
    ++hits_[req.path];
    if (auto it = documents_.find(req.path); it != documents_.end()) {
      const Document& doc = it->second;
      if (!doc.etag.empty() && req.get_header_value("If-None-Match") == doc.etag) {
        ++not_modified_;
        res.status = 304;
        return;
      }
      if (!doc.etag.empty()) res.set_header("ETag", doc.etag);
      res.set_content(doc.body, doc.type);
    } else if (req.path.starts_with("/ar/news/")) {
      // Any article: its text names its path, so no two pages share a content hash.
      std::string page = fill(read_source_fixture("article.html"));
      replace_all(page, "{{PATH}}", req.path);
      replace_all(page, "{{TITLE}}", "خبر " + req.path.substr(9));
      res.set_content(page, "text/html; charset=utf-8");
    } else {
      res.status = 404;
    }
  }

  struct Document {
    std::string body, type, etag;
  };
  std::mutex mutex_;
  std::map<std::string, Document> documents_;
  std::map<std::string, int> hits_;
  int not_modified_ = 0;
};

class SourcesTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::TempDir("newsd-sources"); }

  /// A config with these `[[feeds]]` blocks (TOML text) and quick fetch settings.
  config::Config config_with(const std::string& feeds, const std::string& fetch_extra = {}) {
    const fs::path taxonomy = fs::path(NEWSD_SOURCE_DIR) / "config/taxonomy/default.toml";
    const std::string toml =
        "[log]\nlevel = \"warn\"\n[fetch]\nmin_host_interval = \"0s\"\nmax_retries = 0\n"
        "respect_robots_txt = false\n" +
        fetch_extra + "[classify]\ntaxonomy = \"" + taxonomy.string() + "\"\n[store]\npath = \"newsd.db\"\n" + feeds;
    auto cfg = config::parse_config(toml, dir_.path() / "newsd.toml");
    if (!cfg) throw std::runtime_error(cfg.error().message);
    return *cfg;
  }

  IngestReport once(const config::Config& cfg) { return newsd::testing::ingest_once(cfg); }

  std::vector<std::vector<std::string>> rows(const std::string& sql) {
    testing::Db db(dir_.path() / "newsd.db");
    return db.rows(sql);
  }
  std::string value(const std::string& sql) {
    const auto r = rows(sql);
    return r.empty() || r[0].empty() ? std::string("<no row>") : r[0][0];
  }

  testing::TempDir dir_;
};

inline std::string feed_block(const std::string& url, const std::string& extra = {}) {
  return "[[feeds]]\nurl = \"" + url + "\"\n" + extra;
}

}  // namespace newsd::ingest::sources_testing
