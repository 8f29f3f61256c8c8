#pragma once
// The backend-neutral half of Store::retag (retag.cpp on SQLite,
// pg/retag.cpp on PostgreSQL): the batch loop, the tagging of a batch
// outside any transaction, and the diff of an article's stored rule/model
// rows against the tagger's. Each backend supplies the read of outdated
// articles and the write of one batch.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "newsd/store/store.hpp"

namespace newsd::store::retag {

/// An outdated article as read: its id and what the tagger reads.
struct Outdated {
  std::int64_t id = 0;
  classify::Document doc;
};

/// One article_tags row of a rule or model tag: (name, kind, source) -> score.
using TagKey = std::tuple<std::string, std::string, std::string>;
using TagRows = std::map<TagKey, double>;

/// An article's selected rows as the tagger gives them now.
struct Retagged {
  std::int64_t id = 0;
  TagRows rows;
};

/// Counts per (kind, name), the order RetagReport::changes lists them in.
using ChangesByTag = std::map<std::pair<std::string, std::string>, TagChange>;

/// What makes an article's stored rows the wanted ones.
struct RowDiff {
  std::vector<TagKey> removed;                      ///< stored, no longer given
  std::vector<std::pair<TagKey, double>> added;     ///< given, not stored
  std::vector<std::pair<TagKey, double>> rescored;  ///< stored with another score
  bool empty() const { return removed.empty() && added.empty() && rescored.empty(); }
};

/// Whether rows of `source` ('rule', 'model') are recomputed under `options`.
bool selected(const RetagOptions& options, std::string_view source);

/// The rows to compare with the stored ones: stored rows of a source
/// `options` does not select are not the retag's business.
TagRows selected_rows(const RetagOptions& options, TagRows rows);

/// The diff of `stored` against `wanted`, counted into `changes`.
RowDiff diff(const TagRows& stored, const TagRows& wanted, ChangesByTag& changes);

/// The next `count` outdated articles after id `after_id`, oldest first.
using ReadOutdated = std::function<Result<std::vector<Outdated>>(std::int64_t after_id, std::int64_t count)>;
/// Writes one batch in one transaction, all or nothing; adds its articles
/// and changes to `report`/`changes` only once it committed.
using WriteBatch =
    std::function<Result<void>(const std::vector<Retagged>& batch, RetagReport& report, ChangesByTag& changes)>;

/// Errc::invalid_argument for no source selected or a batch < 1.
Result<void> check(const RetagOptions& options);

/// The whole run: batches of `options.batch` (up to `options.limit`
/// articles) read, tagged outside any transaction and written, `progress`
/// after each; the report with changes by kind, then name.
Result<RetagReport> run(const RetagOptions& options, const RetagTagger& tagger, const RetagProgress& progress,
                        const ReadOutdated& read, const WriteBatch& write);

}  // namespace newsd::store::retag
