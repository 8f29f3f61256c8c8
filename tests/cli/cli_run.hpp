#pragma once
// Runs the real newsd binary to completion and captures what it printed.
#include <string>
#include <vector>

#include "service/process.hpp"
#include "support/files.hpp"

namespace newsd::testing {

struct Ran {
  int code = -1;
  std::string out;
  std::string err;
};

/// `newsd args...`, logs under `dir`; waits up to two minutes.
inline Ran run_newsd(const std::vector<std::string>& args, const std::filesystem::path& dir, const std::string& tag) {
  std::vector<std::string> argv{NEWSD_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  Process p(argv, dir / tag);
  const int code = exit_code(p.wait(std::chrono::minutes{2}));
  return {code, p.stdout_text(), p.stderr_text()};
}

}  // namespace newsd::testing
