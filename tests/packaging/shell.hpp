#pragma once
// Runs a shell command for the packaging tests and returns its exit status
// and combined output (the tools here — cpack, dpkg-deb, systemd-analyze,
// the installed newsd — are real programs, run as an administrator would).
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace newsd::testing {

struct Ran {
  int exit_code = -1;  ///< -1 if the command did not exit normally
  std::string output;  ///< stdout and stderr, interleaved
};

inline Ran run_shell(const std::string& command) {
  Ran ran;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return ran;
  std::array<char, 4096> buf{};
  while (const std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) ran.output.append(buf.data(), n);
  const int status = ::pclose(pipe);
  if (WIFEXITED(status)) ran.exit_code = WEXITSTATUS(status);
  return ran;
}

/// True when `tool` is on $PATH.
inline bool have_tool(const std::string& tool) {
  return run_shell("command -v " + tool + " >/dev/null").exit_code == 0;
}

/// Single-quotes `s` for /bin/sh.
inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace newsd::testing
