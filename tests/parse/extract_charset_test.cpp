// Charset: BOM, HTTP header, <meta> prescan and detection, each on an Arabic
// page encoded as the label says (fixtures in tests/data/extract/charset/).
#include <gtest/gtest.h>

#include <sstream>

#include "newsd/parse/html.hpp"
#include "parse/extract_test_util.hpp"

namespace newsd::parse {
namespace {

using testing::extract_data;
using testing::extract_fixture;
using testing::read_fixture;

std::vector<std::string> expected_paragraphs() {
  std::istringstream in(read_fixture(extract_data("charset/expected-paragraphs.txt")));
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) out.push_back(line);
  }
  return out;
}

struct CharsetCase {
  const char* file;
  const char* http_charset;
  const char* encoding;
  CharsetSource source;
};

class CharsetFixture : public ::testing::TestWithParam<CharsetCase> {};

TEST_P(CharsetFixture, DecodesArabicArticleExactly) {
  const auto& c = GetParam();
  const std::string bytes = read_fixture(extract_data(std::string("charset/") + c.file));
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(choose_html_charset(bytes, c.http_charset).source, c.source);
  const auto article = extract_fixture(std::string("charset/") + c.file, {}, {}, c.http_charset);
  EXPECT_EQ(article.encoding, c.encoding);
  EXPECT_EQ(article.paragraphs, expected_paragraphs());
  EXPECT_EQ(article.title, "اتفاقية جديدة للتعاون في الأمن السيبراني");
  EXPECT_EQ(article.language, "ar");
}

INSTANTIATE_TEST_SUITE_P(
    Labels, CharsetFixture,
    ::testing::Values(CharsetCase{"ar-windows-1256-meta-charset.html", "", "windows-1256", CharsetSource::meta},
                      CharsetCase{"ar-iso-8859-6-http-equiv.html", "", "iso-8859-6", CharsetSource::meta},
                      CharsetCase{"ar-windows-1256-no-meta-http-header.html", "windows-1256", "windows-1256",
                                  CharsetSource::http},
                      CharsetCase{"ar-windows-1256-no-meta-http-header.html", "text/html; charset=cp1256",
                                  "windows-1256", CharsetSource::http},
                      CharsetCase{"ar-windows-1256-unlabelled.html", "", "windows-1256", CharsetSource::detected},
                      CharsetCase{"ar-utf8-unlabelled.html", "", "utf-8", CharsetSource::utf8_valid},
                      CharsetCase{"ar-utf8-meta-charset.html", "", "utf-8", CharsetSource::meta},
                      // The BOM outranks both the HTTP header and the <meta> label.
                      CharsetCase{"ar-utf8-bom.html", "iso-8859-6", "utf-8", CharsetSource::bom}));

TEST(HtmlCharset, PrescanReadsBothMetaForms) {
  EXPECT_EQ(prescan_meta_charset("<html><head><meta charset='Windows-1256'>"), "windows-1256");
  EXPECT_EQ(prescan_meta_charset(R"(<meta content="text/html; charset=ISO-8859-6" http-equiv="Content-Type">)"),
            "iso-8859-6");
  EXPECT_EQ(prescan_meta_charset("<meta name=viewport content=width=device-width>"), std::nullopt);
}

TEST(HtmlCharset, PrescanAppliesHtmlLabelOverrides) {
  // Per the HTML standard a page cannot declare UTF-16 in <meta>, and latin1 means windows-1252.
  EXPECT_EQ(prescan_meta_charset("<meta charset=utf-16>"), "UTF-8");
  EXPECT_EQ(prescan_meta_charset("<meta charset=iso-8859-1>"), "windows-1252");
  EXPECT_EQ(prescan_meta_charset("<meta charset=no-such-charset>"), std::nullopt);
}

TEST(HtmlCharset, PrescanLooksOnlyAtTheFirstFourKilobytes) {
  const std::string late = std::string(5000, ' ') + "<meta charset=windows-1256>";
  EXPECT_EQ(prescan_meta_charset(late), std::nullopt);
}

TEST(HtmlCharset, Utf8LabelOnNonUtf8BytesFallsBackToDetection) {
  std::string page = "<meta charset=utf-8><p>";
  const std::string arabic = read_fixture(extract_data("charset/ar-windows-1256-unlabelled.html"));
  page += arabic;
  const auto choice = choose_html_charset(page);
  EXPECT_NE(choice.source, CharsetSource::meta);
}

TEST(HtmlCharset, UnknownHttpLabelIsIgnored) {
  EXPECT_EQ(choose_html_charset("<p>plain ascii</p>", "x-unknown-charset").source, CharsetSource::utf8_valid);
}

TEST(HtmlCharset, DecodeReplacesInvalidBytesInsteadOfFailing) {
  const auto decoded = decode_html("<meta charset=utf-8><p>caf\xC3</p>\xFF");
  EXPECT_FALSE(decoded.text.empty());
  EXPECT_TRUE(charset::is_valid_utf8(decoded.text));
}

}  // namespace
}  // namespace newsd::parse
