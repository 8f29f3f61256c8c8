// Dedup: canonical URL, exact (normalized) content, and near-duplicate
// story clusters by SimHash.
#include <nlohmann/json.hpp>

#include "fingerprint.hpp"
#include "store_fixture.hpp"

namespace newsd::store::testing {
namespace {

using ::testing::ElementsAre;

// A wire story as two outlets publish it, and an unrelated one.
constexpr const char* kWireStory =
    "أعلنت وزارة الدفاع المغربية اليوم توقيع اتفاقية تعاون عسكري مع فرنسا تشمل تدريب الطيارين وتبادل الخبرات في "
    "مجال الأمن السيبراني. وقال المتحدث باسم الوزارة إن الاتفاقية تمتد خمس سنوات قابلة للتجديد، وتتضمن مناورات "
    "مشتركة سنوية في شمال البلاد. وأضاف أن الجانبين اتفقا على إنشاء لجنة متابعة تجتمع مرتين في السنة لتقييم "
    "التقدم المحرز في تنفيذ بنود الاتفاقية ومناقشة مجالات جديدة للتعاون في الصناعات الدفاعية.";
constexpr const char* kWireStoryEdited =
    "أعلنت وزارة الدفاع المغربية اليوم الثلاثاء توقيع اتفاقية تعاون عسكري مع فرنسا تشمل تدريب الطيارين وتبادل "
    "الخبرات في مجال الأمن السيبراني. وقال المتحدث باسم الوزارة إن الاتفاقية تمتد خمس سنوات قابلة للتجديد، "
    "وتتضمن مناورات مشتركة سنوية في شمال البلاد. وأضاف أن الجانبين اتفقا على إنشاء لجنة متابعة تجتمع مرتين في "
    "السنة لتقييم التقدم المحرز في تنفيذ بنود الاتفاقية ومناقشة مجالات جديدة للتعاون في الصناعات الدفاعية.";
constexpr const char* kOtherStory =
    "شهدت أسواق المال الخليجية ارتفاعا ملحوظا في تداولات الأسبوع الماضي مدفوعة بنتائج الشركات القيادية في قطاع "
    "الطاقة والبنوك. وتوقع محللون أن يستمر الأداء الإيجابي خلال الربع الأخير من العام مع تحسن أسعار النفط وعودة "
    "المستثمرين الأجانب إلى الأسواق الناشئة في المنطقة بعد فترة من الحذر والترقب.";

TEST(Fingerprint, IgnoresDiacriticsSpacingAndPunctuation) {
  const auto plain = fingerprint(kWireStory);
  std::string noisy = "  «";
  noisy += kWireStory;
  noisy += "»  \n";
  ASSERT_TRUE(plain.content_hash.has_value());
  EXPECT_EQ(fingerprint(noisy).content_hash, plain.content_hash);
  EXPECT_EQ(fingerprint(noisy).simhash, plain.simhash);
  EXPECT_FALSE(fingerprint("خبر قصير جدا").content_hash.has_value());  // too short to be a key
}

TEST(Fingerprint, NearDuplicatesAreCloseAndOtherStoriesFar) {
  const auto a = fingerprint(kWireStory), b = fingerprint(kWireStoryEdited), c = fingerprint(kOtherStory);
  ASSERT_TRUE(a.simhash && b.simhash && c.simhash);
  EXPECT_NE(a.content_hash, b.content_hash);
  EXPECT_LE(hamming_distance(*a.simhash, *b.simhash), kNearDuplicateBits);
  EXPECT_GT(hamming_distance(*a.simhash, *c.simhash), 12);
  EXPECT_GT(hamming_distance(*b.simhash, *c.simhash), 12);
}

// The shared Arabic seed articles (300-900 words each): a lightly re-edited
// copy stays within the threshold, distinct articles stay far apart.
TEST(Fingerprint, SeedArticlesAndTheirEditedCopies) {
  std::vector<std::string> bodies;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(NEWSD_SHARED_DIR) + "/seeds")) {
    if (!entry.path().string().ends_with(".gold.json")) continue;
    std::ifstream in(entry.path());
    const auto gold = nlohmann::json::parse(in);
    std::string body;
    for (const auto& paragraph : gold.at("body_paragraphs")) body += paragraph.get<std::string>() + "\n";
    bodies.push_back(body);
  }
  ASSERT_EQ(bodies.size(), 5u);
  std::vector<std::uint64_t> hashes;
  for (const auto& body : bodies) {
    // An agency's re-edit: a dateline prepended and one word inserted mid-text.
    std::string edited = "الرباط - (وكالات) - " + body;
    const auto middle = edited.find(' ', edited.size() / 2);
    edited.insert(middle, " أيضا");
    const auto original = fingerprint(body).simhash, copy = fingerprint(edited).simhash;
    ASSERT_TRUE(original && copy);
    EXPECT_LE(hamming_distance(*original, *copy), kNearDuplicateBits);
    hashes.push_back(*original);
  }
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    for (std::size_t j = i + 1; j < hashes.size(); ++j) EXPECT_GT(hamming_distance(hashes[i], hashes[j]), 10);
  }
}

