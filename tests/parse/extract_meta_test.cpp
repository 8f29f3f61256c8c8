// Metadata: JSON-LD, Open Graph and meta tags, <title> clean-up, canonical
// URL resolution, and the --json rendering.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "newsd/parse/dates.hpp"
#include "parse/extract_test_util.hpp"

namespace newsd::parse {
namespace {

using testing::extract_fixture;

std::string iso(const std::optional<std::chrono::sys_seconds>& t) { return t ? format_iso8601(*t) : "null"; }

TEST(ExtractMeta, JsonLdNewsArticle) {
  const auto a = extract_fixture("meta/jsonld-newsarticle.html", "https://ledger.example/business/grid?utm_source=x");
  EXPECT_EQ(a.title, "Grid operator warns of winter shortfall");
  EXPECT_EQ(a.byline, "Amira Haddad, Tom Reyes");
  EXPECT_EQ(a.site_name, "The Daily Ledger");
  EXPECT_EQ(iso(a.published), "2025-11-17T06:30:00Z");
  EXPECT_EQ(iso(a.updated), "2025-11-17T12:00:00Z");
  EXPECT_EQ(a.section, "Business");
  EXPECT_EQ(a.canonical_url, "https://ledger.example/business/2025/11/17/grid-winter");
  EXPECT_EQ(a.image, "https://ledger.example/img/pylons.jpg");
  EXPECT_EQ(a.language, "en");
  // Neither the byline line nor the date line is body text.
  ASSERT_EQ(a.paragraphs.size(), 2u);
  EXPECT_TRUE(a.paragraphs[0].starts_with("The national grid operator warned"));
}

TEST(ExtractMeta, OpenGraphAndMetaTags) {
  const auto a = extract_fixture("meta/opengraph-and-meta-tags.html");
  EXPECT_EQ(a.title, "Le port agrandit son terminal");
  EXPECT_EQ(a.byline, "Claire Dubois");
  EXPECT_EQ(a.site_name, "Journal du Littoral");
  EXPECT_EQ(iso(a.published), "2025-10-02T07:15:00Z");
  EXPECT_EQ(a.updated, std::nullopt);
  EXPECT_EQ(a.section, "Économie");
  EXPECT_EQ(a.canonical_url, "https://littoral.example/eco/port-terminal");
  EXPECT_EQ(a.image, "https://littoral.example/img/port.jpg");
  EXPECT_EQ(a.language, "fr");
  EXPECT_EQ(a.encoding, "utf-8");
  EXPECT_EQ(a.paragraphs.size(), 2u);
}

TEST(ExtractMeta, TitleTagSuffixBreadcrumbSectionAndUrlDate) {
  const auto a =
      extract_fixture("meta/title-tag-only-with-site-suffix.html", "https://news.example/2025/03/09/fm-meets");
  EXPECT_EQ(a.title, "وزير الخارجية يلتقي نظيره الفرنسي");
  EXPECT_EQ(a.section, "سياسة");
  EXPECT_EQ(iso(a.published), "2025-03-09T00:00:00Z");
  EXPECT_EQ(a.language, "ar");  // undeclared; the script decides
  EXPECT_EQ(a.byline, std::nullopt);
  ASSERT_EQ(a.paragraphs.size(), 2u);
  EXPECT_EQ(a.text.find("الرئيسية"), std::string::npos);
}

TEST(ExtractMeta, JsonRenderingFollowsTheSpec) {
  const auto a = extract_fixture("meta/opengraph-and-meta-tags.html", "https://littoral.example/eco/port-terminal?x=1");
  const auto j = nlohmann::json::parse(to_json(a));
  for (auto key : {"url", "canonical_url", "title", "byline", "site_name", "published", "updated", "language",
                   "section", "image", "text", "paragraphs", "encoding"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_EQ(j["url"], "https://littoral.example/eco/port-terminal?x=1");
  EXPECT_TRUE(j["updated"].is_null());
  EXPECT_EQ(j["published"], "2025-10-02T07:15:00Z");
  EXPECT_EQ(j["paragraphs"].size(), 2u);
  EXPECT_EQ(j["text"], a.text);
}

TEST(ExtractMeta, ClientRenderedPageFallsBackToJsonLdArticleBody) {
  const auto a = extract_fixture("meta/jsonld-body-client-rendered.html");
  ASSERT_EQ(a.paragraphs.size(), 2u);
  EXPECT_TRUE(a.paragraphs[0].starts_with("The island ferry will run"));
  EXPECT_TRUE(a.paragraphs[1].starts_with("The extra sailings leave"));
}

TEST(ExtractMeta, BrokenJsonLdIsIgnored) {
  const std::string page =
      "<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"headline\":</script>"
      "<title>Fallback title</title></head><body><h1>Fallback title</h1></body></html>";
  auto a = extract_article(page, {}, {});
  ASSERT_TRUE(a);
  EXPECT_EQ(a->title, "Fallback title");
}

}  // namespace
}  // namespace newsd::parse
