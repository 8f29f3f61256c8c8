#include "newsd/base/charset.hpp"

#include <gtest/gtest.h>

namespace newsd::charset {
namespace {

// "مرحبا بالعالم" in windows-1256 and in iso-8859-6.
constexpr std::string_view kHelloCp1256 = "\xE3\xD1\xCD\xC8\xC7 \xC8\xC7\xE1\xDA\xC7\xE1\xE3";
constexpr std::string_view kHelloIso88596 = "\xE5\xD1\xCD\xC8\xC7 \xC8\xC7\xE4\xD9\xC7\xE4\xE5";
constexpr std::string_view kHelloUtf8 = "مرحبا بالعالم";

TEST(Charset, SniffsByteOrderMarks) {
  EXPECT_EQ(sniff_bom("\xEF\xBB\xBFhi"), "UTF-8");
  EXPECT_EQ(sniff_bom("\xFF\xFEh\0"), "UTF-16LE");
  EXPECT_EQ(sniff_bom("\xFE\xFF\0h"), "UTF-16BE");
  EXPECT_EQ(sniff_bom("<?xml"), std::nullopt);
  EXPECT_EQ(bom_length("\xEF\xBB\xBFhi"), 3u);
}

TEST(Charset, DecodesArabicSingleByteEncodings) {
  auto a = to_utf8(kHelloCp1256, "windows-1256");
  ASSERT_TRUE(a) << a.error().describe();
  EXPECT_EQ(a->text, kHelloUtf8);
  EXPECT_EQ(a->encoding, "windows-1256");
  EXPECT_FALSE(a->had_errors);

  auto b = to_utf8(kHelloIso88596, "ISO-8859-6");
  ASSERT_TRUE(b) << b.error().describe();
  EXPECT_EQ(b->text, kHelloUtf8);
  EXPECT_EQ(b->encoding, "iso-8859-6");
}

TEST(Charset, AliasesResolveToCanonicalNames) {
  EXPECT_EQ(canonical_name("cp1256"), "windows-1256");
  EXPECT_EQ(canonical_name("UTF8"), "utf-8");
  EXPECT_EQ(canonical_name("latin1"), "iso-8859-1");
  EXPECT_TRUE(is_known("koi8-r"));
  EXPECT_FALSE(is_known("no-such-charset"));
}

TEST(Charset, InvalidUtf8IsReplacedAndFlagged) {
  auto r = to_utf8("ok \xC3 then", "utf-8");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->had_errors);
  EXPECT_NE(r->text.find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_TRUE(is_valid_utf8(r->text));
}

TEST(Charset, StripsMatchingBomAndConvertsUtf16) {
  auto r = to_utf8(std::string_view("\xFF\xFEh\0i\0", 6), "UTF-16LE");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->text, "hi");
  auto u = to_utf8("\xEF\xBB\xBFok", "utf-8");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->text, "ok");
}

TEST(Charset, UnknownLabelIsAnEncodingError) {
  auto r = to_utf8("abc", "x-unknown-42");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::encoding);
}

TEST(Charset, DetectsUnlabelledArabicText) {
  std::string page;
  for (int i = 0; i < 40; ++i) page += std::string(kHelloCp1256) + " ";
  auto guess = detect(page);
  ASSERT_TRUE(guess);
  EXPECT_EQ(canonical_name(*guess), "windows-1256");
}

TEST(Charset, ValidatesUtf8) {
  EXPECT_TRUE(is_valid_utf8(kHelloUtf8));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));      // overlong
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));      // truncated
}

// One byte per code page, with the character its definition gives it: the
// glibc charmaps in /usr/share/i18n/charmaps (IBM437, IBM852, IBM855, IBM856,
// IBM874, IBM875, CP1125, KOI8-T, MAC-CENTRALEUROPE, MAC-CYRILLIC),
// RFC 2319 for KOI8-U, IBM CCSID 1140 (CCSID 37 with the euro at 0x9F), and
// Apple's GREEK.TXT and TURKISH.TXT mapping files (unicode.org
// MAPPINGS/VENDORS/APPLE).
struct CodePageByte {
  std::string_view label;
  std::string_view bytes;
  std::string_view utf8;
};

TEST(Charset, DecodesLongTailCodePagesByTheirDefinitions) {
  const CodePageByte cases[] = {
      {"IBM437", "\x9A\xE1", "Üß"},       // U+00DC, U+00DF
      {"IBM852", "\x9D", "Ł"},            // U+0141
      {"IBM855", "\xA0", "а"},            // U+0430
      {"IBM856", "\x80", "א"},            // U+05D0
      {"IBM874", "\xA1", "ก"},            // U+0E01
      {"IBM875", "\xB1", "ά"},            // U+03AC (EBCDIC Greek)
      {"cp1125", "\xF2\xF3", "Ґґ"},       // U+0490, U+0491
      {"IBM01140", "\x9F", "€"},          // U+20AC
      {"KOI8-U", "\xBD\xAD\xA4", "Ґґє"},  // U+0490, U+0491, U+0454
      {"KOI8-T", "\x80\x81\xEF", "қғО"},  // U+049B, U+0493, U+041E
      {"maccentraleurope", "\x8C", "Ć"},  // U+0106
      {"maccyrillic", "\x80", "А"},       // U+0410
      {"macgreek", "\xA1\xE1", "Γα"},     // U+0393, U+03B1
      {"macturkish", "\xDA\xDC", "Ğİ"},   // U+011E, U+0130
  };
  for (const auto& c : cases) {
    auto r = to_utf8(c.bytes, c.label);
    ASSERT_TRUE(r) << c.label << ": " << r.error().describe();
    EXPECT_EQ(r->text, c.utf8) << c.label;
    EXPECT_FALSE(r->had_errors) << c.label;
  }
}

