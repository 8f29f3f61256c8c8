// Story-cluster candidates (store/src/dedup.hpp): the four band look-ups,
// merged newest first, pick the same cluster as the one statement over the
// OR of the bands that they replaced, including past the candidate bound.
#include <sqlite3.h>

#include <random>

#include "dedup.hpp"
#include "fingerprint.hpp"
#include "schema.hpp"
#include "sqlite.hpp"
#include "store_fixture.hpp"
#include "tokenizer.hpp"

namespace newsd::store::testing {
namespace {

// The statement ClusterLookup replaced, kept here as the reference.
constexpr const char* kReferenceSql =
    "SELECT id, simhash, coalesce(cluster_id, id) FROM articles WHERE id <> ?5 AND ("
    "(simhash & 65535) = ?1 OR ((simhash >> 16) & 65535) = ?2 OR "
    "((simhash >> 32) & 65535) = ?3 OR ((simhash >> 48) & 65535) = ?4) "
    "ORDER BY id DESC LIMIT 256";

std::uint64_t with_bands(std::uint64_t b0, std::uint64_t b1, std::uint64_t b2, std::uint64_t b3) {
  return b0 | (b1 << 16) | (b2 << 32) | (b3 << 48);
}

class ClusterLookupTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db_path_.c_str(), &raw), SQLITE_OK);
    db_.reset(raw);
    ASSERT_TRUE(register_tokenizer(raw).has_value());
    ASSERT_TRUE(migrate(raw).has_value());
    ASSERT_TRUE(sql::exec(raw, "INSERT INTO feeds (id, url) VALUES (1, 'https://a.example/rss')").has_value());
    auto insert =
        sql::Stmt::prepare(raw,
                           "INSERT INTO articles (id, feed_id, canonical_url, url, fetched_at, simhash, cluster_id) "
                           "VALUES (?1, 1, 'https://a.example/' || ?1, 'https://a.example/' || ?1, 0, ?2, ?3)");
    ASSERT_TRUE(insert.has_value());
    insert_ = std::move(*insert);
    auto lookup = ClusterLookup::prepare(raw);
    ASSERT_TRUE(lookup.has_value()) << lookup.error().describe();
    lookup_ = std::move(*lookup);
  }

  void add(std::int64_t id, std::uint64_t simhash, std::optional<std::int64_t> cluster = std::nullopt) {
    insert_.bind(1, id).bind(2, static_cast<std::int64_t>(simhash)).bind(3, cluster);
    auto ok = insert_.run();
    ASSERT_TRUE(ok.has_value()) << ok.error().describe();
  }

  ClusterMatch find(std::uint64_t simhash, std::int64_t self_id = 0) {
    auto match = lookup_.find(simhash, self_id);
    EXPECT_TRUE(match.has_value()) << match.error().describe();
    return match.value_or(ClusterMatch{});
  }

  ClusterMatch reference(std::uint64_t simhash, std::int64_t self_id) {
    auto stmt = sql::Stmt::prepare(db_.get(), kReferenceSql);
    EXPECT_TRUE(stmt.has_value());
    for (int band = 0; band < 4; ++band) stmt->bind(band + 1, simhash_band(simhash, band));
    stmt->bind(5, self_id);
    ClusterMatch best;
    auto rows = stmt->each_row(
        [&] { keep_nearest(best, simhash, static_cast<std::uint64_t>(stmt->int64(1)), stmt->int64(2)); });
    EXPECT_TRUE(rows.has_value());
    return best;
  }

  sql::DbPtr db_;
  sql::Stmt insert_;
  ClusterLookup lookup_;
};

TEST_F(ClusterLookupTest, ANearDuplicateIsFoundThroughAnyOneBand) {
  for (int band = 0; band < 4; ++band) {
    const std::int64_t id = 10 + band;
    // Shares only `band` with the probe: one bit differs in each other band.
    const std::uint64_t base = 0x1000ULL * static_cast<std::uint64_t>(band + 1);
    const std::uint64_t stored = with_bands(base + 1, base + 2, base + 3, base + 4);
    std::uint64_t probe = stored;
    for (int other = 0; other < 4; ++other) {
      if (other != band) probe ^= 1ULL << (16 * other);
    }
    add(id, stored, 100 + band);
    const auto match = find(probe);
    EXPECT_EQ(match.cluster_id, 100 + band) << "band " << band;
    EXPECT_EQ(match.distance, 3);
  }
}

TEST_F(ClusterLookupTest, NothingWithinThreeBitsMeansNoCluster) {
  const std::uint64_t stored = with_bands(0x1111, 0x2222, 0x3333, 0x4444);
  add(1, stored);
  EXPECT_EQ(find(stored ^ 0xFULL).cluster_id, 0);        // four bits apart, band 0 differs
  EXPECT_EQ(find(stored, /*self_id=*/1).cluster_id, 0);  // itself is never its own candidate
  EXPECT_EQ(find(stored).cluster_id, 1);                 // no cluster yet: its own id
}

