// parse_sitemap(), gunzip() and sniff_source() (issue 16): Google News and
// plain sitemaps, sitemap indexes, gzip, and sitemaps written to hurt.
// Fixtures: tests/data/parse/sitemap/, on a fixed clock (2026-11-30 12:00 UTC).
#include "newsd/parse/sitemap.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "nested_fixture.hpp"
#include "support/gzip.hpp"

namespace {

using namespace std::chrono_literals;
using newsd::Errc;
using newsd::parse::gunzip;
using newsd::parse::parse_sitemap;
using newsd::parse::SitemapRules;
using newsd::parse::sniff_source;
using newsd::parse::SourceKind;
using newsd::parse::testing::read_data_file;
using newsd::parse::testing::repeat;
using newsd::testing::gzip;

const newsd::parse::TimePoint kNow = std::chrono::sys_days{std::chrono::year{2026} / 11 / 30} + 12h;

SitemapRules rules_at_now(std::chrono::seconds max_age = 48h) { return SitemapRules{max_age, kNow}; }

std::string fixture(const std::string& name) { return read_data_file("parse/sitemap/" + name); }

std::vector<std::string> links(const newsd::parse::Sitemap& s) {
  std::vector<std::string> out;
  for (const auto& e : s.parsed.entries) out.push_back(e.link.value_or(""));
  return out;
}

TEST(NewsSitemap, TakesTheRecentEntriesWithTitleDateKeywordsAndLanguage) {
  auto s =
      parse_sitemap(fixture("news_hespress.xml"), "https://www.hespress.com/sitemap-news.xml", "", {}, rules_at_now());
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->kind, SourceKind::sitemap);
  EXPECT_FALSE(s->parsed.bozo) << s->parsed.bozo_message;
  ASSERT_EQ(s->parsed.entries.size(), 3u);
  EXPECT_EQ(s->too_old, 1u);  // the five-day-old story
  const auto& first = s->parsed.entries[0];
  // The Arabic slug is percent-encoded, as a fetchable URI.
  EXPECT_TRUE(first.link->starts_with("https://www.hespress.com/%D8%A7%D9%84%D9%85%D8%BA%D8%B1%D8%A8-")) << *first.link;
  EXPECT_EQ(first.id, first.link);
  EXPECT_EQ(first.title->value, "المغرب يتسلم دفعة جديدة من المسيّرات التركية");
  ASSERT_TRUE(first.published);
  EXPECT_EQ(*first.published, std::chrono::sys_days{std::chrono::year{2026} / 11 / 30} + 8h + 15min);
  std::vector<std::string> terms;
  for (const auto& c : first.categories) terms.push_back(c.term);
  EXPECT_EQ(terms, (std::vector<std::string>{"القوات المسلحة الملكية", "مسيرات", "الدفاع"}));
  EXPECT_EQ(s->parsed.entries[1].title->value, "الجزائر والمغرب: قراءة في \"الحرب الباردة\" الدبلوماسية & تداعياتها");
  // The news date decides, not lastmod: 28 Nov 18:05 is within 48 h of 30 Nov 12:00.
  EXPECT_EQ(s->parsed.entries[2].title->value, "هجوم سيبراني يستهدف موقع وزارة & مصالحها");
  ASSERT_TRUE(s->parsed.entries[2].updated);
  EXPECT_EQ(s->parsed.feed.language, "ar");
}

TEST(NewsSitemap, MaxAgeDecidesWhatIsRecent) {
  auto s = parse_sitemap(fixture("news_hespress.xml"), "https://www.hespress.com/sitemap-news.xml", "", {},
                         rules_at_now(6h));
  ASSERT_TRUE(s);
  ASSERT_EQ(s->parsed.entries.size(), 1u);
  EXPECT_EQ(s->too_old, 3u);
}

TEST(NewsSitemap, GzippedFileReadsLikeThePlainOne) {
  const std::string gz = fixture("news_hespress.xml.gz");
  ASSERT_TRUE(newsd::parse::is_gzip(gz));
  auto body = gunzip(gz, 1 << 20);
  ASSERT_TRUE(body) << body.error().describe();
  EXPECT_EQ(*body, fixture("news_hespress.xml"));
  auto s = parse_sitemap(*body, "https://www.hespress.com/sitemap-news.xml.gz", "", {}, rules_at_now());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->parsed.entries.size(), 3u);
}

TEST(NewsSitemap, UndeclaredPrefixIsReadByLocalName) {
  auto s = parse_sitemap(fixture("undeclared_prefix.xml"), "https://www.alyaum24.example/sitemap.xml", "", {},
                         rules_at_now());
  ASSERT_TRUE(s);
  ASSERT_EQ(s->parsed.entries.size(), 1u);
  EXPECT_EQ(s->parsed.entries[0].title->value, "Exercice conjoint « African Lion » au Maroc");
  EXPECT_EQ(s->parsed.entries[0].categories.size(), 2u);
}

