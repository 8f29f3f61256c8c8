// `newsd migrate`'s copy: a SQLite archive moved into PostgreSQL answers
// every query as the SQLite file did, keeps its ids, and a rerun adds nothing.
#include "newsd/store/pg_migrate.hpp"

#include "newsd/store/outbox.hpp"
#include "store_fixture.hpp"

namespace newsd::store::testing {
namespace {

using classify::TagKind;

class PgMigrateTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    server_ = newsd::testing::PgServer::get();
    ASSERT_NE(server_, nullptr);
    url_ = server_->create_database("newsd_migrate_" + std::to_string(::getpid()));
  }
  void TearDown() override {
    if (server_ != nullptr) server_->drop_database("newsd_migrate_" + std::to_string(::getpid()));
    StoreTest::TearDown();
  }

  // Two feeds, a shared wire story (one article, two sources, a cluster
  // member), tags of several kinds (a watch's too, with its watch match),
  // Arabic, French and English text, tag versions recorded (with a model,
  // without one, never), a label in force and a removed one.
  void write_archive(Store& store) {
    const auto ar = add_feed(store, "https://ar.example/feed", "Arabic wire");
    const auto fr = add_feed(store, "https://fr.example/feed");
    auto a1 = article(ar, "https://ar.example/1", "هجوم سيبراني على وزارة الدفاع",
                      "تعرضت شبكات وزارة الدفاع المغربية لهجوم سيبراني واسع صباح الثلاثاء وفق بيان رسمي صدر اليوم "
                      "عن الوزارة التي أكدت أن الأنظمة الحيوية لم تتأثر بالهجوم");
    a1.tags = {tag("cyber", TagKind::topic, 0.9), tag("MA", TagKind::country)};
    a1.tag_versions = {"taxonomy-1", ""};
    auto a1_copy = a1;
    a1_copy.feed_id = fr;
    a1_copy.url = "https://fr.example/copy-of-1";
    auto a2 = article(fr, "https://fr.example/2", "Les élections législatives au Maroc",
                      "Les négociations entre les partis ont repris après les élections de septembre.", "fr");
    a2.tags = {tag("politics"), tag("MA", TagKind::country)};
    a2.published_at.reset();
    a2.tag_versions = {"taxonomy-1", "model-1"};
    auto a3 = article(fr, "https://fr.example/3", "Hackers target defense ministries",
                      "Negotiations over a cyber treaty stalled as diplomats blamed state hackers.", "en");
    a3.tags = {tag("cyber", TagKind::topic, 0.5, classify::TagSource::model),
               tag("cyber-watch", TagKind::watch, 1.0, classify::TagSource::watch)};
    a3.watches = {"cyber-desk"};
    write(store, {a1, a1_copy, a2, a3});
    ASSERT_TRUE(Store::write_labels(db_path_,
                                    std::vector<LabelEdit>{{1, "defense", "", false}, {2, "politics", "", true}},
                                    "alice", day(2026, 11, 30)));
  }

  Store open_pg() {
    config::StoreConfig cfg;
    cfg.backend = config::StoreBackend::postgresql;
    cfg.url = url_;
    auto store = Store::open_readonly(cfg);
    if (!store) ADD_FAILURE() << store.error().describe();
    return std::move(*store);
  }

  newsd::testing::PgServer* server_ = nullptr;
  std::string url_;
};

std::vector<std::pair<std::int64_t, std::string>> hits(Store& store, const SearchQuery& q) {
  std::vector<std::pair<std::int64_t, std::string>> out;
  auto found = store.search(q);
  EXPECT_TRUE(found.has_value()) << q.text << ": " << found.error().describe();
  if (found) {
    for (const auto& h : *found) out.emplace_back(h.id, h.snippet);
  }
  return out;
}

