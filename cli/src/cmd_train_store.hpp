#pragma once
// `newsd train --from-store` and `newsd eval --from-store` (registered with
// their file-based forms in cmd_classify.cpp): the model trained on, and
// the taggers scored against, the labels of the archive.
#include <string>
#include <vector>

#include "cmd_query_common.hpp"
#include "newsd/classify/model.hpp"

namespace newsd::cli {

struct StoreTrainFlags {
  bool from_store = false;         ///< --from-store given
  query::DbOptions db;             ///< --config (store.path, classify.model) / --db
  std::vector<std::string> tags;   ///< --tags: only these labels (empty = all)
  bool install = false;            ///< write the model over classify.model, then SIGHUP the daemon
  std::string output;              ///< --model: also keep the new model here
  classify::TrainOptions options;  ///< fastText settings, valid_fraction and seed of the held-out split
};

/// Trains on the labelled articles (a stratified held-out split kept
/// aside), prints `key<TAB>value` lines with accuracy and macro-F1 of the
/// new model and of the configured one on that split; installs with
/// --install. Returns the exit status.
int run_train_from_store(const StoreTrainFlags& flags);

/// Per-tag precision/recall/F1 of the stored rule and model tags against
/// the labels. Returns the exit status.
int run_eval_from_store(const query::DbOptions& db);

}  // namespace newsd::cli
