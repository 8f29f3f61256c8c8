// The man pages and the bash completion cannot drift from the code: every
// subcommand and flag the binary's --help lists is in newsd(1), every key the
// config loader accepts is in newsd.toml(5), and the completion offers
// exactly what --help lists.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "newsd/config/config.hpp"
#include "newsd/config/config_keys.hpp"
#include "packaging/shell.hpp"
#include "support/files.hpp"

namespace newsd::testing {
namespace {

const std::string kBinary = NEWSD_BINARY;

// The man page as a reader sees it: roff's `\-` is a hyphen, font escapes vanish.
std::string man_text(const std::string& name) {
  std::stringstream ss(newsd::testing::read_file(std::string(NEWSD_SOURCE_DIR) + "/docs/man/" + name));
  std::string text = std::regex_replace(ss.str(), std::regex(R"(\\-)"), "-");
  return std::regex_replace(text, std::regex(R"(\\f[BIRP])"), "");
}

// Lines of one section ("Subcommands:", "Options:") of CLI11's --help output.
std::vector<std::string> help_section(const std::string& args, const std::string& section) {
  const Ran help = run_shell(shell_quote(kBinary) + " " + args + " --help");
  EXPECT_EQ(help.exit_code, 0) << help.output;
  std::vector<std::string> lines;
  std::istringstream in(help.output);
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == ':' && line.find(' ') == std::string::npos) {
      inside = line == section;
      continue;
    }
    if (inside && line.starts_with("  ")) lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> subcommands(const std::string& parents = "") {
  std::vector<std::string> out;
  for (const auto& line : help_section(parents, "Subcommands:")) {
    std::istringstream words(line);
    std::string name;
    if (line.starts_with("  ") && !line.starts_with("   ") && words >> name) out.push_back(name);
  }
  return out;
}

std::set<std::string> long_flags(const std::string& subcommand) {
  std::set<std::string> out;
  const std::regex flag(R"((?:^|[ ,])(--[a-z][a-z0-9-]*))");
  for (const auto& line : help_section(subcommand, "Options:")) {
    // Only the option names at the start of a line, not flags named in
    // "Excludes: --csv" or in descriptions.
    const std::string head = line.substr(0, line.find_first_not_of(" ,-abcdefghijklmnopqrstuvwxyz0123456789", 2));
    for (std::sregex_iterator it(head.begin(), head.end(), flag), end; it != end; ++it) out.insert((*it)[1]);
  }
  out.erase("--help");
  return out;
}

TEST(ManPage, NamesEverySubcommandAndEveryFlag) {
  const std::string man = man_text("newsd.1");
  const auto subs = subcommands();
  ASSERT_GE(subs.size(), 10u);
  for (const auto& sub : subs) {
    EXPECT_NE(man.find(".SS \"" + sub), std::string::npos) << "no section for subcommand " << sub;
    for (const auto& flag : long_flags(sub)) {
      const std::regex word("(^|[^-a-z])" + flag + "($|[^-a-z])");
      EXPECT_TRUE(std::regex_search(man, word)) << "newsd " << sub << " " << flag << " is not in docs/man/newsd.1";
    }
  }
}

TEST(ManPage, NamesEveryConfigKeyTheLoaderAccepts) {
  const std::string man = man_text("newsd.toml.5");
  const auto keys = config::config_keys();
  ASSERT_GE(keys.size(), 40u);
  for (const auto& key : keys) {
    const std::regex word("(^|[^._a-z])" + std::regex_replace(key, std::regex(R"(\.)"), R"(\.)") + "($|[^._a-z])");
    EXPECT_TRUE(std::regex_search(man, word)) << key << " is not in docs/man/newsd.toml.5";
  }
}

TEST(ConfigKeys, AreWhatTheLoaderReads) {
  const auto keys = config::config_keys();
  const std::set<std::string> all(keys.begin(), keys.end());
  for (const char* key : {"log.level", "fetch.max_per_host", "store.path", "feeds", "feeds.url", "extract.sites.host"})
    EXPECT_TRUE(all.contains(key)) << key;
  // A key the loader rejects as unknown is not listed.
  auto typo = config::parse_config("[fetch]\nmax_per_hots = 1\n", "t.toml");
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.error().message.find("unknown key 'fetch.max_per_hots'"), std::string::npos);
  EXPECT_FALSE(all.contains("fetch.max_per_hots"));
}

// What `_newsd` offers after COMP_WORDS, one word per line, sorted.
std::set<std::string> completions(const std::vector<std::string>& words) {
  std::string array;
  for (const auto& w : words) array += " " + shell_quote(w);
  const std::string script = "source " + shell_quote(NEWSD_SOURCE_DIR "/completions/newsd.bash") + "; COMP_WORDS=(" +
                             shell_quote(kBinary) + array + "); COMP_CWORD=" + std::to_string(words.size()) +
                             "; _newsd; printf '%s\\n' \"${COMPREPLY[@]}\"";
  const Ran ran = run_shell("bash -c " + shell_quote(script));
  EXPECT_EQ(ran.exit_code, 0) << ran.output;
  std::set<std::string> out;
  std::istringstream in(ran.output);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.insert(line);
  return out;
}

TEST(BashCompletion, OffersExactlyTheSubcommandsAndFlagsOfHelp) {
  const auto subs = subcommands();
  EXPECT_EQ(completions({""}), std::set<std::string>(subs.begin(), subs.end()));
  for (const auto& sub : subs) {
    const auto offered = completions({sub, "--"});
    for (const auto& flag : long_flags(sub)) EXPECT_TRUE(offered.contains(flag)) << sub << " " << flag;
  }
  EXPECT_EQ(completions({"run", "--color", ""}), (std::set<std::string>{"auto", "always", "never"}));
  EXPECT_EQ(completions({"run", "--log-level", "d"}), (std::set<std::string>{"debug"}));
}

}  // namespace
}  // namespace newsd::testing
