#include "newsd/parse/feed.hpp"

#include <exception>

#include "extract_text.hpp"
#include "feed_internal.hpp"
#include "newsd/base/log.hpp"
#include "newsd/parse/dates.hpp"

namespace newsd::parse {
namespace {

void cut(std::optional<TextConstruct>& tc, std::size_t max_chars) {
  if (tc) text::cut_chars(tc->value, max_chars);
}

void cut(std::optional<std::string>& s, std::size_t max_chars) {
  if (s) text::cut_chars(*s, max_chars);
}

void cut_people(std::vector<Person>& people, std::size_t max_chars) {
  for (Person& p : people) {
    cut(p.name, max_chars);
    cut(p.email, max_chars);
    cut(p.uri, max_chars);
  }
}

void cut_categories(std::vector<Category>& categories, std::size_t max_chars) {
  for (Category& c : categories) {
    text::cut_chars(c.term, max_chars);
    cut(c.scheme, max_chars);
    cut(c.label, max_chars);
  }
}

// The caps and the date window of feed.hpp, applied once to whatever the
// XML or JSON reader produced.
void apply_limits(ParsedFeed& parsed, const config::LimitsConfig& limits, TimePoint now) {
  FeedInfo& f = parsed.feed;
  cut(f.title, limits.title_chars);
  cut(f.subtitle, limits.article_chars);
  cut_people(f.authors, limits.byline_chars);
  cut_categories(f.categories, limits.title_chars);
  f.updated = plausible_date(f.updated, now);
  f.published = plausible_date(f.published, now);
  for (Entry& e : parsed.entries) {
    cut(e.title, limits.title_chars);
    cut(e.summary, limits.article_chars);
    for (TextConstruct& c : e.content) text::cut_chars(c.value, limits.article_chars);
    cut_people(e.authors, limits.byline_chars);
    cut_categories(e.categories, limits.title_chars);
    e.published = plausible_date(e.published, now);
    e.updated = plausible_date(e.updated, now);
  }
}

}  // namespace

ParsedFeed parse_feed(std::string_view bytes, std::string_view base_url, std::string_view http_charset,
                      const config::LimitsConfig& limits, std::optional<TimePoint> now) {
  ParsedFeed out;
  auto unreadable = [&](std::string message) {
    ParsedFeed failed;
    failed.bozo = true;
    failed.bozo_message = std::move(message);
    failed.encoding = out.encoding;
    return failed;
  };
  try {
    feed_detail::DecodedText decoded = feed_detail::decode_feed_bytes(bytes, http_charset);
    out.encoding = decoded.encoding;
    std::string problem = std::move(decoded.problem);
    const auto first = decoded.text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return unreadable("empty document");

    if (decoded.text[first] == '{') {
      if (!feed_detail::read_json_feed(decoded.text, base_url, limits.entries_per_feed, out, problem))
        return unreadable("invalid JSON");
    } else if (!feed_detail::read_xml_feed(decoded.text, base_url, limits.entries_per_feed, out, problem)) {
      return unreadable(problem.empty() ? "no feed found" : problem);
    }
    apply_limits(out, limits, now.value_or(current_time()));
    out.bozo = !problem.empty();
    out.bozo_message = std::move(problem);
    return out;
  } catch (const std::exception& e) {
    // Only resource exhaustion gets here (the readers do not throw on input);
    // the contract is "never throws", so report it as an unreadable document.
    log::warn("feed.parse_failed", {{"url", base_url}, {"error", e.what()}});
    return unreadable(std::string("parser failure: ") + e.what());
  }
}

}  // namespace newsd::parse
