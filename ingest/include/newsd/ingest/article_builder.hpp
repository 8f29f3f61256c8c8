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

/// The address of an entry's article page: its primary link, else an id
/// that is an http(s) URL; nullopt if the entry points nowhere.
std::optional<std::string> article_url(const parse::Entry& entry);

/// The entry's own text (content, else summary) as plain text, for feeds
/// read without fetching pages or when the page has no article.
std::string entry_text(const parse::Entry& entry);

/// Builds the stored record. Values from the page win over the feed's
/// (they are usually more complete); the body falls back to the entry's
/// own text. `page_url` is the page's final URL after redirects; the
/// record's `url` is the entry's link (as the feed gave it) and its
/// `canonical_url` the page's rel=canonical, else `page_url`. Tags are
/// left empty (classification comes next). The record's `text` is empty
/// when neither the page nor the entry had any.
store::ArticleRecord build_record(std::int64_t feed_id, const parse::Entry& entry,
                                  const std::optional<parse::ExtractedArticle>& page, const std::string& page_url,
                                  std::chrono::sys_seconds now);

}  // namespace newsd::ingest
