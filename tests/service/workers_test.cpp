// Several `newsd run` workers sharing one PostgreSQL store: the real newsd
// binary three times, a real PostgreSQL 15 (support/pg_server.hpp) and one
// loopback news site that counts and timestamps every request it serves.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <pqxx/pqxx>
#include <sstream>

#include "fetch/test_server.hpp"
#include "process.hpp"
#include "support/files.hpp"
#include "support/pg_server.hpp"

namespace newsd::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const std::string kBinary = NEWSD_BINARY;
const fs::path kData = fs::path(NEWSD_TEST_DATA) / "service/workers";

using newsd::testing::read_file;

// A word of letters only for the number `n` ("qba", "qbb", …): article
// texts must differ in words, which digits alone might not make them.
std::string letters(int n) {
  std::string word;
  do {
    word.insert(word.begin(), static_cast<char>('a' + n % 26));
    n /= 26;
  } while (n > 0);
  return "q" + word;
}

std::string fill(std::string text, const std::string& key, const std::string& value) {
  for (auto at = text.find(key); at != std::string::npos; at = text.find(key, at + value.size())) {
    text.replace(at, key.size(), value);
  }
  return text;
}

// A news site on 127.0.0.1: /feed/N.rss (two entries each, from
// feed.rss) and /article/N-K.html (from article.html). Every request is
// recorded with its arrival time, so a test can count fetches per feed
// and measure the spacing between requests.
class NewsSite {
 public:
  explicit NewsSite(std::chrono::milliseconds feed_delay = 0ms) {
    const std::string feed = read_file(kData / "feed.rss");
    const std::string article = read_file(kData / "article.html");
    server_.server.new_task_queue = [] { return new httplib::ThreadPool(64); };
    server_.server.Get(R"(/feed/(\d+)\.rss)", [this, feed, feed_delay](const httplib::Request& req,
                                                                       httplib::Response& res) {
      record(req.path);
      fetch::testing::interruptible_sleep(server_.stopping, feed_delay);
      res.set_content(fill(fill(feed, "{feed}", req.matches[1]), "{origin}", server_.origin()), "application/rss+xml");
    });
    server_.server.Get(
        R"(/article/(\d+-\d)\.html)", [this, article](const httplib::Request& req, httplib::Response& res) {
          record(req.path);
          const std::string id = req.matches[1];  // "N-K"
          const int code = std::stoi(id) * 10 + (id.back() - '0');
          res.set_content(fill(fill(article, "{article}", id), "{code}", letters(code)), "text/html; charset=utf-8");
        });
    server_.start();
  }

  [[nodiscard]] std::string feed_url(int n) const { return server_.url("/feed/" + std::to_string(n) + ".rss"); }

  /// Arrival times of each path requested so far.
  [[nodiscard]] std::map<std::string, std::vector<Clock::time_point>> hits() const {
    std::lock_guard lock(mutex_);
    return hits_;
  }

 private:
  void record(const std::string& path) {
    std::lock_guard lock(mutex_);
    hits_[path].push_back(Clock::now());
  }

  mutable std::mutex mutex_;
  std::map<std::string, std::vector<Clock::time_point>> hits_;
  fetch::testing::TestServer server_;
};

struct WorkerSettings {
  int feeds = 0;
  std::string fetch;       // extra [fetch] lines
  std::string feed_extra;  // extra lines in every [[feeds]]
  std::string lease_ttl = "3s";
};

class WorkersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pg_ = PgServer::get();
    ASSERT_NE(pg_, nullptr);
    db_ = "workers_" + std::to_string(::getpid());
    url_ = pg_->create_database(db_);
  }
  void TearDown() override {
    workers_.clear();  // SIGKILLs what is still running
    if (pg_ != nullptr) pg_->drop_database(db_);
  }

  fs::path write_config(const NewsSite& site, const WorkerSettings& w) {
    const fs::path path = dir_.path() / "newsd.toml";
    std::ofstream out(path);
    out << "[log]\nlevel = \"info\"\n"
        << "[fetch]\nmax_retries = 0\n"
        << w.fetch << "\n"
        << "[classify]\ntaxonomy = \"" << (fs::path(NEWSD_SOURCE_DIR) / "config/taxonomy/default.toml").string()
        << "\"\n"
        << "[store]\nbackend = \"postgresql\"\nurl = \"" << url_ << "\"\nbatch_size = 8\n"
        << "[daemon]\nshutdown_grace = \"0s\"\n"
        << "[workers]\nlease_ttl = \"" << w.lease_ttl << "\"\n";
    for (int n = 0; n < w.feeds; ++n) {
      out << "[[feeds]]\nurl = \"" << site.feed_url(n) << "\"\n" << w.feed_extra << "\n";
    }
    return path;
  }

  void start_workers(const fs::path& config, int n) {
    for (int i = 0; i < n; ++i) {
      workers_.push_back(
          std::make_unique<Process>(std::vector<std::string>{kBinary, "run", "--config", config.string()},
                                    dir_.path() / ("worker" + std::to_string(i))));
      ASSERT_TRUE(workers_.back()->started());
    }
  }

  void stop_workers() {
    for (auto& w : workers_) {
      if (w->running()) w->signal(SIGTERM);
    }
    for (auto& w : workers_) {
      if (w->running()) {
        EXPECT_EQ(exit_code(w->wait(60s)), 0) << w->stderr_text();
      }
    }
  }

  /// The one integer `sql` yields; -1 while the schema is not there yet.
  std::int64_t pg_count(const std::string& sql) const {
    try {
      pqxx::connection c(url_);
      pqxx::work tx(c);
      return tx.exec1(sql)[0].as<std::int64_t>();
    } catch (const std::exception&) {
      return -1;
    }
  }

  /// Every feed's outcome written and every article stored.
  [[nodiscard]] bool all_polled_and_stored(int feeds, int articles) const {
    return pg_count("SELECT count(*) FROM feeds WHERE last_fetched_at IS NOT NULL") == feeds &&
           pg_count("SELECT count(*) FROM articles") == articles;
  }

  std::vector<std::int64_t> pg_ids(const std::string& sql) const {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    std::vector<std::int64_t> ids;
    for (const auto& r : tx.exec(sql)) ids.push_back(r[0].as<std::int64_t>());
    return ids;
  }

  [[nodiscard]] std::string logs() const {
    std::string all;
    for (std::size_t i = 0; i < workers_.size(); ++i) {
      const std::string err = workers_[i]->stderr_text();
      all += "--- worker " + std::to_string(i) + " (last 3000 bytes)\n" +
             err.substr(err.size() > 3000 ? err.size() - 3000 : 0);
    }
    return all;
  }

  /// Feeds each worker says it polled (its `feed.polled` log lines).
  [[nodiscard]] std::vector<int> polls_per_worker() const {
    std::vector<int> out;
    for (const auto& w : workers_) {
      const std::string err = w->stderr_text();
      int n = 0;
      for (auto at = err.find("event=feed.polled"); at != std::string::npos; at = err.find("event=feed.polled", at + 1))
        ++n;
      out.push_back(n);
    }
    return out;
  }

  PgServer* pg_ = nullptr;
  std::string db_;
  std::string url_;
  TempDir dir_{"newsd-workers"};
  std::vector<std::unique_ptr<Process>> workers_;
};

