#pragma once
/// Everything that attaches tags to an article, in one object that can be
/// swapped whole when the config is reloaded: the rule taxonomy, the
/// optional trained model, the feed's own extra tags, and the watches.
#include <memory>
#include <optional>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/classify/model.hpp"
#include "newsd/classify/taxonomy.hpp"
#include "newsd/config/config.hpp"
#include "newsd/store/store.hpp"
#include "newsd/watch/watch_set.hpp"

namespace newsd::ingest {

class Tagging {
 public:
  /// Loads the taxonomy, and the model when `cfg.classify.model` is set,
  /// and compiles `cfg.watches`. Errc::config, Errc::io or Errc::parse on
  /// failure (a configured model that cannot be loaded, or a watch query
  /// that does not parse, is an error, not silently skipped).
  static Result<std::shared_ptr<const Tagging>> load(const config::Config& cfg);

  /// Rule tags, then model tags (top `model_top_k` at `model_threshold` or
  /// more), then `feed.tags`; a name is tagged once. Thread-safe. With
  /// `tokens` (store::article_tokens() of the article's title and text),
  /// the rule tagger reuses them where they suit it.
  std::vector<classify::Tag> tag(const store::ArticleRecord& article, const config::FeedConfig& feed,
                                 const store::ArticleTokens* tokens = nullptr) const;

  /// The versions of the loaded taxonomy (classify::taxonomy_version) and
  /// model (classify::Model::version plus `model_top_k` and
  /// `model_threshold`, which decide its tags too; empty: no model),
  /// recorded with each article tagged by this object.
  const store::TagVersions& versions() const noexcept { return versions_; }

  /// The versions a Tagging loaded from `cfg` would have, without loading
  /// the model (its file is only hashed): what `newsd stats` compares the
  /// stored ones to. Errors as load().
  static Result<store::TagVersions> current_versions(const config::ClassifyConfig& cfg);
  /// Runs the watches over `article`, whose `tags` tag() has already set
  /// (filters read them): each matching watch's tag is appended to
  /// `article.tags` (kind and source watch, once per name) and its name to
  /// `article.watches`. Each match is an event: logged (`watch.match`) and
  /// counted (watch::match_counts()); the stored tag and `watch_matches`
  /// row are its durable record, and sinks deliver it with the article
  /// (the `watches` of its JSON, read from `watch_matches`). Thread-safe.
  /// `tokens`, when given, are store::article_tokens() of the article's
  /// title and text.
  void add_watch_tags(store::ArticleRecord& article, const config::FeedConfig& feed,
                      const store::ArticleTokens* tokens = nullptr) const;

 private:
  Tagging(std::shared_ptr<const classify::Taxonomy> taxonomy, std::optional<classify::Model> model,
          const config::ClassifyConfig& cfg, watch::WatchSet watches);
  classify::RuleTagger rules_;
  std::optional<classify::Model> model_;
  int model_top_k_;
  double model_threshold_;
  store::TagVersions versions_;
  watch::WatchSet watches_;
};

}  // namespace newsd::ingest
