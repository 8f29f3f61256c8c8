#include "newsd/ingest/engine.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "newsd/base/log.hpp"
#include "newsd/ingest/article_builder.hpp"
#include "newsd/parse/extract.hpp"
#include "newsd/parse/feed.hpp"
#include "newsd/parse/url.hpp"

namespace newsd::ingest {
namespace {

using Clock = std::chrono::system_clock;

std::chrono::sys_seconds now_seconds() { return std::chrono::floor<std::chrono::seconds>(Clock::now()); }

// Failing feeds are polled less often: interval × 2^errors, at most a day
// (but never less often than the configured interval).
std::chrono::seconds backoff_interval(std::chrono::seconds interval, int consecutive_errors) {
  const int doublings = std::clamp(consecutive_errors, 0, 6);
  return std::max(interval, std::min(interval * (1 << doublings), std::chrono::seconds{86400}));
}

// A page refused for good (404/410, robots.txt, too large, redirect loop,
// trust rules) will not appear later; anything else (timeouts, 5xx,
// resets, shutdown) may, so the entry is retried.
bool is_permanent_failure(const Error& e) { return e.permanent; }

bool is_gone(const Error& e) { return e.http_status == 410; }

}  // namespace

// Per-feed bookkeeping for one cycle. A feed's HTTP validators (ETag,
// Last-Modified) are only saved once every new entry of the feed is handled:
// otherwise a 304 next time would hide the entries that failed this time.
struct FeedRun {
  const FeedPlan* plan = nullptr;
  std::optional<fetch::Response> response;
  std::optional<Error> error;
  parse::ParsedFeed parsed;
  std::atomic<bool> complete{true};
};

struct PageJob {
  std::size_t feed_index = 0;
  parse::Entry entry;
  std::string url;
  bool has_page = true;  ///< false: the entry's id is not a web address; its own text is the article
};

Engine::~Engine() {
  // Order matters: workers may still hand records to the writer.
  pool_.reset();
  writer_.reset();
}

Result<std::unique_ptr<Engine>> Engine::start(const config::Config& cfg) {
  std::unique_ptr<Engine> e(new Engine());
  e->cfg_ = cfg;
  std::error_code ec;
  std::filesystem::create_directories(cfg.store.path.parent_path(), ec);
  if (ec) {
    return fail(Errc::io, "cannot create " + cfg.store.path.parent_path().string() + ": " + ec.message());
  }
  auto writer_store = store::Store::open(cfg.store.path, cfg.store);
  if (!writer_store) return std::unexpected(writer_store.error());
  auto tagging = Tagging::load(cfg.classify);
  if (!tagging) return std::unexpected(tagging.error());
  e->tagging_ = std::move(*tagging);

  for (const auto& feed : cfg.feeds) {
    auto state = writer_store->ensure_feed(feed.url, feed.name);
    if (!state) return std::unexpected(state.error());
    e->feed_ids_.push_back(state->id);
  }
  auto reader = store::Store::open_readonly(cfg.store.path);
  if (!reader) return std::unexpected(reader.error());
  e->reader_ = std::make_unique<store::Store>(std::move(*reader));
  e->writer_ = std::make_unique<StoreWriter>(std::move(*writer_store), cfg.daemon.queue_capacity, cfg.store.batch_size);
  e->fetcher_ = std::make_unique<fetch::Fetcher>(cfg.fetch);
  e->pool_ = std::make_unique<WorkerPool>(cfg.daemon.workers, cfg.daemon.queue_capacity);
  log::info("engine.started", {{"db", cfg.store.path.string()},
                               {"feeds", cfg.feeds.size()},
                               {"workers", cfg.daemon.workers},
                               {"taxonomy", cfg.classify.taxonomy.string()}});
  return e;
}

Result<std::vector<FeedPlan>> Engine::plans() {
  auto states = reader_->feeds();
  if (!states) return std::unexpected(states.error());
  std::vector<FeedPlan> out;
  for (std::size_t i = 0; i < cfg_.feeds.size(); ++i) {
    auto it = std::ranges::find(*states, feed_ids_[i], &store::FeedState::id);
    if (it == states->end()) return fail(Errc::internal, "feed " + cfg_.feeds[i].url + " missing from the store");
    out.push_back({cfg_.feeds[i], *it});
  }
  return out;
}

Result<std::vector<FeedPlan>> Engine::due(std::chrono::sys_seconds now) {
  auto all = plans();
  if (!all) return all;
  std::erase_if(*all, [&](const FeedPlan& p) {
    return p.state.state == "gone" || (p.state.next_fetch_at && *p.state.next_fetch_at > now);
  });
  return all;
}

Result<std::optional<std::chrono::sys_seconds>> Engine::next_due() {
  auto all = plans();
  if (!all) return std::unexpected(all.error());
  std::optional<std::chrono::sys_seconds> next;
  for (const auto& p : *all) {
    if (p.state.state == "gone") continue;
    const auto at = p.state.next_fetch_at.value_or(std::chrono::sys_seconds{});
    if (!next || at < *next) next = at;
  }
  return next;
}

CycleReport Engine::run_cycle(const std::vector<FeedPlan>& feeds, const std::function<bool()>& cancelled) {
  CycleReport report;
  if (feeds.empty()) return report;
  std::shared_ptr<const Tagging> tagging;
  {
    std::lock_guard lock(tagging_mutex_);
    tagging = tagging_;
  }
  const auto started = now_seconds();
  std::vector<std::unique_ptr<FeedRun>> runs;
  std::vector<fetch::Request> requests;
  for (const auto& plan : feeds) {
    auto run = std::make_unique<FeedRun>();
    run->plan = &plan;
    runs.push_back(std::move(run));
    requests.push_back({plan.feed.url, plan.state.etag, plan.state.last_modified});
  }

  // 1. Feeds: fetch, then parse on the workers as each arrives.
  fetcher_->fetch(
      requests,
      [&](std::size_t i, Result<fetch::Response> r) {
        FeedRun& run = *runs[i];
        if (!r) {
          run.error = r.error();
          return;
        }
        run.response = std::move(*r);
        if (run.response->not_modified) return;
        pool_->submit([&run] {
          const auto& resp = *run.response;
          run.parsed = parse::parse_feed(resp.body, resp.final_url.empty() ? resp.url : resp.final_url, resp.charset);
          if (run.parsed.bozo) {
            log::warn("feed.bozo", {{"url", run.plan->feed.url}, {"reason", run.parsed.bozo_message}});
          }
        });
      },
      cancelled);
  pool_->wait_idle();

  // 2. New entries: links not stored yet and not seen earlier in this cycle.
  // An entry another feed also links is recorded as a source of the stored
  // article: at once if it is stored already, after this cycle's articles
  // are committed if it is being fetched now.
  std::vector<PageJob> pages;
  std::map<std::string, std::size_t> first_feed_of;  // canonical link -> feed index
  std::vector<SourceSighting> deferred_sightings;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    FeedRun& run = *runs[i];
    std::size_t pages_of_feed = 0;
    if (run.error) {
      ++report.feeds_failed;
      log::warn("feed.failed", {{"url", run.plan->feed.url}, {"error", run.error->describe()}});
      continue;
    }
    if (!run.response) {  // cancelled before it was fetched
      run.complete = false;
      continue;
    }
    if (run.response->not_modified) {
      ++report.feeds_not_modified;
      continue;
    }
    ++report.feeds_fetched;
    for (const auto& entry : run.parsed.entries) {
      auto url = article_url(entry);
      bool has_page = true;
      if (!url && entry.id && !entry.id->empty() && !entry_text(entry).empty()) {
        // No web page, but the feed carries the text under an id (tag:,
        // urn:uuid:, or just "1"): the id, keyed per feed, is its address.
        url = store::entry_key(run.plan->state.id, *entry.id);
        has_page = false;
      }
      if (!url) {
        ++report.entries_without_text;
        continue;
      }
      const std::string canonical = parse::canonicalize_url(*url);
      SourceSighting sighting{run.plan->state.id, *url, entry.id.value_or(*url), started};
      if (auto [first, inserted] = first_feed_of.emplace(canonical, i); !inserted) {
        if (first->second != i) deferred_sightings.push_back(std::move(sighting));
        continue;
      }
      auto known = reader_->has_article(*url);
      if (known && *known) {
        writer_->write(std::move(sighting));
        continue;
      }
      if (!known) {
        log::warn("store.lookup_failed", {{"url", canonical}, {"error", known.error().describe()}});
        run.complete = false;
        continue;
      }
      if (has_page && ++pages_of_feed > cfg_.limits.pages_per_poll) {
        // Left for the next poll: the validators stay, so the feed is read
        // again in full and the stored pages are recognised.
        run.complete = false;
        ++report.pages_deferred;
        continue;
      }
      pages.push_back({i, entry, *url, has_page});
    }
    if (pages_of_feed > cfg_.limits.pages_per_poll) {
      log::warn(
          "feed.page_cap",
          {{"url", run.plan->feed.url}, {"pages", pages_of_feed}, {"pages_per_poll", cfg_.limits.pages_per_poll}});
    }
    log::info("feed.parsed", {{"url", run.plan->feed.url},
                              {"entries", run.parsed.entries.size()},
                              {"bozo", run.parsed.bozo},
                              {"encoding", run.parsed.encoding}});
  }

