// `newsd train --from-store` and `newsd eval --from-store`: the analyst's
// loop from the labels in the archive to a model, and the taggers' scores
// against those labels.
#include "cmd_train_store.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "cli_common.hpp"
#include "daemon_reload.hpp"
#include "newsd/classify/tag_eval.hpp"
#include "newsd/classify/taxonomy.hpp"

namespace newsd::cli {
namespace {

namespace fs = std::filesystem;

struct Archive {
  config::Config config;
  std::vector<store::LabelledArticle> articles;
};

std::optional<Archive> read_archive(const query::DbOptions& db, std::string_view command, int& exit_code) {
  CommandContext ctx;
  auto cfg = query::resolve_config(db, ctx);
  if (!cfg) {
    exit_code = ctx.exit_code;
    return std::nullopt;
  }
  auto store = store::Store::open_readonly(cfg->store);
  if (!store) {
    std::cerr << "newsd " << command << ": " << store.error().message << '\n';
    exit_code = 1;
    return std::nullopt;
  }
  auto articles = store->labelled_articles();
  if (!articles) {
    std::cerr << "newsd " << command << ": " << articles.error().message << '\n';
    exit_code = 1;
    return std::nullopt;
  }
  return Archive{std::move(*cfg), std::move(*articles)};
}

// The training set: each article with a label in force (of `wanted`, when
// given), its labels oldest first (the first one stratifies the split), its
// text as the model reads it at ingest.
std::vector<classify::LabeledText> training_set(const std::vector<store::LabelledArticle>& articles,
                                                const std::vector<std::string>& wanted) {
  std::vector<classify::LabeledText> out;
  for (const auto& a : articles) {
    classify::LabeledText example;
    for (const auto& label : a.labels) {
      if (label.removed) continue;
      if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), label.tag) == wanted.end()) continue;
      example.labels.push_back(label.tag);
    }
    example.text = classify::model_text(classify::Document{a.title, a.text, a.lang});
    if (example.labels.empty() || example.text.empty()) continue;
    out.push_back(std::move(example));
  }
  return out;
}

std::vector<classify::LabeledText> pick(const std::vector<classify::LabeledText>& data,
                                        const std::vector<std::size_t>& indices) {
  std::vector<classify::LabeledText> out;
  for (auto i : indices) out.push_back(data[i]);
  return out;
}

void print_scores(std::string_view who, const classify::Evaluation& e) {
  std::cout << who << "_accuracy\t" << fmt::format("{:.4f}", e.accuracy) << '\n'
            << who << "_macro_f1\t" << fmt::format("{:.4f}", e.macro_f1) << '\n';
}

// The configured model's scores on `valid`, or why there are none.
void report_current_model(const config::Config& cfg, const std::vector<classify::LabeledText>& valid) {
  if (!cfg.classify.model) {
    std::cout << "current_model\tnone (no [classify] model in the config)\n";
    return;
  }
  std::error_code ec;
  if (!fs::exists(*cfg.classify.model, ec)) {
    std::cout << "current_model\tnone (" << cfg.classify.model->string() << " does not exist)\n";
    return;
  }
  auto current = classify::Model::load(*cfg.classify.model);
  if (!current) {
    std::cout << "current_model\tunusable (" << current.error().message << ")\n";
    return;
  }
  std::cout << "current_model\t" << cfg.classify.model->string() << '\n';
  print_scores("current", classify::evaluate(*current, valid));
}

// Where the new model is written first: beside the installed one (so the
// rename is atomic, on one file system), else the --model file, else a
// temporary file that is removed afterwards.
fs::path staging_path(const StoreTrainFlags& flags, const config::Config& cfg) {
  const std::string suffix = ".new-" + std::to_string(::getpid());
  if (flags.install) return cfg.classify.model->string() + suffix;
  if (!flags.output.empty()) return flags.output + suffix;
  return fs::temp_directory_path() / ("newsd-train" + suffix + ".bin");
}

// Renames the staged model into place and tells a running daemon.
int install(const fs::path& staged, const fs::path& target, const fs::path& db) {
  std::error_code ec;
  fs::rename(staged, target, ec);
  if (ec) {
    std::cerr << "newsd train: cannot install " << target.string() << ": " << ec.message() << '\n';
    return 1;
  }
  std::cout << "installed\t" << target.string() << '\n';
  const auto told = reload_running_daemon(db);
  std::cout << "daemon\t" << told.message << '\n';
  return told.outcome == ReloadOutcome::cannot_tell ? 1 : 0;
}

// Removes the staged file unless it was moved into place.
struct Staged {
  fs::path path;
  ~Staged() {
    std::error_code ec;
    fs::remove(path, ec);
  }
};

}  // namespace

