#include "newsd/watch/match_counts.hpp"

namespace newsd::watch {

void MatchCounts::add(std::string_view watch) {
  std::lock_guard lock(mutex_);
  auto it = counts_.find(watch);
  if (it == counts_.end()) it = counts_.emplace(std::string(watch), 0).first;
  ++it->second;
}

std::map<std::string, std::uint64_t> MatchCounts::snapshot() const {
  std::lock_guard lock(mutex_);
  return {counts_.begin(), counts_.end()};
}

MatchCounts& match_counts() {
  static MatchCounts counts;
  return counts;
}

}  // namespace newsd::watch
