#include "newsd/ingest/engine.hpp"

#include <algorithm>

#include "engine_impl.hpp"
#include "newsd/base/log.hpp"
#include "newsd/base/memory.hpp"
#include "newsd/ingest/feed_list.hpp"
#include "newsd/ingest/stage_timings.hpp"

namespace newsd::ingest {
namespace {

constexpr auto kTick = std::chrono::milliseconds{500};
// Shared store: how often the coordinator asks the database for due feeds
// when its last claim left slots free (nothing more was due), and when it
// filled them (more may be waiting: ask again once there is room).
constexpr auto kClaimEvery = std::chrono::seconds{1};
constexpr auto kClaimSoon = std::chrono::milliseconds{100};

// The request for a configured feed. The one place feed requests are built.
fetch::Request feed_request(const config::FeedConfig& feed, const store::FeedState& state) {
  return {state.url.empty() ? feed.url : state.url, state.etag, state.last_modified};
}

}  // namespace

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

std::vector<FeedPlan> Engine::plans() const {
  // The states register_feeds() read at start: reading the table again (with
  // an article count per feed) would only repeat that.
  std::vector<FeedPlan> out;
  out.reserve(impl_->order.size());
  for (const std::int64_t id : impl_->order) {
    const Impl::Feed& feed = impl_->feeds.at(id);
    out.push_back({*feed.cfg, feed.state});
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
  IdleMemoryRelease idle_memory(started);
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
    auto events = d.inbox.wait(d.wake_time(next_tick));
    if (events.empty() && d.polls.empty()) {
      // Between polls the ticks keep coming: once it has been quiet a while,
      // the reader's page cache and the heap's free pages go back to the OS.
      if (idle_memory.idle(SteadyClock::now())) {
        d.reader->release_memory();
        release_free_memory();
      }
    } else {
      idle_memory.busy(SteadyClock::now());
    }
    for (auto& event : events) d.handle(event);
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

void Engine::Impl::collect_writes() {
  const auto through = writer->committed_through();
  std::erase_if(committing, [through](const auto& entry) { return entry.second <= through; });
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
