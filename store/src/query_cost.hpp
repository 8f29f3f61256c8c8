#pragma once
// What a search query costs before it runs: its words and prefix terms, as
// the FTS5 query parser and the newsd tokenizer will see them. Search
// refuses a query over its SearchLimits here, before SQLite plans it.
#include <string_view>

#include "newsd/base/error.hpp"
#include "newsd/store/store.hpp"

namespace newsd::store {

struct QueryCost {
  int terms = 0;         ///< words, each word of a phrase included
  int prefix_terms = 0;  ///< terms or phrases followed by `*`
};

/// Counts the cost of an FTS5 query string. Never fails: text FTS5 will
/// reject as a syntax error is counted as best it can be, and the error is
/// left to FTS5. Column names (`title:`, `{title text}`) and the operators
/// AND, OR, NOT and NEAR are not terms; a NEAR distance counts as one.
QueryCost fts_query_cost(std::string_view query);

/// The FTS5 expression to run for `q.text` (non-empty): the text itself
/// with QuerySyntax::fts, else plain_query_to_fts() of it ("" when it holds
/// no word: nothing matches). The byte limit applies to the text as typed,
/// the term limits to the expression as FTS5 will see it. Errc::invalid_argument: "query too expensive: …", or
/// "invalid search query '…': …" for plain text that does not parse.
Result<std::string> search_expression(const SearchQuery& q);

}  // namespace newsd::store
