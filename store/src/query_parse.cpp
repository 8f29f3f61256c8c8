#include "query_parse.hpp"

#include <functional>
#include <optional>
#include <vector>

#include "newsd/classify/text.hpp"
#include "tokenizer.hpp"

namespace newsd::store {
namespace {

enum class Kind { term, op_and, op_or, op_not, open, close };

struct Lexeme {
  Kind kind = Kind::term;
  std::string text;     ///< a word or the inside of a phrase (term only)
  bool prefix = false;  ///< followed by `*`
};

// Control characters (NUL included) separate words like spaces: they can
// reach the store through its API, and FTS5 must never see them inside a
// string it was told the length of but later treats as a C string.
bool separator(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f;
}

Kind word_kind(std::string_view word) {
  if (word == "AND") return Kind::op_and;
  if (word == "OR") return Kind::op_or;
  if (word == "NOT") return Kind::op_not;
  return Kind::term;
}

std::vector<Lexeme> lex(std::string_view q) {
  std::vector<Lexeme> out;
  std::size_t i = 0;
  while (i < q.size()) {
    const char c = q[i];
    if (separator(c)) {
      ++i;
    } else if (c == '(' || c == ')') {
      out.push_back({c == '(' ? Kind::open : Kind::close, {}, false});
      ++i;
    } else if (c == '"') {
      const std::size_t end = q.find('"', i + 1);
      const std::size_t stop = end == std::string_view::npos ? q.size() : end;
      Lexeme phrase{Kind::term, std::string(q.substr(i + 1, stop - i - 1)), false};
      for (char& p : phrase.text) {
        if (separator(p)) p = ' ';
      }
      i = end == std::string_view::npos ? q.size() : end + 1;
      if (i < q.size() && q[i] == '*') {
        phrase.prefix = true;
        ++i;
      }
      out.push_back(std::move(phrase));
    } else {
      const std::size_t start = i;
      while (i < q.size() && !separator(q[i]) && q[i] != '(' && q[i] != ')' && q[i] != '"') ++i;
      std::string_view word = q.substr(start, i - start);
      const bool prefix = word.ends_with('*');
      while (word.ends_with('*')) word.remove_suffix(1);
      if (word.empty()) continue;  // a lone `*` prefixes nothing
      const Kind kind = prefix ? Kind::term : word_kind(word);
      out.push_back({kind, kind == Kind::term ? std::string(word) : std::string{}, prefix});
    }
  }
  return out;
}

// What a parsed query is written as: FTS5 or a PostgreSQL tsquery. The
// operators include their spacing; `term` returns "" for a word or phrase
// that holds no indexable word, which is then left out.
struct Dialect {
  std::function<std::string(const Lexeme&)> term;
  std::string_view op_and, op_or, op_not;
};

std::string_view op_name(Kind kind) {
  switch (kind) {
    case Kind::op_and: return "AND";
    case Kind::op_or: return "OR";
    case Kind::op_not: return "NOT";
    default: return "";
  }
}

// The FTS5 string for a word or phrase, or "" when the text pipeline finds
// no word in it: an empty FTS5 phrase would match nothing and silently
// empty the results.
std::string fts_string(const Lexeme& term) {
  if (classify::tokenize(term.text, "en").empty()) return {};
  std::string out = "\"";
  for (char c : term.text) {
    if (c == '"') out += '"';  // FTS5's escape for a quote inside a string
    out += c;
  }
  out += '"';
  if (term.prefix) out += '*';
  return out;
}

class Parser {
 public:
  Parser(std::vector<Lexeme> lexemes, Dialect dialect) : lx_(std::move(lexemes)), dialect_(std::move(dialect)) {}