class DedupTest : public BackendTest {};

TEST_P(DedupTest, SameCanonicalUrlIsStoredOnceWithBothSources) {
  auto store = open_store();
  const auto feed_a = add_feed(store, "https://a.example/feed");
  const auto feed_b = add_feed(store, "https://b.example/rss");
  auto first = article(feed_a, "https://wire.example/story/42?utm_source=a", "الخبر", kWireStory);
  first.tags = {tag("defense")};
  auto second = article(feed_b, "https://WIRE.example/story/42/?fbclid=xyz", "الخبر (نسخة ب)", "نص مختلف");
  second.tags = {tag("MA", classify::TagKind::country)};
  EXPECT_THAT(write(store, {first}), ElementsAre(UpsertOutcome::inserted));
  EXPECT_THAT(write(store, {second}), ElementsAre(UpsertOutcome::updated));
  EXPECT_THAT(write(store, {second}), ElementsAre(UpsertOutcome::duplicate));

  EXPECT_EQ(store.counts()->articles, 1);
  auto view = store.article(1)->value();
  EXPECT_EQ(view.title, "الخبر");  // the stored text is left as is
  ASSERT_EQ(view.sources.size(), 2u);
  EXPECT_EQ(view.sources[0].feed_url, "https://a.example/feed");
  EXPECT_EQ(view.sources[1].feed_url, "https://b.example/rss");
  EXPECT_EQ(view.sources[1].url, "https://WIRE.example/story/42/?fbclid=xyz");
  EXPECT_EQ(view.tags.size(), 2u);  // the second feed's tag was added
}

TEST_P(DedupTest, AnEntryIsKnownByItsFeedLinkEvenWhenRelCanonicalDiffers) {
  auto store = open_store();
  const auto feed_a = add_feed(store, "https://a.example/feed");
  const auto feed_b = add_feed(store, "https://b.example/rss");
  // The feed links an AMP-style address; the page names another canonical URL.
  auto rec = article(feed_a, "https://m.wire.example/amp/42?utm_source=rss", "الخبر", kWireStory);
  rec.canonical_url = "https://wire.example/story/42";
  ASSERT_THAT(write(store, {rec}), ElementsAre(UpsertOutcome::inserted));

  EXPECT_TRUE(*store.has_article("https://wire.example/story/42"));
  EXPECT_TRUE(*store.has_article("https://m.wire.example/amp/42?utm_source=rss"));  // as linked
  EXPECT_FALSE(*store.has_article("https://m.wire.example/amp/43"));

  // Another feed links the same address: recorded as a source, once.
  EXPECT_TRUE(*store.add_source(feed_b, "https://m.wire.example/amp/42?utm_source=rss", "b-42", day(2025, 11, 18)));
  EXPECT_TRUE(*store.add_source(feed_b, "https://m.wire.example/amp/42?utm_source=rss", "b-42", day(2025, 11, 18)));
  EXPECT_FALSE(*store.add_source(feed_b, "https://m.wire.example/amp/43", "b-43", day(2025, 11, 18)));
  const auto view = store.article(1)->value();
  ASSERT_EQ(view.sources.size(), 2u);
  EXPECT_TRUE(std::ranges::any_of(view.sources, [](const ArticleSource& s) {
    return s.feed_url == "https://b.example/rss" && s.url == "https://m.wire.example/amp/42?utm_source=rss";
  }));
  EXPECT_EQ(store.counts()->articles, 1);
}

