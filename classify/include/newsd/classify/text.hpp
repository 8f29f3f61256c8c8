#pragma once
/// The text pipeline shared by the rule tagger, the trainable model and the
/// search index: ICU normalization, an Arabic fold, ICU word breaking,
/// Arabic clitic handling and Snowball stemming.
#include <string>
#include <string_view>
#include <vector>

namespace newsd::classify {

/// NFKC + case fold, then the Arabic fold: tashkeel and tatweel dropped,
/// alef forms (أ إ آ ٱ) → ا, ى → ي, ة → ه, Arabic-Indic digits → ASCII.
std::string normalize(std::string_view utf8);

/// One token: its normalized surface form and its stem.
struct Token {
  std::string norm;     ///< normalized form (clitics still attached)
  std::string stem;     ///< clitics stripped (Arabic) and Snowball-stemmed
  std::size_t begin = 0;  ///< byte offset in the ORIGINAL text
  std::size_t end = 0;
};

/// Word tokens of `utf8` (punctuation and spaces dropped). `language` picks
/// the stemmer ("ar", "fr", "en"; other/empty: Arabic script words use the
/// Arabic stemmer, others the English one).
std::vector<Token> tokenize(std::string_view utf8, std::string_view language = {});

/// BCP-47 primary language of `utf8`: Arabic script decides "ar" (or "fa",
/// "ur" by their letters); CLD2 chooses among Latin-script languages.
/// Returns "und" when unsure.
std::string detect_language(std::string_view utf8);

}  // namespace newsd::classify
