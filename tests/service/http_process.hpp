#pragma once
// Runs the real newsd binary with its HTTP endpoint on 127.0.0.1 (port 0:
// any free port) and learns the port from its `http.listening` log line.
#include <httplib.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <regex>
#include <string>

#include "process.hpp"

namespace newsd::testing {

inline const std::filesystem::path kSamplesDir = std::filesystem::path(NEWSD_SOURCE_DIR) / "samples";

/// A config for the three sample feeds (file: URLs), its database in `dir`, [http] on any free port.
inline std::string sample_config(const std::filesystem::path& dir,
                                 const std::string& http = "listen = \"127.0.0.1:0\"\n") {
  std::string toml = "[log]\nlevel = \"info\"\n[fetch]\nmin_host_interval = \"0s\"\nmax_retries = 0\n";
  toml += "[classify]\ntaxonomy = \"" +
          (std::filesystem::path(NEWSD_SOURCE_DIR) / "config/taxonomy/default.toml").string() + "\"\n";
  toml += "[store]\npath = \"" + (dir / "newsd.db").string() + "\"\n[daemon]\nshutdown_grace = \"0s\"\n";
  toml += "[http]\n" + http;
  for (const char* feed : {"maghreb-defense.rss", "cyber-fr.atom", "world-en.rss"}) {
    toml += "[[feeds]]\nurl = \"file://" + (kSamplesDir / feed).string() + "\"\ninterval = \"1h\"\n";
  }
  return toml;
}

/// The port in the process's `event=http.listening … port=N` line, once it appears (0 if never).
inline int listening_port(const Process& process, std::chrono::milliseconds limit) {
  static const std::regex kPort("event=http\\.listening.*port=([0-9]+)");
  int port = 0;
  eventually(
      [&] {
        std::smatch m;
        const std::string err = process.stderr_text();
        if (std::regex_search(err, m, kPort)) port = std::stoi(m[1].str());
        return port > 0;
      },
      limit);
  return port;
}

/// Runs `command` through the shell; its exit status and combined output.
inline std::pair<int, std::string> run_shell(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return {-1, {}};
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

}  // namespace newsd::testing
