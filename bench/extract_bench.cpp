// Throughput of extract_article() on real pages: every 10th page of
// shared/data/extract-dev (79 pages, ~14 MB), decompressed once up front.
// The libxml2-only benchmark is the floor: what parsing alone costs.
#include <benchmark/benchmark.h>
#include <libxml/HTMLparser.h>
#include <zlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "newsd/parse/extract.hpp"

namespace {

namespace fs = std::filesystem;

std::string gunzip(const fs::path& path) {
  std::string out;
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) return out;
  char buf[1 << 16];
  int n;
  while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  gzclose(f);
  return out;
}

const std::vector<std::string>& sample_pages() {
  static const std::vector<std::string> pages = [] {
    std::vector<std::string> out;
    const fs::path dir = fs::path(NEWSD_SHARED_DIR) / "data" / "extract-dev" / "html";
    std::vector<fs::path> files;
    if (fs::is_directory(dir)) {
      for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
    }
    std::ranges::sort(files);
    for (std::size_t i = 0; i < files.size(); i += 10) out.push_back(gunzip(files[i]));
    return out;
  }();
  return pages;
}

std::int64_t total_bytes(const std::vector<std::string>& pages) {
  std::int64_t n = 0;
  for (const auto& p : pages) n += static_cast<std::int64_t>(p.size());
  return n;
}

void BM_ExtractArticle(benchmark::State& state) {
  const auto& pages = sample_pages();
  if (pages.empty()) {
    state.SkipWithError("dev set not found under shared/data/extract-dev");
    return;
  }
  const newsd::config::ExtractConfig cfg;
  for (auto _ : state) {
    for (const auto& page : pages) {
      auto article = newsd::parse::extract_article(page, "https://example.com/a", cfg);
      benchmark::DoNotOptimize(article);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(pages.size()));
  state.SetBytesProcessed(state.iterations() * total_bytes(pages));
}
BENCHMARK(BM_ExtractArticle)->Unit(benchmark::kMillisecond);

void BM_Libxml2ParseOnly(benchmark::State& state) {
  const auto& pages = sample_pages();
  if (pages.empty()) {
    state.SkipWithError("dev set not found under shared/data/extract-dev");
    return;
  }
  const int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                      HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC;
  for (auto _ : state) {
    for (const auto& page : pages) {
      htmlDocPtr doc = htmlReadMemory(page.data(), static_cast<int>(page.size()), nullptr, "UTF-8", options);
      benchmark::DoNotOptimize(doc);
      xmlFreeDoc(doc);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(pages.size()));
  state.SetBytesProcessed(state.iterations() * total_bytes(pages));
}
BENCHMARK(BM_Libxml2ParseOnly)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