TEST_F(ClusterLookupTest, OfTwoEquallyNearTheNewerWins) {
  const std::uint64_t probe = with_bands(0x1111, 0x2222, 0x3333, 0x4444);
  add(5, probe ^ 0x1ULL, 50);          // one bit apart, band 0 differs
  add(9, probe ^ (0x1ULL << 48), 90);  // one bit apart, band 3 differs
  add(7, probe ^ (0x3ULL << 16), 70);  // two bits apart
  EXPECT_EQ(find(probe).cluster_id, 90);
}

TEST_F(ClusterLookupTest, OnlyTheMostRecentCandidatesAreCompared) {
  const std::uint64_t probe = with_bands(0x1111, 0x2222, 0x3333, 0x4444);
  // The one near duplicate is the oldest; 256 newer articles share a band
  // with the probe but are far from it.
  add(1, probe ^ 0x1ULL, 1);
  for (std::int64_t id = 2; id <= 1 + kMaxClusterCandidates; ++id) {
    add(id, with_bands(0x9999, 0x2222, 0x8888, 0x7777) ^ (static_cast<std::uint64_t>(id) << 32));
  }
  EXPECT_EQ(find(probe).cluster_id, 0);
  // Without one of the newer ones (the article itself, when re-clustered)
  // the near duplicate is within the bound.
  EXPECT_EQ(find(probe, /*self_id=*/2).cluster_id, 1);
}

// Random stores whose bands are drawn from a few values each, so that
// buckets hold far more than the candidate bound and articles share several
// bands with a probe; probes are stored simhashes with 0-4 bits flipped.
TEST_F(ClusterLookupTest, PicksWhatTheSingleOrderedStatementPicked) {
  std::mt19937_64 rng(20261201);
  const auto band_value = [&](std::uint64_t spread) { return (rng() % spread) * 0x0101; };
  std::vector<std::uint64_t> stored;
  for (std::int64_t id = 1; id <= 1500; ++id) {
    const std::uint64_t b0 = band_value(2), b1 = band_value(3), b2 = band_value(8), b3 = band_value(40);
    std::uint64_t simhash = with_bands(b0, b1, b2, b3);
    if (id % 2 == 0) simhash ^= 1ULL << (rng() % 64);
    const bool own_cluster = rng() % 4 == 0;
    add(id, simhash, own_cluster ? std::nullopt : std::optional<std::int64_t>(1 + rng() % id));
    stored.push_back(simhash);
  }
  auto biggest = sql::Stmt::prepare(db_.get(),
                                    "SELECT max(n) FROM (SELECT count(*) AS n FROM articles "
                                    "GROUP BY (simhash & 65535))");
  ASSERT_TRUE(biggest.has_value() && biggest->step().value_or(false));
  ASSERT_GT(biggest->int64(0), 2 * kMaxClusterCandidates);
  int matched = 0;
  for (int probe_no = 0; probe_no < 400; ++probe_no) {
    std::uint64_t probe = stored[rng() % stored.size()];
    for (auto flips = rng() % 5; flips > 0; --flips) probe ^= 1ULL << (rng() % 64);
    const auto self = static_cast<std::int64_t>(rng() % 1600);
    const auto want = reference(probe, self);
    const auto got = find(probe, self);
    EXPECT_EQ(got.cluster_id, want.cluster_id) << "probe " << probe_no;
    EXPECT_EQ(got.distance, want.distance) << "probe " << probe_no;
    if (want.cluster_id != 0) ++matched;
  }
  // The comparison means something only if many probes found a cluster.
  EXPECT_GT(matched, 100);
}

// The point of the four statements: no temporary B-tree per look-up.
TEST_F(ClusterLookupTest, NoBandStatementSorts) {
  for (std::size_t band = 0; band < kBandCandidatesSql.size(); ++band) {
    auto plan = sql::Stmt::prepare(db_.get(), std::string("EXPLAIN QUERY PLAN ") + kBandCandidatesSql[band]);
    ASSERT_TRUE(plan.has_value());
    std::string details;
    ASSERT_TRUE(plan->each_row([&] { details += plan->text(3) + "\n"; }).has_value());
    EXPECT_THAT(details, ::testing::HasSubstr("USING INDEX articles_by_simhash_band" + std::to_string(band)));
    EXPECT_THAT(details, ::testing::Not(::testing::HasSubstr("TEMP B-TREE"))) << details;
  }
}

}  // namespace
}  // namespace newsd::store::testing
