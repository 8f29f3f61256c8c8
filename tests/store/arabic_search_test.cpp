// The newsd FTS5 tokenizer: Arabic clitics, plurals, diacritics, tatweel and
// alef/hamza/taa-marbuta variants match each other; French and English
// queries match their inflected forms; prefix queries still work.
#include <algorithm>

#include "store_fixture.hpp"

namespace newsd::store::testing {
namespace {

class ArabicSearchTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    store_.emplace(open_store());
    const auto feed = add_feed(*store_, "https://news.example/ar.xml");
    // Each article carries ONE spelling of the words under test, so a hit
    // proves the variant matched rather than an identical form elsewhere.
    auto outcomes = write(
        *store_, {
                     article(feed, "https://news.example/1", "زيارة رسمية إلى الرباط",
                             "وصل الوفد إلى الرباط أمس والمغرب يستعد لاستقبال القمة الإقليمية بحضور وفود عديدة."),
                     article(feed, "https://news.example/2", "مُحَادَثَاتٌ حَوْلَ الأَمْنِ",
                             "ناقش المسؤولون قضايا الأَمْنِ السيبراني في اجتماع مغلق استمر ثلاث ساعات متواصلة."),
                     article(feed, "https://news.example/3", "الحكومه تعلن خطة جديدة",
                             "أعلنت الحكومه الجديدة خطة لدعم المستشفى المركزي وتحديث شبكة الطرق في الشمال."),
                     article(feed, "https://news.example/4", "تدريب المهندسين",
                             "بدأ تدريب المهندسين العسكريين على أنظمة الاتصالات الحديثة ضمن برنامج مشترك."),
                     article(feed, "https://news.example/5", "إسرائيل وتايوان",
                             "تساعد إسرائيل تايوان على تطوير نظام دفاع صاروخي متقدم وفق تقرير نشر حديثا."),
                     article(feed, "https://news.example/6", "الـــمـــفـــاوضـــات مستمرة",
                             "استؤنفت المفاوضات بين الجانبين بعد توقف دام أسابيع بسبب الخلافات الحدودية."),
                     article(feed, "https://news.example/7", "Les élections législatives au Maroc",
                             "Les négociations entre les partis ont repris après les élections de septembre.", "fr"),
                     article(feed, "https://news.example/8", "Hackers target defense ministries",
                             "Negotiations over a cyber treaty stalled as diplomats blamed state hackers.", "en"),
                 });
    ASSERT_EQ(outcomes.size(), 8u);
  }

  std::vector<std::int64_t> find(const std::string& query) { return ids(*store_, query); }

  std::optional<Store> store_;
};

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

TEST_P(ArabicSearchTest, ArticleAndConjunctionCliticsAreStripped) {
  EXPECT_THAT(find("المغرب"), ElementsAre(1));  // text has only والمغرب
  EXPECT_THAT(find("مغرب"), ElementsAre(1));
  EXPECT_THAT(find("بالمغرب"), ElementsAre(1));
  EXPECT_THAT(find("الرباط"), ElementsAre(1));
}

TEST_P(ArabicSearchTest, DiacriticsAreIgnoredBothWays) {
  EXPECT_THAT(find("محادثات"), ElementsAre(2));  // title is fully vocalized
  EXPECT_THAT(find("الأمن"), ElementsAre(2));
  EXPECT_THAT(find("امن"), ElementsAre(2));       // bare alef, no hamza, no article
  EXPECT_THAT(find("المُسْتَشْفَى"), ElementsAre(3));  // vocalized query, bare text
}

TEST_P(ArabicSearchTest, TaaMarbutaAndAlefMaqsuraVariantsMatch) {
  EXPECT_THAT(find("الحكومة"), ElementsAre(3));  // text spells it الحكومه
  EXPECT_THAT(find("حكومه"), ElementsAre(3));
  EXPECT_THAT(find("المستشفي"), ElementsAre(3));  // ى written as ي
}

TEST_P(ArabicSearchTest, HamzaOnAlefVariantsMatch) {
  EXPECT_THAT(find("اسرائيل"), ElementsAre(5));
  EXPECT_THAT(find("إسرائيل"), ElementsAre(5));
  EXPECT_THAT(find("أسرائيل"), ElementsAre(5));
}

TEST_P(ArabicSearchTest, SoundPluralsMatchTheSingular) {
  EXPECT_THAT(find("مهندس"), ElementsAre(4));
  EXPECT_THAT(find("المهندسون"), ElementsAre(4));
}

