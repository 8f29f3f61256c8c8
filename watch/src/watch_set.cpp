#include "newsd/watch/watch_set.hpp"

#include <algorithm>
#include <optional>

#include "newsd/store/index_terms.hpp"
#include "newsd/store/query.hpp"

namespace newsd::watch {
namespace {

using store::FilterField;
using store::QueryOp;

// A word or phrase as the index tokenizer offers it: per token, its forms.
struct Phrase {
  std::vector<std::vector<std::string>> tokens;
  bool prefix = false;  ///< the last token matches any term beginning with one of its forms
};

struct Node {
  QueryOp op = QueryOp::term;
  std::size_t phrase = 0;  ///< term: index into Compiled::phrases
  FilterField field = FilterField::topic;
  std::string value;  ///< filter
  int distance = 0;   ///< near
  std::vector<Node> children;
};

}  // namespace

struct WatchSet::Compiled {
  Node root;
  std::vector<Phrase> phrases;
};

namespace {

using Positions = std::vector<std::uint32_t>;

Node compile_node(const store::QueryNode& q, std::vector<Phrase>& phrases) {
  Node n{q.op};
  switch (q.op) {
    case QueryOp::term:
      n.phrase = phrases.size();
      phrases.push_back({store::query_term_forms(q.text, q.prefix), q.prefix});
      break;
    case QueryOp::filter:
      n.field = q.field;
      n.value = q.text;
      break;
    default:
      n.distance = q.distance;
      for (const auto& child : q.children) n.children.push_back(compile_node(child, phrases));
  }
  return n;
}

// The forms of which one must occur in an article for `n` to match it; an
// empty list for a node that can match no article (a word without a stem),
// nullopt when no list of exact forms decides it (a filter, a prefix word).
std::optional<std::vector<std::string>> triggers(const Node& n, const std::vector<Phrase>& phrases) {
  switch (n.op) {
    case QueryOp::term: {
      const Phrase& p = phrases[n.phrase];
      if (p.tokens.empty()) return std::vector<std::string>{};
      if (p.prefix && p.tokens.size() == 1) return std::nullopt;
      return p.tokens.front();
    }
    case QueryOp::filter: return std::nullopt;
    case QueryOp::all: {
      // Any one side decides; the one with the fewest forms wakes the watch least.
      std::optional<std::vector<std::string>> best;
      for (const auto& child : n.children) {
        auto t = triggers(child, phrases);
        if (t && (!best || t->size() < best->size())) best = std::move(t);
      }
      return best;
    }
    case QueryOp::any: {
      std::vector<std::string> all;
      for (const auto& child : n.children) {
        auto t = triggers(child, phrases);
        if (!t) return std::nullopt;
        all.insert(all.end(), t->begin(), t->end());
      }
      return all;
    }
    case QueryOp::group:
    case QueryOp::but_not:  // what is excluded wakes nothing
    case QueryOp::near: return triggers(n.children.front(), phrases);
  }
  return std::nullopt;
}

Positions token_positions(const ArticleTerms& terms, const std::vector<std::string>& forms, bool prefix) {
  Positions out;
  const auto add = [&out](const Positions& p) { out.insert(out.end(), p.begin(), p.end()); };
  for (const auto& form : forms) {
    if (prefix) {
      terms.for_each_with_prefix(form, add);
    } else if (const Positions* p = terms.positions(form)) {
      add(*p);
    }
  }
  std::ranges::sort(out);
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Where each occurrence of the phrase begins: its tokens at consecutive positions.
Positions phrase_starts(const ArticleTerms& terms, const Phrase& phrase) {
  const std::size_t n = phrase.tokens.size();
  if (n == 0) return {};
  Positions starts = token_positions(terms, phrase.tokens[0], phrase.prefix && n == 1);
  for (std::size_t k = 1; k < n && !starts.empty(); ++k) {
    const Positions at = token_positions(terms, phrase.tokens[k], phrase.prefix && k + 1 == n);
    std::erase_if(starts, [&](std::uint32_t s) { return !std::ranges::binary_search(at, s + k); });
  }
  return starts;
}

// FTS5's NEAR for two phrases: at most `distance` tokens between the end of
// the first and the start of the second, in either order.
bool near(const ArticleTerms& terms, const Phrase& a, const Phrase& b, int distance) {
  const Positions pa = phrase_starts(terms, a);
  if (pa.empty()) return false;
  const Positions pb = phrase_starts(terms, b);
  const auto la = static_cast<std::int64_t>(a.tokens.size()), lb = static_cast<std::int64_t>(b.tokens.size());
  for (const std::uint32_t p : pa) {
    const std::int64_t low = static_cast<std::int64_t>(p) - lb - distance, high = p + la + distance;
    const auto it = std::ranges::lower_bound(pb, static_cast<std::uint32_t>(std::max<std::int64_t>(low, 0)));
    if (it != pb.end() && static_cast<std::int64_t>(*it) <= high) return true;
  }
  return false;
}

bool same_text(std::string_view a, std::string_view b) {
  return std::ranges::equal(a, b, [](char x, char y) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    return lower(x) == lower(y);
  });
}

bool any_named(const std::vector<std::string>& names, std::string_view value) {
  return std::ranges::any_of(names, [&](const std::string& name) { return same_text(name, value); });
}

bool filter_holds(const Node& n, const ArticleFacts& facts) {
  switch (n.field) {
    case FilterField::topic: return any_named(facts.topics, n.value);
    case FilterField::country: return any_named(facts.countries, n.value);
    case FilterField::lang: {
      // `lang:fr` covers fr-CA; `lang:fr-CA` only that.
      const std::string_view lang = facts.lang;
      return same_text(lang, n.value) || same_text(lang.substr(0, lang.find('-')), n.value);
    }
    case FilterField::feed:
      return facts.feed_url == n.value || (!facts.feed_name.empty() && same_text(facts.feed_name, n.value));
  }
  return false;
}

bool holds(const Node& n, const WatchSet::Compiled& c, const ArticleTerms& terms, const ArticleFacts& facts) {
  switch (n.op) {
    case QueryOp::term: return !phrase_starts(terms, c.phrases[n.phrase]).empty();
    case QueryOp::filter: return filter_holds(n, facts);
    case QueryOp::group: return holds(n.children.front(), c, terms, facts);
    case QueryOp::all:
      return std::ranges::all_of(n.children, [&](const Node& child) { return holds(child, c, terms, facts); });
    case QueryOp::any:
      return std::ranges::any_of(n.children, [&](const Node& child) { return holds(child, c, terms, facts); });
    case QueryOp::but_not: return holds(n.children[0], c, terms, facts) && !holds(n.children[1], c, terms, facts);
    case QueryOp::near:
      return near(terms, c.phrases[n.children[0].phrase], c.phrases[n.children[1].phrase], n.distance);
  }
  return false;
}

Result<std::optional<store::QueryNode>> parse_watch_query(std::string_view query) {
  // The same cap as a search's text: a watch runs on every article.
  const std::size_t max_bytes = store::SearchLimits{}.max_query_bytes;
  if (query.size() > max_bytes) {
    return fail(Errc::invalid_argument,
                "the query is " + std::to_string(query.size()) + " bytes, at most " + std::to_string(max_bytes));
  }
  auto tree = store::parse_query(query, {.filters = true});
  if (tree && !*tree) return fail(Errc::invalid_argument, "the query holds no word and no filter");
  return tree;
}

}  // namespace

std::string query_problem(std::string_view query) {
  auto tree = parse_watch_query(query);
  return tree ? std::string() : tree.error().message;
}

WatchSet::WatchSet() = default;
WatchSet::~WatchSet() = default;
WatchSet::WatchSet(WatchSet&&) noexcept = default;
WatchSet& WatchSet::operator=(WatchSet&&) noexcept = default;

Result<WatchSet> WatchSet::compile(const std::vector<config::WatchConfig>& watches) {
  WatchSet set;
  for (const auto& watch : watches) {
    auto tree = parse_watch_query(watch.query);
    if (!tree) return fail(Errc::config, "watch '" + watch.name + "': " + tree.error().message);
    Compiled compiled;
    compiled.root = compile_node(**tree, compiled.phrases);
    const std::size_t index = set.compiled_.size();
    if (auto forms = triggers(compiled.root, compiled.phrases)) {
      for (auto& form : *forms) {
        auto& list = set.by_term_[std::move(form)];
        if (list.empty() || list.back() != index) list.push_back(index);
      }
    } else {
      set.always_.push_back(index);
    }
    set.compiled_.push_back(std::move(compiled));
    set.watches_.push_back(watch);
  }
  return set;
}

std::vector<std::size_t> WatchSet::match(const ArticleTerms& terms, const ArticleFacts& facts) const {
  std::vector<char> candidate(compiled_.size(), 0);
  for (const std::size_t i : always_) candidate[i] = 1;
  for (const auto& [term, positions] : terms.terms()) {
    if (auto it = by_term_.find(term); it != by_term_.end()) {
      for (const std::size_t i : it->second) candidate[i] = 1;
    }
  }
  std::vector<std::size_t> matched;
  for (std::size_t i = 0; i < compiled_.size(); ++i) {
    if (candidate[i] != 0 && holds(compiled_[i].root, compiled_[i], terms, facts)) matched.push_back(i);
  }
  return matched;
}

}  // namespace newsd::watch
