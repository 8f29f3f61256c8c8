#pragma once
// Runs part of a store test in a forked child process: a second writer that
// holds the database, or a process under a file-size limit. The child
// cannot report to GoogleTest, so its body returns what went wrong ("" =
// nothing) and the parent asserts on that.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <utility>

namespace newsd::store::testing {

inline void write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

inline std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n = 0;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  return out;
}

/// Runs `body` in a child and returns its report, or a description of how
/// the child died.
template <class Body>
std::string run_in_child(Body&& body) {
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) return "pipe failed";
  const pid_t pid = ::fork();
  if (pid < 0) return "fork failed";
  if (pid == 0) {
    ::close(pipe_fds[0]);
    write_all(pipe_fds[1], std::forward<Body>(body)());
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string report = read_all(pipe_fds[0]);
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) report += " (child died, status " + std::to_string(status) + ")";
  return report;
}

/// A child that runs `setup`, sends its report (one line, "" = ready) and
/// then waits until it is killed: a process holding something open.
class HoldingChild {
 public:
  template <class Setup>
  explicit HoldingChild(Setup&& setup) {
    int ready[2], hold[2];
    if (::pipe(ready) != 0 || ::pipe(hold) != 0) {
      report_ = "pipe failed";
      return;
    }
    pid_ = ::fork();
    if (pid_ < 0) {
      report_ = "fork failed";
      return;
    }
    if (pid_ == 0) {
      ::close(ready[0]);
      ::close(hold[1]);
      auto held = std::forward<Setup>(setup)();  // {report, whatever must stay alive}
      write_all(ready[1], held.first + "\n");
      char c;
      while (::read(hold[0], &c, 1) > 0) {
      }
      ::_exit(0);
    }
    ::close(ready[1]);
    ::close(hold[0]);
    hold_ = hold[1];
    std::string line;
    char c;
    while (::read(ready[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(ready[0]);
    report_ = std::move(line);
  }
  HoldingChild(const HoldingChild&) = delete;
  HoldingChild& operator=(const HoldingChild&) = delete;
  ~HoldingChild() { kill(); }

  pid_t pid() const { return pid_; }
  const std::string& report() const { return report_; }
  /// SIGKILL, as a crash or `kill -9` would end it, and reap it.
  void kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    ::close(hold_);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int hold_ = -1;
  std::string report_;
};

}  // namespace newsd::store::testing
