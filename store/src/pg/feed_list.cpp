// PostgreSQL backend: the feed list that several workers share. `newsd feeds
// add/remove/import` write a feed's settings as its `[[feeds]]` TOML table
// (feeds.spec) and every `newsd run` reads them back through the config
// module's own reader (ingest/feed_list.hpp), so the database, not a file on
// one host, says what is polled. The store keeps the text opaque: it never
// parses TOML, so validation has one home (config::parse_feed_spec).
//
// A counter in meta (`feed_list_version`) goes up in the same transaction as
// every change of the list. Updating one row serialises concurrent editors
// and is transactional, unlike a sequence, whose values can commit out of
// order: a worker that saw version N has seen every change up to N.
#include "pg_backend.hpp"
#include "pg_rows.hpp"

namespace newsd::store::pg {
namespace {

void bump_version(pqxx::work& tx) {
  tx.exec("UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'feed_list_version'");
}

std::int64_t version_in(pqxx::transaction_base& tx) {
  return tx.exec1("SELECT value::bigint FROM meta WHERE key = 'feed_list_version'")[0].as<std::int64_t>();
}

}  // namespace

Result<int> Backend::put_feed_specs(std::span<const FeedSpec> specs) {
  if (readonly_) return fail(Errc::invalid_argument, "put_feed_specs on a read-only store");
  try {
    pqxx::work tx(*conn_);
    int changed = 0;
    for (const auto& s : specs) {
      // The WHERE keeps an unchanged feed unchanged, so a worker seeding the
      // list from its config at start does not make every other one re-read it.
      auto done = tx.exec_params(
          "INSERT INTO feeds (url, name, spec) VALUES ($1, $2, $3) ON CONFLICT (url) DO UPDATE "
          "SET name = excluded.name, spec = excluded.spec, removed_at = NULL "
          "WHERE feeds.spec IS DISTINCT FROM excluded.spec OR feeds.name <> excluded.name "
          "OR feeds.removed_at IS NOT NULL",
          pg_text(s.url), pg_text(s.name), pg_text(s.spec));
      changed += static_cast<int>(done.affected_rows());
    }
    if (changed > 0) bump_version(tx);
    tx.commit();
    return changed;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "put_feed_specs"));
  }
}

Result<bool> Backend::remove_feed(std::int64_t feed_id, TimePoint at) {
  if (readonly_) return fail(Errc::invalid_argument, "remove_feed on a read-only store");
  try {
    pqxx::work tx(*conn_);
    auto done =
        tx.exec_params("UPDATE feeds SET removed_at = $2 WHERE id = $1 AND removed_at IS NULL", feed_id, to_unix(at));
    if (done.affected_rows() == 0) return false;
    bump_version(tx);
    tx.commit();
    return true;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "remove_feed " + std::to_string(feed_id)));
  }
}

Result<FeedList> Backend::feed_list() {
  try {
    // One snapshot: the version names exactly the rows read with it.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> tx(*conn_);
    FeedList list;
    list.version = version_in(tx);
    auto rows = tx.exec(std::string("SELECT ") + kFeedColumns + "0::bigint, spec FROM feeds ORDER BY id");
    list.feeds.reserve(rows.size());
    for (const auto& r : rows) {
      list.feeds.push_back({feed_from(r), r[23].is_null() ? std::nullopt : std::optional(r[23].as<std::string>())});
    }
    return list;
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "feed_list"));
  }
}

Result<std::int64_t> Backend::feed_list_version() {
  try {
    pqxx::read_transaction tx(*conn_);
    return version_in(tx);
  } catch (const std::exception& e) {
    return std::unexpected(database_error(e, "feed_list_version"));
  }
}

}  // namespace newsd::store::pg

namespace newsd::store {
namespace {

std::unexpected<Error> feed_list_needs_postgresql() {
  return fail(Errc::unsupported,
              "the feed list lives in the database only with [store] backend = \"postgresql\"; on SQLite it is the "
              "config and its feeds_file");
}

}  // namespace

Result<int> Store::put_feed_specs(std::span<const FeedSpec> specs) {
  if (!pg_) return feed_list_needs_postgresql();
  return pg_->put_feed_specs(specs);
}

Result<bool> Store::remove_feed(std::int64_t feed_id, TimePoint at) {
  if (!pg_) return feed_list_needs_postgresql();
  return pg_->remove_feed(feed_id, at);
}

Result<FeedList> Store::feed_list() {
  if (!pg_) return feed_list_needs_postgresql();
  return pg_->feed_list();
}

Result<std::int64_t> Store::feed_list_version() {
  if (!pg_) return feed_list_needs_postgresql();
  return pg_->feed_list_version();
}

}  // namespace newsd::store
