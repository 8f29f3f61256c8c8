// find_section_links(): the article links of hand-written section pages in
// Arabic, French and English (nav, "most read" boxes, footers, share bars,
// tag clouds and pagination left out), per-source overrides, and hostile
// pages (schemes, other hosts, broken markup, wrong charset, caps).
#include "newsd/parse/section_links.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace newsd::parse {
namespace {

std::string read_section_fixture(const std::string& name) {
  std::ifstream in(std::filesystem::path(NEWSD_TEST_DATA) / "parse" / "section" / name, std::ios::binary);
  EXPECT_TRUE(in.good()) << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

SectionPage find(const std::string& fixture, std::string_view page_url, const SectionRules& rules = {},
                 std::string_view charset = {}, const config::LimitsConfig& limits = {}) {
  auto page = find_section_links(read_section_fixture(fixture), page_url, charset, rules, limits);
  EXPECT_TRUE(page.has_value()) << (page ? "" : page.error().describe());
  return page ? std::move(*page) : SectionPage{};
}

std::vector<std::string> urls(const SectionPage& page) {
  std::vector<std::string> out;
  for (const auto& link : page.links) out.push_back(link.url);
  return out;
}

std::vector<std::string> titles(const SectionPage& page) {
  std::vector<std::string> out;
  for (const auto& link : page.links) out.push_back(link.title);
  return out;
}

constexpr std::string_view kArabicPage = "https://www.akhbar-difaa.example/ar/military";

TEST(SectionLinks, ArabicSectionPageYieldsExactlyTheListedArticles) {
  const SectionPage page = find("ar-military-section.html", kArabicPage);
  EXPECT_EQ(page.title, "الأخبار العسكرية | أخبار الدفاع");
  const std::vector<std::string> expected = {
      // featured card: image link and headline link are one entry
      "https://www.akhbar-difaa.example/ar/military/2026/11/30/"
      "%D8%A7%D9%84%D8%AC%D9%8A%D8%B4-%D9%8A%D8%AA%D8%B3%D9%84%D9%85-%D8%AF%D9%81%D8%B9%D8%A9-%D8%AC%D8%AF%D9%8A%D8%AF"
      "%D8%A9-%D9%85%D9%86-%D8%A7%D9%84%D9%85%D8%B3%D9%8A%D8%B1%D8%A7%D8%AA",
      "https://www.akhbar-difaa.example/ar/military/2026/11/30/"
      "%D9%85%D9%86%D8%A7%D9%88%D8%B1%D8%A7%D8%AA-%D8%A8%D8%AD%D8%B1%D9%8A%D8%A9-%D9%85%D8%B4%D8%AA%D8%B1%D9%83%D8%A9-"
      "%D9%81%D9%8A-%D8%A7%D9%84%D8%A8%D8%AD%D8%B1-%D8%A7%D9%84%D9%85%D8%AA%D9%88%D8%B3%D8%B7",
      "https://www.akhbar-difaa.example/ar/news/184532",
      // relative to the page's directory
      "https://www.akhbar-difaa.example/ar/military/184401",
      "https://www.akhbar-difaa.example/index.php?option=article&id=99812",
      // same registrable domain without "www.", fragment dropped
      "https://akhbar-difaa.example/ar/military/2026/11/28/"
      "%D8%AA%D8%AE%D8%B1%D8%AC-%D8%AF%D9%81%D8%B9%D8%A9-%D8%AC%D8%AF%D9%8A%D8%AF%D8%A9-%D9%85%D9%86-%D8%B6%D8%A8%D8%A7"
      "%D8%B7-%D8%A7%D9%84%D8%A3%D9%83%D8%A7%D8%AF%D9%8A%D9%85%D9%8A%D8%A9-%D8%A7%D9%84%D8%B9%D8%B3%D9%83%D8%B1%D9%8A"
      "%D8%A9",
  };
  EXPECT_EQ(urls(page), expected);
  const std::vector<std::string> expected_titles = {
      "الجيش يتسلم دفعة جديدة من الطائرات المسيرة المتطورة",
      "مناورات بحرية مشتركة في البحر الأبيض المتوسط بمشاركة خمس دول",
      "وزارة الدفاع تعلن عن صفقة لشراء منظومات دفاع جوي جديدة",
      "قائد الأركان يتفقد الوحدات المنتشرة على الحدود الجنوبية",
      "البحرية الملكية تتسلم فرقاطة جديدة متعددة المهام",
      "تخرج دفعة جديدة من ضباط الأكاديمية العسكرية الملكية",
  };
  EXPECT_EQ(titles(page), expected_titles);
}

TEST(SectionLinks, FrenchPageInWindows1252SkipsMostReadAndReadAlsoBoxes) {
  const SectionPage page = find("fr-defense-section-windows-1252.html", "https://www.defense-info.example/defense/");
  EXPECT_EQ(page.title, "Défense – Toute l’actualité militaire | Défense Info");
  const std::vector<std::string> expected = {
      "https://www.defense-info.example/defense/article/2026/11/30/"
      "l-armee-de-terre-commande-quarante-deux-vehicules-blindes_6051234_3210.html",
      "https://www.defense-info.example/defense/article/2026/11/30/"
      "la-marine-nationale-teste-un-drone-sous-marin-au-large-de-toulon_6051201_3210.html",
      "https://www.defense-info.example/defense/article/2026/11/29/"
      "budget-des-armees-ce-que-prevoit-la-loi-de-programmation_6051100_3210.html",
      "https://www.defense-info.example/defense/article/2026/11/29/"
      "sahel-le-retrait-des-derniers-soldats-francais-est-acheve_6051077_3210.html",
  };
  EXPECT_EQ(urls(page), expected);
  ASSERT_FALSE(page.links.empty());
  EXPECT_EQ(page.links[0].title, "L’armée de Terre commande quarante-deux véhicules blindés");
}

TEST(SectionLinks, EnglishPageResolvesAgainstBaseHrefAndKeepsTheLatestListing) {
  const SectionPage page = find("en-cyber-section.html", "https://cyberwire-news.example/cyber");
  const std::vector<std::string> expected = {
      "https://www.cyberwire-news.example/news/2026/11/30/ransomware-gang-hits-port-operator",
      "https://threats.cyberwire-news.example/2026/11/29/apt-group-targets-defense-contractors-with-new-backdoor",
      "https://www.cyberwire-news.example/news/2026/11/29/nato-opens-cyber-range-to-partner-nations",
      "https://www.cyberwire-news.example/articles/87412",
  };
  EXPECT_EQ(urls(page), expected);
  // A card linking its whole teaser is named by its heading, not its summary.
  const std::vector<std::string> expected_titles = {
      "Ransomware gang hits port operator, halting container traffic",
      "APT group targets defense contractors with new backdoor",
      "NATO opens its cyber range to partner nations",
      "Critical flaw in VPN appliances exploited in the wild, agency warns",
  };
  EXPECT_EQ(titles(page), expected_titles);
}

TEST(SectionLinks, UnclosedHeaderAndMostReadInTheListingColumn) {
  // libxml2 leaves the main region inside the unclosed <header>: it is not
  // chrome as a whole, its own nav and promo still are. "Most read" heads
  // only what follows it in the shared column, up to the next heading.
  const SectionPage page = find("en-unclosed-header-shared-column.html", "https://wire.example/defense");
  const std::vector<std::string> expected = {
      "https://wire.example/defense/2026/11/30/army-tests-new-air-defense-radar",
      "https://wire.example/defense/2026/11/30/shipyard-lays-keel-of-third-frigate",
      "https://wire.example/defense/2026/11/29/correspondent-report-from-the-border",
  };
  EXPECT_EQ(urls(page), expected);
}

TEST(SectionLinks, HubsArchivesPaginationAndShortTitlesAreNotArticles) {
  const SectionPage page = find("hubs-archives-and-pagination.html", "https://navy.example/defense");
  const std::vector<std::string> expected = {
      "https://navy.example/defense/2026/11/30/coast-guard-orders-new-patrol-boats"};
  EXPECT_EQ(urls(page), expected);
}

constexpr std::string_view kOverridePage = "https://www.example-mil.example/updates";

TEST(SectionLinks, OverridesSelectExcludeAndMatch) {
  SectionRules rules;
  rules.links = ".headlines li";
  rules.exclude = {".sponsored"};
  rules.url_pattern = "/p/[a-z0-9]+$";
  const SectionPage page = find("overrides-opaque-urls.html", kOverridePage, rules);
  const std::vector<std::string> expected = {
      "https://www.example-mil.example/p/x7k2",
      "https://www.example-mil.example/p/q3m9",
      "https://www.example-mil.example/p/r8t1",
  };
  EXPECT_EQ(urls(page), expected);
  const std::vector<std::string> expected_titles = {"Drones", "Radar deal", "Navy exercise"};
  EXPECT_EQ(titles(page), expected_titles);
}

TEST(SectionLinks, LinksSelectorMayNameAnchorsOrTheirContainer) {
  SectionRules container;
  container.links = "div.headlines";
  container.exclude = {"li.sponsored"};
  container.url_pattern = "/p/";
  SectionRules anchors = container;
  anchors.links = ".headlines a[href^=\"/p/\"]";
  EXPECT_EQ(urls(find("overrides-opaque-urls.html", kOverridePage, container)),
            urls(find("overrides-opaque-urls.html", kOverridePage, anchors)));
  EXPECT_EQ(find("overrides-opaque-urls.html", kOverridePage, anchors).links.size(), 3u);
}

TEST(SectionLinks, WithoutOverridesShortTitlesOnOpaqueUrlsAreNotArticles) {
  EXPECT_TRUE(find("overrides-opaque-urls.html", kOverridePage).links.empty());
}

TEST(SectionLinks, UrlPatternAloneFiltersTheHeuristicLinks) {
  SectionRules rules;
  rules.url_pattern = R"(/ar/news/\d+$)";
  const std::vector<std::string> expected = {"https://www.akhbar-difaa.example/ar/news/184532"};
  EXPECT_EQ(urls(find("ar-military-section.html", kArabicPage, rules)), expected);
}

TEST(SectionLinks, ExcludeAppliesToTheHeuristicsToo) {
  SectionRules rules;
  rules.exclude = {"article.featured", ".posts-list article:first-child"};
  auto bad = find_section_links("<a href=x>x</a>", kArabicPage, "", rules, {});
  ASSERT_FALSE(bad.has_value());  // :first-child is outside the supported subset
  rules.exclude = {"article.featured"};
  const SectionPage page = find("ar-military-section.html", kArabicPage, rules);
  ASSERT_EQ(page.links.size(), 5u);
  EXPECT_EQ(page.links[0].title, "مناورات بحرية مشتركة في البحر الأبيض المتوسط بمشاركة خمس دول");
}

TEST(SectionLinks, InvalidRulesAreInvalidArgumentsNamingTheField) {
  SectionRules selector;
  selector.links = "ul > li:hover a";
  auto a = find_section_links("<p>x</p>", kArabicPage, "", selector, {});
  ASSERT_FALSE(a.has_value());
  EXPECT_EQ(a.error().code, Errc::invalid_argument);
  EXPECT_TRUE(a.error().message.starts_with("links: ")) << a.error().message;

  SectionRules regex;
  regex.url_pattern = "/news/([0-9]+";
  auto b = find_section_links("<p>x</p>", kArabicPage, "", regex, {});
  ASSERT_FALSE(b.has_value());
  EXPECT_EQ(b.error().code, Errc::invalid_argument);
  EXPECT_NE(b.error().message.find("url_pattern"), std::string::npos) << b.error().message;
  EXPECT_NE(b.error().message.find("offset"), std::string::npos) << b.error().message;

  EXPECT_FALSE(validate_section_rules(regex).has_value());
  EXPECT_FALSE(validate_section_rules(selector).has_value());
  SectionRules good;
  good.links = "main .list a";
  good.exclude = {"aside", "[data-ad]"};
  good.url_pattern = R"(^https://www\.example\.com/\d{4}/)";
  EXPECT_TRUE(validate_section_rules(good).has_value());
}

TEST(SectionLinks, PageUrlMustBeAbsoluteHttp) {
  for (std::string_view bad : {"", "/ar/military", "file:///srv/page.html", "ftp://example.com/x"}) {
    auto page = find_section_links("<a href='/2026/11/30/a-b-c'>x</a>", bad, "", {}, {});
    ASSERT_FALSE(page.has_value()) << bad;
    EXPECT_EQ(page.error().code, Errc::invalid_argument);
  }
  EXPECT_TRUE(find_section_links("<p>x</p>", "HTTPS://Example.com/x", "", {}, {}).has_value());
}

// ---- hostile pages ---------------------------------------------------------

TEST(SectionLinksHostile, OnlySameSiteHttpLinksSurvive) {
  const SectionPage page = find("hostile-hrefs.html", "https://www.akhbar-difaa.example/ar/cyber");
  const std::vector<std::string> expected = {
      "https://www.akhbar-difaa.example/ar/cyber/2026/11/30/"
      "%D9%87%D8%AC%D9%88%D9%85-%D8%B3%D9%8A%D8%A8%D8%B1%D8%A7%D9%86%D9%8A-%D9%8A%D8%B3%D8%AA%D9%87%D8%AF%D9%81-%D8%B4"
      "%D8%A8%D9%83%D8%A9-%D8%A7%D9%84%D9%83%D9%87%D8%B1%D8%A8%D8%A7%D8%A1",
      "https://www.akhbar-difaa.example/ar/cyber/2026/11/30/"
      "%D8%AA%D8%AD%D8%AF%D9%8A%D8%AB-%D8%A3%D9%85%D9%86%D9%8A-%D8%B9%D8%A7%D8%AC%D9%84-%D9%84%D8%A3%D9%86%D8%B8%D9%85"
      "%D8%A9-%D8%A7%D9%84%D8%A7%D8%AA%D8%B5%D8%A7%D9%84%D8%A7%D8%AA",
  };
  EXPECT_EQ(urls(page), expected);
}

TEST(SectionLinksHostile, OverridesStillRefuseOtherSitesAndSchemes) {
  SectionRules rules;
  rules.links = "a";
  const SectionPage page = find("hostile-hrefs.html", "https://www.akhbar-difaa.example/ar/cyber", rules);
  for (const auto& link : page.links) {
    EXPECT_TRUE(link.url.starts_with("https://www.akhbar-difaa.example/") ||
                link.url.starts_with("http://www.akhbar-difaa.example/"))
        << link.url;
    EXPECT_EQ(link.url.find('@'), std::string::npos) << link.url;
  }
  // The media and feed files are taken: with an override the user decides.
  EXPECT_EQ(page.links.size(), 5u);
}

TEST(SectionLinksHostile, BrokenMarkupIsReadAsFarAsItGoes) {
  const SectionPage page = find("hostile-broken-markup.html", "https://cyber.example/cyber/");
  const std::vector<std::string> expected = {
      "https://cyber.example/cyber/2026/11/30/hospital-network-hit-by-wiper-malware",
      "https://cyber.example/cyber/2026/11/30/police-seize-servers-of-phishing-service",
      "https://cyber.example/cyber/2026/11/30/nested-anchor-story-about-spyware",
      "https://cyber.example/cyber/2026/11/29/unquoted-href-story-on-election-security",
  };
  // The unterminated attribute value runs to the next quote, as in browsers:
  // that href is no URL, and the truncated story's anchor is inside it.
  EXPECT_EQ(urls(page), expected);
  ASSERT_EQ(page.links.size(), expected.size());
  // Unclosed anchors hold the next items; each is still named by its own text.
  EXPECT_EQ(page.links[0].title, "Hospital network hit by wiper malware overnight");
  EXPECT_EQ(page.links[1].title, "Police seize servers of phishing service");
  EXPECT_EQ(page.title, "Cyber — broken markup");
}

TEST(SectionLinksHostile, UnlabelledWindows1256IsDecodedOrTakenFromTheHttpCharset) {
  const std::vector<std::string> expected_titles = {
      "تدريبات عسكرية مشتركة على الحدود الشرقية للبلاد",
      "وزير الدفاع يستقبل نظيره الفرنسي لبحث التعاون العسكري",
  };
  constexpr std::string_view url = "https://www.akhbar-difaa.example/ar/military";
  EXPECT_EQ(titles(find("hostile-windows-1256-unlabelled.html", url, {}, "windows-1256")), expected_titles);
  EXPECT_EQ(titles(find("hostile-windows-1256-unlabelled.html", url)), expected_titles);
  // A wrong declared charset still gives valid UTF-8 and the same URLs.
  const SectionPage wrong = find("hostile-windows-1256-unlabelled.html", url, {}, "iso-8859-7");
  EXPECT_EQ(wrong.links.size(), 2u);
}

std::string many_links_page(std::size_t n) {
  std::string html = "<html><body><ul>";
  for (std::size_t i = 0; i < n; ++i) {
    const std::string id = std::to_string(100000 + i);
    html += "<li><a href=\"/news/" + id + "\">Story number " + id + " about the navy and its ships</a></li>";
  }
  return html + "</ul></body></html>";
}

TEST(SectionLinksHostile, ThousandsOfLinksAreCappedInPageOrder) {
  config::LimitsConfig limits;
  limits.entries_per_feed = 250;
  auto page = find_section_links(many_links_page(20000), "https://navy.example/news", "", {}, limits);
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->links.size(), 250u);
  EXPECT_EQ(page->links.front().url, "https://navy.example/news/100000");
  EXPECT_EQ(page->links.back().url, "https://navy.example/news/100249");
}

TEST(SectionLinksHostile, HugeTitlesAreCutToTitleChars) {
  config::LimitsConfig limits;
  limits.title_chars = 50;
  std::string headline;
  for (int i = 0; i < 100000; ++i) headline += "هجوم ";
  const std::string html =
      "<title>" + headline + "</title><p><a href='/2026/11/30/long-title-story'>" + headline + "</a></p>";
  auto page = find_section_links(html, "https://cyber.example/", "", {}, limits);
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->links.size(), 1u);
  EXPECT_LE(page->links[0].title.size(), 50u * 4);
  EXPECT_TRUE(page->links[0].title.starts_with("هجوم هجوم"));
  EXPECT_TRUE(page->title.starts_with("هجوم هجوم"));
  EXPECT_LE(page->title.size(), 50u * 4);
}

