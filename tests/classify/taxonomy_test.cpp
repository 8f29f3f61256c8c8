// Taxonomy files: loading, error positions, includes, and how terms score.
#include "newsd/classify/taxonomy.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace newsd::classify {
namespace {

const std::string kDir = NEWSD_TEST_DATA "/classify/taxonomy/";

std::shared_ptr<const Taxonomy> load_basic() {
  auto taxonomy = load_taxonomy(kDir + "basic.toml");
  EXPECT_TRUE(taxonomy.has_value()) << (taxonomy ? "" : taxonomy.error().message);
  return taxonomy ? *taxonomy : nullptr;
}

const Tag* find(const std::vector<Tag>& tags, std::string_view name) {
  const auto it = std::find_if(tags.begin(), tags.end(), [&](const Tag& t) { return t.name == name; });
  return it == tags.end() ? nullptr : &*it;
}

std::vector<Tag> tag(const std::string& title, const std::string& body, const std::string& lang = {}) {
  static const auto taxonomy = load_basic();
  return RuleTagger(taxonomy).tag(Document{title, body, lang});
}

TEST(TaxonomyLoad, MergesIncludedFiles) {
  const auto taxonomy = load_basic();
  ASSERT_TRUE(taxonomy);
  const auto tags = summarize(*taxonomy);
  std::set<std::string> names;
  for (const auto& t : tags) names.insert(t.name);
  EXPECT_EQ(names, (std::set<std::string>{"GE", "IL", "MA", "UN", "US", "defense"}));
  const auto ma = std::find_if(tags.begin(), tags.end(), [](const TagSummary& t) { return t.name == "MA"; });
  EXPECT_EQ(ma->terms, 5u);  // 4 here + الرباط from the included file
  EXPECT_EQ(ma->kind, TagKind::country);
}

TEST(TaxonomyLoad, SyntaxErrorHasFileLineColumn) {
  auto taxonomy = load_taxonomy(kDir + "syntax-error.toml");
  ASSERT_FALSE(taxonomy);
  EXPECT_EQ(taxonomy.error().code, Errc::config);
  EXPECT_NE(taxonomy.error().message.find("syntax-error.toml:3:16: "), std::string::npos) << taxonomy.error().message;
}

TEST(TaxonomyLoad, ReportsEveryInvalidValueWithPosition) {
  auto taxonomy = load_taxonomy(kDir + "invalid-values.toml");
  ASSERT_FALSE(taxonomy);
  const std::string& m = taxonomy.error().message;
  EXPECT_NE(m.find("invalid-values.toml:2:8: kind must be"), std::string::npos) << m;
  EXPECT_NE(m.find("invalid-values.toml:7:"), std::string::npos) << m;  // negative weight
  EXPECT_NE(m.find("invalid-values.toml:8:10: unknown key 'colour'"), std::string::npos) << m;
}

TEST(TaxonomyLoad, MissingFileIsIoError) {
  auto taxonomy = load_taxonomy(kDir + "nope.toml");
  ASSERT_FALSE(taxonomy);
  EXPECT_EQ(taxonomy.error().code, Errc::io);
  auto included = load_taxonomy(kDir + "missing-include.toml");
  ASSERT_FALSE(included);
  EXPECT_NE(included.error().message.find("does-not-exist.toml"), std::string::npos);
}

TEST(TaxonomyLoad, TermWithoutWordsIsAnError) {
  auto taxonomy = parse_taxonomy("[tags.X]\nkind = \"topic\"\nen = [\"...\"]\n", "inline.toml");
  ASSERT_FALSE(taxonomy);
  EXPECT_NE(taxonomy.error().message.find("inline.toml:3:7: term '...' has no words"), std::string::npos)
      << taxonomy.error().message;
}

TEST(RuleTagger, StemmedTermMatchesInflectionsAndClitics) {
  const auto tags = tag("", "وقالت الحكومة المغربية إن والمغرب سيبقى");
  const Tag* ma = find(tags, "MA");
  ASSERT_NE(ma, nullptr);
  EXPECT_DOUBLE_EQ(ma->score, 2.0);  // المغربية (stem) + والمغرب (exact bare form)
  EXPECT_EQ(ma->kind, TagKind::country);
  EXPECT_EQ(ma->source, TagSource::rule);
}

TEST(RuleTagger, ExactTermDoesNotMatchOtherForms) {
  // =إسرائيل matches إسرائيل with a preposition, but not the stem-sharing adjective.
  EXPECT_NE(find(tag("", "زار الوفد بإسرائيل"), "IL"), nullptr);
  EXPECT_EQ(find(tag("", "قال الجيش الإسرائيلي"), "IL"), nullptr);
}

TEST(RuleTagger, TitleMatchesWeighMore) {
  const auto in_title = tag("المغرب", "");
  const auto in_body = tag("", "المغرب");
  EXPECT_DOUBLE_EQ(find(in_title, "MA")->score, 3.0);
  EXPECT_DOUBLE_EQ(find(in_body, "MA")->score, 1.0);
}

TEST(RuleTagger, ThresholdAndWeights) {
  EXPECT_EQ(find(tag("", "قال دفاع"), "defense"), nullptr);  // 1 < 2
  EXPECT_NE(find(tag("", "دفاع والدفاع"), "defense"), nullptr);
  EXPECT_NE(find(tag("", "الجيش"), "defense"), nullptr);     // weight 2
  EXPECT_EQ(find(tag("", "Georgia", "en"), "GE"), nullptr);  // 0.5 < 1
  EXPECT_NE(find(tag("", "Georgia and Georgia", "en"), "GE"), nullptr);
}

TEST(RuleTagger, ExclusionVetoesTheTag) { EXPECT_EQ(find(tag("", "Georgia, Georgia: Atlanta", "en"), "GE"), nullptr); }

TEST(RuleTagger, LongestPhraseWinsAndNeutralPhrasesConsume) {
  // الأمم المتحدة is UN, not US via المتحدة; أمريكا اللاتينية is nobody.
  const auto un = tag("", "الأمم المتحدة");
  EXPECT_NE(find(un, "UN"), nullptr);
  EXPECT_EQ(find(un, "US"), nullptr);
  EXPECT_TRUE(tag("", "دول أمريكا اللاتينية").empty());
  EXPECT_TRUE(tag("", "Latin America", "en").empty());
  EXPECT_NE(find(tag("", "الولايات المتحدة"), "US"), nullptr);
}

TEST(RuleTagger, FrenchAndEnglishTermsMatchTheirLanguage) {
  EXPECT_NE(find(tag("", "Le Maroc", "fr"), "MA"), nullptr);
  EXPECT_NE(find(tag("", "Morocco", "en"), "MA"), nullptr);
  EXPECT_EQ(find(tag("", "Morocco", "fr"), "MA"), nullptr);  // only fr terms for French text
}

TEST(RuleTagger, OrdersByScoreAndExplains) {
  auto taxonomy = load_basic();
  RuleTagger tagger(taxonomy);
  std::vector<Evidence> evidence;
  const auto tags = tagger.tag(Document{"إسرائيل", "المغرب", "ar"}, &evidence);
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags[0].name, "IL");
  EXPECT_EQ(tags[1].name, "MA");
  ASSERT_EQ(evidence.size(), 2u);
  EXPECT_EQ(evidence[0].term, "=إسرائيل");
  EXPECT_TRUE(evidence[0].in_title);
}

