#pragma once
/// Rule taxonomy: tags defined by weighted terms and phrases per language,
/// matched on normalized, stemmed tokens.
#include <filesystem>
#include <memory>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/classify/tags.hpp"

namespace newsd::classify {

class Taxonomy;

/// Loads a taxonomy TOML file (and the files it includes). Errors are
/// Errc::config with `file:line:col: message`.
Result<std::shared_ptr<const Taxonomy>> load_taxonomy(const std::filesystem::path& path);

/// Matches a taxonomy against documents. Thread-safe: one tagger may be
/// shared by all workers.
class RuleTagger {
 public:
  explicit RuleTagger(std::shared_ptr<const Taxonomy> taxonomy);
  ~RuleTagger();
  /// Tags whose weighted score (title matches weigh more) reaches their
  /// threshold and that no exclusion term vetoes, highest score first.
  std::vector<Tag> tag(const Document& doc) const;

 private:
  std::shared_ptr<const Taxonomy> taxonomy_;
};

}  // namespace newsd::classify
