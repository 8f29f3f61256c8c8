#pragma once
/// The `newsd label --from FILE` format: one `id<TAB>tag` per line.
#include <cstddef>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "newsd/store/store.hpp"

namespace newsd::cli {

/// A label file read whole: the edits with their line numbers, or what is
/// wrong with it.
struct LabelFile {
  std::vector<store::LabelEdit> edits;
  std::vector<std::size_t> lines;     ///< 1-based line of each edit
  std::vector<std::string> problems;  ///< `name:line: message`, one per bad line; non-empty = use no edit
};

/// Reads `id<TAB>tag` lines (CRLF accepted, spaces around fields trimmed,
/// blank lines and lines starting with `#` skipped). The id is a positive
/// decimal integer, the tag passes store::label_problem, and a line has
/// exactly these two fields. Every edit gets `kind` and `remove`. `name`
/// prefixes each problem.
LabelFile parse_label_file(std::istream& in, std::string_view name, std::string_view kind, bool remove);

}  // namespace newsd::cli