  // 3. Article pages (or the entry's own text when the feed says so).
  auto finish_article = [&, tagging](std::size_t feed_index, const parse::Entry& entry,
                                     const std::optional<parse::ExtractedArticle>& page, const std::string& page_url) {
    FeedRun& run = *runs[feed_index];
    store::ArticleRecord record = build_record(run.plan->state.id, entry, page, page_url, now_seconds());
    if (record.text.empty()) return false;
    record.tags = tagging->tag(record, run.plan->feed);
    writer_->write(std::move(record));
    return true;
  };
  std::atomic<int> without_text{0};
  std::vector<fetch::Request> page_requests;
  std::vector<std::size_t> page_of_request;
  for (std::size_t p = 0; p < pages.size(); ++p) {
    if (!pages[p].has_page || !runs[pages[p].feed_index]->plan->feed.fetch_articles) {
      // Classification is worker work, with or without a page to extract.
      pool_->submit([&, p] {
        if (!finish_article(pages[p].feed_index, pages[p].entry, std::nullopt, pages[p].url)) ++without_text;
      });
      continue;
    }
    // Entry links are the feed's content, so untrusted: the fetcher allows
    // them only on the configured feed's origin, or past the address guard.
    page_requests.push_back({pages[p].url, {}, {}, runs[pages[p].feed_index]->plan->feed.url});
    page_of_request.push_back(p);
  }
  fetcher_->fetch(
      page_requests,
      [&](std::size_t i, Result<fetch::Response> r) {
        const std::size_t p = page_of_request[i];
        const PageJob& job = pages[p];
        FeedRun& run = *runs[job.feed_index];
        if (!r) {
          ++report.pages_failed;
          log::warn("page.failed", {{"url", job.url}, {"error", r.error().describe()}});
          if (!is_permanent_failure(r.error())) run.complete = false;
          return;
        }
        ++report.pages_fetched;
        pool_->submit([&, p, response = std::move(*r)] {
          const PageJob& job = pages[p];
          const std::string& page_url = response.final_url.empty() ? response.url : response.final_url;
          auto page = parse::extract_article(response.body, page_url, cfg_.extract, response.charset);
          if (!page) log::warn("page.unparseable", {{"url", page_url}, {"error", page.error().describe()}});
          std::optional<parse::ExtractedArticle> extracted;
          if (page) extracted = std::move(*page);
          if (!finish_article(job.feed_index, job.entry, extracted, page_url)) ++without_text;
        });
      },
      cancelled);
  pool_->wait_idle();
  report.entries_without_text += without_text.load();
  report.cancelled = cancelled && cancelled();

