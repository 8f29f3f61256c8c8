#include "newsd/sink/jsonl_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace newsd::sink {

Result<std::unique_ptr<JsonlSink>> JsonlSink::open(const std::filesystem::path& path) {
  if (path == "-") return std::unique_ptr<JsonlSink>(new JsonlSink(STDOUT_FILENO, false, path));
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return fail(Errc::io, "cannot open " + path.string() + ": " + std::strerror(errno));
  return std::unique_ptr<JsonlSink>(new JsonlSink(fd, true, path));
}

JsonlSink::~JsonlSink() {
  if (owned_) ::close(fd_);
}

Result<void> JsonlSink::deliver(const Delivery& d) {
  // One write() per line: with O_APPEND, lines of two newsd processes (or a
  // rotation tool) never interleave within a line.
  const std::string line = d.body + '\n';
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Errc::io, "cannot write " + path_.string() + ": " + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
  // Standard output may be a pipe or terminal, where there is nothing to sync.
  if (owned_ && ::fdatasync(fd_) != 0) {
    return fail(Errc::io, "cannot sync " + path_.string() + ": " + std::strerror(errno));
  }
  return {};
}

}  // namespace newsd::sink
