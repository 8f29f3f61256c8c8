#include "tokenizer.hpp"

#include <algorithm>
#include <string>

#include "newsd/classify/text.hpp"
#include "newsd/store/index_terms.hpp"

namespace newsd::store {
namespace {

/// How much of a document decides its language (and so its stemmer), and
/// the shortest text worth asking: a headline is too short to decide.
constexpr std::size_t kLanguageSampleBytes = 256;
constexpr std::size_t kMinLanguageBytes = 96;

// The innermost TermsHandoff alive on this thread.
thread_local TermsHandoff* current_handoff = nullptr;

// snippet() and highlight() tokenize a column to find its best fragment and
// then the chosen column again to mark the matches: remembering the last
// text tokenized for them saves one of those passes per hit.
struct LastAuxTokens {
  std::string text;
  std::vector<classify::Token> tokens;
};

LastAuxTokens& last_aux_tokens() {
  thread_local LastAuxTokens last;
  return last;
}

// FTS5 wants an instance handle; the pipeline has no per-table state, so
// every table shares this one.
int create_tokenizer(void* /*ctx*/, const char** /*args*/, int /*nargs*/, Fts5Tokenizer** out) {
  static char instance;
  *out = reinterpret_cast<Fts5Tokenizer*>(&instance);
  return SQLITE_OK;
}

void delete_tokenizer(Fts5Tokenizer* /*tokenizer*/) {}

using XToken = int (*)(void*, int, const char*, int, int, int);

int emit(void* ctx, int flags, std::string_view token, const classify::Token& t, XToken x_token) {
  return x_token(ctx, flags, token.data(), static_cast<int>(token.size()), static_cast<int>(t.begin),
                 static_cast<int>(t.end));
}

int emit_all(void* ctx, const std::vector<classify::Token>& tokens, XToken x_token) {
  for (const auto& t : tokens) {
    const std::string_view stem = index_stem(t);
    if (stem.empty()) continue;
    if (int rc = emit(ctx, 0, stem, t, x_token); rc != SQLITE_OK) return rc;
  }
  return SQLITE_OK;
}

int emit_terms(void* ctx, const ColumnTerms& column, XToken x_token) {
  std::uint32_t stem_begin = 0;
  for (const auto& term : column.terms) {
    const char* stem = column.stems.data() + stem_begin;
    if (int rc = x_token(ctx, 0, stem, static_cast<int>(term.stem_end - stem_begin), static_cast<int>(term.begin),
                         static_cast<int>(term.end));
        rc != SQLITE_OK) {
      return rc;
    }
    stem_begin = term.stem_end;
  }
  return SQLITE_OK;
}

// Documents (and the texts snippet() highlights, whose tokens must line up
// with the indexed ones) are indexed by stem, which carries the Arabic fold
// and clitic stripping, with the stemmer of the text's own language.
int tokenize_document(void* ctx, int flags, std::string_view input, XToken x_token) {
  if ((flags & FTS5_TOKENIZE_DOCUMENT) != 0) {
    if (const ColumnTerms* offered = TermsHandoff::offered(input)) return emit_terms(ctx, *offered, x_token);
  } else if ((flags & FTS5_TOKENIZE_AUX) != 0) {
    LastAuxTokens& last = last_aux_tokens();
    if (last.text != input) {
      last.text.clear();  // never a text paired with another text's tokens, even if tokenizing throws
      last.tokens = document_tokens(input);
      last.text.assign(input);
    }
    return emit_all(ctx, last.tokens, x_token);
  }
  return emit_all(ctx, document_tokens(input), x_token);
}

// Each query word's forms (query_words()), the first as the token and the
// others colocated with it, at the word's offsets.
int tokenize_query(void* ctx, int flags, std::string_view input, XToken x_token) {
  for (const auto& word : query_words(input, (flags & FTS5_TOKENIZE_PREFIX) != 0)) {
    for (std::size_t k = 0; k < word.forms.size(); ++k) {
      const std::string& form = word.forms[k];
      if (int rc = x_token(ctx, k == 0 ? 0 : FTS5_TOKEN_COLOCATED, form.data(), static_cast<int>(form.size()),
                           static_cast<int>(word.begin), static_cast<int>(word.end));
          rc != SQLITE_OK) {
        return rc;
      }
    }
  }
  return SQLITE_OK;
}

int tokenize_text(Fts5Tokenizer* /*tokenizer*/, void* ctx, int flags, const char* text, int length, XToken x_token) {
  if (text == nullptr || length <= 0) return SQLITE_OK;
  const std::string_view input(text, static_cast<std::size_t>(length));
  try {
    return (flags & FTS5_TOKENIZE_QUERY) != 0 ? tokenize_query(ctx, flags, input, x_token)
                                              : tokenize_document(ctx, flags, input, x_token);
  } catch (...) {
    // Exceptions must not cross SQLite's C frames.
    return SQLITE_ERROR;
  }
}

Result<fts5_api*> find_fts5_api(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) != SQLITE_OK) {
    return fail(Errc::database, std::string("FTS5 is not available: ") + sqlite3_errmsg(db));
  }
  sqlite3_bind_pointer(stmt, 1, reinterpret_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  if (api == nullptr) return fail(Errc::database, "FTS5 is not available in this SQLite build");
  return api;
}

}  // namespace

