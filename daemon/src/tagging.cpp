#include "tagging.hpp"

#include <algorithm>

namespace newsd::daemon {

Tagging::Tagging(std::shared_ptr<const classify::Taxonomy> taxonomy) : rules_(std::move(taxonomy)) {}

Result<std::shared_ptr<const Tagging>> Tagging::load(const config::ClassifyConfig& cfg) {
  auto taxonomy = classify::load_taxonomy(cfg.taxonomy);
  if (!taxonomy) return std::unexpected(taxonomy.error());
  return std::shared_ptr<const Tagging>(new Tagging(std::move(*taxonomy)));
}

std::vector<classify::Tag> Tagging::tag(const store::ArticleRecord& article, const config::FeedConfig& feed) const {
  std::vector<classify::Tag> tags = rules_.tag({article.title, article.text, article.lang});
  for (const auto& name : feed.tags) {
    const bool present = std::ranges::any_of(tags, [&](const classify::Tag& t) { return t.name == name; });
    if (!present) tags.push_back({name, classify::TagKind::feed, 1.0, classify::TagSource::feed});
  }
  return tags;
}

}  // namespace newsd::daemon
