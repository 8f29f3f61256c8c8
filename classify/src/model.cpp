#include "newsd/classify/model.hpp"

#include <fasttext/autotune.h>
#include <fasttext/fasttext.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>

#include "content_version.hpp"
#include "newsd/base/log.hpp"
#include "newsd/classify/text.hpp"

namespace newsd::classify {
namespace {

constexpr std::string_view kLabelPrefix = "__label__";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

/// The model's view of a text: stems, Latin words stemmed in the text's language.
std::string model_input(std::string_view text) { return stem_text(text, detect_language(text)); }

std::string strip_prefix(std::string label) {
  return label.starts_with(kLabelPrefix) ? label.substr(kLabelPrefix.size()) : label;
}

/// Removes the temporary fastText input files however training ends.
struct TempFiles {
  std::vector<std::filesystem::path> paths;
  ~TempFiles() {
    std::error_code ec;
    for (const auto& p : paths) std::filesystem::remove(p, ec);
  }
  std::filesystem::path add(const std::filesystem::path& output, std::string_view suffix) {
    paths.push_back(output.string() + std::string(suffix));
    return paths.back();
  }
};

/// Top-1 scoring shared by evaluate() and the autotune search:
/// `top_label(i)` is the predicted label of data[i] (empty if none).
template <class TopLabel>
Evaluation score_top1(const std::vector<LabeledText>& data, TopLabel&& top_label) {
  struct Counts {
    std::size_t tp = 0, fp = 0, fn = 0, support = 0;
  };
  std::map<std::string, Counts> counts;
  Evaluation result;
  std::size_t hits = 0;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto& example = data[i];
    const std::string top = top_label(i);
    const std::string& gold = example.labels.front();
    ++counts[gold].support;
    if (std::find(example.labels.begin(), example.labels.end(), top) != example.labels.end()) ++hits;
    if (top == gold) {
      ++counts[gold].tp;
    } else {
      ++counts[gold].fn;
      if (!top.empty()) ++counts[top].fp;
    }
  }
  result.examples = data.size();
  result.accuracy = data.empty() ? 0.0 : static_cast<double>(hits) / static_cast<double>(data.size());
  double f1_sum = 0;
  for (const auto& [label, c] : counts) {
    Evaluation::PerClass pc{label, 0, 0, 0, c.support};
    if (c.tp + c.fp > 0) pc.precision = static_cast<double>(c.tp) / static_cast<double>(c.tp + c.fp);
    if (c.tp + c.fn > 0) pc.recall = static_cast<double>(c.tp) / static_cast<double>(c.tp + c.fn);
    if (pc.precision + pc.recall > 0) pc.f1 = 2 * pc.precision * pc.recall / (pc.precision + pc.recall);
    f1_sum += pc.f1;
    result.classes.push_back(std::move(pc));
  }
  result.macro_f1 = result.classes.empty() ? 0.0 : f1_sum / static_cast<double>(result.classes.size());
  return result;
}

/// fastText's arguments for TrainOptions' own settings on `input`.
fasttext::Args base_args(const TrainOptions& options, const std::filesystem::path& input) {
  fasttext::Args args;
  args.input = input.string();
  args.output = options.output.string();
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.epoch = options.epoch;
  args.lr = options.lr;
  args.dim = options.dim;
  args.wordNgrams = options.word_ngrams;
  args.bucket = options.word_ngrams > 1 ? options.bucket : 0;
  args.minCount = options.min_count;
  args.minn = 0;  // stems already merge inflections; sub-word n-grams only added size
  args.maxn = 0;
  args.thread = std::max(1, options.threads);
  args.seed = static_cast<int>(options.seed);
  args.verbose = 0;
  return args;
}

/// How a training run ended when it produced no model but no error either.
enum class Unfinished { none, timed_out, diverged };

struct Trained {
  std::shared_ptr<fasttext::FastText> model;  ///< null unless `unfinished` is none
  Unfinished unfinished = Unfinished::none;
};

/// Trains one model. fastText reports bad input by throwing; a trial past
/// `deadline` is aborted (fastText::AbortError) from the progress callback;
/// too high a learning rate makes it throw EncounteredNaNError.
Result<Trained> train_fasttext(const fasttext::Args& args,
                               std::optional<std::chrono::steady_clock::time_point> deadline = {}) {
  auto model = std::make_shared<fasttext::FastText>();
  fasttext::FastText::TrainCallback callback;
  if (deadline)
    callback = [&model, at = *deadline](float, float, double, double, int64_t) {
      if (std::chrono::steady_clock::now() > at) model->abort();
    };
  try {
    model->train(args, callback);
  } catch (const fasttext::FastText::AbortError&) {
    return Trained{nullptr, Unfinished::timed_out};
  } catch (const fasttext::DenseMatrix::EncounteredNaNError&) {
    return Trained{nullptr, Unfinished::diverged};
  } catch (const std::exception& e) {
    return fail(Errc::invalid_argument, std::string("fastText: ") + e.what());
  }
  return Trained{std::move(model), Unfinished::none};
}

/// One training behind a trial's score: the fastText input it trains on,
/// the examples it is judged on, and fastText's seed for it.
struct ValidationRun {
  std::filesystem::path train_file;
  std::vector<LabeledText> valid;
  std::vector<std::string> valid_input;  ///< the pipeline's text of each `valid` example, newline-terminated
  int seed = 0;
};

struct TrialResult {
  Unfinished unfinished = Unfinished::none;
  double score = 0;  ///< (accuracy + macro-F1) / 2 over every run's predictions
};

fasttext::Args with_settings(fasttext::Args args, const TunedSettings& s) {
  args.epoch = s.epoch;
  args.lr = s.lr;
  args.dim = s.dim;
  args.wordNgrams = s.word_ngrams;
  args.bucket = s.bucket;
  args.minn = s.minn;
  args.maxn = s.maxn;
  return args;
}

TunedSettings settings_of(const fasttext::Args& a) {
  return TunedSettings{a.epoch, a.lr, a.dim, a.wordNgrams, a.bucket, a.minn, a.maxn};
}

/// The part of fastText's autotune newsd uses: its search strategy (Gaussian
/// steps around the best settings so far, narrowing as the budget runs out).
/// newsd runs the loop itself rather than fasttext::Autotune::train because
/// that one scores micro-F1 only (newsd is judged on accuracy and macro-F1
/// too), trains each trial once on one split (too noisy to rank settings
/// that differ by less than two trainings of one setting do), lets a trial
/// reach 10M buckets × 1000 dimensions (tens of GB), and retrains the winner
/// on the training split only.
class AutotuneSearch {
 public:
  AutotuneSearch(const TrainOptions& options, fasttext::Args defaults, std::vector<ValidationRun> runs)
      : options_(options), strategy_(defaults, options.seed), defaults_(std::move(defaults)), runs_(std::move(runs)) {
    for (const auto& run : runs_) pooled_gold_.insert(pooled_gold_.end(), run.valid.begin(), run.valid.end());
  }