// Snowball's Arabic stemmer keeps the alef of a sound feminine plural
// (مناورات → مناورا) while the singular loses its taa marbuta (مناورة →
// مناور), so a search for one form missed the other. The index drops that
// alef, and the ي of a nisba plural (عمليات → عملي → عمل, as عملية → عمل).
// Only the index does: the rule tagger, the model and the dedup
// fingerprints keep the pipeline's stems their data were tuned on.
// Stems of three letters or fewer are left whole.
std::string_view index_stem(const classify::Token& t) {
  static constexpr std::string_view kAlef = "\u0627", kYeh = "\u064A", kPlural = "\u0627\u062A",
                                    kNisbaPlural = "\u064A\u0627\u062A";
  constexpr std::size_t kArabicLetterBytes = 2, kMinLetters = 4;
  std::string_view stem = t.stem.empty() ? std::string_view(t.norm) : std::string_view(t.stem);
  if (!std::string_view(t.bare).ends_with(kPlural) || !stem.ends_with(kAlef) ||
      stem.size() < kMinLetters * kArabicLetterBytes) {
    return stem;
  }
  stem.remove_suffix(kAlef.size());
  if (std::string_view(t.bare).ends_with(kNisbaPlural) && stem.ends_with(kYeh) &&
      stem.size() >= kMinLetters * kArabicLetterBytes) {
    stem.remove_suffix(kYeh.size());
  }
  return stem;
}

// A query carries no language while documents are stemmed in theirs, so a
// Latin-script word is looked up by its English stem and, when it differs,
// its French stem: "négocier" finds the French "négociations" (stem
// "négoci") as well as English text. Arabic tokens are the same either way.
// For the last word of a prefix query (`مغر*`, `negotiat*`) the stem can be
// shorter or differently spelt than what the user typed, so its normalized
// form is offered too: `مغر*` then matches the stem "مغرب", `المغ*` the stem
// via the stripped form, and `negotiation*` the stem "negoti".
std::vector<QueryWord> query_words(std::string_view input, bool prefix) {
  const auto english = classify::tokenize(input, "en");
  auto french = classify::tokenize(input, "fr");
  // Both come from the same word breaking; should they ever disagree, the
  // English stems alone still match all but French documents.
  if (french.size() != english.size()) french.clear();
  std::vector<QueryWord> words;
  for (std::size_t i = 0; i < english.size(); ++i) {
    const auto& t = english[i];
    const std::string_view primary = index_stem(t);
    if (primary.empty()) continue;
    QueryWord word{t.begin, t.end, {std::string(primary)}};
    if (!french.empty() && !french[i].stem.empty() && french[i].stem != primary) word.forms.push_back(french[i].stem);
    if (prefix && i + 1 == english.size() && !t.norm.empty() && t.norm != primary) word.forms.push_back(t.norm);
    words.push_back(std::move(word));
  }
  return words;
}

