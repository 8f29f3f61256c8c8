#pragma once
/// Everything that attaches tags to an article, in one object that can be
/// swapped whole when the config is reloaded: the rule taxonomy, the
/// optional trained model, and the feed's own extra tags.
#include <memory>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/classify/taxonomy.hpp"
#include "newsd/config/config.hpp"
#include "newsd/store/store.hpp"

namespace newsd::daemon {

class Tagging {
 public:
  /// Loads the taxonomy (and model) named by `cfg`. Errc::config/io on failure.
  static Result<std::shared_ptr<const Tagging>> load(const config::ClassifyConfig& cfg);

  /// Rule tags, model tags and `feed.tags`, without duplicates. Thread-safe.
  std::vector<classify::Tag> tag(const store::ArticleRecord& article, const config::FeedConfig& feed) const;

 private:
  explicit Tagging(std::shared_ptr<const classify::Taxonomy> taxonomy);
  classify::RuleTagger rules_;
};

}  // namespace newsd::daemon
