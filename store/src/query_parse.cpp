#include "query_parse.hpp"

#include <algorithm>
#include <charconv>
#include <optional>
#include <vector>

#include "newsd/classify/text.hpp"
#include "tokenizer.hpp"

namespace newsd::store {
namespace {

enum class Kind { term, filter, op_and, op_or, op_not, op_near, open, close };

struct Lexeme {
  Kind kind = Kind::term;
  std::string text;     ///< a word or the inside of a phrase (term), a filter's value (filter)
  bool prefix = false;  ///< followed by `*`
  FilterField field = FilterField::topic;
  int distance = 0;  ///< op_near
};

// Control characters (NUL included) separate words like spaces: they can
// reach the store through its API, and FTS5 must never see them inside a
// string it was told the length of but later treats as a C string.
bool separator(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f;
}

// `NEAR/n`: its distance; nullopt when the word is not that operator (it is
// then a word, as `NEAR` alone is). A distance out of range is still the
// operator, so that the parser can say what is wrong with it.
std::optional<int> near_distance(std::string_view word) {
  constexpr std::string_view kNear = "NEAR/";
  if (!word.starts_with(kNear) || word.size() == kNear.size()) return std::nullopt;
  const std::string_view digits = word.substr(kNear.size());
  if (!std::ranges::all_of(digits, [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  int n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  return ec == std::errc{} && end == digits.data() + digits.size() ? n : kMaxNearDistance + 1;
}

std::optional<FilterField> filter_field(std::string_view name) {
  for (const auto field : {FilterField::topic, FilterField::country, FilterField::lang, FilterField::feed}) {
    if (name == to_string(field)) return field;
  }
  return std::nullopt;
}

Lexeme word_lexeme(std::string_view word, bool prefix, const QueryParseOptions& options) {
  if (!prefix) {
    if (word == "AND") return {Kind::op_and};
    if (word == "OR") return {Kind::op_or};
    if (word == "NOT") return {Kind::op_not};
    if (auto n = near_distance(word)) return {Kind::op_near, {}, false, FilterField::topic, *n};
    if (const auto colon = word.find(':'); options.filters && colon != std::string_view::npos) {
      if (auto field = filter_field(word.substr(0, colon))) {
        return {Kind::filter, std::string(word.substr(colon + 1)), false, *field};
      }
    }
  }
  return {Kind::term, std::string(word), prefix};
}

// The text of the quoted string opening at q[i] (to the next quote, or the
// end of the query), control characters made spaces; `i` moves past it.
std::string quoted(std::string_view q, std::size_t& i) {
  const std::size_t end = q.find('"', i + 1);
  const std::size_t stop = end == std::string_view::npos ? q.size() : end;
  std::string text(q.substr(i + 1, stop - i - 1));
  for (char& c : text) {
    if (separator(c)) c = ' ';
  }
  i = end == std::string_view::npos ? q.size() : end + 1;
  return text;
}

std::vector<Lexeme> lex(std::string_view q, const QueryParseOptions& options) {
  std::vector<Lexeme> out;
  std::size_t i = 0;
  while (i < q.size()) {
    const char c = q[i];
    if (separator(c)) {
      ++i;
    } else if (c == '(' || c == ')') {
      out.push_back({c == '(' ? Kind::open : Kind::close});
      ++i;
    } else if (c == '"') {
      Lexeme phrase{Kind::term, quoted(q, i)};
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
      Lexeme lexeme = word_lexeme(word, prefix, options);
      // `feed:"Maghreb Defense"`: a quoted value, for names with spaces.
      if (lexeme.kind == Kind::filter && lexeme.text.empty() && i < q.size() && q[i] == '"') lexeme.text = quoted(q, i);
      out.push_back(std::move(lexeme));
    }
  }
  return out;
}

std::string op_name(const Lexeme& op) {
  switch (op.kind) {
    case Kind::op_and: return "AND";
    case Kind::op_or: return "OR";
    case Kind::op_not: return "NOT";
    case Kind::op_near: return "NEAR/" + std::to_string(op.distance);
    default: return "";
  }
}

bool operator_kind(Kind kind) {
  return kind == Kind::op_and || kind == Kind::op_or || kind == Kind::op_not || kind == Kind::op_near;
}

// A group's operands in order, and the operator between each two (an
// implied AND where none was written).
struct Sequence {
  std::vector<QueryNode> operands;
  std::vector<Lexeme> ops;  ///< ops[i] joins operands[i] and operands[i + 1]
};

QueryNode combine(QueryOp op, QueryNode left, QueryNode right) {
  // Runs of AND (of OR) make one node, so a long chain is a flat list, not a deep tree.
  if ((op == QueryOp::all || op == QueryOp::any) && left.op == op) {
    left.children.push_back(std::move(right));
    return left;
  }
  QueryNode node{op};
  node.children.push_back(std::move(left));
  node.children.push_back(std::move(right));
  return node;
}

// Joins the operands around every operator of `kind`, left to right.
Result<void> fold(Sequence& s, Kind kind) {
  Sequence out;
  out.operands.push_back(std::move(s.operands.front()));
  for (std::size_t i = 0; i < s.ops.size(); ++i) {
    QueryNode& right = s.operands[i + 1];
    if (s.ops[i].kind != kind) {
      out.ops.push_back(std::move(s.ops[i]));
      out.operands.push_back(std::move(right));
      continue;
    }
    QueryNode& left = out.operands.back();
    if (kind == Kind::op_near) {
      if (left.op != QueryOp::term || right.op != QueryOp::term) {
        return fail(Errc::invalid_argument,
                    op_name(s.ops[i]) + " joins two words or phrases, not a group, a filter or another NEAR");
      }
      QueryNode near = combine(QueryOp::near, std::move(left), std::move(right));
      near.distance = s.ops[i].distance;
      left = std::move(near);
      continue;
    }
    const QueryOp op = kind == Kind::op_not ? QueryOp::but_not : kind == Kind::op_and ? QueryOp::all : QueryOp::any;
    left = combine(op, std::move(left), std::move(right));
  }
  s = std::move(out);
  return {};
}

// Operator precedence, as FTS5 has it: NEAR, then NOT, AND, OR.
Result<std::optional<QueryNode>> build(Sequence s) {
  if (s.operands.empty()) return std::optional<QueryNode>{};
  for (const Kind kind : {Kind::op_near, Kind::op_not, Kind::op_and, Kind::op_or}) {
    if (auto ok = fold(s, kind); !ok) return std::unexpected(ok.error());
  }
  return std::optional<QueryNode>{std::move(s.operands.front())};
}

class Parser {
 public:
  explicit Parser(std::vector<Lexeme> lexemes) : lx_(std::move(lexemes)) {}

  // A sequence of terms and groups joined by operators, up to the `)` that
  // closes it (left for the caller) or the end of the query.
  Result<std::optional<QueryNode>> group(int depth) {
    Sequence s;
    std::optional<Lexeme> pending;  // the operator read since the last operand
    while (pos_ < lx_.size()) {
      const Lexeme& l = lx_[pos_];
      if (l.kind == Kind::close) {
        if (depth > 0) break;
        ++pos_;  // a stray `)` closes nothing
        continue;
      }
      if (operator_kind(l.kind)) {
        if (auto ok = accept_operator(l, s, pending); !ok) return std::unexpected(ok.error());
        ++pos_;
        continue;
      }
      auto operand = l.kind == Kind::open ? subgroup(depth) : leaf(l);
      if (l.kind != Kind::open) ++pos_;
      if (!operand) return operand;
      if (!*operand) continue;
      if (!s.operands.empty()) s.ops.push_back(pending.value_or(Lexeme{Kind::op_and}));
      s.operands.push_back(std::move(**operand));
      pending.reset();
    }
    if (pending) return fail(Errc::invalid_argument, op_name(*pending) + " needs a term after it");
    return build(std::move(s));
  }

 private:
  static Result<void> accept_operator(const Lexeme& l, const Sequence& s, std::optional<Lexeme>& pending) {
    if (s.operands.empty()) {
      return fail(Errc::invalid_argument,
                  op_name(l) + " needs a term before it (quote it to search the word: \"" + op_name(l) + "\")");
    }
    if (pending) return fail(Errc::invalid_argument, "two operators in a row: " + op_name(*pending) + " " + op_name(l));
    if (l.kind == Kind::op_near && l.distance > kMaxNearDistance) {
      return fail(Errc::invalid_argument, "NEAR/n takes a distance from 0 to " + std::to_string(kMaxNearDistance));
    }
    pending = l;
    return {};
  }

  // A word, phrase or filter; nullopt for a word the text pipeline finds no
  // token in: an empty FTS5 phrase would match nothing and silently empty
  // the results.
  static Result<std::optional<QueryNode>> leaf(const Lexeme& l) {
    if (l.kind == Kind::filter) {
      if (l.text.empty()) {
        return fail(Errc::invalid_argument,
                    "the filter " + std::string(to_string(l.field)) + ": needs a value, as in topic:defense");
      }
      QueryNode filter{QueryOp::filter, l.text};
      filter.field = l.field;
      return std::optional<QueryNode>{std::move(filter)};
    }
    if (classify::tokenize(l.text, "en").empty()) return std::optional<QueryNode>{};
    return std::optional<QueryNode>{QueryNode{QueryOp::term, l.text, l.prefix}};
  }

  // `( … )` at lx_[pos_]: its tree under a group node, nullopt if it holds no word.
  Result<std::optional<QueryNode>> subgroup(int depth) {
    if (depth + 1 > kMaxQueryNesting) {
      return fail(Errc::invalid_argument, "parentheses nested more than " + std::to_string(kMaxQueryNesting) + " deep");
    }
    ++pos_;
    auto inner = group(depth + 1);
    if (pos_ < lx_.size()) ++pos_;  // its `)`; an unclosed group ends with the query
    if (!inner || !*inner) return inner;
    QueryNode node{QueryOp::group};
    node.children.push_back(std::move(**inner));
    return std::optional<QueryNode>{std::move(node)};
  }

  std::vector<Lexeme> lx_;
  std::size_t pos_ = 0;
};

std::string fts_string(const QueryNode& term) {
  std::string out = "\"";
  for (char c : term.text) {
    if (c == '"') out += '"';  // FTS5's escape for a quote inside a string
    out += c;
  }
  out += '"';
  if (term.prefix) out += '*';
  return out;
}

Result<void> render(const QueryNode& node, std::string& out) {
  const auto join = [&](std::string_view between) -> Result<void> {
    for (std::size_t i = 0; i < node.children.size(); ++i) {
      if (i > 0) out += between;
      if (auto ok = render(node.children[i], out); !ok) return ok;
    }
    return {};
  };
  switch (node.op) {
    case QueryOp::term: out += fts_string(node); return {};
    case QueryOp::group: {
      out += '(';
      auto ok = join("");
      out += ')';
      return ok;
    }
    case QueryOp::all: return join(" AND ");
    case QueryOp::any: return join(" OR ");
    case QueryOp::but_not: return join(" NOT ");
    case QueryOp::near:
      out += "NEAR(" + fts_string(node.children[0]) + " " + fts_string(node.children[1]) + ", " +
             std::to_string(node.distance) + ")";
      return {};
    case QueryOp::filter:
      return fail(Errc::invalid_argument,
                  "the filter " + std::string(to_string(node.field)) + ":" + node.text + " has no full-text form");
  }
  return {};
}

// A tsquery lexeme: quoted, with quotes and backslashes escaped as the
// tsquery input syntax wants, so that no query text is ever read as an
// operator; `weight` ('A' title, 'D' body, '\0' either) restricts it to
// one column.
std::string tsquery_lexeme(std::string_view form, bool prefix, char weight = '\0') {
  std::string out = "'";
  for (char c : form) {
    if (c == '\'' || c == '\\') out += c;
    out += c;
  }
  out += '\'';
  if (prefix || weight != '\0') out += ':';
  if (prefix) out += '*';
  if (weight != '\0') out += weight;
  return out;
}

// Each word of a term as its tsquery alternatives (its forms OR-ed, the
// prefix on the last word of a prefix term), in order; the term is also
// recorded for snippets. Empty when it holds no indexed word.
std::vector<std::string> tsquery_words(const QueryNode& term, TsQuery& query, char weight = '\0') {
  const auto words = query_words(term.text, term.prefix);
  std::vector<std::string> out;
  QueryPhrase phrase{{}, term.prefix};
  for (std::size_t i = 0; i < words.size(); ++i) {
    const bool prefix = term.prefix && i + 1 == words.size();
    std::string alternatives;
    for (const auto& form : words[i].forms) {
      if (!alternatives.empty()) alternatives += " | ";
      alternatives += tsquery_lexeme(form, prefix, weight);
    }
    phrase.words.push_back(words[i].forms);
    out.push_back(words[i].forms.size() > 1 ? "(" + alternatives + ")" : alternatives);
  }
  if (!phrase.words.empty() && weight != 'D') query.phrases.push_back(std::move(phrase));
  return out;
}

// A word or phrase as a tsquery: its words joined by `<->` (followed by).
// "" when it holds no indexed word.
std::string tsquery_term(const QueryNode& term, TsQuery& query) {
  const auto words = tsquery_words(term, query);
  std::string out;
  for (const auto& word : words) {
    if (!out.empty()) out += " <-> ";
    out += word;
  }
  // `!` and `&` bind tighter than `<->` would leave a phrase: keep it whole.
  return words.size() > 1 ? "(" + out + ")" : out;
}

// The two phrases of a NEAR with the second one starting `offset` positions
// after the first one does (before it when negative), as one tsquery
// phrase: a position both cover must hold a word of each (`x <0> y`: the
// same position), and a gap between them is the distance of `<N>`.
std::string tsquery_at_offset(const std::vector<std::string>& first, const std::vector<std::string>& second,
                              int offset) {
  const int size1 = static_cast<int>(first.size()), size2 = static_cast<int>(second.size());
  std::string out;
  int previous = 0;
  for (int at = std::min(0, offset); at < std::max(size1, offset + size2); ++at) {
    const bool in1 = at >= 0 && at < size1, in2 = at >= offset && at < offset + size2;
    if (!in1 && !in2) continue;
    const std::string word = in1 && in2 ? "(" + first[static_cast<std::size_t>(at)] + " <0> " +
                                              second[static_cast<std::size_t>(at - offset)] + ")"
                             : in1 ? first[static_cast<std::size_t>(at)]
                                   : second[static_cast<std::size_t>(at - offset)];
    if (!out.empty()) out += " <" + std::to_string(at - previous) + "> ";
    out += word;
    previous = at;
  }
  return "(" + out + ")";
}

// FTS5's NEAR(p1 p2, n) (fts5ExprNearIsMatch): instances of both phrases in
// one column such that at most n tokens lie between the end of the one that
// starts first and the start of the other, in either order, overlapping
// included; so p2 starts d positions after p1 for some d in
// [-(n + |p2|), n + |p1|]. A tsquery's `<N>` is an exact distance in one
// order, so the NEAR is the OR of one phrase per d (tsquery_at_offset),
// once with every lexeme of weight A (the title) and once of weight D (the
// body): the tsvector numbers both columns in one sequence, and a NEAR
// never spans two columns in FTS5.
std::string tsquery_near(const QueryNode& near, TsQuery& query) {
  std::string out;
  const auto sides = static_cast<int>(query.phrases.size());
  for (const char weight : {'A', 'D'}) {
    const auto first = tsquery_words(near.children[0], query, weight);
    const auto second = tsquery_words(near.children[1], query, weight);
    if (weight == 'A' && static_cast<int>(query.phrases.size()) == sides + 2) {
      query.phrases[static_cast<std::size_t>(sides)].near_partner = sides + 1;
      query.phrases[static_cast<std::size_t>(sides + 1)].near_partner = sides;
      query.phrases[static_cast<std::size_t>(sides)].near_distance = near.distance;
      query.phrases[static_cast<std::size_t>(sides + 1)].near_distance = near.distance;
    }
    // The parser keeps no term without a word; were one empty, the NEAR
    // would be left out as an empty term is.
    if (first.empty() || second.empty()) return "";
    const int size1 = static_cast<int>(first.size()), size2 = static_cast<int>(second.size());
    for (int offset = -(near.distance + size2); offset <= near.distance + size1; ++offset) {
      if (!out.empty()) out += " | ";
      out += tsquery_at_offset(first, second, offset);
    }
  }
  return "(" + out + ")";
}

// What render_tsquery writes a NEAR as.
enum class NearAs {
  match,  ///< exactly FTS5's NEAR (tsquery_near)
  /// both sides (`a & b`): for ts_rank_cd, whose cover density over the OR
  /// of every distance costs seconds per page, where the two sides rank the
  /// matches alike
  rank,
};

// The tree as a tsquery. FTS5's binary `a NOT b` is `a & !b`; `!` binds
// tightest in a tsquery as NOT does in FTS5, and `&` tighter than `|` as AND
// than OR. Operands that hold no indexed word are left out, as FTS5 does.
Result<std::string> render_tsquery(const QueryNode& node, TsQuery& query, NearAs near_as) {
  const auto join = [&](std::string_view between) -> Result<std::string> {
    std::string out;
    for (const auto& child : node.children) {
      auto part = render_tsquery(child, query, near_as);
      if (!part) return part;
      if (part->empty()) continue;
      if (!out.empty()) out += between;
      out += *part;
    }
    return out;
  };
  switch (node.op) {
    case QueryOp::term: return tsquery_term(node, query);
    case QueryOp::group: {
      auto inner = join("");
      if (!inner || inner->empty()) return inner;
      return "(" + *inner + ")";
    }
    case QueryOp::all: return join(" & ");
    case QueryOp::any: return join(" | ");
    case QueryOp::but_not: return join(" & !");
    case QueryOp::near:
      if (near_as == NearAs::match) return tsquery_near(node, query);
      return "(" + tsquery_term(node.children[0], query) + " & " + tsquery_term(node.children[1], query) + ")";
    case QueryOp::filter:
      return fail(Errc::invalid_argument,
                  "the filter " + std::string(to_string(node.field)) + ":" + node.text + " has no full-text form");
  }
  return std::string{};
}

}  // namespace

std::string_view to_string(FilterField field) noexcept {
  switch (field) {
    case FilterField::topic: return "topic";
    case FilterField::country: return "country";
    case FilterField::lang: return "lang";
    case FilterField::feed: return "feed";
  }
  return "";
}

Result<std::optional<QueryNode>> parse_query(std::string_view query, const QueryParseOptions& options) {
  Parser parser(lex(query, options));
  return parser.group(0);
}

Result<std::string> to_fts(const QueryNode& node) {
  std::string out;
  if (auto ok = render(node, out); !ok) return std::unexpected(ok.error());
  return out;
}

Result<std::string> plain_query_to_fts(std::string_view query) {
  auto tree = parse_query(query);
  if (!tree) return std::unexpected(tree.error());
  if (!*tree) return std::string{};
  return to_fts(**tree);
}

Result<TsQuery> plain_query_to_tsquery(std::string_view query) {
  auto tree = parse_query(query);
  if (!tree) return std::unexpected(tree.error());
  TsQuery out;
  if (!*tree) return out;
  auto text = render_tsquery(**tree, out, NearAs::match);
  if (!text) return std::unexpected(text.error());
  out.text = std::move(*text);
  TsQuery phrases_again;  // the same terms: out.phrases already has them
  auto rank = render_tsquery(**tree, phrases_again, NearAs::rank);
  if (!rank) return std::unexpected(rank.error());
  out.rank_text = std::move(*rank);
  return out;
}

}  // namespace newsd::store
