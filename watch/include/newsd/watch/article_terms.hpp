#pragma once
/// One article as a watch sees it: its words as the search index holds them
/// (with positions, for phrases and NEAR) and the facts its filters read.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "newsd/classify/tags.hpp"
#include "newsd/config/config.hpp"
#include "newsd/store/index_terms.hpp"
#include "newsd/store/store.hpp"

namespace newsd::watch {

/// The index terms of an article's title and text (store::indexed_terms of
/// each: the same terms, hence the same matches, as `newsd search`). The
/// title holds positions from 0; the text starts kColumnGap past the
/// title's last, so that no phrase or NEAR spans the two, as FTS5 keeps
/// columns apart.
class ArticleTerms {
 public:
  static constexpr std::uint32_t kColumnGap = 1000;

  /// Tokenises both once.
  ArticleTerms(std::string_view title, std::string_view text);

  /// From the title's and the text's store::index_tokens() already made.
  explicit ArticleTerms(const store::ArticleTokens& tokens);

  /// Positions of `term`, ascending; null when absent.
  [[nodiscard]] const std::vector<std::uint32_t>* positions(std::string_view term) const;
  /// Calls `fn` with the positions of every term beginning with `prefix`.
  void for_each_with_prefix(std::string_view prefix,
                            const std::function<void(const std::vector<std::uint32_t>&)>& fn) const;
  /// Every distinct term with its positions.
  [[nodiscard]] const std::map<std::string, std::vector<std::uint32_t>, std::less<>>& terms() const { return terms_; }

 private:
  std::map<std::string, std::vector<std::uint32_t>, std::less<>> terms_;
};

/// What the filters of a query look at.
struct ArticleFacts {
  std::string lang;
  std::string feed_url;
  std::string feed_name;  ///< the feed's `name` in the config (not its title, which ingest does not know); may be empty
  std::vector<std::string> topics;     ///< names of its tags of every kind but country and watch
  std::vector<std::string> countries;  ///< names of its country tags
};

/// The facts of an article being ingested: its record (tags as computed so
/// far: rules, model, feed) and its feed's config.
ArticleFacts facts_of(const store::ArticleRecord& article, const config::FeedConfig& feed);
/// The facts of a stored article (`newsd watch test`): its stored tags,
/// watch tags left out, and the `name` its feed has in the config.
ArticleFacts facts_of(const store::ArticleView& article, std::string_view configured_feed_name);

}  // namespace newsd::watch
