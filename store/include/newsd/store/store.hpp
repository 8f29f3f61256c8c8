#pragma once
/// The SQLite archive: schema and migrations, feed state, article upsert
/// with dedup, tags, FTS5 search. One Store object per connection; the
/// daemon has one writer connection and opens read connections for queries.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/classify/tags.hpp"
#include "newsd/config/config.hpp"

namespace newsd::store {

using TimePoint = std::chrono::sys_seconds;

struct FeedState {
  std::int64_t id = 0;
  std::string url;
  std::string name;
  std::string title;
  std::string etag;
  std::string last_modified;
  std::optional<TimePoint> next_fetch_at;
  std::optional<TimePoint> last_fetched_at;
  int consecutive_errors = 0;
  std::string last_error;
  std::string state = "active";  ///< active | gone (410) | error
};

/// Outcome of one feed fetch, written back by the writer.
struct FeedFetchResult {
  std::int64_t feed_id = 0;
  std::optional<std::string> title;
  std::optional<std::string> etag;
  std::optional<std::string> last_modified;
  TimePoint fetched_at{};
  TimePoint next_fetch_at{};
  std::optional<std::string> error;  ///< set = failure (consecutive_errors + 1)
  bool gone = false;                 ///< 410: stop polling
};

struct ArticleRecord {
  std::int64_t feed_id = 0;
  std::string url;            ///< as linked from the feed
  std::string canonical_url;  ///< dedup key
  std::string guid;
  std::string title;
  std::string byline;
  std::string lang;
  std::string section;
  std::string image;
  std::string text;
  std::optional<TimePoint> published_at;
  TimePoint fetched_at{};
  std::vector<classify::Tag> tags;
};

enum class UpsertOutcome { inserted, updated, duplicate };

struct StoredTag {
  std::string name;
  std::string kind;
  double score = 1.0;
  std::string source;
};

struct ArticleView {
  std::int64_t id = 0;
  std::int64_t feed_id = 0;
  std::string feed_url;
  std::string url;
  std::string canonical_url;
  std::string title;
  std::string byline;
  std::string lang;
  std::string text;
  std::optional<TimePoint> published_at;
  TimePoint fetched_at{};
  std::vector<StoredTag> tags;
};

struct SearchQuery {
  std::string text;               ///< FTS5 query syntax; empty = all
  std::vector<std::string> tags;  ///< all must match
  std::string feed_url;           ///< empty = any
  int limit = 20;
  int offset = 0;
};

struct SearchHit {
  std::int64_t id = 0;
  std::string title;
  std::string url;
  std::string feed_url;
  std::optional<TimePoint> published_at;
  std::string snippet;  ///< match highlighted with [ and ]
  double rank = 0;
  std::vector<std::string> tags;
};

class Store {
 public:
  /// Opens (creating if needed) the database at `path`, in WAL mode, and
  /// migrates it forward to the current schema. Errc::database on failure.
  static Result<Store> open(const std::filesystem::path& path, const config::StoreConfig& cfg);
  /// Opens an existing database read-only (queries while the daemon writes).
  static Result<Store> open_readonly(const std::filesystem::path& path);

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  /// Inserts the feed if unknown (by url) and returns its state.
  Result<FeedState> ensure_feed(std::string_view url, std::string_view name);
  Result<std::vector<FeedState>> feeds();
  Result<void> record_fetch(const FeedFetchResult& result);

  /// True if an article with this canonical URL is already stored.
  Result<bool> has_article(std::string_view canonical_url);

  /// Writes a batch of articles with their tags in one transaction. An
  /// article whose canonical URL is already stored is a `duplicate` and the
  /// stored row is left as is. All-or-nothing: on error nothing is written.
  Result<std::vector<UpsertOutcome>> write_articles(std::span<const ArticleRecord> batch);

  /// FTS5 search. A syntax error in `q.text` is Errc::invalid_argument.
  Result<std::vector<SearchHit>> search(const SearchQuery& q);

  Result<std::optional<ArticleView>> article(std::int64_t id);

  /// Row counts: feeds, articles, tags.
  struct Counts { std::int64_t feeds = 0, articles = 0, article_tags = 0; };
  Result<Counts> counts();

 private:
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace newsd::store
