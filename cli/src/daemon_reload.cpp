#include "daemon_reload.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>

#include "newsd/store/store.hpp"

namespace newsd::cli {
namespace {

const char* const kByHand = "reload it with `systemctl reload newsd` (or `kill -HUP <pid>`)";

// The pid in the record could have been reused since; /proc says what runs now.
std::string running_program(long pid) {
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(comm, name);
  return name;
}

}  // namespace

ReloadResult reload_running_daemon(const std::filesystem::path& db) {
  const auto holder = store::writer_lock_holder(db);
  if (!holder)
    return {ReloadOutcome::not_running, 0, "no daemon writes " + db.string() + "; it reads the change when it starts"};
  const store::WriterLockHolder& h = *holder;
  ReloadResult result;
  result.pid = h.pid;
  result.outcome = ReloadOutcome::cannot_tell;
  if (h.pid <= 0 || !h.on_this_host) {
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