int run_train_from_store(const StoreTrainFlags& flags) {
  setup_logging("warn");
  int exit_code = 0;
  auto archive = read_archive(flags.db, "train", exit_code);
  if (!archive) return exit_code;
  if (flags.install && !archive->config.classify.model) {
    std::cerr << "newsd train: --install needs a config whose [classify] model names where the model goes\n";
    return 2;
  }
  const auto data = training_set(archive->articles, flags.tags);
  const auto split = classify::split_for_validation(data, flags.options.valid_fraction, flags.options.seed);
  if (split.valid.empty() || split.train.empty()) {
    std::cerr << "newsd train: " << data.size()
              << " labelled article(s): too few to hold out a validation split (label at least two articles "
                 "of a tag)\n";
    return 2;
  }
  const auto train = pick(data, split.train);
  const auto valid = pick(data, split.valid);

  Staged staged{staging_path(flags, archive->config)};
  classify::TrainOptions options = flags.options;
  options.output = staged.path;
  auto report = classify::train_model(options, train);
  if (!report) {
    std::cerr << "newsd train: " << report.error().message << '\n';
    return report.error().code == Errc::io ? 1 : 2;
  }
  auto model = classify::Model::load(staged.path);
  if (!model) {
    std::cerr << "newsd train: " << model.error().message << '\n';
    return 1;
  }
  std::cout << "labelled_articles\t" << data.size() << "\ntrain\t" << train.size() << "\nvalid\t" << valid.size()
            << "\nlabels\t" << report->labels << '\n';
  print_scores("new", classify::evaluate(*model, valid));
  report_current_model(archive->config, valid);

  std::error_code ec;
  if (!flags.output.empty()) {
    fs::copy_file(staged.path, flags.output, fs::copy_options::overwrite_existing, ec);
    if (ec) {
      std::cerr << "newsd train: cannot write " << flags.output << ": " << ec.message() << '\n';
      return 1;
    }
    std::cout << "model\t" << flags.output << '\n';
  }
  if (!flags.install) return 0;
  const auto where = archive->config.store.path;
  return install(staged.path, *archive->config.classify.model, where);
}

namespace {

// The tags a tagger can give: those it gave any labelled article, and the
// ones its configuration defines (the taxonomy's tags, the model's labels).
std::set<std::string> known_tags(const std::vector<store::LabelledArticle>& articles, std::string_view source,
                                 const std::vector<std::string>& defined) {
  std::set<std::string> known(defined.begin(), defined.end());
  for (const auto& a : articles)
    for (const auto& t : a.tags)
      if (t.source == source) known.insert(t.name);
  return known;
}

std::vector<classify::JudgedArticle> judged(const std::vector<store::LabelledArticle>& articles,
                                            std::string_view source) {
  std::vector<classify::JudgedArticle> out;
  for (const auto& a : articles) {
    classify::JudgedArticle j;
    for (const auto& l : a.labels) (l.removed ? j.rejected : j.labels).insert(l.tag);
    for (const auto& t : a.tags)
      if (t.source == source) j.predicted.insert(t.name);
    out.push_back(std::move(j));
  }
  return out;
}

std::vector<std::string> taxonomy_tags(const config::Config& cfg) {
  std::vector<std::string> out;
  auto taxonomy = classify::load_taxonomy(cfg.classify.taxonomy);
  if (!taxonomy) return out;  // then only the tags the rules gave count
  for (const auto& tag : classify::summarize(**taxonomy)) out.push_back(tag.name);
  return out;
}

std::vector<std::string> model_labels(const config::Config& cfg) {
  if (!cfg.classify.model) return {};
  auto model = classify::Model::load(*cfg.classify.model);
  return model ? model->labels() : std::vector<std::string>{};
}

}  // namespace

int run_eval_from_store(const query::DbOptions& db) {
  setup_logging("warn");
  int exit_code = 0;
  auto archive = read_archive(db, "eval", exit_code);
  if (!archive) return exit_code;
  if (archive->articles.empty()) {
    std::cerr << "newsd eval: no labelled article in the archive (see `newsd label`)\n";
    return 2;
  }
  std::cout << "labelled_articles\t" << archive->articles.size() << '\n';
  std::cout << "source\ttag\tprecision\trecall\tf1\tlabelled\tpredicted\n";
  const std::pair<std::string_view, std::vector<std::string>> taggers[] = {{"rule", taxonomy_tags(archive->config)},
                                                                           {"model", model_labels(archive->config)}};
  std::string summary;
  for (const auto& [source, defined] : taggers) {
    const auto scores =
        classify::score_tags(judged(archive->articles, source), known_tags(archive->articles, source, defined));
    for (const auto& s : scores) {
      std::cout << fmt::format("{}\t{}\t{:.4f}\t{:.4f}\t{:.4f}\t{}\t{}\n", source, s.tag, s.precision, s.recall, s.f1,
                               s.support, s.predicted);
    }
    summary += fmt::format("{}_macro_f1\t{:.4f}\t{} tag(s)\n", source, classify::macro_f1(scores), scores.size());
  }
  std::cout << summary;
  return 0;
}

}  // namespace newsd::cli