  Result<AutotuneReport> run(fasttext::Args& best) {
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + std::chrono::seconds(options_.autotune_seconds);
    AutotuneReport report;
    report.runs_per_trial = static_cast<int>(runs_.size());
    best = defaults_;
    if (auto seeded = try_starting_points(report, best); !seeded) return std::unexpected(seeded.error());
    // The strategy's first proposal is its best so far, already scored.
    strategy_.ask(0);
    while (std::chrono::steady_clock::now() < deadline) {
      const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const fasttext::Args trial = bounded(strategy_.ask(elapsed));
      auto result = score(trial, deadline);
      if (!result) return std::unexpected(result.error());
      if (result->unfinished == Unfinished::timed_out) break;
      // A diverging trial (fastText's own autotune skips them too) scores as
      // worse than any model.
      if (result->unfinished == Unfinished::diverged) continue;
      record(trial, result->score, report, best);
    }
    report.best = settings_of(best);
    return report;
  }

 private:
  /// Trains every starting point in full, however small the budget, so the
  /// search always has them to beat.
  Result<void> try_starting_points(AutotuneReport& report, fasttext::Args& best) {
    for (const auto& point : autotune_starting_points(options_)) {
      const fasttext::Args trial = bounded(with_settings(defaults_, point));
      auto result = score(trial, std::nullopt);
      if (!result) return std::unexpected(result.error());
      if (result->unfinished == Unfinished::diverged && report.trials == 0)
        return fail(Errc::invalid_argument, "training diverged (NaN) with the starting settings; lower the lr");
      if (result->unfinished != Unfinished::none) continue;
      record(trial, result->score, report, best);
      ++report.starting_points;
    }
    return {};
  }

