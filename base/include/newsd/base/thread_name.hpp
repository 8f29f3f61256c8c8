#pragma once
/// Names for newsd's threads, so `top -H`, `ps -L`, perf and gdb tell the
/// store writer from a worker or the fetch loop.
#include <string_view>

namespace newsd {

/// Names the calling thread. Linux keeps the first 15 bytes of `name`; a
/// name the kernel refuses leaves the old one. Never throws.
void name_this_thread(std::string_view name) noexcept;

}  // namespace newsd
