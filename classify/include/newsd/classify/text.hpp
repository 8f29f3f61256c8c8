#pragma once
/// The text pipeline shared by the rule tagger, the trainable model and the
/// search index: ICU normalization, an Arabic fold, ICU word breaking,
/// Arabic clitic handling and Snowball stemming.
///
/// Every function here is a pure function of its input and is safe to call
/// from any number of threads at once: the ICU break iterator, the Snowball
/// stemmers and a bounded word cache are kept per thread.
#include <string>
#include <string_view>
#include <vector>

namespace newsd::classify {

/// NFKC + case fold (ICU NFKC_Casefold), then the Arabic fold: tashkeel
/// (U+064B–U+065F, U+0670, Quranic marks U+06D6–U+06ED) and tatweel U+0640
/// dropped, alef forms (أ إ آ ٱ) → ا, ى → ي, ة → ه, Persian ی/ک → ي/ك,
/// Arabic-Indic and Eastern Arabic-Indic digits → ASCII.
/// Invalid UTF-8 sequences become U+FFFD; never fails.
std::string normalize(std::string_view utf8);

/// One token: its normalized surface form and its stem.
struct Token {
  std::string norm;  ///< normalized form (clitics still attached)
  std::string bare;  ///< norm without Arabic conjunctions/prepositions (و ف ب ك ل; بال→ال, لل→ال), article kept
  std::string stem;       ///< clitics and article stripped (Arabic) and Snowball-stemmed
  std::size_t begin = 0;  ///< byte offset in the ORIGINAL text
  std::size_t end = 0;    ///< one past the last byte in the ORIGINAL text
};

/// Word tokens of `utf8` (ICU word breaking; punctuation and spaces dropped,
/// numbers kept). Arabic-script words always use the Arabic clitic rules and
/// stemmer; for other words `language` picks the stemmer ("fr" French,
/// anything else English). A word whose normalization expands to several
/// words (a ligature such as ﷺ) yields several tokens with the same offsets.
/// Invalid UTF-8 is tolerated (replaced by U+FFFD, which forms no token).
std::vector<Token> tokenize(std::string_view utf8, std::string_view language = {});

/// A text's tokens together with the language they were made for:
/// `tokens` is tokenize(text, language). Lets one tokenization serve
/// several readers of the same text.
struct TokenizedText {
  std::vector<Token> tokens;
  std::string language;
};

/// True when tokenize(t, a) and tokenize(t, b) are equal for every text t:
/// both languages pick the same stemmer for Latin-script words.
bool same_stemmer(std::string_view a, std::string_view b) noexcept;

/// The stems of `utf8` joined by single spaces: the form fed to the
/// statistical model, both when training and when predicting.
std::string stem_text(std::string_view utf8, std::string_view language = {});

/// Names the library data that decide what tokenize() and detect_language()
/// return for a given text: the running ICU's version (word-break rules,
/// normalization tables), e.g. "icu-72.1". Snowball and CLD2 expose no
/// version. Stored indexes compare it to know when to rebuild.
std::string_view pipeline_data_version();

/// BCP-47 primary language of `utf8`: Arabic script decides "ar" (or "fa",
/// "ur" by their letters); CLD2 chooses among Latin-script languages.
/// Returns "und" when unsure (no letters, or CLD2 has no reliable answer).
std::string detect_language(std::string_view utf8);

}  // namespace newsd::classify
