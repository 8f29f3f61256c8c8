#include "newsd/classify/model.hpp"

#include <fasttext/autotune.h>
#include <fasttext/fasttext.h>
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

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

/// Writes `data` in fastText's format (labels prefixed, stemmed text).
Result<std::size_t> write_fasttext_file(const std::vector<LabeledText>& data, const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return fail(Errc::io, "cannot write " + path.string());
  std::set<std::string> labels;
  for (const auto& example : data) {
    for (const auto& label : example.labels) {
      out << kLabelPrefix << label << ' ';
      labels.insert(label);
    }
    out << model_input(example.text) << '\n';
  }
  if (!out.flush()) return fail(Errc::io, "cannot write " + path.string());
  return labels.size();
}

/// Removes the temporary fastText input files however training ends.
struct TempFiles {
  std::vector<std::filesystem::path> paths;
  ~TempFiles() {
    std::error_code ec;
    for (const auto& p : paths) std::filesystem::remove(p, ec);
  }
};

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

Result<TrainReport> train_model(const TrainOptions& options) {
  if (options.autotune_seconds > 0 && !options.valid)
    return fail(Errc::invalid_argument, "autotune needs a validation file (--valid)");
  if (options.epoch <= 0 || options.lr <= 0 || options.dim <= 0 || options.word_ngrams <= 0 || options.bucket < 0)
    return fail(Errc::invalid_argument, "epoch, lr, dim and wordNgrams must be positive");
  auto data = read_labeled_file(options.data);
  if (!data) return std::unexpected(data.error());
  if (data->empty()) return fail(Errc::invalid_argument, options.data.string() + ": no training examples");

  TempFiles temp;
  const std::filesystem::path train_file = options.output.string() + ".train.tmp";
  temp.paths.push_back(train_file);
  auto labels = write_fasttext_file(*data, train_file);
  if (!labels) return std::unexpected(labels.error());

  fasttext::Args args;
  args.input = train_file.string();
  args.output = options.output.string();
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.epoch = options.epoch;
  args.lr = options.lr;
  args.dim = options.dim;
  args.wordNgrams = options.word_ngrams;
  args.bucket = options.word_ngrams > 1 ? options.bucket : 0;
  args.minCount = options.min_count;
  args.minn = 0;  // stems already merge inflections; subword n-grams only added size
  args.maxn = 0;
  args.thread = std::max(1, options.threads);
  args.verbose = 0;
  if (options.valid) {
    auto valid = read_labeled_file(*options.valid);
    if (!valid) return std::unexpected(valid.error());
    const std::filesystem::path valid_file = options.output.string() + ".valid.tmp";
    temp.paths.push_back(valid_file);
    if (auto written = write_fasttext_file(*valid, valid_file); !written) return std::unexpected(written.error());
    args.autotuneValidationFile = valid_file.string();
  }
  try {
    auto model = std::make_shared<fasttext::FastText>();
    if (options.autotune_seconds > 0) {
      args.autotuneDuration = options.autotune_seconds;
      fasttext::Autotune autotune(model);
      autotune.train(args);
    } else {
      args.autotuneValidationFile.clear();
      model->train(args);
    }
    if (options.quantize) {
      fasttext::Args qargs = model->getArgs();
      qargs.input = train_file.string();
      qargs.qnorm = true;
      qargs.retrain = false;
      qargs.cutoff = 0;
      qargs.dsub = 2;
      qargs.verbose = 0;
      model->quantize(qargs);
    }
    model->saveModel(options.output.string());
  } catch (const std::exception& e) {
    // fastText reports bad input and unwritable files by throwing.
    return fail(Errc::invalid_argument, std::string("fastText: ") + e.what());
  }
  log::info("classify.train.done",
            {{"examples", data->size()}, {"labels", *labels}, {"model", options.output.string()}});
  return TrainReport{data->size(), *labels};
}

Result<Model> Model::load(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return fail(Errc::io, "cannot read model " + path.string());
  try {
    auto model = std::make_shared<fasttext::FastText>();
    model->loadModel(path.string());
    return Model(std::move(model));
  } catch (const std::exception& e) {
    return fail(Errc::parse, path.string() + ": not a fastText model (" + e.what() + ")");
  }
}

std::vector<Tag> Model::predict(const Document& doc, int k, double threshold) const {
  return predict_text(doc.title.empty() ? doc.body : doc.title + "\n" + doc.body, k, threshold);
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
    std::string name = label.starts_with(kLabelPrefix) ? label.substr(kLabelPrefix.size()) : label;
    tags.push_back(
        Tag{std::move(name), TagKind::model, std::min(1.0, static_cast<double>(probability)), TagSource::model});
  }
  return tags;
}

std::vector<std::string> Model::labels() const {
  std::vector<std::string> out;
  const auto dictionary = model_->getDictionary();
  for (int32_t i = 0; i < dictionary->nlabels(); ++i) {
    std::string label = dictionary->getLabel(i);
    out.push_back(label.starts_with(kLabelPrefix) ? label.substr(kLabelPrefix.size()) : label);
  }
  return out;
}

Evaluation evaluate(const Model& model, const std::vector<LabeledText>& data) {
  struct Counts {
    std::size_t tp = 0, fp = 0, fn = 0, support = 0;
  };
  std::map<std::string, Counts> counts;
  Evaluation result;
  std::size_t hits = 0;
  for (const auto& example : data) {
    const auto predicted = model.predict_text(example.text, 1, 0.0);
    const std::string top = predicted.empty() ? std::string{} : predicted.front().name;
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

std::string format_evaluation(const Evaluation& e) {
  std::string out =
      fmt::format("examples\t{}\naccuracy\t{:.4f}\nmacro_f1\t{:.4f}\n", e.examples, e.accuracy, e.macro_f1);
  out += "label\tprecision\trecall\tf1\tsupport\n";
  for (const auto& c : e.classes)
    out += fmt::format("{}\t{:.4f}\t{:.4f}\t{:.4f}\t{}\n", c.label, c.precision, c.recall, c.f1, c.support);
  return out;
}

}  // namespace newsd::classify