TEST(SectionLinksHostile, DeepNestingNeitherCrashesNorLosesTheTopLinks) {
  std::string html =
      "<html><body><h2><a href='/2026/11/30/first-story-above-the-nesting'>"
      "First story above the deeply nested markup</a></h2>";
  for (int i = 0; i < 100000; ++i) html += "<div>";
  html += "<a href='/2026/11/30/story-at-the-bottom-of-the-nesting'>Story at the bottom of the nesting</a>";
  auto page = find_section_links(html, "https://cyber.example/", "", {}, {});
  ASSERT_TRUE(page.has_value());
  ASSERT_FALSE(page->links.empty());
  EXPECT_EQ(page->links[0].url, "https://cyber.example/2026/11/30/first-story-above-the-nesting");
}

TEST(SectionLinksHostile, CatastrophicPatternGivesUpInsteadOfHanging) {
  SectionRules rules;
  rules.url_pattern = "(a+)+$";
  const std::string html = "<h2><a href='/2026/11/30/" + std::string(5000, 'a') +
                           "-b-c'>A story with a very long slug in its address</a></h2>";
  auto page = find_section_links(html, "https://cyber.example/", "", rules, {});
  ASSERT_TRUE(page.has_value());
  EXPECT_TRUE(page->links.empty());
}

TEST(SectionLinksHostile, EmptyAndBinaryInputGiveNoLinks) {
  for (std::string_view bytes :
       {std::string_view(""), std::string_view("   \n"), std::string_view("\0\x01\xff\xfe", 4)}) {
    auto page = find_section_links(bytes, "https://cyber.example/", "", {}, {});
    ASSERT_TRUE(page.has_value());
    EXPECT_TRUE(page->links.empty());
  }
}

}  // namespace
}  // namespace newsd::parse