  // 4. Sightings and feed state, after the articles (the writer keeps order).
  for (auto& sighting : deferred_sightings) writer_->write(std::move(sighting));
  writer_->flush();
  const auto failed_writes = writer_->take_failures();
  const auto finished = now_seconds();
  for (auto& run_ptr : runs) {
    FeedRun& run = *run_ptr;
    const FeedPlan& plan = *run.plan;
    store::FeedFetchResult result;
    result.feed_id = plan.state.id;
    result.fetched_at = finished;
    if (run.error) {
      result.error = run.error->describe();
      result.gone = is_gone(*run.error);
      result.next_fetch_at = finished + backoff_interval(plan.feed.interval, plan.state.consecutive_errors + 1);
    } else if (!run.response) {
      continue;  // cancelled before fetching: leave the state untouched
    } else {
      result.next_fetch_at = finished + plan.feed.interval;
      if (run.parsed.feed.title) result.title = run.parsed.feed.title->value;
      if (auto failed = failed_writes.feeds.find(plan.state.id); failed != failed_writes.feeds.end()) {
        // Fetched fine but not stored: the error is the store's, and the
        // old validators stay so the next poll brings the entries back.
        result.error = "not stored: " + failed->second;
      } else if (run.complete) {
        result.etag = run.response->etag;
        result.last_modified = run.response->last_modified;
      }
    }
    writer_->write(std::move(result));
  }
  writer_->flush();
  report.writes_failed = failed_writes.total() + writer_->take_failures().total();

