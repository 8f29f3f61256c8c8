#pragma once
/// The engine's agenda: every active feed with the time it falls due, kept
/// as a priority queue ordered by that time (earliest first; ties by feed id,
/// so the order is reproducible). Pure data: no clock, no threads — the
/// engine's coordinator thread owns it and passes `now` in.
#include <chrono>
#include <cstdint>
#include <optional>
#include <queue>
#include <unordered_map>
#include <vector>

namespace newsd::ingest {

class Scheduler {
 public:
  using FeedId = std::int64_t;
  using Time = std::chrono::sys_seconds;

  /// Schedules `feed` at `due`, replacing any time it had.
  void schedule(FeedId feed, Time due);

  /// Takes `feed` off the agenda (removed from the config, gone, or in
  /// flight: a feed being polled is rescheduled when its poll ends).
  void remove(FeedId feed);

  /// True if `feed` is on the agenda.
  [[nodiscard]] bool contains(FeedId feed) const { return due_.contains(feed); }

  /// The earliest due feed if it is due at `now` (due <= now), taken off the
  /// agenda; nullopt if none is due yet.
  std::optional<FeedId> pop_due(Time now);

  /// When the earliest feed falls due; nullopt when the agenda is empty.
  [[nodiscard]] std::optional<Time> next_due() const;

  /// Feeds due at `now` still waiting (for STATUS= and metrics).
  [[nodiscard]] std::size_t due_count(Time now) const;

  /// How late the most overdue feed is at `now` (zero if none is due).
  [[nodiscard]] std::chrono::seconds oldest_lateness(Time now) const;

  [[nodiscard]] std::size_t size() const { return due_.size(); }

 private:
  struct Slot {
    Time due;
    FeedId feed;
    bool operator>(const Slot& o) const { return due != o.due ? due > o.due : feed > o.feed; }
  };
  void drop_stale() const;

  // A heap with lazy deletion: `due_` is the truth; heap slots whose time no
  // longer matches it are skipped when they reach the top.
  mutable std::priority_queue<Slot, std::vector<Slot>, std::greater<>> heap_;
  std::unordered_map<FeedId, Time> due_;
};

}  // namespace newsd::ingest
