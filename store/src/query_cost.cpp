#include "query_cost.hpp"

#include <string>

#include "newsd/classify/text.hpp"
#include "query_parse.hpp"

namespace newsd::store {
namespace {

// FTS5's bareword characters (fts5_expr.c, sqlite3Fts5IsBareword).
bool bareword_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' ||
         u == 0x1a;
}

bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Words the query tokenizer emits a term for: the same word breaking.
int words(std::string_view text) { return static_cast<int>(classify::tokenize(text, "en").size()); }

}  // namespace

QueryCost fts_query_cost(std::string_view q) {
  QueryCost cost;
  bool after_term = false;  // a `*` here makes the preceding term a prefix term
  std::size_t i = 0;
  auto next_non_space = [&](std::size_t from) {
    while (from < q.size() && space(q[from])) ++from;
    return from < q.size() ? q[from] : '\0';
  };
  while (i < q.size()) {
    const char c = q[i];
    if (space(c)) {
      ++i;
    } else if (c == '"') {
      std::string phrase;
      for (++i; i < q.size(); ++i) {
        if (q[i] != '"') {
          phrase += q[i];
        } else if (i + 1 < q.size() && q[i + 1] == '"') {
          phrase += '"';  // "" is a quote inside a string
          ++i;
        } else {
          ++i;
          break;
        }
      }
      cost.terms += words(phrase);
      after_term = true;
    } else if (bareword_char(c)) {
      const std::size_t start = i;
      while (i < q.size() && bareword_char(q[i])) ++i;
      const std::string_view word = q.substr(start, i - start);
      const char next = next_non_space(i);
      const bool column = next == ':';
      const bool op = word == "AND" || word == "OR" || word == "NOT" || (word == "NEAR" && next == '(');
      after_term = !column && !op;
      if (after_term) cost.terms += words(word);
    } else if (c == '{') {
      // A column set: names only.
      while (i < q.size() && q[i] != '}') ++i;
      after_term = false;
    } else {
      if (c == '*' && after_term) ++cost.prefix_terms;
      after_term = false;
      ++i;
    }
  }
  return cost;
}

namespace {

Result<void> check_query_bytes(std::string_view query, const SearchLimits& limits) {
  if (query.size() > limits.max_query_bytes) {
    return fail(Errc::invalid_argument, "query too expensive: " + std::to_string(query.size()) + " bytes, at most " +
                                            std::to_string(limits.max_query_bytes));
  }
  return {};
}

Result<void> check_expression_cost(std::string_view expression, const SearchLimits& limits) {
  const QueryCost cost = fts_query_cost(expression);
  // Prefix terms first: they are the costly part of a query that has both.
  if (cost.prefix_terms > limits.max_prefix_terms) {
    return fail(Errc::invalid_argument, "query too expensive: " + std::to_string(cost.prefix_terms) +
                                            " prefix terms (word*), at most " +
                                            std::to_string(limits.max_prefix_terms));
  }
  if (cost.terms > limits.max_terms) {
    return fail(Errc::invalid_argument, "query too expensive: " + std::to_string(cost.terms) + " terms, at most " +
                                            std::to_string(limits.max_terms));
  }
  return {};
}

}  // namespace

Result<std::string> search_expression(const SearchQuery& q) {
  if (auto ok = check_query_bytes(q.text, q.limits); !ok) return std::unexpected(ok.error());
  std::string expression = q.text;
  if (q.syntax == QuerySyntax::plain) {
    auto built = plain_query_to_fts(q.text);
    if (!built) return fail(Errc::invalid_argument, "invalid search query '" + q.text + "': " + built.error().message);
    expression = std::move(*built);
  }
  if (auto ok = check_expression_cost(expression, q.limits); !ok) return std::unexpected(ok.error());
  return expression;
}

}  // namespace newsd::store
