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

using Lexemes = std::map<std::string, Positions>;

// One indexed term (a non-empty index stem) at the next position.
void add_stem(Lexemes& lexemes, std::string_view stem, int& position, bool title) {
  position = std::min(position + 1, kMaxPosition);
  if (stem.size() > kMaxLexemeBytes) return;
  auto& at = lexemes[std::string(stem)];
  auto& list = title ? at.title : at.body;
  if (at.title.size() + at.body.size() < kMaxPositions) list.push_back(position);
}

void add_tokens(Lexemes& lexemes, std::span<const classify::Token> tokens, int& position, bool title) {
  for (const auto& token : tokens) {
    const std::string_view stem = index_stem(token);
    if (!stem.empty()) add_stem(lexemes, stem, position, title);
  }
}

// ColumnTerms hold exactly the non-empty index stems of the tokens, in order.
void add_terms(Lexemes& lexemes, const ColumnTerms& terms, int& position, bool title) {
  std::uint32_t from = 0;
  for (const auto& term : terms.terms) {
    add_stem(lexemes, std::string_view(terms.stems).substr(from, term.stem_end - from), position, title);
    from = term.stem_end;
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

std::string vector_literal(const Lexemes& lexemes) {
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

}  // namespace

std::string search_vector(std::string_view title, std::string_view text) {
  return search_vector(title, document_tokens(text));
}

std::string search_vector(std::string_view title, std::span<const classify::Token> text_tokens) {
  Lexemes lexemes;
  int position = 0;
  add_tokens(lexemes, document_tokens(title), position, true);
  ++position;  // the gap: `a <-> b` never pairs the title's last word with the body's first
  add_tokens(lexemes, text_tokens, position, false);
  return vector_literal(lexemes);
}

std::string search_vector(const ColumnTerms& title, const ColumnTerms& text) {
  Lexemes lexemes;
  int position = 0;
  add_terms(lexemes, title, position, true);
  ++position;  // the same gap
  add_terms(lexemes, text, position, false);
  return vector_literal(lexemes);
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

// FTS5's snippet() (sqlite3 fts5_aux.c, fts5SnippetFunction), over the
// same tokens FTS5 numbers: a column's indexed tokens (non-empty stems).
constexpr int kSnippetTokens = 16;
constexpr int kFirstSentenceBonus = 120, kSentenceBonus = 100;

struct Instance {
  int phrase = 0;
  int start = 0;  ///< token position
  int size = 0;   ///< tokens
};

struct Column {
  std::string_view text;
  std::vector<classify::Token> tokens;  ///< indexed tokens only
  std::vector<std::string> stems;
  std::vector<Instance> instances;   ///< by position
  std::vector<int> sentence_starts;  ///< token positions
};

bool word_matches(std::string_view stem, const std::vector<std::string>& forms, bool prefix) {
  for (const auto& form : forms) {
    if (prefix ? stem.starts_with(form) : stem == form) return true;
  }
  return false;
}

// A token starts a sentence when it is the first, or when only whitespace
// stands between it and a '.' or ':' before it.
bool starts_sentence(std::string_view text, std::size_t begin) {
  std::size_t i = begin;
  while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n' || text[i - 1] == '\r')) --i;
  return i != begin && i > 0 && (text[i - 1] == '.' || text[i - 1] == ':');
}

// Whether instance `in` of a NEAR side has an instance of the other side
// near it in the same column, by FTS5's rule (query_parse.cpp, tsquery_near).
bool near_kept(const Instance& in, const std::vector<Instance>& all, const QueryPhrase& phrase) {
  return std::ranges::any_of(all, [&](const Instance& other) {
    if (other.phrase != phrase.near_partner) return false;
    const int offset = other.start - in.start;
    return offset >= -(phrase.near_distance + other.size) && offset <= phrase.near_distance + in.size;
  });
}

Column read_column(std::string_view text, const std::vector<QueryPhrase>& phrases) {
  Column c{text, {}, {}, {}, {}};
  for (auto& token : document_tokens(text)) {
    const std::string_view stem = index_stem(token);
    if (stem.empty()) continue;
    c.stems.emplace_back(stem);
    c.tokens.push_back(std::move(token));
  }
  const int n = static_cast<int>(c.tokens.size());
  for (int p = 0; p < n; ++p) {
    if (p == 0 || starts_sentence(text, c.tokens[p].begin)) c.sentence_starts.push_back(p);
    for (std::size_t k = 0; k < phrases.size(); ++k) {
      const auto& words = phrases[k].words;
      const int size = static_cast<int>(words.size());
      if (p + size > n) continue;
      bool all = true;
      for (int w = 0; w < size && all; ++w) {
        all = word_matches(c.stems[p + w], words[w], phrases[k].prefix && w + 1 == size);
      }
      if (all) c.instances.push_back({static_cast<int>(k), p, size});
    }
  }
  std::vector<Instance> kept;
  for (const auto& in : c.instances) {
    const auto& phrase = phrases[static_cast<std::size_t>(in.phrase)];
    if (phrase.near_partner < 0 || near_kept(in, c.instances, phrase)) kept.push_back(in);
  }
  c.instances = std::move(kept);
  return c;
}

// fts5SnippetScore: 1000 for each distinct phrase in [pos, pos + 16), 1 for
// each further instance; `adjusted` is the window start that centres them.
int score(const Column& c, std::size_t phrases, int pos, int* adjusted) {
  std::vector<bool> seen(phrases, false);
  int total = 0, first = -1, last = 0;
  for (const auto& in : c.instances) {
    if (in.start < pos || in.start >= pos + kSnippetTokens) continue;
    total += seen[in.phrase] ? 1 : 1000;
    seen[in.phrase] = true;
    if (first < 0) first = in.start;
    last = in.start + in.size;
  }
  if (adjusted != nullptr) {
    int start = first - (kSnippetTokens - (last - first)) / 2;
    const int size = static_cast<int>(c.tokens.size());
    if (start + kSnippetTokens > size) start = size - kSnippetTokens;
    *adjusted = std::max(start, 0);
  }
  return total;
}

struct Best {
  int score = 0;
  std::size_t column = 0;
  int start = 0;
};

void consider(Best& best, const Column& c, std::size_t column, std::size_t phrases) {
  const int size = static_cast<int>(c.tokens.size());
  for (const auto& in : c.instances) {
    int adjusted = 0;
    if (const int s = score(c, phrases, in.start, &adjusted); s > best.score) best = {s, column, adjusted};
    if (c.sentence_starts.empty() || size <= kSnippetTokens) continue;
    std::size_t j = 0;
    while (j + 1 < c.sentence_starts.size() && c.sentence_starts[j + 1] <= in.start) ++j;
    const int sentence = c.sentence_starts[j];
    if (sentence >= in.start) continue;
    const int s = score(c, phrases, sentence, nullptr) + (sentence == 0 ? kFirstSentenceBonus : kSentenceBonus);
    if (s > best.score) best = {s, column, sentence};
  }
}

std::string highlight(const Column& c, int start, std::string_view open, std::string_view close) {
  const int size = static_cast<int>(c.tokens.size());
  if (size == 0) return std::string(c.text);
  const int end = std::min(start + kSnippetTokens, size);  // one past the window
  // Highlighted spans [first, last] token: overlapping instances merge,
  // adjacent ones stay apart, as fts5CInstIterNext has it.
  std::vector<std::pair<int, int>> spans;
  for (const auto& in : c.instances) {
    const int last = in.start + in.size - 1;
    if (!spans.empty() && in.start <= spans.back().second) {
      spans.back().second = std::max(spans.back().second, last);
    } else {
      spans.emplace_back(in.start, last);
    }
  }
  std::string out = start > 0 ? "…" : "";
  std::size_t at = start > 0 ? c.tokens[start].begin : 0;
  auto span = spans.begin();
  for (int p = start; p < end; ++p) {
    while (span != spans.end() && span->second < p) ++span;
    const auto& t = c.tokens[p];
    out.append(c.text.substr(at, t.begin - at));
    const bool in_span = span != spans.end() && span->first <= p;
    if (in_span && (span->first == p || p == start)) out.append(open);
    out.append(c.text.substr(t.begin, t.end - t.begin));
    at = t.end;
    if (in_span && (span->second == p || p + 1 == end)) out.append(close);
  }
  if (end >= size) {
    out.append(c.text.substr(at));
  } else {
    out += "…";
  }
  return out;
}

}  // namespace

std::string snippet(std::string_view title, std::string_view text, const std::vector<QueryPhrase>& phrases,
                    std::string_view open, std::string_view close) {
  const Column columns[] = {read_column(title, phrases), read_column(text, phrases)};
  Best best;
  for (std::size_t i = 0; i < std::size(columns); ++i) consider(best, columns[i], i, phrases.size());
  return highlight(columns[best.column], best.start, open, close);
}

}  // namespace newsd::store::pg
