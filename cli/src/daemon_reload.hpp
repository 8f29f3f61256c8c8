#pragma once
/// Telling a running daemon that its feeds changed (`newsd feeds add`,
/// `remove`, `import`, `--reactivate`).
#include <filesystem>
#include <string>

namespace newsd::cli {

enum class ReloadOutcome {
  signalled,    ///< SIGHUP sent to the newsd process holding the writer lock
  not_running,  ///< nobody holds the database's writer lock
  cannot_tell,  ///< a holder exists but is not a newsd process this user may signal (other host, other program, EPERM)
};

struct ReloadResult {
  ReloadOutcome outcome = ReloadOutcome::not_running;
  long pid = 0;         ///< the holder's pid when known
  std::string message;  ///< one line for the user: what happened, or how to reload by hand
};

/// Asks the store who holds `db`'s writer lock (store::writer_lock_holder)
/// and, when it is held by a process named newsd
/// on this host, sends it SIGHUP — the daemon re-reads its config, feeds
/// file included. Otherwise says how to reload (`systemctl reload newsd`).
/// Never takes the lock itself for longer than a probe.
ReloadResult reload_running_daemon(const std::filesystem::path& db);

}  // namespace newsd::cli
