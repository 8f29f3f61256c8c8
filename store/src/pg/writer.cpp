// PostgreSQL backend: the batched article writer. The dedup rules are the
// SQLite writer's (store.cpp write_one): canonical URL or entry key, then
// the content hash, then a story cluster by simhash band, with the same
// fingerprints (fingerprint.hpp) and the same nearest-match rule (dedup.hpp).
//
// Each statement is a round trip to the server, so the writer keeps them
// few (docs/performance.md, "Scale"): prepared statements (parsed and
// planned once per connection), the batch's new tags in one upsert, the
// two "already stored?" look-ups in one, the content hash and the cluster
// candidates in one, and an article with its source and tags in one
// statement. A new article costs three round trips, a re-sighting two (three when
// only its content hash matches).
#include <set>

#include "../dedup.hpp"
#include "../fingerprint.hpp"
#include "../outbox_sql.hpp"
#include "../prepared_record.hpp"
#include "../tokenizer.hpp"
#include "pg_backend.hpp"
#include "pg_outbox.hpp"
#include "pg_rows.hpp"

namespace newsd::store::pg {
namespace {

struct Statement {
  const char* name;
  std::string sql;
};

const Statement kLock{"newsd_writer_lock", "SELECT pg_advisory_xact_lock($1)"};

// Ids continue from the highest stored one, as SQLite's rowids do. Its own
// statement after the lock: a statement's snapshot is taken when it starts,
// so only one that starts after the lock is granted sees every commit.
const Statement kNextId{"newsd_writer_next_id", "SELECT coalesce(max(id), 0) + 1 FROM articles"};

// $1 names, $2 kinds (text arrays, no pair twice: ON CONFLICT DO UPDATE may
// not touch a row twice in one statement).
const Statement kUpsertTags{"newsd_writer_tags",
                            "INSERT INTO tags (name, kind) SELECT t.name, t.kind FROM "
                            "unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(name, kind, n) ORDER BY t.n "
                            "ON CONFLICT (name, kind) DO UPDATE SET name = excluded.name RETURNING id, name, kind"};

// The stored article holding this key: its own, else one it was seen as a
// source of. coalesce evaluates its second argument only when the first is
// NULL, so this is the SQLite writer's two look-ups in their order.
const Statement kByKey{"newsd_writer_by_key",
                       "SELECT coalesce((SELECT id FROM articles WHERE canonical_url = $1), "
                       "(SELECT article_id FROM article_sources WHERE canonical_url = $1 LIMIT 1))"};

// The first article with this content hash ($1; `same` = true), then the
// cluster candidates sharing a simhash band ($2..$5), most recent first and
// bounded as in SQLite (kMaxClusterCandidates), so a degenerate band cannot
// make one insert slow. A NULL hash or band matches nothing.
const Statement kByFingerprint{"newsd_writer_by_fingerprint",
                               "SELECT true AS same, id, 0::bigint, 0::bigint FROM "
                               "(SELECT id FROM articles WHERE content_hash = $1 ORDER BY id LIMIT 1) h "
                               "UNION ALL SELECT false, id, simhash, coalesce(cluster_id, id) FROM "
                               "(SELECT id, simhash, cluster_id FROM articles WHERE "
                               "(simhash & 65535) = $2 OR ((simhash >> 16) & 65535) = $3 OR "
                               "((simhash >> 32) & 65535) = $4 OR ((simhash >> 48) & 65535) = $5 "
                               "ORDER BY id DESC LIMIT 256) c "
                               "ORDER BY same DESC, id DESC"};

// The source row and tag rows of article $1, as CTEs; the statement's value
// is how many of them were new. $2 feed, $3 canonical URL, $4 url, $5 guid,
// $6 seen at, $7 tag ids, $8 scores, $9 tag sources (arrays, in the
// record's order: the first of two equal rows wins, as row by row), $10 the
// names of the watches it matched.
constexpr const char* kAttachCtes =
    "source AS (INSERT INTO article_sources (article_id, feed_id, canonical_url, url, guid, seen_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1), "
    "tagged AS (INSERT INTO article_tags (article_id, tag_id, score, source) "
    "SELECT $1::bigint, t.tag_id, t.score, t.source FROM "
    "unnest($7::bigint[], $8::float8[], $9::text[]) WITH ORDINALITY AS t(tag_id, score, source, n) ORDER BY t.n "
    "ON CONFLICT DO NOTHING RETURNING 1), "
    "watched AS (INSERT INTO watch_matches (article_id, watch) SELECT $1::bigint, w FROM unnest($10::text[]) AS w "
    "ON CONFLICT DO NOTHING RETURNING 1) "
    "SELECT (SELECT count(*) FROM source) + (SELECT count(*) FROM tagged) + (SELECT count(*) FROM watched)";

const Statement kAttach{"newsd_writer_attach", std::string("WITH ") + kAttachCtes};

// A new article ($1..$6 as in kAttachCtes, $11..$23 its other columns) with
// its source and tags. The foreign keys of the source and tag rows are
// checked at the end of the statement, when the article row exists.
const Statement kInsert{
    "newsd_writer_insert",
    std::string("WITH article AS (INSERT INTO articles (id, feed_id, canonical_url, url, guid, fetched_at, title, "
                "byline, lang, section, image, text, published_at, content_hash, simhash, cluster_id, search, "
                "taxonomy_version, model_version) "
                "VALUES ($1, $2, $3, $4, $5, $6, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, "
                "$21::tsvector, $22, $23)), ") +
        kAttachCtes};

void prepare_statements(pqxx::connection& conn) {
  // libpqxx registers a definition once and prepares it on the server at
  // its first use (again after a reconnect); the same definition again is
  // a no-op, so this costs a map look-up per batch.
  for (const Statement* s : {&kLock, &kNextId, &kUpsertTags, &kByKey, &kByFingerprint, &kAttach, &kInsert}) {
    conn.prepare(s->name, s->sql);
  }
}

std::optional<std::int64_t> first_id(const pqxx::result& rows) {
  if (rows.empty() || rows[0][0].is_null()) return std::nullopt;
  return rows[0][0].as<std::int64_t>();
}

using TagKey = std::pair<std::string, std::string>;  // (name, kind)

TagKey tag_key(const classify::Tag& tag) { return {pg_text(tag.name), std::string(classify::to_string(tag.kind))}; }

class BatchWriter {
 public:
  BatchWriter(pqxx::work& tx, std::map<TagKey, std::int64_t>& tag_ids)
      : tx_(tx), tag_ids_(tag_ids), next_id_(tx.exec_prepared1(kNextId.name)[0].as<std::int64_t>()) {}