  report.written = writer_->take_written();
  for (const auto& w : report.written) {
    // "updated" means the story was already stored and this copy only added a
    // source or tags: for the user it is a duplicate, not a new article.
    if (w.outcome == store::UpsertOutcome::inserted)
      ++report.articles_inserted;
    else
      ++report.articles_duplicate;
  }
  log::info("cycle.done", {{"feeds", feeds.size()},
                           {"fetched", report.feeds_fetched},
                           {"not_modified", report.feeds_not_modified},
                           {"failed", report.feeds_failed},
                           {"pages", report.pages_fetched},
                           {"pages_failed", report.pages_failed},
                           {"inserted", report.articles_inserted},
                           {"duplicates", report.articles_duplicate},
                           {"writes_failed", report.writes_failed},
                           {"cancelled", report.cancelled},
                           {"seconds", (finished - started).count()}});
  return report;
}

Result<void> Engine::reload(const config::Config& cfg) {
  if (cfg.store.path != cfg_.store.path || cfg.daemon.workers != cfg_.daemon.workers) {
    log::warn("config.restart_needed", {{"reason", "store.path and daemon.workers change only on restart"}});
  }
  auto tagging = Tagging::load(cfg.classify);
  if (!tagging) return std::unexpected(tagging.error());
  std::vector<std::int64_t> ids;
  for (const auto& feed : cfg.feeds) {
    std::int64_t id = 0;
    auto r = writer_->run_exclusive([&](store::Store& s) -> Result<void> {
      auto state = s.ensure_feed(feed.url, feed.name);
      if (!state) return std::unexpected(state.error());
      id = state->id;
      return {};
    });
    if (!r) return r;
    ids.push_back(id);
  }
  {
    std::lock_guard lock(tagging_mutex_);
    tagging_ = std::move(*tagging);
  }
  const auto keep_store = cfg_.store;
  const auto keep_daemon = cfg_.daemon;
  cfg_ = cfg;
  cfg_.store.path = keep_store.path;
  cfg_.daemon.workers = keep_daemon.workers;
  feed_ids_ = std::move(ids);
  fetcher_->reconfigure(cfg.fetch);
  log::info("config.reloaded", {{"feeds", cfg_.feeds.size()}, {"source", cfg.source.string()}});
  return {};
}

void Engine::prune_expired() {
  if (cfg_.store.keep_days <= 0) return;
  const auto cutoff = now_seconds() - std::chrono::days{cfg_.store.keep_days};
  // Small batches, each its own trip through the writer queue, so articles
  // waiting to be written are never stuck behind one long delete.
  constexpr int kBatch = 500;
  int total = 0;
  for (;;) {
    int removed = 0;
    auto r = writer_->run_exclusive([&](store::Store& s) -> Result<void> {
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
  if (total > 0) log::info("store.pruned", {{"articles", total}, {"keep_days", cfg_.store.keep_days}});
}

}  // namespace newsd::ingest
