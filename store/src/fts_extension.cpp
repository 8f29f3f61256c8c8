// newsd_fts.so: a loadable SQLite extension that registers the "newsd" FTS5
// tokenizer, so that other programs (the sqlite3 shell, Python, Datasette)
// can query a newsd database's articles_fts:
//   sqlite3 newsd.db -cmd '.load /usr/lib/x86_64-linux-gnu/newsd/newsd_fts'
// SQLite derives the entry point from the file name ("newsd_fts" →
// sqlite3_newsdfts_init). The module calls the SQLite library it is linked
// against directly rather than through the host's sqlite3_api_routines:
// on Debian the shell, Python and this module all use the one shared
// libsqlite3.so.0, so the connection handle is that library's own.
#include <sqlite3.h>

#include <cstring>

#include "tokenizer.hpp"

extern "C" __attribute__((visibility("default"))) int sqlite3_newsdfts_init(sqlite3* db, char** error,
                                                                            const sqlite3_api_routines* /*api*/) {
  const auto registered = newsd::store::register_tokenizer(db);
  if (registered) return SQLITE_OK;
  if (error != nullptr) *error = sqlite3_mprintf("%s", registered.error().message.c_str());
  return SQLITE_ERROR;
}
