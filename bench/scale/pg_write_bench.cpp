// The article writer on PostgreSQL against SQLite's, on the same records
// (docs/performance.md, "Scale"; docs/scaling.md uses the figures):
//   BM_Write/backend:0 (SQLite) | backend:1 (PostgreSQL) / batch:N — one
//   Store::write_articles call per N new articles (store_corpus.hpp's
//   synthetic Arabic/French/English articles, same seed for both backends),
//   into a database created fresh for each repetition; prepared:1 with each
//   record prepared first (store::prepare_record, off the count), as the
//   daemon's workers prepare them.
//   BM_HasArticle/backend:B — Store::has_article, one URL a call, as the
//   engine looked entries up before; BM_HasArticles/backend:B/feed:N —
//   Store::has_articles, N URLs a call, as it looks up a feed's entries now.
// Counters, per article stored or URL looked up: client_us (CPU of this process inside
// write_articles), server_us (CPU the PostgreSQL server processes spent
// meanwhile, read from /proc: the server runs on this machine) and total_us.
// On a loaded machine CPU time is the figure to compare; wall time is not.
//
// The PostgreSQL cases need NEWSD_BENCH_PG_URL, the libpq URI of a database
// on a server this bench may create databases in (`python3
// bench/scale/pg_write.py` starts one and sets it); without it they are skipped.
#include <benchmark/benchmark.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <sstream>
#include <string>
#include <vector>

#include "../store_corpus.hpp"
#include "newsd/store/store.hpp"

