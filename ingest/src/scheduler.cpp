#include "newsd/ingest/scheduler.hpp"

#include <algorithm>

namespace newsd::ingest {

void Scheduler::schedule(FeedId feed, Time due) {
  due_[feed] = due;
  heap_.push({due, feed});
  // Rescheduling leaves the old slot behind; rebuild before stale slots
  // outnumber live ones, so memory stays proportional to the feed count.
  if (heap_.size() > 2 * due_.size() + 64) {
    std::vector<Slot> live;
    live.reserve(due_.size());
    for (const auto& [id, at] : due_) live.push_back({at, id});
    heap_ = decltype(heap_)(std::greater<>{}, std::move(live));
  }
}

void Scheduler::remove(FeedId feed) { due_.erase(feed); }

void Scheduler::drop_stale() const {
  while (!heap_.empty()) {
    const auto& top = heap_.top();
    auto it = due_.find(top.feed);
    if (it != due_.end() && it->second == top.due) return;
    heap_.pop();
  }
}

std::optional<Scheduler::FeedId> Scheduler::pop_due(Time now) {
  drop_stale();
  if (heap_.empty() || heap_.top().due > now) return std::nullopt;
  const FeedId feed = heap_.top().feed;
  heap_.pop();
  due_.erase(feed);
  return feed;
}

std::optional<Scheduler::Time> Scheduler::next_due() const {
  drop_stale();
  if (heap_.empty()) return std::nullopt;
  return heap_.top().due;
}

std::size_t Scheduler::due_count(Time now) const {
  return static_cast<std::size_t>(std::ranges::count_if(due_, [&](const auto& kv) { return kv.second <= now; }));
}

std::chrono::seconds Scheduler::oldest_lateness(Time now) const {
  const auto next = next_due();
  return next && *next < now ? now - *next : std::chrono::seconds{0};
}

}  // namespace newsd::ingest
