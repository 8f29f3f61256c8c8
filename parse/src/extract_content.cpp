// Main-content selection.
//
// One walk over <body> cuts the text into blocks (a run of inline content
// between two block-level boundaries) and records every container element.
// Each block gets a weight: long prose with few links is positive; link
// lists, short fragments and anything inside a boilerplate-marked container
// (class/id/role/tag: comments, related, share, nav, footer, …) is negative.
// A container's score is the sum of the weights of the blocks beneath it,
// where a block counts as boilerplate only for containers at or above the
// boilerplate marker. The article is the container with the highest score:
// it grows to take in every part of the body as long as what lies between
// them costs less than they bring, and stops at comment sections and link
// farms. A mis-marked wrapper around the whole page (`<div class="page
// with-sidebar">`) does not hide the article: containers inside it still
// see their own text as positive.
#include <algorithm>

#include "extract_internal.hpp"
#include "extract_text.hpp"
#include "extract_vocab.hpp"
#include "newsd/base/ascii.hpp"

namespace newsd::parse::detail {
namespace {

using html::Tag;

constexpr int kMaxDepth = 400;
// Containers nested in a boilerplate container compete at this discount, so
// that one long comment does not beat a shorter article.
constexpr double kInsideBoilerplateFactor = 0.25;
// A block's weight is its length, minus kLinkPenalty times its linked part;
// blocks shorter than kShortBlockChars (menu items, labels) cost a little more.
constexpr double kLinkPenalty = 2.0;
constexpr std::size_t kShortBlockChars = 20;
constexpr double kShortBlockPenalty = 8.0;
// Lines shorter than this without a sentence end are trimmed off the edges.
constexpr std::size_t kWeakEdgeChars = 50;
// After a stop line ("Related articles") the rest is cut when less than this
// share of it is long, unlinked prose.
constexpr double kTailLongShare = 0.5;
// The page's marked article body replaces the best container around it when
// it holds at least this share of the container's score.
constexpr double kMarkedBodyShare = 0.7;
// A block at least half linked and at most this long reads as another
// story's headline; two in a row, or one holding several links, are a teaser
// list rather than article text.
constexpr double kHeadlineLinkShare = 0.5;
constexpr std::size_t kHeadlineChars = 200;
// A lead container before the chosen body is taken in when no more than this
// much text (bylines, dates, a caption) lies between them.
constexpr std::size_t kLeadGapChars = 400;
// A comment-policy line at most this long ends the article when at least
// kPolicyStopAfterChars of text precede it (reader comments after it can be
// longer than the article); a longer one, or one before that, is dropped.
constexpr std::size_t kPolicyStopChars = 250;
constexpr std::size_t kPolicyStopAfterChars = 200;

struct Elem {
  xmlNode* node = nullptr;
  int parent = -1;
  int depth = 0;
  int first_block = 0;
  int end_block = 0;
  int boiler_depth = -1;     ///< depth of the innermost boilerplate container at or above this one
  double score = 0;          ///< blocks under a boilerplate marker at or below here count against
  double score_as_self = 0;  ///< the same, except that this element's own marker is ignored
  Tag tag = Tag::other;
  bool boilerplate = false;  ///< this element itself is marked as boilerplate
  bool content = false;      ///< this element itself is marked as the article body
  bool lead = false;         ///< this element itself is marked as the lead/standfirst
};

struct Block {
  std::string text;
  int owner = -1;
  int boiler_depth = -1;
  std::size_t chars = 0;
  double link_density = 0;
  int links = 0;         ///< links that contributed text to the block
  bool lead = false;     ///< inside a lead/standfirst container
  bool in_list = false;  ///< inside a list item or table cell
};

// React's streaming server rendering sends each suspended part of the page as
// `<div hidden id="S:n">` at the end of the body, for a script to move into
// its placeholder: hidden in the markup, shown to every reader.
bool is_streamed_react_boundary(const xmlNode* el) {
  const std::string_view id = html::attr(el, "id");
  return id.size() > 2 && id.starts_with("S:") && id.find_first_not_of("0123456789", 2) == std::string_view::npos;
}

}  // namespace

bool hidden_by_attributes(const xmlNode* el) {
  for (const xmlAttr* a = el->properties; a != nullptr; a = a->next) {
    const auto name = html::to_view(a->name);
    if (name == "hidden") {
      if (is_streamed_react_boundary(el)) continue;
      return true;
    }
    if (name != "style" && name != "aria-hidden") continue;
    const std::string_view value =
        a->children != nullptr && a->children->type == XML_TEXT_NODE ? html::to_view(a->children->content) : "";
    if (name == "aria-hidden") {
      if (value == "true") return true;
      continue;
    }
    std::string style;
    style.reserve(value.size());
    for (char c : value) {
      if (c != ' ' && c != '\t' && c != '\n') style += ascii_lower(c);
    }
    if (style.find("display:none") != std::string::npos || style.find("visibility:hidden") != std::string::npos)
      return true;
  }
  return false;
}

namespace {

// Captions are weighed like boilerplate: the spec drops captions of unrelated
// images, and those of the article's own images are rarely counted as its text.
bool is_boilerplate_tag(Tag t) {
  switch (t) {
    case Tag::nav:
    case Tag::aside:
    case Tag::footer:
    case Tag::header:
    case Tag::form:
    case Tag::button:
    case Tag::dialog:
    case Tag::figcaption:
    case Tag::menu: return true;
    default: return false;
  }
}

}  // namespace

bool is_boilerplate_role(std::string_view role) {
  return role == "navigation" || role == "banner" || role == "contentinfo" || role == "complementary" ||
         role == "search" || role == "menu" || role == "menubar" || role == "dialog" || role == "alert";
}

namespace {

bool is_list_item(Tag t) {
  switch (t) {
    case Tag::li:
    case Tag::dt:
    case Tag::dd:
    case Tag::td:
    case Tag::th:
    case Tag::tr:
    case Tag::ul:
    case Tag::ol:
    case Tag::dl:
    case Tag::table: return true;
    default: return false;
  }
}

// ---- segmentation ----------------------------------------------------------

class Segmenter {
 public:
  /// With `honour_hidden_classes` false, "hide"/"hidden"-style classes are
  /// read as neutral (the hidden attribute and inline styles still hide).
  Segmenter(const std::vector<xmlNode*>& dropped, bool honour_hidden_classes)
      : dropped_(dropped), honour_hidden_classes_(honour_hidden_classes) {}

