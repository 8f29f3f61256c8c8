#include "newsd/classify/tags.hpp"

namespace newsd::classify {

std::string_view to_string(TagKind kind) noexcept {
  switch (kind) {
    case TagKind::topic: return "topic";
    case TagKind::country: return "country";
    case TagKind::org: return "org";
    case TagKind::feed: return "feed";
    case TagKind::model: return "model";
    case TagKind::watch: return "watch";
  }
  return "topic";
}

std::string_view to_string(TagSource source) noexcept {
  switch (source) {
    case TagSource::rule: return "rule";
    case TagSource::model: return "model";
    case TagSource::feed: return "feed";
    case TagSource::watch: return "watch";
  }
  return "rule";
}

}  // namespace newsd::classify
