// Search queries come from users (and through them from anyone who can reach
// a front end): whatever the bytes, the cost check must not crash, and
// Store::search must answer with hits or Errc::invalid_argument (a syntax
// error, or "query too expensive"), never crash, hang or fail otherwise.
#include <stdlib.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "newsd/store/store.hpp"
#include "query_cost.hpp"

namespace {

using newsd::store::ArticleRecord;
using newsd::store::Store;

// One small store per fuzzing process, in its own temp directory (libFuzzer
// may run several processes side by side, and each needs the writer lock).
Store& fuzz_store() {
  static Store store = [] {
    char dir[] = "/tmp/newsd-query-fuzz-XXXXXX";
    if (::mkdtemp(dir) == nullptr) __builtin_trap();
    auto opened = Store::open(std::filesystem::path(dir) / "fuzz.db", newsd::config::StoreConfig{});
    if (!opened) __builtin_trap();
    auto feed = opened->ensure_feed("https://example.com/feed.xml", "fuzz");
    if (!feed) __builtin_trap();
    const char* texts[] = {
        "Les élections municipales se tiennent à Rabat et à Casablanca dimanche prochain.",
        "أعلنت وزارة الدفاع المغربية اليوم توقيع اتفاقية تعاون عسكري مع فرنسا",
        "Negotiations on the trade agreement resumed in Brussels on Monday.",
    };
    std::vector<ArticleRecord> batch;
    for (int i = 0; i < 3; ++i) {
      ArticleRecord r;
      r.feed_id = feed->id;
      r.url = "https://example.com/a/" + std::to_string(i);
      r.title = texts[i];
      r.text = texts[i];
      batch.push_back(std::move(r));
    }
    if (!opened->write_articles(batch)) __builtin_trap();
    return std::move(*opened);
  }();
  return store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto cost = newsd::store::fts_query_cost(text);
  if (cost.terms < 0 || cost.prefix_terms < 0) __builtin_trap();

  newsd::store::SearchQuery q;
  q.text = text;
  q.limits.time_budget = std::chrono::milliseconds{20};
  // The first byte picks the statement shape (rank or date order, a filter).
  if (size > 0 && (data[0] & 1) != 0) q.sort = newsd::store::SortOrder::date;
  if (size > 0 && (data[0] & 2) != 0) q.lang = "fr";
  auto hits = fuzz_store().search(q);
  if (!hits && hits.error().code != newsd::Errc::invalid_argument) __builtin_trap();
  return 0;
}
