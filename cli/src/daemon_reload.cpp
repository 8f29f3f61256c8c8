#include "daemon_reload.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>

namespace newsd::cli {
namespace {

const char* const kByHand = "reload it with `systemctl reload newsd` (or `kill -HUP <pid>`)";

struct Holder {
  long pid = 0;
  std::string program;
  std::string host;
};

// The record is `key value` lines (store/src/writer_lock.cpp writes it).
Holder read_holder(int fd) {
  std::string text(4096, '\0');
  const ssize_t n = ::pread(fd, text.data(), text.size(), 0);
  text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  Holder h;
  std::istringstream in(text);
  for (std::string key, value; in >> key && std::getline(in >> std::ws, value);) {
    if (key == "pid") h.pid = std::strtol(value.c_str(), nullptr, 10);
    if (key == "program") h.program = value;
    if (key == "host") h.host = value;
  }
  return h;
}

std::string this_host() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return {};
  return buf;
}

// The pid in the record could have been reused since; /proc says what runs now.
std::string running_program(long pid) {
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

}  // namespace

ReloadResult reload_running_daemon(const std::filesystem::path& db) {
  const std::string lock = db.string() + ".lock";
  const int fd = ::open(lock.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return {ReloadOutcome::not_running, 0, "no daemon writes " + db.string() + "; it reads the change when it starts"};
  ReloadResult result;
  // A probe: if the lock can be taken, nobody holds it.
  if (::flock(fd, LOCK_SH | LOCK_NB) == 0) {
    ::flock(fd, LOCK_UN);
    ::close(fd);
    return {ReloadOutcome::not_running, 0, "no daemon writes " + db.string() + "; it reads the change when it starts"};
  }
  const Holder h = read_holder(fd);
  ::close(fd);
  result.pid = h.pid;
  result.outcome = ReloadOutcome::cannot_tell;
  if (h.pid <= 0 || h.host != this_host()) {
    result.message = db.string() + " is held by a process newsd cannot signal from here; " + kByHand;
    return result;
  }
  if (h.program != "newsd" || running_program(h.pid) != "newsd") {
    result.message = db.string() + " is held by pid " + std::to_string(h.pid) + " (" + h.program +
                     "), not a newsd daemon; " + kByHand;
    return result;
  }
  if (::kill(static_cast<pid_t>(h.pid), SIGHUP) != 0) {
    result.message =
        "cannot signal newsd (pid " + std::to_string(h.pid) + "): " + std::strerror(errno) + "; " + kByHand;
    return result;
  }
  result.outcome = ReloadOutcome::signalled;
  result.message = "sent SIGHUP to newsd (pid " + std::to_string(h.pid) + "): it re-reads its config now";
  return result;
}

}  // namespace newsd::cli
