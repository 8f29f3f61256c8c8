#pragma once
// The store benchmarks' synthetic articles (bench/store_bench.cpp,
// bench/scale/pg_write_bench.cpp): 60% Arabic, 25% French, 15% English,
// 9-word titles and ~180-word bodies drawn with a Zipf law from synthetic
// vocabularies, 1-2 topic tags and one country each. Deterministic for a
// given generator seed, so two backends can be given the same records.
#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "newsd/store/store.hpp"

namespace newsd::bench {

using store::ArticleRecord;

// Synthetic vocabularies: words built from syllables of each script, drawn
// with a Zipf law as in real text, so posting lists have realistic lengths.
struct Language {
  const char* code;
  std::vector<std::string> words;
};

inline std::vector<std::string> make_words(const std::vector<std::string>& syllables, const std::string& article,
                                           std::size_t count, std::mt19937_64& rng) {
  std::vector<std::string> words;
  std::uniform_int_distribution<std::size_t> pick(0, syllables.size() - 1), len(2, 4);
  while (words.size() < count) {
    std::string w;
    for (std::size_t i = 0, n = len(rng); i < n; ++i) w += syllables[pick(rng)];
    words.push_back(words.size() % 3 == 0 ? article + w : w);  // some words carry a clitic/article
  }
  return words;
}

struct Corpus {
  std::vector<Language> languages;
  std::vector<double> zipf_cdf;
  std::vector<std::string> topics{"defense", "cyber", "diplomacy", "economy", "energy", "health", "sport", "culture"};
  std::vector<std::string> countries{"MA", "DZ", "TN", "EG", "SA", "AE", "QA", "FR", "US", "IL",
                                     "IR", "TR", "RU", "CN", "UA", "LB", "SY", "IQ", "JO", "LY"};

  Corpus() {
    std::mt19937_64 rng(42);
    languages.push_back({"ar", make_words({"مغ", "رب", "دف", "اع", "حك", "وم", "سل", "ام", "شر", "كة",
                                           "قا", "هر", "ند", "سي", "تف", "اق", "ري", "اض", "بي", "ان"},
                                          "ال", 6000, rng)});
    languages.push_back({"fr", make_words({"la", "ré", "pu", "bli", "que",  "dé",  "fen", "se",  "mi",   "nis",
                                           "tè", "re", "é",  "lec", "tion", "par", "ti",  "con", "seil", "ments"},
                                          "l'", 5000, rng)});
    languages.push_back({"en", make_words({"de", "fen", "ce", "mi", "nis", "try", "go", "vern", "ment", "sta",
                                           "te", "tre", "a",  "ty", "cy",  "ber", "at", "tack", "ers",  "ing"},
                                          "", 5000, rng)});
    const std::size_t n = 6000;
    double sum = 0;
    for (std::size_t r = 1; r <= n; ++r) sum += 1.0 / static_cast<double>(r);
    double acc = 0;
    for (std::size_t r = 1; r <= n; ++r) {
      acc += 1.0 / static_cast<double>(r) / sum;
      zipf_cdf.push_back(acc);
    }
  }

  const std::string& word(const Language& lang, std::mt19937_64& rng) const {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    const auto rank =
        static_cast<std::size_t>(std::lower_bound(zipf_cdf.begin(), zipf_cdf.end(), u) - zipf_cdf.begin());
    return lang.words[rank % lang.words.size()];
  }

  std::string words(const Language& lang, int count, std::mt19937_64& rng) const {
    std::string out;
    for (int i = 0; i < count; ++i) {
      if (i > 0) out += (i % 17 == 0) ? ". " : " ";
      out += word(lang, rng);
    }
    return out;
  }

  // 60% Arabic, 25% French, 15% English, ~180 words each.
  ArticleRecord article(std::int64_t serial, std::int64_t feed_id, std::mt19937_64& rng) const {
    const int roll = static_cast<int>(rng() % 100);
    const Language& lang = languages[roll < 60 ? 0 : roll < 85 ? 1 : 2];
    ArticleRecord r;
    r.feed_id = feed_id;
    r.url = "https://bench.example/" + std::to_string(feed_id) + "/" + std::to_string(serial);
    r.title = words(lang, 9, rng);
    r.text = words(lang, 180, rng);
    r.lang = lang.code;
    r.fetched_at = newsd::store::TimePoint{std::chrono::seconds{1'700'000'000 + serial * 30}};
    r.published_at = r.fetched_at - std::chrono::minutes{10};
    r.tags.push_back({topics[rng() % topics.size()], newsd::classify::TagKind::topic, 0.8});
    if (rng() % 2 == 0) r.tags.push_back({topics[rng() % topics.size()], newsd::classify::TagKind::topic, 0.5});
    r.tags.push_back({countries[rng() % countries.size()], newsd::classify::TagKind::country, 1.0});
    return r;
  }
};

inline const Corpus& corpus() {
  static const Corpus c;
  return c;
}

/// Replaces `batch` with `size` articles numbered from `serial` on (which
/// it advances), spread over `feeds`.
inline void next_batch(std::vector<ArticleRecord>& batch, std::size_t size, std::int64_t& serial,
                       const std::vector<std::int64_t>& feeds, std::mt19937_64& rng) {
  batch.clear();
  for (std::size_t i = 0; i < size; ++i, ++serial) {
    batch.push_back(corpus().article(serial, feeds[static_cast<std::size_t>(serial) % feeds.size()], rng));
  }
}

}  // namespace newsd::bench
