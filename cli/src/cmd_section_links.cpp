// `newsd section-links`: the article links newsd would take from an HTML
// section page, so that a user can try `links`/`exclude`/`url_pattern`
// overrides before writing them into a `[[feeds]]` entry.
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_common.hpp"
#include "commands.hpp"
#include "newsd/config/feed_url.hpp"
#include "newsd/fetch/fetcher.hpp"
#include "newsd/parse/section_links.hpp"

namespace newsd::cli {
namespace {

struct SectionLinksOptions {
  std::string page;  ///< http(s) URL or file
  std::string url;
  std::string config_path;
  parse::SectionRules rules;
  bool json = false;
};

std::string to_json(const parse::SectionPage& page, const std::string& page_url) {
  using json = nlohmann::ordered_json;
  json links = json::array();
  for (const auto& link : page.links) links.push_back({{"url", link.url}, {"title", link.title}});
  const json out = {{"url", page_url}, {"title", page.title}, {"links", std::move(links)}};
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

int run(const SectionLinksOptions& opt) {
  config::Config cfg;
  if (!opt.config_path.empty()) {
    auto loaded = load_config_or_report(opt.config_path);
    if (!loaded) return 2;
    cfg = std::move(*loaded);
  }
  if (auto valid = parse::validate_section_rules(opt.rules); !valid) {
    std::cerr << "newsd section-links: " << valid.error().message << '\n';
    return 2;
  }
  // A file goes through the fetcher as a file: URL: the same body limit and
  // regular-file checks as a configured feed.
  auto target = config::check_feed_url(opt.page, std::filesystem::current_path());
  if (!target) target = config::check_feed_url("file:" + opt.page, std::filesystem::current_path());
  if (!target) {
    std::cerr << "newsd section-links: " << opt.page << ": " << target.error().message << '\n';
    return 2;
  }
  const bool is_file = target->starts_with("file:");
  if (is_file && opt.url.empty()) {
    std::cerr << "newsd section-links: a saved page needs --url, the address it was fetched from\n";
    return 2;
  }
  fetch::Fetcher fetcher(cfg.fetch);
  // The page is the user's own choice: trusted, like a configured feed.
  const std::vector<fetch::Request> request{{*target, {}, {}, {}}};
  auto response = std::move(fetcher.fetch_all(request).front());
  if (!response) {
    std::cerr << "newsd section-links: " << opt.page << ": " << response.error().describe() << '\n';
    return 1;
  }
  const std::string page_url = opt.url.empty() ? response->final_url : opt.url;
  auto page = parse::find_section_links(response->body, page_url, response->charset, opt.rules, cfg.limits);
  if (!page) {
    std::cerr << "newsd section-links: " << page.error().describe() << '\n';
    return page.error().code == Errc::invalid_argument ? 2 : 1;
  }
  if (opt.json) {
    std::cout << to_json(*page, page_url) << '\n';
  } else {
    for (const auto& link : page->links) std::cout << link.url << '\t' << link.title << '\n';
  }
  if (page->links.empty()) {
    std::cerr << "newsd section-links: no article links found on " << page_url << '\n';
    return 1;
  }
  return 0;
}

}  // namespace

void add_section_links_command(CLI::App& app, CommandContext& ctx) {
  auto opt = std::make_shared<SectionLinksOptions>();
  CLI::App* cmd = app.add_subcommand(
      "section-links",
      "Print the article links (URL<TAB>title) newsd takes from an HTML section page, fetched or saved; the flags "
      "try a source's links/exclude/url_pattern overrides");
  cmd->add_option("page", opt->page, "http(s) URL of the section page, or a saved copy")->required();
  cmd->add_option("--url", opt->url, "address of the page (required for a saved copy): relative links, same site");
  cmd->add_option("--links", opt->rules.links, "CSS selector of the listing's anchors or their containers");
  cmd->add_option("--exclude", opt->rules.exclude, "CSS selector of subtrees to leave out (repeat for more)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cmd->add_option("--url-pattern", opt->rules.url_pattern, "regular expression a link's URL must contain a match of");
  cmd->add_option("--config,-c", opt->config_path, "newsd TOML config whose [fetch] and [limits] apply");
  cmd->add_flag("--json", opt->json, "print one JSON object: url, title, links [{url, title}]");
  cmd->callback([opt, &ctx] {
    setup_logging("warn");  // the fetcher's info lines would mix with the links
    ctx.exit_code = run(*opt);
  });
}

}  // namespace newsd::cli
