#include "retag_plan.hpp"

#include <algorithm>
#include <cmath>

#include "newsd/base/log.hpp"

namespace newsd::store::retag {
namespace {

constexpr std::string_view kRule = "rule";
constexpr std::string_view kModel = "model";

TagChange& change_of(ChangesByTag& changes, const TagKey& key) {
  const auto& [name, kind, source] = key;
  auto [it, added] = changes.try_emplace(std::pair{kind, name});
  if (added) {
    it->second.name = name;
    it->second.kind = kind;
  }
  return it->second;
}

// The tagger's rows of each article, kept to the selected sources. Slow
// (the whole text pipeline), hence before the write transaction begins.
std::vector<Retagged> compute(const std::vector<Outdated>& articles, const RetagOptions& options,
                              const RetagTagger& tagger) {
  std::vector<Retagged> out;
  out.reserve(articles.size());
  for (const auto& article : articles) {
    Retagged r{article.id, {}};
    for (auto& tag : tagger(article.doc)) {
      if (tag.name.empty() || !selected(options, classify::to_string(tag.source))) continue;
      TagKey key{std::move(tag.name), std::string(classify::to_string(tag.kind)),
                 std::string(classify::to_string(tag.source))};
      r.rows.try_emplace(std::move(key), tag.score);
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

bool selected(const RetagOptions& options, std::string_view source) {
  return (source == kRule && options.rules) || (source == kModel && options.model);
}

TagRows selected_rows(const RetagOptions& options, TagRows rows) {
  std::erase_if(rows, [&](const auto& row) { return !selected(options, std::get<2>(row.first)); });
  return rows;
}

RowDiff diff(const TagRows& stored, const TagRows& wanted, ChangesByTag& changes) {
  RowDiff out;
  for (const auto& [key, score] : stored) {
    if (wanted.contains(key)) continue;
    out.removed.push_back(key);
    ++change_of(changes, key).removed;
  }
  for (const auto& [key, score] : wanted) {
    const auto old = stored.find(key);
    if (old == stored.end()) {
      out.added.emplace_back(key, score);
      ++change_of(changes, key).added;
    } else if (std::abs(old->second - score) > 1e-9) {
      out.rescored.emplace_back(key, score);
      ++change_of(changes, key).rescored;
    }
  }
  return out;
}

Result<void> check(const RetagOptions& options) {
  if (!options.rules && !options.model) return fail(Errc::invalid_argument, "retag: neither rules nor model selected");
  if (options.batch < 1) return fail(Errc::invalid_argument, "retag: batch must be at least 1");
  return {};
}

Result<RetagReport> run(const RetagOptions& options, const RetagTagger& tagger, const RetagProgress& progress,
                        const ReadOutdated& read, const WriteBatch& write) {
  RetagReport report;
  ChangesByTag changes;
  std::int64_t after_id = 0;
  while (true) {
    std::int64_t count = options.batch;
    if (options.limit) count = std::min(count, *options.limit - report.articles);
    if (count <= 0) break;  // the limit is reached; what is left stays outdated
    auto outdated = read(after_id, count);
    if (!outdated) return std::unexpected(outdated.error());
    if (outdated->empty()) {
      report.complete = true;
      break;
    }
    after_id = outdated->back().id;
    if (auto ok = write(compute(*outdated, options, tagger), report, changes); !ok) return std::unexpected(ok.error());
    if (progress) progress(report);
  }
  for (auto& [key, change] : changes) report.changes.push_back(std::move(change));
  log::info("store.retag", {{"articles", report.articles},
                            {"changed", report.changed_articles},
                            {"batches", report.batches},
                            {"complete", report.complete}});
  return report;
}

}  // namespace newsd::store::retag