// 300 feeds with a fixed 60 s interval, three workers: every feed is
// fetched once in each interval (twice in a little over one), never twice
// within one, and every article is fetched and stored once.
TEST_F(WorkersTest, ThreeWorkersPollEachFeedOncePerIntervalAndStoreEachArticleOnce) {
  NewsSite site(20ms);
  const auto config = write_config(site, {.feeds = 300,
                                          .fetch = "min_host_interval = \"0s\"\nmax_per_host = 8",
                                          .feed_extra = "interval = \"60s\"\nmin_interval = \"60s\"\n"
                                                        "max_interval = \"60s\"",
                                          .lease_ttl = "10s"});
  {
    // Exactly the configured interval: no jitter to shorten it.
    std::ofstream(config, std::ios::app) << "[schedule]\njitter = 0\n";
  }
  start_workers(config, 3);
  ASSERT_TRUE(eventually([&] { return all_polled_and_stored(300, 600); }, 240s)) << logs();
  // The second interval: every feed comes due again 60 s after its first poll.
  ASSERT_TRUE(eventually(
      [&] {
        const auto hits = site.hits();
        return std::ranges::all_of(
            hits, [](const auto& h) { return !h.first.starts_with("/feed/") || h.second.size() >= 2; });
      },
      240s))
      << logs();
  const auto per_worker = polls_per_worker();
  stop_workers();

  const auto hits = site.hits();
  int feeds = 0, pages = 0;
  for (const auto& [path, times] : hits) {
    if (path.starts_with("/feed/")) {
      ++feeds;
      ASSERT_EQ(times.size(), 2u) << path << " was not fetched once per interval";
      EXPECT_GE(times[1] - times[0], 58s) << path << " was fetched twice within one interval";
    } else {
      ++pages;
      EXPECT_EQ(times.size(), 1u) << path << " was fetched more than once";
    }
  }
  EXPECT_EQ(feeds, 300);
  EXPECT_EQ(pages, 600);
  EXPECT_EQ(pg_count("SELECT count(*) FROM articles"), 600);
  EXPECT_EQ(pg_count("SELECT count(DISTINCT canonical_url) FROM articles"), 600);
  // The work was shared, and every lease was given back.
  for (std::size_t i = 0; i < per_worker.size(); ++i)
    EXPECT_GT(per_worker[i], 0) << "worker " << i << " polled nothing";
  EXPECT_EQ(pg_count("SELECT count(*) FROM feed_leases"), 0);
}

// kill -9 of a worker in the middle of its polls: the feeds it held come
// back when their leases expire (3 s) and are polled by the others; no
// article is lost and none is stored twice.
TEST_F(WorkersTest, AKilledWorkersFeedsAreTakenOverWhenItsLeasesExpire) {
  NewsSite site(300ms);  // slow feeds: each worker always has polls in flight
  const auto config = write_config(site, {.feeds = 300,
                                          .fetch = "min_host_interval = \"0s\"\nmax_per_host = 16",
                                          .feed_extra = "interval = \"1h\"",
                                          .lease_ttl = "3s"});
  start_workers(config, 3);
  Process& victim = *workers_[1];
  // Its leases of feeds whose outcome it had not written: polls the kill
  // cut short (a lease can outlive its outcome by the moment between the
  // commit and the release).
  const std::string held_by_victim =
      "SELECT l.feed_id FROM feed_leases l JOIN feeds f ON f.id = l.feed_id WHERE f.last_fetched_at IS NULL "
      "AND l.worker LIKE '%:" +
      std::to_string(victim.pid()) + ":%' ORDER BY 1";
  ASSERT_TRUE(eventually(
      [&] {
        return pg_count("SELECT count(*) FROM feeds WHERE last_fetched_at IS NOT NULL") >= 30 &&
               pg_count("SELECT count(*) FROM (" + held_by_victim + ") AS held") > 0;
      },
      120s))
      << logs();
  victim.signal(SIGKILL);
  victim.wait(10s);
  const auto killed_at = Clock::now();
  const auto orphaned = pg_ids(held_by_victim);  // its leases as it died: nobody released them
  ASSERT_FALSE(orphaned.empty());

  ASSERT_TRUE(eventually([&] { return all_polled_and_stored(300, 600); }, 240s)) << logs();
  stop_workers();

  // Taken over: each orphaned feed was fetched again after the kill, by a
  // survivor (the victim could not), and its lease is gone.
  pqxx::connection c(url_);
  pqxx::work tx(c);
  const auto hits = site.hits();
  for (const auto id : orphaned) {
    const auto url = tx.exec_params1("SELECT url FROM feeds WHERE id = $1", id)[0].as<std::string>();
    const auto path = url.substr(url.find("/feed/"));
    ASSERT_TRUE(hits.contains(path)) << url;
    EXPECT_TRUE(std::ranges::any_of(hits.at(path), [&](auto t) { return t > killed_at; }))
        << url << " was held by the killed worker and never polled again";
  }
  // Nothing lost, nothing twice.
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM articles")[0].as<int>(), 600);
  EXPECT_EQ(tx.exec1("SELECT count(DISTINCT canonical_url) FROM articles")[0].as<int>(), 600);
  int fetched_twice = 0;
  for (const auto& [path, times] : hits) {
    if (path.starts_with("/feed/") && times.size() > 1) ++fetched_twice;
    EXPECT_LE(times.size(), 2u) << path;
  }
  // Only a feed whose poll the kill cut short is fetched again.
  EXPECT_LE(fetched_twice, static_cast<int>(orphaned.size()));
}

