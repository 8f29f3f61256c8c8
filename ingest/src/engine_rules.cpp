#include "newsd/ingest/engine_rules.hpp"

#include <algorithm>
#include <set>

#include "newsd/ingest/article_builder.hpp"
#include "newsd/parse/url.hpp"

namespace newsd::ingest {

std::optional<EntryAddress> entry_address(std::int64_t feed_id, const parse::Entry& entry) {
  if (auto url = article_url(entry)) return EntryAddress{std::move(*url), true};
  // No web page, but the feed carries the text under an id (tag:, urn:uuid:,
  // or just "1"): the id is unique only within its feed, so the key names
  // the feed too (feed B's "1" is not feed A's).
  if (entry.id && !entry.id->empty() && !entry_text(entry).empty()) {
    return EntryAddress{store::entry_key(feed_id, *entry.id), false};
  }
  return std::nullopt;
}

EntryPlan plan_entries(std::int64_t feed_id, std::span<const parse::Entry> entries, const StoredLookup& stored,
                       const InFlightLookup& in_flight, std::size_t pages_per_poll) {
  EntryPlan plan;
  struct Candidate {
    const parse::Entry* entry;
    EntryAddress address;
    std::string canonical;
  };
  std::vector<Candidate> candidates;
  std::set<std::string> seen;
  for (const auto& entry : entries) {
    auto address = entry_address(feed_id, entry);
    if (!address) {
      ++plan.without_address;
      continue;
    }
    std::string canonical = parse::canonicalize_url(address->url);
    if (!seen.insert(canonical).second) continue;
    if (in_flight(canonical)) {
      plan.waiting.push_back({address->url, entry.id.value_or(address->url), std::move(canonical)});
      continue;
    }
    candidates.push_back({&entry, std::move(*address), std::move(canonical)});
  }
  if (candidates.empty()) return plan;
  // One look-up for the whole feed: on PostgreSQL one round trip a poll
  // instead of one an entry, on the coordinator's thread.
  std::vector<std::string> urls;
  urls.reserve(candidates.size());
  for (const auto& c : candidates) urls.push_back(c.address.url);
  const auto known = stored(urls);
  if (!known || known->size() != candidates.size()) {
    plan.lookup_failed = true;
    return plan;
  }
  std::size_t pages = 0;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    Candidate& c = candidates[i];
    if ((*known)[i]) {
      plan.stored.push_back({c.address.url, c.entry->id.value_or(c.address.url), std::move(c.canonical)});
      continue;
    }
    if (c.address.has_page && ++pages > pages_per_poll) {
      // Left for the next poll: the validators stay, so the feed is read
      // again in full and the pages stored now are recognised.
      ++plan.deferred;
      continue;
    }
    plan.fresh.push_back({*c.entry, std::move(c.address), std::move(c.canonical)});
  }
  return plan;
}

FailureClass classify_error(const Error& error) {
  switch (error.code) {
    case Errc::dns: return FailureClass::dns;
    case Errc::connect:
    case Errc::network: return FailureClass::connect;
    case Errc::tls: return FailureClass::tls;
    case Errc::timeout: return FailureClass::timeout;
    case Errc::too_large: return FailureClass::too_large;
    case Errc::robots: return FailureClass::robots;
    case Errc::blocked: return FailureClass::bot_challenge;
    case Errc::refused:
    case Errc::unsupported: return FailureClass::refused;
    case Errc::parse:
    case Errc::encoding: return FailureClass::parse;
    case Errc::http_status:
      if (error.http_status == 429 || (error.http_status == 503 && error.retry_after)) {
        return FailureClass::rate_limited;
      }
      return error.http_status >= 500 ? FailureClass::http_5xx : FailureClass::http_4xx;
    // What is left before any answer: a bad URL, a redirect loop, a missing
    // file: closest to the client being refused a resource.
    default: return FailureClass::http_4xx;
  }
}

bool failed_for_good(const Error& error) { return error.permanent; }

bool is_gone(const Error& error) { return error.http_status == 410; }

FailureClass classify_feed_answer(const fetch::Response& response, bool expect_feed) {
  fetch::HttpAnswer answer;
  answer.status = static_cast<int>(response.status);
  answer.content_type = response.content_type;
  answer.body = response.body;
  answer.expect_feed = expect_feed;
  answer.server = response.server;
  answer.cf_mitigated = response.cf_mitigated;
  return fetch::classify_http(answer);
}

ServerHints feed_hints(const parse::FeedInfo& feed) {
  ServerHints hints;
  if (feed.ttl_minutes && *feed.ttl_minutes > 0) hints.ttl = Seconds{std::int64_t{*feed.ttl_minutes} * 60};
  if (feed.update_period || feed.update_frequency) {
    hints.sy_update_period = syndication_period(feed.update_period.value_or(""), feed.update_frequency.value_or(1));
  }
  return hints;
}

