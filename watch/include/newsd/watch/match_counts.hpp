#pragma once
/// How many articles each watch matched since the process started, for
/// /metrics (`newsd_watch_matches_total{watch="…"}`). Process-wide, like
/// ingest::stage_timings(): ingest workers add, HTTP threads read.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace newsd::watch {

class MatchCounts {
 public:
  void add(std::string_view watch);
  /// Every watch that matched at least once, by name.
  [[nodiscard]] std::map<std::string, std::uint64_t> snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::uint64_t, std::less<>> counts_;
};

MatchCounts& match_counts();

}  // namespace newsd::watch
