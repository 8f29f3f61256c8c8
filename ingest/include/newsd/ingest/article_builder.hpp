#pragma once
/// Turning what the pipeline learned about one article (the feed entry, the
/// extracted page) into the record the store keeps. Pure functions: no I/O.
#include <chrono>
#include <optional>
#include <string>

#include "newsd/parse/extract.hpp"
#include "newsd/parse/feed.hpp"
#include "newsd/store/store.hpp"

namespace newsd::ingest {

/// Where an entry's article lives (engine_rules.hpp: entry_address).
struct EntryAddress {
  std::string url;       ///< the page to fetch, or (has_page = false) the entry_key its own text is stored under
  bool has_page = true;  ///< false: the feed carries the text under an id (tag:, urn:uuid:), there is no page
};

/// One new entry a poll must handle (fetch its page or store its text), as
/// plan_entries() found it.
struct NewEntry {
  parse::Entry entry;
  EntryAddress address;
  std::string canonical;  ///< parse::canonicalize_url(address.url): the in-flight key
};

/// The address of an entry's article page: its primary link, else an id
/// that is an http(s) URL; nullopt if the entry points nowhere.
std::optional<std::string> article_url(const parse::Entry& entry);

/// The entry's own text (content, else summary) as plain text, for feeds
/// read without fetching pages or when the page has no article.
std::string entry_text(const parse::Entry& entry);

/// Builds the stored record of `item`, whose address plan_entries() already
/// decided (it is not worked out again here). Values from the page win over
/// the feed's (they are usually more complete); the body falls back to the
/// entry's own text. With a page, `page_url` is its final URL after
/// redirects and the record's `canonical_url` the page's rel=canonical,
/// else `page_url`; without one it is `item.canonical`. The record's `url`
/// is the entry's address as the feed gave it, or empty with `entry_key`
/// set for an entry stored under its id. Tags are left empty
/// (classification comes next). The record's `text` is empty when neither
/// the page nor the entry had any.
store::ArticleRecord build_record(std::int64_t feed_id, const NewEntry& item,
                                  const std::optional<parse::ExtractedArticle>& page, const std::string& page_url,
                                  std::chrono::sys_seconds now);

}  // namespace newsd::ingest
