#pragma once
/// The optional statistical classifier: a fastText model trained on texts
/// passed through the same text pipeline as the rules (stems, text.hpp).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/classify/tags.hpp"

namespace fasttext {
class FastText;
}

namespace newsd::classify {

/// One line of a training or evaluation file: `label[,label…]<TAB>text`.
struct LabeledText {
  std::vector<std::string> labels;
  std::string text;
};

/// Parses one `label[,label…]<TAB>text` line; nullopt if it has no tab, no
/// label or no text. Labels are trimmed; empty labels are dropped.
std::optional<LabeledText> parse_labeled_line(std::string_view line);

/// Reads a whole TSV file. Fails with Errc::io if unreadable, with
/// Errc::invalid_argument (`file:line: …`) on the first malformed line.
Result<std::vector<LabeledText>> read_labeled_file(const std::filesystem::path& path);

/// Training settings. The defaults were measured on the ASND dev data
/// (docs/performance.md, "Classification"); fastText's own (5 epochs, lr 0.1)
/// collapse to the majority class on a few thousand short texts.
struct TrainOptions {
  std::filesystem::path data;                  ///< training TSV
  std::filesystem::path output;                ///< model file to write
  std::optional<std::filesystem::path> valid;  ///< autotune's validation TSV; else a split of `data`
  int epoch = 40;
  double lr = 0.5;
  int dim = 64;
  int word_ngrams = 1;   ///< 2 scored lower macro-F1 on ASND dev (stems already carry the signal)
  int bucket = 200'000;  ///< n-gram hash buckets, only used when word_ngrams > 1
  int min_count = 1;
  int threads = 2;
  /// > 0: search hyper-parameters (epoch, lr, dim, word n-grams, sub-word
  /// n-grams, buckets) for about this long: autotune_starting_points() first
  /// (always trained in full, even past the budget), then fastText's autotune
  /// strategy around the best so far; the best is trained on all of `data`.
  int autotune_seconds = 0;
  /// Autotune trains each trial this many times and scores the predictions
  /// of all of them as one set, because one training is too noisy to rank
  /// settings (two trainings of one setting differ by up to 0.018). >= 2:
  /// stratified k-fold over `data` (every example validated once, by a model
  /// that did not see it); 1: one `valid_fraction` split. With `valid`, each
  /// run trains on all of `data` with its own seed.
  int folds = 3;
  double valid_fraction = 0.1;  ///< share of each label held out when `folds` is 1 (and by `train --from-store`)
  int max_bucket = 500'000;     ///< autotune never tries more buckets (fastText's own range reaches 10M)
  int max_dim = 300;            ///< nor a larger dimension (its own range reaches 1000)
  /// Bytes: write a quantized (.ftz) model, pruned until the file fits;
  /// Errc::invalid_argument if it cannot. Implies `quantize`.
  std::optional<std::uintmax_t> max_size;
  bool quantize = false;   ///< write a compressed (.ftz-style) model
  std::uint32_t seed = 1;  ///< validation split, search and fastText's initialisation
};

/// The settings autotune may change, as chosen.
struct TunedSettings {
  int epoch = 0;
  double lr = 0;
  int dim = 0;
  int word_ngrams = 0;
  int bucket = 0;
  int minn = 0, maxn = 0;  ///< sub-word n-gram lengths (0 = none)
  bool operator==(const TunedSettings&) const = default;
};

/// The settings autotune trains first, before fastText's strategy proposes
/// any: TrainOptions' own, then the stock fastText CLI settings known to do
/// well on short news posts (`-epoch 25 -lr 0.5`, and with `-wordNgrams 2`;
/// fastText's dim 100 and its 2M buckets capped at `max_bucket`). Clamped to
/// `max_dim`; duplicates dropped; buckets 0 when no n-gram uses them. The
/// search keeps the best-scoring trial, so on its validation score it never
/// ends below any of these.
std::vector<TunedSettings> autotune_starting_points(const TrainOptions& options);

/// What the autotune search saw. A trial's score is (accuracy + macro-F1) / 2
/// over the predictions of all its runs (TrainOptions::folds), each made by a
/// model trained without the examples it predicts.
struct AutotuneReport {
  std::size_t valid_examples = 0;  ///< distinct examples validated on
  int runs_per_trial = 0;          ///< trainings behind each score
  int starting_points = 0;         ///< trials from autotune_starting_points()
  int trials = 0;                  ///< trials that finished and were scored, starting points included
  double baseline_score = 0;       ///< the first trial: TrainOptions' own settings
  double best_score = 0;           ///< >= baseline_score
  TunedSettings best;              ///< the settings of the final model
};

