#pragma once
// The plain search syntax `newsd search` takes by default, turned into an
// FTS5 expression: parse_query() then to_fts() (newsd/store/query.hpp holds
// the syntax).
#include <string>
#include <string_view>

#include "newsd/base/error.hpp"
#include "newsd/store/query.hpp"

namespace newsd::store {

/// to_fts(parse_query(query)) without filters; "" when no word is left: such
/// a query matches nothing. Errors as parse_query's.
Result<std::string> plain_query_to_fts(std::string_view query);

}  // namespace newsd::store
