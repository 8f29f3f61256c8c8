#pragma once
// Schema creation and forward-only migrations (PRAGMA user_version).
#include <sqlite3.h>

#include <optional>
#include <string>

#include "newsd/base/error.hpp"

namespace newsd::store {

/// The user_version of `db` (0 for a new file).
Result<int> schema_version(sqlite3* db);

/// Migrates `db` from its version to kSchemaVersion, one transaction per
/// step, so a crash between steps leaves a valid older version behind.
/// Errc::database if the file was written by a newer newsd. The newsd
/// tokenizer must already be registered on `db`.
Result<void> migrate(sqlite3* db);

/// Migrates only up to `target` (tests build older databases with it).
Result<void> migrate_to(sqlite3* db, int target);

/// The tokenizer version that built articles_fts (meta.fts_tokenizer) when
/// it differs from this build's tokenizer_version(); nullopt when current.
/// A database without the record reports "unknown".
Result<std::optional<std::string>> outdated_fts_tokenizer(sqlite3* db);

/// Rebuilds articles_fts if it was built by another tokenizer version.
/// Returns true if a rebuild happened.
Result<bool> ensure_fts_current(sqlite3* db);

}  // namespace newsd::store
