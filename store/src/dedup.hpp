#pragma once
// Story clusters: candidate lookup through the four 16-bit simhash bands.
// Two simhashes within kNearDuplicateBits differ in at most 3 bits, so by
// pigeonhole at least one of their four bands is identical.
#include <sqlite3.h>

#include <cstdint>

#include "newsd/base/error.hpp"
#include "sqlite.hpp"

namespace newsd::store {

struct ClusterMatch {
  std::int64_t cluster_id = 0;  ///< 0 = no near-duplicate stored
  int distance = 64;
};

/// Takes the stored article (`candidate` simhash, in `cluster_id`) as the
/// match of `simhash` when it is within kNearDuplicateBits and nearer than
/// `best`: the one rule every backend's candidate scan applies.
void keep_nearest(ClusterMatch& best, std::uint64_t simhash, std::uint64_t candidate, std::int64_t cluster_id);

/// Finds the stored article nearest to `simhash` (excluding `self_id`) and
/// returns its cluster when within kNearDuplicateBits. `lookup` must be the
/// statement prepared from kClusterCandidatesSql.
Result<ClusterMatch> find_cluster(sql::Stmt& lookup, std::uint64_t simhash, std::int64_t self_id);

/// Candidates sharing a band, most recent first (bounded, so a degenerate
/// bucket cannot make one insert slow). ?1..?4 = bands 0..3, ?5 = self id.
inline constexpr const char* kClusterCandidatesSql =
    "SELECT id, simhash, coalesce(cluster_id, id) FROM articles WHERE id <> ?5 AND ("
    "(simhash & 65535) = ?1 OR ((simhash >> 16) & 65535) = ?2 OR "
    "((simhash >> 32) & 65535) = ?3 OR ((simhash >> 48) & 65535) = ?4) "
    "ORDER BY id DESC LIMIT 256";

}  // namespace newsd::store