  void run(xmlNode* body) {
    open_container(body, Tag::body, false);
    visit(body, 0);
    close_container();
    if (saw_content_marker_) unmark_ancestors_of_content();
  }

  std::vector<Elem> elems;
  std::vector<Block> blocks;
  bool skipped_hidden_class = false;  ///< a subtree was left out for a hidden class alone

 private:
  void visit(xmlNode* node, int depth) {
    if (depth > kMaxDepth) return;
    for (xmlNode* c = node->children; c != nullptr; c = c->next) {
      if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
        add_text(html::to_view(c->content));
        continue;
      }
      if (c->type != XML_ELEMENT_NODE) continue;
      const Tag tag = html::tag_of(c);
      if (tag == Tag::br) {
        if (last_was_br_) {
          flush();
        } else {
          pending_space_ = true;
        }
        last_was_br_ = true;
        continue;
      }
      if (html::is_never_text(tag)) continue;
      if (!dropped_.empty() && std::ranges::find(dropped_, c) != dropped_.end()) continue;
      if (hidden_by_attributes(c)) continue;
      Verdict verdict = verdicts_.of(html::attr(c, "class"), html::attr(c, "id"));
      if (verdict == Verdict::hidden) {
        if (honour_hidden_classes_) {
          skipped_hidden_class = true;
          continue;
        }
        verdict = Verdict::neutral;
      }
      if (tag == Tag::hr) {
        flush();
        continue;
      }
      if (tag == Tag::td || tag == Tag::th) {
        pending_space_ = true;
        visit(c, depth + 1);
        pending_space_ = true;
        continue;
      }
      if (html::is_inline(tag)) {
        // An inline element marked as boilerplate ("share" links, screen
        // reader labels) takes no part in the text.
        if (verdict == Verdict::boilerplate) continue;
        last_was_br_ = false;
        if (tag == Tag::a) {
          ++link_depth_;
          const std::size_t before = link_bytes_;
          visit(c, depth + 1);
          --link_depth_;
          if (link_bytes_ > before) ++links_;
        } else {
          visit(c, depth + 1);
        }
        continue;
      }
      bool boiler = verdict == Verdict::boilerplate || is_boilerplate_tag(tag) ||
                    is_boilerplate_role(html::attr(c, "role")) || labelled_as_boilerplate(c);
      const bool content = verdict == Verdict::content || html::attr(c, "itemprop") == "articleBody";
      const bool lead = !content && verdict == Verdict::lead && lead_allowed_here();
      if (content || lead) boiler = false;
      flush();
      open_container(c, tag, boiler);
      const bool list_item = is_list_item(tag);
      list_depth_ += list_item ? 1 : 0;
      if (content) {
        elems.back().content = true;
        saw_content_marker_ = true;
      }
      if (lead) {
        // The standfirst often sits in the page's <header> with the headline:
        // its text is article text even so.
        elems.back().lead = true;
        elems.back().boiler_depth = -1;
        ++lead_depth_;
      }
      visit(c, depth + 1);
      flush();
      close_container();
      if (lead) --lead_depth_;
      list_depth_ -= list_item ? 1 : 0;
    }
  }

