// Taxonomy loading (TOML via toml++) and compilation into lookup indices.
// The matcher itself lives in rule_tagger.cpp.
#include <toml++/toml.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "content_version.hpp"
#include "taxonomy_impl.hpp"

namespace newsd::classify {
namespace {

/// A term as read from a file, before compilation.
struct TermSpec {
  std::string text;
  double weight = 1.0;
  std::string where;  // file:line:col, for compile errors
};

struct TagSpec {
  std::optional<TagKind> kind;
  std::optional<double> threshold;
  std::string where;
  // Keyed by (language, text): a later file may re-weigh or (weight 0)
  // remove a term an earlier file defined.
  std::map<std::pair<std::string, std::string>, TermSpec> terms;
  std::map<std::pair<std::string, std::string>, TermSpec> exclusions;
};

struct Settings {
  double title_weight = 3.0;
  double threshold = 1.0;
};

class Loader {
 public:
  void load_file(const std::filesystem::path& path, int depth) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      io_error_ = true;
      errors_.push_back(path.string() + ": cannot read taxonomy file");
      return;
    }
    std::ostringstream text;
    text << in.rdbuf();
    load_text(text.str(), path, depth);
  }

  void load_text(std::string_view text, const std::filesystem::path& origin, int depth) {
    if (depth > 8) {
      errors_.push_back(origin.string() + ": includes nested more than 8 deep (a cycle?)");
      return;
    }
    toml::table root;
    try {
      root = toml::parse(text, origin.string());
    } catch (const toml::parse_error& e) {
      errors_.push_back(position(origin, e.source()) + ": " + std::string(e.description()));
      return;
    }
    origin_ = origin;
    // Every file read counts, includes too: editing any of them must make
    // the stored tags outdated. A separator keeps "ab"+"c" apart from "a"+"bc".
    version_.add(text);
    version_.add(std::string_view("\0", 1));
    // Included files first, so that this file's own definitions refine theirs.
    if (const toml::node* include = root.get("include")) {
      if (const toml::array* list = include->as_array()) {
        for (const toml::node& item : *list) {
          const auto name = item.value<std::string>();
          if (!name) {
            error(item, "include entries must be file names");
            continue;
          }
          load_file(origin.parent_path() / *name, depth + 1);
          origin_ = origin;
        }
      } else {
        error(*include, "include must be an array of file names");
      }
    }
    for (auto&& [key, node] : root) {
      const std::string_view k = key.str();
      if (k == "include") continue;
      if (k == "settings") {
        read_settings(node);
      } else if (k == "neutral") {
        read_neutral(node);
      } else if (k == "tags") {
        if (const toml::table* tags = node.as_table()) {
          for (auto&& [name, tag] : *tags) read_tag(std::string(name.str()), tag);
        } else {
          error(node, "tags must be a table of tags");
        }
      } else {
        error(node, "unknown top-level key '" + std::string(k) + "' (expected include, settings, neutral, tags)");
      }
    }
  }

  Result<std::shared_ptr<const Taxonomy>> finish() {
    auto taxonomy = std::make_shared<Taxonomy>();
    taxonomy->title_weight = settings_.title_weight;
    taxonomy->version = version_.hex();
    for (auto& [name, spec] : specs_) {
      if (!spec.kind) {
        errors_.push_back(spec.where + ": tag '" + name + "' has no kind (topic, country or org)");
        continue;
      }
      const auto tag_index = static_cast<std::uint32_t>(taxonomy->tags.size());
      TagDef def{name, *spec.kind, spec.threshold.value_or(settings_.threshold), 0, 0};
      for (const auto& [key, term] : spec.terms)
        if (term.weight > 0 && compile(*taxonomy, tag_index, key.first, term, TermRole::scoring)) ++def.terms;
      for (const auto& [key, term] : spec.exclusions)
        if (compile(*taxonomy, tag_index, key.first, term, TermRole::exclusion)) ++def.exclusions;
      taxonomy->tags.push_back(std::move(def));
    }
    for (const auto& [key, term] : neutral_) compile(*taxonomy, kNoTag, key.first, term, TermRole::neutral);
    if (!errors_.empty()) {
      std::string message;
      for (const auto& e : errors_) message += (message.empty() ? "" : "\n") + e;
      return fail(io_error_ && errors_.size() == 1 ? Errc::io : Errc::config, message);
    }
    return std::shared_ptr<const Taxonomy>(std::move(taxonomy));
  }

