// French text is indexed with French stems (the language detected from the
// text itself), queries match it whatever stemmer their words favour, and
// deleting French rows leaves the index consistent: the delete re-tokenizes
// the stored text and must emit exactly the tokens that were inserted.
#include "integrity.hpp"
#include "store_fixture.hpp"
#include "tokenizer.hpp"

namespace newsd::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

class FrenchSearchTest : public BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    store_.emplace(open_store());
    const auto feed = add_feed(*store_, "https://news.example/fr.xml");
    auto fr = article(feed, "https://news.example/fr/1", "Vienne : les diplomates reprennent les négociations",
                      "Les négociations internationales sur le programme nucléaire ont repris mardi à Vienne. "
                      "Les diplomates européens ont jugé la situation menaçante après les attaques contre "
                      "les installations diplomatiques de la région.",
                      "fr");
    fr.fetched_at = day(2026, 1, 10);
    auto en = article(feed, "https://news.example/en/2", "Diplomats resume talks in Vienna",
                      "International negotiations on the nuclear programme resumed on Tuesday in Vienna, where "
                      "European diplomats described the situation after the attacks as threatening.",
                      "en");
    write(*store_, {fr, en});
  }

  std::vector<std::int64_t> find(const std::string& query) { return ids(*store_, query); }

  std::optional<Store> store_;
};

TEST_P(FrenchSearchTest, FrenchDocumentsAreIndexedWithFrenchStems) {
  EXPECT_EQ(document_tokens("Les négociations internationales sur le programme nucléaire ont repris mardi à Vienne "
                            "après une pause de plusieurs mois.")[1]
                .stem,
            "négoci");
  // English stems would keep these apart: négocier/négociations,
  // menacé/menaçante, européenne/européens, attaqué/attaques.
  EXPECT_THAT(find("négocier"), ElementsAre(1));
  EXPECT_THAT(find("menacé"), ElementsAre(1));
  EXPECT_THAT(find("européenne"), ElementsAre(1));
  EXPECT_THAT(find("\"négociation internationale\""), ElementsAre(1));
  EXPECT_THAT(find("attaqué"), ElementsAre(1));
}

TEST_P(FrenchSearchTest, QueriesStillMatchEnglishDocuments) {
  EXPECT_THAT(find("negotiation"), ElementsAre(2));
  EXPECT_THAT(find("international"), UnorderedElementsAre(1, 2));
  EXPECT_THAT(find("threatening"), ElementsAre(2));
  // A stem both languages share finds both: diplomats/diplomates.
  EXPECT_THAT(find("diplomats"), UnorderedElementsAre(1, 2));
  EXPECT_THAT(find("négociations Vienne"), ElementsAre(1));
}

TEST_P(FrenchSearchTest, DeletingFrenchRowsKeepsTheIndexConsistent) {
  ASSERT_EQ(*store_->prune(day(2026, 6, 1), 10), 1);
  EXPECT_TRUE(find("négocier").empty());
  EXPECT_THAT(find("negotiation"), ElementsAre(2));
  if (GetParam() == Backend::sqlite) expect_database_consistent(db_path_);  // FTS5's own index
}

NEWSD_ON_BOTH_BACKENDS(FrenchSearchTest);

}  // namespace
}  // namespace newsd::store::testing
