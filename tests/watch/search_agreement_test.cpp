// Watches and `newsd search` read a query the same way: for queries
// without filters, the articles a watch matches are exactly those the
// store's full-text search returns, over a real SQLite file.
#include <set>

#include "newsd/watch/watch_set.hpp"
#include "store/store_fixture.hpp"

namespace newsd::watch {
namespace {

using store::testing::StoreTest;

class WatchSearchAgreement : public StoreTest {};

TEST_F(WatchSearchAgreement, WatchesMatchWhatSearchFinds) {
  auto st = open_store();
  const auto feed = add_feed(st, "https://example.org/feed.xml");
  const std::vector<std::pair<std::string, std::string>> texts = {
      {"وبالطائرات المسيرة يعزز المغرب قدراته", "أعلنت القوات المسلحة عن تسلم طائرات مسيرة جديدة"},
      {"مناورات عسكرية في الجزائر", "نفذت القوات الجزائرية مناورة بحرية وبالطائرات الحربية"},
      {"Le Maroc teste un missile", "Un essai réussi de missile balistique a eu lieu hier au Maroc"},
      {"Cyberattaque contre un hôpital", "Un rançongiciel a paralysé les services informatiques"},
      {"Algeria buys Chinese drones", "The purchase of armed drones was confirmed by the ministry"},
      {"Drones over Paris", "Police investigate drone flights over the city"},
      {"Morocco holds elections", "Voters went to the polls on Friday"},
      {"Cyber espionage campaign", "A cyber espionage group targeted three ministries"},
      {"Ransomware gang claims attack", "The cyber attack encrypted the hospital's files"},
      {"Missile test", "the missile was fired in a successful test over the desert"},
  };
  std::vector<store::ArticleRecord> batch;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    batch.push_back(article(feed, "https://example.org/a" + std::to_string(i), texts[i].first, texts[i].second));
  }
  write(st, batch);

  const std::vector<std::string> queries = {
      "طائرات",
      "المغرب OR الجزائر",
      "drones AND (Morocco OR Algeria)",
      "drone NOT Algeria",
      "cyber NOT ransomware",
      "\"missile test\"",
      "missile NEAR/3 test",
      "missile NEAR/4 test",
      "essai NEAR/2 missile",
      "طائرات NEAR/2 المغرب",
      "طائرات NEAR/1 المغرب OR essai",
      "cyber*",
      "\"Chinese dro\"*",
      "négocier OR rançongiciel",
      "(missile OR drones) NOT (Maroc OR Algeria)",
  };
  for (const auto& q : queries) {
    SCOPED_TRACE(q);
    store::SearchQuery search;
    search.text = q;
    search.limit = 100;
    auto hits = st.search(search);
    ASSERT_TRUE(hits.has_value()) << hits.error().message;
    std::set<std::int64_t> found;
    for (const auto& h : *hits) found.insert(h.id);

    auto set = WatchSet::compile({{"w", q, "w"}});
    ASSERT_TRUE(set.has_value()) << set.error().message;
    std::set<std::int64_t> matched;
    for (std::size_t i = 0; i < texts.size(); ++i) {
      auto view = st.article(static_cast<std::int64_t>(i) + 1);
      ASSERT_TRUE(view && *view);
      if (!set->match(ArticleTerms((**view).title, (**view).text), facts_of(**view, "")).empty()) {
        matched.insert((**view).id);
      }
    }
    EXPECT_EQ(matched, found);
    EXPECT_FALSE(found.empty());
  }
}

}  // namespace
}  // namespace newsd::watch
