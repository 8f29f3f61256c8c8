#include "newsd/service/systemd_notify.hpp"

#include <systemd/sd-daemon.h>

#include <string>

namespace newsd::service {

SystemdNotifier::SystemdNotifier() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    keepalive_interval_ = std::chrono::milliseconds{usec / 2000};
  }
}

void SystemdNotifier::ready() const { sd_notify(0, "READY=1"); }

void SystemdNotifier::reloading() const { sd_notify(0, "RELOADING=1"); }

void SystemdNotifier::stopping() const { sd_notify(0, "STOPPING=1"); }

void SystemdNotifier::status(std::string_view text) const {
  const std::string line = "STATUS=" + std::string(text);
  sd_notify(0, line.c_str());
}

void SystemdNotifier::keepalive() const {
  if (keepalive_interval_) sd_notify(0, "WATCHDOG=1");
}

}  // namespace newsd::service
