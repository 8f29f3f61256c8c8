#include "newsd/ingest/engine.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <set>
#include <unordered_map>
#include <variant>

#include "engine_sources.hpp"
#include "leases.hpp"
#include "newsd/base/log.hpp"
#include "newsd/fetch/io_loop.hpp"
#include "newsd/ingest/article_builder.hpp"
#include "newsd/ingest/engine_rules.hpp"
#include "newsd/ingest/feed_list.hpp"
#include "newsd/ingest/scheduler.hpp"
#include "newsd/ingest/stage_timings.hpp"
#include "newsd/ingest/tagging.hpp"
#include "newsd/ingest/worker_pool.hpp"
#include "newsd/parse/extract.hpp"
#include "newsd/parse/feed.hpp"
#include "newsd/store/index_terms.hpp"

namespace newsd::ingest {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr auto kTick = std::chrono::milliseconds{500};
// Shared store: how often the coordinator asks the database for due feeds
// when its last claim left slots free (nothing more was due), and when it
// filled them (more may be waiting: ask again once there is room).
constexpr auto kClaimEvery = std::chrono::seconds{1};
constexpr auto kClaimSoon = std::chrono::milliseconds{100};

SysSeconds now_seconds() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

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

// The request for a configured feed. The one place feed requests are built.
fetch::Request feed_request(const config::FeedConfig& feed, const store::FeedState& state) {
  return {state.url.empty() ? feed.url : state.url, state.etag, state.last_modified};
}

// The request for an entry's page. The one place page requests are built.
// Entry links are the feed's content, so untrusted: the fetcher allows them
// only on the configured feed's origin, or past the address guard.
fetch::Request page_request(const PageJob& job) { return {job.item.address.url, {}, {}, job.feed->url}; }

const std::string& effective_url(const fetch::Response& r) { return r.final_url.empty() ? r.url : r.final_url; }

// The request for a sitemap index's child. Like an entry's page, it is the
// index's content: trusted only on the configured source's origin.
fetch::Request child_request(const config::FeedConfig& feed, const parse::SitemapChild& child) {
  return {child.url, {}, {}, feed.url};
}

// The one place article pages are extracted.
std::optional<parse::ExtractedArticle> extract_page(const fetch::Response& r, const config::ExtractConfig& cfg,
                                                    const config::LimitsConfig& limits) {
  const StageTimer timer(Stage::extract);
  auto page = parse::extract_article(r.body, effective_url(r), cfg, r.charset, limits);
  if (!page) {
    log::warn("page.unparseable", {{"url", effective_url(r)}, {"error", page.error().describe()}});
    return std::nullopt;
  }
  if (page->text_cut) log::warn("page.text_cut", {{"url", effective_url(r)}, {"article_chars", limits.article_chars}});
  return std::move(*page);
}

SysSeconds entry_time(const parse::Entry& e, SysSeconds fallback) {
  const auto t = e.published ? e.published : e.updated;
  return t ? std::chrono::floor<std::chrono::seconds>(*t) : fallback;
}

}  // namespace

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
  void fail_poll(std::int64_t id, Poll& poll, std::string error, FailureClass failure);
  void finish_poll(std::int64_t id);
  bool drop_if_removed(std::int64_t id);
  void drop_poll(std::int64_t id);
  void remember(std::int64_t id, const FeedAfterPoll& after);
  void collect_writes();
  SteadyClock::time_point wake_time(SteadyClock::time_point next_tick) const;
  // ---- workers -----------------------------------------------------------
  bool store_article(const PageJob& job, const std::optional<parse::ExtractedArticle>& page,
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

std::size_t Engine::feed_slots(const config::Config& cfg) {
  return static_cast<std::size_t>(2 * std::max(1, cfg.fetch.max_connections));
}

std::size_t Engine::page_slots(const config::Config& cfg) {
  const auto connections = static_cast<std::size_t>(std::max(1, cfg.fetch.max_connections));
  return std::max(connections, std::min(cfg.daemon.queue_capacity, 4 * connections));
}

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Engine::~Engine() = default;

const config::Config& Engine::config() const { return impl_->cfg; }

Result<std::unique_ptr<Engine>> Engine::start(const config::Config& cfg) {
  auto impl = std::make_unique<Impl>();
  impl->cfg = cfg;
  std::error_code ec;
  std::filesystem::create_directories(cfg.store.path.parent_path(), ec);
  if (ec) {
    return fail(Errc::io, "cannot create " + cfg.store.path.parent_path().string() + ": " + ec.message());
  }
  auto writer_store = store::Store::open(cfg.store);
  if (!writer_store) return std::unexpected(writer_store.error());
  auto tagging = Tagging::load(cfg);
  if (!tagging) return std::unexpected(tagging.error());
  impl->tagging = std::move(*tagging);
  auto reader = store::Store::open_readonly(cfg.store);
  if (!reader) return std::unexpected(reader.error());
  impl->reader = std::make_unique<store::Store>(std::move(*reader));
  StoreWriter::AfterOutcome after_outcome;
  if (cfg.store.backend == config::StoreBackend::postgresql) {
    auto shared = SharedFeeds::start(cfg);
    if (!shared) return std::unexpected(shared.error());
    impl->shared = std::move(*shared);
    // The lease ends on the writer thread, after the outcome it protects
    // is committed: a worker that claims the feed next reads that outcome
    // (validators, next poll time) and does not poll it again too soon.
    after_outcome = [shared = impl->shared.get()](store::Store& s, std::int64_t feed_id) {
      shared->release_after_outcome(s, feed_id);
    };
  }
  impl->writer = std::make_unique<StoreWriter>(std::move(*writer_store), cfg.daemon.queue_capacity,
                                               cfg.store.batch_size, std::move(after_outcome));
  auto ids = impl->register_feeds(cfg, impl->cfg.feeds);
  if (!ids) return std::unexpected(ids.error());
  for (const std::int64_t id : *ids) {
    impl->order.push_back(id);
    impl->schedule_from_store(id);
  }
  // One task per admitted feed (its parse) and per admitted page (its
  // extraction): submit never waits for a free backlog slot.
  impl->pool = std::make_unique<WorkerPool>(cfg.daemon.workers, feed_slots(cfg) + page_slots(cfg) + 1);
  impl->io = std::make_unique<fetch::IoLoop>(cfg.fetch);
  log::info("engine.started", {{"db", cfg.store.path.string()},
                               {"feeds", impl->cfg.feeds.size()},
                               {"workers", cfg.daemon.workers},
                               {"feed_slots", feed_slots(cfg)},
                               {"page_slots", page_slots(cfg)},
                               {"taxonomy", cfg.classify.taxonomy.string()}});
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

// On SQLite the feeds are the config's. On PostgreSQL they are the
// database's list (feed_list.hpp), after the config's own have been written
// into it; read on the writer thread after what is queued, so each state is
// the one just committed. The states come with the list, never from
// ensure_feed: that would put back a feed removed after the list was read.
Result<std::vector<std::int64_t>> Engine::Impl::register_feeds(const config::Config& given,
                                                               std::vector<config::FeedConfig>& running) {
  std::vector<std::int64_t> ids;
  if (cfg.store.backend != config::StoreBackend::postgresql) {  // the store open, not what a reload asks for
    std::vector<store::FeedState> states;
    auto r = writer->run_exclusive([&](store::Store& s) -> Result<void> {
      auto ensured = s.ensure_feeds(given.feeds);
      if (!ensured) return std::unexpected(ensured.error());
      states = std::move(*ensured);
      return {};
    });
    if (!r) return std::unexpected(r.error());
    for (std::size_t i = 0; i < states.size(); ++i) ids.push_back(adopt_feed(given.feeds[i], std::move(states[i])));
    running = given.feeds;
    return ids;
  }
  StoreFeedList list;
  auto r = writer->run_exclusive([&](store::Store& s) -> Result<void> {
    if (auto put = put_feeds(s, given.feeds); !put) return std::unexpected(put.error());
    auto read = read_feed_list(s);
    if (!read) return std::unexpected(read.error());
    list = std::move(*read);
    return {};
  });
  if (!r) return std::unexpected(r.error());
  for (std::size_t i = 0; i < list.feeds.size(); ++i) ids.push_back(adopt_feed(list.feeds[i], list.states[i]));
  running = std::move(list.feeds);
  return ids;
}

std::int64_t Engine::Impl::adopt_feed(const config::FeedConfig& feed, store::FeedState state) {
  feeds[state.id] = Feed{std::make_shared<const config::FeedConfig>(feed), state};
  if (state.consecutive_errors > 0) {
    failing.insert(state.id);
  } else {
    failing.erase(state.id);
  }
  return state.id;
}

void Engine::Impl::schedule_from_store(std::int64_t id) {
  // A shared store is the agenda of every worker: `run` claims due feeds
  // from it (claim_due), so a local agenda could only go stale.
  if (shared) return;
  const Feed& f = feeds.at(id);
  if (f.state.state == "gone" || polls.contains(id)) return;
  agenda.schedule(id, f.state.next_fetch_at.value_or(SysSeconds{}));
}

Result<std::vector<FeedPlan>> Engine::plans() {
  auto states = impl_->reader->feeds();
  if (!states) return std::unexpected(states.error());
  std::vector<FeedPlan> out;
  for (const std::int64_t id : impl_->order) {
    auto it = std::ranges::find(*states, id, &store::FeedState::id);
    if (it == states->end()) return fail(Errc::internal, "feed " + std::to_string(id) + " missing from the store");
    out.push_back({*impl_->feeds.at(id).cfg, *it});
  }
  return out;
}

// ---- the coordinator loop ---------------------------------------------------

IngestReport Engine::run(const RunControl& control) {
  Impl& d = *impl_;
  IngestReport report;
  d.report = &report;
  d.once = control.once;
  d.abandoned = false;
  if (control.once) {
    for (const std::int64_t id : d.order) d.agenda.schedule(id, SysSeconds{});
  }
  const auto started = SteadyClock::now();
  auto next_tick = started;
  for (;;) {
    const bool stopping = control.stop && control.stop();
    if (stopping && !d.abandoned && control.abandon && control.abandon()) {
      d.abandoned = true;
      report.cancelled = !d.polls.empty();
      d.io->cancel_all();
    }
    if (!stopping) d.admit(now_seconds());
    d.send_outgoing();  // what admission and the last events asked for
    if (d.polls.empty() && (stopping || (control.once && d.agenda.size() == 0))) break;
    for (auto& event : d.inbox.wait(d.wake_time(next_tick))) d.handle(event);
    if (SteadyClock::now() >= next_tick) {
      d.collect_writes();
      if (control.on_tick) control.on_tick(*this);
      next_tick = SteadyClock::now() + kTick;
    }
  }
  d.writer->flush();
  d.collect_writes();
  if (control.once) d.agenda = Scheduler{};
  log::info("ingest.done",
            {{"fetched", report.feeds_fetched},
             {"not_modified", report.feeds_not_modified},
             {"failed", report.feeds_failed},
             {"pages", report.pages_fetched},
             {"pages_failed", report.pages_failed},
             {"inserted", report.articles_inserted},
             {"duplicates", report.articles_duplicate},
             {"writes_failed", report.writes_failed},
             {"cancelled", report.cancelled},
             {"ms", std::chrono::duration_cast<std::chrono::milliseconds>(SteadyClock::now() - started).count()}});
  d.report = nullptr;
  return report;
}

SteadyClock::time_point Engine::Impl::wake_time(SteadyClock::time_point next_tick) const {
  auto deadline = next_tick;
  if (shared && !once) return has_room() ? std::min(deadline, next_claim) : deadline;
  if (auto due = agenda.next_due(); due && has_room()) {
    const auto until = *due - now_seconds();
    deadline = std::min(deadline, SteadyClock::now() + std::max(until, std::chrono::seconds{0}));
  }
  return deadline;
}

std::size_t Engine::Impl::admissible() const {
  return admissible_feeds({.polls = polls.size(),
                           .unplanned_polls = unplanned_polls,
                           .pages = pages_in_flight + waiting_pages.size(),
                           .feed_slots = feed_slots(cfg),
                           .page_slots = page_slots(cfg),
                           .fresh_per_poll = fresh_per_poll});
}

void Engine::Impl::admit(SysSeconds now) {
  if (shared) {
    if (once) {
      claim_named(now);
    } else {
      claim_due(now);
    }
    return;
  }
  while (has_room()) {
    auto id = agenda.pop_due(now);
    if (!id) return;
    start_poll(*id);
  }
}

// Shared store, `run`: the database says what is due, and a feed is
// polled only by the worker that leased it. Claims are as large as the
// free feed slots and at most one per kClaimEvery while nothing more is due.
void Engine::Impl::claim_due(SysSeconds now) {
  const auto steady = SteadyClock::now();
  if (!has_room() || steady < next_claim) return;
  const std::size_t free = admissible();
  auto leased = shared->claim_due(now, static_cast<int>(free));
  next_claim = steady + (leased.size() == free ? std::chrono::duration_cast<SteadyClock::duration>(kClaimSoon)
                                               : std::chrono::duration_cast<SteadyClock::duration>(kClaimEvery));
  for (auto& state : leased) start_leased(std::move(state));
}

// Shared store, `once`: every configured feed (the agenda holds them all),
// except those another worker is polling right now.
void Engine::Impl::claim_named(SysSeconds now) {
  while (has_room()) {
    std::vector<std::int64_t> ids;
    const std::size_t free = admissible();
    while (ids.size() < free) {
      auto id = agenda.pop_due(now);
      if (!id) break;
      ids.push_back(*id);
    }
    if (ids.empty()) return;
    auto leased = shared->claim(ids, now);
    for (const auto id : ids) {
      if (std::ranges::find(leased, id, &store::FeedState::id) == leased.end()) {
        log::info("feed.skipped", {{"url", feeds.at(id).cfg->url}, {"reason", "leased by another worker"}});
      }
    }
    for (auto& state : leased) start_leased(std::move(state));
  }
}

void Engine::Impl::start_leased(store::FeedState state) {
  const std::int64_t id = state.id;
  auto it = feeds.find(id);
  if (it == feeds.end()) {
    // In the database but not in this process's feed list (another
    // worker's config, or not reloaded here yet): give it back at once.
    log::info("feed.lease_returned", {{"url", state.url}, {"reason", "not configured in this process"}});
    shared->release(id);
    return;
  }
  // The stored state, not the one this process last wrote: another worker
  // may have polled the feed since (validators, errors, rate, next time).
  it->second.state = std::move(state);
  if (it->second.state.consecutive_errors > 0) {
    failing.insert(id);
  } else {
    failing.erase(id);
  }
  start_poll(id);
}

void Engine::Impl::start_poll(std::int64_t id) {
  auto [it, added] = polls.try_emplace(id);
  if (added) ++unplanned_polls;
  Poll& poll = it->second;
  poll.feed = feeds.at(id);
  send(feed_request(*poll.feed.cfg, poll.feed.state), [this, id](Result<fetch::Response> r) {
    if (r) stage_timings().record(Stage::fetch, r->elapsed);
    inbox.push(FeedFetched{id, std::move(r)});
  });
}

void Engine::Impl::send(fetch::Request request, fetch::IoLoop::Callback done) {
  outgoing.emplace_back(std::move(request), std::move(done));
}

// One submission per coordinator turn: on a shared store the whole turn's
// requests take their host-budget slots in one round trip (a few SQL
// statements on this thread, never on the I/O thread), and the I/O loop
// then holds each until its slot (Request::not_before). The budget gap is
// min_host_interval: the same spacing one process keeps on its own.
void Engine::Impl::send_outgoing() {
  if (outgoing.empty()) return;
  if (shared) {
    shared->space_requests(outgoing,
                           std::chrono::duration_cast<std::chrono::milliseconds>(cfg.fetch.min_host_interval));
  }
  io->submit_all(std::exchange(outgoing, {}));
}

void Engine::Impl::handle(Event& e) {
  std::visit(
      [&](auto& ev) {
        using T = std::decay_t<decltype(ev)>;
        if constexpr (std::is_same_v<T, FeedFetched>) on_feed_fetched(ev);
        if constexpr (std::is_same_v<T, FeedParsed>) on_feed_parsed(ev);
        if constexpr (std::is_same_v<T, ChildFetched>) on_child_fetched(ev);
        if constexpr (std::is_same_v<T, ChildParsed>) on_child_parsed(ev);
        if constexpr (std::is_same_v<T, PageFetched>) on_page_fetched(ev);
        if constexpr (std::is_same_v<T, PageDone>) on_page_done(ev);
      },
      e);
}

void Engine::Impl::on_feed_fetched(FeedFetched& e) {
  auto it = polls.find(e.feed_id);
  if (it == polls.end() || drop_if_removed(e.feed_id)) return;
  Poll& poll = it->second;
  if (!e.result) {
    if (abandoned) {  // cancelled at shutdown: the feed keeps its old state
      drop_poll(e.feed_id);
      return;
    }
    poll.facts.gone = is_gone(e.result.error());
    poll.facts.retry_after = retry_after(e.result.error(), now_seconds());
    fail_poll(e.feed_id, poll, e.result.error().describe(), classify_error(e.result.error()));
    return;
  }
  fetch::Response& response = *e.result;
  if (!response.moved_to.empty()) {
    // 301/308 all the way: the feed lives there now (the store moves it).
    log::info("feed.moved", {{"from", poll.feed.state.url}, {"to", response.moved_to}});
    poll.facts.moved_to = response.moved_to;
  }
  poll.facts.hints = http_hints(response, now_seconds());
  if (response.not_modified) {
    ++report->feeds_not_modified;
    poll.facts.not_modified = true;
    finish_poll(e.feed_id);
    return;
  }
  if (const FailureClass c = classify_feed_answer(response, expects_feed(poll.feed.cfg->type));
      c != FailureClass::none) {
    fail_poll(e.feed_id, poll, "not a feed: " + std::string(to_string(c)) + " from " + effective_url(response), c);
    return;
  }
  poll.facts.etag = response.etag;
  poll.facts.last_modified = response.last_modified;
  // The rules go by value: a reload on the coordinator thread must not
  // change them under a worker.
  pool->submit([this, id = e.feed_id, rules = source_rules(*poll.feed.cfg, cfg), response = std::move(response)] {
    inbox.push(FeedParsed{id, read_source(response, rules)});
  });
}

void Engine::Impl::on_feed_parsed(FeedParsed& e) {
  auto it = polls.find(e.feed_id);
  if (it == polls.end() || drop_if_removed(e.feed_id)) return;
  Poll& poll = it->second;
  const SourceDocument& doc = e.doc;
  if (doc.error) {
    fail_poll(e.feed_id, poll, doc.error->describe(), classify_error(*doc.error));
    return;
  }
  const parse::ParsedFeed& parsed = doc.parsed;
  const bool feed = doc.kind == parse::SourceKind::feed;
  if (feed && parsed.bozo && parsed.entries.empty() && !parsed.feed.title) {
    fail_poll(e.feed_id, poll, "parse: " + parsed.bozo_message, FailureClass::parse);
    return;
  }
  poll.facts.source_type = std::string(parse::to_string(doc.kind));
  // A feed may be empty for a while; a sitemap or section page that lists
  // nothing at all is broken (moved markup, a template change).
  if (!feed && doc.listed == 0) {
    fail_poll(e.feed_id, poll, "no links: the " + *poll.facts.source_type + " lists no article",
              FailureClass::no_links);
    return;
  }
  if (parsed.bozo) log::warn("feed.bozo", {{"url", poll.feed.cfg->url}, {"reason", parsed.bozo_message}});
  if (parsed.entries_dropped > 0) {
    // The oldest entries of a very long feed: reading them would cost memory and
    // time, and holding the validators would not bring them back.
    log::warn("feed.entries_capped", {{"url", poll.feed.cfg->url},
                                      {"dropped", parsed.entries_dropped},
                                      {"entries_per_feed", cfg.limits.entries_per_feed}});
  }
  ++report->feeds_fetched;
  take_feed_facts(poll, parsed);
  if (doc.kind == parse::SourceKind::sitemap_index) {
    start_children(e.feed_id, poll, doc.children);
    return;
  }
  plan_links(e.feed_id, poll, parsed.entries, !feed);
}

void Engine::Impl::take_feed_facts(Poll& poll, const parse::ParsedFeed& parsed) {
  if (parsed.feed.title) poll.facts.title = parsed.feed.title->value;
  if (!poll.feed.cfg->site_url.empty())
    poll.facts.site_url = poll.feed.cfg->site_url;
  else
    poll.facts.site_url = parsed.feed.link;
  // The feed's own hints join those of its HTTP answer.
  const ServerHints own = feed_hints(parsed.feed);
  poll.facts.hints.ttl = own.ttl;
  poll.facts.hints.sy_update_period = own.sy_update_period;
}

void Engine::Impl::start_children(std::int64_t id, Poll& poll, const std::vector<parse::SitemapChild>& listed) {
  auto read = reader->sitemap_children(id);
  if (!read) {
    // Without the record every child looks new: read the capped few anyway.
    log::warn("sitemap.children_lookup_failed", {{"url", poll.feed.cfg->url}, {"error", read.error().describe()}});
    read = std::vector<store::SitemapChildRead>{};
  }
  std::size_t left = 0;
  const auto children =
      children_to_read(listed, *read, static_cast<std::size_t>(std::max(1, poll.feed.cfg->sitemap_children)), left);
  poll.facts.children_left = left > 0;
  log::info(
      "sitemap.index",
      {{"url", poll.feed.cfg->url}, {"listed", listed.size()}, {"to_read", children.size()}, {"left_for_later", left}});
  if (children.empty()) {
    // Nothing changed since the children were read: the links found
    // then stay what `newsd feeds` shows.
    finish_poll(id);
    return;
  }
  poll.children_pending = static_cast<int>(children.size());
  for (const auto& child : children) {
    send(child_request(*poll.feed.cfg, child), [this, id, child](Result<fetch::Response> r) {
      if (r) stage_timings().record(Stage::fetch, r->elapsed);
      inbox.push(ChildFetched{id, child, std::move(r)});
    });
  }
}

void Engine::Impl::on_child_fetched(ChildFetched& e) {
  auto it = polls.find(e.feed_id);
  if (it == polls.end() || drop_if_removed(e.feed_id)) return;
  Poll& poll = it->second;
  if (!e.result) {
    if (abandoned) {  // cancelled at shutdown: the index keeps its old state
      drop_poll(e.feed_id);
      return;
    }
    log::warn("sitemap.child_failed", {{"url", e.child.url}, {"error", e.result.error().describe()}});
    // Not recorded as read, and the index's validators held: the next poll tries it again.
    poll.facts.children_left = true;
    child_done(e.feed_id, poll);
    return;
  }
  pool->submit([this, id = e.feed_id, child = std::move(e.child), rules = source_rules(*poll.feed.cfg, cfg),
                response = std::move(*e.result)] {
    inbox.push(ChildParsed{id, child, read_sitemap_child(response, rules)});
  });
}

void Engine::Impl::on_child_parsed(ChildParsed& e) {
  auto it = polls.find(e.feed_id);
  if (it == polls.end() || drop_if_removed(e.feed_id)) return;
  Poll& poll = it->second;
  if (e.doc.error) {
    log::warn("sitemap.child_unreadable", {{"url", e.child.url}, {"error", e.doc.error->describe()}});
  } else {
    poll.gathered.insert(poll.gathered.end(), std::make_move_iterator(e.doc.parsed.entries.begin()),
                         std::make_move_iterator(e.doc.parsed.entries.end()));
  }
  // Recorded with the poll's outcome, unreadable or not: fetching the same
  // bytes again cannot help, so a child is read again once its lastmod moves.
  poll.facts.children_read.push_back({e.child.url, e.child.lastmod, now_seconds()});
  child_done(e.feed_id, poll);
}

void Engine::Impl::child_done(std::int64_t id, Poll& poll) {
  if (--poll.children_pending > 0) return;
  const std::vector<parse::Entry> entries = std::move(poll.gathered);
  plan_links(id, poll, entries, false);
}

// The entries of a source document (or of an index's children) become
// pages to fetch. `compare_links`: a sitemap or section page listing the
// same links as the last poll that handled them all costs no look-up.
void Engine::Impl::plan_links(std::int64_t id, Poll& poll, std::span<const parse::Entry> entries, bool compare_links) {
  poll.facts.links_found = static_cast<int>(entries.size());
  if (compare_links) {
    poll.facts.links_hash = link_set_hash(entries);
    if (*poll.facts.links_hash == poll.feed.state.links_hash) {
      log::info("feed.unchanged_links", {{"url", poll.feed.cfg->url}, {"links", entries.size()}});
      finish_poll(id);
      return;
    }
  }
  EntryPlan plan = plan_entries(
      id, entries, [this](std::string_view url) { return reader->has_article(url); },
      [this, id](const std::string& canonical) {
        auto f = fetching.find(canonical);
        return f != fetching.end() && f->second != id;
      },
      cfg.limits.pages_per_poll);
  // Its entries are known now: admission counts them as pages from here on.
  if (!poll.planned) --unplanned_polls;
  poll.planned = true;
  fresh_per_poll += 0.1 * (static_cast<double>(plan.fresh.size()) - fresh_per_poll);
  log::info("feed.parsed", {{"url", poll.feed.cfg->url},
                            {"type", poll.facts.source_type.value_or("")},
                            {"entries", entries.size()},
                            {"new", plan.fresh.size()},
                            {"deferred", plan.deferred}});
  queue_entries(id, poll, plan, now_seconds());
  if (poll.pages_pending == 0) {
    finish_poll(id);
  } else {
    pump_pages();
  }
}

void Engine::Impl::queue_entries(std::int64_t id, Poll& poll, EntryPlan& plan, SysSeconds now) {
  for (auto& s : plan.stored) writer->write(SourceSighting{id, s.url, s.guid, now});
  for (auto& s : plan.waiting) after_page.emplace(s.canonical, SourceSighting{id, s.url, s.guid, now});
  report->entries_without_text += plan.without_address;
  report->pages_deferred += plan.deferred;
  if (plan.deferred > 0 || plan.lookup_failed) poll.facts.entries_complete = false;
  if (plan.deferred > 0) {
    log::warn("feed.page_cap", {{"url", poll.feed.cfg->url}, {"deferred", plan.deferred}});
  }
  for (auto& item : plan.fresh) {
    poll.facts.new_entry_times.push_back(entry_time(item.entry, now));
    fetching[item.canonical] = id;
    waiting_pages.push_back(std::make_shared<const PageJob>(PageJob{id, poll.feed.cfg, std::move(item)}));
    ++poll.pages_pending;
  }
}

void Engine::Impl::pump_pages() {
  const std::size_t page_cap = page_slots(cfg);
  while (pages_in_flight < page_cap && !waiting_pages.empty()) {
    Job job = std::move(waiting_pages.front());
    waiting_pages.pop_front();
    ++pages_in_flight;
    if (abandoned) {
      on_page_done(PageDone{job, false, true, false});
    } else if (job->item.address.has_page && job->feed->fetch_articles) {
      send(page_request(*job), [this, job](Result<fetch::Response> r) {
        if (r) stage_timings().record(Stage::fetch, r->elapsed);
        inbox.push(PageFetched{job, std::move(r)});
      });
    } else {
      // Classification is worker work, with or without a page to extract.
      pool->submit([this, job] {
        const bool stored = store_article(*job, std::nullopt, job->item.address.url);
        inbox.push(PageDone{job, !stored, false, false});
      });
    }
  }
}

void Engine::Impl::on_page_fetched(PageFetched& e) {
  if (!e.result) {
    ++report->pages_failed;
    log::warn("page.failed", {{"url", e.job->item.address.url}, {"error", e.result.error().describe()}});
    on_page_done(PageDone{e.job, false, true, failed_for_good(e.result.error())});
    return;
  }
  ++report->pages_fetched;
  pool->submit([this, job = e.job, extract = cfg.extract, limits = cfg.limits, response = std::move(*e.result)] {
    const bool stored = store_article(*job, extract_page(response, extract, limits), effective_url(response));
    inbox.push(PageDone{job, !stored, false, false});
  });
}

void Engine::Impl::on_page_done(const PageDone& e) {
  --pages_in_flight;
  const std::string& canonical = e.job->item.canonical;
  fetching.erase(canonical);
  // The article (if any) went to the writer before this event was pushed,
  // and the writer keeps order: the other feeds' sightings now find it.
  auto [first, last] = after_page.equal_range(canonical);
  for (auto it = first; it != last; ++it) writer->write(std::move(it->second));
  after_page.erase(first, last);
  if (e.without_text) ++report->entries_without_text;
  auto poll = polls.find(e.job->feed_id);
  if (poll != polls.end()) {
    if (e.failed && !e.for_good) poll->second.facts.entries_complete = false;
    if (--poll->second.pages_pending == 0) finish_poll(e.job->feed_id);
  }
  pump_pages();
}

void Engine::Impl::fail_poll(std::int64_t id, Poll& poll, std::string error, FailureClass failure) {
  log::warn("feed.failed", {{"url", poll.feed.cfg->url}, {"class", to_string(failure)}, {"error", error}});
  poll.facts.error = std::move(error);
  poll.facts.failure = failure;
  finish_poll(id);
}

bool Engine::Impl::drop_if_removed(std::int64_t id) {
  if (feeds.contains(id)) return false;
  // Removed by a reload while in flight: its outcome is neither written nor
  // scheduled, so the store keeps showing it removed (pages already handed
  // to the writer are stored: they were fetched under the old config).
  log::info("feed.poll_dropped", {{"feed_id", id}, {"reason", "removed while in flight"}});
  drop_poll(id);
  return true;
}

// A poll that ends without an outcome written: on a shared store its lease
// is given back here (an outcome's lease ends on the writer thread instead).
void Engine::Impl::drop_poll(std::int64_t id) {
  auto it = polls.find(id);
  if (it == polls.end()) return;
  forget_poll(it);
  if (shared) shared->release(id);
}

void Engine::Impl::forget_poll(std::unordered_map<std::int64_t, Poll>::iterator it) {
  if (!it->second.planned) --unplanned_polls;
  polls.erase(it);
}

void Engine::Impl::finish_poll(std::int64_t id) {
  if (drop_if_removed(id)) return;
  auto it = polls.find(id);
  Poll& poll = it->second;
  poll.facts.finished = now_seconds();
  poll.facts.u = unit_from_seed(static_cast<std::uint64_t>(id) ^
                                static_cast<std::uint64_t>(poll.facts.finished.time_since_epoch().count()));
  // The feed's config in force now, not when the poll started: a reload
  // during the poll has changed its bounds.
  const FeedAfterPoll after =
      feed_after_poll(id, feed_policy(cfg.schedule, *feeds.at(id).cfg), stored_rate(poll.feed.state),
                      poll.feed.state.consecutive_errors, poll.facts);
  writer->write(after.result);
  if (poll.facts.error) {
    ++report->feeds_failed;
    failing.insert(id);
  } else {
    failing.erase(id);
  }
  log::info("feed.polled", {{"url", poll.feed.cfg->url},
                            {"interval_s", after.result.interval_s.value_or(0)},
                            {"reason", after.result.interval_reason.value_or("")},
                            {"error_class", after.result.error_class},
                            {"complete", poll.facts.entries_complete}});
  remember(id, after);
  forget_poll(it);
  // On a shared store the outcome just queued is the schedule: the writer
  // commits it, then ends the lease (StoreWriter's after-outcome hook).
  if (!once && !shared && after.next) agenda.schedule(id, *after.next);
}

// Keeps the in-memory state in step with what was just written, so the next
// poll sends the right validators and counts failures on without a read.
void Engine::Impl::remember(std::int64_t id, const FeedAfterPoll& after) {
  auto it = feeds.find(id);
  if (it == feeds.end()) return;
  store::FeedState& s = it->second.state;
  const store::FeedFetchResult& r = after.result;
  if (r.etag) s.etag = *r.etag;
  if (r.last_modified) s.last_modified = *r.last_modified;
  if (r.moved_to) s.url = *r.moved_to;
  s.consecutive_errors = r.error ? s.consecutive_errors + 1 : 0;
  s.state = r.gone ? "gone" : r.error ? "error" : "active";
  s.last_fetched_at = r.fetched_at;
  s.next_fetch_at = r.next_fetch_at;
  s.mean_gap_s = after.rate.mean_gap_s;
  s.gaps = after.rate.gaps;
  s.last_new_entry_at = after.rate.last_new_entry;
  if (r.source_type) s.source_type = *r.source_type;
  if (r.links_found) s.links_found = r.links_found;
  if (r.links_hash) s.links_hash = *r.links_hash;
}

void Engine::Impl::collect_writes() {
  const auto written = writer->take_written();
  const auto day = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  if (day != today) {
    today = day;
    stored_today = 0;
  }
  for (const auto& w : written) {
    // "updated" means the story was already stored and this copy only added a
    // source or tags: for the user it is a duplicate, not a new article.
    if (w.outcome == store::UpsertOutcome::inserted) {
      ++report->articles_inserted;
      ++stored_today;
    } else {
      ++report->articles_duplicate;
    }
  }
  if (once) report->written.insert(report->written.end(), written.begin(), written.end());
  const WriteFailures failures = writer->take_failures();
  report->writes_failed += failures.total();
  // The writer kept the stored validators of these feeds (or will, at their
  // next outcome): forget the in-memory ones too, so the next poll reads
  // the feed in full.
  for (const auto& [feed_id, error] : failures.feeds) {
    if (auto f = feeds.find(feed_id); f != feeds.end()) {
      f->second.state.etag.clear();
      f->second.state.last_modified.clear();
      f->second.state.links_hash.clear();
    }
  }
}

// ---- worker side --------------------------------------------------------------

bool Engine::Impl::store_article(const PageJob& job, const std::optional<parse::ExtractedArticle>& page,
                                 const std::string& page_url) {
  store::ArticleRecord record = build_record(job.feed_id, job.item, page, page_url, now_seconds());
  if (record.text.empty()) return false;
  // One tokenization of title and text serves the tagger, the watches and
  // the index terms the writer stores.
  store::ArticleTokens tokens;
  {
    const StageTimer timer(Stage::classify);  // rules, model and watches: one article's tags
    tokens = store::article_tokens(record.title, record.text);
    const auto tagging = current_tagging();  // one snapshot: the tags and their versions agree across a reload
    record.tags = tagging->tag(record, *job.feed, &tokens);
    record.tag_versions = tagging->versions();
    tagging->add_watch_tags(record, *job.feed, &tokens);
  }
  writer->write(std::move(record), &tokens);
  return true;
}

// ---- status, liveness, configuration -------------------------------------------

EngineStatus Engine::status() const {
  const Impl& d = *impl_;
  EngineStatus s;
  // A shared store keeps no local agenda (the database is the agenda).
  s.feeds = d.shared ? d.feeds.size() : d.agenda.size() + d.polls.size();
  if (d.shared) {
    s.worker = d.shared->worker();
    s.claiming = d.shared->healthy();
  }
  s.feeds_due = d.agenda.due_count(now_seconds());
  s.feeds_in_flight = d.polls.size();
  s.pages_in_flight = d.pages_in_flight;
  s.pages_waiting = d.waiting_pages.size();
  s.failing_feeds = d.failing.size();
  s.stored_today = d.stored_today;
  s.writer_queued = d.writer->queued();
  if (const IngestReport* r = d.report) {
    s.pages_done = r->pages_fetched + r->pages_failed;
    s.articles_stored = r->articles_inserted;
    s.errors = r->feeds_failed + r->pages_failed + r->writes_failed;
  }
  return s;
}

IngestReport Engine::progress() const {
  if (impl_->report == nullptr) return {};
  IngestReport copy = *impl_->report;
  copy.written.clear();
  return copy;
}

fetch::FetchStats Engine::fetch_stats() const { return impl_->io->stats(); }

std::optional<std::string> Engine::stalled_stage(std::chrono::milliseconds threshold) const {
  const Impl& d = *impl_;
  const auto now = SteadyClock::now();
  if (now - d.io->heartbeat() > threshold) return "io";
  if (auto busy = d.pool->oldest_busy_since(); busy && now - *busy > threshold) return "workers";
  if (d.writer->queued() > 0 && now - d.writer->last_progress() > threshold) return "writer";
  return std::nullopt;
}

Result<void> Engine::reload(const config::Config& cfg) {
  Impl& d = *impl_;
  if (cfg.store.path != d.cfg.store.path || cfg.daemon.workers != d.cfg.daemon.workers) {
    log::warn("config.restart_needed", {{"reason", "store.path and daemon.workers change only on restart"}});
  }
  auto tagging = Tagging::load(cfg);
  if (!tagging) return std::unexpected(tagging.error());
  const auto old_feeds = d.feeds;
  std::vector<config::FeedConfig> running;
  auto ids = d.register_feeds(cfg, running);
  if (!ids) return std::unexpected(ids.error());
  for (std::size_t i = 0; i < ids->size(); ++i) {
    const std::int64_t id = (*ids)[i];
    const config::FeedConfig& feed = running[i];
    auto before = old_feeds.find(id);
    if (before == old_feeds.end()) {
      if (!d.shared) d.agenda.schedule(id, now_seconds());  // added: due at once (a shared store: its row is)
    } else if (feed_policy(cfg.schedule, feed) != feed_policy(d.cfg.schedule, *before->second.cfg) &&
               d.agenda.contains(id)) {
      // Changed bounds: the next poll is what the new policy says counting
      // from the last one (at once when that time has passed).
      const auto& st = before->second.state;
      const auto from = st.last_fetched_at.value_or(SysSeconds{});
      const auto next = next_poll(feed_policy(cfg.schedule, feed), stored_rate(st), {}, from, 0.5);
      d.agenda.schedule(id, next.at);
    } else {
      // The agenda follows the stored state just re-read (every outcome
      // queued before was committed first): the same time for most feeds,
      // and "active, due now" for one `newsd feeds --reactivate` changed.
      d.schedule_from_store(id);
    }
  }
  const std::set<std::int64_t> kept(ids->begin(), ids->end());
  // On PostgreSQL a feed off the list was removed there already (or its
  // spec no longer reads, which is logged): the list is not rewritten.
  const bool mark = d.cfg.store.backend != config::StoreBackend::postgresql;
  const auto removed_at = now_seconds();
  for (const auto& [id, feed] : old_feeds) {
    if (kept.contains(id)) continue;
    d.agenda.remove(id);
    d.feeds.erase(id);
    d.failing.erase(id);
    if (mark) {
      auto r = d.writer->run_exclusive([&](store::Store& s) { return s.mark_removed(id, removed_at); });
      if (!r) log::error("feed.remove_failed", {{"url", feed.cfg->url}, {"error", r.error().describe()}});
    }
    log::info("feed.removed", {{"url", feed.cfg->url}});
  }
  {
    std::lock_guard lock(d.tagging_mutex);
    d.tagging = std::move(*tagging);
  }
  const auto keep_store = d.cfg.store;
  const auto keep_daemon = d.cfg.daemon;
  d.cfg = cfg;
  d.cfg.feeds = std::move(running);
  d.cfg.store.path = keep_store.path;
  d.cfg.daemon.workers = keep_daemon.workers;
  d.order = std::move(*ids);
  d.io->reconfigure(cfg.fetch);
  log::info("config.reloaded", {{"feeds", d.cfg.feeds.size()}, {"source", cfg.source.string()}});
  return {};
}

void Engine::prune_expired() {
  Impl& d = *impl_;
  if (d.cfg.store.keep_days <= 0) return;
  const auto cutoff = now_seconds() - std::chrono::days{d.cfg.store.keep_days};
  // Small batches, each its own trip through the writer queue, so articles
  // waiting to be written are never stuck behind one long delete.
  constexpr int kBatch = 500;
  int total = 0;
  for (;;) {
    int removed = 0;
    auto r = d.writer->run_exclusive([&](store::Store& s) -> Result<void> {
      auto n = s.prune(cutoff, kBatch);
      if (!n) return std::unexpected(n.error());
      removed = *n;
      return {};
    });
    if (!r) {
      log::error("store.prune_failed", {{"error", r.error().describe()}});
      return;
    }
    total += removed;
    if (removed < kBatch) break;
  }
  if (total > 0) log::info("store.pruned", {{"articles", total}, {"keep_days", d.cfg.store.keep_days}});
}

}  // namespace newsd::ingest
