#pragma once
// The engine's inside, shared by its two halves: engine.cpp (the
// coordinator loop, admission, configuration and the Engine API) and
// engine_poll.cpp (one poll's way through the pipeline: the feed fetched
// and parsed, its entries planned, their pages fetched, extracted, tagged
// and handed to the writer, and the feed's outcome). Not an interface: only
// those two files include it.
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>
#include <variant>

#include "engine_sources.hpp"
#include "leases.hpp"
#include "newsd/fetch/io_loop.hpp"
#include "newsd/ingest/engine.hpp"
#include "newsd/ingest/engine_rules.hpp"
#include "newsd/ingest/scheduler.hpp"
#include "newsd/ingest/store_writer.hpp"
#include "newsd/ingest/tagging.hpp"
#include "newsd/ingest/worker_pool.hpp"
#include "newsd/parse/extract.hpp"

namespace newsd::ingest {

using SteadyClock = std::chrono::steady_clock;
inline SysSeconds now_seconds() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

// One new entry on its way: its page fetched and extracted (or its own
// text built), classified and handed to the writer.
struct PageJob {
  std::int64_t feed_id = 0;
  std::shared_ptr<const config::FeedConfig> feed;
  NewEntry item;
};
using Job = std::shared_ptr<const PageJob>;

// Events: what the I/O callbacks and the workers tell the coordinator.
struct FeedFetched {
  std::int64_t feed_id;
  Result<fetch::Response> result;
};
struct FeedParsed {
  std::int64_t feed_id;
  SourceDocument doc;
};
// A child of a sitemap index, fetched and then read.
struct ChildFetched {
  std::int64_t feed_id;
  parse::SitemapChild child;
  Result<fetch::Response> result;
};
struct ChildParsed {
  std::int64_t feed_id;
  parse::SitemapChild child;
  SourceDocument doc;
};
struct PageFetched {
  Job job;
  Result<fetch::Response> result;
};
struct PageDone {
  Job job;
  bool without_text = false;  ///< nothing to store: neither the page nor the entry had text
  bool failed = false;        ///< the page could not be fetched
  bool for_good = false;      ///< ... and fetching it again cannot help
  std::uint64_t ticket = 0;   ///< its article's ticket from the writer (StoreWriter::write), 0 if none
};
using Event = std::variant<FeedFetched, FeedParsed, ChildFetched, ChildParsed, PageFetched, PageDone>;

// The coordinator's inbox. Producers never wait: the deque is unbounded,
// and admission keeps it small (one event per feed and page in flight).
class Inbox {
 public:
  void push(Event e) {
    {
      std::lock_guard lock(mutex_);
      events_.push_back(std::move(e));
    }
    wake_.notify_one();
  }
  std::deque<Event> wait(SteadyClock::time_point deadline) {
    std::unique_lock lock(mutex_);
    wake_.wait_until(lock, deadline, [&] { return !events_.empty(); });
    return std::exchange(events_, {});
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Event> events_;
};

struct Engine::Impl {
  struct Feed {
    std::shared_ptr<const config::FeedConfig> cfg;
    store::FeedState state;
  };
  struct Poll {
    Feed feed;  // as it was when the poll started
    PollFacts facts;
    int pages_pending = 0;
    int children_pending = 0;            // sitemap index children being fetched or read
    std::vector<parse::Entry> gathered;  // their recent entries, planned once the last one is read
    bool planned = false;                // its new entries are known (plan_links ran)
  };

  config::Config cfg;
  // Destroyed bottom-up: the I/O loop first (its callbacks push to the
  // inbox), then the workers (they write to the writer), then the writer,
  // then the shared-store leases (the writer's hook ends leases).
  Inbox inbox;
  std::unique_ptr<SharedFeeds> shared;  // PostgreSQL store only: leases, heartbeat, host budgets
  std::unique_ptr<StoreWriter> writer;
  std::unique_ptr<store::Store> reader;
  std::shared_ptr<const Tagging> tagging;  // swapped whole on reload
  mutable std::mutex tagging_mutex;
  std::unique_ptr<WorkerPool> pool;
  std::unique_ptr<fetch::IoLoop> io;

