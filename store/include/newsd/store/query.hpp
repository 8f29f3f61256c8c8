#pragma once
/// The plain search syntax as a tree. `newsd search` renders it as an FTS5
/// expression (to_fts); watches (newsd::watch) match it against an article's
/// tokens. Both read a query through parse_query, so they agree on what it
/// means. Words are text, never syntax: `air-defence`, `F-16`, `l'Algérie`,
/// `U.S.`, `NATO's` and Arabic with clitics are searched as written. Only
/// these are operators:
///   "a phrase"      (an unterminated quote runs to the end of the query)
///   word*  "a b"*   prefix
///   a NEAR/n b      two words or phrases with at most n words between them,
///                   in either order, in the same column (0 <= n <=
///                   kMaxNearDistance); binds tightest. `NEAR` alone is a word.
///   AND OR NOT      upper case, between two terms; NOT binds tighter than
///                   AND (also implied between terms), AND tighter than OR,
///                   as in FTS5
///   ( … )           grouping (an unclosed group is closed at the end, a
///                   stray ')' is ignored)
///   topic:T country:CC lang:L feed:F  (feed:"A Name" quotes a value with spaces)
///                   filters, only with QueryParseOptions::filters (watches);
///                   otherwise `topic:x` is a word like any other
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "newsd/base/error.hpp"

namespace newsd::store {

/// Deepest nesting of parentheses a plain query may use.
inline constexpr int kMaxQueryNesting = 16;
/// Largest n of `NEAR/n`.
inline constexpr int kMaxNearDistance = 100;

enum class QueryOp {
  term,     ///< a word or phrase: `text`, `prefix`
  group,    ///< `( … )` as written: one child (kept so the FTS5 text keeps its parentheses)
  all,      ///< AND: two or more children
  any,      ///< OR: two or more children
  but_not,  ///< NOT: children {kept, excluded}
  near,     ///< NEAR/n: children {term, term}, `distance`
  filter,   ///< field:value: `field`, `text`
};

enum class FilterField {
  topic,    ///< a tag of the article with this name, any kind but country and watch tags (case-insensitive)
  country,  ///< a country tag with this ISO 3166-1 code (case-insensitive)
  lang,     ///< the article's language (case-insensitive)
  feed,     ///< the feed's URL, or its name (case-insensitive)
};

std::string_view to_string(FilterField field) noexcept;

struct QueryNode {
  QueryOp op = QueryOp::term;
  std::string text;  ///< term: the word or phrase as written (never empty of words); filter: the value
  bool prefix = false;
  FilterField field = FilterField::topic;
  int distance = 0;
  std::vector<QueryNode> children;
};

struct QueryParseOptions {
  bool filters = false;  ///< read `topic:`, `country:`, `lang:`, `feed:` words as filters
};

/// The tree of a plain query; nullopt when it holds no word (a word the
/// text pipeline finds no token in, such as `-`, a lone `*` or punctuation,
/// is left out; NUL and other control characters separate words): such a
/// query matches nothing. Errc::invalid_argument for an operator without
/// its terms (`NOT` first, `a OR`, `a AND OR b`), a NEAR whose sides are not
/// both words or phrases, a NEAR distance over kMaxNearDistance, a filter
/// without a value, or nesting deeper than kMaxQueryNesting. Parsing is
/// iterative but for parentheses, so its depth is bounded by that limit.
Result<std::optional<QueryNode>> parse_query(std::string_view query, const QueryParseOptions& options = {});

/// The FTS5 expression for a tree without filters: every word and phrase
/// becomes an FTS5 string (`"l'Algérie"`), which FTS5 hands whole to the
/// newsd tokenizer, so a query word is broken, folded and stemmed exactly as
/// the indexed text is; terms side by side are joined by an explicit AND;
/// `a NEAR/3 b` becomes `NEAR("a" "b", 3)`. Errc::invalid_argument for a filter.
Result<std::string> to_fts(const QueryNode& node);

}  // namespace newsd::store
