#pragma once
/// The configured watches compiled into one matcher. Every query is parsed
/// once (store::parse_query with filters) and its words turned into the
/// index forms the search tokenizer would look them up under; an index from
/// term to watches picks, per article, the watches one of whose required
/// words occurs, and only those are evaluated. Ingest (ingest::Tagging) and
/// `newsd watch test` both call match(), so they agree by construction.
#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/config/config.hpp"
#include "newsd/watch/article_terms.hpp"

namespace newsd::watch {

/// Why `query` cannot be a watch's query (it does not parse, or holds no
/// word and no filter), or "" when it can. The config loader's check
/// (config::LoadOptions::check_watch_query).
std::string query_problem(std::string_view query);

class WatchSet {
 public:
  WatchSet();
  ~WatchSet();
  WatchSet(WatchSet&&) noexcept;
  WatchSet& operator=(WatchSet&&) noexcept;

  /// Compiles `watches`. Errc::config "watch 'NAME': …" for a query that
  /// query_problem() refuses.
  static Result<WatchSet> compile(const std::vector<config::WatchConfig>& watches);

  /// Indices (into watches()) of the watches the article matches, ascending.
  /// Thread-safe (const, no shared mutable state).
  [[nodiscard]] std::vector<std::size_t> match(const ArticleTerms& terms, const ArticleFacts& facts) const;

  [[nodiscard]] const std::vector<config::WatchConfig>& watches() const { return watches_; }
  [[nodiscard]] bool empty() const { return watches_.empty(); }

  struct Compiled;

 private:
  std::vector<config::WatchConfig> watches_;
  std::vector<Compiled> compiled_;
  /// A form of a required word -> the watches it may trigger.
  std::unordered_map<std::string, std::vector<std::size_t>> by_term_;
  /// Watches no single word decides (filters only, a prefix word first, an
  /// OR with such a side): evaluated for every article.
  std::vector<std::size_t> always_;
};

}  // namespace newsd::watch
