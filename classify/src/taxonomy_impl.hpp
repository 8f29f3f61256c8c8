#pragma once
// Internal representation of a compiled taxonomy, shared by the loader
// (taxonomy.cpp) and the matcher (rule_tagger.cpp).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "newsd/classify/taxonomy.hpp"
#include "newsd/classify/text.hpp"

namespace newsd::classify {

struct TagDef {
  std::string name;
  TagKind kind = TagKind::topic;
  double threshold = 1.0;
  std::size_t terms = 0;
  std::size_t exclusions = 0;
};

/// What a matched term does: add its weight to its tag, veto its tag, or
/// (neutral phrases such as "Latin America") only consume the words it
/// covers so that shorter terms inside it do not match.
enum class TermRole : std::uint8_t { scoring, exclusion, neutral };

/// Tag index of neutral terms.
inline constexpr std::uint32_t kNoTag = 0xFFFFFFFF;

/// A term or phrase as a sequence of stems (or, for `=`-prefixed exact
/// terms, of bare forms: normalized, Arabic proclitics removed, unstemmed).
struct CompiledTerm {
  std::vector<std::string> words;
  bool exact = false;
  TermRole role = TermRole::scoring;
  double weight = 1.0;
  std::uint32_t tag = 0;
  std::string text;  // as written in the file, for evidence
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

/// Terms keyed by their first word, for leftmost-longest phrase matching.
struct TermIndex {
  std::vector<CompiledTerm> terms;
  std::unordered_map<std::string, std::vector<std::uint32_t>, StringHash, std::equal_to<>> by_first_stem;
  std::unordered_map<std::string, std::vector<std::uint32_t>, StringHash, std::equal_to<>> by_first_bare;
  void add(CompiledTerm term);
};

/// Latin-script words stem differently in French and English, so every
/// term is compiled once per stemmer; Arabic-script words are the same in
/// both. Index 0 serves every language but French.
inline constexpr std::array<std::string_view, 2> kIndexLanguages{"en", "fr"};

class Taxonomy {
 public:
  std::vector<TagDef> tags;  // name order
  double title_weight = 3.0;
  std::array<TermIndex, 2> indices;
  std::string version;  // taxonomy_version(): hash of every file's bytes, in load order

  const TermIndex& index_for(std::string_view language) const {
    return language.starts_with("fr") ? indices[1] : indices[0];
  }
};

}  // namespace newsd::classify