  void record(const fasttext::Args& trial, double score, AutotuneReport& report, fasttext::Args& best) {
    log::info("classify.autotune.trial", {{"trial", report.trials + 1},
                                          {"epoch", trial.epoch},
                                          {"lr", trial.lr},
                                          {"dim", trial.dim},
                                          {"word_ngrams", trial.wordNgrams},
                                          {"bucket", trial.bucket},
                                          {"minn", trial.minn},
                                          {"score", score}});
    if (report.trials++ == 0)
      report.baseline_score = report.best_score = score;
    else if (score <= report.best_score)
      return;
    report.best_score = score;
    best = trial;
    strategy_.updateBest(trial);
  }

  /// Trains `trial` once per run (aborting at `deadline`) and scores the
  /// predictions of all runs as one set: pooling keeps macro-F1's small
  /// classes whole instead of averaging per-run F1s of a handful of examples.
  Result<TrialResult> score(const fasttext::Args& trial,
                            std::optional<std::chrono::steady_clock::time_point> deadline) const {
    std::vector<std::string> predicted;
    predicted.reserve(pooled_gold_.size());
    for (const auto& run : runs_) {
      fasttext::Args args = trial;
      args.input = run.train_file.string();
      args.seed = run.seed;
      auto trained = train_fasttext(args, deadline);
      if (!trained) return std::unexpected(trained.error());
      if (trained->unfinished != Unfinished::none) return TrialResult{trained->unfinished, 0};
      for (const auto& text : run.valid_input) predicted.push_back(top_label(*trained->model, text));
    }
    const auto evaluation = score_predictions(pooled_gold_, predicted);
    return TrialResult{Unfinished::none, (evaluation.accuracy + evaluation.macro_f1) / 2};
  }

  static std::string top_label(const fasttext::FastText& model, const std::string& input) {
    std::istringstream in(input);
    std::vector<std::pair<fasttext::real, std::string>> predictions;
    model.predictLine(in, predictions, 1, 0.0);
    return predictions.empty() ? std::string{} : strip_prefix(predictions.front().second);
  }

  /// Clamps what the strategy proposed to TrainOptions' bounds; buckets are
  /// only allocated when word or sub-word n-grams use them.
  fasttext::Args bounded(fasttext::Args args) const {
    args.dim = std::clamp(args.dim, 1, std::max(1, options_.max_dim));
    args.bucket = args.wordNgrams <= 1 && args.maxn == 0 ? 0 : std::min(args.bucket, options_.max_bucket);
    args.verbose = 0;
    return args;
  }

