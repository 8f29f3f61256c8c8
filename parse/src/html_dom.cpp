#include "html_dom.hpp"

#include <gumbo.h>
#include <libxml/HTMLtree.h>
#include <libxml/parser.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <utility>
#include <vector>

#include "html_arena.hpp"
#include "newsd/base/ascii.hpp"

namespace newsd::parse::html {
namespace {

constexpr std::pair<std::string_view, Tag> kTagNames[] = {
    {"html", Tag::html},
    {"head", Tag::head},
    {"body", Tag::body},
    {"a", Tag::a},
    {"p", Tag::p},
    {"div", Tag::div},
    {"span", Tag::span},
    {"br", Tag::br},
    {"hr", Tag::hr},
    {"img", Tag::img},
    {"h1", Tag::h1},
    {"h2", Tag::h2},
    {"h3", Tag::h3},
    {"h4", Tag::h4},
    {"h5", Tag::h5},
    {"h6", Tag::h6},
    {"ul", Tag::ul},
    {"ol", Tag::ol},
    {"li", Tag::li},
    {"dl", Tag::dl},
    {"dt", Tag::dt},
    {"dd", Tag::dd},
    {"table", Tag::table},
    {"tr", Tag::tr},
    {"td", Tag::td},
    {"th", Tag::th},
    {"caption", Tag::caption},
    {"blockquote", Tag::blockquote},
    {"pre", Tag::pre},
    {"figure", Tag::figure},
    {"figcaption", Tag::figcaption},
    {"article", Tag::article},
    {"section", Tag::section},
    {"main", Tag::main},
    {"header", Tag::header},
    {"footer", Tag::footer},
    {"nav", Tag::nav},
    {"aside", Tag::aside},
    {"form", Tag::form},
    {"script", Tag::script},
    {"style", Tag::style},
    {"noscript", Tag::noscript},
    {"template", Tag::template_},
    {"svg", Tag::svg},
    {"iframe", Tag::iframe},
    {"button", Tag::button},
    {"input", Tag::input},
    {"select", Tag::select},
    {"textarea", Tag::textarea},
    {"title", Tag::title},
    {"meta", Tag::meta},
    {"link", Tag::link},
    {"time", Tag::time},
    {"address", Tag::address},
    {"center", Tag::center},
    {"details", Tag::details},
    {"summary", Tag::summary},
    {"menu", Tag::menu},
    {"dialog", Tag::dialog},
    {"label", Tag::label},
    {"option", Tag::option},
    {"object", Tag::object},
    {"embed", Tag::embed},
    {"canvas", Tag::canvas},
    {"math", Tag::math},
    {"audio", Tag::audio},
    {"video", Tag::video},
    {"picture", Tag::picture},
    {"source", Tag::source},
    {"map", Tag::map},
    {"em", Tag::inline_other},
    {"strong", Tag::inline_other},
    {"b", Tag::inline_other},
    {"i", Tag::inline_other},
    {"u", Tag::inline_other},
    {"s", Tag::inline_other},
    {"small", Tag::inline_other},
    {"big", Tag::inline_other},
    {"font", Tag::inline_other},
    {"sub", Tag::inline_other},
    {"sup", Tag::inline_other},
    {"mark", Tag::inline_other},
    {"abbr", Tag::inline_other},
    {"acronym", Tag::inline_other},
    {"cite", Tag::inline_other},
    {"code", Tag::inline_other},
    {"q", Tag::inline_other},
    {"bdi", Tag::inline_other},
    {"bdo", Tag::inline_other},
    {"wbr", Tag::inline_other},
    {"dfn", Tag::inline_other},
    {"kbd", Tag::inline_other},
    {"samp", Tag::inline_other},
    {"var", Tag::inline_other},
    {"del", Tag::inline_other},
    {"ins", Tag::inline_other},
    {"tt", Tag::inline_other},
    {"strike", Tag::inline_other},
    {"nobr", Tag::inline_other},
    {"data", Tag::inline_other},
    {"ruby", Tag::inline_other},
    {"rt", Tag::inline_other},
    {"rp", Tag::inline_other},
};

// tag_of() runs for every element of every page: the names are looked up by
// length and first letter (libxml2 and the gumbo copy give lower-case names),
// which leaves one to three candidates to compare, instead of hashing each name.
class TagTable {
 public:
  static constexpr std::size_t kMaxName = 10;  // "blockquote", "figcaption"

