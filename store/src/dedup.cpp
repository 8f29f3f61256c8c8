#include "dedup.hpp"

#include <algorithm>
#include <optional>

#include "fingerprint.hpp"
#include "newsd/store/store.hpp"

namespace newsd::store {
namespace {

struct Candidate {
  std::int64_t id;
  std::uint64_t simhash;
  std::int64_t cluster_id;
};

Result<std::optional<Candidate>> next_candidate(sql::Stmt& band) {
  auto row = band.step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<Candidate>{};
  return Candidate{band.int64(0), static_cast<std::uint64_t>(band.int64(1)), band.int64(2)};
}

}  // namespace

void keep_nearest(ClusterMatch& best, std::uint64_t simhash, std::uint64_t candidate, std::int64_t cluster_id) {
  const int distance = hamming_distance(simhash, candidate);
  if (distance <= kNearDuplicateBits && distance < best.distance) best = {cluster_id, distance};
}

Result<ClusterLookup> ClusterLookup::prepare(sqlite3* db) {
  ClusterLookup lookup;
  for (std::size_t band = 0; band < kBandCandidatesSql.size(); ++band) {
    auto stmt = sql::Stmt::prepare(db, kBandCandidatesSql[band]);
    if (!stmt) return std::unexpected(stmt.error());
    lookup.bands_[band] = std::move(*stmt);
  }
  return lookup;
}

Result<ClusterMatch> ClusterLookup::find(std::uint64_t simhash, std::int64_t self_id) {
  // The four lists, each newest first, merged by id: the first
  // kMaxClusterCandidates distinct ids are the most recent articles sharing
  // any band, since each of them is also among the most recent of its own
  // band. An article sharing several bands heads several lists at once.
  std::array<std::optional<Candidate>, 4> heads;
  for (std::size_t band = 0; band < bands_.size(); ++band) {
    bands_[band].reset();
    bands_[band].bind(1, simhash_band(simhash, static_cast<int>(band))).bind(2, self_id);
    auto head = next_candidate(bands_[band]);
    if (!head) return std::unexpected(head.error());
    heads[band] = *head;
  }
  ClusterMatch best;
  for (int compared = 0; compared < kMaxClusterCandidates; ++compared) {
    const auto newest =
        std::ranges::max_element(heads, [](const std::optional<Candidate>& a, const std::optional<Candidate>& b) {
          return !a || (b && a->id < b->id);
        });
    if (!*newest) break;
    const Candidate c = **newest;
    keep_nearest(best, simhash, c.simhash, c.cluster_id);
    for (std::size_t band = 0; band < heads.size(); ++band) {
      if (!heads[band] || heads[band]->id != c.id) continue;
      auto head = next_candidate(bands_[band]);
      if (!head) return std::unexpected(head.error());
      heads[band] = *head;
    }
  }
  for (auto& band : bands_) band.reset();
  return best;
}

}  // namespace newsd::store
