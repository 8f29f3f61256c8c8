// JSON Feed 1.0/1.1 input (https://www.jsonfeed.org/version/1.1/) and the
// spec's JSON output of any parsed feed.
#include <nlohmann/json.hpp>

#include "feed_internal.hpp"
#include "json_bounded.hpp"
#include "newsd/parse/dates.hpp"
#include "newsd/parse/url.hpp"

namespace newsd::parse {
namespace feed_detail {
namespace {

using nlohmann::json;

// JSON Feed fields are read defensively: a wrong type is treated as absent
// rather than thrown, since publishers hand-write these files.
std::optional<std::string> string_field(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// Item ids are strings by the spec, but numbers are common in the wild.
std::optional<std::string> id_field(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<std::int64_t>());
  if (it->is_number_unsigned()) return std::to_string(it->get<std::uint64_t>());
  return std::nullopt;
}

// A URL-valued field: blank is no URL (resolved, it would name the feed).
std::optional<std::string> url_field(const json& object, const char* key) {
  auto url = string_field(object, key);
  if (url && url->find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;
  return url;
}

std::optional<std::int64_t> length_field(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end()) return std::nullopt;
  if (it->is_number_unsigned())
    return static_cast<std::int64_t>(std::min<std::uint64_t>(it->get<std::uint64_t>(), INT64_MAX));
  if (it->is_number_integer() && it->get<std::int64_t>() >= 0) return it->get<std::int64_t>();
  if (it->is_number_float() && it->get<double>() >= 0 && it->get<double>() < 9e18)
    return static_cast<std::int64_t>(it->get<double>());
  return std::nullopt;
}

std::string absolute(std::string_view base, const std::string& ref) {
  if (base.empty() || has_scheme(ref)) return ref;
  return resolve_url(base, ref).value_or(ref);
}

std::vector<Person> read_authors(const json& object) {
  std::vector<Person> out;
  auto add = [&](const json& a) {
    if (!a.is_object()) return;
    Person p{string_field(a, "name"), std::nullopt, url_field(a, "url")};
    if (p.name || p.uri) out.push_back(std::move(p));
  };
  if (auto it = object.find("authors"); it != object.end() && it->is_array()) {
    for (const auto& a : *it) add(a);
  } else if (auto single = object.find("author"); single != object.end()) {
    add(*single);
  }
  return out;
}

std::optional<TimePoint> date_field(const json& object, const char* key) {
  if (auto s = string_field(object, key)) return parse_date(*s);
  return std::nullopt;
}

Entry read_item(const json& item, std::string_view base) {
  Entry e;
  e.id = id_field(item, "id");
  if (auto title = string_field(item, "title")) e.title = TextConstruct{*title, "text"};
  if (auto url = url_field(item, "url")) {
    e.link = absolute(base, *url);
    e.links.push_back(Link{*e.link, "alternate", "text/html", std::nullopt, std::nullopt});
  }
  if (auto external = url_field(item, "external_url"))
    e.links.push_back(Link{absolute(base, *external), "related", "text/html", std::nullopt, std::nullopt});
  if (auto html = string_field(item, "content_html"))
    e.content.push_back(TextConstruct{base.empty() ? *html : resolve_html_urls(*html, base), "html"});
  if (auto text = string_field(item, "content_text")) e.content.push_back(TextConstruct{*text, "text"});
  if (auto summary = string_field(item, "summary")) e.summary = TextConstruct{*summary, "text"};
  e.published = date_field(item, "date_published");
  e.updated = date_field(item, "date_modified");
  e.authors = read_authors(item);
  if (auto tags = item.find("tags"); tags != item.end() && tags->is_array()) {
    for (const auto& tag : *tags)
      if (tag.is_string() && !tag.get<std::string>().empty())
        e.categories.push_back(Category{tag.get<std::string>(), std::nullopt, std::nullopt});
  }
  if (auto attachments = item.find("attachments"); attachments != item.end() && attachments->is_array()) {
    for (const auto& a : *attachments) {
      if (!a.is_object()) continue;
      auto url = url_field(a, "url");
      if (!url) continue;
      Enclosure enc{absolute(base, *url), string_field(a, "mime_type"), length_field(a, "size_in_bytes")};
      e.links.push_back(Link{enc.url, "enclosure", enc.type, string_field(a, "title"), enc.length});
      e.enclosures.push_back(std::move(enc));
    }
  }
  return e;
}

}  // namespace

bool read_json_feed(std::string_view text, std::string_view base_url, std::size_t max_entries, ParsedFeed& out,
                    std::string& problem) {
  bool too_deep = false;
  const json doc = detail::parse_json_bounded(text, too_deep);
  if (doc.is_discarded() || !doc.is_object()) return false;
  if (too_deep && problem.empty())
    problem = "JSON nested deeper than " + std::to_string(detail::kMaxJsonDepth) + " levels: inner values dropped";
  std::string base(base_url);
  FeedInfo& f = out.feed;
  if (auto title = string_field(doc, "title")) f.title = TextConstruct{*title, "text"};
  if (auto description = string_field(doc, "description")) f.subtitle = TextConstruct{*description, "text"};
  if (auto home = url_field(doc, "home_page_url")) {
    f.link = absolute(base, *home);
    f.links.push_back(Link{*f.link, "alternate", "text/html", std::nullopt, std::nullopt});
  }
  if (auto self = url_field(doc, "feed_url"))
    f.links.push_back(Link{absolute(base, *self), "self", "application/feed+json", std::nullopt, std::nullopt});
  f.language = string_field(doc, "language");
  f.authors = read_authors(doc);
  if (auto items = doc.find("items"); items != doc.end() && items->is_array()) {
    for (const auto& item : *items) {
      if (!item.is_object()) continue;
      if (out.entries.size() < max_entries)
        out.entries.push_back(read_item(item, base));
      else
        ++out.entries_dropped;
    }
  }
  return true;
}

}  // namespace feed_detail

namespace {

using ordered = nlohmann::ordered_json;

void put_text(ordered& o, const char* key, const std::optional<TextConstruct>& tc) {
  if (!tc) return;
  o[key] = tc->value;
  o[std::string(key) + "_type"] = tc->type;
}

template <class T>
void put_optional(ordered& o, const char* key, const std::optional<T>& v) {
  if (v) o[key] = *v;
}

void put_date(ordered& o, const char* key, const std::optional<TimePoint>& t) {
  if (t) o[key] = format_iso8601(*t);
}

void put_links(ordered& o, const std::vector<Link>& links) {
  if (links.empty()) return;
  ordered arr = ordered::array();
  for (const auto& l : links) {
    ordered j;
    j["href"] = l.href;
    j["rel"] = l.rel;
    put_optional(j, "type", l.type);
    put_optional(j, "title", l.title);
    put_optional(j, "length", l.length);
    arr.push_back(std::move(j));
  }
  o["links"] = std::move(arr);
}

void put_people(ordered& o, const std::vector<Person>& people) {
  if (people.empty()) return;
  ordered arr = ordered::array();
  for (const auto& p : people) {
    ordered j = ordered::object();
    put_optional(j, "name", p.name);
    put_optional(j, "email", p.email);
    put_optional(j, "uri", p.uri);
    arr.push_back(std::move(j));
  }
  o["authors"] = std::move(arr);
}

void put_categories(ordered& o, const std::vector<Category>& categories) {
  if (categories.empty()) return;
  ordered arr = ordered::array();
  for (const auto& c : categories) {
    ordered j = ordered::object();
    if (!c.term.empty()) j["term"] = c.term;  // Atom categories may carry only a label
    put_optional(j, "scheme", c.scheme);
    put_optional(j, "label", c.label);
    arr.push_back(std::move(j));
  }
  o["categories"] = std::move(arr);
}

}  // namespace

std::string to_json(const ParsedFeed& parsed) {
  ordered root;
  root["bozo"] = parsed.bozo;
  if (parsed.bozo && !parsed.bozo_message.empty()) root["bozo_message"] = parsed.bozo_message;
  if (!parsed.encoding.empty()) root["encoding"] = parsed.encoding;

  const FeedInfo& f = parsed.feed;
  ordered feed = ordered::object();
  put_text(feed, "title", f.title);
  put_text(feed, "subtitle", f.subtitle);
  put_optional(feed, "link", f.link);
  put_links(feed, f.links);
  put_optional(feed, "id", f.id);
  put_optional(feed, "language", f.language);
  put_date(feed, "updated", f.updated);
  put_date(feed, "published", f.published);
  put_people(feed, f.authors);
  put_categories(feed, f.categories);
  root["feed"] = std::move(feed);

  ordered entries = ordered::array();
  for (const Entry& e : parsed.entries) {
    ordered j = ordered::object();
    put_optional(j, "id", e.id);
    put_text(j, "title", e.title);
    put_optional(j, "link", e.link);
    put_links(j, e.links);
    put_date(j, "published", e.published);
    put_date(j, "updated", e.updated);
    put_people(j, e.authors);
    put_text(j, "summary", e.summary);
    if (!e.content.empty()) {
      ordered content = ordered::array();
      for (const auto& c : e.content) content.push_back({{"value", c.value}, {"type", c.type}});
      j["content"] = std::move(content);
    }
    put_categories(j, e.categories);
    if (!e.enclosures.empty()) {
      ordered arr = ordered::array();
      for (const auto& enc : e.enclosures) {
        ordered x;
        x["url"] = enc.url;
        put_optional(x, "type", enc.type);
        put_optional(x, "length", enc.length);
        arr.push_back(std::move(x));
      }
      j["enclosures"] = std::move(arr);
    }
    entries.push_back(std::move(j));
  }
  root["entries"] = std::move(entries);
  // U+FFFD for anything that slipped through as invalid UTF-8: output must
  // always be valid JSON.
  return root.dump(-1, ' ', false, ordered::error_handler_t::replace);
}

}  // namespace newsd::parse
