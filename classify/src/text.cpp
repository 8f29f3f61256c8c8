#include "newsd/classify/text.hpp"

#include <cld2/public/compact_lang_det.h>
#include <libstemmer.h>
#include <unicode/brkiter.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/rbbi.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>
#include <unicode/uversion.h>

#include <array>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace newsd::classify {
namespace {

// ---------------------------------------------------------------------------
// Arabic fold

constexpr char32_t kAlef = U'\u0627';

/// The fold of one code point after NFKC_Casefold: 0 = drop it, otherwise the
/// replacement (the code point itself when nothing changes).
constexpr char32_t fold_arabic(char32_t c) noexcept {
  if (c < 0x0600 || c > 0x06FF) return c;
  if (c >= 0x064B && c <= 0x065F) return 0;  // tashkeel, hamza marks
  if (c == 0x0670) return 0;                 // superscript alef
  if (c >= 0x06D6 && c <= 0x06ED) return 0;  // Quranic annotation marks
  switch (c) {
    case 0x0640: return 0;  // tatweel
    case 0x0622:
    case 0x0623:
    case 0x0625:
    case 0x0671:
    case 0x0672:
    case 0x0673: return kAlef;
    case 0x0649: return U'\u064A';  // alef maqsura -> yeh
    case 0x06CC: return U'\u064A';  // Farsi yeh, common in Arabic typed on Persian keyboards
    case 0x06A9: return U'\u0643';  // keheh -> kaf
    case 0x0629: return U'\u0647';  // teh marbuta -> heh
    default: break;
  }
  if (c >= 0x0660 && c <= 0x0669) return U'0' + (c - 0x0660);
  if (c >= 0x06F0 && c <= 0x06F9) return U'0' + (c - 0x06F0);
  return c;
}

/// Applies fold_arabic in place. Every replacement is no longer in UTF-8 than
/// the original (2-byte letters map to 2-byte letters or 1-byte digits), so
/// the string only shrinks and one pass suffices.
void fold_arabic_in_place(std::string& s) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t length = static_cast<int32_t>(s.size());
  int32_t read = 0;
  std::size_t write = 0;
  while (read < length) {
    const int32_t start = read;
    UChar32 c;
    U8_NEXT(bytes, read, length, c);
    if (c < 0x0600 || c > 0x06FF) {
      // Not Arabic: copy the original bytes unchanged (U8_NEXT reports
      // invalid sequences as negative; NFKC already replaced those).
      for (int32_t i = start; i < read; ++i) s[write++] = s[static_cast<std::size_t>(i)];
      continue;
    }
    const char32_t folded = fold_arabic(static_cast<char32_t>(c));
    if (folded == 0) continue;
    char buf[4];
    int32_t n = 0;
    U8_APPEND_UNSAFE(buf, n, static_cast<UChar32>(folded));
    for (int32_t i = 0; i < n; ++i) s[write++] = buf[i];
  }
  s.resize(write);
}

bool is_ascii(std::string_view s) noexcept {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

const icu::Normalizer2& nfkc_casefold() {
  static const icu::Normalizer2* instance = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFKCCasefoldInstance(status);
    // Missing ICU data is an installation fault, not bad input.
    if (U_FAILURE(status) || n == nullptr) throw std::runtime_error("ICU NFKC_Casefold data unavailable");
    return n;
  }();
  return *instance;
}

void normalize_into(std::string_view utf8, std::string& out) {
  out.clear();
  if (is_ascii(utf8)) {
    // NFKC_Casefold of ASCII is plain lower-casing; skipping ICU here is the
    // single largest speed-up for Latin-script text.
    out.assign(utf8);
    for (char& c : out)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return;
  }
  UErrorCode status = U_ZERO_ERROR;
  icu::StringByteSink<std::string> sink(&out, static_cast<int32_t>(utf8.size()));
  nfkc_casefold().normalizeUTF8(0, icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())), sink, nullptr,
                                status);
  if (U_FAILURE(status)) {
    out.assign(utf8);  // only on allocation failure; keep the text usable
  }
  fold_arabic_in_place(out);
}

// ---------------------------------------------------------------------------
// Arabic clitics

