// Feed titles and summaries arrive as escaped HTML or inline XHTML; the
// daemon stores them as text when an entry has no page of its own.
#include <libxml/HTMLparser.h>

#include <string_view>

#include "extract_text.hpp"
#include "newsd/base/charset.hpp"
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

// Inline text is collapsed by the extractor's append_collapsed (ASCII, NBSP
// and Unicode spaces); a block or line break owed is written only before the
// next visible text, so breaks never pile up or trail.
class TextBuilder {
 public:
  void text(std::string_view s) {
    if (pending_break_.empty()) return text::append_collapsed(out_, s, pending_space_);
    std::string piece;
    bool trailing_space = false;
    text::append_collapsed(piece, s, trailing_space);
    if (piece.empty()) return;  // whitespace between blocks
    if (!out_.empty()) out_ += pending_break_;
    out_ += piece;
    pending_break_.clear();
    pending_space_ = trailing_space;
  }
  void line_break() {
    if (pending_break_.empty()) pending_break_ = "\n";
  }
  void block_break() { pending_break_ = "\n\n"; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
  std::string pending_break_;
  bool pending_space_ = false;
};

bool is_skipped(std::string_view name) { return name == "script" || name == "style" || name == "template"; }

std::string_view name_of(const xmlNode* n) { return n->name ? reinterpret_cast<const char*>(n->name) : ""; }

// Iterative, like every walk over markup from feeds (libxml2 already stops
// nesting at 256 levels, but this does not rely on it).
void walk(xmlNode* root, TextBuilder& out) {
  for (xmlNode* n = root; n != nullptr;) {
    bool descend = false;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content) out.text(reinterpret_cast<const char*>(n->content));
    } else if (n->type == XML_ELEMENT_NODE) {
      const std::string_view name = name_of(n);
      if (name == "br") {
        out.line_break();
      } else if (!is_skipped(name)) {
        if (is_block(name)) out.block_break();
        descend = n->children != nullptr;
        if (!descend && is_block(name)) out.block_break();
      }
    }
    if (descend) {
      n = n->children;
      continue;
    }
    // On to the next node in document order, closing the blocks left.
    while (n != root && n->next == nullptr) {
      n = n->parent;
      if (is_block(name_of(n))) out.block_break();
    }
    n = n == root ? nullptr : n->next;
  }
}

// Text that an HTML parser would return as one text node: no markup, no
// character references, valid UTF-8 (libxml2 reads invalid UTF-8 as Latin-1)
// and no control characters (which it drops). Most RSS titles and many
// summaries are such text; parsing them as documents was 5 % of a feeds-only
// poll's CPU.
bool is_plain(std::string_view s) {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '<' || c == '&' || c == 0x7F || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) return false;
  }
  return charset::is_valid_utf8(s);
}

}  // namespace

std::string plain_text(const TextConstruct& text) {
  if (text.type == "text" || text.value.empty()) return text.value;
  if (is_plain(text.value)) return text::collapse(text.value);
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