  TagTable() {
    for (const auto& [name, tag] : kTagNames) slots_[name.size()][name.front() - 'a'].push_back({name, tag});
  }

  Tag find(std::string_view name) const {
    if (name.empty() || name.size() > kMaxName || name.front() < 'a' || name.front() > 'z') return Tag::other;
    for (const auto& [known, tag] : slots_[name.size()][name.front() - 'a']) {
      if (known == name) return tag;
    }
    return Tag::other;
  }

 private:
  std::array<std::array<std::vector<std::pair<std::string_view, Tag>>, 26>, kMaxName + 1> slots_;
};

const TagTable& tag_table() {
  static const TagTable table;
  return table;
}

}  // namespace

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }
bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Template-framework sigils that start attribute names in served HTML: Vue's
// and Alpine.js's `@click` / `#slot`, Angular's `*ngIf`, `(click)`, `[prop]`.
bool is_attribute_sigil(char c) { return c == '@' || c == '#' || c == '*' || c == '(' || c == '['; }

// True if some attribute-like `@name` follows whitespace: the cheap test that
// spares almost every page the tag scan below (an "@handle" in text passes
// it too; the scan then changes nothing).
bool may_hold_sigil_attribute(std::string_view html) {
  for (std::size_t i = html.find('@', 1); i != std::string_view::npos; i = html.find('@', i + 1)) {
    if (is_blank(html[i - 1]) && i + 1 < html.size() && is_ascii_alpha(html[i + 1])) return true;
  }
  return false;
}

// Case-insensitive search for an ASCII end tag ("</script") from `from`.
std::size_t find_end_tag(std::string_view html, std::string_view end_tag, std::size_t from) {
  for (std::size_t i = html.find("</", from); i != std::string_view::npos; i = html.find("</", i + 2)) {
    if (i + end_tag.size() > html.size()) break;
    bool same = true;
    for (std::size_t k = 2; k < end_tag.size() && same; ++k) same = ascii_lower(html[i + k]) == end_tag[k];
    if (same) return i;
  }
  return std::string_view::npos;
}

// Walks the attributes of the start tag whose name ends at `i` and renames,
// in `out`, those starting with a sigil; returns the offset after the tag.
std::size_t repair_tag_attributes(std::string_view html, std::size_t i, std::string& out) {
  const std::size_t n = html.size();
  while (i < n) {
    while (i < n && (is_blank(html[i]) || html[i] == '/')) ++i;
    if (i >= n || html[i] == '>') return i + 1;
    if (is_attribute_sigil(html[i])) {
      if (out.empty()) out.assign(html);
      out[i] = '_';
    }
    while (i < n && !is_blank(html[i]) && html[i] != '=' && html[i] != '>' && html[i] != '/') ++i;
    while (i < n && is_blank(html[i])) ++i;
    if (i >= n || html[i] != '=') continue;
    ++i;
    while (i < n && is_blank(html[i])) ++i;
    if (i < n && (html[i] == '"' || html[i] == '\'')) {
      const std::size_t close = html.find(html[i], i + 1);
      i = close == std::string_view::npos ? n : close + 1;
    } else {
      while (i < n && !is_blank(html[i]) && html[i] != '>') ++i;
    }
  }
  return n;
}