  std::vector<std::int64_t> order;  // configured feeds, in config order
  std::unordered_map<std::int64_t, Feed> feeds;
  Scheduler agenda;
  std::unordered_map<std::int64_t, Poll> polls;
  std::deque<Job> waiting_pages;
  std::size_t pages_in_flight = 0;
  std::size_t unplanned_polls = 0;                         // polls whose entries are not planned yet
  double fresh_per_poll = 0;                               // moving average of the new entries a planned poll brings
  std::unordered_map<std::string, std::int64_t> fetching;  // canonical URL -> feed fetching it
  // Canonical URL -> the writer's ticket of its article, handed to the writer
  // and perhaps not committed yet: the reader may not see it, so a feed
  // planning it meanwhile must not take it for new (and fetch it again).
  std::unordered_map<std::string, std::uint64_t> committing;
  std::unordered_multimap<std::string, SourceSighting> after_page;  // canonical URL -> sightings to record after
  std::set<std::int64_t> failing;
  SharedFeeds::Batch outgoing;  // requests made this turn, sent together by send_outgoing()
  SteadyClock::time_point next_claim{};

  IngestReport* report = nullptr;
  bool once = false;
  bool abandoned = false;
  std::int64_t stored_today = 0;
  std::chrono::sys_days today{};

  // ---- coordinator -------------------------------------------------------
  std::size_t admissible() const;
  bool has_room() const { return admissible() > 0; }
  void forget_poll(std::unordered_map<std::int64_t, Poll>::iterator it);
  void admit(SysSeconds now);
  void claim_due(SysSeconds now);
  void claim_named(SysSeconds now);
  void start_leased(store::FeedState state);
  void start_poll(std::int64_t id);
  void send(fetch::Request request, fetch::IoLoop::Callback done);
  void send_outgoing();
  void handle(Event& e);
  void on_feed_fetched(FeedFetched& e);
  void on_feed_parsed(FeedParsed& e);
  void take_feed_facts(Poll& poll, const parse::ParsedFeed& parsed);
  void start_children(std::int64_t id, Poll& poll, const std::vector<parse::SitemapChild>& listed);
  void on_child_fetched(ChildFetched& e);
  void on_child_parsed(ChildParsed& e);
  void child_done(std::int64_t id, Poll& poll);
  void plan_links(std::int64_t id, Poll& poll, std::span<const parse::Entry> entries, bool compare_links);
  void queue_entries(std::int64_t id, Poll& poll, EntryPlan& plan, SysSeconds now);
  void pump_pages();
  void on_page_fetched(PageFetched& e);
  void on_page_done(const PageDone& e);
  bool awaiting_commit(const std::string& canonical) const;
  void fail_poll(std::int64_t id, Poll& poll, std::string error, FailureClass failure);
  void finish_poll(std::int64_t id);
  bool drop_if_removed(std::int64_t id);
  void drop_poll(std::int64_t id);
  void remember(std::int64_t id, const FeedAfterPoll& after);
  void collect_writes();
  SteadyClock::time_point wake_time(SteadyClock::time_point next_tick) const;
  // ---- workers -----------------------------------------------------------
  // The ticket of the article handed to the writer; nullopt when there was
  // no text to store.
  std::optional<std::uint64_t> store_article(const PageJob& job, const std::optional<parse::ExtractedArticle>& page,
                                             const std::string& page_url);
  std::shared_ptr<const Tagging> current_tagging() const {
    std::lock_guard lock(tagging_mutex);
    return tagging;
  }
  // ---- configuration -----------------------------------------------------
  Result<std::vector<std::int64_t>> register_feeds(const config::Config& given,
                                                   std::vector<config::FeedConfig>& running);
  std::int64_t adopt_feed(const config::FeedConfig& feed, store::FeedState state);
  void schedule_from_store(std::int64_t id);
};

}  // namespace newsd::ingest