 private:
  static std::string position(const std::filesystem::path& file, const toml::source_region& where) {
    return file.string() + ":" + std::to_string(where.begin.line) + ":" + std::to_string(where.begin.column);
  }
  std::string where(const toml::node& node) const { return position(origin_, node.source()); }
  void error(const toml::node& node, const std::string& message) { errors_.push_back(where(node) + ": " + message); }

  std::optional<double> positive_number(const toml::node& node, std::string_view what, bool allow_zero) {
    const auto value = node.value<double>();
    if (!value || *value < 0 || (!allow_zero && *value == 0)) {
      error(node, std::string(what) + (allow_zero ? " must be a number >= 0" : " must be a number > 0"));
      return std::nullopt;
    }
    return value;
  }

  void read_settings(const toml::node& node) {
    const toml::table* table = node.as_table();
    if (!table) return error(node, "settings must be a table");
    for (auto&& [key, value] : *table) {
      if (key.str() == "title_weight") {
        if (auto v = positive_number(value, "title_weight", false)) settings_.title_weight = *v;
      } else if (key.str() == "threshold") {
        if (auto v = positive_number(value, "threshold", false)) settings_.threshold = *v;
      } else {
        error(value, "unknown setting '" + std::string(key.str()) + "' (expected title_weight, threshold)");
      }
    }
  }

  void read_neutral(const toml::node& node) {
    const toml::table* table = node.as_table();
    if (!table) return error(node, "neutral must be a table of language lists");
    for (auto&& [lang, list] : *table) {
      if (!is_language_code(lang.str()))
        error(list, "neutral keys are language codes (ar, fr, en…)");
      else
        read_terms(std::string(lang.str()), list, neutral_);
    }
  }

  static bool is_language_code(std::string_view k) {
    return (k.size() == 2 || k.size() == 3) &&
           std::all_of(k.begin(), k.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  }

  void read_tag(const std::string& name, const toml::node& node) {
    const toml::table* table = node.as_table();
    if (!table) return error(node, "tag '" + name + "' must be a table");
    TagSpec& spec = specs_[name];
    if (spec.where.empty()) spec.where = where(node);
    for (auto&& [key, value] : *table) {
      const std::string_view k = key.str();
      if (k == "kind") {
        const auto kind = value.value<std::string>();
        std::optional<TagKind> parsed;
        if (kind == "topic")
          parsed = TagKind::topic;
        else if (kind == "country")
          parsed = TagKind::country;
        else if (kind == "org")
          parsed = TagKind::org;
        if (!parsed) {
          error(value, "kind must be \"topic\", \"country\" or \"org\"");
        } else if (spec.kind && *spec.kind != *parsed) {
          error(value, "tag '" + name + "' was already defined with kind " + std::string(to_string(*spec.kind)));
        } else {
          spec.kind = parsed;
        }
      } else if (k == "threshold") {
        if (auto v = positive_number(value, "threshold", false)) spec.threshold = *v;
      } else if (k == "exclude") {
        const toml::table* languages = value.as_table();
        if (!languages) {
          error(value, "exclude must be a table of language lists, e.g. exclude.en = [\"…\"]");
          continue;
        }
        for (auto&& [lang, list] : *languages) {
          if (!is_language_code(lang.str()))
            error(list, "exclude keys are language codes (ar, fr, en…)");
          else
            read_terms(std::string(lang.str()), list, spec.exclusions);
        }
      } else if (is_language_code(k)) {
        read_terms(std::string(k), value, spec.terms);
      } else {
        error(value, "unknown key '" + std::string(k) + "' in tag '" + name +
                         "' (expected kind, threshold, exclude or a language code)");
      }
    }
  }

  void read_terms(const std::string& lang, const toml::node& node,
                  std::map<std::pair<std::string, std::string>, TermSpec>& out) {
    const toml::array* list = node.as_array();
    if (!list) return error(node, "a language entry must be an array of terms");
    for (const toml::node& item : *list) {
      TermSpec term{{}, 1.0, where(item)};
      if (auto text = item.value<std::string>()) {
        term.text = std::move(*text);
      } else if (const toml::table* t = item.as_table()) {
        bool ok = true;
        for (auto&& [key, value] : *t) {
          if (key.str() == "term") {
            if (auto text = value.value<std::string>())
              term.text = std::move(*text);
            else
              ok = false, error(value, "term must be a string");
          } else if (key.str() == "weight") {
            if (auto w = positive_number(value, "weight", true))
              term.weight = *w;
            else
              ok = false;
          } else {
            ok = false;
            error(value, "unknown key '" + std::string(key.str()) + "' in a term (expected term, weight)");
          }
        }
        if (!ok) continue;
      } else {
        error(item, "a term is a string or { term = \"…\", weight = N }");
        continue;
      }
      if (term.text.empty() || term.text == "=") {
        error(item, "empty term");
        continue;
      }
      out[{lang, term.text}] = std::move(term);
    }
  }

  /// Compiles one term into the indices serving its language: French terms
  /// only match French documents, English terms every non-French document,
  /// terms of any other language (Arabic…) every document. Latin-script
  /// words are stemmed with the index's stemmer. Returns false (with an
  /// error) if the term has no words.
  bool compile(Taxonomy& taxonomy, std::uint32_t tag, const std::string& lang, const TermSpec& spec, TermRole role) {
    const bool exact = spec.text.front() == '=';
    const std::string_view text = exact ? std::string_view(spec.text).substr(1) : std::string_view(spec.text);
    for (std::size_t i = 0; i < taxonomy.indices.size(); ++i) {
      if ((lang == "fr" && i != 1) || (lang == "en" && i != 0)) continue;
      const auto tokens = tokenize(text, kIndexLanguages[i]);
      if (tokens.empty()) {
        errors_.push_back(spec.where + ": term '" + spec.text + "' has no words");
        return false;
      }
      CompiledTerm term{{}, exact, role, role == TermRole::scoring ? spec.weight : 0.0, tag, spec.text};
      for (const auto& token : tokens) term.words.push_back(exact ? token.bare : token.stem);
      taxonomy.indices[i].add(std::move(term));
    }
    return true;
  }

  std::map<std::string, TagSpec> specs_;
  std::map<std::pair<std::string, std::string>, TermSpec> neutral_;
  Settings settings_;
  std::filesystem::path origin_;
  std::vector<std::string> errors_;
  bool io_error_ = false;
  ContentVersion version_;
};

}  // namespace

