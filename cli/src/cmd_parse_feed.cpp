// `newsd parse-feed`: the feed parser's test and debugging window
// (shared/spec/feed-json.md).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

#include "commands.hpp"
#include "newsd/base/error.hpp"
#include "newsd/parse/dates.hpp"
#include "newsd/parse/feed.hpp"

namespace newsd::cli {
namespace {

struct ParseFeedOptions {
  std::string path;
  std::string base_url;
  std::string charset;
  bool json = false;
  bool batch = false;
};

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io, "cannot open " + path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return fail(Errc::io, "cannot read " + path);
  return std::move(buffer).str();
}

// What a person wants to see when not asking for JSON.
void print_summary(const parse::ParsedFeed& feed) {
  std::cout << "title:    " << (feed.feed.title ? feed.feed.title->value : "") << '\n'
            << "link:     " << feed.feed.link.value_or("") << '\n'
            << "encoding: " << feed.encoding << '\n'
            << "bozo:     " << (feed.bozo ? "yes (" + feed.bozo_message + ")" : "no") << '\n'
            << "entries:  " << feed.entries.size() << '\n';
  for (const auto& e : feed.entries) {
    std::cout << "  - " << (e.published ? parse::format_iso8601(*e.published) : std::string(20, ' ')) << "  "
              << (e.title ? e.title->value : "(untitled)") << "\n      " << e.link.value_or("") << '\n';
  }
}

std::string unreadable_json(const std::string& message) {
  parse::ParsedFeed failed;
  failed.bozo = true;
  failed.bozo_message = message;
  return parse::to_json(failed);
}

int run_parse_feed(const ParseFeedOptions& opt) {
  if (opt.batch) {
    // One line out per line in, in order, flushed: tools read as they write.
    std::string path;
    while (std::getline(std::cin, path)) {
      if (!path.empty() && path.back() == '\r') path.pop_back();
      if (path.empty()) continue;
      auto bytes = read_file(path);
      const std::string line = bytes ? parse::to_json(parse::parse_feed(*bytes, opt.base_url, opt.charset))
                                     : unreadable_json(bytes.error().describe());
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
      std::fflush(stdout);
    }
    return 0;
  }
  if (opt.path.empty()) {
    std::cerr << "parse-feed: give a FILE or --batch\n";
    return 2;
  }
  auto bytes = opt.path == "-" ? Result<std::string>(std::string(std::istreambuf_iterator<char>(std::cin), {}))
                               : read_file(opt.path);
  if (!bytes) {
    std::cerr << "parse-feed: " << bytes.error().describe() << '\n';
    return 1;
  }
  const parse::ParsedFeed feed = parse::parse_feed(*bytes, opt.base_url, opt.charset);
  if (opt.json) {
    std::cout << parse::to_json(feed) << '\n';
  } else {
    print_summary(feed);
  }
  return 0;
}

}  // namespace

void add_parse_feed_command(CLI::App& app, CommandContext& ctx) {
  auto opt = std::make_shared<ParseFeedOptions>();
  CLI::App* cmd = app.add_subcommand(
      "parse-feed", "Parse an RSS/Atom/JSON feed file and print what newsd reads from it (spec: feed-json.md)");
  cmd->add_option("FILE", opt->path, "Feed document as fetched (raw bytes; '-' = stdin)");
  cmd->add_flag("--json", opt->json, "Print the spec's JSON object instead of a summary");
  cmd->add_flag("--batch", opt->batch, "Read one file path per stdin line, print one JSON object per line (flushed)");
  cmd->add_option("--url", opt->base_url, "Document URL, the base for relative links");
  cmd->add_option("--charset", opt->charset, "HTTP Content-Type charset, if the bytes came with one");
  cmd->callback([opt, &ctx] { ctx.exit_code = run_parse_feed(*opt); });
}

}  // namespace newsd::cli