// The engine asks for a whole feed's entries at once: the answers must be
// has_article's, in order, whatever the URLs hold (on PostgreSQL they travel
// as array literals: quotes, braces, commas and backslashes are data).
TEST_P(DedupTest, HasArticlesAnswersEachUrlInOrderAsHasArticleDoes) {
  auto store = open_store();
  const auto feed_a = add_feed(store, "https://a.example/feed");
  auto rec = article(feed_a, "https://m.wire.example/amp/42?utm_source=rss", "الخبر", kWireStory);
  rec.canonical_url = "https://wire.example/story/42";
  auto own = article(feed_a, "", "نص", "نص قصير للخبر بلا رابط");
  own.guid = "urn:uuid:7";
  own.entry_key = entry_key(feed_a, own.guid);
  auto odd = article(feed_a, "https://odd.example/a\"b{c},d\\e?q=\"x\"", "odd", "نص آخر مختلف تماما عن غيره");
  ASSERT_THAT(write(store, {rec, own, odd}),
              ElementsAre(UpsertOutcome::inserted, UpsertOutcome::inserted, UpsertOutcome::inserted));

  const std::vector<std::string> urls = {
      "https://m.wire.example/amp/43",                 // unknown
      "https://wire.example/story/42",                 // the article's canonical URL
      "https://m.wire.example/amp/42?utm_source=rss",  // as the feed linked it
      entry_key(feed_a, "urn:uuid:7"),                 // an entry without a link
      "https://odd.example/a\"b{c},d\\e?q=\"x\"",      // syntax of an array literal, as data
      "https://odd.example/a",                         // a prefix of it is another URL
      "https://wire.example/story/42",                 // asked twice
      "NULL",
  };
  auto known = store.has_articles(urls);
  ASSERT_TRUE(known) << known.error().describe();
  ASSERT_EQ(known->size(), urls.size());
  for (std::size_t i = 0; i < urls.size(); ++i) {
    auto one = store.has_article(urls[i]);
    ASSERT_TRUE(one);
    EXPECT_EQ((*known)[i], *one) << urls[i];
  }
  EXPECT_EQ(*known, (std::vector<bool>{false, true, true, true, true, false, true, false}));
  auto none = store.has_articles({});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST_P(DedupTest, SameTextUnderAnotherUrlIsTheSameArticle) {
  auto store = open_store();
  const auto feed_a = add_feed(store, "https://a.example/feed");
  const auto feed_b = add_feed(store, "https://b.example/rss");
  std::string reformatted = std::string("\n") + kWireStory + "\n";
  EXPECT_THAT(write(store, {article(feed_a, "https://a.example/2026/11/defense-pact", "اتفاقية", kWireStory),
                            article(feed_b, "https://b.example/p/9917", "اتفاقية دفاعية", reformatted)}),
              ElementsAre(UpsertOutcome::inserted, UpsertOutcome::updated));
  EXPECT_EQ(store.counts()->articles, 1);
  EXPECT_EQ(store.article(1)->value().sources.size(), 2u);
  // The second URL now counts as known, so the fetcher can skip it.
  EXPECT_TRUE(*store.has_article("https://b.example/p/9917"));
}

TEST_P(DedupTest, NearDuplicatesJoinOneStoryCluster) {
  auto store = open_store();
  const auto feed_a = add_feed(store, "https://a.example/feed");
  const auto feed_b = add_feed(store, "https://b.example/rss");
  EXPECT_THAT(write(store, {article(feed_a, "https://a.example/1", "اتفاقية دفاعية مع فرنسا", kWireStory),
                            article(feed_a, "https://a.example/2", "الأسواق الخليجية", kOtherStory)}),
              ElementsAre(UpsertOutcome::inserted, UpsertOutcome::inserted));
  EXPECT_THAT(write(store, {article(feed_b, "https://b.example/1", "المغرب وفرنسا يوقعان", kWireStoryEdited)}),
              ElementsAre(UpsertOutcome::inserted));

  auto first = store.article(1)->value();
  auto edited = store.article(3)->value();
  auto other = store.article(2)->value();
  EXPECT_EQ(edited.cluster_id, first.cluster_id);
  EXPECT_NE(other.cluster_id, first.cluster_id);
  ASSERT_EQ(first.cluster.size(), 1u);
  EXPECT_EQ(first.cluster[0].id, 3);
  EXPECT_EQ(first.cluster[0].feed_url, "https://b.example/rss");
  EXPECT_LE(first.cluster[0].distance, kNearDuplicateBits);
  EXPECT_TRUE(other.cluster.empty());
  EXPECT_EQ(store.stats()->clusters, 2);
}

TEST_P(DedupTest, ShortTextsAreNeverMergedByContent) {
  auto store = open_store();
  const auto feed = add_feed(store, "https://a.example/feed");
  // Two different stories whose feeds carry no body: equal empty texts must
  // not make them one article.
  EXPECT_THAT(write(store, {article(feed, "https://a.example/1", "خبر أول", ""),
                            article(feed, "https://a.example/2", "خبر ثان", "")}),
              ElementsAre(UpsertOutcome::inserted, UpsertOutcome::inserted));
  EXPECT_NE(store.article(1)->value().cluster_id, store.article(2)->value().cluster_id);
}

// Entries without a web link, known only by an id that is unique within its
// feed: feed B's entry `1` is not feed A's entry `1`.
TEST_P(DedupTest, TextOnlyEntriesAreKeyedPerFeed) {
  Store store = open_store();
  const auto feed_a = add_feed(store, "https://a.example/feed.xml");
  const auto feed_b = add_feed(store, "https://b.example/feed.xml");
  auto text_entry = [&](std::int64_t feed, const std::string& guid, std::string text) {
    ArticleRecord r = article(feed, "", "entry " + guid, std::move(text));
    r.guid = guid;
    r.entry_key = entry_key(feed, guid);
    return r;
  };
  EXPECT_EQ(entry_key(feed_a, "1"), "feed:" + std::to_string(feed_a) + ":1");
  EXPECT_THAT(write(store, {text_entry(feed_a, "1", kWireStory)}), ElementsAre(UpsertOutcome::inserted));
  EXPECT_THAT(write(store, {text_entry(feed_b, "1", kOtherStory)}), ElementsAre(UpsertOutcome::inserted));
  EXPECT_EQ(store.counts()->articles, 2);
  EXPECT_TRUE(*store.has_article(entry_key(feed_a, "1")));
  EXPECT_TRUE(*store.has_article(entry_key(feed_b, "1")));
  EXPECT_FALSE(*store.has_article(entry_key(feed_b, "2")));
  EXPECT_FALSE(*store.has_article("1"));

  // The same feed's entry again is recognised, whatever its text now says.
  EXPECT_THAT(write(store, {text_entry(feed_a, "1", kOtherStory + std::string(" Update."))}),
              ElementsAre(UpsertOutcome::duplicate));
  // The same text under another feed's id is still the same article.
  const auto feed_c = add_feed(store, "https://c.example/feed.xml");
  EXPECT_THAT(write(store, {text_entry(feed_c, "urn:uuid:7", kWireStory)}), ElementsAre(UpsertOutcome::updated));
  EXPECT_EQ(store.counts()->articles, 2);
  EXPECT_TRUE(*store.has_article(entry_key(feed_c, "urn:uuid:7")));
  const auto first = store.article(1)->value();
  ASSERT_EQ(first.sources.size(), 2U);
  EXPECT_EQ(first.sources[0].feed_id, feed_a);
  EXPECT_EQ(first.sources[1].feed_id, feed_c);
  EXPECT_EQ(first.canonical_url, entry_key(feed_a, "1"));

  // add_source takes the key as has_article does.
  const auto feed_d = add_feed(store, "https://d.example/feed.xml");
  EXPECT_TRUE(*store.add_source(feed_d, entry_key(feed_b, "1"), "1", day(2026, 11, 21)));
  EXPECT_EQ(store.article(2)->value().sources.size(), 2U);
}

NEWSD_ON_BOTH_BACKENDS(DedupTest);

}  // namespace
}  // namespace newsd::store::testing