TEST(PlainSitemap, LastmodDecidesAndLocsResolveAgainstTheSitemap) {
  auto s = parse_sitemap(fixture("plain_lastmod_aljazeera.xml"), "https://www.aljazeera.net/sitemaps/news.xml", "", {},
                         rules_at_now());
  ASSERT_TRUE(s);
  const auto got = links(*s);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_TRUE(got[0].starts_with("https://www.aljazeera.net/news/2026/11/30/%D8%A7%D9%84%D8%AC"));
  // Relative and Arabic: resolved, then percent-encoded.
  EXPECT_TRUE(got[1].starts_with("https://www.aljazeera.net/news/2026/11/29/%D8%B9%D9%82%D9%88%D8%A8%D8%A7%D8%AA-"))
      << got[1];
  EXPECT_FALSE(s->parsed.entries[0].title);  // a plain sitemap has no titles
  EXPECT_EQ(s->too_old, 2u);                 // 2024, and the undated page
}

TEST(SitemapIndex, ListsRecentChildrenNewestFirstThenNewsNamedOnes) {
  auto s =
      parse_sitemap(fixture("index_aljazeera.xml"), "https://www.aljazeera.net/sitemap.xml", "", {}, rules_at_now());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->kind, SourceKind::sitemap_index);
  EXPECT_TRUE(s->parsed.entries.empty());
  std::vector<std::string> urls;
  for (const auto& c : s->children) urls.push_back(c.url);
  EXPECT_EQ(urls, (std::vector<std::string>{"https://www.aljazeera.net/sitemaps/post-2026-11-b.xml.gz",
                                            "https://www.aljazeera.net/sitemaps/post-2026-11.xml",
                                            "https://www.aljazeera.net/sitemaps/google-news.xml"}));
  EXPECT_TRUE(s->children[0].lastmod);
  EXPECT_FALSE(s->children[2].lastmod);
  EXPECT_EQ(s->too_old, 2u);  // the 2024 child, and pages.xml (undated, not news)
}

