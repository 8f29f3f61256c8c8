// Boilerplate removal and block output on small hand-written pages, one
// kind of boilerplate per fixture (tests/data/extract/boilerplate/).
#include <gtest/gtest.h>

#include "parse/extract_test_util.hpp"

namespace newsd::parse {
namespace {

using testing::extract_fixture;

bool contains(const std::string& text, std::string_view needle) { return text.find(needle) != std::string::npos; }

TEST(ExtractContent, DropsCommentListAndCommentForm) {
  const auto a = extract_fixture("boilerplate/comments-form-and-list.html");
  ASSERT_EQ(a.paragraphs.size(), 3u);
  EXPECT_TRUE(a.paragraphs[0].starts_with("The regional council approved"));
  EXPECT_TRUE(a.paragraphs[2].starts_with("Environmental groups said"));
  for (auto junk : {"long overdue", "Leave a Reply", "will not be published", "Post Comment", "thoughts on",
                    "All rights reserved", "Sport"}) {
    EXPECT_FALSE(contains(a.text, junk)) << junk;
  }
  // The headline is metadata, not body text.
  EXPECT_FALSE(contains(a.text, "Port expansion approved after long review"));
  EXPECT_EQ(a.title, "Port expansion approved after long review");
}

TEST(ExtractContent, DropsShareFollowRelatedLatestAndAdLabels) {
  const auto a = extract_fixture("boilerplate/related-latest-and-share-bars.html");
  ASSERT_EQ(a.paragraphs.size(), 4u);
  EXPECT_TRUE(a.paragraphs[2].starts_with("Farmers, who account"));
  for (auto junk : {"Facebook", "WhatsApp", "Share", "Advertisement", "Follow us", "Related articles",
                    "Reservoir levels hit", "Latest news", "New bridge opens", "Newsletter", "morning briefing"}) {
    EXPECT_FALSE(contains(a.text, junk)) << junk;
  }
}

TEST(ExtractContent, JoinsArticlePartsAroundAPromoBox) {
  const auto a = extract_fixture("boilerplate/article-split-by-promo.html");
  ASSERT_EQ(a.paragraphs.size(), 4u);
  EXPECT_TRUE(a.paragraphs[0].starts_with("The central library reopened"));
  EXPECT_TRUE(a.paragraphs[3].starts_with("Opening hours have been extended"));
  for (auto junk : {"Subscribe", "newsletter", "cookies", "Home", "Library reopens"}) {
    EXPECT_FALSE(contains(a.text, junk)) << junk;
  }
}

TEST(ExtractContent, SkipsHiddenElementsButKeepsResponsiveOnes) {
  const auto a = extract_fixture("boilerplate/hidden-elements.html");
  EXPECT_FALSE(contains(a.text, "hidden by an inline style"));
  EXPECT_FALSE(contains(a.text, "hidden attribute"));
  EXPECT_FALSE(contains(a.text, "Screen reader only"));
  EXPECT_TRUE(contains(a.text, "Rail unions called off"));
  EXPECT_TRUE(contains(a.text, "Union members will vote"));
  EXPECT_TRUE(contains(a.text, "Responsive utility classes"));
}

TEST(ExtractContent, SectionFrontHasNoArticle) {
  const auto a = extract_fixture("boilerplate/section-front-no-article.html");
  EXPECT_TRUE(a.paragraphs.empty());
  EXPECT_TRUE(a.text.empty());
  EXPECT_EQ(a.title, "World");
}

TEST(ExtractContent, FrenchBoilerplateWords) {
  const auto a = extract_fixture("boilerplate/french-article-a-lire-aussi.html");
  ASSERT_EQ(a.paragraphs.size(), 3u);
  EXPECT_TRUE(a.paragraphs[2].starts_with("Les associations d'usagers"));
  for (auto junk : {"À lire aussi", "Partager", "Commentaires", "Enfin"}) {
    EXPECT_FALSE(contains(a.text, junk)) << junk;
  }
  EXPECT_EQ(a.language, "fr");
}

TEST(ExtractContent, EachBlockKindIsOneParagraphWithCollapsedWhitespace) {
  const auto a = extract_fixture("boilerplate/blocks-lists-tables-quotes.html");
  const std::vector<std::string> expected = {
      "The finance ministry published its draft budget on Monday, with spending on infrastructure and defence "
      "rising faster than any other category for the second year running.",
      "Main changes",
      "Infrastructure spending up eight percent",
      "Defence spending up six percent",
      "“We are investing in the things that will still matter in twenty years,” the minister said.",
      "Category Change",
      "Health +3%",
      "Line one of an address line two of the same paragraph",
      "Parliament will debate the draft over the next four weeks before a final vote in December, and amendments "
      "are expected from both sides of the chamber.",
  };
  EXPECT_EQ(a.paragraphs, expected);
  std::string joined;
  for (const auto& p : expected) joined += (joined.empty() ? "" : "\n\n") + p;
  EXPECT_EQ(a.text, joined);
}

TEST(ExtractContent, WrapperWithBoilerplateClassStillYieldsItsArticle) {
  const auto a = extract_fixture("boilerplate/wrapper-marked-with-sidebar.html");
  ASSERT_EQ(a.paragraphs.size(), 3u);
  EXPECT_TRUE(a.paragraphs[0].starts_with("The national museum returned"));
}

TEST(ExtractContent, DropsImageCaptions) {
  const std::string page =
      "<html><body><article><p>The bridge reopened to traffic on Sunday after eight months of repairs to its "
      "deck and cables, the transport ministry said in a statement.</p><figure><img src=a.jpg>"
      "<figcaption>Cars cross the bridge on Sunday. Photo: City Archive</figcaption></figure>"
      "<p>Engineers replaced more than two hundred cable anchors and resurfaced the whole deck, which had "
      "been closed to heavy vehicles since last spring.</p></article></body></html>";
  auto a = extract_article(page, {}, {});
  ASSERT_TRUE(a);
  ASSERT_EQ(a->paragraphs.size(), 2u);
  EXPECT_FALSE(contains(a->text, "City Archive"));
}

TEST(ExtractContent, TextIsNfcNormalized) {
  // "é" written as e + U+0301 and Arabic alef + U+0653 (madda) both compose under NFC.
  const std::string page =
      "<html><body><article><p>Le cafe\xCC\x81 du port a rouvert ses portes apres trois mois de travaux, "
      "a annonce la mairie dans un communique publie lundi matin sur son site internet. \xD8\xA7\xD9\x93</p>"
      "<p>Les habitants du quartier attendaient cette reouverture depuis le debut de l'ete, selon les "
      "commercants voisins interroges par notre redaction.</p></article></body></html>";
  auto a = extract_article(page, {}, {});
  ASSERT_TRUE(a);
  ASSERT_FALSE(a->paragraphs.empty());
  EXPECT_TRUE(contains(a->paragraphs[0], "caf\xC3\xA9"));
  EXPECT_TRUE(contains(a->paragraphs[0], "\xD8\xA2"));
}

TEST(ExtractContent, EmptyAndGarbageInputGiveNoArticle) {
  for (std::string_view input : {std::string_view(""), std::string_view("   \n"), std::string_view("\x00\x01\x02", 3),
                                 std::string_view("<<<>>></p></div>")}) {
    auto a = extract_article(input, {}, {});
    if (a) {
      EXPECT_TRUE(a->paragraphs.empty());
    }
  }
}

TEST(ExtractContent, ShortFragmentSurvivesWithoutMinimum) {
  // The daemon turns HTML feed titles into text this way.
  config::ExtractConfig loose;
  loose.min_text_chars = 0;
  auto a = extract_article("<html><body><p><b>Breaking</b> news &amp; more</p></body></html>", {}, loose, "utf-8");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->text, "Breaking news & more");
}

TEST(ExtractContent, MinTextCharsFromConfig) {
  config::ExtractConfig strict;
  strict.min_text_chars = 5000;
  EXPECT_TRUE(extract_fixture("boilerplate/comments-form-and-list.html", {}, strict).paragraphs.empty());
}

// The story of rules/site-rule-keep-and-drop.html, without the editor's note.
const std::vector<std::string> kCouncilStory = {
    "The council agreed to extend the bus lane on Harbour Road by four hundred metres.", "Work starts in March."};

TEST(ExtractContent, SiteRuleKeepAndDropSelectors) {
  config::ExtractConfig cfg;
  cfg.sites.push_back({"council.example", {"div.story-text"}, {"p.editor-note"}});
  const auto ruled = extract_fixture("rules/site-rule-keep-and-drop.html", "https://www.council.example/n/1", cfg);
  EXPECT_EQ(ruled.paragraphs, kCouncilStory);

  // Another host: the rule does not apply and the generic pass picks the teasers.
  const auto other = extract_fixture("rules/site-rule-keep-and-drop.html", "https://notcouncil.example/n/1", cfg);
  EXPECT_NE(other.paragraphs, kCouncilStory);
}

TEST(ExtractContent, SiteRuleSelectorsLookPastTheNearestAncestor) {
  // The editor's note's nearest div (div.story-text) is not a child of body;
  // the next one up (div#page) is, so the drop selector matches.
  config::ExtractConfig cfg;
  cfg.sites.push_back({"council.example", {"div.story-text"}, {"body > div p.editor-note"}});
  EXPECT_EQ(extract_fixture("rules/site-rule-keep-and-drop.html", "https://www.council.example/n/1", cfg).paragraphs,
            kCouncilStory);
}

TEST(ExtractContent, SiteRuleWithoutMatchFallsBackToGenericPass) {
  config::ExtractConfig cfg;
  cfg.sites.push_back({"harbour.example", {"div.no-such-class"}, {}});
  const auto a = extract_fixture("boilerplate/comments-form-and-list.html", "https://harbour.example/x", cfg);
  EXPECT_EQ(a.paragraphs.size(), 3u);
}

}  // namespace
}  // namespace newsd::parse
