// Log lines of the real `newsd once`, started the way systemd starts a
// service (stderr connected to a stream named by JOURNAL_STREAM), and on a
// plain file.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <string>

#include "service/process.hpp"
#include "support/daemon_test_util.hpp"

namespace newsd::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A config with a feed that is a missing file (`once` logs a feed.failed
// warning) and one that is read (a fetch.done debug line).
fs::path failing_config(const fs::path& dir) {
  std::ofstream(dir / "ok.rss") << "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title><item>"
                                   "<title>One</title><link>http://example.invalid/1</link></item></channel></rss>";
  const fs::path config = dir / "newsd.toml";
  std::ofstream(config) << "[store]\npath = \"newsd.db\"\n[[feeds]]\nurl = \"file:missing.rss\"\n"
                           "[[feeds]]\nurl = \"file:ok.rss\"\nfetch_articles = false\n";
  return config;
}

// Creates `file` and sets JOURNAL_STREAM to its device and inode, as systemd
// does for a service's stderr (posix_spawn reopens it with O_TRUNC: same inode).
void journal_stream_is(const fs::path& file) {
  std::ofstream{file};
  struct stat st {};
  ::stat(file.c_str(), &st);
  ::setenv("JOURNAL_STREAM", (std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino)).c_str(), 1);
}

// Runs `newsd once ARGS` with stderr on `<dir>/once.err`; with `journal`, the
// child's JOURNAL_STREAM names that file's device and inode.
std::string once_stderr(const fs::path& dir, bool journal, const std::vector<std::string>& args) {
  journal_stream_is(dir / "once.err");
  if (!journal) ::setenv("JOURNAL_STREAM", "0:0", 1);  // inherited, but not this stderr
  std::vector<std::string> argv{NEWSD_BINARY, "once", "--config", failing_config(dir).string()};
  argv.insert(argv.end(), args.begin(), args.end());
  Process once(argv, dir / "once");
  ::unsetenv("JOURNAL_STREAM");
  const auto status = once.wait(60s);
  EXPECT_TRUE(status && WIFEXITED(*status)) << once.stderr_text();
  return once.stderr_text();
}

TEST(LogCli, UnderJournaldAWarningCarriesPriorityFour) {
  TempDir dir("newsd-log-cli");
  const std::string text = once_stderr(dir.path(), true, {});
  EXPECT_TRUE(std::regex_search(text, std::regex(R"((^|\n)<4>warning event=feed\.failed )"))) << text;
  EXPECT_TRUE(std::regex_search(text, std::regex(R"((^|\n)<6>info event=)"))) << text;
  EXPECT_FALSE(std::regex_search(text, std::regex(R"(\d\d:\d\d:\d\d)"))) << text;  // the journal stamps lines
  EXPECT_EQ(text.find("<7>"), std::string::npos) << text;                          // [log] level = info
}

TEST(LogCli, LogLevelFlagOverridesTheConfig) {
  TempDir dir("newsd-log-cli");
  const std::string debug = once_stderr(dir.path(), true, {"--log-level", "debug"});
  EXPECT_NE(debug.find("\n<7>debug event="), std::string::npos) << debug;
  const std::string quiet = once_stderr(dir.path(), true, {"--log-level", "error"});
  EXPECT_EQ(quiet.find("<4>"), std::string::npos) << quiet;
  EXPECT_EQ(quiet.find("<6>"), std::string::npos) << quiet;
}

TEST(LogCli, OffTheJournalLinesAreStampedInUtc) {
  TempDir dir("newsd-log-cli");
  const std::string text = once_stderr(dir.path(), false, {"--color", "never"});
  EXPECT_TRUE(std::regex_search(
      text, std::regex(R"((^|\n)\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z warning event=feed\.failed )")))
      << text;
  EXPECT_EQ(text.find("\x1b["), std::string::npos) << text;
}

TEST(LogCli, ColorAlwaysColoursTheLevelAndBadValuesAreUsageErrors) {
  TempDir dir("newsd-log-cli");
  const std::string text = once_stderr(dir.path(), false, {"--color", "always"});
  EXPECT_NE(text.find("\x1b["), std::string::npos) << text;
  Process bad({NEWSD_BINARY, "run", "--color", "sometimes"}, dir.path() / "bad");
  const auto status = bad.wait(30s);
  ASSERT_TRUE(status && WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 2) << bad.stderr_text();
}

// `newsd once` on a real terminal (script(1) gives it a pty); returns what
// the terminal showed.
std::string once_on_a_terminal(const fs::path& dir, const std::string& env) {
  const std::string command = "env -u JOURNAL_STREAM TERM=xterm " + env + " " + NEWSD_BINARY + " once --config " +
                              failing_config(dir).string() + " >/dev/null";
  const std::string shell = "script -qec '" + command + "' /dev/null";
  FILE* pipe = ::popen(shell.c_str(), "r");
  std::string out;
  char buf[4096];
  while (const std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  ::pclose(pipe);
  return out;
}

TEST(LogCli, OnATerminalLevelsAreColouredUnlessNoColorIsSet) {
  if (std::system("command -v script >/dev/null") != 0) GTEST_SKIP() << "script(1) not installed";
  TempDir dir("newsd-log-cli");
  const std::string coloured = once_on_a_terminal(dir.path(), "");
  EXPECT_NE(coloured.find("event=feed.failed"), std::string::npos) << coloured;
  EXPECT_NE(coloured.find("\x1b["), std::string::npos) << coloured;
  const std::string plain = once_on_a_terminal(dir.path(), "NO_COLOR=1");
  EXPECT_NE(plain.find("event=feed.failed"), std::string::npos) << plain;
  EXPECT_EQ(plain.find("\x1b["), std::string::npos) << plain;
}

TEST(LogCli, UnderJournaldConfigErrorsAreErrorPriority) {
  TempDir dir("newsd-log-cli");
  const fs::path bad = dir.path() / "bad.toml";
  std::ofstream(bad) << "[fetch]\nmax_connections = 0\nmax_per_hots = 1\n";
  journal_stream_is(dir.path() / "check.err");
  Process check({NEWSD_BINARY, "check-config", "--config", bad.string()}, dir.path() / "check");
  ::unsetenv("JOURNAL_STREAM");
  const auto status = check.wait(30s);
  ASSERT_TRUE(status && WIFEXITED(*status));
  EXPECT_EQ(WEXITSTATUS(*status), 2);
  EXPECT_EQ(check.stderr_text(), "<3>" + bad.string() +
                                     ":2:19: 'fetch.max_connections' must be between 1 and 1024\n<3>" + bad.string() +
                                     ":3:1: unknown key 'fetch.max_per_hots'\n");
}

}  // namespace
}  // namespace newsd::testing