struct TrainReport {
  std::size_t examples = 0;
  std::size_t labels = 0;
  std::uintmax_t model_bytes = 0;
  std::optional<AutotuneReport> autotune;  ///< set when autotune_seconds > 0
};

/// Trains a model and writes it to `options.output`. Texts go through
/// stem_text(). Fails with Errc::invalid_argument on bad options or data
/// (no examples, fewer than two labels, a malformed line), Errc::io if a
/// file cannot be read or written.
Result<TrainReport> train_model(const TrainOptions& options);

/// Same on examples in memory (`options.data` is not read): for training
/// sets built elsewhere, such as the labelled articles of the store.
Result<TrainReport> train_model(const TrainOptions& options, const std::vector<LabeledText>& data);

/// The text of a document as the model sees it, before the pipeline:
/// title and body joined by a newline (the body alone without a title).
/// Model::predict() and every training set built from documents use it,
/// so training and ingest-time tagging read the same text.
std::string model_text(const Document& doc);

/// Indices into a data set, split in two.
struct DataSplit {
  std::vector<std::size_t> train, valid;
};

/// Holds out about `fraction` of the examples of each first label (at least
/// one of every label that has two or more; a label seen once stays in
/// `train`). Deterministic for a given `seed`; both index lists ascending.
DataSplit split_for_validation(const std::vector<LabeledText>& data, double fraction, std::uint32_t seed);

/// Stratified k-fold: min(`folds`, data.size()) splits whose `valid` parts
/// partition the examples, each label's examples dealt evenly across them
/// (by first label), every `train` the complement of its `valid`.
/// Deterministic for a given `seed`; index lists ascending.
std::vector<DataSplit> split_folds(const std::vector<LabeledText>& data, int folds, std::uint32_t seed);

/// Writes `data` as fastText reads it: `__label__` prefixes, then the text
/// through the same pipeline as Model::predict_text(). For training other
/// fastText tools on exactly what newsd's model sees. Returns the number of
/// distinct labels.
Result<std::size_t> write_fasttext_input(const std::vector<LabeledText>& data, const std::filesystem::path& path);

/// A loaded model. predict() is const and thread-safe: one Model may be
/// shared by all workers. Copies share the underlying model.
class Model {
 public:
  /// Loads a `.bin` or quantized model written by train_model (or by the
  /// fastText CLI on stemmed text). Errc::io / Errc::parse on failure.
  static Result<Model> load(const std::filesystem::path& path);

  /// Up to `k` labels with probability >= `threshold`, most probable first,
  /// as tags of kind `model`, source `model`, score = probability.
  std::vector<Tag> predict(const Document& doc, int k, double threshold) const;

  /// Same for raw text (title and body already joined).
  std::vector<Tag> predict_text(std::string_view text, int k, double threshold) const;

  /// Every label the model knows, without fastText's `__label__` prefix.
  std::vector<std::string> labels() const;

  /// model_version() of the file this model was loaded from.
  const std::string& version() const noexcept { return version_; }

 private:
  Model(std::shared_ptr<const fasttext::FastText> model, std::string version)
      : model_(std::move(model)), version_(std::move(version)) {}
  std::shared_ptr<const fasttext::FastText> model_;
  std::string version_;
};

/// The version of the model file at `path`: a content hash (16 hex digits)
/// of its bytes, what Model::load records as Model::version(). Stored with
/// each article's model tags, so that `newsd retag` knows which are
/// outdated; reads the file without loading the model. Errc::io if it
/// cannot be read.
Result<std::string> model_version(const std::filesystem::path& path);

/// Scores of a model on labelled data (top-1 prediction against the first
/// gold label; accuracy counts a hit on any gold label).
struct Evaluation {
  struct PerClass {
    std::string label;
    double precision = 0, recall = 0, f1 = 0;
    std::size_t support = 0;  ///< gold examples of this label
  };
  std::size_t examples = 0;
  double accuracy = 0;
  double macro_f1 = 0;            ///< mean F1 over labels seen in gold or predictions
  std::vector<PerClass> classes;  ///< label order
};

Evaluation evaluate(const Model& model, const std::vector<LabeledText>& data);

/// The same scores for labels predicted elsewhere: `predicted[i]` is the
/// top label for data[i] (empty for none). Autotune scores a trial by
/// passing every run's validation examples and predictions as one set.
/// Precondition: predicted.size() == data.size().
Evaluation score_predictions(const std::vector<LabeledText>& data, const std::vector<std::string>& predicted);

/// Human-readable report: accuracy, macro-F1, then one line per class.
std::string format_evaluation(const Evaluation& evaluation);

}  // namespace newsd::classify
