#pragma once
/// The terms of the search index outside SQLite: what the newsd FTS5
/// tokenizer indexes for a text and what it looks a query word up under, so
/// that code matching queries without SQL (newsd::watch) matches exactly
/// what `newsd search` finds.
#include <string>
#include <string_view>
#include <vector>

namespace newsd::store {

/// The terms the index holds for one column's text (an article's title, or
/// its text), in position order: the index stems of document_tokens(),
/// tokens without a stem left out as FTS5 leaves them out.
std::vector<std::string> indexed_terms(std::string_view text);

/// The forms each token of a query word or phrase is looked up under, one
/// entry per token that has a stem, in order: its index stem read as
/// English, its French stem when that differs, and, for the last token of
/// a prefix term (`word*`), its normalized form. A document term matches a
/// token when it equals one of its forms, or, for the last token of a
/// prefix term, begins with one.
std::vector<std::vector<std::string>> query_term_forms(std::string_view text, bool prefix);

}  // namespace newsd::store