ServerHints http_hints(const fetch::Response& response, SysSeconds now, ServerHints feed) {
  if (!response.cache_control.empty()) feed.max_age = parse_cache_control_max_age(response.cache_control);
  if (!response.expires.empty()) {
    // An Expires in the past asks nothing.
    if (auto at = parse_expires(response.expires); at && *at > now) feed.expires = at;
  }
  if (response.retry_after) feed.retry_after = now + *response.retry_after;
  return feed;
}

std::optional<SysSeconds> retry_after(const Error& error, SysSeconds now) {
  if (!error.retry_after) return std::nullopt;
  return now + *error.retry_after;
}

bool expects_feed(config::SourceType type) { return type == config::SourceType::feed; }

std::vector<parse::SitemapChild> children_to_read(std::span<const parse::SitemapChild> listed,
                                                  std::span<const store::SitemapChildRead> already_read,
                                                  std::size_t cap, std::size_t& left) {
  std::vector<parse::SitemapChild> out;
  left = 0;
  for (const auto& child : listed) {
    const auto read = std::ranges::find(already_read, child.url, &store::SitemapChildRead::url);
    if (child.lastmod && read != already_read.end() && read->lastmod == child.lastmod) continue;
    if (out.size() < cap) {
      out.push_back(child);
    } else {
      ++left;
    }
  }
  return out;
}

std::string link_set_hash(std::span<const parse::Entry> entries) {
  std::vector<std::string> links;
  for (const auto& entry : entries) {
    if (auto url = article_url(entry)) links.push_back(parse::canonicalize_url(*url));
  }
  std::ranges::sort(links);
  const auto [first, last] = std::ranges::unique(links);
  links.erase(first, last);
  std::uint64_t h = 0xcbf29ce484222325ULL;  // FNV-1a 64
  const auto mix = [&h](unsigned char c) {
    h ^= c;
    h *= 0x100000001b3ULL;
  };
  for (const auto& link : links) {
    for (const char c : link) mix(static_cast<unsigned char>(c));
    mix('\n');  // "ab","c" and "a","bc" are two different sets
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<std::size_t>(i)] = kHex[h & 0xF];
  return out;
}

namespace {

void record_rate(store::FeedFetchResult& result, const PublishRate& rate) {
  result.mean_gap_s = rate.mean_gap_s;
  result.gaps = rate.gaps;
  result.last_new_entry_at = rate.last_new_entry;
}

}  // namespace

FeedAfterPoll feed_after_poll(std::int64_t feed_id, const FeedPolicy& policy, const PublishRate& rate,
                              int consecutive_errors, const PollFacts& facts) {
  FeedAfterPoll out;
  out.rate = rate;
  store::FeedFetchResult& r = out.result;
  r.feed_id = feed_id;
  r.fetched_at = facts.finished;
  r.moved_to = facts.moved_to;
  if (facts.error) {
    r.error = *facts.error;
    r.error_class = std::string(to_string(facts.failure));
    r.gone = facts.gone;
    const NextPoll next =
        next_after_failure(policy, rate, consecutive_errors + 1, facts.retry_after, facts.finished, facts.u);
    r.next_fetch_at = next.at;
    r.interval_s = static_cast<int>(next.interval.count());
    r.interval_reason = std::string(to_string(next.reason));
    if (!facts.gone) out.next = next.at;
    return out;
  }
  out.rate = observe(rate, facts.new_entry_times, facts.finished);
  record_rate(r, out.rate);
  const NextPoll next = next_poll(policy, out.rate, facts.hints, facts.finished, facts.u);
  r.next_fetch_at = next.at;
  r.interval_s = static_cast<int>(next.interval.count());
  r.interval_reason = std::string(to_string(next.reason));
  r.title = facts.title;
  r.site_url = facts.site_url;
  r.source_type = facts.source_type;
  r.links_found = facts.links_found;
  if (!facts.not_modified && facts.entries_complete && !facts.children_left) {
    r.etag = facts.etag;
    r.last_modified = facts.last_modified;
  }
  if (facts.entries_complete) {
    r.links_hash = facts.links_hash;
    r.children_read = facts.children_read;
  }
  out.next = next.at;
  return out;
}

PublishRate stored_rate(const store::FeedState& state) {
  PublishRate rate;
  rate.mean_gap_s = state.mean_gap_s;
  rate.gaps = state.gaps;
  rate.last_new_entry = state.last_new_entry_at;
  return rate;
}

std::size_t admissible_feeds(const PipelineLoad& load) {
  if (load.polls >= load.feed_slots || load.pages >= load.page_slots) return 0;
  const std::size_t free_slots = load.feed_slots - load.polls;
  // Polls that bring (almost) nothing new, as most do once feeds are
  // known: only the feed slots bound them.
  if (load.fresh_per_poll < 1) return free_slots;
  const double room = static_cast<double>(load.page_slots - load.pages) -
                      static_cast<double>(load.unplanned_polls) * load.fresh_per_poll;
  const auto fitting = room > 0 ? static_cast<std::size_t>(room / load.fresh_per_poll) : 0;
  return std::min(free_slots, std::max<std::size_t>(fitting, load.unplanned_polls == 0 ? 1 : 0));
}

}  // namespace newsd::ingest
