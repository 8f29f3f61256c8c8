// Feed titles and summaries arrive as escaped HTML or inline XHTML; the
// daemon stores them as text when an entry has no page of its own.
#include <libxml/HTMLparser.h>

#include <string_view>

#include "newsd/parse/feed.hpp"

namespace newsd::parse {
namespace {

bool is_block(std::string_view name) {
  static constexpr std::string_view kBlocks[] = {
      "p",      "div",    "li",         "ul", "ol",    "h1",  "h2",      "h3",      "h4",
      "h5",     "h6",     "blockquote", "tr", "table", "pre", "section", "article", "header",
      "footer", "figure", "figcaption", "dd", "dt",    "dl",  "hr"};
  for (auto b : kBlocks) {
    if (b == name) return true;
  }
  return false;
}

// Builds the text with at most one blank line between blocks and single
// spaces inside them; `pending_` holds the separator owed before the next word.
class TextBuilder {
 public:
  void text(std::string_view s) {
    for (unsigned char c : s) {
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        if (!out_.empty() && pending_.empty()) pending_ = " ";
        continue;
      }
      if (!out_.empty()) out_ += pending_;
      pending_.clear();
      out_ += static_cast<char>(c);
    }
  }
  void line_break() {
    if (!out_.empty() && pending_ != "\n\n") pending_ = "\n";
  }
  void block_break() {
    if (!out_.empty()) pending_ = "\n\n";
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
  std::string pending_;
};

void walk(xmlNode* node, TextBuilder& out) {
  for (xmlNode* n = node; n != nullptr; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content) out.text(reinterpret_cast<const char*>(n->content));
      continue;
    }
    if (n->type != XML_ELEMENT_NODE) continue;
    const std::string_view name = n->name ? reinterpret_cast<const char*>(n->name) : "";
    if (name == "script" || name == "style" || name == "template") continue;
    if (name == "br") {
      out.line_break();
      continue;
    }
    const bool block = is_block(name);
    if (block) out.block_break();
    walk(n->children, out);
    if (block) out.block_break();
  }
}

}  // namespace

std::string plain_text(const TextConstruct& text) {
  if (text.type == "text" || text.value.empty()) return text.value;
  // A fragment is parsed inside a body so libxml2 keeps leading text nodes.
  const std::string wrapped = "<html><body>" + text.value + "</body></html>";
  htmlDocPtr doc = htmlReadMemory(wrapped.data(), static_cast<int>(wrapped.size()), nullptr, "UTF-8",
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
  if (doc == nullptr) return text.value;
  TextBuilder out;
  walk(xmlDocGetRootElement(doc), out);
  xmlFreeDoc(doc);
  return out.take();
}

}  // namespace newsd::parse
