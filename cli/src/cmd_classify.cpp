// `newsd classify`, `newsd train`, `newsd eval`: the classifier from the
// command line — tag one file, train a fastText model, score it (the forms
// that read the archive's labels are in cmd_train_store.cpp).
#include <charconv>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "cmd_train_store.hpp"
#include "commands.hpp"
#include "newsd/classify/model.hpp"
#include "newsd/classify/taxonomy.hpp"
#include "newsd/classify/text.hpp"
#include "newsd/config/config.hpp"
#include "newsd/config/duration.hpp"
#include "newsd/parse/extract.hpp"

namespace newsd::cli {
namespace {

namespace fs = std::filesystem;
using classify::Tag;

struct ClassifyOptions {
  std::string file;
  std::string model;
  std::string taxonomy;
  std::string config;
  std::string language;
  bool json = false;
  bool lines = false;
  bool explain = false;
  int top_k = 0;          // 0 = config / default
  double threshold = -1;  // < 0 = config / default
};

struct TrainFlags {
  classify::TrainOptions options;
  std::string data, model, valid, export_input;
  bool autotune = false;
  std::string budget = "5m";  // fastText's own autotune default
  std::string max_size;
};

std::optional<std::string> read_input(const std::string& file) {
  std::ostringstream text;
  if (file == "-") {
    text << std::cin.rdbuf();
    return text.str();
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  text << in.rdbuf();
  return text.str();
}

bool looks_like_html(std::string_view text) {
  const auto start = text.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (start == std::string_view::npos || text[start] != '<') return false;
  const std::string head(text.substr(start, 512));
  return head.find("<html") != std::string::npos || head.find("<!DOCTYPE") != std::string::npos ||
         head.find("<!doctype") != std::string::npos || head.find("<body") != std::string::npos ||
         head.find("<HTML") != std::string::npos;
}

nlohmann::json tag_json(const Tag& tag) {
  return {{"name", tag.name},
          {"kind", classify::to_string(tag.kind)},
          {"score", tag.score},
          {"source", classify::to_string(tag.source)}};
}

int run_lines(const classify::Model& model, const std::string& text, int k, double threshold) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // `label<TAB>text` lines (a training or test file) are classified on their text.
    const auto tab = line.find('\t');
    const std::string_view content =
        tab == std::string::npos ? std::string_view(line) : std::string_view(line).substr(tab + 1);
    std::string labels;
    for (const auto& tag : model.predict_text(content, k, threshold)) labels += (labels.empty() ? "" : ",") + tag.name;
    std::cout << labels << '\n';
  }
  return 0;
}

// [classify] from --config, then the command line's overrides; nullopt
// (reported) when the config does not load.
std::optional<config::ClassifyConfig> classify_settings(const ClassifyOptions& o) {
  config::ClassifyConfig settings;
  if (!o.config.empty()) {
    auto cfg = config::load_config(o.config);
    if (!cfg) {
      std::cerr << "newsd classify: " << cfg.error().message << '\n';
      return std::nullopt;
    }
    settings = cfg->classify;
  }
  if (!o.model.empty()) settings.model = o.model;
  if (o.top_k > 0) settings.model_top_k = o.top_k;
  if (o.threshold >= 0) settings.model_threshold = o.threshold;
  return settings;
}

// The document in `input`: an HTML page goes through the article extractor;
// in plain text the first line is the title when a blank line follows it.
// nullopt (reported) when the page yields no article.
std::optional<classify::Document> read_document(const std::string& input, const ClassifyOptions& o) {
  classify::Document doc;
  doc.language = o.language;
  if (looks_like_html(input)) {
    auto article = parse::extract_article(input, "file://" + o.file, config::ExtractConfig{});
    if (!article) {
      std::cerr << "newsd classify: " << article.error().describe() << '\n';
      return std::nullopt;
    }
    doc.title = article->title.value_or("");
    doc.body = article->text;
    if (doc.language.empty() && article->language) doc.language = *article->language;
  } else {
    const auto split = input.find("\n\n");
    const auto first_newline = input.find('\n');
    if (split != std::string::npos && split == first_newline) {
      doc.title = input.substr(0, split);
      doc.body = input.substr(split + 2);
    } else {
      doc.body = input;
    }
  }
  if (doc.language.empty()) doc.language = classify::detect_language(doc.title + "\n" + doc.body);
  return doc;
}

void print_tags(const classify::Document& doc, const std::vector<Tag>& tags,
                const std::vector<classify::Evidence>& evidence, const ClassifyOptions& o) {
  if (o.json) {
    nlohmann::json out{{"language", doc.language}, {"title", doc.title}, {"tags", nlohmann::json::array()}};
    for (const auto& tag : tags) out["tags"].push_back(tag_json(tag));
    if (o.explain) {
      out["evidence"] = nlohmann::json::array();
      for (const auto& e : evidence)
        out["evidence"].push_back({{"tag", e.tag},
                                   {"term", e.term},
                                   {"title", e.in_title},
                                   {"exclusion", e.exclusion},
                                   {"weight", e.weight}});
    }
    std::cout << out.dump(2) << '\n';
    return;
  }
  std::cout << "language\t" << doc.language << '\n';
  for (const auto& tag : tags)
    std::cout << classify::to_string(tag.kind) << '\t' << tag.name << '\t' << tag.score << '\t'
              << classify::to_string(tag.source) << '\n';
  for (const auto& e : evidence)
    std::cout << "# " << e.tag << " <- " << e.term << (e.in_title ? " (title)" : "")
              << (e.exclusion ? " (exclusion)" : "") << " +" << e.weight << '\n';
}

int run_classify(const ClassifyOptions& o) {
  const auto settings = classify_settings(o);
  if (!settings) return 2;
  std::optional<classify::Model> model;
  if (settings->model) {
    auto loaded = classify::Model::load(*settings->model);
    if (!loaded) {
      std::cerr << "newsd classify: " << loaded.error().describe() << '\n';
      return 1;
    }
    model = std::move(*loaded);
  }
  const auto input = read_input(o.file);
  if (!input) {
    std::cerr << "newsd classify: cannot read " << o.file << '\n';
    return 2;
  }
  if (o.lines) {
    if (!model) {
      std::cerr << "newsd classify: --lines needs --model (or a model in the config)\n";
      return 2;
    }
    return run_lines(*model, *input, o.top_k > 0 ? o.top_k : 1, o.threshold >= 0 ? o.threshold : 0.0);
  }

  auto taxonomy = classify::load_taxonomy(o.taxonomy.empty() ? settings->taxonomy : fs::path(o.taxonomy));
  if (!taxonomy) {
    std::cerr << "newsd classify: " << taxonomy.error().message << '\n';
    return 2;
  }
  const auto doc = read_document(*input, o);
  if (!doc) return 2;
  classify::RuleTagger tagger(*taxonomy);
  std::vector<classify::Evidence> evidence;
  std::vector<Tag> tags = tagger.tag(*doc, o.explain ? &evidence : nullptr);
  if (model) {
    for (auto& tag : model->predict(*doc, settings->model_top_k, settings->model_threshold))
      tags.push_back(std::move(tag));
  }
  print_tags(*doc, tags, evidence, o);
  return 0;
}

/// "100M", "512k", "2G" (decimal, as fastText's -autotune-modelsize) or bytes.
std::optional<std::uintmax_t> parse_size(std::string_view text) {
  std::uintmax_t scale = 1;
  if (!text.empty()) {
    switch (text.back()) {
      case 'k':
      case 'K': scale = 1'000; break;
      case 'm':
      case 'M': scale = 1'000'000; break;
      case 'g':
      case 'G': scale = 1'000'000'000; break;
      default: break;
    }
    if (scale > 1) text.remove_suffix(1);
  }
  std::uintmax_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value == 0 ||
      value > std::numeric_limits<std::uintmax_t>::max() / scale)
    return std::nullopt;
  return value * scale;
}

