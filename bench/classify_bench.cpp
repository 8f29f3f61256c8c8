// Speed of the classifier: the text pipeline (normalize, tokenize), rule
// tagging with the full default taxonomy, and fastText prediction. Inputs
// are the seed articles (gold title + body) and ASND posts from tests/data.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "newsd/classify/model.hpp"
#include "newsd/classify/taxonomy.hpp"
#include "newsd/classify/text.hpp"

namespace {

using namespace newsd::classify;

const std::vector<Document>& seed_documents() {
  static const std::vector<Document> docs = [] {
    std::vector<Document> out;
    for (const auto& entry : std::filesystem::directory_iterator(NEWSD_TEST_DATA "/classify/seeds")) {
      std::ifstream in(entry.path());
      const auto gold = nlohmann::json::parse(in);
      Document doc;
      if (gold["title"].is_string()) doc.title = gold["title"].get<std::string>();
      for (const auto& p : gold["body_paragraphs"]) doc.body += p.get<std::string>() + "\n\n";
      out.push_back(std::move(doc));
    }
    return out;
  }();
  return docs;
}

const std::string& seed_text() {
  static const std::string text = [] {
    std::string all;
    for (const auto& d : seed_documents()) all += d.title + "\n" + d.body;
    return all;
  }();
  return text;
}

void BM_Normalize(benchmark::State& state) {
  const std::string& text = seed_text();
  for (auto _ : state) benchmark::DoNotOptimize(normalize(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Normalize);

// Normalization, word breaking, clitics and stemming: what the rules, the
// model and the FTS index pay per byte of article text.
void BM_Tokenize(benchmark::State& state) {
  const std::string& text = seed_text();
  for (auto _ : state) benchmark::DoNotOptimize(tokenize(text, "ar"));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Tokenize);

void BM_TokenizeEnglish(benchmark::State& state) {
  std::string text;
  for (int i = 0; i < 40; ++i)
    text +=
        "Israel and Morocco signed a defense cooperation agreement on Monday, officials said, as the two "
        "countries expand military ties including drone manufacturing and cyber security exchanges. ";
  for (auto _ : state) benchmark::DoNotOptimize(tokenize(text, "en"));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_TokenizeEnglish);

void BM_RuleTag(benchmark::State& state) {
  auto taxonomy = load_taxonomy(NEWSD_SOURCE_DIR "/config/taxonomy/default.toml");
  if (!taxonomy) throw std::runtime_error(taxonomy.error().message);
  RuleTagger tagger(*taxonomy);
  const auto& docs = seed_documents();
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const Document& doc = docs[i++ % docs.size()];
    benchmark::DoNotOptimize(tagger.tag(doc));
    bytes += doc.title.size() + doc.body.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));  // articles
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_RuleTag);

// Trained once per process (Google Benchmark calls the function repeatedly).
const Model& bench_model() {
  static const Model model = [] {
    const auto dir = std::filesystem::temp_directory_path() / "newsd-classify-bench";
    std::filesystem::create_directories(dir);
    TrainOptions options;
    options.data = NEWSD_TEST_DATA "/classify/model/asnd-slice-train.tsv";
    options.output = dir / "bench.bin";
    if (auto trained = train_model(options); !trained) throw std::runtime_error(trained.error().message);
    auto loaded = Model::load(options.output);
    std::filesystem::remove_all(dir);
    if (!loaded) throw std::runtime_error(loaded.error().message);
    return std::move(*loaded);
  }();
  return model;
}

void BM_ModelPredict(benchmark::State& state) {
  const Model& model = bench_model();
  static const auto posts = read_labeled_file(NEWSD_TEST_DATA "/classify/model/asnd-slice-heldout.tsv");
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(model.predict_text((*posts)[i++ % posts->size()].text, 2, 0.0));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));  // posts
}
BENCHMARK(BM_ModelPredict);

}  // namespace

BENCHMARK_MAIN();
