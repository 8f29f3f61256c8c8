#pragma once
/// The optional statistical classifier: a fastText model trained on texts
/// passed through the same text pipeline as the rules (stems, text.hpp).
#include <cstddef>
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
  std::optional<std::filesystem::path> valid;  ///< validation TSV (required for autotune)
  int epoch = 40;
  double lr = 0.5;
  int dim = 64;
  int word_ngrams = 1;   ///< 2 scored lower macro-F1 on ASND dev (stems already carry the signal)
  int bucket = 200'000;  ///< n-gram hash buckets, only used when word_ngrams > 1
  int min_count = 1;
  int threads = 2;
  int autotune_seconds = 0;  ///< > 0: search hyper-parameters on `valid` for this long
  bool quantize = false;     ///< write a compressed (.ftz-style) model
};

struct TrainReport {
  std::size_t examples = 0;
  std::size_t labels = 0;
};

/// Trains a model and writes it to `options.output`. Texts go through
/// stem_text(). Fails with Errc::invalid_argument on bad options or data,
/// Errc::io if a file cannot be read or written.
Result<TrainReport> train_model(const TrainOptions& options);

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

 private:
  explicit Model(std::shared_ptr<const fasttext::FastText> model) : model_(std::move(model)) {}
  std::shared_ptr<const fasttext::FastText> model_;
};

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

/// Human-readable report: accuracy, macro-F1, then one line per class.
std::string format_evaluation(const Evaluation& evaluation);

}  // namespace newsd::classify