  /// Gives every tag of the batch an id: those not seen before on this
  /// connection in one upsert. Every record's tags are attached (to its
  /// new article or to the one it duplicates), so none is created for nothing.
  void resolve_tags(std::span<const ArticleRecord> batch) {
    std::vector<std::string> names, kinds;
    std::set<TagKey> asked;
    for (const auto& rec : batch) {
      for (const auto& tag : rec.tags) {
        if (tag.name.empty()) continue;
        auto key = tag_key(tag);
        if (tag_ids_.contains(key) || !asked.insert(key).second) continue;
        names.push_back(std::move(key.first));
        kinds.push_back(std::move(key.second));
      }
    }
    if (names.empty()) return;
    for (const auto& row : tx_.exec_prepared(kUpsertTags.name, text_array(names), text_array(kinds))) {
      tag_ids_.insert_or_assign({row[1].as<std::string>(), row[2].as<std::string>()}, row[0].as<std::int64_t>());
    }
  }

  /// The articles write() inserted so far, in id order.
  const std::vector<std::int64_t>& inserted() const { return inserted_; }

  UpsertOutcome write(const ArticleRecord& rec) {
    // The producer's preparation, when it still fits the record: the key,
    // the fingerprint and the terms were then worked out on a worker, not
    // here under the writers' lock.
    const PreparedRecord* prepared = rec.prepared && rec.prepared->matches(rec) ? rec.prepared.get() : nullptr;
    const std::string canonical = pg_text(prepared ? prepared->key : record_key(rec));
    auto existing = first_id(tx_.exec_prepared(kByKey.name, canonical));
    std::vector<classify::Token> tokens;
    Fingerprint print;
    ClusterMatch cluster;
    if (!existing) {
      if (prepared) {
        print = prepared->print;
      } else {
        tokens = document_tokens(rec.text);
        print = fingerprint(tokens);
      }
      existing = match_fingerprint(print, cluster);
    }
    if (existing) {
      return attach_to(*existing, rec, canonical) > 0 ? UpsertOutcome::updated : UpsertOutcome::duplicate;
    }

    const std::int64_t id = next_id_++;
    inserted_.push_back(id);
    const std::string title = pg_text(rec.title);
    // The title's terms were prepared from the title as given; the vector
    // is of the title as stored, which differs only if it held bytes
    // PostgreSQL refuses (pg_text).
    const std::string vector = !prepared            ? search_vector(title, tokens)
                               : title == rec.title ? search_vector(prepared->title_terms, prepared->text_terms)
                                                    : search_vector(title, rec.text);
    const Tags tags = tags_of(rec);
    // Tag versions not recorded (an empty taxonomy version) stay NULL, as in SQLite.
    struct {
      std::optional<std::string> taxonomy, model;
    } versions;
    if (!rec.tag_versions.taxonomy.empty()) versions = {rec.tag_versions.taxonomy, rec.tag_versions.model};
    tx_.exec_prepared(
        kInsert.name, id, rec.feed_id, canonical, pg_text(rec.url), pg_text(rec.guid), to_unix(rec.fetched_at),
        tags.ids, tags.scores, tags.sources, tags.watches, title, pg_text(rec.byline), pg_text(rec.lang),
        pg_text(rec.section), pg_text(rec.image), pg_text(rec.text), opt_unix(rec.published_at), print.content_hash,
        print.simhash ? std::optional<std::int64_t>(static_cast<std::int64_t>(*print.simhash)) : std::nullopt,
        cluster.cluster_id != 0 ? cluster.cluster_id : id, vector, versions.taxonomy, versions.model);
    return UpsertOutcome::inserted;
  }