TEST_F(PgMigrateTest, TheCopyAnswersEveryQueryAsTheSqliteArchiveDid) {
  {
    auto sqlite = open_store();
    // A sink on the SQLite side: its outbox rows stay there (copy.cpp says why).
    auto outbox = Outbox::open(db_path_);
    ASSERT_TRUE(outbox.has_value());
    ASSERT_TRUE(outbox->register_sinks(std::vector<std::string>{"desk"}));
    write_archive(sqlite);
    EXPECT_EQ(sqlite.outbox_status()->rows, 3);
  }
  auto copied = copy_sqlite_to_postgresql(db_path_, url_, 2);
  ASSERT_TRUE(copied.has_value()) << copied.error().describe();
  EXPECT_EQ(copied->feeds, 2);
  EXPECT_EQ(copied->articles, 3);
  EXPECT_EQ(copied->articles_seen, 3);
  EXPECT_EQ(copied->sources, 4);
  EXPECT_EQ(copied->watch_matches, 1);
  EXPECT_EQ(copied->labels, 2);

  auto sqlite = *Store::open_readonly(db_path_);
  auto pg = open_pg();
  for (const char* text : {"", "سيبراني", "الدفاع", "élection", "négocier", "cyber", "hacker*", "\"وزارة الدفاع\"",
                           "cyber NOT وزارة", "مغرب OR diplomat"}) {
    for (const auto sort : {SortOrder::relevance, SortOrder::date}) {
      SearchQuery q{.text = text, .sort = sort};
      EXPECT_EQ(hits(pg, q), hits(sqlite, q)) << text;
    }
  }
  SearchQuery tagged{.tags = {"cyber"}, .country = "MA"};
  EXPECT_EQ(hits(pg, tagged), hits(sqlite, tagged));

  for (std::int64_t id = 1; id <= 3; ++id) {
    auto a = sqlite.article(id), b = pg.article(id);
    ASSERT_TRUE(a && b && a->has_value() && b->has_value()) << id;
    EXPECT_EQ((*b)->title, (*a)->title);
    EXPECT_EQ((*b)->simhash, (*a)->simhash);
    EXPECT_EQ((*b)->cluster_id, (*a)->cluster_id);
    EXPECT_EQ((*b)->tags.size(), (*a)->tags.size());
    EXPECT_EQ((*b)->sources.size(), (*a)->sources.size());
    ASSERT_EQ((*b)->labels.size(), (*a)->labels.size()) << id;
    for (std::size_t i = 0; i < (*a)->labels.size(); ++i) {
      const auto &from = (*a)->labels[i], &to = (*b)->labels[i];
      EXPECT_EQ(std::tie(to.tag, to.kind, to.set_by, to.set_at, to.removed),
                std::tie(from.tag, from.kind, from.set_by, from.set_at, from.removed));
    }
    EXPECT_EQ((*b)->watches, (*a)->watches);
  }
  // The tag versions came along: the same articles are outdated on both sides.
  for (const TagVersions& current :
       {TagVersions{"taxonomy-1", ""}, TagVersions{"taxonomy-1", "model-1"}, TagVersions{"taxonomy-2", "model-1"}}) {
    const auto on_sqlite = sqlite.outdated_tags(current), on_pg = pg.outdated_tags(current);
    ASSERT_TRUE(on_sqlite && on_pg);
    EXPECT_EQ(on_pg->taxonomy, on_sqlite->taxonomy) << current.taxonomy;
    EXPECT_EQ(on_pg->model, on_sqlite->model) << current.model;
  }
  EXPECT_EQ(pg.outdated_tags({"taxonomy-1", "model-1"})->taxonomy, 1) << "a3's versions were never recorded";
  EXPECT_EQ(pg.labelled_articles()->size(), 2u);
  SearchQuery watched{.text = "hacker*"};
  EXPECT_EQ(pg.search(watched)->at(0).watches, std::vector<std::string>{"cyber-desk"});
  auto outbox = pg.outbox_status();
  ASSERT_TRUE(outbox.has_value()) << outbox.error().describe();
  EXPECT_EQ(outbox->rows, 0);
  EXPECT_TRUE(outbox->sinks.empty());
  const auto sqlite_stats = *sqlite.stats(), pg_stats = *pg.stats();
  EXPECT_EQ(pg_stats.articles, sqlite_stats.articles);
  EXPECT_EQ(pg_stats.tags, sqlite_stats.tags);
  EXPECT_EQ(pg_stats.article_tags, sqlite_stats.article_tags);
  EXPECT_EQ(pg_stats.sources, sqlite_stats.sources);
  EXPECT_EQ(pg_stats.clusters, sqlite_stats.clusters);
  EXPECT_EQ(pg_stats.by_lang, sqlite_stats.by_lang);
}

TEST_F(PgMigrateTest, ARerunCopiesOnlyWhatIsMissingAndNewArticlesGetNewIds) {
  {
    auto sqlite = open_store();
    write_archive(sqlite);
  }
  ASSERT_TRUE(copy_sqlite_to_postgresql(db_path_, url_, 500).has_value());
  auto again = copy_sqlite_to_postgresql(db_path_, url_, 500);
  ASSERT_TRUE(again.has_value()) << again.error().describe();
  EXPECT_EQ(again->feeds + again->tags + again->articles + again->article_tags + again->sources + again->watch_matches +
                again->labels,
            0);
  EXPECT_EQ(again->articles_seen, 3);

  // The copy is a working archive: a writer goes on from the copied ids.
  config::StoreConfig cfg;
  cfg.backend = config::StoreBackend::postgresql;
  cfg.url = url_;
  auto pg = Store::open(cfg);
  ASSERT_TRUE(pg.has_value()) << pg.error().describe();
  const auto feed = add_feed(*pg, "https://new.example/feed");
  EXPECT_GT(feed, 2);
  write(*pg, {article(feed, "https://new.example/1", "after the move", "a later article")});
  EXPECT_EQ(pg->counts()->last_article_id, 4);
}

TEST_F(PgMigrateTest, ATargetHoldingAnotherArchiveIsRefused) {
  {
    config::StoreConfig cfg;
    cfg.backend = config::StoreBackend::postgresql;
    cfg.url = url_;
    auto other = *Store::open(cfg);
    add_feed(other, "https://elsewhere.example/feed");
  }
  {
    auto sqlite = open_store();
    write_archive(sqlite);
  }
  auto copied = copy_sqlite_to_postgresql(db_path_, url_, 500);
  ASSERT_FALSE(copied.has_value());
  EXPECT_EQ(copied.error().code, Errc::invalid_argument);
  EXPECT_EQ(open_pg().counts()->articles, 0);
}

TEST_F(PgMigrateTest, AMissingSourceOrAnUnreachableServerIsAnError) {
  auto missing = copy_sqlite_to_postgresql(dir_ / "nope.db", url_, 500);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, Errc::not_found);
  { auto sqlite = open_store(); }
  auto unreachable = copy_sqlite_to_postgresql(db_path_, "postgresql://newsd@127.0.0.1:1/none", 500);
  ASSERT_FALSE(unreachable.has_value());
  EXPECT_EQ(unreachable.error().code, Errc::connect);
}

}  // namespace
}  // namespace newsd::store::testing