TEST(SniffSource, TellsFeedsSitemapsIndexesAndPagesApart) {
  EXPECT_EQ(sniff_source(fixture("news_hespress.xml")), SourceKind::sitemap);
  EXPECT_EQ(sniff_source(fixture("index_aljazeera.xml")), SourceKind::sitemap_index);
  EXPECT_EQ(sniff_source(fixture("undeclared_prefix.xml")), SourceKind::sitemap);
  EXPECT_EQ(sniff_source("\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- c --><rss version=\"2.0\"><channel/></rss>"),
            SourceKind::feed);
  EXPECT_EQ(sniff_source("<feed xmlns=\"http://www.w3.org/2005/Atom\"/>"), SourceKind::feed);
  EXPECT_EQ(sniff_source("<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"/>"), SourceKind::feed);
  EXPECT_EQ(sniff_source("  {\"version\": \"https://jsonfeed.org/version/1.1\"}"), SourceKind::feed);
  EXPECT_EQ(sniff_source("<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\"><body></body></html>"), SourceKind::html);
  EXPECT_EQ(sniff_source("<HTML><BODY>old school</BODY></HTML>"), SourceKind::html);
  EXPECT_EQ(sniff_source("<div>fragment</div>", "text/html; charset=utf-8"), SourceKind::html);
  EXPECT_EQ(sniff_source("<div>fragment</div>", "application/xml"), SourceKind::feed);
  EXPECT_EQ(sniff_source(""), SourceKind::feed);
  EXPECT_EQ(sniff_source("<!-- never closed"), SourceKind::feed);
}

TEST(HostileSitemap, EntityBombAndExternalEntityStayLiteralText) {
  auto s = parse_sitemap(fixture("hostile_entity_bomb.xml"), "https://www.hespress.com/sitemap-news.xml", "", {},
                         rules_at_now());
  ASSERT_TRUE(s) << s.error().describe();
  ASSERT_EQ(s->parsed.entries.size(), 1u);
  const auto& e = s->parsed.entries[0];
  // Nothing was expanded: no billion "lol"s, no /etc/passwd.
  EXPECT_LT(e.title ? e.title->value.size() : 0, 64u);
  for (const auto& c : e.categories) EXPECT_EQ(c.term.find("root:"), std::string::npos);
}

TEST(HostileSitemap, TruncatedDocumentKeepsWhatWasCompleteAndIsBozo) {
  auto s = parse_sitemap(fixture("hostile_truncated.xml"), "https://www.hespress.com/sitemap-news.xml", "", {},
                         rules_at_now());
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_TRUE(s->parsed.bozo);
  ASSERT_GE(s->parsed.entries.size(), 1u);
  EXPECT_EQ(*s->parsed.entries[0].link, "https://www.hespress.com/first-1458001.html");
}

TEST(HostileSitemap, NotASitemapIsAnError) {
  auto rss = parse_sitemap("<rss version=\"2.0\"><channel/></rss>", "", "", {}, rules_at_now());
  ASSERT_FALSE(rss);
  EXPECT_EQ(rss.error().code, Errc::parse);
  EXPECT_FALSE(parse_sitemap("", "", "", {}, rules_at_now()));
  EXPECT_FALSE(parse_sitemap("\x1f\x8b garbage", "", "", {}, rules_at_now()));
}

TEST(HostileSitemap, EntriesPastTheCapAreCountedNotRead) {
  std::string doc = "<urlset>";
  for (int i = 0; i < 50'000; ++i) {
    doc += "<url><loc>https://www.hespress.com/" + std::to_string(i) +
           "</loc><lastmod>2026-11-30T10:00:00Z</lastmod></url>";
  }
  doc += "</urlset>";
  newsd::config::LimitsConfig limits;
  limits.entries_per_feed = 1000;
  auto s = parse_sitemap(doc, "", "", limits, rules_at_now());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->parsed.entries.size(), 1000u);
  EXPECT_EQ(s->parsed.entries_dropped, 49'000u);
  EXPECT_EQ(*s->parsed.entries.front().link, "https://www.hespress.com/0");
}

TEST(HostileSitemap, LongTitlesAreCutToWholeCharacters) {
  const std::string doc =
      "<urlset><url><loc>https://www.hespress.com/long</loc><news:news><news:publication_date>2026-11-30T10:00:00Z"
      "</news:publication_date><news:title>" +
      repeat("عنوان", 2000) + "</news:title></news:news></url></urlset>";
  newsd::config::LimitsConfig limits;
  limits.title_chars = 7;
  auto s = parse_sitemap(doc, "", "", limits, rules_at_now());
  ASSERT_TRUE(s);
  ASSERT_EQ(s->parsed.entries.size(), 1u);
  EXPECT_EQ(s->parsed.entries[0].title->value, "عنوانعن");
}

TEST(Gunzip, BombIsStoppedAtTheCap) {
  const std::string bomb = gzip(std::string(64 * 1024 * 1024, '\0'));  // 64 MiB of zeros in ~64 KiB
  ASSERT_LT(bomb.size(), 256u * 1024);
  auto out = gunzip(bomb, 1024 * 1024);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, Errc::too_large);
}

TEST(Gunzip, TruncatedAndCorruptStreamsAreParseErrors) {
  const std::string gz = fixture("news_hespress.xml.gz");
  auto truncated = gunzip(std::string_view(gz).substr(0, gz.size() / 2), 1 << 20);
  ASSERT_FALSE(truncated);
  EXPECT_EQ(truncated.error().code, Errc::parse);
  std::string corrupt = gz;
  for (std::size_t i = 20; i < corrupt.size(); i += 7) corrupt[i] = static_cast<char>(~corrupt[i]);
  auto bad = gunzip(corrupt, 1 << 20);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::parse);
  EXPECT_FALSE(gunzip("", 1 << 20));
}

TEST(Gunzip, ConcatenatedMembersAreReadWhole) {
  auto out = gunzip(gzip("<urlset>") + gzip("</urlset>"), 1024);
  ASSERT_TRUE(out) << out.error().describe();
  EXPECT_EQ(*out, "<urlset></urlset>");
}

TEST(RobotsSitemaps, ReadsSitemapLinesInAnyCaseAndResolvesThem) {
  const std::string robots =
      "# robots.txt of a Hespress-like site\r\n"
      "User-agent: *\r\nDisallow: /wp-admin/\r\n\r\n"
      "Sitemap: https://www.hespress.com/sitemap-news.xml\r\n"
      "sitemap:/sitemap_index.xml   # relative: resolved\n"
      "SITEMAP: https://www.hespress.com/sitemap-news.xml\n"  // again: once
      "Sitemap: javascript:alert(1)\n"
      "Sitemap: file:///etc/passwd\n"
      "Sitemap:\n"
      "Disallow-Sitemap: https://www.hespress.com/no.xml\n";
  EXPECT_EQ(newsd::parse::robots_sitemaps(robots, "https://www.hespress.com/robots.txt"),
            (std::vector<std::string>{"https://www.hespress.com/sitemap-news.xml",
                                      "https://www.hespress.com/sitemap_index.xml"}));
  EXPECT_TRUE(newsd::parse::robots_sitemaps("User-agent: *\nDisallow:", "https://a.example/robots.txt").empty());
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "Sitemap: https://a.example/s" + std::to_string(i) + ".xml\n";
  EXPECT_EQ(newsd::parse::robots_sitemaps(many, "https://a.example/robots.txt").size(), 100u);
}

}  // namespace
