#pragma once
/// Rule taxonomy: tags defined by weighted terms and phrases per language,
/// matched on normalized, stemmed tokens. File format: docs/taxonomy.md.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "newsd/base/error.hpp"
#include "newsd/classify/tags.hpp"
#include "newsd/classify/text.hpp"

namespace newsd::classify {

/// A compiled taxonomy: immutable once loaded, shared by every tagger.
class Taxonomy;

/// Loads a taxonomy TOML file (and the files it includes); an empty path
/// loads default_taxonomy_path(). Errors are
/// Errc::config with `file:line:col: message`, one problem per line, or
/// Errc::io when a file cannot be read.
Result<std::shared_ptr<const Taxonomy>> load_taxonomy(const std::filesystem::path& path);

/// Same as load_taxonomy for TOML text in memory; `origin` names it in
/// messages and anchors relative `include` paths.
Result<std::shared_ptr<const Taxonomy>> parse_taxonomy(std::string_view toml_text, const std::filesystem::path& origin);

/// The taxonomy used when the config names none: `$NEWSD_TAXONOMY` if set,
/// else `share/newsd/taxonomy/default.toml` beside the running binary
/// (`bin/../share`), else the one installed at the configured prefix, else the
/// source tree's `config/taxonomy/default.toml` (development builds).
std::filesystem::path default_taxonomy_path();

/// The taxonomy's version: a content hash (16 hex digits) of the bytes of
/// every file it was loaded from, included files too, in the order read.
/// Any edit of any of them changes it; the path does not enter it. Stored
/// with each article's rule tags, so that `newsd retag` knows which are
/// outdated.
std::string_view taxonomy_version(const Taxonomy& taxonomy) noexcept;

/// One tag of a loaded taxonomy, for listings and checks.
struct TagSummary {
  std::string name;
  TagKind kind = TagKind::topic;
  double threshold = 1.0;
  std::size_t terms = 0;       ///< terms and phrases, all languages
  std::size_t exclusions = 0;  ///< vetoing terms
};

/// Every tag of `taxonomy`, in name order.
std::vector<TagSummary> summarize(const Taxonomy& taxonomy);

/// Why a tag scored: one matched term.
struct Evidence {
  std::string tag;
  std::string term;  ///< the term as written in the taxonomy file
  bool in_title = false;
  bool exclusion = false;  ///< an exclusion term (vetoes the tag)
  double weight = 0;       ///< contribution to the score (title weight applied)
};

/// Matches a taxonomy against documents. Thread-safe: one tagger may be
/// shared by all workers (it holds only the immutable taxonomy).
class RuleTagger {
 public:
  explicit RuleTagger(std::shared_ptr<const Taxonomy> taxonomy);
  ~RuleTagger();
  /// Tags whose weighted score (title matches weigh more) reaches their
  /// threshold and that no exclusion term vetoes, highest score first (ties
  /// by name). Score = sum of matched term weights. The document language
  /// is `doc.language`, or detected when empty; it selects the stemmer for
  /// Latin-script words. Phrases match leftmost-longest, without overlap.
  std::vector<Tag> tag(const Document& doc) const;

  /// Same, and appends every match (including those of tags that stayed
  /// below threshold or were vetoed) to `evidence` when it is not null.
  std::vector<Tag> tag(const Document& doc, std::vector<Evidence>* evidence) const;

  /// Same as tag(doc), reusing tokens the caller already made of the title
  /// and the body: each is used when its language picks the stemmer the
  /// document's language picks (same_stemmer), and that field is tokenized
  /// again otherwise, so the tags never depend on what was passed.
  std::vector<Tag> tag(const Document& doc, const TokenizedText& title, const TokenizedText& body) const;

  const Taxonomy& taxonomy() const noexcept { return *taxonomy_; }

 private:
  std::vector<Tag> tag_tokens(const Document& doc, const TokenizedText* title, const TokenizedText* body,
                              std::vector<Evidence>* evidence) const;

  std::shared_ptr<const Taxonomy> taxonomy_;
};

}  // namespace newsd::classify
