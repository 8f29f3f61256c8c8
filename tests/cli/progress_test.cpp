// `newsd once`'s live progress line: drawn on a real pseudo-terminal,
// absent when the output is captured or with --quiet.
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>

#include "cli_run.hpp"

namespace newsd::testing {
namespace {

namespace fs = std::filesystem;
const fs::path kSamples = fs::path(NEWSD_SOURCE_DIR) / "samples";

fs::path write_config(const fs::path& dir) {
  std::ofstream out(dir / "newsd.toml");
  out << "[log]\nlevel = \"warn\"\n"
      << "[classify]\ntaxonomy = \"" << (fs::path(NEWSD_SOURCE_DIR) / "config/taxonomy/default.toml").string() << "\"\n"
      << "[store]\npath = \"newsd.db\"\n";
  for (const char* feed : {"maghreb-defense.rss", "cyber-fr.atom", "world-en.rss"}) {
    out << "[[feeds]]\nurl = \"file://" << (kSamples / feed).string() << "\"\n";
  }
  return dir / "newsd.toml";
}

struct TerminalRun {
  int code = -1;
  std::string output;  ///< stdout and stderr as the terminal received them
};

// Runs `newsd args...` with stdin, stdout and stderr on a new pseudo-terminal.
TerminalRun run_on_terminal(const std::vector<std::string>& args) {
  std::vector<std::string> argv{NEWSD_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> raw;
  for (auto& a : argv) raw.push_back(a.data());
  raw.push_back(nullptr);
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  if (pid == 0) {
    ::execv(raw[0], raw.data());
    ::_exit(127);
  }
  TerminalRun run;
  if (pid < 0) return run;
  // Bounded: at most two minutes of silence ends the read.
  char buf[4096];
  for (;;) {
    pollfd p{master, POLLIN, 0};
    if (::poll(&p, 1, 120'000) <= 0) break;
    const ssize_t n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the child has exited and closed the terminal
    run.output.append(buf, static_cast<std::size_t>(n));
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(master);
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

TEST(Progress, OnATerminalOnceDrawsALiveLineThenTheSummary) {
  TempDir dir("newsd-progress");
  const fs::path cfg = write_config(dir.path());
  const TerminalRun r = run_on_terminal({"once", "--config", cfg.string()});
  ASSERT_EQ(r.code, 0) << r.output;
  const auto line = r.output.find("\r\x1b[Kfeeds ");
  ASSERT_NE(line, std::string::npos) << r.output;
  EXPECT_NE(r.output.find("/3  pages ", line), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("  stored ", line), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("  errors 0", line), std::string::npos) << r.output;
  // The line is erased before the summary, which follows on a clean line.
  const auto summary = r.output.find("stored ", r.output.rfind("\r\x1b[K"));
  EXPECT_NE(r.output.find(" new articles", summary), std::string::npos) << r.output;
}

TEST(Progress, QuietOnATerminalPrintsOnlyTheSummary) {
  TempDir dir("newsd-progress");
  const fs::path cfg = write_config(dir.path());
  const TerminalRun r = run_on_terminal({"once", "--quiet", "--config", cfg.string()});
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_EQ(r.output.find('\r' + std::string("\x1b[K")), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" new articles"), std::string::npos) << r.output;
}

TEST(Progress, CapturedOutputGetsOnlyTheSummary) {
  TempDir dir("newsd-progress");
  const fs::path cfg = write_config(dir.path());
  const Ran r = run_newsd({"once", "--config", cfg.string()}, dir.path(), "once");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find('\r'), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" new articles"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace newsd::testing