// libxml2 2.9's HTML parser cannot read an attribute name that starts with a
// sigil: it skips to the next blank, reads the words of the value as more
// attribute names, and a `>` inside the value (`() => x`, common in Alpine.js
// handlers) ends the tag, so the rest of the value becomes page text. HTML5
// parsers take these names as they are; renaming the sigil to '_' in the
// input keeps the tag whole and changes nothing the extractor reads. Returns
// the repaired copy, or an empty string when no tag needs it.
std::string repair_sigil_attribute_names(std::string_view html) {
  std::string out;
  if (!may_hold_sigil_attribute(html)) return out;
  const std::size_t n = html.size();
  std::size_t i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos && i + 1 < n) {
    if (html.compare(i, 4, "<!--") == 0) {
      const std::size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    if (!is_ascii_alpha(html[i + 1])) {
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    std::string name;
    while (j < n && !is_blank(html[j]) && html[j] != '>' && html[j] != '/' && name.size() < 8)
      name += ascii_lower(html[j++]);
    i = repair_tag_attributes(html, j, out);
    // Script and style text is not markup: an "a<b @c" in it is no tag.
    if (name == "script" || name == "style") {
      const std::size_t end = find_end_tag(html, name == "script" ? "</script" : "</style", i);
      i = end == std::string_view::npos ? n : end;
    }
  }
  return out;
}

}  // namespace

Result<DocPtr> parse_utf8(std::string_view utf8) {
  static std::once_flag init;
  std::call_once(init, [] { xmlInitParser(); });
  if (utf8.size() > static_cast<std::size_t>(INT32_MAX)) return fail(Errc::too_large, "HTML page over 2 GB");
  // IGNORE_ENC: the bytes are already UTF-8; a stale <meta charset> must not
  // make libxml2 decode them a second time.
  const int options = HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET |
                      HTML_PARSE_COMPACT | HTML_PARSE_IGNORE_ENC;
  const std::string repaired = repair_sigil_attribute_names(utf8);
  if (!repaired.empty()) utf8 = repaired;
  if (!arena_hooks_installed()) {
    htmlDocPtr doc = htmlReadMemory(utf8.data(), static_cast<int>(utf8.size()), nullptr, "UTF-8", options);
    if (doc == nullptr) return fail(Errc::parse, "libxml2 could not build a document from the page");
    return DocPtr(doc);
  }
  auto arena = std::make_unique<ParseArena>();
  htmlDocPtr doc = nullptr;
  {
    ArenaScope scope(*arena);
    doc = htmlReadMemory(utf8.data(), static_cast<int>(utf8.size()), nullptr, "UTF-8", options);
    // libxml2 copies a parse's last error into a per-thread record that
    // outlives the parse; its strings are in the arena, so it is cleared here.
    xmlResetLastError();
  }
  if (doc == nullptr) return fail(Errc::parse, "libxml2 could not build a document from the page");
  // _private is libxml2's field for the application: the document's owner.
  doc->_private = arena.release();
  return DocPtr(doc);
}

void DocFree::operator()(xmlDoc* d) const {
  if (d->_private != nullptr) {
    delete static_cast<ParseArena*>(d->_private);  // the document is in it
  } else {
    xmlFreeDoc(d);
  }
}

namespace {

// The memory of one gumbo parse. gumbo_destroy_output() frees the tree by
// recursion, one stack frame per level of nesting, so a page of a million
// nested <div>s would exhaust the stack; instead every block gumbo allocates
// is linked into a list here and the whole list is freed in one loop.
class GumboHeap {
 public:
  GumboHeap() = default;
  GumboHeap(const GumboHeap&) = delete;
  GumboHeap& operator=(const GumboHeap&) = delete;
  ~GumboHeap() {
    while (head_ != nullptr) {
      Header* next = head_->next;
      std::free(head_);
      head_ = next;
    }
  }

  static void* allocate(void* self, std::size_t size) {
    auto* heap = static_cast<GumboHeap*>(self);
    auto* h = static_cast<Header*>(std::malloc(sizeof(Header) + size));
    // gumbo does not check for null; failing here is what operator new would do.
    if (h == nullptr) std::abort();
    h->prev = nullptr;
    h->next = heap->head_;
    if (heap->head_ != nullptr) heap->head_->prev = h;
    heap->head_ = h;
    return h + 1;
  }