  // A region named by a boilerplate heading: `<section
  // aria-labelledby="podcast-promo">`, `aria-labelledby="most-read-heading"`.
  bool labelled_as_boilerplate(const xmlNode* el) {
    const std::string_view label = html::attr(el, "aria-labelledby");
    return !label.empty() && verdicts_.of({}, label) == Verdict::boilerplate;
  }

  // A lead marker counts outside boilerplate and inside a header only: a
  // "summary" in a related-stories box is a teaser.
  bool lead_allowed_here() const {
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
      const Elem& e = elems[static_cast<std::size_t>(*it)];
      if (e.boilerplate)
        return e.tag == Tag::header || ascii_lower(html::attr(e.node, "class")).find("header") != std::string::npos;
    }
    return true;
  }

  // A container holding the marked article body is not boilerplate, whatever
  // its class says ("content-with-sidebar", "toc-content-sidebar").
  void unmark_ancestors_of_content() {
    for (const Elem& e : elems) {
      if (!e.content) continue;
      for (int p = e.parent; p >= 0; p = elems[static_cast<std::size_t>(p)].parent)
        elems[static_cast<std::size_t>(p)].boilerplate = false;
    }
    for (Elem& e : elems) {
      const int inherited = e.parent < 0 ? -1 : elems[static_cast<std::size_t>(e.parent)].boiler_depth;
      e.boiler_depth = e.boilerplate ? e.depth : (e.lead ? -1 : inherited);
    }
    for (Block& b : blocks) b.boiler_depth = elems[static_cast<std::size_t>(b.owner)].boiler_depth;
  }

  void open_container(xmlNode* node, Tag tag, bool boiler) {
    Elem e;
    e.boilerplate = boiler;
    e.node = node;
    e.tag = tag;
    e.parent = stack_.empty() ? -1 : stack_.back();
    e.depth = stack_.empty() ? 0 : elems[static_cast<std::size_t>(e.parent)].depth + 1;
    e.boiler_depth = boiler ? e.depth : (stack_.empty() ? -1 : elems[static_cast<std::size_t>(e.parent)].boiler_depth);
    e.first_block = static_cast<int>(blocks.size());
    stack_.push_back(static_cast<int>(elems.size()));
    elems.push_back(e);
  }

  void close_container() {
    Elem& e = elems[static_cast<std::size_t>(stack_.back())];
    e.end_block = static_cast<int>(blocks.size());
    stack_.pop_back();
  }

  void add_text(std::string_view t) {
    if (t.empty()) return;
    const std::size_t before = cur_.size();
    text::append_collapsed(cur_, t, pending_space_);
    if (cur_.size() != before) last_was_br_ = false;
    if (link_depth_ > 0) link_bytes_ += cur_.size() - before;
  }

  void flush() {
    last_was_br_ = false;
    pending_space_ = false;
    if (cur_.empty()) return;
    Block b;
    b.owner = stack_.back();
    b.boiler_depth = elems[static_cast<std::size_t>(b.owner)].boiler_depth;
    b.chars = text::count_chars(cur_);
    b.link_density = static_cast<double>(std::min(link_bytes_, cur_.size())) / static_cast<double>(cur_.size());
    b.links = links_;
    b.lead = lead_depth_ > 0;
    b.in_list = list_depth_ > 0;
    b.text = std::move(cur_);
    blocks.push_back(std::move(b));
    cur_.clear();
    link_bytes_ = 0;
    links_ = 0;
  }

