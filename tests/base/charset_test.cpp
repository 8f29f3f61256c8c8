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

}  // namespace
}  // namespace newsd::charset
