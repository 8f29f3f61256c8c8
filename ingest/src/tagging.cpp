#include "newsd/ingest/tagging.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "newsd/base/log.hpp"
#include "newsd/store/index_terms.hpp"
#include "newsd/watch/match_counts.hpp"

namespace newsd::ingest {
namespace {

// Which model tags an article gets depends on how many labels are kept and
// from which probability on, not only on the model file: changing either
// must make the stored model tags outdated too.
std::string model_tags_version(std::string_view file_version, const config::ClassifyConfig& cfg) {
  return fmt::format("{}-k{}-t{}", file_version, cfg.model_top_k, cfg.model_threshold);
}

}  // namespace

Tagging::Tagging(std::shared_ptr<const classify::Taxonomy> taxonomy, std::optional<classify::Model> model,
                 const config::ClassifyConfig& cfg, watch::WatchSet watches)
    : rules_(std::move(taxonomy)),
      model_(std::move(model)),
      model_top_k_(cfg.model_top_k),
      model_threshold_(cfg.model_threshold),
      versions_{std::string(classify::taxonomy_version(rules_.taxonomy())),
                model_ ? model_tags_version(model_->version(), cfg) : ""},
      watches_(std::move(watches)) {}

Result<std::shared_ptr<const Tagging>> Tagging::load(const config::Config& cfg) {
  auto taxonomy = classify::load_taxonomy(cfg.classify.taxonomy);
  if (!taxonomy) return std::unexpected(taxonomy.error());
  std::optional<classify::Model> model;
  if (cfg.classify.model) {
    auto loaded = classify::Model::load(*cfg.classify.model);
    if (!loaded) return std::unexpected(loaded.error());
    model = std::move(*loaded);
  }
  auto watches = watch::WatchSet::compile(cfg.watches);
  if (!watches) return std::unexpected(watches.error());
  return std::shared_ptr<const Tagging>(
      new Tagging(std::move(*taxonomy), std::move(model), cfg.classify, std::move(*watches)));
}

Result<store::TagVersions> Tagging::current_versions(const config::ClassifyConfig& cfg) {
  auto taxonomy = classify::load_taxonomy(cfg.taxonomy);
  if (!taxonomy) return std::unexpected(taxonomy.error());
  store::TagVersions versions{std::string(classify::taxonomy_version(**taxonomy)), {}};
  if (cfg.model) {
    auto model = classify::model_version(*cfg.model);
    if (!model) return std::unexpected(model.error());
    versions.model = model_tags_version(*model, cfg);
  }
  return versions;
}

std::vector<classify::Tag> Tagging::tag(const store::ArticleRecord& article, const config::FeedConfig& feed,
                                        const store::ArticleTokens* tokens) const {
  const classify::Document doc{article.title, article.text, article.lang};
  std::vector<classify::Tag> tags = tokens ? rules_.tag(doc, tokens->title, tokens->text) : rules_.tag(doc);
  const auto add_new = [&](classify::Tag tag) {
    const bool present = std::ranges::any_of(tags, [&](const classify::Tag& t) { return t.name == tag.name; });
    if (!present) tags.push_back(std::move(tag));
  };
  if (model_) {
    for (auto& tag : model_->predict(doc, model_top_k_, model_threshold_)) add_new(std::move(tag));
  }
  for (const auto& name : feed.tags) add_new({name, classify::TagKind::feed, 1.0, classify::TagSource::feed});
  return tags;
}

void Tagging::add_watch_tags(store::ArticleRecord& article, const config::FeedConfig& feed,
                             const store::ArticleTokens* tokens) const {
  if (watches_.empty()) return;
  const watch::ArticleTerms terms =
      tokens ? watch::ArticleTerms(*tokens) : watch::ArticleTerms(article.title, article.text);
  for (const std::size_t i : watches_.match(terms, watch::facts_of(article, feed))) {
    const auto& w = watches_.watches()[i];
    const bool tagged = std::ranges::any_of(
        article.tags, [&](const classify::Tag& t) { return t.kind == classify::TagKind::watch && t.name == w.tag; });
    if (!tagged) article.tags.push_back({w.tag, classify::TagKind::watch, 1.0, classify::TagSource::watch});
    article.watches.push_back(w.name);
    watch::match_counts().add(w.name);
    log::info("watch.match", {{"watch", w.name}, {"tag", w.tag}, {"url", article.url}, {"title", article.title}});
  }
}

}  // namespace newsd::ingest