  const TrainOptions& options_;
  fasttext::AutotuneStrategy strategy_;
  fasttext::Args defaults_;
  std::vector<ValidationRun> runs_;
  std::vector<LabeledText> pooled_gold_;  ///< every run's `valid`, in run order
};

/// Quantizes the model saved at `full` into `output`, pruning the input
/// matrix to fewer rows until the file fits `max_size` (if any). Each
/// attempt reloads the unquantized model: quantization cannot be undone.
constexpr std::int64_t kMinQuantizedRows = 256;

Result<std::uintmax_t> write_quantized(const std::filesystem::path& full, const std::filesystem::path& output,
                                       const fasttext::Args& trained, std::optional<std::uintmax_t> max_size) {
  int cutoff = 0;  // 0 = keep every row
  for (int attempt = 0; attempt < 10; ++attempt) {
    std::int64_t rows = 0;
    try {
      fasttext::FastText model;
      model.loadModel(full.string());
      rows = model.getDictionary()->nwords() + model.getArgs().bucket;
      fasttext::Args qargs = trained;
      qargs.qnorm = true;
      qargs.retrain = false;
      qargs.cutoff = static_cast<std::size_t>(cutoff);
      qargs.dsub = 2;
      qargs.verbose = 0;
      model.quantize(qargs);
      model.saveModel(output.string());
    } catch (const std::invalid_argument& e) {
      // e.g. fewer than 256 rows: the data is too small to quantize.
      return fail(Errc::invalid_argument, fmt::format("fastText: cannot quantize: {}", e.what()));
    } catch (const std::exception& e) {
      return fail(Errc::io, fmt::format("fastText: cannot quantize into {}: {}", output.string(), e.what()));
    }
    std::error_code ec;
    const auto bytes = std::filesystem::file_size(output, ec);
    if (ec) return fail(Errc::io, "cannot stat " + output.string());
    if (!max_size || bytes <= *max_size) return bytes;
    // Rows (a word's or bucket's codes, and the word itself) dominate the
    // file: shrink their number in proportion, with a margin. Product
    // quantization needs 256 rows to train its centroids.
    const std::int64_t kept = cutoff > 0 ? cutoff : rows;
    if (kept <= kMinQuantizedRows) break;
    const auto next = static_cast<std::int64_t>(static_cast<double>(kept) * static_cast<double>(*max_size) /
                                                static_cast<double>(bytes) * 0.9);
    cutoff = static_cast<int>(std::clamp<std::int64_t>(next, kMinQuantizedRows, kept - 1));
  }
  return fail(Errc::invalid_argument,
              fmt::format("{}: the model does not fit in {} bytes even pruned", output.string(), *max_size));
}

/// Writes the trained model where the options say, quantized if asked.
Result<std::uintmax_t> save_model(fasttext::FastText& model, const TrainOptions& options, TempFiles& temp) {
  const bool quantize = options.quantize || options.max_size.has_value();
  const std::filesystem::path full = quantize ? temp.add(options.output, ".full.tmp") : options.output;
  try {
    model.saveModel(full.string());
  } catch (const std::exception& e) {
    return fail(Errc::io, fmt::format("fastText: cannot write {}: {}", full.string(), e.what()));
  }
  if (quantize) return write_quantized(full, options.output, model.getArgs(), options.max_size);
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(full, ec);
  if (ec) return fail(Errc::io, "cannot stat " + full.string());
  return bytes;
}

/// More folds cost a training each per trial for ever less validation noise.
constexpr int kMaxFolds = 10;

Result<void> check_options(const TrainOptions& o) {
  if (o.epoch <= 0 || o.lr <= 0 || o.dim <= 0 || o.word_ngrams <= 0 || o.bucket < 0 || o.max_bucket < 0 ||
      o.max_dim <= 0)
    return fail(Errc::invalid_argument, "epoch, lr, dim, wordNgrams and max-dim must be positive");
  if (o.folds < 1 || o.folds > kMaxFolds)
    return fail(Errc::invalid_argument, fmt::format("folds must be between 1 and {}", kMaxFolds));
  if (o.valid_fraction <= 0 || o.valid_fraction >= 1)
    return fail(Errc::invalid_argument, "the validation fraction must be between 0 and 1");
  if (o.max_size && *o.max_size == 0) return fail(Errc::invalid_argument, "max-size must be positive");
  return {};
}

/// Refuses what cannot train a classifier; `origin` names the data in messages.
Result<void> check_training_data(const std::vector<LabeledText>& data, std::string_view origin) {
  if (data.empty()) return fail(Errc::invalid_argument, fmt::format("{}: no training examples", origin));
  std::set<std::string_view> labels;
  for (const auto& example : data) labels.insert(example.labels.begin(), example.labels.end());
  if (labels.size() < 2)
    return fail(Errc::invalid_argument,
                fmt::format("{}: only one label ({}); a classifier needs at least two", origin, *labels.begin()));
  return {};
}

std::vector<LabeledText> pick(const std::vector<LabeledText>& data, const std::vector<std::size_t>& indices) {
  std::vector<LabeledText> out;
  out.reserve(indices.size());
  for (auto i : indices) out.push_back(data[i]);
  return out;
}

/// The pipeline's text of every example, computed once for all the files
/// autotune writes (tokenising is the slow part of writing them).
std::vector<std::string> pipeline_texts(const std::vector<LabeledText>& data) {
  std::vector<std::string> texts;
  texts.reserve(data.size());
  for (const auto& example : data) texts.push_back(model_input(example.text));
  return texts;
}

/// Writes data[i] for each of `indices` as fastText reads it; returns the
/// number of distinct labels written.
Result<std::size_t> write_fasttext_lines(const std::filesystem::path& path, const std::vector<LabeledText>& data,
                                         const std::vector<std::string>& texts,
                                         const std::vector<std::size_t>& indices) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return fail(Errc::io, "cannot write " + path.string());
  std::set<std::string> labels;
  for (const auto i : indices) {
    for (const auto& label : data[i].labels) {
      out << kLabelPrefix << label << ' ';
      labels.insert(label);
    }
    out << texts[i] << '\n';
  }
  if (!out.flush()) return fail(Errc::io, "cannot write " + path.string());
  return labels.size();
}

