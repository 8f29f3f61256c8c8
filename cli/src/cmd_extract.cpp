// `newsd extract`: the article extractor on files, for people and for tools
// (contract: shared/spec/extract.md).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "commands.hpp"
#include "newsd/base/charset.hpp"
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

// A JSON string of `s`, which must be valid UTF-8, escaped as nlohmann's
// serializer would (with U+2028/U+2029 as in escape_line_separators()). By
// hand because the serializer decodes every byte to validate it, and the
// article text came out of the charset decoder and NFC: valid already.
void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    const bool separator =
        c == 0xE2 && i + 2 < s.size() && s[i + 1] == '\x80' && (s[i + 2] == '\xA8' || s[i + 2] == '\xA9');
    if (c >= 0x20 && c != '"' && c != '\\' && !separator) continue;
    out.append(s, run, i - run);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      case 0xE2:
        out += s[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
        i += 2;
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
    run = i + 1;
  }
  out.append(s, run);
  out += '"';
}

// `s` as a JSON string when it may not be valid UTF-8 (a path from stdin):
// bad sequences become U+FFFD, as everywhere else in the output.
void append_untrusted_json_string(std::string& out, const std::string& s) {
  if (charset::is_valid_utf8(s)) {
    append_json_string(out, s);
  } else {
    out += escape_line_separators(nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

// One page of a batch: never throws, always one line.
std::string batch_line(const std::string& file, const std::string& url, const config::ExtractConfig& cfg, bool full) {
  using json = nlohmann::ordered_json;
  auto bytes = read_file(file);
  std::optional<Error> error;
  std::string line;
  if (!bytes) {
    error = bytes.error();
  } else if (auto article = parse::extract_article(*bytes, url, cfg); !article) {
    error = article.error();
  } else if (full) {
    // The spec's object with "file" last: to_json() ends with its '}'.
    line = escape_line_separators(parse::to_json(*article));
    line.pop_back();
    line += ",\"file\":";
    append_untrusted_json_string(line, file);
    line += '}';
  } else {
    line = "{\"file\":";
    append_untrusted_json_string(line, file);
    line += ",\"text\":";
    append_json_string(line, article->text);
    line += '}';
  }
  if (error) {
    const json out = {{"file", file}, {"error", error->describe()}};
    line = escape_line_separators(out.dump(-1, ' ', false, json::error_handler_t::replace));
  }
  return line;
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
      write_line(batch_line(file, url, cfg, opt.json));
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