TEST(Charset, IanaAliasesOfDosCodePagesShareOneName) {
  for (const char* alias : {"IBM437", "cp437", "437", "csPC8CodePage437"}) EXPECT_EQ(canonical_name(alias), "ibm437");
  for (const char* alias : {"IBM775", "cp775", "csPC775Baltic"}) EXPECT_EQ(canonical_name(alias), "ibm775");
  for (const char* alias : {"IBM852", "cp852", "852", "csPCp852"}) EXPECT_EQ(canonical_name(alias), "ibm852");
  for (const char* alias : {"IBM855", "cp855", "855", "csIBM855"}) EXPECT_EQ(canonical_name(alias), "ibm855");
  // The registry's csKOI8U and csIBM01140 are not in ICU's alias table: the
  // "cs" prefix is dropped.
  for (const char* alias : {"KOI8-U", "csKOI8U"}) EXPECT_EQ(canonical_name(alias), "koi8-u");
  for (const char* alias : {"IBM01140", "CCSID01140", "ebcdic-us-37+euro", "csIBM01140"})
    EXPECT_EQ(canonical_name(alias), "ibm01140");
}

TEST(Charset, CodePagesWithoutAnIanaNameKeepIcusOwn) {
  EXPECT_EQ(canonical_name("cp1125"), "ibm-1125");
  EXPECT_EQ(canonical_name("cp856"), "ibm-856");
  // ICU tags ibm-874's alias TIS-620 as its IANA name, but TIS-620 opens
  // windows-874: reporting it would name another table.
  EXPECT_EQ(canonical_name("cp874"), "ibm-874");
}

TEST(Charset, PythonMacSpellingsResolve) {
  EXPECT_EQ(canonical_name("macgreek"), "x-mac-greek");
  EXPECT_EQ(canonical_name("mac-turkish"), "x-mac-turkish");
  EXPECT_EQ(canonical_name("maccyrillic"), "x-mac-cyrillic");
  EXPECT_EQ(canonical_name("maclatin2"), "x-mac-centraleurroman");  // ICU's WINDOWS name
}

TEST(Charset, MacIcelandicIsUnknownRatherThanMisread) {
  // Apple's ICELAND.TXT puts Ý at 0xA0 and Ð/ð at 0xDC/0xDD; glibc's MAC-IS
  // has † and Đ/đ there, and ICU has no Mac Icelandic: decoding with MAC-IS
  // would silently corrupt Icelandic letters.
  for (const char* label : {"maciceland", "mac-iceland", "x-mac-icelandic"}) EXPECT_FALSE(is_known(label)) << label;
}

TEST(Charset, CodePagesOnlyIconvHasAreKnownAndConverted) {
  EXPECT_TRUE(is_known("KOI8-T"));
  EXPECT_EQ(canonical_name("koi8-t"), "koi8-t");
  auto r = to_utf8("\xE4\xD5\xDB\xC1\xCE\xC2\xC5", "KOI8-T");  // "Душанбе"
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->text, "Душанбе");
  EXPECT_EQ(r->encoding, "koi8-t");
}

TEST(Charset, IconvFallbackReplacesUnmappedBytesAndFlagsThem) {
  // 0x88 and 0xA0 have no character in the KOI8-T charmap.
  auto r = to_utf8(
      "a\x88"
      "b\xA0",
      "KOI8-T");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->text,
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
  EXPECT_TRUE(r->had_errors);
}

TEST(Charset, HostileLabelsAreUnknown) {
  EXPECT_FALSE(is_known(""));
  EXPECT_FALSE(is_known(std::string(65, 'a')));
  EXPECT_FALSE(is_known(std::string("KOI8-T") + std::string(60, ' ')));
  EXPECT_FALSE(is_known("cs"));
  EXPECT_FALSE(is_known("macnothing"));
  // iconv's and ICU's option syntax, and glibc's empty name (the locale's charset).
  EXPECT_FALSE(is_known("KOI8-T//TRANSLIT"));
  EXPECT_FALSE(is_known("//"));
  EXPECT_FALSE(is_known("ibm-1140,swaplfnl"));
  EXPECT_FALSE(is_known("koi8-t "));
  EXPECT_FALSE(is_known(std::string_view("koi8-t\0", 7)));
  EXPECT_TRUE(is_known("ISO_8859-1:1987"));
  EXPECT_TRUE(is_known("ebcdic-us-37+euro"));
  auto r = to_utf8("abc", std::string(200, 'x'));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::encoding);
}

TEST(Charset, ValidatesUtf8AtEveryOffsetOfLongAsciiRuns) {
  // The ASCII run is skipped in words: a bad byte or a cut sequence must be
  // found wherever it falls relative to them, and a good one accepted.
  for (std::size_t lead = 0; lead < 20; ++lead) {
    const std::string ascii(lead, 'a');
    for (std::size_t trail : {0u, 1u, 7u, 8u, 9u, 17u}) {
      const std::string after(trail, 'b');
      EXPECT_TRUE(is_valid_utf8(ascii + std::string(kHelloUtf8) + after)) << lead << ' ' << trail;
      EXPECT_FALSE(is_valid_utf8(ascii + "\xFF" + after)) << lead << ' ' << trail;
      EXPECT_FALSE(is_valid_utf8(ascii + "\xC0\xAF" + after)) << lead << ' ' << trail;  // overlong '/'
      EXPECT_FALSE(is_valid_utf8(ascii + after + "\xE2\x80")) << lead << ' ' << trail;  // cut at the end
    }
  }
}

}  // namespace
}  // namespace newsd::charset
