#include "newsd/watch/article_terms.hpp"

#include "newsd/store/index_terms.hpp"

namespace newsd::watch {

ArticleTerms::ArticleTerms(std::string_view title, std::string_view text)
    : ArticleTerms(store::article_tokens(title, text)) {}

ArticleTerms::ArticleTerms(const store::ArticleTokens& tokens) {
  std::uint32_t position = 0;
  for (const auto* column : {&tokens.title, &tokens.text}) {
    for (auto& term : store::indexed_terms(column->tokens)) terms_[std::move(term)].push_back(position++);
    position += kColumnGap;
  }
}

const std::vector<std::uint32_t>* ArticleTerms::positions(std::string_view term) const {
  const auto it = terms_.find(term);
  return it == terms_.end() ? nullptr : &it->second;
}

void ArticleTerms::for_each_with_prefix(std::string_view prefix,
                                        const std::function<void(const std::vector<std::uint32_t>&)>& fn) const {
  for (auto it = terms_.lower_bound(prefix); it != terms_.end() && it->first.starts_with(prefix); ++it) fn(it->second);
}

namespace {

void add_tag(ArticleFacts& facts, const std::string& name, std::string_view kind) {
  if (kind == classify::to_string(classify::TagKind::watch)) return;
  (kind == classify::to_string(classify::TagKind::country) ? facts.countries : facts.topics).push_back(name);
}

}  // namespace

ArticleFacts facts_of(const store::ArticleRecord& article, const config::FeedConfig& feed) {
  ArticleFacts facts{article.lang, feed.url, feed.name, {}, {}};
  for (const auto& tag : article.tags) add_tag(facts, tag.name, classify::to_string(tag.kind));
  return facts;
}

ArticleFacts facts_of(const store::ArticleView& article, std::string_view configured_feed_name) {
  ArticleFacts facts{article.lang, article.feed_url, std::string(configured_feed_name), {}, {}};
  for (const auto& tag : article.tags) add_tag(facts, tag.name, tag.kind);
  return facts;
}

}  // namespace newsd::watch
