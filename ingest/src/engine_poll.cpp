// One poll's way through the pipeline, on the coordinator thread (the
// feed's answer, its parse, its sitemap children, the plan of its entries,
// the pages pumped and done, the outcome) and on a worker (store_article).
#include <algorithm>

#include "engine_impl.hpp"
#include "newsd/base/log.hpp"
#include "newsd/ingest/article_builder.hpp"
#include "newsd/ingest/stage_timings.hpp"
#include "newsd/parse/feed.hpp"
#include "newsd/store/index_terms.hpp"

namespace newsd::ingest {
namespace {

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
      id, entries, [this](std::span<const std::string> urls) { return reader->has_articles(urls); },
      [this, id](const std::string& canonical) {
        auto f = fetching.find(canonical);
        return (f != fetching.end() && f->second != id) || awaiting_commit(canonical);
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
  for (auto& s : plan.waiting) {
    // Waiting means another feed fetches the page, or its article is handed
    // to the writer and perhaps not committed (awaiting_commit).
    SourceSighting sighting{id, s.url, s.guid, now};
    if (fetching.contains(s.canonical)) {
      after_page.emplace(s.canonical, std::move(sighting));  // written when the page is done
    } else {
      writer->write(std::move(sighting));  // behind its article in the writer's queue
    }
  }
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
        const auto ticket = store_article(*job, std::nullopt, job->item.address.url);
        inbox.push(PageDone{job, !ticket, false, false, ticket.value_or(0)});
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
    const auto ticket = store_article(*job, extract_page(response, extract, limits), effective_url(response));
    inbox.push(PageDone{job, !ticket, false, false, ticket.value_or(0)});
  });
}

void Engine::Impl::on_page_done(const PageDone& e) {
  --pages_in_flight;
  const std::string& canonical = e.job->item.canonical;
  fetching.erase(canonical);
  if (e.ticket != 0) committing[canonical] = e.ticket;
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

// True while the article of `canonical` may not be committed yet. Entries
// the writer has gone past are pruned by collect_writes().
bool Engine::Impl::awaiting_commit(const std::string& canonical) const {
  const auto it = committing.find(canonical);
  return it != committing.end() && it->second > writer->committed_through();
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

// ---- worker side --------------------------------------------------------------

std::optional<std::uint64_t> Engine::Impl::store_article(const PageJob& job,
                                                         const std::optional<parse::ExtractedArticle>& page,
                                                         const std::string& page_url) {
  store::ArticleRecord record = build_record(job.feed_id, job.item, page, page_url, now_seconds());
  if (record.text.empty()) return std::nullopt;
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
  return writer->write(std::move(record), &tokens);
}

}  // namespace newsd::ingest