std::vector<std::size_t> all_indices(std::size_t n) {
  std::vector<std::size_t> indices(n);
  for (std::size_t i = 0; i < n; ++i) indices[i] = i;
  return indices;
}

/// The indices of each first label's examples, each list shuffled by one
/// generator seeded with `seed`, labels in name order.
std::vector<std::vector<std::size_t>> shuffled_by_label(const std::vector<LabeledText>& data, std::uint32_t seed) {
  std::map<std::string_view, std::vector<std::size_t>> by_label;
  for (std::size_t i = 0; i < data.size(); ++i) by_label[data[i].labels.front()].push_back(i);
  std::mt19937 rng(seed);
  std::vector<std::vector<std::size_t>> out;
  for (auto& [label, indices] : by_label) {
    std::shuffle(indices.begin(), indices.end(), rng);
    out.push_back(std::move(indices));
  }
  return out;
}

ValidationRun make_run(std::filesystem::path train_file, std::vector<LabeledText> valid, int seed) {
  ValidationRun run{std::move(train_file), std::move(valid), {}, seed};
  for (const auto& example : run.valid) run.valid_input.push_back(model_input(example.text) + "\n");
  return run;
}

/// The trainings behind each trial's score (TrainOptions::folds): with
/// `--valid`, `folds` seeds on all the data (`all_data`); else k folds of
/// `data`, or one `valid_fraction` split, each written to a temporary file.
Result<std::vector<ValidationRun>> validation_runs(const TrainOptions& options, const std::vector<LabeledText>& data,
                                                   const std::vector<std::string>& texts,
                                                   const std::filesystem::path& all_data, TempFiles& temp) {
  std::vector<ValidationRun> runs;
  if (options.valid) {
    auto valid = read_labeled_file(*options.valid);
    if (!valid) return std::unexpected(valid.error());
    if (valid->empty()) return fail(Errc::invalid_argument, "autotune: no validation examples");
    for (int i = 0; i < options.folds; ++i)
      runs.push_back(make_run(all_data, *valid, static_cast<int>(options.seed) + i));
    return runs;
  }
  const auto splits = options.folds >= 2
                          ? split_folds(data, options.folds, options.seed)
                          : std::vector{split_for_validation(data, options.valid_fraction, options.seed)};
  for (std::size_t i = 0; i < splits.size(); ++i) {
    if (splits[i].valid.empty()) return fail(Errc::invalid_argument, "autotune: no validation examples");
    const auto file = temp.add(options.output, fmt::format(".fold{}.tmp", i));
    if (auto written = write_fasttext_lines(file, data, texts, splits[i].train); !written)
      return std::unexpected(written.error());
    runs.push_back(make_run(file, pick(data, splits[i].valid), static_cast<int>(options.seed + i)));
  }
  return runs;
}

/// Runs the search; returns fastText's arguments for the final model.
Result<fasttext::Args> autotune(const TrainOptions& options, const std::vector<LabeledText>& data,
                                const std::vector<std::string>& texts, const fasttext::Args& defaults, TempFiles& temp,
                                TrainReport& report) {
  auto runs = validation_runs(options, data, texts, defaults.input, temp);
  if (!runs) return std::unexpected(runs.error());
  std::size_t valid_examples = 0;
  for (const auto& run : *runs) valid_examples += run.valid.size();
  if (options.valid) valid_examples = runs->front().valid.size();  // the same file each run
  fasttext::Args search_args = defaults;
  search_args.autotuneDuration = options.autotune_seconds;  // the strategy narrows its steps over this span
  AutotuneSearch search(options, search_args, std::move(*runs));
  fasttext::Args best;
  auto searched = search.run(best);
  if (!searched) return std::unexpected(searched.error());
  report.autotune = *searched;
  report.autotune->valid_examples = valid_examples;
  best.input = defaults.input;  // the winner is trained again on all the data
  best.seed = defaults.seed;
  return best;
}

}  // namespace