/// `--export-input`: the training data as fastText sees it, for other tools.
int run_export_input(const TrainFlags& f) {
  auto data = classify::read_labeled_file(f.data);
  if (!data) {
    std::cerr << "newsd train: " << data.error().message << '\n';
    return data.error().code == Errc::io ? 1 : 2;
  }
  if (auto written = classify::write_fasttext_input(*data, f.export_input); !written) {
    std::cerr << "newsd train: " << written.error().message << '\n';
    return 1;
  }
  return 0;
}

void print_train_report(const classify::TrainReport& r, const std::string& model) {
  std::cout << "examples\t" << r.examples << "\nlabels\t" << r.labels << "\nmodel\t" << model << "\nbytes\t"
            << r.model_bytes << '\n';
  if (!r.autotune) return;
  const auto& a = *r.autotune;
  std::cout << "autotune_trials\t" << a.trials << "\nstarting_points\t" << a.starting_points << "\nruns_per_trial\t"
            << a.runs_per_trial << "\nvalid_examples\t" << a.valid_examples << "\nbaseline_score\t" << a.baseline_score
            << "\nbest_score\t" << a.best_score << "\nbest\tepoch=" << a.best.epoch << " lr=" << a.best.lr
            << " dim=" << a.best.dim << " wordNgrams=" << a.best.word_ngrams << " bucket=" << a.best.bucket
            << " minn=" << a.best.minn << " maxn=" << a.best.maxn << '\n';
}

