#pragma once
// The "newsd" FTS5 tokenizer: the classify text pipeline (ICU normalization,
// Arabic fold, clitic stripping, Snowball stems) inside SQLite, so that
// "المغرب" finds "والمغرب", "élections" finds "élection", and hamza/alef,
// taa marbuta, tashkeel and tatweel variants match each other.
#include <sqlite3.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/classify/text.hpp"

namespace newsd::store {

/// Name used in `CREATE VIRTUAL TABLE … USING fts5(…, tokenize='newsd')`.
inline constexpr std::string_view kTokenizerName = "newsd";

/// Identifies what the tokenizer emits: newsd's pipeline revision and the
/// ICU data it runs on ("classify-2 icu-72.1"). Stored in the database
/// (table `meta`); when it differs from the stored value the FTS index is
/// rebuilt on open, since tokens indexed by another pipeline would no longer
/// match (nor could be deleted).
std::string_view tokenizer_version();

/// Registers the tokenizer on `db`. Must be called on every connection
/// before it touches articles_fts. Errc::database if FTS5 is unavailable.
Result<void> register_tokenizer(sqlite3* db);

/// The tokens indexed for a document text: the classify pipeline with the
/// stemmer of the language classify::detect_language finds in the text's
/// first 256 bytes (French text gets French stems; other Latin-script text,
/// and any text shorter than 96 bytes such as a headline, English ones). A pure function of the
/// text, as FTS5 needs: deleting a row re-tokenizes its stored text and
/// must emit exactly the tokens that were inserted.
std::vector<classify::Token> document_tokens(std::string_view text);

/// The form a document token is indexed by (FTS5 and the PostgreSQL
/// tsvector alike): its stem, with the Arabic plural endings Snowball keeps
/// dropped; empty = the token is not indexed.
std::string_view index_stem(const classify::Token& t);

/// One word of a query text and the index forms it is looked up by: the
/// first is its primary form, the others match as alternatives at the same
/// position.
struct QueryWord {
  std::size_t begin = 0, end = 0;  ///< byte offsets in the query text
  std::vector<std::string> forms;  ///< never empty
};

/// The words of a query text as the index knows them, in order. With
/// `prefix` (the text is followed by `*`), the last word also offers its
/// normalized form, to be matched as a prefix.
std::vector<QueryWord> query_words(std::string_view input, bool prefix);

/// One column's indexed terms, packed, in position order: exactly what the
/// tokenizer emits for a document text (the non-empty index_stem() of each of
/// its document_tokens(), at the token's byte offsets). Built off the writer
/// thread (prepare_record) and handed to the tokenizer through TermsHandoff.
struct ColumnTerms {
  struct Term {
    std::uint32_t stem_end = 0;  ///< the stem is stems[previous term's stem_end, stem_end)
    std::uint32_t begin = 0, end = 0;
  };
  std::string stems;
  std::vector<Term> terms;
};

/// The ColumnTerms of a text whose document_tokens() are `tokens`.
ColumnTerms column_terms(std::span<const classify::Token> tokens);

/// While alive, the FTS5 tokenizer on this thread indexes a document text
/// that is byte for byte `title` or `text` by the given terms instead of
/// tokenizing it again; any other text is tokenized as usual. The views and
/// terms must outlive the handoff, which the writer holds only around its
/// INSERT into articles_fts. Tokens are a pure function of the text, so the
/// terms of an identical text are always the right ones.
class TermsHandoff {
 public:
  TermsHandoff(std::string_view title, const ColumnTerms& title_terms, std::string_view text,
               const ColumnTerms& text_terms);
  ~TermsHandoff();
  TermsHandoff(const TermsHandoff&) = delete;
  TermsHandoff& operator=(const TermsHandoff&) = delete;

  /// The terms offered for `input`, or null.
  static const ColumnTerms* offered(std::string_view input);

 private:
  std::string_view title_, text_;
  const ColumnTerms* title_terms_;
  const ColumnTerms* text_terms_;
  TermsHandoff* outer_;
};

}  // namespace newsd::store