namespace {

using newsd::store::ArticleRecord;
using newsd::store::Store;

constexpr const char* kBenchDb = "newsd_bench_write";

double process_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// utime + stime of a process, in seconds; 0 when it has gone.
double proc_cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  // The command name (field 2) may hold spaces; the fields after it do not.
  std::istringstream rest(line.substr(line.rfind(')') + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// The server's processes as it lists them (client backends, WAL writer,
// checkpointer, autovacuum…), less the connection asking.
class ServerCpu {
 public:
  explicit ServerCpu(const std::string& url) : conn_(url) {}

  std::map<int, double> sample() {
    pqxx::nontransaction tx(conn_);
    std::map<int, double> cpu;
    for (const auto& row : tx.exec("SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid()")) {
      const int pid = row[0].as<int>();
      cpu[pid] = proc_cpu_seconds(pid);
    }
    return cpu;
  }

  /// CPU seconds spent by the server since `before` (processes started
  /// since count whole; those that exited meanwhile are lost, a small
  /// undercount: autovacuum workers).
  double since(const std::map<int, double>& before) {
    double total = 0;
    for (const auto& [pid, now] : sample()) {
      const auto it = before.find(pid);
      total += now - (it != before.end() ? it->second : 0);
    }
    return total;
  }

 private:
  pqxx::connection conn_;
};

std::string fresh_pg_database(const std::string& admin_url) {
  pqxx::connection admin(admin_url);
  pqxx::nontransaction tx(admin);
  tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(kBenchDb) + " WITH (FORCE)");
  tx.exec("CREATE DATABASE " + tx.quote_name(kBenchDb) +
          " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' "
          "LC_CTYPE 'C'");
  // The admin URI names its database last (postgresql://user@host:port/db).
  return admin_url.substr(0, admin_url.rfind('/') + 1) + kBenchDb;
}

std::filesystem::path fresh_sqlite_file() {
  const auto path = std::filesystem::temp_directory_path() / "newsd-pg-write-bench.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  return path;
}

// A fresh store on the backend of the benchmark's first argument (0
// SQLite, 1 PostgreSQL) with 20 feeds, and the CPU spent on both sides of
// it: the caller adds this process's CPU around the calls it measures.
class Bench {
 public:
  /// nullopt (the benchmark skipped with the reason) when the store cannot be opened.
  static std::optional<Bench> open(benchmark::State& state) {
    const bool pg = state.range(0) == 1;
    const char* admin_url = std::getenv("NEWSD_BENCH_PG_URL");
    if (pg && admin_url == nullptr) {
      state.SkipWithError("NEWSD_BENCH_PG_URL is not set (python3 bench/scale/pg_write.py sets it)");
      return std::nullopt;
    }
    newsd::config::StoreConfig config;
    if (pg) {
      config.backend = newsd::config::StoreBackend::postgresql;
      config.url = fresh_pg_database(admin_url);
    } else {
      config.path = fresh_sqlite_file();
    }
    auto store = Store::open(config);
    if (!store) {
      state.SkipWithError(store.error().describe().c_str());
      return std::nullopt;
    }
    Bench bench(std::move(*store));
    for (int f = 0; f < 20; ++f)
      bench.feeds.push_back(bench.store.ensure_feed("https://bench.example/feed/" + std::to_string(f), "")->id);
    if (pg) bench.server_ = std::make_unique<ServerCpu>(config.url);
    return bench;
  }

  /// Starts counting the server's CPU (on PostgreSQL) and this process's.
  void start() {
    if (server_) server_before_ = server_->sample();
    client_cpu = 0;
  }

  /// Reports the CPU since start() per item: client_us, server_us, total_us.
  void report(benchmark::State& state, std::int64_t items) {
    const double server_cpu = server_ ? server_->since(server_before_) : 0;
    const auto n = static_cast<double>(items);
    state.SetItemsProcessed(items);
    state.counters["client_us"] = client_cpu / n * 1e6;
    state.counters["server_us"] = server_cpu / n * 1e6;
    state.counters["total_us"] = (client_cpu + server_cpu) / n * 1e6;
  }

  Store store;
  std::vector<std::int64_t> feeds;
  double client_cpu = 0;  ///< the caller adds to it around each measured call

 private:
  explicit Bench(Store s) : store(std::move(s)) {}
  std::unique_ptr<ServerCpu> server_;  // a pqxx::connection cannot move
  std::map<int, double> server_before_;
};

void BM_Write(benchmark::State& state) {
  auto bench = Bench::open(state);
  if (!bench) return;
  const auto batch_size = static_cast<std::size_t>(state.range(1));
  const bool prepared = state.range(2) != 0;
  std::mt19937_64 rng(7);
  std::int64_t serial = 0;
  std::vector<ArticleRecord> batch;
  bench->start();
  for (auto _ : state) {
    state.PauseTiming();
    newsd::bench::next_batch(batch, batch_size, serial, bench->feeds, rng);
    // As the daemon's workers do (StoreWriter::write), outside the count.
    if (prepared) {
      for (auto& rec : batch) rec.prepared = newsd::store::prepare_record(rec);
    }
    state.ResumeTiming();
    const double t0 = process_cpu_seconds();
    auto ok = bench->store.write_articles(batch);
    bench->client_cpu += process_cpu_seconds() - t0;
    if (!ok) {
      state.SkipWithError(ok.error().describe().c_str());
      return;
    }
  }
  bench->report(state, serial);
}
BENCHMARK(BM_Write)
    ->ArgNames({"backend", "batch", "prepared"})
    ->ArgsProduct({{0, 1}, {64, 500}, {0, 1}})
    ->Unit(benchmark::kMillisecond);

// 5,000 articles stored; returns the URLs to ask about, shuffled: half of
// them stored, half not. Empty (and the state skipped) if a write failed.
std::vector<std::string> stored_and_unknown_urls(Bench& bench, benchmark::State& state) {
  std::mt19937_64 rng(7);
  std::int64_t serial = 0;
  std::vector<ArticleRecord> batch;
  std::vector<std::string> urls;
  while (serial < 5000) {
    newsd::bench::next_batch(batch, 500, serial, bench.feeds, rng);
    if (auto ok = bench.store.write_articles(batch); !ok) {
      state.SkipWithError(ok.error().describe().c_str());
      return {};
    }
    for (const auto& rec : batch) {
      urls.push_back(rec.url);
      urls.push_back(rec.url + "-not-stored");
    }
  }
  std::shuffle(urls.begin(), urls.end(), rng);
  return urls;
}

// The engine's "already stored?" question, asked once per entry of every
// parsed feed (Store::has_article), over 5,000 stored articles: half the
// URLs asked are stored, half are not.
void BM_HasArticle(benchmark::State& state) {
  auto bench = Bench::open(state);
  if (!bench) return;
  const auto urls = stored_and_unknown_urls(*bench, state);
  if (urls.empty()) return;
  std::int64_t asked = 0;
  bench->start();
  for (auto _ : state) {
    const double t0 = process_cpu_seconds();
    auto stored = bench->store.has_article(urls[static_cast<std::size_t>(asked++) % urls.size()]);
    bench->client_cpu += process_cpu_seconds() - t0;
    if (!stored) {
      state.SkipWithError(stored.error().describe().c_str());
      return;
    }
  }
  bench->report(state, asked);
}
BENCHMARK(BM_HasArticle)->ArgNames({"backend"})->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

// The same question as the engine asks it since: a whole feed's entries at
// once (Store::has_articles, one statement), `feed` URLs a call; counters
// per URL, the time per iteration per feed.
void BM_HasArticles(benchmark::State& state) {
  auto bench = Bench::open(state);
  if (!bench) return;
  const auto feed = static_cast<std::size_t>(state.range(1));
  const auto urls = stored_and_unknown_urls(*bench, state);
  if (urls.empty()) return;
  std::int64_t asked = 0;
  std::vector<std::string> one_feed(feed);
  bench->start();
  for (auto _ : state) {
    for (auto& url : one_feed) url = urls[static_cast<std::size_t>(asked++) % urls.size()];
    const double t0 = process_cpu_seconds();
    auto stored = bench->store.has_articles(one_feed);
    bench->client_cpu += process_cpu_seconds() - t0;
    if (!stored) {
      state.SkipWithError(stored.error().describe().c_str());
      return;
    }
  }
  bench->report(state, asked);
}
BENCHMARK(BM_HasArticles)->ArgNames({"backend", "feed"})->ArgsProduct({{0, 1}, {20}})->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