  const std::vector<xmlNode*>& dropped_;
  const bool honour_hidden_classes_;
  ClassVerdicts verdicts_;
  std::vector<int> stack_;
  std::string cur_;
  std::size_t link_bytes_ = 0;
  bool pending_space_ = false;
  bool last_was_br_ = false;
  int link_depth_ = 0;
  int links_ = 0;
  int lead_depth_ = 0;
  int list_depth_ = 0;
  bool saw_content_marker_ = false;
};

// ---- scoring ---------------------------------------------------------------

double content_weight(const Block& b) {
  const auto len = static_cast<double>(b.chars);
  double w = len * (1.0 - kLinkPenalty * b.link_density);
  if (b.chars < kShortBlockChars) w -= kShortBlockPenalty;
  return w;
}

double boilerplate_weight(const Block& b) { return -static_cast<double>(b.chars); }

void score(std::vector<Elem>& elems, const std::vector<Block>& blocks) {
  for (const Block& b : blocks) {
    const double pos = content_weight(b);
    const double neg = boilerplate_weight(b);
    for (int e = b.owner; e >= 0; e = elems[static_cast<std::size_t>(e)].parent) {
      Elem& el = elems[static_cast<std::size_t>(e)];
      el.score += b.boiler_depth >= el.depth ? neg : pos;
      el.score_as_self += b.boiler_depth > el.depth ? neg : pos;
    }
  }
}

int best_container(const std::vector<Elem>& elems) {
  int best = -1;
  double best_score = 0;
  for (std::size_t i = 0; i < elems.size(); ++i) {
    const Elem& e = elems[i];
    // A marked container competes with its own text counted as content, at a
    // discount: a page wrapped in one (`<div class="sidebar-content">`) still
    // yields its article, while a comment section loses to a real article.
    const double s = e.boiler_depth >= 0 ? e.score_as_self * kInsideBoilerplateFactor : e.score;
    if (s > best_score) {
      best_score = s;
      best = static_cast<int>(i);
    }
  }
  return best;
}

bool is_ancestor(const std::vector<Elem>& elems, int ancestor, int node) {
  for (int p = node; p >= 0; p = elems[static_cast<std::size_t>(p)].parent) {
    if (p == ancestor) return true;
  }
  return false;
}

// The page's own article-body marker (itemprop=articleBody, "entry-content",
// …) inside the best container replaces it when it holds most of its score:
// what the container adds around it is usually headers and teasers.
int prefer_marked_body(const std::vector<Elem>& elems, int best, double share) {
  const double best_score = elems[static_cast<std::size_t>(best)].score;
  int pick = best;
  for (std::size_t i = 0; i < elems.size(); ++i) {
    const Elem& e = elems[i];
    if (!e.content || static_cast<int>(i) == best) continue;
    const bool inside = is_ancestor(elems, best, static_cast<int>(i));
    if (!inside) continue;
    if (e.score >= share * best_score) {
      pick = static_cast<int>(i);
      break;
    }
  }
  return pick;
}

// The lead/standfirst container closest before `chosen`, when little text
// lies between them; -1 if none. A page that marks its body (articleBody,
// "entry-content") often keeps the standfirst in a sibling beside it.
int lead_before(const std::vector<Elem>& elems, const std::vector<Block>& blocks, int chosen) {
  const Elem& body = elems[static_cast<std::size_t>(chosen)];
  int pick = -1;
  for (std::size_t i = 0; i < elems.size(); ++i) {
    const Elem& e = elems[i];
    if (!e.lead || e.first_block == e.end_block || e.end_block > body.first_block) continue;
    // Strictly later only: of a lead nested in another, the outer one is kept.
    if (pick < 0 || e.end_block > elems[static_cast<std::size_t>(pick)].end_block) pick = static_cast<int>(i);
  }
  if (pick < 0) return -1;
  std::size_t gap = 0;
  for (int i = elems[static_cast<std::size_t>(pick)].end_block; i < body.first_block; ++i)
    gap += blocks[static_cast<std::size_t>(i)].chars;
  return gap <= kLeadGapChars ? pick : -1;
}