// Tokens made once on an ingest worker serve the tagger when they were
// stemmed as the document's language stems; otherwise it tokenizes again,
// so the tags never depend on what was handed to it.
TEST(RuleTagger, ReusesGivenTokensOnlyWhenTheyWereStemmedAlike) {
  const auto taxonomy = load_basic();
  ASSERT_TRUE(taxonomy);
  const RuleTagger tagger(taxonomy);
  const Document doc{"Talks", "Morocco and the United States signed a deal.", "en"};
  const auto own = tagger.tag(doc);
  ASSERT_TRUE(find(own, "MA"));
  ASSERT_TRUE(find(own, "US"));

  const TokenizedText title{tokenize(doc.title, "en"), "en"};
  const TokenizedText body{tokenize(doc.body, "en"), "en"};
  const auto shared = tagger.tag(doc, title, body);
  ASSERT_EQ(shared.size(), own.size());
  for (std::size_t i = 0; i < own.size(); ++i) {
    EXPECT_EQ(shared[i].name, own[i].name);
    EXPECT_DOUBLE_EQ(shared[i].score, own[i].score);
  }

  // Tokens of another text with the same stemmer ("und" stems as English
  // does) are taken as they are: proof that they were not made again.
  const TokenizedText other{tokenize("The United States only.", "und"), "und"};
  const auto taken = tagger.tag(doc, title, other);
  EXPECT_FALSE(find(taken, "MA"));
  EXPECT_TRUE(find(taken, "US"));

  // Stemmed as French: not what an English document needs, so ignored.
  const TokenizedText french{tokenize("The United States only.", "fr"), "fr"};
  const auto ignored = tagger.tag(doc, title, french);
  EXPECT_TRUE(find(ignored, "MA"));
  EXPECT_TRUE(find(ignored, "US"));
}

