// PostgreSQL backend: the batched article writer. The dedup rules are the
// SQLite writer's (store.cpp write_one): canonical URL or entry key, then
// the content hash, then a story cluster by simhash band, with the same
// fingerprints (fingerprint.hpp) and the same nearest-match rule (dedup.hpp).
#include "../dedup.hpp"
#include "../fingerprint.hpp"
#include "../tokenizer.hpp"
#include "pg_backend.hpp"
#include "pg_rows.hpp"

namespace newsd::store::pg {
namespace {

// Bounded as in SQLite (kClusterCandidatesSql): a degenerate band cannot
// make one insert slow.
constexpr const char* kClusterCandidates =
    "SELECT id, simhash, coalesce(cluster_id, id) FROM articles WHERE "
    "(simhash & 65535) = $1 OR ((simhash >> 16) & 65535) = $2 OR "
    "((simhash >> 32) & 65535) = $3 OR ((simhash >> 48) & 65535) = $4 "
    "ORDER BY id DESC LIMIT 256";

std::optional<std::int64_t> first_id(const pqxx::result& rows) {
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::int64_t>();
}

class BatchWriter {
 public:
  // Ids continue from the highest stored one, as SQLite's rowids do: the
  // writer lock makes max(id) stable for the whole batch, and the ids a
  // reader sees (after_id streams) follow the same rule on both backends.
  BatchWriter(pqxx::work& tx, std::map<std::pair<std::string, std::string>, std::int64_t>& tag_ids)
      : tx_(tx),
        tag_ids_(tag_ids),
        next_id_(tx.exec1("SELECT coalesce(max(id), 0) + 1 FROM articles")[0].as<std::int64_t>()) {}

  UpsertOutcome write(const ArticleRecord& rec) {
    const std::string canonical = pg_text(record_key(rec));
    auto existing = first_id(tx_.exec_params("SELECT id FROM articles WHERE canonical_url = $1", canonical));
    if (!existing) {
      existing = first_id(
          tx_.exec_params("SELECT article_id FROM article_sources WHERE canonical_url = $1 LIMIT 1", canonical));
    }
    const std::string text = pg_text(rec.text);
    std::vector<classify::Token> tokens;
    Fingerprint print;
    if (!existing) {
      tokens = document_tokens(rec.text);
      print = fingerprint(tokens);
      if (print.content_hash) {
        existing = first_id(tx_.exec_params("SELECT id FROM articles WHERE content_hash = $1 ORDER BY id LIMIT 1",
                                            *print.content_hash));
      }
    }
    if (existing) return attach(*existing, rec, canonical) > 0 ? UpsertOutcome::updated : UpsertOutcome::duplicate;

    ClusterMatch cluster;
    if (print.simhash) {
      auto candidates =
          tx_.exec_params(kClusterCandidates, simhash_band(*print.simhash, 0), simhash_band(*print.simhash, 1),
                          simhash_band(*print.simhash, 2), simhash_band(*print.simhash, 3));
      for (const auto& c : candidates) {
        keep_nearest(cluster, *print.simhash, static_cast<std::uint64_t>(c[1].as<std::int64_t>()),
                     c[2].as<std::int64_t>());
      }
    }
    const std::int64_t id = next_id_++;
    const std::string title = pg_text(rec.title);
    tx_.exec_params(
        "INSERT INTO articles (id, feed_id, canonical_url, url, guid, title, byline, lang, section, image, text, "
        "published_at, fetched_at, content_hash, simhash, cluster_id, search) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::tsvector)",
        id, rec.feed_id, canonical, pg_text(rec.url), pg_text(rec.guid), title, pg_text(rec.byline), pg_text(rec.lang),
        pg_text(rec.section), pg_text(rec.image), text, opt_unix(rec.published_at), to_unix(rec.fetched_at),
        print.content_hash,
        print.simhash ? std::optional<std::int64_t>(static_cast<std::int64_t>(*print.simhash)) : std::nullopt,
        cluster.cluster_id != 0 ? cluster.cluster_id : id, search_vector(title, tokens));
    record_tag_versions(tx_, id, rec.tag_versions);
    attach(id, rec, canonical);
    return UpsertOutcome::inserted;
  }

 private:
  // Returns how many rows (source + tags) were new.
  std::size_t attach(std::int64_t article_id, const ArticleRecord& rec, const std::string& canonical) {
    std::size_t added =
        tx_.exec_params(
               "INSERT INTO article_sources (article_id, feed_id, canonical_url, url, guid, seen_at) "
               "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
               article_id, rec.feed_id, canonical, pg_text(rec.url), pg_text(rec.guid), to_unix(rec.fetched_at))
            .affected_rows();
    for (const auto& tag : rec.tags) {
      if (tag.name.empty()) continue;
      added += tx_.exec_params(
                      "INSERT INTO article_tags (article_id, tag_id, score, source) VALUES ($1, $2, $3, $4) "
                      "ON CONFLICT DO NOTHING",
                      article_id, tag_id(tag), tag.score, std::string(classify::to_string(tag.source)))
                   .affected_rows();
    }
    return added;
  }

  std::int64_t tag_id(const classify::Tag& tag) {
    auto key = std::make_pair(pg_text(tag.name), std::string(classify::to_string(tag.kind)));
    if (auto it = tag_ids_.find(key); it != tag_ids_.end()) return it->second;
    const auto id = tx_.exec_params1(
                           "INSERT INTO tags (name, kind) VALUES ($1, $2) "
                           "ON CONFLICT (name, kind) DO UPDATE SET name = excluded.name RETURNING id",
                           key.first, key.second)[0]
                        .as<std::int64_t>();
    tag_ids_.emplace(std::move(key), id);
    return id;
  }

  pqxx::work& tx_;
  std::map<std::pair<std::string, std::string>, std::int64_t>& tag_ids_;
  std::int64_t next_id_;
};

}  // namespace

Result<std::vector<UpsertOutcome>> Backend::write_articles(std::span<const ArticleRecord> batch) {
  if (readonly_) return fail(Errc::invalid_argument, "write_articles on a read-only store");
  std::vector<UpsertOutcome> outcomes;
  outcomes.reserve(batch.size());
  const ArticleRecord* current = nullptr;
  try {
    pqxx::work tx(*conn_);
    tx.exec_params("SELECT pg_advisory_xact_lock($1)", kArticleWriterLock);
    BatchWriter writer(tx, tag_ids_);
    for (const auto& rec : batch) {
      current = &rec;
      outcomes.push_back(writer.write(rec));
    }
    current = nullptr;
    tx.commit();
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
