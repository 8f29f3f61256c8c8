#pragma once
/// How long each pipeline stage takes, as cumulative histograms for
/// /metrics. Process-wide (one engine per process): the stages record from
/// whatever thread runs them, lock-free, and readers take a snapshot.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

namespace newsd::ingest {

enum class Stage { fetch, parse, extract, classify, write };
inline constexpr std::array<Stage, 5> kStages{Stage::fetch, Stage::parse, Stage::extract, Stage::classify,
                                              Stage::write};
std::string_view to_string(Stage stage) noexcept;

/// Bucket upper bounds in seconds (Prometheus `le`), +Inf implied.
inline constexpr std::array<double, 12> kStageBuckets{0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

struct StageHistogram {
  std::array<std::uint64_t, kStageBuckets.size() + 1> buckets{};  ///< per bucket (not cumulative), last = above 10 s
  double sum_seconds = 0;
  std::uint64_t count = 0;
};

class StageTimings {
 public:
  void record(Stage stage, std::chrono::nanoseconds took) noexcept;
  [[nodiscard]] StageHistogram snapshot(Stage stage) const noexcept;

 private:
  struct Cells {
    std::array<std::atomic<std::uint64_t>, kStageBuckets.size() + 1> buckets{};
    std::atomic<std::uint64_t> sum_ns{0};
  };
  std::array<Cells, kStages.size()> cells_;
};

/// The process's timings: fetch = one transfer (retries included), parse =
/// one feed document, extract = one page, classify = one article's tags,
/// write = one committed batch of articles.
StageTimings& stage_timings() noexcept;

/// Records the time from construction to destruction under `stage`.
class StageTimer {
 public:
  explicit StageTimer(Stage stage) noexcept : stage_(stage), start_(std::chrono::steady_clock::now()) {}
  ~StageTimer() { stage_timings().record(stage_, std::chrono::steady_clock::now() - start_); }
  StageTimer(const StageTimer&) = delete;
  StageTimer& operator=(const StageTimer&) = delete;

 private:
  Stage stage_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace newsd::ingest