classify::TokenizedText index_tokens(std::string_view text) {
  // CLD2 costs two to three times the tokenization itself on a whole
  // article; its opening paragraph decides as well.
  classify::TokenizedText out;
  if (text.size() >= kMinLanguageBytes) {
    std::size_t cut = std::min(text.size(), kLanguageSampleBytes);
    while (cut < text.size() && cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
      --cut;  // whole UTF-8 sequences only
    }
    out.language = classify::detect_language(text.substr(0, cut));
  }
  out.tokens = classify::tokenize(text, out.language);
  return out;
}

std::vector<classify::Token> document_tokens(std::string_view text) { return index_tokens(text).tokens; }

std::vector<std::string> indexed_terms(std::span<const classify::Token> tokens) {
  std::vector<std::string> out;
  for (const auto& t : tokens) {
    if (const std::string_view stem = index_stem(t); !stem.empty()) out.emplace_back(stem);
  }
  return out;
}

ArticleTokens article_tokens(std::string_view title, std::string_view text) {
  return {index_tokens(title), index_tokens(text)};
}

std::vector<std::vector<std::string>> query_term_forms(std::string_view text, bool prefix) {
  std::vector<std::vector<std::string>> out;
  for (auto& word : query_words(text, prefix)) out.push_back(std::move(word.forms));
  return out;
}

ColumnTerms column_terms(std::span<const classify::Token> tokens) {
  ColumnTerms out;
  out.terms.reserve(tokens.size());
  for (const auto& t : tokens) {
    const std::string_view stem = index_stem(t);
    if (stem.empty()) continue;
    out.stems += stem;
    // FTS5 takes offsets and sizes as int: texts past 2 GiB are refused by
    // the fetch limits long before they get here.
    out.terms.push_back({static_cast<std::uint32_t>(out.stems.size()), static_cast<std::uint32_t>(t.begin),
                         static_cast<std::uint32_t>(t.end)});
  }
  return out;
}

TermsHandoff::TermsHandoff(std::string_view title, const ColumnTerms& title_terms, std::string_view text,
                           const ColumnTerms& text_terms)
    : title_(title), text_(text), title_terms_(&title_terms), text_terms_(&text_terms), outer_(current_handoff) {
  current_handoff = this;
}

TermsHandoff::~TermsHandoff() { current_handoff = outer_; }

const ColumnTerms* TermsHandoff::offered(std::string_view input) {
  const TermsHandoff* h = current_handoff;
  if (h == nullptr) return nullptr;
  if (input == h->text_) return h->text_terms_;
  if (input == h->title_) return h->title_terms_;
  return nullptr;
}

std::string_view tokenizer_version() {
  // Bump the first part when newsd's pipeline changes what it emits for the
  // same text. The second changes with the ICU Debian ships: new word-break
  // rules would otherwise leave rows that no delete can remove from the index.
  static const std::string version = "classify-2 " + std::string(classify::pipeline_data_version());
  return version;
}

Result<void> register_tokenizer(sqlite3* db) {
  auto api = find_fts5_api(db);
  if (!api) return std::unexpected(api.error());
  fts5_tokenizer tokenizer{create_tokenizer, delete_tokenizer, tokenize_text};
  if ((*api)->xCreateTokenizer(*api, std::string(kTokenizerName).c_str(), nullptr, &tokenizer, nullptr) != SQLITE_OK) {
    return fail(Errc::database, "cannot register the newsd FTS5 tokenizer");
  }
  return {};
}

}  // namespace newsd::store