// Snowball stems مفاوضات to مفاوضا but مفاوضة to مفاوض; the index joins them.
TEST_P(ArabicSearchTest, FeminineSoundPluralsMatchTheSingular) {
  EXPECT_THAT(find("مفاوضة"), ElementsAre(6));             // article 6 says المفاوضات
  EXPECT_THAT(find("حكومات"), ElementsAre(3));             // article 3 says الحكومه
  EXPECT_THAT(find("الاتصال"), ElementsAre(4));            // article 4 says الاتصالات
  EXPECT_THAT(find("\"أنظمة الاتصال\""), ElementsAre(4));  // in phrases too
}

TEST_P(ArabicSearchTest, TatweelIsIgnored) {
  EXPECT_THAT(find("المفاوضات"), ElementsAre(6));  // title is drawn out with ـ
  EXPECT_THAT(find("مستمرة"), ElementsAre(6));
}

TEST_P(ArabicSearchTest, PrefixQueriesMatchStems) {
  EXPECT_THAT(find("مغر*"), ElementsAre(1));
  EXPECT_THAT(find("مفاوض*"), ElementsAre(6));
  // The typed form is longer than the stem: still found through the stem.
  EXPECT_THAT(find("negotiation*"), ElementsAre(8));
  EXPECT_THAT(find("négoc*"), ElementsAre(7));
}

TEST_P(ArabicSearchTest, FrenchAndEnglishInflectionsMatch) {
  EXPECT_THAT(find("élection"), ElementsAre(7));
  EXPECT_THAT(find("ÉLECTIONS"), ElementsAre(7));
  EXPECT_THAT(find("negotiate"), ElementsAre(8));
  EXPECT_THAT(find("hacker diplomat"), ElementsAre(8));
  EXPECT_THAT(find("ministry"), ElementsAre(8));
}

TEST_P(ArabicSearchTest, PhraseAndBooleanQueriesUseTheSameTokens) {
  EXPECT_THAT(find("\"تطوير نظام دفاع\""), ElementsAre(5));
  EXPECT_THAT(find("المغرب OR اسرائيل"), UnorderedElementsAre(1, 5));
  EXPECT_THAT(find("المغرب NOT الرباط"), ElementsAre());
  EXPECT_THAT(find("(المغرب OR اسرائيل) NOT تايوان"), ElementsAre(1));
}

// Column filters are FTS5 syntax, for experts (QuerySyntax::fts); the
// PostgreSQL store has no FTS5 and says so.
TEST_P(ArabicSearchTest, ExpertFtsSyntaxFiltersColumnsOnSqliteOnly) {
  if (GetParam() == Backend::postgresql) {
    auto hits = store_->search({.text = "title:المفاوضات", .syntax = QuerySyntax::fts});
    ASSERT_FALSE(hits.has_value());
    EXPECT_EQ(hits.error().code, Errc::unsupported);
    return;
  }
  EXPECT_THAT(query_ids(*store_, {.text = "title:المفاوضات", .syntax = QuerySyntax::fts}), ElementsAre(6));
  EXPECT_TRUE(query_ids(*store_, {.text = "title:المغرب", .syntax = QuerySyntax::fts}).empty());  // only in the body
}

TEST_P(ArabicSearchTest, SnippetHighlightsTheOriginalSpelling) {
  SearchQuery q;
  q.text = "المغرب";
  q.highlight_open = "«";
  q.highlight_close = "»";
  auto hits = store_->search(q);
  ASSERT_TRUE(hits.has_value()) << hits.error().describe();
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_NE((*hits)[0].snippet.find("«والمغرب»"), std::string::npos) << (*hits)[0].snippet;
}

TEST_P(ArabicSearchTest, TitleMatchesRankAboveBodyMatches) {
  const auto feed = add_feed(*store_, "https://news.example/ar.xml");
  write(*store_, {article(feed, "https://news.example/9", "القمة العربية في الجزائر",
                          "نص طويل لا يتحدث عن شيء محدد سوى بعض الأخبار المتفرقة من هنا وهناك.")});
  // Article 1 mentions القمة once in its body, article 9 in its title.
  EXPECT_THAT(find("القمة"), ElementsAre(9, 1));
}

NEWSD_ON_BOTH_BACKENDS(ArabicSearchTest);

}  // namespace
}  // namespace newsd::store::testing