  // A sequence of terms and groups joined by operators, up to the `)` that
  // closes it (left for the caller) or the end of the query.
  Result<std::string> group(int depth) {
    std::string out;
    std::optional<Kind> pending;  // the operator read since the last operand
    while (pos_ < lx_.size()) {
      const Lexeme& l = lx_[pos_];
      if (l.kind == Kind::close) {
        if (depth > 0) break;
        ++pos_;  // a stray `)` closes nothing
        continue;
      }
      if (l.kind != Kind::term && l.kind != Kind::open) {
        if (out.empty()) {
          return fail(Errc::invalid_argument, std::string(op_name(l.kind)) +
                                                  " needs a term before it (quote it to search the word: \"" +
                                                  std::string(op_name(l.kind)) + "\")");
        }
        if (pending) {
          return fail(Errc::invalid_argument,
                      "two operators in a row: " + std::string(op_name(*pending)) + " " + std::string(op_name(l.kind)));
        }
        pending = l.kind;
        ++pos_;
        continue;
      }
      auto operand = l.kind == Kind::open ? subgroup(depth) : Result<std::string>(dialect_.term(l));
      if (l.kind == Kind::term) ++pos_;
      if (!operand) return operand;
      if (operand->empty()) continue;
      // FTS5 implies AND only between two phrases, not next to a group, so it is always written out.
      if (!out.empty()) out += written(pending.value_or(Kind::op_and));
      out += *operand;
      pending.reset();
    }
    if (pending) {
      return fail(Errc::invalid_argument, std::string(op_name(*pending)) + " needs a term after it");
    }
    return out;
  }

 private:
  // `( … )` at lx_[pos_]: its expression in parentheses, "" if it holds no word.
  Result<std::string> subgroup(int depth) {
    if (depth + 1 > kMaxQueryNesting) {
      return fail(Errc::invalid_argument, "parentheses nested more than " + std::to_string(kMaxQueryNesting) + " deep");
    }
    ++pos_;
    auto inner = group(depth + 1);
    if (!inner) return inner;
    if (pos_ < lx_.size()) ++pos_;  // its `)`; an unclosed group ends with the query
    return inner->empty() ? std::string{} : "(" + *inner + ")";
  }

  std::string_view written(Kind op) const {
    return op == Kind::op_or ? dialect_.op_or : op == Kind::op_not ? dialect_.op_not : dialect_.op_and;
  }

  std::vector<Lexeme> lx_;
  Dialect dialect_;
  std::size_t pos_ = 0;
};

// A tsquery lexeme: quoted, with quotes and backslashes escaped as the
// tsquery input syntax wants, so that no query text is ever read as an operator.
std::string tsquery_lexeme(std::string_view form, bool prefix) {
  std::string out = "'";
  for (char c : form) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  out += prefix ? "':*" : "'";
  return out;
}

// A word or phrase as a tsquery: each word's forms OR-ed, the words of a
// phrase joined by `<->` (followed by), the prefix on the last word.
std::string tsquery_term(const Lexeme& term, TsQuery& query) {
  const auto words = query_words(term.text, term.prefix);
  std::string out;
  QueryPhrase phrase{{}, term.prefix};
  for (std::size_t i = 0; i < words.size(); ++i) {
    const bool prefix = term.prefix && i + 1 == words.size();
    std::string alternatives;
    for (const auto& form : words[i].forms) {
      if (!alternatives.empty()) alternatives += " | ";
      alternatives += tsquery_lexeme(form, prefix);
    }
    phrase.words.push_back(words[i].forms);
    if (i > 0) out += " <-> ";
    out += words[i].forms.size() > 1 ? "(" + alternatives + ")" : alternatives;
  }
  if (!phrase.words.empty()) query.phrases.push_back(std::move(phrase));
  // `!` and `&` bind tighter than `<->` would leave a phrase: keep it whole.
  return words.size() > 1 ? "(" + out + ")" : out;
}

}  // namespace

Result<std::string> plain_query_to_fts(std::string_view query) {
  Parser parser(lex(query), Dialect{fts_string, " AND ", " OR ", " NOT "});
  return parser.group(0);
}

Result<TsQuery> plain_query_to_tsquery(std::string_view query) {
  TsQuery out;
  // FTS5's binary `a NOT b` is `a & !b`; `!` binds tightest in a tsquery
  // as NOT does in FTS5, and `&` tighter than `|` as AND than OR.
  Parser parser(lex(query), Dialect{[&out](const Lexeme& l) { return tsquery_term(l, out); }, " & ", " | ", " & !"});
  auto text = parser.group(0);
  if (!text) return std::unexpected(text.error());
  out.text = std::move(*text);
  return out;
}

}  // namespace newsd::store