bool is_arabic_letter(char32_t c) noexcept {
  return (c >= 0x0620 && c <= 0x064A) || (c >= 0x066E && c <= 0x06D3) || (c >= 0x06FA && c <= 0x06FF) ||
         (c >= 0x0750 && c <= 0x077F) || (c >= 0x08A0 && c <= 0x08FF);
}

std::u32string decode(std::string_view s) {
  std::u32string out;
  out.reserve(s.size() / 2);
  const auto* bytes = reinterpret_cast<const uint8_t*>(s.data());
  const int32_t length = static_cast<int32_t>(s.size());
  int32_t i = 0;
  while (i < length) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    out.push_back(c < 0 ? U'\uFFFD' : static_cast<char32_t>(c));
  }
  return out;
}

std::string encode(std::u32string_view s) {
  std::string out;
  out.reserve(s.size() * 2);
  for (char32_t c : s) {
    char buf[4];
    int32_t n = 0;
    U8_APPEND_UNSAFE(buf, n, static_cast<UChar32>(c));
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

constexpr char32_t kWaw = U'\u0648', kFeh = U'\u0641', kBeh = U'\u0628', kKaf = U'\u0643', kLam = U'\u0644';

/// Strips the Arabic proclitics that attach to any word: the conjunctions
/// و/ف, then one preposition ب/ك/ل, keeping the article (بال → ال, لل → ال).
/// Snowball leaves و+ال and ف+ال words unstemmed and, after the alef fold,
/// every و+ا word, so this runs before it. Minimum remaining lengths keep
/// short words whole (وطن، بيت، لبن…). The result is what proper names
/// match exactly (`=` terms): unlike stems it never merges two names.
std::u32string strip_proclitics(std::u32string_view w) {
  static constexpr std::u32string_view kAl = U"\u0627\u0644";
  if (!w.empty() && (w[0] == kWaw || w[0] == kFeh) && w.size() - 1 >= 4) w.remove_prefix(1);
  if (w.size() >= 4 && (w[0] == kBeh || w[0] == kKaf) && w.substr(1).starts_with(kAl))
    return std::u32string(w.substr(1));
  if (w.size() >= 5 && w[0] == kLam && w[1] == kLam) return std::u32string(kAl) + std::u32string(w.substr(2));
  if (!w.empty() && (w[0] == kBeh || w[0] == kKaf || w[0] == kLam) && w.size() - 1 >= 4) w.remove_prefix(1);
  return std::u32string(w);
}

/// The article ال, stripped before stemming when at least 3 letters remain.
std::u32string_view strip_article(std::u32string_view w) {
  static constexpr std::u32string_view kAl = U"\u0627\u0644";
  return w.starts_with(kAl) && w.size() - 2 >= 3 ? w.substr(2) : w;
}

/// French elision: ICU keeps "l'otan" as one word; the name is what follows
/// the apostrophe (l' d' j' m' n' s' t' c' qu' jusqu' lorsqu' puisqu').
std::string strip_french_elision(const std::string& word) {
  for (std::string_view apostrophe : {std::string_view("'"), std::string_view("\u2019")}) {
    const auto at = word.find(apostrophe);
    if (at == std::string::npos) continue;
    const std::string_view head = std::string_view(word).substr(0, at);
    if (head.size() == 1 ? std::string_view("ldjmnstc").find(head[0]) != std::string_view::npos
                         : (head == "qu" || head == "jusqu" || head == "lorsqu" || head == "puisqu"))
      return word.substr(at + apostrophe.size());
  }
  return word;
}

// ---------------------------------------------------------------------------
// Per-thread workers

enum class StemmerKind : std::size_t { arabic = 0, french = 1, english = 2 };

struct StemmerDeleter {
  void operator()(sb_stemmer* s) const noexcept { sb_stemmer_delete(s); }
};

/// A tokenized word, cached by its raw bytes.
struct CachedWord {
  struct Piece {
    std::string norm;
    std::string bare;
    std::string stem;
  };
  std::vector<Piece> pieces;  // usually one; more when a ligature expands to words
};

struct TransparentHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

/// Everything expensive to create, kept per thread: creating an ICU break
/// iterator or a Snowball stemmer costs far more than tokenizing a page.
class ThreadWorkers {
 public:
  ThreadWorkers() {
    UErrorCode status = U_ZERO_ERROR;
    words_.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status) || !words_) throw std::runtime_error("ICU word break iterator unavailable");
    static constexpr std::array<const char*, 3> kAlgorithms{"arabic", "french", "english"};
    for (std::size_t i = 0; i < kAlgorithms.size(); ++i) {
      stemmers_[i].reset(sb_stemmer_new(kAlgorithms[i], "UTF_8"));
      if (!stemmers_[i]) throw std::runtime_error(std::string("Snowball stemmer missing: ") + kAlgorithms[i]);
    }
  }
  ~ThreadWorkers() { utext_close(text_); }
  ThreadWorkers(const ThreadWorkers&) = delete;
  ThreadWorkers& operator=(const ThreadWorkers&) = delete;

  icu::BreakIterator& word_breaker(std::string_view utf8) {
    UErrorCode status = U_ZERO_ERROR;
    text_ = utext_openUTF8(text_, utf8.data(), static_cast<int64_t>(utf8.size()), &status);
    words_->setText(text_, status);
    return *words_;
  }

  std::string stem(StemmerKind kind, std::string_view word) {
    sb_stemmer* s = stemmers_[static_cast<std::size_t>(kind)].get();
    const sb_symbol* out =
        sb_stemmer_stem(s, reinterpret_cast<const sb_symbol*>(word.data()), static_cast<int>(word.size()));
    if (out == nullptr) return std::string(word);  // out of memory inside Snowball
    return std::string(reinterpret_cast<const char*>(out), static_cast<std::size_t>(sb_stemmer_length(s)));
  }

  /// The analysis of one raw word. Latin words depend on the stemmer
  /// language, so the cache is split by it; Arabic words are analysed
  /// identically in both halves.
  const CachedWord& analyse(std::string_view raw, StemmerKind latin) {
    auto& cache = cache_[latin == StemmerKind::french ? 1 : 0];
    if (auto it = cache.find(raw); it != cache.end()) return it->second;
    // News vocabulary is Zipfian, so a bounded cache hits most words; when
    // full it is simply dropped rather than tracking recency.
    if (cache.size() >= kMaxCachedWords) cache.clear();
    CachedWord entry;
    normalize_into(raw, scratch_);
    std::string_view rest = scratch_;
    while (!rest.empty()) {
      // NFKC may expand one word into several (ﷺ); split them on spaces.
      const auto space = rest.find(' ');
      std::string_view piece = rest.substr(0, space);
      rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space + 1);
      if (piece.empty()) continue;
      entry.pieces.push_back(analyse_piece(piece, latin));
    }
    return cache.emplace(std::string(raw), std::move(entry)).first->second;
  }

 private:
  CachedWord::Piece analyse_piece(std::string_view norm, StemmerKind latin) {
    CachedWord::Piece piece{std::string(norm), {}, {}};
    std::u32string chars = decode(norm);
    bool arabic = false;
    for (char32_t c : chars)
      if (is_arabic_letter(c)) {
        arabic = true;
        break;
      }
    if (arabic) {
      const std::u32string bare = strip_proclitics(chars);
      piece.bare = encode(bare);
      piece.stem = stem(StemmerKind::arabic, encode(strip_article(bare)));
      if (piece.stem.empty()) piece.stem = piece.bare;
      return piece;
    }
    piece.bare = piece.norm;
    if (latin == StemmerKind::french) piece.bare = strip_french_elision(piece.norm);
    if (chars.size() > 1 && chars.size() < 64) {
      piece.stem = stem(latin, piece.bare);
    } else {
      piece.stem = piece.norm;
    }
    if (piece.stem.empty()) piece.stem = piece.norm;
    return piece;
  }

  static constexpr std::size_t kMaxCachedWords = 200'000;
  std::unique_ptr<icu::BreakIterator> words_;
  UText* text_ = nullptr;
  std::array<std::unique_ptr<sb_stemmer, StemmerDeleter>, 3> stemmers_;
  std::array<std::unordered_map<std::string, CachedWord, TransparentHash, std::equal_to<>>, 2> cache_;
  std::string scratch_;
};

