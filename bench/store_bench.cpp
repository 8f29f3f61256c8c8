// Store benchmarks (docs/performance.md, "Store"):
//   BM_InsertBatch  — articles/s written through Store::write_articles in
//                     batched transactions, with tags, FTS and dedup.
//   BM_SearchTwoWordsWithTag — latency of a two-word query plus a tag filter
//                     over NEWSD_BENCH_ARTICLES synthetic articles (default
//                     100000), reporting p50/p95/p99 in ms and the DB size.
// The archive is built once at NEWSD_BENCH_DB (default
// /tmp/newsd-store-bench-<N>.db) and reused by later runs.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "newsd/store/store.hpp"
#include "store_corpus.hpp"

namespace {

using newsd::bench::corpus;
using newsd::bench::Corpus;
using newsd::store::ArticleRecord;
using newsd::store::Store;

std::int64_t archive_size() {
  const char* env = std::getenv("NEWSD_BENCH_ARTICLES");
  return env != nullptr ? std::max<std::int64_t>(1000, std::atoll(env)) : 100'000;
}

std::filesystem::path archive_path(std::int64_t n) {
  const char* env = std::getenv("NEWSD_BENCH_DB");
  return env != nullptr ? std::filesystem::path(env)
                        : std::filesystem::temp_directory_path() / ("newsd-store-bench-" + std::to_string(n) + ".db");
}

Store open_or_die(const std::filesystem::path& path) {
  auto store = Store::open(path, newsd::config::StoreConfig{});
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().describe().c_str());
    std::exit(1);
  }
  return std::move(*store);
}

void BM_InsertBatch(benchmark::State& state) {
  const auto batch_size = static_cast<std::size_t>(state.range(0));
  const auto path = std::filesystem::temp_directory_path() / "newsd-store-bench-insert.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
  Store store = open_or_die(path);
  std::vector<std::int64_t> feeds;
  for (int f = 0; f < 20; ++f)
    feeds.push_back(store.ensure_feed("https://bench.example/feed/" + std::to_string(f), "")->id);
  std::mt19937_64 rng(7);
  std::int64_t serial = 0;
  std::vector<ArticleRecord> batch;
  for (auto _ : state) {
    state.PauseTiming();
    newsd::bench::next_batch(batch, batch_size, serial, feeds, rng);
    state.ResumeTiming();
    auto ok = store.write_articles(batch);
    if (!ok) state.SkipWithError(ok.error().describe().c_str());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_InsertBatch)->Arg(64)->Arg(500)->Unit(benchmark::kMillisecond);

// Builds the archive if it is missing or smaller than asked, reporting the
// bulk insert rate on stderr.
void ensure_archive(const std::filesystem::path& path, std::int64_t n) {
  Store store = open_or_die(path);
  const std::int64_t have = store.counts()->articles;
  if (have >= n) return;
  std::vector<std::int64_t> feeds;
  for (int f = 0; f < 20; ++f)
    feeds.push_back(store.ensure_feed("https://bench.example/feed/" + std::to_string(f), "")->id);
  std::mt19937_64 rng(static_cast<std::uint64_t>(have) + 1);
  const auto start = std::chrono::steady_clock::now();
  std::vector<ArticleRecord> batch;
  for (std::int64_t serial = have; serial < n;) {
    batch.clear();
    for (int i = 0; i < 500 && serial < n; ++i, ++serial)
      batch.push_back(corpus().article(serial, feeds[serial % 20], rng));
    if (auto ok = store.write_articles(batch); !ok) {
      std::fprintf(stderr, "%s\n", ok.error().describe().c_str());
      std::exit(1);
    }
    if (serial % 100'000 == 0) std::fprintf(stderr, "built %lld articles\n", static_cast<long long>(serial));
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::fprintf(stderr, "archive: %lld articles in %.1f s = %.0f articles/s (incl. generation)\n",
               static_cast<long long>(n - have), secs, static_cast<double>(n - have) / secs);
}

void BM_SearchTwoWordsWithTag(benchmark::State& state) {
  const std::int64_t n = archive_size();
  const auto path = archive_path(n);
  ensure_archive(path, n);
  auto reader = Store::open_readonly(path);
  if (!reader) {
    state.SkipWithError(reader.error().describe().c_str());
    return;
  }
  // Two query vocabularies. Arg 1, "topic" words: Zipf ranks 400-4000, each
  // in ~0.5-5% of the articles, like the names and topics analysts search
  // for. Arg 0, "common" words: ranks 20-400, each in ~5-60% of the
  // articles, the worst case (near stop words).
  const bool topic_words = state.range(0) == 1;
  const std::size_t low = topic_words ? 400 : 20, high = topic_words ? 4000 : 400;
  std::mt19937_64 rng(99);
  const Corpus& c = corpus();
  std::vector<newsd::store::SearchQuery> queries;
  for (int i = 0; i < 300; ++i) {
    const auto& lang = c.languages[i % 5 < 3 ? 0 : i % 5 == 3 ? 1 : 2];
    auto word = [&] { return lang.words[(low + rng() % (high - low)) % lang.words.size()]; };
    newsd::store::SearchQuery q;
    // Quoted: French words carry an apostrophe, which FTS5 barewords cannot.
    q.text = "\"" + word() + "\" \"" + word() + "\"";
    q.tags = {c.topics[rng() % c.topics.size()]};
    q.limit = 20;
    queries.push_back(std::move(q));
  }
  std::vector<double> ms;
  std::size_t hits = 0, next = 0;
  for (auto _ : state) {
    const auto& q = queries[next++ % queries.size()];
    const auto t0 = std::chrono::steady_clock::now();
    auto result = reader->search(q);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    if (!result) {
      state.SkipWithError(result.error().describe().c_str());
      return;
    }
    hits += result->size();
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) {
    return ms.empty() ? 0.0 : ms[std::min(ms.size() - 1, static_cast<std::size_t>(p * ms.size()))];
  };
  state.counters["p50_ms"] = pct(0.50);
  state.counters["p95_ms"] = pct(0.95);
  state.counters["p99_ms"] = pct(0.99);
  state.counters["hits_per_query"] =
      static_cast<double>(hits) / static_cast<double>(std::max<std::size_t>(ms.size(), 1));
  state.counters["articles"] = static_cast<double>(n);
  state.counters["db_MB"] = static_cast<double>(reader->stats()->db_bytes) / 1e6;
}
BENCHMARK(BM_SearchTwoWordsWithTag)
    ->ArgName("topic_words")
    ->Arg(1)
    ->Arg(0)
    ->Iterations(600)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