TEST(DefaultTaxonomy, HasEveryCountryAndTheTopics) {
  auto taxonomy = load_taxonomy(NEWSD_SOURCE_DIR "/config/taxonomy/default.toml");
  ASSERT_TRUE(taxonomy) << taxonomy.error().message;
  std::size_t countries = 0;
  std::set<std::string> names;
  for (const auto& t : summarize(**taxonomy)) {
    names.insert(t.name);
    if (t.kind == TagKind::country) {
      ++countries;
      EXPECT_GE(t.terms, 3u) << t.name;  // at least its ar, fr and en names
    }
  }
  EXPECT_GE(countries, 249u);
  for (const char* topic :
       {"defense", "cyber", "terrorism", "diplomacy", "technology", "economy", "politics", "energy", "health", "sports",
        "agriculture", "NATO", "AUKUS", "QUAD", "UN", "EU", "AFRICAN_UNION", "ARAB_LEAGUE", "GCC"})
    EXPECT_TRUE(names.contains(topic)) << topic;
}

TEST(DefaultTaxonomy, EmptyPathLoadsTheDefault) {
  auto taxonomy = load_taxonomy({});
  ASSERT_TRUE(taxonomy) << taxonomy.error().message;
  EXPECT_GT(summarize(**taxonomy).size(), 250u);
}

TEST(DefaultTaxonomy, AliasesDemonymsCapitalsAndOrgs) {
  auto taxonomy = load_taxonomy(NEWSD_SOURCE_DIR "/config/taxonomy/default.toml");
  ASSERT_TRUE(taxonomy);
  RuleTagger tagger(*taxonomy);
  auto has = [&](const std::string& text, std::string_view name, const std::string& lang = {}) {
    return find(tagger.tag(Document{"", text, lang}), name) != nullptr;
  };
  EXPECT_TRUE(has("الكيان الصهيوني", "IL"));
  EXPECT_TRUE(has("دولة الاحتلال", "IL"));
  EXPECT_TRUE(has("القوات الإسرائيلية", "IL"));
  EXPECT_TRUE(has("الجيش التايواني", "TW"));
  EXPECT_TRUE(has("زار تايبيه", "TW"));
  EXPECT_TRUE(has("الصيني", "CN"));
  EXPECT_TRUE(has("باماكو", "ML"));
  EXPECT_TRUE(has("نيامي", "NE"));
  EXPECT_TRUE(has("واغادوغو", "BF"));
  EXPECT_TRUE(has("الإيرانية", "IR"));
  EXPECT_TRUE(has("حلف شمال الأطلسي", "NATO"));
  EXPECT_TRUE(has("تعاون مع Ocus", "AUKUS"));
  EXPECT_TRUE(has("l'OTAN", "NATO", "fr"));
  EXPECT_TRUE(has("le gouvernement marocain", "MA", "fr"));
  EXPECT_TRUE(has("Israeli officials", "IL", "en"));
  // المالي is "the financial": only the exact name مالي is Mali.
  EXPECT_FALSE(has("الوضع المالي للشركة", "ML"));
  EXPECT_TRUE(has("وفي مالي", "ML"));
}

}  // namespace
}  // namespace newsd::classify