ThreadWorkers& workers() {
  thread_local ThreadWorkers instance;
  return instance;
}

StemmerKind latin_stemmer_for(std::string_view language) noexcept {
  return language.starts_with("fr") ? StemmerKind::french : StemmerKind::english;
}

/// Calls `emit(piece, begin, end)` for each word token of `utf8`.
template <class Emit>
void for_each_word(std::string_view utf8, std::string_view language, Emit&& emit) {
  if (utf8.empty()) return;
  ThreadWorkers& w = workers();
  const StemmerKind latin = latin_stemmer_for(language);
  icu::BreakIterator& breaker = w.word_breaker(utf8);
  int32_t start = breaker.first();
  for (int32_t end = breaker.next(); end != icu::BreakIterator::DONE; start = end, end = breaker.next()) {
    // Rule status below UBRK_WORD_NONE_LIMIT marks spaces and punctuation.
    if (breaker.getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;
    const auto b = static_cast<std::size_t>(start), e = static_cast<std::size_t>(end);
    const CachedWord& word = w.analyse(utf8.substr(b, e - b), latin);
    for (const auto& piece : word.pieces) emit(piece, b, e);
  }
}

}  // namespace

std::string normalize(std::string_view utf8) {
  std::string out;
  normalize_into(utf8, out);
  return out;
}

