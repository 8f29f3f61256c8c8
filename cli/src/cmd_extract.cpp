// `newsd extract`: the article extractor on files, for people and for tools
// (contract: shared/spec/extract.md).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.hpp"
#include "newsd/config/config.hpp"
#include "newsd/parse/extract.hpp"

namespace newsd::cli {
namespace {

struct ExtractOptions {
  std::string file;
  std::string url;
  std::string config_path;
  bool json = false;
  bool batch = false;
};

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io, "cannot open " + path);
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) return fail(Errc::io, "cannot read " + path);
  in.seekg(0, std::ios::beg);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (!in.read(bytes.data(), size)) return fail(Errc::io, "cannot read " + path);
  return bytes;
}

// JSON allows U+2028/U+2029 raw, but line-oriented readers (Python's
// splitlines) break on them; escape them so one object stays one line.
std::string escape_line_separators(std::string line) {
  for (std::size_t at = line.find("\xE2\x80"); at != std::string::npos; at = line.find("\xE2\x80", at + 1)) {
    if (at + 2 < line.size() && (line[at + 2] == '\xA8' || line[at + 2] == '\xA9')) {
      line.replace(at, 3, line[at + 2] == '\xA8' ? "\\u2028" : "\\u2029");
    }
  }
  return line;
}

void write_line(const std::string& line) {
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

// One page of a batch: never throws, always one line.
std::string batch_line(const std::string& file, const std::string& url, const config::ExtractConfig& cfg, bool full) {
  using json = nlohmann::ordered_json;
  json out;
  auto bytes = read_file(file);
  if (!bytes) {
    out = {{"file", file}, {"error", bytes.error().describe()}};
  } else if (auto article = parse::extract_article(*bytes, url, cfg); !article) {
    out = {{"file", file}, {"error", article.error().describe()}};
  } else if (full) {
    out = json::parse(parse::to_json(*article));
    out["file"] = file;
  } else {
    out = {{"file", file}, {"text", article->text}};
  }
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

int run_batch(const ExtractOptions& opt, const config::ExtractConfig& cfg) {
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::string file = line;
    std::string url;
    if (const auto tab = line.find('\t'); tab != std::string::npos) {
      file = line.substr(0, tab);
      url = line.substr(tab + 1);
    }
    try {
      write_line(escape_line_separators(batch_line(file, url, cfg, opt.json)));
    } catch (const std::exception& e) {
      // A bug on one page must not end the batch; report it on that page's line.
      write_line(nlohmann::json{{"file", file}, {"error", std::string("internal: ") + e.what()}}.dump(
          -1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  }
  return 0;
}

int run_single(const ExtractOptions& opt, const config::ExtractConfig& cfg) {
  auto bytes = read_file(opt.file);
  if (!bytes) {
    std::cerr << "newsd extract: " << bytes.error().describe() << '\n';
    return 1;
  }
  auto article = parse::extract_article(*bytes, opt.url, cfg);
  if (!article) {
    std::cerr << "newsd extract: " << opt.file << ": " << article.error().describe() << '\n';
    return 1;
  }
  if (opt.json) {
    write_line(escape_line_separators(parse::to_json(*article)));
  } else if (!article->text.empty()) {
    write_line(article->text);
  }
  return 0;
}

}  // namespace

void add_extract_command(CLI::App& app, CommandContext& ctx) {
  auto opt = std::make_shared<ExtractOptions>();
  CLI::App* cmd = app.add_subcommand(
      "extract",
      "Print the article body of a saved HTML page (any charset); --json adds metadata, --batch reads "
      "\"FILE[<TAB>URL]\" lines on stdin and prints one JSON object per line");
  cmd->add_option("file", opt->file, "HTML page as fetched");
  cmd->add_option("--url", opt->url, "address of the page (relative links, per-site rules)");
  cmd->add_option("--config", opt->config_path, "newsd TOML config whose [[extract.sites]] rules apply");
  cmd->add_flag("--json", opt->json, "print one JSON object with metadata and text");
  cmd->add_flag("--batch", opt->batch, "read FILE[<TAB>URL] lines from stdin, print one JSON line each");
  cmd->callback([opt, &ctx, cmd] {
    config::ExtractConfig cfg;
    if (!opt->config_path.empty()) {
      auto loaded = config::load_config(opt->config_path);
      if (!loaded) {
        std::cerr << "newsd extract: " << loaded.error().describe() << '\n';
        ctx.exit_code = 2;
        return;
      }
      cfg = loaded->extract;
    }
    if (opt->batch) {
      if (!opt->file.empty() || !opt->url.empty()) {
        std::cerr << "newsd extract: --batch reads its files from stdin; no FILE or --url\n";
        ctx.exit_code = 2;
        return;
      }
      ctx.exit_code = run_batch(*opt, cfg);
      return;
    }
    if (opt->file.empty()) {
      std::cerr << cmd->help();
      ctx.exit_code = 2;
      return;
    }
    ctx.exit_code = run_single(*opt, cfg);
  });
}

}  // namespace newsd::cli
