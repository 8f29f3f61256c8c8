#include "label_file.hpp"

#include <charconv>
#include <variant>

namespace newsd::cli {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The edit of one non-blank line, or why it is not one.
std::variant<store::LabelEdit, std::string> parse_line(std::string_view line) {
  const auto tab = line.find('\t');
  if (tab == std::string_view::npos) return std::string("expected id<TAB>tag");
  const std::string_view id_text = trim(line.substr(0, tab));
  const std::string_view tag = trim(line.substr(tab + 1));
  if (tag.find('\t') != std::string_view::npos) return std::string("expected two fields, id<TAB>tag, got more");
  store::LabelEdit edit;
  const auto [end, ec] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), edit.article_id);
  if (id_text.empty() || ec != std::errc{} || end != id_text.data() + id_text.size() || edit.article_id <= 0)
    return "article id '" + std::string(id_text) + "' is not a positive integer";
  if (auto problem = store::label_problem(tag)) return "tag: " + *problem;
  edit.tag = std::string(tag);
  return edit;
}

}  // namespace

LabelFile parse_label_file(std::istream& in, std::string_view name, std::string_view kind, bool remove) {
  LabelFile out;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    const std::string_view content = trim(line);
    if (content.empty() || content.front() == '#') continue;
    auto parsed = parse_line(content);
    if (auto* problem = std::get_if<std::string>(&parsed)) {
      out.problems.push_back(std::string(name) + ":" + std::to_string(number) + ": " + *problem);
      continue;
    }
    auto& edit = std::get<store::LabelEdit>(parsed);
    edit.kind = std::string(kind);
    edit.remove = remove;
    out.edits.push_back(std::move(edit));
    out.lines.push_back(number);
  }
  return out;
}

}  // namespace newsd::cli