  static void release(void* self, void* ptr) {
    if (ptr == nullptr) return;
    auto* heap = static_cast<GumboHeap*>(self);
    Header* h = static_cast<Header*>(ptr) - 1;
    if (h->prev != nullptr) h->prev->next = h->next;
    if (h->next != nullptr) h->next->prev = h->prev;
    if (heap->head_ == h) heap->head_ = h->next;
    std::free(h);
  }

 private:
  // Keeps the block after the header aligned as malloc's would be.
  struct alignas(std::max_align_t) Header {
    Header* prev;
    Header* next;
  };
  Header* head_ = nullptr;
};

// gumbo names the elements it knows; an unknown one keeps its source spelling,
// which is lower-cased here as libxml2's HTML parser does.
const xmlChar* gumbo_element_name(const GumboElement& el, std::string& scratch) {
  if (el.tag != GUMBO_TAG_UNKNOWN) return reinterpret_cast<const xmlChar*>(gumbo_normalized_tagname(el.tag));
  GumboStringPiece piece = el.original_tag;
  scratch.clear();
  if (piece.data != nullptr && piece.length > 0) {
    gumbo_tag_from_original_text(&piece);
    scratch.assign(piece.data, piece.length);
  }
  for (char& c : scratch) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  if (scratch.empty()) scratch = "unknown";
  return reinterpret_cast<const xmlChar*>(scratch.c_str());
}

xmlNode* copy_element(xmlDoc* doc, const GumboElement& el, std::string& scratch) {
  xmlNode* node = xmlNewDocNode(doc, nullptr, gumbo_element_name(el, scratch), nullptr);
  for (unsigned i = 0; i < el.attributes.length; ++i) {
    const auto* a = static_cast<const GumboAttribute*>(el.attributes.data[i]);
    // xmlNewProp stores the value as one text node, as it is (no entity pass).
    xmlNewProp(node, reinterpret_cast<const xmlChar*>(a->name), reinterpret_cast<const xmlChar*>(a->value));
  }
  return node;
}

// Copies gumbo's tree under `root` into `doc`, iteratively (no page can
// exhaust the stack) and down to kMaxTreeDepth levels.
void copy_tree(xmlDoc* doc, const GumboNode* root) {
  std::string scratch;
  xmlNode* xml_root = copy_element(doc, root->v.element, scratch);
  xmlDocSetRootElement(doc, xml_root);
  struct Frame {
    const GumboVector* children;
    unsigned next;
    xmlNode* parent;
  };
  std::vector<Frame> stack{{&root->v.element.children, 0, xml_root}};
  while (!stack.empty()) {
    Frame& top = stack.back();
    if (top.next == top.children->length) {
      stack.pop_back();
      continue;
    }
    const auto* child = static_cast<const GumboNode*>(top.children->data[top.next++]);
    xmlNode* parent = top.parent;
    switch (child->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_WHITESPACE:
      case GUMBO_NODE_CDATA:
        xmlAddChild(parent, xmlNewDocText(doc, reinterpret_cast<const xmlChar*>(child->v.text.text)));
        break;
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE: {
        if (stack.size() >= kMaxTreeDepth) break;
        xmlNode* el = copy_element(doc, child->v.element, scratch);
        xmlAddChild(parent, el);
        stack.push_back({&child->v.element.children, 0, el});
        break;
      }
      case GUMBO_NODE_COMMENT:
      case GUMBO_NODE_DOCUMENT: break;
    }
  }
}

}  // namespace

