// Leftmost-longest matching of compiled taxonomy terms over token streams.
#include <algorithm>
#include <span>

#include "taxonomy_impl.hpp"

namespace newsd::classify {
namespace {

struct Scores {
  std::vector<double> score;
  std::vector<char> vetoed;
};

bool matches_at(const CompiledTerm& term, std::span<const Token> tokens, std::size_t at) {
  if (at + term.words.size() > tokens.size()) return false;
  for (std::size_t j = 0; j < term.words.size(); ++j) {
    const Token& token = tokens[at + j];
    if ((term.exact ? token.bare : token.stem) != term.words[j]) return false;
  }
  return true;
}

void score_field(const Taxonomy& taxonomy, const TermIndex& index, std::span<const Token> tokens, double multiplier,
                 bool is_title, Scores& scores, std::vector<Evidence>* evidence) {
  std::vector<std::uint32_t> best;
  auto consider = [&](const std::vector<std::uint32_t>* candidates, std::size_t at, std::size_t& best_len) {
    if (!candidates) return;
    for (std::uint32_t id : *candidates) {
      const CompiledTerm& term = index.terms[id];
      if (term.words.size() < best_len || !matches_at(term, tokens, at)) continue;
      if (term.words.size() > best_len) {
        best_len = term.words.size();
        best.clear();
      }
      best.push_back(id);
    }
  };
  auto lookup = [](const auto& map, const std::string& key) -> const std::vector<std::uint32_t>* {
    const auto it = map.find(key);
    return it == map.end() ? nullptr : &it->second;
  };
  for (std::size_t at = 0; at < tokens.size();) {
    std::size_t best_len = 0;
    best.clear();
    consider(lookup(index.by_first_stem, tokens[at].stem), at, best_len);
    consider(lookup(index.by_first_bare, tokens[at].bare), at, best_len);
    if (best_len == 0) {
      ++at;
      continue;
    }
    // Several terms of one tag can cover the same span (an English and a
    // French spelling stemming alike): the span counts once, at its best weight.
    std::sort(best.begin(), best.end(), [&](std::uint32_t a, std::uint32_t b) {
      const auto &ta = index.terms[a], &tb = index.terms[b];
      return ta.tag != tb.tag ? ta.tag < tb.tag : ta.weight > tb.weight;
    });
    for (std::size_t i = 0; i < best.size(); ++i) {
      const CompiledTerm& term = index.terms[best[i]];
      if (term.role == TermRole::neutral) continue;
      if (term.role == TermRole::exclusion) scores.vetoed[term.tag] = 1;
      const bool repeat = i > 0 && index.terms[best[i - 1]].tag == term.tag;
      if (!repeat) scores.score[term.tag] += term.weight * multiplier;
      if (evidence && !repeat)
        evidence->push_back({taxonomy.tags[term.tag].name, term.text, is_title, term.role == TermRole::exclusion,
                             term.weight * multiplier});
    }
    at += best_len;
  }
}

// A field's tokens for `language`: the caller's when they were made with the
// same stemmer, else made here.
std::span<const Token> tokens_for(std::string_view text, const std::string& language, const TokenizedText* given,
                                  std::vector<Token>& own) {
  if (given != nullptr && same_stemmer(given->language, language)) return given->tokens;
  own = tokenize(text, language);
  return own;
}

}  // namespace

RuleTagger::RuleTagger(std::shared_ptr<const Taxonomy> taxonomy) : taxonomy_(std::move(taxonomy)) {}
RuleTagger::~RuleTagger() = default;

std::vector<Tag> RuleTagger::tag(const Document& doc) const { return tag_tokens(doc, nullptr, nullptr, nullptr); }

std::vector<Tag> RuleTagger::tag(const Document& doc, std::vector<Evidence>* evidence) const {
  return tag_tokens(doc, nullptr, nullptr, evidence);
}

std::vector<Tag> RuleTagger::tag(const Document& doc, const TokenizedText& title, const TokenizedText& body) const {
  return tag_tokens(doc, &title, &body, nullptr);
}

std::vector<Tag> RuleTagger::tag_tokens(const Document& doc, const TokenizedText* title, const TokenizedText* body,
                                        std::vector<Evidence>* evidence) const {
  const Taxonomy& taxonomy = *taxonomy_;
  std::string language = doc.language;
  if (language.empty()) language = detect_language(doc.title.empty() ? doc.body : doc.title + "\n" + doc.body);
  const TermIndex& index = taxonomy.index_for(language);
  Scores scores{std::vector<double>(taxonomy.tags.size(), 0.0), std::vector<char>(taxonomy.tags.size(), 0)};
  std::vector<Token> own;
  score_field(taxonomy, index, tokens_for(doc.title, language, title, own), taxonomy.title_weight, true, scores,
              evidence);
  score_field(taxonomy, index, tokens_for(doc.body, language, body, own), 1.0, false, scores, evidence);

  std::vector<Tag> tags;
  for (std::size_t i = 0; i < taxonomy.tags.size(); ++i) {
    const TagDef& def = taxonomy.tags[i];
    if (scores.vetoed[i] || scores.score[i] <= 0 || scores.score[i] + 1e-9 < def.threshold) continue;
    tags.push_back(Tag{def.name, def.kind, scores.score[i], TagSource::rule});
  }
  std::sort(tags.begin(), tags.end(),
            [](const Tag& a, const Tag& b) { return a.score != b.score ? a.score > b.score : a.name < b.name; });
  return tags;
}

}  // namespace newsd::classify