std::vector<Token> tokenize(std::string_view utf8, std::string_view language) {
  std::vector<Token> tokens;
  tokens.reserve(utf8.size() / 6);
  for_each_word(utf8, language, [&](const CachedWord::Piece& piece, std::size_t b, std::size_t e) {
    tokens.push_back(Token{piece.norm, piece.bare, piece.stem, b, e});
  });
  return tokens;
}

bool same_stemmer(std::string_view a, std::string_view b) noexcept {
  return latin_stemmer_for(a) == latin_stemmer_for(b);
}

std::string stem_text(std::string_view utf8, std::string_view language) {
  std::string out;
  out.reserve(utf8.size());
  for_each_word(utf8, language, [&](const CachedWord::Piece& piece, std::size_t, std::size_t) {
    if (!out.empty()) out.push_back(' ');
    out.append(piece.stem);
  });
  return out;
}

std::string_view pipeline_data_version() {
  static const std::string version = [] {
    UVersionInfo info;
    u_getVersion(info);
    std::array<char, U_MAX_VERSION_STRING_LENGTH> text{};
    u_versionToString(info, text.data());
    return "icu-" + std::string(text.data());
  }();
  return version;
}

std::string detect_language(std::string_view utf8) {
  std::size_t arabic = 0, persian = 0, urdu = 0, other_letters = 0;
  const auto* bytes = reinterpret_cast<const uint8_t*>(utf8.data());
  const int32_t length = static_cast<int32_t>(utf8.size());
  int32_t i = 0;
  while (i < length) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) continue;
    const auto ch = static_cast<char32_t>(c);
    if (is_arabic_letter(ch) || (ch >= 0xFB50 && ch <= 0xFDFF) || (ch >= 0xFE70 && ch <= 0xFEFF)) {
      ++arabic;
      switch (ch) {
        case 0x0679:
        case 0x0688:
        case 0x0691:
        case 0x06BA:
        case 0x06D2:
        case 0x06BE:
        case 0x06C1: ++urdu; break;
        case 0x067E:
        case 0x0686:
        case 0x0698:
        case 0x06AF:
        case 0x06A9:
        case 0x06CC: ++persian; break;
        default: break;
      }
    } else if (u_isalpha(c)) {
      ++other_letters;
    }
  }
  if (arabic + other_letters == 0) return "und";
  if (arabic >= other_letters) {
    // A Persian name quoted in Arabic text must not flip the language: the
    // distinctive letters have to be a real share of the text.
    auto significant = [&](std::size_t n) { return n >= 2 && n * 50 >= arabic; };
    if (significant(urdu)) return "ur";
    if (significant(persian + urdu)) return "fa";
    return "ar";
  }
  bool reliable = false;
  const CLD2::Language lang =
      CLD2::DetectLanguage(utf8.data(), static_cast<int>(utf8.size()), /*is_plain_text=*/true, &reliable);
  if (lang == CLD2::UNKNOWN_LANGUAGE || (!reliable && other_letters < 12)) return "und";
  std::string code = CLD2::LanguageCode(lang);
  if (const auto dash = code.find('-'); dash != std::string::npos) code.resize(dash);  // "zh-Hant" -> "zh"
  return code;
}

}  // namespace newsd::classify
