#include "newsd/ingest/stage_timings.hpp"

namespace newsd::ingest {

std::string_view to_string(Stage stage) noexcept {
  switch (stage) {
    case Stage::fetch: return "fetch";
    case Stage::parse: return "parse";
    case Stage::extract: return "extract";
    case Stage::classify: return "classify";
    case Stage::write: return "write";
  }
  return "unknown";
}

void StageTimings::record(Stage stage, std::chrono::nanoseconds took) noexcept {
  Cells& c = cells_[static_cast<std::size_t>(stage)];
  const double seconds = std::chrono::duration<double>(took).count();
  std::size_t bucket = 0;
  while (bucket < kStageBuckets.size() && seconds > kStageBuckets[bucket]) ++bucket;
  c.buckets[bucket].fetch_add(1, std::memory_order_relaxed);
  c.sum_ns.fetch_add(static_cast<std::uint64_t>(std::max<std::int64_t>(took.count(), 0)), std::memory_order_relaxed);
}

StageHistogram StageTimings::snapshot(Stage stage) const noexcept {
  const Cells& c = cells_[static_cast<std::size_t>(stage)];
  StageHistogram h;
  // count is the buckets' sum, not the separate counter: Prometheus wants
  // count == the +Inf bucket even while records race with the snapshot.
  for (std::size_t i = 0; i < h.buckets.size(); ++i) {
    h.buckets[i] = c.buckets[i].load(std::memory_order_relaxed);
    h.count += h.buckets[i];
  }
  h.sum_seconds = static_cast<double>(c.sum_ns.load(std::memory_order_relaxed)) / 1e9;
  return h;
}

StageTimings& stage_timings() noexcept {
  static StageTimings timings;
  return timings;
}

}  // namespace newsd::ingest
