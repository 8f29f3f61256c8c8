#pragma once
/// Moving a SQLite archive into PostgreSQL (`newsd migrate --from newsd.db
/// --to postgresql://…`): feeds, tags, articles with their tags, sources,
/// watch matches, labels and tag versions, keeping every id, the search index
/// rebuilt from this build's tokenizer. The outbox and the sinks' cursors are not copied.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "newsd/base/error.hpp"

namespace newsd::store {

/// Rows written by one copy; rows the target already had are not counted.
struct CopyReport {
  std::int64_t feeds = 0, tags = 0, articles = 0, article_tags = 0, sources = 0, watch_matches = 0;
  std::int64_t labels = 0;         ///< label rows (set and removed)
  std::int64_t articles_seen = 0;  ///< source articles visited so far (copied or already there)
};

/// Copies the SQLite archive at `from` (at the current kSchemaVersion: an
/// older one is migrated by opening it with newsd first) into the
/// PostgreSQL database at `to_url`, whose schema is created or migrated.
/// Articles go in batches of `batch_size`, each with its tags, sources and watch matches in
/// one transaction, so an interrupted copy leaves whole articles behind and
/// a rerun copies only what is missing (rows are matched by id). The
/// target must be empty or hold an earlier copy of the same archive:
/// Errc::invalid_argument when one of its feeds or tags has an id the
/// source gives to another URL or name. `progress` is called after each batch.
Result<CopyReport> copy_sqlite_to_postgresql(const std::filesystem::path& from, const std::string& to_url,
                                             int batch_size,
                                             const std::function<void(const CopyReport&)>& progress = {});

}  // namespace newsd::store
