#pragma once
// The plain search syntax `newsd search` takes by default, turned into an
// FTS5 expression: parse_query() then to_fts() (newsd/store/query.hpp holds
// the syntax).
#include <string>
#include <string_view>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/store/query.hpp"

namespace newsd::store {

/// to_fts(parse_query(query)) without filters; "" when no word is left: such
/// a query matches nothing. Errors as parse_query's.
Result<std::string> plain_query_to_fts(std::string_view query);

}  // namespace newsd::store

namespace newsd::store {

/// One word or "phrase" of a query: per word, the index forms it matches
/// (QueryWord::forms); with `prefix`, the last word matches forms it begins.
struct QueryPhrase {
  std::vector<std::vector<std::string>> words;
  bool prefix = false;
  /// A side of `a NEAR/n b`: the index (in TsQuery::phrases) of the other
  /// side, and n. FTS5 reports only the instances that are near one of the
  /// other side's, so a snippet marks only those. -1: not in a NEAR.
  int near_partner = -1;
  int near_distance = 0;
};

/// A plain query as a PostgreSQL tsquery (the PostgreSQL backend's search).
struct TsQuery {
  /// tsquery input syntax: every word's index forms (query_words()) as
  /// quoted lexemes, alternatives `|`, phrases `<->`, prefix `:*`, AND `&`,
  /// OR `|`, NOT `& !`, NEAR/n an OR of phrases at each distance allowed
  /// (query_parse.cpp, tsquery_near). "" when no word is left: matches nothing.
  std::string text;
  /// `text` for ranking (ts_rank_cd): the same, but each NEAR as its two
  /// sides AND-ed (query_parse.cpp, NearAs::rank).
  std::string rank_text;
  std::vector<QueryPhrase> phrases;  ///< every term, NOT ones included, for snippets
};

/// The same parse as plain_query_to_fts(), the same errors, written as a tsquery.
Result<TsQuery> plain_query_to_tsquery(std::string_view query);

}  // namespace newsd::store
