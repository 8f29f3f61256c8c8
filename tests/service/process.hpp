#pragma once
// Runs the real newsd binary as a child process, for tests that send it
// real signals. Output goes to files so a failing test can show it.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/daemon_test_util.hpp"
#include "support/files.hpp"

extern char** environ;

namespace newsd::testing {

class Process {
 public:
  /// Starts `argv` with stdout/stderr redirected to `<log_prefix>.out/.err`.
  Process(const std::vector<std::string>& argv, const std::filesystem::path& log_prefix)
      : out_(log_prefix.string() + ".out"), err_(log_prefix.string() + ".err") {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    if (posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Process() {
    if (running()) {
      ::kill(pid_, SIGKILL);
      wait(std::chrono::seconds{10});
    }
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  [[nodiscard]] bool started() const { return pid_ > 0; }
  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] bool running() const { return pid_ > 0 && !status_; }
  void signal(int sig) const { ::kill(pid_, sig); }

  /// Waits up to `limit` for the exit; returns the raw wait status.
  std::optional<int> wait(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!status_ && std::chrono::steady_clock::now() < deadline) {
      int st = 0;
      if (waitpid(pid_, &st, WNOHANG) == pid_)
        status_ = st;
      else
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
    }
    return status_;
  }

  [[nodiscard]] std::string stdout_text() const { return read_file(out_); }
  [[nodiscard]] std::string stderr_text() const { return read_file(err_); }

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
  std::string out_;
  std::string err_;
};

/// Polls `condition` every 50 ms until it holds or `limit` passes.
inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
  }
  return condition();
}

/// The exit status of a child that exited normally, else -1.
inline int exit_code(std::optional<int> status) { return status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1; }

/// The single integer `sql` yields on the database at `db_file`; 0 while the
/// file or its schema does not exist yet (the daemon is still starting).
inline std::int64_t count(const std::filesystem::path& db_file, const std::string& sql) {
  if (!std::filesystem::exists(db_file)) return 0;
  try {
    Db db(db_file);
    return std::stoll(db.rows(sql)[0][0]);
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace newsd::testing
