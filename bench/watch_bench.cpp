// Watch matcher benchmarks (docs/performance.md, "Watches"):
//   BM_MatchOnly        — WatchSet::match of 100 watches on an article already
//                         tokenised (ArticleTerms built outside the loop).
//   BM_TokeniseAndMatch — what ingest pays per article: ArticleTerms (the
//                         search tokenizer over title and text) plus match.
// Articles are ~400 words drawn with a Zipf law from filler words and the
// words the watches use, in Arabic, French and English; the watches mix
// OR groups, AND, NOT, phrases, NEAR/n, prefixes and filters, as a
// monitoring desk's would.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "newsd/watch/watch_set.hpp"

namespace {

using newsd::watch::ArticleFacts;
using newsd::watch::ArticleTerms;
using newsd::watch::WatchSet;

const std::vector<std::string> kTopicWords = {
    "طائرات",  "مسيرة",      "صاروخ",  "تجربة",   "المغرب",    "الجزائر",      "تونس",         "مناورات",
    "البحرية", "الحدود",     "هجوم",   "سيبراني", "اتفاقية",   "الرئيس",       "الوزير",       "drones",
    "missile", "essai",      "Maroc",  "Algérie", "frontière", "cyberattaque", "rançongiciel", "ministre",
    "accord",  "sommet",     "armée",  "défense", "Morocco",   "Algeria",      "Tunisia",      "border",
    "attack",  "ransomware", "summit", "treaty",  "navy",      "exercise",     "election",     "sanctions"};

const std::vector<std::string> kSyllables = {"ka", "ri", "mo", "ta", "ne", "lu", "sa", "di", "po",
                                             "ve", "قا", "رو", "سي", "نا", "لم", "بر", "تو", "فا"};

std::vector<newsd::config::WatchConfig> make_watches(std::mt19937_64& rng) {
  std::uniform_int_distribution<std::size_t> word(0, kTopicWords.size() - 1);
  const auto w = [&] { return kTopicWords[word(rng)]; };
  std::vector<newsd::config::WatchConfig> out;
  for (int i = 0; i < 100; ++i) {
    std::string q;
    switch (i % 6) {
      case 0: q = "(" + w() + " OR " + w() + " OR " + w() + ") AND (" + w() + " OR " + w() + ")"; break;
      case 1: q = "\"" + w() + " " + w() + "\" OR " + w(); break;
      case 2: q = w() + " NEAR/5 " + w(); break;
      case 3: q = w() + " " + w() + " NOT " + w(); break;
      case 4: q = "(" + w() + " OR " + w() + ") country:MA"; break;
      default: q = w().substr(0, 6) + "* AND " + w(); break;
    }
    out.push_back({"w" + std::to_string(i), q, "t" + std::to_string(i)});
  }
  return out;
}

struct Article {
  std::string title, text;
};

std::vector<Article> make_articles(std::mt19937_64& rng, int n) {
  std::vector<std::string> vocabulary = kTopicWords;
  std::uniform_int_distribution<std::size_t> syllable(0, kSyllables.size() - 1), length(2, 4);
  while (vocabulary.size() < 5000) {
    std::string word;
    for (std::size_t i = 0, k = length(rng); i < k; ++i) word += kSyllables[syllable(rng)];
    vocabulary.push_back(word);
  }
  // Zipf over a shuffled vocabulary: watch words land at random ranks.
  std::shuffle(vocabulary.begin(), vocabulary.end(), rng);
  std::vector<double> weights;
  for (std::size_t r = 1; r <= vocabulary.size(); ++r) weights.push_back(1.0 / static_cast<double>(r));
  std::discrete_distribution<std::size_t> zipf(weights.begin(), weights.end());
  std::vector<Article> out;
  for (int a = 0; a < n; ++a) {
    Article article;
    for (int i = 0; i < 10; ++i) article.title += vocabulary[zipf(rng)] + " ";
    for (int i = 0; i < 400; ++i) article.text += vocabulary[zipf(rng)] + (i % 15 == 14 ? ". " : " ");
    out.push_back(std::move(article));
  }
  return out;
}

struct Fixture {
  WatchSet watches;
  std::vector<Article> articles;
  ArticleFacts facts{"ar", "https://example.org/feed.xml", "", {"defense"}, {"MA"}};
};

const Fixture& fixture() {
  static const Fixture f = [] {
    std::mt19937_64 rng(17);
    Fixture made;
    auto compiled = WatchSet::compile(make_watches(rng));
    if (!compiled) throw std::runtime_error(compiled.error().message);
    made.watches = std::move(*compiled);
    made.articles = make_articles(rng, 200);
    return made;
  }();
  return f;
}

void BM_MatchOnly(benchmark::State& state) {
  const Fixture& f = fixture();
  std::vector<ArticleTerms> terms;
  for (const auto& a : f.articles) terms.emplace_back(a.title, a.text);
  std::size_t i = 0, matches = 0;
  for (auto _ : state) {
    matches += f.watches.match(terms[i++ % terms.size()], f.facts).size();
    benchmark::DoNotOptimize(matches);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["matches_per_article"] = static_cast<double>(matches) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_MatchOnly);

void BM_TokeniseAndMatch(benchmark::State& state) {
  const Fixture& f = fixture();
  std::size_t i = 0, matches = 0;
  for (auto _ : state) {
    const Article& a = f.articles[i++ % f.articles.size()];
    matches += f.watches.match(ArticleTerms(a.title, a.text), f.facts).size();
    benchmark::DoNotOptimize(matches);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_TokeniseAndMatch);

}  // namespace

BENCHMARK_MAIN();
