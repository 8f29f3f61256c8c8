#pragma once
/// Where log lines go and how they look: set up once by the CLI, while the
/// modules only call log::info/warn/… (log.hpp).
#include <optional>
#include <string_view>

namespace newsd::log {

/// Sets the level from the command line (`--log-level`): it wins over every
/// later set_level, so a SIGHUP reload of `[log] level` does not undo it.
/// set_level still checks names afterwards but leaves the level pinned.
/// Returns false (and changes nothing) for an unknown name.
bool set_level_override(std::string_view name);

/// True when stderr is the stream systemd connected to the journal:
/// `$JOURNAL_STREAM` is "DEV:INO" and equals stderr's device and inode (a
/// child that inherited the variable but writes elsewhere is not).
bool stderr_is_journal();

/// Whether the level names on a terminal are coloured.
enum class Color { automatic, always, never };

/// Parses "auto", "always" or "never".
std::optional<Color> parse_color(std::string_view name);

/// Makes stderr the destination of every log line. For the journal each line
/// is `<P>LEVEL event=… …` where `<P>` is its syslog priority (sd-daemon.h:
/// `<7>` debug/trace, `<6>` info, `<4>` warning, `<3>` error, `<2>` critical),
/// which journald stores as the entry's priority, and has no timestamp (the
/// journal has its own). Otherwise each line is
/// `2026-11-30T11:36:41.123Z LEVEL event=…` in UTC; `Color::automatic`
/// colours the level only on a terminal, and never when `$NO_COLOR` is set
/// and not empty. The current level is kept.
void log_to_stderr(bool journal, Color color);

}  // namespace newsd::log
