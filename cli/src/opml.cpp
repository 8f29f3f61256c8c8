#include "opml.hpp"

#include <algorithm>
#include <pugixml.hpp>
#include <sstream>

namespace newsd::cli::opml {
namespace {

void add_tag(std::vector<std::string>& tags, std::string_view tag) {
  const auto first = tag.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return;
  const auto last = tag.find_last_not_of(" \t\r\n");
  std::string clean(tag.substr(first, last - first + 1));
  if (std::ranges::find(tags, clean) == tags.end()) tags.push_back(std::move(clean));
}

// OPML 2.0: "a string of comma-separated slash-delimited category strings".
void add_categories(std::vector<std::string>& tags, std::string_view category) {
  std::size_t pos = 0;
  while (pos <= category.size()) {
    auto end = category.find_first_of(",/", pos);
    if (end == std::string_view::npos) end = category.size();
    add_tag(tags, category.substr(pos, end - pos));
    pos = end + 1;
  }
}

std::string outline_label(const pugi::xml_node& node) {
  std::string label = node.attribute("title").as_string();
  if (label.empty()) label = node.attribute("text").as_string();
  return label;
}

Outline feed_outline(const pugi::xml_node& node, const std::vector<std::string>& folders) {
  Outline o;
  o.url = node.attribute("xmlUrl").as_string();
  o.site_url = node.attribute("htmlUrl").as_string();
  o.name = node.attribute("title").as_string();
  // Exporters that have no name for a feed repeat its URL in `text`.
  if (o.name.empty() && o.url != node.attribute("text").as_string()) o.name = node.attribute("text").as_string();
  add_categories(o.tags, node.attribute("category").as_string());
  for (const auto& folder : folders) add_tag(o.tags, folder);
  return o;
}

}  // namespace

Result<Document> read(std::string_view bytes) {
  if (bytes.size() > kMaxBytes) {
    return fail(Errc::too_large, "OPML file is larger than " + std::to_string(kMaxBytes / (1024 * 1024)) + " MiB");
  }
  pugi::xml_document xml;
  // parse_doctype keeps the DOCTYPE as a node so it can be refused; pugixml
  // never expands entities declared there, but a list that declares any is
  // not one a reader wrote.
  const auto parsed =
      xml.load_buffer(bytes.data(), bytes.size(), pugi::parse_default | pugi::parse_doctype, pugi::encoding_auto);
  if (!parsed) {
    return fail(Errc::parse,
                std::string("not an OPML file: ") + parsed.description() + " at byte " + std::to_string(parsed.offset));
  }
  for (const auto& child : xml.children()) {
    if (child.type() == pugi::node_doctype) return fail(Errc::parse, "OPML files with a DOCTYPE are refused");
  }
  const auto root = xml.document_element();
  if (std::string_view(root.name()) != "opml") return fail(Errc::parse, "not an OPML file: the root is not <opml>");
  const auto body = root.child("body");
  if (!body) return fail(Errc::parse, "not an OPML file: no <body>");

  // Walked with an explicit stack: nesting depth is the file's choice.
  Document doc;
  struct Level {
    pugi::xml_node node;
    std::vector<std::string> folders;
    int depth;
  };
  std::vector<Level> stack;
  for (auto it = body.last_child(); it; it = it.previous_sibling()) stack.push_back({it, {}, 1});
  bool reported_depth = false;
  while (!stack.empty()) {
    Level level = std::move(stack.back());
    stack.pop_back();
    if (std::string_view(level.node.name()) != "outline") continue;
    if (level.depth > kMaxDepth) {
      if (!reported_depth) doc.skipped.push_back("outlines nested deeper than " + std::to_string(kMaxDepth));
      reported_depth = true;
      continue;
    }
    if (level.node.attribute("xmlUrl")) {
      if (doc.feeds.size() == kMaxFeeds) {
        doc.skipped.push_back("feeds past the first " + std::to_string(kMaxFeeds));
        break;
      }
      doc.feeds.push_back(feed_outline(level.node, level.folders));
    }
    auto folders = level.folders;
    if (const std::string label = outline_label(level.node); !label.empty() && !level.node.attribute("xmlUrl")) {
      folders.push_back(label);
    }
    for (auto it = level.node.last_child(); it; it = it.previous_sibling()) {
      stack.push_back({it, folders, level.depth + 1});
    }
  }
  return doc;
}

std::string write(const std::vector<config::FeedConfig>& feeds, std::string_view title) {
  pugi::xml_document xml;
  auto decl = xml.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto root = xml.append_child("opml");
  root.append_attribute("version") = "2.0";
  root.append_child("head").append_child("title").text() = std::string(title).c_str();
  auto body = root.append_child("body");
  for (const auto& feed : feeds) {
    auto o = body.append_child("outline");
    o.append_attribute("type") = "rss";
    o.append_attribute("text") = (feed.name.empty() ? feed.url : feed.name).c_str();
    if (!feed.name.empty()) o.append_attribute("title") = feed.name.c_str();
    o.append_attribute("xmlUrl") = feed.url.c_str();
    if (!feed.site_url.empty()) o.append_attribute("htmlUrl") = feed.site_url.c_str();
    if (!feed.tags.empty()) {
      std::string category;
      for (const auto& tag : feed.tags) category += (category.empty() ? "" : ",") + tag;
      o.append_attribute("category") = category.c_str();
    }
  }
  std::ostringstream out;
  xml.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
  return out.str();
}

}  // namespace newsd::cli::opml
