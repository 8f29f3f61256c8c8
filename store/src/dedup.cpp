#include "dedup.hpp"

#include "fingerprint.hpp"
#include "newsd/store/store.hpp"

namespace newsd::store {

void keep_nearest(ClusterMatch& best, std::uint64_t simhash, std::uint64_t candidate, std::int64_t cluster_id) {
  const int distance = hamming_distance(simhash, candidate);
  if (distance <= kNearDuplicateBits && distance < best.distance) best = {cluster_id, distance};
}

Result<ClusterMatch> find_cluster(sql::Stmt& lookup, std::uint64_t simhash, std::int64_t self_id) {
  lookup.reset();
  for (int band = 0; band < 4; ++band) lookup.bind(band + 1, simhash_band(simhash, band));
  lookup.bind(5, self_id);
  ClusterMatch best;
  auto rows = lookup.each_row(
      [&] { keep_nearest(best, simhash, static_cast<std::uint64_t>(lookup.int64(1)), lookup.int64(2)); });
  if (!rows) return std::unexpected(rows.error());
  lookup.reset();
  return best;
}

}  // namespace newsd::store
