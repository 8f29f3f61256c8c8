#pragma once
// Both integrity checks of a store database, on a connection of its own that
// knows the newsd tokenizer: SQLite's (pages, B-trees, indexes) and FTS5's
// (the full-text index agrees with the articles it indexes).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "sqlite.hpp"
#include "tokenizer.hpp"

namespace newsd::store::testing {

inline void expect_database_consistent(const std::filesystem::path& path) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
  sql::DbPtr db(raw);
  ASSERT_TRUE(register_tokenizer(raw).has_value());
  auto check = sql::Stmt::prepare(raw, "PRAGMA integrity_check");
  ASSERT_TRUE(check.has_value()) << check.error().describe();
  ASSERT_TRUE(*check->step());
  EXPECT_EQ(check->text(0), "ok");
  auto fts = sql::exec(raw, "INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)");
  EXPECT_TRUE(fts.has_value()) << fts.error().describe();
}

}  // namespace newsd::store::testing
