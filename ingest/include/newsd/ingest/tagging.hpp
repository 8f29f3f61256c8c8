#pragma once
/// Everything that attaches tags to an article, in one object that can be
/// swapped whole when the config is reloaded: the rule taxonomy, the
/// optional trained model, and the feed's own extra tags.
#include <memory>
#include <optional>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/classify/model.hpp"
#include "newsd/classify/taxonomy.hpp"
#include "newsd/config/config.hpp"
#include "newsd/store/store.hpp"

namespace newsd::ingest {

class Tagging {
 public:
  /// Loads the taxonomy, and the model when `cfg.model` is set. Errc::config,
  /// Errc::io or Errc::parse on failure (a configured model that cannot be
  /// loaded is an error, not silently skipped).
  static Result<std::shared_ptr<const Tagging>> load(const config::ClassifyConfig& cfg);

  /// Rule tags, then model tags (top `model_top_k` at `model_threshold` or
  /// more), then `feed.tags`; a name is tagged once. Thread-safe.
  std::vector<classify::Tag> tag(const store::ArticleRecord& article, const config::FeedConfig& feed) const;

 private:
  Tagging(std::shared_ptr<const classify::Taxonomy> taxonomy, std::optional<classify::Model> model,
          const config::ClassifyConfig& cfg);
  classify::RuleTagger rules_;
  std::optional<classify::Model> model_;
  int model_top_k_;
  double model_threshold_;
};

}  // namespace newsd::ingest
