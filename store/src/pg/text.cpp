// The text side of PostgreSQL search: the tsvector newsd builds from its own
// index tokens (so PostgreSQL's parsers and dictionaries never see the
// text), and the snippet, which PostgreSQL's ts_headline cannot make since
// it re-parses the text with its own word rules.
#include <algorithm>
#include <map>

#include "../tokenizer.hpp"
#include "newsd/base/charset.hpp"
#include "pg_backend.hpp"

namespace newsd::store::pg {
namespace {

// PostgreSQL's limits: a lexeme is under 2 KiB, a position at most 16383
// (larger ones are clamped to it), at most 256 positions per lexeme, and a
// whole tsvector under 1 MiB. A hostile page must not make the batch's
// INSERT fail, so the vector stops growing well before the last limit;
// what is cut is the far end of a huge text, as FTS5 would still index it.
constexpr std::size_t kMaxLexemeBytes = 2046;
constexpr std::size_t kMaxPositions = 255;
constexpr int kMaxPosition = 16383;
constexpr std::size_t kMaxVectorBytes = 512 * 1024;

struct Positions {
  std::vector<int> title, body;
};

void add_tokens(std::map<std::string, Positions>& lexemes, std::string_view text, int& position, bool title) {
  for (const auto& token : document_tokens(text)) {
    const std::string_view stem = index_stem(token);
    if (stem.empty()) continue;
    position = std::min(position + 1, kMaxPosition);
    if (stem.size() > kMaxLexemeBytes) continue;
    auto& at = lexemes[std::string(stem)];
    auto& list = title ? at.title : at.body;
    if (at.title.size() + at.body.size() < kMaxPositions) list.push_back(position);
  }
}

void append_lexeme(std::string& out, std::string_view lexeme) {
  out += '\'';
  for (char c : lexeme) {
    if (c == '\'' || c == '\\') out += c;  // the tsvector input's escapes
    out += c;
  }
  out += '\'';
}

}  // namespace

std::string search_vector(std::string_view title, std::string_view text) {
  std::map<std::string, Positions> lexemes;
  int position = 0;
  add_tokens(lexemes, title, position, true);
  ++position;  // the gap: `a <-> b` never pairs the title's last word with the body's first
  add_tokens(lexemes, text, position, false);
  std::string out;
  for (const auto& [lexeme, at] : lexemes) {
    std::string entry;
    append_lexeme(entry, lexeme);
    char separator = ':';
    for (int p : at.title) {
      entry += separator + std::to_string(p) + "A";
      separator = ',';
    }
    for (int p : at.body) {  // weight D is the default and is not written
      entry += separator + std::to_string(p);
      separator = ',';
    }
    if (out.size() + entry.size() + 1 > kMaxVectorBytes) break;
    if (!out.empty()) out += ' ';
    out += entry;
  }
  return out;
}

std::string pg_text(std::string_view s) {
  if (charset::is_valid_utf8(s) && s.find('\0') == std::string_view::npos) return std::string(s);
  auto decoded = charset::to_utf8(s, "UTF-8");  // invalid sequences -> U+FFFD
  std::string out;
  for (char c : decoded ? std::string_view(decoded->text) : s) {
    if (c == '\0') {
      out += "\uFFFD";
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

// FTS5's snippet(): fragments of this many tokens, scored 1000 for each
// distinct query term they hold plus 1 for every further hit.
constexpr std::size_t kSnippetTokens = 16;

struct Fragment {
  std::size_t start = 0;
  std::size_t end = 0;  ///< one past the last token
  int score = 0;
};

Fragment best_fragment(const std::vector<classify::Token>& tokens, const std::vector<int>& term_of) {
  Fragment best{0, std::min(tokens.size(), kSnippetTokens), 0};
  auto score = [&](std::size_t start, std::size_t end) {
    std::vector<int> seen;
    int s = 0;
    for (std::size_t i = start; i < end; ++i) {
      if (term_of[i] < 0) continue;
      const bool first = std::find(seen.begin(), seen.end(), term_of[i]) == seen.end();
      s += first ? 1000 : 1;
      if (first) seen.push_back(term_of[i]);
    }
    return s;
  };
  best.score = score(best.start, best.end);
  if (tokens.size() <= kSnippetTokens) return best;
  for (std::size_t hit = 0; hit < tokens.size(); ++hit) {
    if (term_of[hit] < 0) continue;
    // Centre the window on the hit, as FTS5 does, within the column.
    std::size_t start = hit > kSnippetTokens / 2 ? hit - kSnippetTokens / 2 : 0;
    start = std::min(start, tokens.size() - kSnippetTokens);
    const int s = score(start, start + kSnippetTokens);
    if (s > best.score) best = {start, start + kSnippetTokens, s};
  }
  return best;
}

struct ColumnSnippet {
  std::string text;
  int score = 0;
};

ColumnSnippet column_snippet(std::string_view text, const std::vector<std::string>& lexemes,
                             const std::vector<std::string>& prefixes, std::string_view open, std::string_view close) {
  const auto tokens = document_tokens(text);
  // Which query term each token matches (its index in lexemes, then
  // prefixes), or -1.
  std::vector<int> term_of(tokens.size(), -1);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string_view stem = index_stem(tokens[i]);
    if (stem.empty()) continue;
    for (std::size_t k = 0; k < lexemes.size() && term_of[i] < 0; ++k) {
      if (stem == lexemes[k]) term_of[i] = static_cast<int>(k);
    }
    for (std::size_t k = 0; k < prefixes.size() && term_of[i] < 0; ++k) {
      if (stem.starts_with(prefixes[k])) term_of[i] = static_cast<int>(lexemes.size() + k);
    }
  }
  if (tokens.empty()) return {std::string(text), 0};
  const Fragment f = best_fragment(tokens, term_of);
  // A whole column keeps its leading and trailing text; a cut one starts
  // at its first token and ends after its last.
  const bool whole_start = f.start == 0, whole_end = f.end == tokens.size();
  std::size_t at = whole_start ? 0 : tokens[f.start].begin;
  std::string out = whole_start ? "" : "…";
  for (std::size_t i = f.start; i < f.end; ++i) {
    if (term_of[i] < 0) continue;
    out.append(text.substr(at, tokens[i].begin - at));
    out.append(open);
    out.append(text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin));
    out.append(close);
    at = tokens[i].end;
  }
  const std::size_t stop = whole_end ? text.size() : tokens[f.end - 1].end;
  if (stop > at) out.append(text.substr(at, stop - at));
  if (!whole_end) out += "…";
  return {std::move(out), f.score};
}

}  // namespace

std::string snippet(std::string_view title, std::string_view text, const std::vector<std::string>& lexemes,
                    const std::vector<std::string>& prefixes, std::string_view open, std::string_view close) {
  auto in_title = column_snippet(title, lexemes, prefixes, open, close);
  auto in_text = column_snippet(text, lexemes, prefixes, open, close);
  return in_text.score > in_title.score ? std::move(in_text.text) : std::move(in_title.text);
}

}  // namespace newsd::store::pg