bool ends_sentence(std::string_view t) {
  while (!t.empty() && (t.back() == ' ' || t.back() == '"' || t.back() == ')' || t.back() == '\'')) t.remove_suffix(1);
  if (t.empty()) return false;
  const char c = t.back();
  if (c == '.' || c == '!' || c == '?' || c == ':') return true;
  // Arabic question mark, full stop variants and closing quotes, in UTF-8.
  return t.ends_with("\xD8\x9F") || t.ends_with("\xE2\x80\x9D") || t.ends_with("\xC2\xBB") ||
         t.ends_with("\xE2\x80\xA6");
}

// A block that does not read as article text when it sits at the edge of the
// container: bylines, dates, "Share", category links, "Back to top".
bool is_weak_edge(const Block& b) {
  if (b.lead) return false;
  if (b.link_density > 0.5) return true;
  return b.chars < kWeakEdgeChars && !ends_sentence(b.text);
}

// What follows a stop line is a list of teasers or a form rather than more
// article: mostly links, or only short lines.
bool tail_looks_like_boilerplate(const std::vector<Block*>& blocks, std::size_t from, std::size_t to) {
  double chars = 0, linked = 0, long_chars = 0;
  for (std::size_t i = from; i < to; ++i) {
    chars += static_cast<double>(blocks[i]->chars);
    linked += static_cast<double>(blocks[i]->chars) * blocks[i]->link_density;
    if (blocks[i]->chars >= 150 && blocks[i]->link_density < 0.2) long_chars += static_cast<double>(blocks[i]->chars);
  }
  if (chars == 0) return true;
  return linked / chars >= 0.3 || long_chars / chars < kTailLongShare;
}

bool is_dropped_text(const Block& b, const std::vector<std::string>& drop_keys) {
  if (is_placeholder_line(b.text, b.chars)) return true;
  if (b.chars > 300) return false;
  const std::string key = text::loose_key(b.text);
  return std::ranges::find(drop_keys, key) != drop_keys.end();
}

std::vector<Block*> trim_weak_edges(std::vector<Block*> picked) {
  std::size_t begin = 0, end = picked.size();
  while (begin < end && is_weak_edge(*picked[begin])) ++begin;
  while (end > begin && is_weak_edge(*picked[end - 1])) --end;
  // A container of nothing but short lines (a headline passed as a fragment,
  // a one-line teaser) keeps them: the page-level minimum decides instead.
  if (begin == end && std::ranges::none_of(picked, [](const Block* b) { return b->link_density > 0.5; })) return picked;
  return {picked.begin() + static_cast<std::ptrdiff_t>(begin), picked.begin() + static_cast<std::ptrdiff_t>(end)};
}

// Items of a list or table are left to the scoring: articles list products,
// sources and changelogs as links, and readers count them as text.
bool is_headline_link(const Block& b) {
  return !b.in_list && b.link_density >= kHeadlineLinkShare && b.chars <= kHeadlineChars;
}

// Other stories' headlines inside the article: two or more headline-like
// links in a row, or one line holding several ("Title one ... Title two").
// A lone linked line stays: a source or a document link can be article text.
std::vector<Block*> drop_headline_runs(const std::vector<Block*>& picked) {
  std::vector<Block*> out;
  for (std::size_t i = 0; i < picked.size();) {
    std::size_t j = i;
    while (j < picked.size() && !picked[j]->lead && is_headline_link(*picked[j])) ++j;
    if (j == i) {
      out.push_back(picked[i++]);
      continue;
    }
    if (j - i == 1 && picked[i]->links < 2) out.push_back(picked[i]);
    i = j;
  }
  return out;
}

// Cuts at the first "related / comments / newsletter" line in the second half
// of the article when teasers follow it; drops such lines elsewhere.
std::vector<Block*> cut_at_section_stop(std::vector<Block*> picked) {
  std::size_t all = 0;
  for (const Block* b : picked) all += b->chars;
  std::size_t before = 0;
  std::vector<Block*> out;
  for (std::size_t i = 0; i < picked.size(); ++i) {
    Block* b = picked[i];
    before += b->chars;
    const bool second_half = (before - b->chars) * 2 >= all;
    if (is_comment_policy_line(b->text, b->chars)) {
      // What follows a comment disclaimer is the comments, however long.
      if (before - b->chars >= kPolicyStopAfterChars && b->chars <= kPolicyStopChars) break;
    } else if (!is_section_stop_line(b->text, b->chars)) {
      out.push_back(b);
    } else if (second_half && tail_looks_like_boilerplate(picked, i + 1, picked.size())) {
      break;
    } else {
      // "Most read" / "À lire aussi" inside the text: the links under it are
      // the box's, list items included.
      while (i + 1 < picked.size() && picked[i + 1]->link_density >= kHeadlineLinkShare &&
             picked[i + 1]->chars <= kHeadlineChars) {
        before += picked[++i]->chars;
      }
    }
  }
  return out;
}