int run_train(TrainFlags& f) {
  if (!f.export_input.empty()) return run_export_input(f);
  if (f.model.empty()) {
    std::cerr << "newsd train: --model is required\n";
    return 2;
  }
  f.options.data = f.data;
  f.options.output = f.model;
  if (!f.valid.empty()) f.options.valid = f.valid;
  if (f.autotune) {
    const auto budget = config::parse_duration(f.budget);
    if (!budget || budget->count() <= 0) {
      std::cerr << "newsd train: --budget: expected a duration such as 90s or 10m, got '" << f.budget << "'\n";
      return 2;
    }
    f.options.autotune_seconds = static_cast<int>(budget->count());
  }
  if (!f.max_size.empty()) {
    f.options.max_size = parse_size(f.max_size);
    if (!f.options.max_size) {
      std::cerr << "newsd train: --max-size: expected a size such as 100M, got '" << f.max_size << "'\n";
      return 2;
    }
  }
  auto report = classify::train_model(f.options);
  if (!report) {
    std::cerr << "newsd train: " << report.error().message << '\n';
    return report.error().code == Errc::io ? 1 : 2;
  }
  print_train_report(*report, f.model);
  return 0;
}

int run_eval(const std::string& model_path, const std::string& data_path) {
  auto model = classify::Model::load(model_path);
  if (!model) {
    std::cerr << "newsd eval: " << model.error().describe() << '\n';
    return 1;
  }
  auto data = classify::read_labeled_file(data_path);
  if (!data) {
    std::cerr << "newsd eval: " << data.error().message << '\n';
    return 2;
  }
  std::cout << classify::format_evaluation(classify::evaluate(*model, *data));
  return 0;
}

void add_classify_command(CLI::App& app, CommandContext& ctx) {
  auto classify_opts = std::make_shared<ClassifyOptions>();
  CLI::App* classify = app.add_subcommand("classify", "Tag a text or HTML file with the rule taxonomy (and a model)");
  classify->footer(
      "Plain text: a first line followed by a blank line is the title. HTML goes through the article extractor.\n"
      "Output: one `kind<TAB>name<TAB>score<TAB>source` line per tag, or JSON with --json.\n"
      "--lines: one output line (predicted labels, comma-separated) per input line; needs a model.");
  classify->add_option("file", classify_opts->file, "Text or HTML file ('-' = stdin)")->required();
  classify->add_option("--model", classify_opts->model, "fastText model (overrides [classify] model)");
  classify->add_option("--taxonomy", classify_opts->taxonomy, "Taxonomy TOML (default: config, else built-in)");
  classify->add_option("--config", classify_opts->config, "newsd config file for [classify] settings");
  classify->add_option("--lang", classify_opts->language, "Language of the text (default: detected)");
  classify->add_option("--top-k", classify_opts->top_k, "Model labels per text (default: config, 1 with --lines)");
  classify->add_option("--threshold", classify_opts->threshold, "Minimum model probability");
  classify->add_flag("--json", classify_opts->json, "JSON output");
  classify->add_flag("--lines", classify_opts->lines, "Classify each input line with the model");
  classify->add_flag("--explain", classify_opts->explain, "Also print every matched taxonomy term");
  classify->callback([classify_opts, &ctx] { ctx.exit_code = run_classify(*classify_opts); });
}