// One host, min_host_interval 1 s, three workers each polling two feeds at
// a time: the host sees one request per second, as from one process, not
// three (the host budget in the database spaces them).
TEST_F(WorkersTest, ThreeWorkersKeepOneHostsRequestSpacing) {
  NewsSite site;
  const auto config = write_config(
      site, {.feeds = 12,
             .fetch = "min_host_interval = \"1s\"\nmax_connections = 1\nmax_per_host = 1\nrespect_robots_txt = false",
             .feed_extra = "interval = \"1h\"\nfetch_articles = false",
             .lease_ttl = "10s"});
  start_workers(config, 3);
  ASSERT_TRUE(eventually([&] { return site.hits().size() == 12; }, 120s)) << logs();
  const auto per_worker = polls_per_worker();
  stop_workers();

  std::vector<Clock::time_point> arrivals;
  for (const auto& [path, times] : site.hits()) arrivals.insert(arrivals.end(), times.begin(), times.end());
  std::ranges::sort(arrivals);
  ASSERT_EQ(arrivals.size(), 12u);
  // The reserved starts are 1 s apart and a request never arrives before
  // its start, so the k-th arrival is at least k s after the first one's
  // slot; the first may itself be late (I/O loop wake-up, connect): 500 ms.
  // Three workers with only their own politeness would send 3 a second.
  for (std::size_t k = 1; k < arrivals.size(); ++k) {
    EXPECT_GE(arrivals[k] - arrivals[0], std::chrono::seconds(k) - 500ms) << "request " << k << " came too soon";
  }
  int busy = 0;
  for (const int n : per_worker) busy += n > 0 ? 1 : 0;
  EXPECT_GE(busy, 2) << "the workers did not poll the host concurrently: nothing was shared";
}

// `newsd once` on a shared store polls every configured feed, due or not,
// except one another worker holds a lease on right now.
TEST_F(WorkersTest, OnceSkipsAFeedAnotherWorkerIsPolling) {
  NewsSite site;
  const auto config = write_config(site, {.feeds = 3,
                                          .fetch = "min_host_interval = \"0s\"",
                                          .feed_extra = "interval = \"1h\"\nfetch_articles = false",
                                          .lease_ttl = "10s"});
  auto once = [&](const std::string& name) {
    Process run({kBinary, "once", "--quiet", "--config", config.string()}, dir_.path() / name);
    EXPECT_EQ(exit_code(run.wait(120s)), 0) << run.stderr_text();
    return run.stderr_text();
  };
  once("first");
  ASSERT_EQ(site.hits().size(), 3u);
  {
    pqxx::connection c(url_);
    pqxx::work tx(c);
    tx.exec_params(
        "INSERT INTO feed_leases (feed_id, worker, leased_until) "
        "SELECT id, 'elsewhere:1:1', extract(epoch FROM now())::bigint + 600 FROM feeds WHERE url = $1",
        site.feed_url(1));
    tx.commit();
  }
  const std::string log = once("second");
  const auto hits = site.hits();
  EXPECT_EQ(hits.at("/feed/0.rss").size(), 2u) << "not due, polled anyway: once polls every feed";
  EXPECT_EQ(hits.at("/feed/1.rss").size(), 1u) << "polled while another worker held it";
  EXPECT_EQ(hits.at("/feed/2.rss").size(), 2u);
  EXPECT_NE(log.find("event=feed.skipped"), std::string::npos) << log;
  // Its own leases were given back; the other worker's is untouched.
  EXPECT_EQ(pg_count("SELECT count(*) FROM feed_leases"), 1);
  EXPECT_EQ(pg_count("SELECT count(*) FROM feed_leases WHERE worker = 'elsewhere:1:1'"), 1);
}

}  // namespace
}  // namespace newsd::testing
