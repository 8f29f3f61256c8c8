// ArticleRecord::prepared: what the writer stores, deduplicates and indexes
// is the same whether the producer prepared the record (prepare_record) or
// not, and a preparation that no longer fits its record is not used.
#include <gtest/gtest.h>

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "integrity.hpp"
#include "newsd/classify/text.hpp"
#include "newsd/store/index_terms.hpp"
#include "store_fixture.hpp"
#include "tokenizer.hpp"

namespace newsd::store {
namespace {

using ::testing::Contains;
using testing::read_fixture;

// Each blank-free block of the hostile fixture (form-feed separated).
std::vector<std::string> hostile_texts() {
  const std::string all = read_fixture("prepared/hostile_texts.txt");
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto end = all.find('\f', start);
    out.push_back(all.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) return out;
    start = end + 1;
  }
}

// The records both backends' tests write, on either fixture.
template <class Fixture>
class PreparedRecords : public Fixture {
 protected:
  // The stories and the hostile texts, each under its own URL, titled with
  // a slice of the next one (titles are indexed too).
  std::vector<ArticleRecord> records(std::int64_t feed_id) {
    std::vector<std::string> texts = {read_fixture("prepared/arabic_story.txt"),
                                      read_fixture("prepared/french_story.txt"),
                                      read_fixture("prepared/english_story.txt")};
    for (auto& hostile : hostile_texts()) texts.push_back(std::move(hostile));
    std::vector<ArticleRecord> out;
    for (std::size_t i = 0; i < texts.size(); ++i) {
      const std::string& next = texts[(i + 1) % texts.size()];
      out.push_back(
          this->article(feed_id, "https://example.org/story/" + std::to_string(i), next.substr(0, 90), texts[i]));
    }
    // The same story again under another URL: a content-hash duplicate.
    out.push_back(this->article(feed_id, "https://mirror.example.net/copy", "copy", texts[0]));
    return out;
  }
};

class PreparedRecordTest : public PreparedRecords<testing::StoreTest> {
 protected:
  // What a database holds for its articles, row by row, and its whole
  // full-text index, term by term with positions (fts5vocab 'instance'),
  // read on a connection that knows the newsd tokenizer (FTS5 needs it to
  // open articles_fts).
  static std::vector<std::vector<std::string>> contents(const std::filesystem::path& path) {
    sqlite3* raw = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    sql::DbPtr db(raw);
    EXPECT_TRUE(register_tokenizer(raw).has_value());
    EXPECT_TRUE(sql::exec(raw, "CREATE VIRTUAL TABLE temp.fts_terms USING fts5vocab(main, articles_fts, 'instance')")
                    .has_value());
    std::vector<std::vector<std::string>> rows;
    for (const char* query : {"SELECT id, canonical_url, content_hash, simhash, cluster_id FROM articles ORDER BY id",
                              "SELECT term, doc, col, offset FROM temp.fts_terms ORDER BY doc, col, offset, term"}) {
      auto stmt = sql::Stmt::prepare(raw, query);
      EXPECT_TRUE(stmt.has_value()) << stmt.error().describe();
      if (!stmt) return rows;
      auto read = stmt->each_row([&] {
        std::vector<std::string> row;
        for (int c = 0; c < sqlite3_column_count(stmt->get()); ++c) row.push_back(stmt->text(c));
        rows.push_back(std::move(row));
      });
      EXPECT_TRUE(read.has_value()) << read.error().describe();
    }
    EXPECT_GT(rows.size(), 100u);  // the index was read, not only the articles
    return rows;
  }
};

// How the producer prepares a record: by itself, or from the tokens an
// ingest worker already made of title and text for the tagger.
enum class Preparation { own_tokens, shared_tokens };

class PreparedRecordWays : public PreparedRecordTest, public ::testing::WithParamInterface<Preparation> {};

TEST_P(PreparedRecordWays, StoresAndIndexesExactlyWhatAnUnpreparedRecordDoes) {
  const auto plain_path = dir_ / "plain.db";
  {
    config::StoreConfig cfg;
    cfg.path = plain_path;
    auto plain = Store::open(cfg);
    ASSERT_TRUE(plain.has_value()) << plain.error().describe();
    const auto feed = add_feed(*plain, "https://example.org/feed");
    write(*plain, records(feed));
  }
  std::vector<UpsertOutcome> outcomes;
  {
    Store store = open_store();
    auto batch = records(add_feed(store, "https://example.org/feed"));
    for (auto& rec : batch) {
      rec.prepared = GetParam() == Preparation::own_tokens ? prepare_record(rec)
                                                           : prepare_record(rec, article_tokens(rec.title, rec.text));
    }
    outcomes = write(store, batch);
  }
  ASSERT_EQ(outcomes.size(), records(1).size());
  EXPECT_EQ(outcomes.back(), UpsertOutcome::updated);  // the copy joined the story as a source
  EXPECT_EQ(contents(db_path_), contents(plain_path));
  testing::expect_database_consistent(db_path_);
  testing::expect_database_consistent(plain_path);
}

INSTANTIATE_TEST_SUITE_P(Both, PreparedRecordWays,
                         ::testing::Values(Preparation::own_tokens, Preparation::shared_tokens));

// The tokens shared with the tagger and the watches are the index's: the
// language they carry picks their stemmer, and their terms are those of
// the text's document_tokens().
TEST(IndexTokensTest, AreTheDocumentTokensWithTheLanguageThatStemmedThem) {
  for (const char* name : {"prepared/arabic_story.txt", "prepared/french_story.txt", "prepared/english_story.txt"}) {
    const std::string text = read_fixture(name);
    const classify::TokenizedText made = index_tokens(text);
    const auto expected = document_tokens(text);
    ASSERT_EQ(made.tokens.size(), expected.size()) << name;
    for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(made.tokens[i].stem, expected[i].stem) << name;
    const auto again = classify::tokenize(text, made.language);
    ASSERT_EQ(again.size(), expected.size()) << name;
    for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_EQ(again[i].stem, expected[i].stem) << name;
    EXPECT_EQ(indexed_terms(made.tokens), indexed_terms(expected)) << name;
  }
  EXPECT_EQ(index_tokens(read_fixture("prepared/french_story.txt")).language, "fr");
  EXPECT_EQ(index_tokens("Short headline").language, "");  // under 96 bytes: English stems, undetected
}

// The PostgreSQL writer takes the preparation too (its key, fingerprint and
// the terms it builds the tsvector from): rows and vectors are what it
// makes of the same records unprepared, hostile texts included.
class PgPreparedRecordTest : public PreparedRecords<testing::BackendTest> {};

TEST_P(PgPreparedRecordTest, StoresAndIndexesExactlyWhatAnUnpreparedRecordDoes) {
  const std::string query =
      "SELECT id, canonical_url, content_hash, simhash, cluster_id, search::text FROM articles ORDER BY id";
  const std::string plain_db = database_ + "_plain";
  const std::string plain_url = server_->create_database(plain_db);
  std::vector<std::vector<std::string>> plain_rows;
  {
    config::StoreConfig cfg = store_config();
    cfg.url = plain_url;
    auto plain = Store::open(cfg);
    ASSERT_TRUE(plain.has_value()) << plain.error().describe();
    write(*plain, records(add_feed(*plain, "https://example.org/feed")));
    pqxx::connection conn(plain_url);
    pqxx::work tx(conn);
    for (const auto& r : tx.exec(query)) {
      std::vector<std::string> row;
      for (const auto& f : r) row.push_back(f.is_null() ? std::string() : f.as<std::string>());
      plain_rows.push_back(std::move(row));
    }
  }
  server_->drop_database(plain_db);
  {
    Store store = open_store();
    auto batch = records(add_feed(store, "https://example.org/feed"));
    for (auto& rec : batch) rec.prepared = prepare_record(rec, article_tokens(rec.title, rec.text));
    const auto outcomes = write(store, batch);
    ASSERT_EQ(outcomes.size(), batch.size());
    EXPECT_EQ(outcomes.back(), UpsertOutcome::updated);  // the copy joined the story as a source
  }
  const auto rows = sql_rows(query);
  EXPECT_GT(rows.size(), 5u);
  EXPECT_EQ(rows, plain_rows);
}

INSTANTIATE_TEST_SUITE_P(Backends, PgPreparedRecordTest, ::testing::Values(testing::Backend::postgresql),
                         testing::backend_name);

TEST_F(PreparedRecordTest, PreparedArticlesAreFoundByTheirWords) {
  Store store = open_store();
  auto batch = records(add_feed(store, "https://example.org/feed"));
  for (auto& rec : batch) rec.prepared = prepare_record(rec);
  write(store, batch);
  EXPECT_THAT(ids(store, "والمغرب"), Contains(1));   // clitics stripped: المغربية
  EXPECT_THAT(ids(store, "négocier"), Contains(2));  // French stems: négociations
  EXPECT_THAT(ids(store, "stockpile"), Contains(3));
}

TEST_F(PreparedRecordTest, APreparationThatNoLongerFitsItsRecordIsNotUsed) {
  Store store = open_store();
  const auto feed = add_feed(store, "https://example.org/feed");
  ArticleRecord rec =
      article(feed, "https://example.org/a", "Fishing talks", read_fixture("prepared/english_story.txt"));
  rec.prepared = prepare_record(rec);
  // Changed after it was prepared: the words, the title and the address.
  rec.text = read_fixture("prepared/french_story.txt");
  rec.title = "Énergie";
  rec.url = "https://example.org/b";
  ASSERT_EQ(write(store, {rec}), std::vector<UpsertOutcome>{UpsertOutcome::inserted});

  EXPECT_EQ(ids(store, "stockpile"), std::vector<std::int64_t>{});
  EXPECT_EQ(ids(store, "négociations"), std::vector<std::int64_t>{1});
  EXPECT_EQ(ids(store, "énergie"), std::vector<std::int64_t>{1});
  auto has = store.has_article("https://example.org/b");
  ASSERT_TRUE(has.has_value());
  EXPECT_TRUE(*has);
  has = store.has_article("https://example.org/a");
  ASSERT_TRUE(has.has_value());
  EXPECT_FALSE(*has);
  // Its fingerprint is the new text's: the same text under a third URL is a duplicate of it.
  ArticleRecord copy = article(feed, "https://example.org/c", "copy", read_fixture("prepared/french_story.txt"));
  EXPECT_EQ(write(store, {copy}), std::vector<UpsertOutcome>{UpsertOutcome::updated});
  testing::expect_database_consistent(db_path_);
}

TEST(TermsHandoffTest, OffersTermsOnlyForItsOwnTextsAndOnlyWhileAlive) {
  const std::string title = "Fishing talks", text = "Talks on fishing resumed in Brussels";
  const ColumnTerms title_terms = column_terms(document_tokens(title));
  const ColumnTerms text_terms = column_terms(document_tokens(text));
  EXPECT_EQ(TermsHandoff::offered(text), nullptr);
  {
    const TermsHandoff handoff(title, title_terms, text, text_terms);
    EXPECT_EQ(TermsHandoff::offered(text), &text_terms);
    EXPECT_EQ(TermsHandoff::offered(title), &title_terms);
    EXPECT_EQ(TermsHandoff::offered("Talks on fishing resumed in Brussels."), nullptr);
    EXPECT_EQ(TermsHandoff::offered(text.substr(0, 10)), nullptr);
    {
      const ColumnTerms none;
      const TermsHandoff inner("", none, "other", none);
      EXPECT_EQ(TermsHandoff::offered(text), nullptr);
      EXPECT_EQ(TermsHandoff::offered("other"), &none);
    }
    EXPECT_EQ(TermsHandoff::offered(text), &text_terms);
  }
  EXPECT_EQ(TermsHandoff::offered(text), nullptr);
}

TEST(ColumnTermsTest, PacksTheIndexStemsAtTheirTokensOffsets) {
  const std::string text = "والمناورات the negotiations";
  const auto tokens = document_tokens(text);
  const ColumnTerms terms = column_terms(tokens);
  ASSERT_EQ(terms.terms.size(), tokens.size());
  std::uint32_t begin = 0;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    EXPECT_EQ(terms.stems.substr(begin, terms.terms[i].stem_end - begin), index_stem(tokens[i]));
    EXPECT_EQ(terms.terms[i].begin, tokens[i].begin);
    EXPECT_EQ(terms.terms[i].end, tokens[i].end);
    begin = terms.terms[i].stem_end;
  }
  EXPECT_EQ(begin, terms.stems.size());
}

}  // namespace
}  // namespace newsd::store