std::optional<LabeledText> parse_labeled_line(std::string_view line) {
  const auto tab = line.find('\t');
  if (tab == std::string_view::npos) return std::nullopt;
  LabeledText out;
  std::string_view labels = line.substr(0, tab);
  while (!labels.empty()) {
    const auto comma = labels.find(',');
    const std::string_view label = trim(labels.substr(0, comma));
    if (!label.empty()) out.labels.emplace_back(label);
    labels = comma == std::string_view::npos ? std::string_view{} : labels.substr(comma + 1);
  }
  out.text = std::string(trim(line.substr(tab + 1)));
  if (out.labels.empty() || out.text.empty()) return std::nullopt;
  return out;
}

Result<std::vector<LabeledText>> read_labeled_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io, "cannot read " + path.string());
  std::vector<LabeledText> out;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (trim(line).empty()) continue;
    auto parsed = parse_labeled_line(line);
    if (!parsed)
      return fail(Errc::invalid_argument,
                  fmt::format("{}:{}: expected label[,label…]<TAB>text", path.string(), number));
    out.push_back(std::move(*parsed));
  }
  return out;
}

Result<std::size_t> write_fasttext_input(const std::vector<LabeledText>& data, const std::filesystem::path& path) {
  return write_fasttext_lines(path, data, pipeline_texts(data), all_indices(data.size()));
}

DataSplit split_for_validation(const std::vector<LabeledText>& data, double fraction, std::uint32_t seed) {
  DataSplit split;
  for (const auto& indices : shuffled_by_label(data, seed)) {
    // Every label with two examples or more gets one in validation, so the
    // search is judged on small classes too (macro-F1).
    const auto wanted = static_cast<std::size_t>(std::lround(fraction * static_cast<double>(indices.size())));
    const std::size_t held = indices.size() < 2 ? 0 : std::clamp<std::size_t>(wanted, 1, indices.size() - 1);
    split.valid.insert(split.valid.end(), indices.begin(), indices.begin() + static_cast<std::ptrdiff_t>(held));
    split.train.insert(split.train.end(), indices.begin() + static_cast<std::ptrdiff_t>(held), indices.end());
  }
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.valid.begin(), split.valid.end());
  return split;
}

std::vector<DataSplit> split_folds(const std::vector<LabeledText>& data, int folds, std::uint32_t seed) {
  const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(std::max(folds, 1)), data.size());
  std::vector<DataSplit> splits(k);
  // Deal each label's shuffled examples round-robin, carrying the position
  // over from label to label, so that labels with fewer examples than folds
  // do not all land in the first fold.
  std::size_t next = 0;
  for (const auto& indices : shuffled_by_label(data, seed))
    for (const auto i : indices) splits[next++ % k].valid.push_back(i);
  const auto all = all_indices(data.size());
  for (auto& split : splits) {
    std::sort(split.valid.begin(), split.valid.end());
    std::set_difference(all.begin(), all.end(), split.valid.begin(), split.valid.end(),
                        std::back_inserter(split.train));
  }
  return splits;
}

std::vector<TunedSettings> autotune_starting_points(const TrainOptions& o) {
  const int bucket = std::min(o.bucket, o.max_bucket);
  const int stock_bucket = std::min(2'000'000, o.max_bucket);  // fastText's -bucket default
  const std::vector<TunedSettings> candidates = {
      {o.epoch, o.lr, o.dim, o.word_ngrams, o.word_ngrams > 1 ? bucket : 0, 0, 0},
      {25, 0.5, 100, 1, 0, 0, 0},             // fastText CLI -epoch 25 -lr 0.5 (its dim 100)
      {25, 0.5, 100, 2, stock_bucket, 0, 0},  // and -wordNgrams 2
  };
  std::vector<TunedSettings> points;
  for (auto point : candidates) {
    point.dim = std::clamp(point.dim, 1, std::max(1, o.max_dim));
    if (std::find(points.begin(), points.end(), point) == points.end()) points.push_back(point);
  }
  return points;
}

Result<TrainReport> train_model(const TrainOptions& options) {
  if (auto ok = check_options(options); !ok) return std::unexpected(ok.error());
  auto data = read_labeled_file(options.data);
  if (!data) return std::unexpected(data.error());
  if (auto ok = check_training_data(*data, options.data.string()); !ok) return std::unexpected(ok.error());
  return train_model(options, *data);
}