 private:
  struct Tags {
    std::string ids, scores, sources, watches;  // array literals
  };

  Tags tags_of(const ArticleRecord& rec) const {
    std::vector<std::int64_t> ids;
    std::vector<double> scores;
    std::vector<std::string> sources;
    for (const auto& tag : rec.tags) {
      if (tag.name.empty()) continue;
      ids.push_back(tag_ids_.at(tag_key(tag)));
      scores.push_back(tag.score);
      sources.emplace_back(classify::to_string(tag.source));
    }
    std::vector<std::string> watches;
    watches.reserve(rec.watches.size());
    for (const auto& watch : rec.watches) watches.push_back(pg_text(watch));
    return {number_array(ids), number_array(scores), text_array(sources), text_array(watches)};
  }

  // The article with the same content hash; else nullopt, with `cluster`
  // set to the nearest stored article's cluster, if any is near enough.
  std::optional<std::int64_t> match_fingerprint(const Fingerprint& print, ClusterMatch& cluster) {
    if (!print.content_hash && !print.simhash) return std::nullopt;
    auto band = [&](int b) {
      return print.simhash ? std::optional<std::int64_t>(simhash_band(*print.simhash, b)) : std::nullopt;
    };
    const auto rows = tx_.exec_prepared(kByFingerprint.name, print.content_hash, band(0), band(1), band(2), band(3));
    for (const auto& row : rows) {
      if (row[0].as<bool>()) return row[1].as<std::int64_t>();
      keep_nearest(cluster, *print.simhash, static_cast<std::uint64_t>(row[2].as<std::int64_t>()),
                   row[3].as<std::int64_t>());
    }
    return std::nullopt;
  }

  // Returns how many rows (source, tags, watch matches) were new.
  std::size_t attach_to(std::int64_t article_id, const ArticleRecord& rec, const std::string& canonical) {
    const Tags tags = tags_of(rec);
    return tx_
        .exec_prepared1(kAttach.name, article_id, rec.feed_id, canonical, pg_text(rec.url), pg_text(rec.guid),
                        to_unix(rec.fetched_at), tags.ids, tags.scores, tags.sources, tags.watches)[0]
        .as<std::size_t>();
  }

  pqxx::work& tx_;
  std::map<TagKey, std::int64_t>& tag_ids_;
  std::int64_t next_id_;
  std::vector<std::int64_t> inserted_;  // this batch's new articles, in id order
};

}  // namespace

Result<std::vector<UpsertOutcome>> Backend::write_articles(std::span<const ArticleRecord> batch) {
  if (readonly_) return fail(Errc::invalid_argument, "write_articles on a read-only store");
  std::vector<UpsertOutcome> outcomes;
  outcomes.reserve(batch.size());
  const ArticleRecord* current = nullptr;
  try {
    prepare_statements(*conn_);
    pqxx::work tx(*conn_);
    tx.exec_prepared(kLock.name, kArticleWriterLock);
    BatchWriter writer(tx, tag_ids_);
    writer.resolve_tags(batch);
    for (const auto& rec : batch) {
      current = &rec;
      outcomes.push_back(writer.write(rec));
    }
    current = nullptr;
    const std::int64_t outbox_dropped = append_to_outbox(tx, writer.inserted(), outbox_max_rows_);
    tx.commit();
    log_outbox_dropped(outbox_dropped, outbox_max_rows_);
    return outcomes;
  } catch (const std::exception& e) {
    // Ids of tags inserted by the rolled-back transaction no longer exist.
    tag_ids_.clear();
    const std::string what = current == nullptr
                                 ? std::string("write_articles")
                                 : "article " + (current->entry_key.empty() ? current->url : current->entry_key);
    return std::unexpected(database_error(e, what));
  }
}

}  // namespace newsd::store::pg