std::vector<xmlNode*> site_nodes(xmlNode* root, const std::vector<std::string>& selectors, bool first_hit_only) {
  std::vector<xmlNode*> out;
  for (const auto& text : selectors) {
    auto sel = parse_selector(text);
    if (!sel) continue;  // rejected at config load; a bad one here only disables itself
    auto nodes = html::select_all(root, *sel, true);
    out.insert(out.end(), nodes.begin(), nodes.end());
    if (first_hit_only && !out.empty()) break;
  }
  return out;
}

struct BodyPass {
  std::vector<std::string> blocks;
  bool skipped_hidden_class = false;
};

BodyPass select_body(xmlNode* body, const ContentHints& hints, const std::vector<xmlNode*>& dropped,
                     const std::vector<xmlNode*>& kept, bool honour_hidden_classes) {
  BodyPass pass;
  std::vector<std::string>& out = pass.blocks;
  Segmenter seg(dropped, honour_hidden_classes);
  seg.run(body);
  pass.skipped_hidden_class = seg.skipped_hidden_class;
  auto& elems = seg.elems;
  auto& blocks = seg.blocks;
  score(elems, blocks);

  std::vector<int> chosen;
  if (!kept.empty()) {
    for (std::size_t i = 0; i < elems.size(); ++i) {
      if (std::ranges::find(kept, elems[i].node) != kept.end()) chosen.push_back(static_cast<int>(i));
    }
  }
  if (chosen.empty()) {
    int best = best_container(elems);
    if (best >= 0) best = prefer_marked_body(elems, best, kMarkedBodyShare);
    if (best >= 0) {
      if (const int lead = lead_before(elems, blocks, best); lead >= 0) chosen.push_back(lead);
      chosen.push_back(best);
    }
  }

  std::vector<std::string> drop_keys;
  for (const auto& t : hints.drop_texts) {
    if (auto k = text::loose_key(t); !k.empty()) drop_keys.push_back(std::move(k));
  }
  std::vector<Block*> picked;
  for (int c : chosen) {
    const Elem& e = elems[static_cast<std::size_t>(c)];
    for (int i = e.first_block; i < e.end_block; ++i) {
      Block& b = blocks[static_cast<std::size_t>(i)];
      // Inside a marked container below the article; a comment disclaimer
      // there still tells where the article ends.
      if (b.boiler_depth > e.depth && !is_comment_policy_line(b.text, b.chars)) continue;
      if (is_dropped_text(b, drop_keys)) continue;
      picked.push_back(&b);
    }
  }
  picked = cut_at_section_stop(trim_weak_edges(drop_headline_runs(picked)));

  std::size_t total_chars = 0;
  for (Block* b : picked) {
    total_chars += b->chars;
    out.push_back(std::move(b->text));
  }
  if (hints.site_rule == nullptr || kept.empty()) {
    if (total_chars < hints.min_text_chars) out.clear();
  }
  return pass;
}

}  // namespace

std::vector<std::string> extract_body_blocks(xmlDoc* doc, const ContentHints& hints) {
  xmlNode* root = xmlDocGetRootElement(doc);
  if (root == nullptr) return {};
  xmlNode* body = html::find_element(root, Tag::body, false);
  if (body == nullptr) body = root;

  std::vector<xmlNode*> dropped;
  std::vector<xmlNode*> kept;
  if (hints.site_rule != nullptr) {
    dropped = site_nodes(body, hints.site_rule->drop, false);
    kept = site_nodes(body, hints.site_rule->keep, true);
  }
  BodyPass pass = select_body(body, hints, dropped, kept, true);
  // A page whose script reveals it (a preloader's "hide" class on the page
  // wrapper) has all its text under a hidden class; read the classes as
  // neutral when that left no article.
  if (pass.blocks.empty() && pass.skipped_hidden_class) pass = select_body(body, hints, dropped, kept, false);
  return std::move(pass.blocks);
}

}  // namespace newsd::parse::detail