void add_train_command(CLI::App& app, CommandContext& ctx) {
  auto train_flags = std::make_shared<TrainFlags>();
  auto store_flags = std::make_shared<StoreTrainFlags>();
  CLI::App* train = app.add_subcommand(
      "train", "Train a fastText model on label[,label…]<TAB>text lines, or on the labelled articles of the archive");
  train->footer(
      "--autotune first trains newsd's defaults and the stock fastText settings -epoch 25 -lr 0.5 (with and\n"
      "without -wordNgrams 2), then searches epoch, lr, dim, word and sub-word n-grams and buckets with fastText's\n"
      "autotune strategy for --budget. Each trial is trained --folds times (stratified k-fold of --data, or\n"
      "seeds on --valid) and scored (accuracy + macro-F1) / 2 on all their predictions; the best settings are\n"
      "trained on all of --data. Bad data or options exit 2, unreadable files 1.\n"
      "--from-store: the training set is the archive's labelled articles (`newsd label`), title and text as the\n"
      "daemon's model reads them; a stratified split (--valid-fraction, --seed) is held out, and the new model\n"
      "and the configured one ([classify] model) are both scored on it (accuracy, macro-F1). --install then\n"
      "replaces the configured model atomically and sends the running daemon SIGHUP; --model keeps a copy.");
  auto& t = train_flags->options;
  auto* data_option = train->add_option("--data", train_flags->data, "Training TSV");
  auto* from_store =
      train->add_flag("--from-store", store_flags->from_store, "Train on the labelled articles of the archive");
  from_store->excludes(data_option);
  train->add_option("--tags", store_flags->tags, "With --from-store: only these labels (t1,t2,…)")->delimiter(',');
  train->add_flag("--install", store_flags->install,
                  "With --from-store: replace the configured model and tell the daemon (SIGHUP)");
  query::add_db_options(*train, store_flags->db);
  train->add_option("--model", train_flags->model,
                    "Output model file (required unless --export-input; with --from-store, a copy of the new model)");
  train->add_option("--valid", train_flags->valid, "Validation TSV for --autotune (default: a split of --data)");
  train->add_flag("--autotune", train_flags->autotune, "Search hyper-parameters before training");
  train->add_option("--budget", train_flags->budget, "Autotune time budget (90s, 10m, …)")->capture_default_str();
  train->add_option("--folds", t.folds, "Autotune: trainings per trial (k-fold; 1 = one --valid-fraction split)")
      ->capture_default_str();
  train->add_option("--valid-fraction", t.valid_fraction, "Share of each label held out (--folds 1, --from-store)")
      ->capture_default_str();
  train->add_option("--max-bucket", t.max_bucket, "Most buckets autotune may try")->capture_default_str();
  train->add_option("--max-size", train_flags->max_size, "Quantize (.ftz) and prune until the model fits, e.g. 100M");
  train->add_flag("--quantize", t.quantize, "Write a quantized, much smaller model");
  train->add_option("--epoch", t.epoch, "Epochs")->capture_default_str();
  train->add_option("--lr", t.lr, "Learning rate")->capture_default_str();
  train->add_option("--dim", t.dim, "Vector size")->capture_default_str();
  train->add_option("--word-ngrams", t.word_ngrams, "Word n-gram length")->capture_default_str();
  train->add_option("--bucket", t.bucket, "Hash buckets for n-grams")->capture_default_str();
  train->add_option("--threads", t.threads, "Training threads")->capture_default_str();
  train->add_option("--seed", t.seed, "Seed of the split, the search and fastText")->capture_default_str();
  train->add_option("--export-input", train_flags->export_input,
                    "Only write --data as fastText input (labels, newsd's tokenised text) to this file");
  train->callback([train_flags, store_flags, &ctx] {
    if (store_flags->from_store) {
      store_flags->options = train_flags->options;
      store_flags->output = train_flags->model;
      ctx.exit_code = run_train_from_store(*store_flags);
      return;
    }
    if (train_flags->data.empty()) {
      std::cerr << "newsd train: give --data FILE or --from-store\n";
      ctx.exit_code = 2;
      return;
    }
    ctx.exit_code = run_train(*train_flags);
  });
}

void add_eval_command(CLI::App& app, CommandContext& ctx) {
  auto eval_model = std::make_shared<std::string>();
  auto eval_data = std::make_shared<std::string>();
  auto eval_db = std::make_shared<query::DbOptions>();
  CLI::App* eval = app.add_subcommand(
      "eval", "Score a model on label<TAB>text lines (accuracy, macro-F1, per class), or the taggers on the labels");
  eval->footer(
      "--from-store: per-tag precision, recall and F1 of the stored rule tags and model tags against the labels\n"
      "(`newsd label`), over the labelled articles; each article's labels count as complete, so a tag it was\n"
      "given but not labelled with is a false positive. Only tags a tagger can give are scored.");
  auto* eval_model_option = eval->add_option("--model", *eval_model, "Model file");
  auto* eval_data_option = eval->add_option("--data", *eval_data, "Labelled TSV");
  auto eval_from_store = std::make_shared<bool>(false);
  auto* eval_from_store_flag =
      eval->add_flag("--from-store", *eval_from_store, "Score the stored rule and model tags against the labels");
  eval_from_store_flag->excludes(eval_model_option)->excludes(eval_data_option);
  query::add_db_options(*eval, *eval_db);
  eval->callback([eval_model, eval_data, eval_db, eval_from_store, &ctx] {
    if (*eval_from_store) {
      ctx.exit_code = run_eval_from_store(*eval_db);
      return;
    }
    if (eval_model->empty() || eval_data->empty()) {
      std::cerr << "newsd eval: give --model FILE and --data FILE, or --from-store\n";
      ctx.exit_code = 2;
      return;
    }
    ctx.exit_code = run_eval(*eval_model, *eval_data);
  });
}

}  // namespace

void add_classify_commands(CLI::App& app, CommandContext& ctx) {
  add_classify_command(app, ctx);
  add_train_command(app, ctx);
  add_eval_command(app, ctx);
}

}  // namespace newsd::cli
