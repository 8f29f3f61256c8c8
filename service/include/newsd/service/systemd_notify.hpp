#pragma once
/// systemd integration through libsystemd's sd_notify: READY/RELOADING/
/// STOPPING, a human STATUS= line, and watchdog keep-alives. Every call is
/// a no-op when the process was not started by systemd ($NOTIFY_SOCKET unset).
#include <chrono>
#include <optional>
#include <string_view>

namespace newsd::service {

class SystemdNotifier {
 public:
  SystemdNotifier();
  void ready() const;
  void reloading() const;
  void stopping() const;
  void status(std::string_view text) const;
  /// Sends WATCHDOG=1 if the watchdog is enabled.
  void keepalive() const;
  /// Half the watchdog period (how often keepalive must run), if enabled.
  [[nodiscard]] std::optional<std::chrono::milliseconds> keepalive_interval() const { return keepalive_interval_; }

 private:
  std::optional<std::chrono::milliseconds> keepalive_interval_;
};

}  // namespace newsd::service
