#pragma once
// The plain search syntax `newsd search` takes by default, turned into an
// FTS5 expression. Words are text, never syntax: `air-defence`, `F-16`,
// `l'Algérie`, `U.S.`, `NATO's` and Arabic with clitics are searched as
// written. Only these are operators:
//   "a phrase"      (an unterminated quote runs to the end of the query)
//   word*  "a b"*   prefix
//   AND OR NOT      upper case, between two terms; NOT binds tighter than
//                   AND (also implied between terms), AND tighter than OR,
//                   as in FTS5
//   ( … )           grouping (an unclosed group is closed at the end, a
//                   stray ')' is ignored)
#include <string>
#include <string_view>
#include <vector>

#include "newsd/base/error.hpp"

namespace newsd::store {

/// Deepest nesting of parentheses a plain query may use.
inline constexpr int kMaxQueryNesting = 16;

/// The FTS5 expression for a plain query: every word and phrase becomes an
/// FTS5 string (`"l'Algérie"`), which FTS5 hands whole to the newsd
/// tokenizer, so a query word is broken, folded and stemmed exactly as the
/// indexed text is; terms side by side are joined by an explicit AND. A
/// word the text pipeline finds no token in (`-`, a lone `*`, punctuation)
/// is left out; NUL and other control characters separate words. "" when no word is left: such a query matches nothing.
/// Errc::invalid_argument for an operator without its terms (`NOT` first,
/// `a OR`, `a AND OR b`) or nesting deeper than kMaxQueryNesting.
Result<std::string> plain_query_to_fts(std::string_view query);

}  // namespace newsd::store

namespace newsd::store {

/// One word or "phrase" of a query: per word, the index forms it matches
/// (QueryWord::forms); with `prefix`, the last word matches forms it begins.
struct QueryPhrase {
  std::vector<std::vector<std::string>> words;
  bool prefix = false;
};

/// A plain query as a PostgreSQL tsquery (the PostgreSQL backend's search).
struct TsQuery {
  /// tsquery input syntax: every word's index forms (query_words()) as
  /// quoted lexemes, alternatives `|`, phrases `<->`, prefix `:*`, AND `&`,
  /// OR `|`, NOT `& !`. "" when no word is left: matches nothing.
  std::string text;
  std::vector<QueryPhrase> phrases;  ///< every term, NOT ones included, for snippets
};

/// The same parse as plain_query_to_fts(), the same errors, written as a tsquery.
Result<TsQuery> plain_query_to_tsquery(std::string_view query);

}  // namespace newsd::store