void TermIndex::add(CompiledTerm term) {
  const auto id = static_cast<std::uint32_t>(terms.size());
  auto& first = term.exact ? by_first_bare : by_first_stem;
  first[term.words.front()].push_back(id);
  terms.push_back(std::move(term));
}

Result<std::shared_ptr<const Taxonomy>> load_taxonomy(const std::filesystem::path& path) {
  Loader loader;
  loader.load_file(path.empty() ? default_taxonomy_path() : path, 0);
  return loader.finish();
}

Result<std::shared_ptr<const Taxonomy>> parse_taxonomy(std::string_view toml_text,
                                                       const std::filesystem::path& origin) {
  Loader loader;
  loader.load_text(toml_text, origin, 0);
  return loader.finish();
}

std::filesystem::path default_taxonomy_path() {
  if (const char* env = std::getenv("NEWSD_TAXONOMY"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  // Next to the running binary first (bin/../share/newsd), so an install
  // unpacked under another root (`dpkg-deb -x`, DESTDIR) uses its own data.
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto beside = (exe.parent_path() / NEWSD_TAXONOMY_FROM_BINDIR).lexically_normal();
    if (std::filesystem::exists(beside, ec)) return beside;
  }
  const std::filesystem::path installed = NEWSD_TAXONOMY_INSTALLED;
  if (std::filesystem::exists(installed, ec)) return installed;
  return NEWSD_TAXONOMY_SOURCE;
}

std::string_view taxonomy_version(const Taxonomy& taxonomy) noexcept { return taxonomy.version; }

std::vector<TagSummary> summarize(const Taxonomy& taxonomy) {
  std::vector<TagSummary> out;
  out.reserve(taxonomy.tags.size());
  for (const auto& tag : taxonomy.tags) out.push_back({tag.name, tag.kind, tag.threshold, tag.terms, tag.exclusions});
  return out;  // tags are compiled from an ordered map, so already in name order
}

}  // namespace newsd::classify
