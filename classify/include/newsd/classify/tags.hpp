#pragma once
/// Tags attached to an article, whoever produced them.
#include <string>
#include <vector>

namespace newsd::classify {

/// `watch`: added by a saved search (`[[watch]]`, newsd::watch) whose query the article matched.
enum class TagKind { topic, country, org, feed, model, watch };
enum class TagSource { rule, model, feed, watch };

struct Tag {
  std::string name;  ///< "defense", "MA" (ISO 3166-1 alpha-2), "NATO", a model label…
  TagKind kind = TagKind::topic;
  double score = 1.0;
  TagSource source = TagSource::rule;
};

std::string_view to_string(TagKind kind) noexcept;
std::string_view to_string(TagSource source) noexcept;

/// Text handed to the classifiers: boilerplate already removed.
struct Document {
  std::string title;
  std::string body;
  std::string language;  ///< BCP-47 primary tag if known, else empty
};

}  // namespace newsd::classify