Result<TrainReport> train_model(const TrainOptions& options, const std::vector<LabeledText>& data) {
  if (auto ok = check_options(options); !ok) return std::unexpected(ok.error());
  if (auto ok = check_training_data(data, "training data"); !ok) return std::unexpected(ok.error());

  TempFiles temp;
  const auto train_file = temp.add(options.output, ".train.tmp");
  const auto texts = pipeline_texts(data);
  auto labels = write_fasttext_lines(train_file, data, texts, all_indices(data.size()));
  if (!labels) return std::unexpected(labels.error());

  TrainReport report{data.size(), *labels, 0, std::nullopt};
  fasttext::Args args = base_args(options, train_file);
  if (options.autotune_seconds > 0) {
    auto best = autotune(options, data, texts, args, temp, report);
    if (!best) return std::unexpected(best.error());
    args = *best;
  }
  auto trained = train_fasttext(args);
  if (!trained) return std::unexpected(trained.error());
  if (trained->unfinished != Unfinished::none)
    return fail(Errc::invalid_argument, fmt::format("training diverged (NaN) with lr {}; lower it", args.lr));
  auto bytes = save_model(*trained->model, options, temp);
  if (!bytes) return std::unexpected(bytes.error());
  report.model_bytes = *bytes;
  log::info("classify.train.done", {{"examples", report.examples},
                                    {"labels", report.labels},
                                    {"bytes", report.model_bytes},
                                    {"model", options.output.string()}});
  return report;
}

Result<std::string> model_version(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return fail(Errc::io, "cannot read model " + path.string());
  std::ifstream in(path, std::ios::binary);
  ContentVersion version;
  std::string chunk(1 << 20, '\0');
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    version.add(std::string_view(chunk.data(), static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad()) return fail(Errc::io, "cannot read model " + path.string());
  return version.hex();
}

Result<Model> Model::load(const std::filesystem::path& path) {
  auto version = model_version(path);
  if (!version) return std::unexpected(version.error());
  try {
    auto model = std::make_shared<fasttext::FastText>();
    model->loadModel(path.string());
    return Model(std::move(model), std::move(*version));
  } catch (const std::exception& e) {
    return fail(Errc::parse, path.string() + ": not a fastText model (" + e.what() + ")");
  }
}

std::string model_text(const Document& doc) { return doc.title.empty() ? doc.body : doc.title + "\n" + doc.body; }

std::vector<Tag> Model::predict(const Document& doc, int k, double threshold) const {
  return predict_text(model_text(doc), k, threshold);
}

std::vector<Tag> Model::predict_text(std::string_view text, int k, double threshold) const {
  std::vector<Tag> tags;
  if (k <= 0) return tags;
  // predictLine keeps its scratch state on the stack, so concurrent calls
  // on one const model are safe.
  std::istringstream in(model_input(text) + "\n");
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  model_->predictLine(in, predictions, k, static_cast<fasttext::real>(threshold));
  for (auto& [probability, label] : predictions) {
    tags.push_back(Tag{strip_prefix(std::move(label)), TagKind::model, std::min(1.0, static_cast<double>(probability)),
                       TagSource::model});
  }
  return tags;
}

std::vector<std::string> Model::labels() const {
  std::vector<std::string> out;
  const auto dictionary = model_->getDictionary();
  for (int32_t i = 0; i < dictionary->nlabels(); ++i) {
    out.push_back(strip_prefix(dictionary->getLabel(i)));
  }
  return out;
}

Evaluation score_predictions(const std::vector<LabeledText>& data, const std::vector<std::string>& predicted) {
  return score_top1(data, [&](std::size_t i) { return predicted[i]; });
}

Evaluation evaluate(const Model& model, const std::vector<LabeledText>& data) {
  return score_top1(data, [&](std::size_t i) {
    const auto predicted = model.predict_text(data[i].text, 1, 0.0);
    return predicted.empty() ? std::string{} : predicted.front().name;
  });
}

std::string format_evaluation(const Evaluation& e) {
  std::string out =
      fmt::format("examples\t{}\naccuracy\t{:.4f}\nmacro_f1\t{:.4f}\n", e.examples, e.accuracy, e.macro_f1);
  out += "label\tprecision\trecall\tf1\tsupport\n";
  for (const auto& c : e.classes)
    out += fmt::format("{}\t{:.4f}\t{:.4f}\t{:.4f}\t{}\n", c.label, c.precision, c.recall, c.f1, c.support);
  return out;
}

}  // namespace newsd::classify
