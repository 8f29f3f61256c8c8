// `newsd label ID TAG [--remove]` and `newsd label --from FILE.tsv`: a
// person's labels on stored articles, written beside a running daemon
// (Store::write_labels), never through its writer.
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli_common.hpp"
#include "cmd_query_common.hpp"
#include "label_file.hpp"

namespace newsd::cli {
namespace {

struct LabelOptions {
  query::DbOptions db;
  std::int64_t id = 0;
  std::string tag;
  std::string from;
  std::string by;
  std::string kind;
  bool remove = false;
};

// $USER, else the account name of the real uid: who set a label.
std::string current_user() {
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') return user;
  if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_name != nullptr) return pw->pw_name;
  return "uid:" + std::to_string(::getuid());
}

// The edits, from the command line or the file; prints every bad line and
// returns nullopt when there is one.
std::optional<LabelFile> read_edits(const LabelOptions& o, CommandContext& ctx) {
  if (o.from.empty()) {
    if (auto problem = store::label_problem(o.tag)) {
      std::cerr << "newsd label: tag '" << o.tag << "': " << *problem << '\n';
      ctx.exit_code = 2;
      return std::nullopt;
    }
    LabelFile single;
    single.edits.push_back({o.id, o.tag, o.kind, o.remove});
    single.lines.push_back(0);
    return single;
  }
  std::ifstream in(o.from, std::ios::binary);
  if (!in) {
    std::cerr << "newsd label: cannot read " << o.from << '\n';
    ctx.exit_code = 1;
    return std::nullopt;
  }
  auto parsed = parse_label_file(in, o.from, o.kind, o.remove);
  if (!parsed.problems.empty()) {
    for (const auto& problem : parsed.problems) std::cerr << problem << '\n';
    std::cerr << "newsd label: nothing written (" << parsed.problems.size() << " bad line(s) in " << o.from << ")\n";
    ctx.exit_code = 2;
    return std::nullopt;
  }
  if (parsed.edits.empty()) {
    std::cerr << "newsd label: " << o.from << " holds no label\n";
    ctx.exit_code = 2;
    return std::nullopt;
  }
  return parsed;
}

void report_unknown(const LabelOptions& o, const LabelFile& file, const std::vector<std::size_t>& unknown) {
  for (const auto i : unknown) {
    const auto& edit = file.edits[i];
    if (o.from.empty())
      std::cerr << "newsd label: no article with id " << edit.article_id << '\n';
    else
      std::cerr << o.from << ':' << file.lines[i] << ": no article with id " << edit.article_id << '\n';
  }
  if (!o.from.empty()) std::cerr << "newsd label: nothing written\n";
}

void run_label(const LabelOptions& o, CommandContext& ctx) {
  setup_logging("warn");
  const auto where = query::resolve_store(o.db, ctx);
  if (!where) return;
  const auto edits = read_edits(o, ctx);
  if (!edits) return;
  const std::string by = o.by.empty() ? current_user() : o.by;
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  auto written = store::Store::write_labels(*where, edits->edits, by, now);
  if (!written) {
    std::cerr << "newsd label: " << written.error().message << '\n';
    ctx.exit_code = query::exit_code_for(written.error());
    return;
  }
  if (!written->unknown_articles.empty()) {
    report_unknown(o, *edits, written->unknown_articles);
    ctx.exit_code = 2;
    return;
  }
  if (o.from.empty()) {
    std::cout << "article " << o.id << ": label " << o.tag << (o.remove ? " removed" : " set") << " by " << by << '\n';
  } else {
    std::cout << edits->edits.size() << " label(s) " << (o.remove ? "removed" : "set") << " from " << o.from << " by "
              << by << '\n';
  }
}

}  // namespace

void add_label_command(CLI::App& app, CommandContext& ctx) {
  auto o = std::make_shared<LabelOptions>();
  auto* cmd =
      app.add_subcommand("label", "Label a stored article with a tag (or remove it), or label many from a file");
  cmd->footer(
      "Labels are kept apart from rule and model tags (shown as source `label`) and never changed by re-tagging;\n"
      "`newsd train --from-store` learns from them, `newsd eval --from-store` scores the taggers against them.\n"
      "A removal is recorded too (who, when): it says the article is not TAG.\n"
      "--from FILE: one `id<TAB>tag` per line (blank lines and `#` comments skipped); any bad line or unknown id\n"
      "is reported as FILE:LINE and nothing is written. Safe while the daemon runs.");
  auto* id = cmd->add_option("id", o->id, "Article id (as printed by search and show)");
  auto* tag = cmd->add_option("tag", o->tag, "Tag name, e.g. defense or MA");
  auto* from = cmd->add_option("--from", o->from, "TSV file of id<TAB>tag lines");
  from->excludes(id)->excludes(tag);
  cmd->add_flag("--remove", o->remove, "Remove the label (record that the article is not TAG)");
  cmd->add_option("--by", o->by, "Who sets it (default: $USER)");
  cmd->add_option("--kind", o->kind, "Tag kind (default: the kind the tag already has, else topic)")
      ->check(CLI::IsMember({"topic", "country", "org", "model", "feed"}));
  query::add_db_options(*cmd, o->db);
  cmd->callback([o, id, tag, from, &ctx] {
    if (from->count() == 0 && (id->count() == 0 || tag->count() == 0)) {
      std::cerr << "newsd label: give ID TAG, or --from FILE\n";
      ctx.exit_code = 2;
      return;
    }
    run_label(*o, ctx);
  });
}

}  // namespace newsd::cli
