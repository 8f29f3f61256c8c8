// The text pipeline: normalization and the Arabic fold, clitics, stems in
// Arabic, French and English, offsets, language identification.
#include "newsd/classify/text.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace newsd::classify {
namespace {

std::vector<std::string> stems(std::string_view text, std::string_view lang = {}) {
  std::vector<std::string> out;
  for (const auto& t : tokenize(text, lang)) out.push_back(t.stem);
  return out;
}

TEST(Normalize, CaseFoldsAndAppliesNfkc) {
  EXPECT_EQ(normalize("Hello WORLD"), "hello world");
  EXPECT_EQ(normalize("ÉTATS-UNIS"), "états-unis");
  EXPECT_EQ(normalize("ﬁne"), "fine");                   // ligature decomposed by NFKC
  EXPECT_EQ(normalize("\uFEDF\uFEE0"), "\u0644\u0644");  // Arabic presentation forms -> letters
}

TEST(Normalize, DropsTashkeelAndTatweel) {
  EXPECT_EQ(normalize("مُحَمَّدٌ"), "محمد");
  EXPECT_EQ(normalize("العـــربية"), "العربيه");
  EXPECT_EQ(normalize("هٰذا"), "هذا");  // superscript alef
}

TEST(Normalize, UnifiesAlefForms) {
  EXPECT_EQ(normalize("أ إ آ ٱ"), "ا ا ا ا");
  EXPECT_EQ(normalize("إسرائيل"), "اسرائيل");
}

TEST(Normalize, FoldsAlefMaqsuraAndTehMarbuta) {
  EXPECT_EQ(normalize("مستشفى"), "مستشفي");
  EXPECT_EQ(normalize("مدينة"), "مدينه");
}

TEST(Normalize, ConvertsArabicIndicDigits) {
  EXPECT_EQ(normalize("٢٠١٩"), "2019");  // Arabic-Indic
  EXPECT_EQ(normalize("۲۰۲۵"), "2025");  // Eastern Arabic-Indic
}

TEST(Normalize, ToleratesInvalidUtf8) {
  const std::string bad = std::string("abc\xFF") + "def";
  EXPECT_NO_THROW((void)normalize(bad));
  EXPECT_FALSE(tokenize(bad).empty());
}

TEST(Tokenize, StripsConjunctionAndArticle) {
  // والمغرب → المغرب → مغرب: every form of the name shares one stem.
  const auto s = stems("والمغرب المغرب بالمغرب للمغرب");
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0], s[1]);
  EXPECT_EQ(s[1], s[2]);
  EXPECT_EQ(s[2], s[3]);
  EXPECT_EQ(s[0], normalize("مغرب"));
}

TEST(Tokenize, BareFormKeepsArticleButDropsPrepositions) {
  const auto tokens = tokenize("وإسرائيل بإسرائيل والمالي");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].bare, normalize("إسرائيل"));
  EXPECT_EQ(tokens[1].bare, normalize("إسرائيل"));
  EXPECT_EQ(tokens[2].bare, normalize("المالي"));
  EXPECT_EQ(tokens[0].norm, normalize("وإسرائيل"));
}

TEST(Tokenize, KeepsShortWordsWhole) {
  // Minimum remaining lengths: وطن is not و+طن, الله is not ال+له.
  const auto tokens = tokenize("وطن الله");
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].bare, "وطن");
  EXPECT_EQ(tokens[1].bare, "الله");
}

TEST(Tokenize, StemsArabicInflections) {
  const auto s = stems("الدفاع الدفاعية دفاعية");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0], s[1]);
  EXPECT_EQ(s[1], s[2]);
}

TEST(Tokenize, StemsFrenchAndEnglish) {
  EXPECT_EQ(stems("défense ministère", "fr"), (std::vector<std::string>{"défens", "minister"}));
  EXPECT_EQ(stems("officials agreements", "en"), (std::vector<std::string>{"offici", "agreement"}));
  // Arabic-script words use the Arabic stemmer whatever the language.
  EXPECT_EQ(stems("الدفاعية", "fr"), stems("الدفاعية", "en"));
}

TEST(Tokenize, OffsetsPointIntoTheOriginalText) {
  const std::string text = "قال الوزيرُ: «إسرائيل» Israel, 2025.";
  const auto tokens = tokenize(text);
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(text.substr(tokens[1].begin, tokens[1].end - tokens[1].begin), "الوزيرُ");
  EXPECT_EQ(tokens[1].norm, "الوزير");
  EXPECT_EQ(text.substr(tokens[2].begin, tokens[2].end - tokens[2].begin), "إسرائيل");
  EXPECT_EQ(tokens[3].norm, "israel");
  EXPECT_EQ(tokens[4].norm, "2025");  // numbers are tokens; punctuation is not
}

TEST(Tokenize, EmptyAndPunctuationOnlyTextHasNoTokens) {
  EXPECT_TRUE(tokenize("").empty());
  EXPECT_TRUE(tokenize(" ،.!؟ — ").empty());
}

TEST(Tokenize, IsThreadSafe) {
  const std::string text = "والمغرب يوقع اتفاقية دفاع مع إسرائيل Morocco signs a defense pact";
  const auto expected = stems(text);
  std::vector<std::thread> threads;
  std::vector<int> ok(4, 0);
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] {
      for (int n = 0; n < 200; ++n) ok[i] += stems(text) == expected;
    });
  for (auto& t : threads) t.join();
  for (int v : ok) EXPECT_EQ(v, 200);
}

TEST(PipelineDataVersion, NamesTheRunningIcu) {
  const std::string version(pipeline_data_version());
  ASSERT_EQ(version.rfind("icu-", 0), 0u) << version;
  ASSERT_GT(version.size(), 4u);
  EXPECT_TRUE(version[4] >= '1' && version[4] <= '9') << version;  // "icu-72.1"
  EXPECT_EQ(pipeline_data_version(), version);
}

TEST(StemText, JoinsStemsWithSpaces) { EXPECT_EQ(stem_text("والمغرب، المغرب!"), "مغرب مغرب"); }

TEST(DetectLanguage, ArabicScriptDecidesArabic) {
  EXPECT_EQ(detect_language("المغرب"), "ar");  // CLD2 alone answers "en" for short Arabic
  EXPECT_EQ(detect_language("تعاون عسكري مغربي إسرائيلي يتقدم بخطة 2026"), "ar");
}

TEST(DetectLanguage, PersianAndUrduByTheirLetters) {
  EXPECT_EQ(detect_language("این یک متن فارسی است که با حروف گ و چ و پ نوشته شده"), "fa");
  EXPECT_EQ(detect_language("یہ ایک اردو جملہ ہے جس میں ٹ اور ڈ اور ے ہیں"), "ur");
  // One Persian name in Arabic text does not flip the language.
  EXPECT_EQ(detect_language("قال الرئيس الإيراني مسعود پزشكيان إن بلاده مستعدة للحوار مع جيرانها في المنطقة"), "ar");
}

TEST(DetectLanguage, Cld2ChoosesAmongLatinLanguages) {
  EXPECT_EQ(
      detect_language("Le Maroc et Israël signent un accord de défense, selon le ministère des Affaires étrangères."),
      "fr");
  EXPECT_EQ(detect_language("Israel and Morocco signed a defense cooperation agreement on Monday, officials said."),
            "en");
}

TEST(DetectLanguage, UnsureIsUnd) {
  EXPECT_EQ(detect_language(""), "und");
  EXPECT_EQ(detect_language("12345 !!"), "und");
}

}  // namespace
}  // namespace newsd::classify