Result<DocPtr> parse_utf8_html5(std::string_view utf8) {
  if (utf8.size() > static_cast<std::size_t>(INT32_MAX)) return fail(Errc::too_large, "HTML page over 2 GB");
  GumboHeap heap;
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = &GumboHeap::allocate;
  options.deallocator = &GumboHeap::release;
  options.userdata = &heap;
  options.max_errors = 0;  // the error list is never read
  // The output lives in `heap`; gumbo_destroy_output() is deliberately not called.
  const GumboOutput* out = gumbo_parse_with_options(&options, utf8.data(), utf8.size());
  if (out == nullptr || out->root == nullptr || out->root->type != GUMBO_NODE_ELEMENT)
    return fail(Errc::parse, "gumbo could not build a document from the page");
  DocPtr doc(htmlNewDocNoDtD(nullptr, nullptr));
  if (!doc) return fail(Errc::parse, "libxml2 could not allocate a document");
  copy_tree(doc.get(), out->root);
  return doc;
}

Tag tag_of(const xmlNode* element) {
  if (element == nullptr || element->type != XML_ELEMENT_NODE || element->name == nullptr) return Tag::other;
  return tag_table().find(to_view(element->name));
}

bool is_never_text(Tag t) {
  switch (t) {
    case Tag::head:
    case Tag::script:
    case Tag::style:
    case Tag::noscript:
    case Tag::template_:
    case Tag::svg:
    case Tag::iframe:
    case Tag::input:
    case Tag::select:
    case Tag::textarea:
    case Tag::title:
    case Tag::meta:
    case Tag::link:
    case Tag::option:
    case Tag::object:
    case Tag::embed:
    case Tag::canvas:
    case Tag::math:
    case Tag::audio:
    case Tag::video:
    case Tag::source:
    case Tag::map:
    case Tag::img: return true;
    default: return false;
  }
}

bool is_inline(Tag t) {
  switch (t) {
    case Tag::a:
    case Tag::span:
    case Tag::inline_other:
    case Tag::time:
    case Tag::label:
    case Tag::picture: return true;
    default: return false;
  }
}

namespace {

// `name` == the NUL-terminated `s`, without measuring `s` first: most
// attribute names differ from the one asked for in their first byte.
bool name_is(const xmlChar* s, std::string_view name) {
  if (s == nullptr) return false;
  for (char c : name) {
    if (static_cast<char>(*s++) != c) return false;
  }
  return *s == 0;
}

}  // namespace

std::string_view attr(const xmlNode* element, std::string_view name) {
  for (const xmlAttr* a = element->properties; a != nullptr; a = a->next) {
    if (!name_is(a->name, name)) continue;
    // The HTML parser stores an attribute value as one text child.
    if (a->children != nullptr && a->children->type == XML_TEXT_NODE && a->children->next == nullptr) {
      return to_view(a->children->content);
    }
    return {};
  }
  return {};
}

bool has_attr(const xmlNode* element, std::string_view name) {
  for (const xmlAttr* a = element->properties; a != nullptr; a = a->next) {
    if (name_is(a->name, name)) return true;
  }
  return false;
}

std::string inner_text(const xmlNode* node, std::size_t max_bytes) {
  std::string out;
  if (node == nullptr) return out;
  if (node->type == XML_TEXT_NODE) return std::string(to_view(node->content));
  for (const xmlNode* c = node->children; c != nullptr && out.size() < max_bytes;) {
    if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
      out += to_view(c->content);
    } else if (c->type == XML_ELEMENT_NODE && c->children != nullptr) {
      c = c->children;
      continue;
    }
    c = next_skipping_children(c, node);
  }
  return out;
}

xmlNode* find_element(xmlNode* parent, Tag t, bool deep) {
  if (parent == nullptr) return nullptr;
  for (xmlNode* c = parent->children; c != nullptr;) {
    if (c->type == XML_ELEMENT_NODE) {
      if (tag_of(c) == t) return c;
      if (deep && c->children != nullptr) {
        c = c->children;
        continue;
      }
    }
    c = deep ? next_skipping_children(c, parent) : c->next;
  }
  return nullptr;
}

}  // namespace newsd::parse::html
