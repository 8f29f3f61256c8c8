#pragma once
// Story clusters: candidate lookup through the four 16-bit simhash bands.
// Two simhashes within kNearDuplicateBits differ in at most 3 bits, so by
// pigeonhole at least one of their four bands is identical.
#include <sqlite3.h>

#include <array>
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

/// At most this many candidates are compared, the most recent first, so a
/// degenerate band (many texts sharing 16 bits) cannot make one insert slow.
inline constexpr int kMaxClusterCandidates = 256;

/// The candidates sharing band 0..3 (?1, the band's value), newest first,
/// except ?2 (an id). Each reads its expression index backwards (equal keys
/// are in rowid order), so no statement sorts: one statement ORDERing the
/// OR of the four bands by id made SQLite build and drop a temporary B-tree
/// on every insert (docs/performance.md).
inline constexpr std::array<const char*, 4> kBandCandidatesSql = {
    "SELECT id, simhash, coalesce(cluster_id, id) FROM articles WHERE (simhash & 65535) = ?1 AND id <> ?2 "
    "ORDER BY id DESC LIMIT 256",
    "SELECT id, simhash, coalesce(cluster_id, id) FROM articles WHERE ((simhash >> 16) & 65535) = ?1 AND id <> ?2 "
    "ORDER BY id DESC LIMIT 256",
    "SELECT id, simhash, coalesce(cluster_id, id) FROM articles WHERE ((simhash >> 32) & 65535) = ?1 AND id <> ?2 "
    "ORDER BY id DESC LIMIT 256",
    "SELECT id, simhash, coalesce(cluster_id, id) FROM articles WHERE ((simhash >> 48) & 65535) = ?1 AND id <> ?2 "
    "ORDER BY id DESC LIMIT 256",
};
static_assert(kMaxClusterCandidates == 256, "the LIMIT in kBandCandidatesSql");

/// The four band look-ups, prepared once per connection.
class ClusterLookup {
 public:
  static Result<ClusterLookup> prepare(sqlite3* db);

  /// Finds the stored article nearest to `simhash` (excluding `self_id`)
  /// and returns its cluster when within kNearDuplicateBits. The candidates
  /// are the kMaxClusterCandidates most recent articles sharing any band,
  /// compared newest first, so of two equally near the newer one wins.
  Result<ClusterMatch> find(std::uint64_t simhash, std::int64_t self_id);

 private:
  std::array<sql::Stmt, 4> bands_;
};

}  // namespace newsd::store
