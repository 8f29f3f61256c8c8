#pragma once
/// The terms of the search index outside SQLite: what the newsd FTS5
/// tokenizer indexes for a text and what it looks a query word up under, so
/// that code matching queries without SQL (newsd::watch) matches exactly
/// what `newsd search` finds.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "newsd/classify/text.hpp"

namespace newsd::store {

/// A column text's tokens as the index makes them (document_tokens()),
/// with the language whose stemmer made them: the classify pipeline with
/// the stemmer of the language detected in the text's first 256 bytes
/// (English for texts under 96 bytes).
classify::TokenizedText index_tokens(std::string_view text);

/// The terms the index holds for one column's text (an article's title, or
/// its text) whose index_tokens() are `tokens`, in position order: their
/// index stems, tokens without a stem left out as FTS5 leaves them out.
std::vector<std::string> indexed_terms(std::span<const classify::Token> tokens);

/// index_tokens() of an article's title and of its text. An ingest worker
/// makes them once and hands them to the rule tagger, the watches and
/// prepare_record(), which would otherwise each tokenize both again.
struct ArticleTokens {
  classify::TokenizedText title, text;
};
ArticleTokens article_tokens(std::string_view title, std::string_view text);

/// The forms each token of a query word or phrase is looked up under, one
/// entry per token that has a stem, in order: its index stem read as
/// English, its French stem when that differs, and, for the last token of
/// a prefix term (`word*`), its normalized form. A document term matches a
/// token when it equals one of its forms, or, for the last token of a
/// prefix term, begins with one.
std::vector<std::vector<std::string>> query_term_forms(std::string_view text, bool prefix);

}  // namespace newsd::store
