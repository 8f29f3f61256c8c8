// Feed parsing throughput over realistic 50-500 KB feeds (bench/feed_make_corpus.py).
// Bytes processed are the raw feed bytes, so MB/s is comparable with fetch rates.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "newsd/parse/feed.hpp"

namespace {

namespace fs = std::filesystem;

struct Document {
  std::string name;
  std::string bytes;
};

const std::vector<Document>& corpus() {
  static const std::vector<Document> docs = [] {
    const char* env = std::getenv("NEWSD_FEED_BENCH_DIR");
    const fs::path dir = env ? fs::path(env) : fs::path(NEWSD_FEED_BENCH_DIR);
    std::vector<Document> out;
    if (fs::is_directory(dir)) {
      for (const auto& e : fs::directory_iterator(dir)) {
        std::ifstream in(e.path(), std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        out.push_back({e.path().stem().string(), s.str()});
      }
    }
    std::ranges::sort(out, {}, &Document::name);
    return out;
  }();
  return docs;
}

// Documents whose name starts with `prefix` ("" = all).
std::vector<const Document*> select(std::string_view prefix) {
  std::vector<const Document*> out;
  for (const auto& d : corpus())
    if (d.name.starts_with(prefix)) out.push_back(&d);
  return out;
}

void run(benchmark::State& state, std::string_view prefix, bool render_json) {
  const auto docs = select(prefix);
  if (docs.empty()) {
    state.SkipWithError("no corpus: run bench/feed_make_corpus.py DIR and set NEWSD_FEED_BENCH_DIR");
    return;
  }
  std::int64_t bytes = 0, entries = 0;
  for (auto _ : state) {
    for (const Document* d : docs) {
      auto feed = newsd::parse::parse_feed(d->bytes, "https://news.example.com/feed");
      entries += static_cast<std::int64_t>(feed.entries.size());
      if (render_json) benchmark::DoNotOptimize(newsd::parse::to_json(feed));
      benchmark::DoNotOptimize(feed);
      bytes += static_cast<std::int64_t>(d->bytes.size());
    }
  }
  state.SetBytesProcessed(bytes);
  state.counters["feeds/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * docs.size()), benchmark::Counter::kIsRate);
  state.counters["entries/s"] = benchmark::Counter(static_cast<double>(entries), benchmark::Counter::kIsRate);
}

// The recovery path: the same Arabic RSS feeds with one unclosed inline tag,
// which sends them through libxml2's recovering parser and back.
void BM_ParseFeed_Rss20ArabicStructuralDamage(benchmark::State& state) {
  std::vector<std::string> damaged;
  std::int64_t bytes = 0;
  for (const Document* d : select("rss20_ar")) {
    std::string doc = d->bytes;
    if (auto pos = doc.find("<description>"); pos != std::string::npos) doc.insert(pos + 13, "<b>");
    damaged.push_back(std::move(doc));
  }
  if (damaged.empty()) {
    state.SkipWithError("no corpus");
    return;
  }
  for (auto _ : state) {
    for (const auto& doc : damaged) {
      auto feed = newsd::parse::parse_feed(doc, "https://news.example.com/feed");
      if (!feed.bozo) state.SkipWithError("damage not detected");
      benchmark::DoNotOptimize(feed);
      bytes += static_cast<std::int64_t>(doc.size());
    }
  }
  state.SetBytesProcessed(bytes);
}

void BM_ParseFeed_All(benchmark::State& s) { run(s, "", false); }
void BM_ParseFeed_Rss20Arabic(benchmark::State& s) { run(s, "rss20_ar", false); }
void BM_ParseFeed_Rss20Windows1256(benchmark::State& s) { run(s, "rss20_windows1256", false); }
void BM_ParseFeed_Rss20HtmlEntities(benchmark::State& s) { run(s, "rss20_html_entities", false); }
void BM_ParseFeed_Atom10Xhtml(benchmark::State& s) { run(s, "atom10_xhtml", false); }
void BM_ParseFeed_Rss10Rdf(benchmark::State& s) { run(s, "rss10_rdf", false); }
void BM_ParseFeed_JsonFeed(benchmark::State& s) { run(s, "jsonfeed", false); }
void BM_ParseFeedAndRenderJson_All(benchmark::State& s) { run(s, "", true); }

BENCHMARK(BM_ParseFeed_All)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseFeed_Rss20Arabic)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseFeed_Rss20ArabicStructuralDamage)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseFeed_Rss20Windows1256)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseFeed_Rss20HtmlEntities)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseFeed_Atom10Xhtml)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseFeed_Rss10Rdf)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseFeed_JsonFeed)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseFeedAndRenderJson_All)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
