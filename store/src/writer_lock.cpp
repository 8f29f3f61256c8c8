#include "writer_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <string>
#include <utility>

#include "newsd/parse/dates.hpp"

namespace newsd::store {
namespace {

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

// The holder record, one `key value` per line, so people can `cat` it too.
std::string holder_record() {
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return "pid " + std::to_string(::getpid()) + "\nprogram " + program_invocation_short_name + "\nhost " + host_name() +
         "\nsince " + parse::format_iso8601(now) + "\n";
}

struct Holder {
  std::string pid, program, host, since;
};

Holder read_holder(int fd) {
  std::string text;
  char buf[512];
  ssize_t n = 0;
  off_t offset = 0;
  while ((n = ::pread(fd, buf, sizeof buf, offset)) > 0 && text.size() < 4096) {
    text.append(buf, static_cast<std::size_t>(n));
    offset += n;
  }
  Holder h;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    const auto space = line.find(' ');
    if (space == std::string_view::npos) continue;
    const auto key = line.substr(0, space);
    std::string value(line.substr(space + 1));
    if (key == "pid")
      h.pid = std::move(value);
    else if (key == "program")
      h.program = std::move(value);
    else if (key == "host")
      h.host = std::move(value);
    else if (key == "since")
      h.since = std::move(value);
  }
  return h;
}

std::string in_use_message(const std::filesystem::path& db, const Holder& h) {
  // The holder may have taken the lock but not written its record yet.
  if (h.pid.empty()) return db.string() + " is in use by another newsd process";
  std::string message = db.string() + " is in use by pid " + h.pid;
  if (!h.program.empty()) message += " (" + h.program + ")";
  if (!h.host.empty() && h.host != host_name()) message += " on host " + h.host;
  if (!h.since.empty()) message += " since " + h.since;
  return message;
}

}  // namespace

std::filesystem::path WriterLock::lock_path(const std::filesystem::path& db) {
  return std::filesystem::path(db.string() + ".lock");
}

Result<WriterLock> WriterLock::acquire(const std::filesystem::path& db) {
  const auto path = lock_path(db);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return fail(Errc::io, "cannot open " + path.string() + ": " + std::strerror(errno));
  WriterLock lock(fd);
  int rc = 0;
  while ((rc = ::flock(fd, LOCK_EX | LOCK_NB)) != 0 && errno == EINTR) {
  }
  if (rc != 0) {
    if (errno == EWOULDBLOCK) return fail(Errc::locked, in_use_message(db, read_holder(fd)));
    return fail(Errc::io, "cannot lock " + path.string() + ": " + std::strerror(errno));
  }
  // Only the holder writes the record, so readers never see two mixed.
  const std::string record = holder_record();
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, record.data(), record.size(), 0) != static_cast<ssize_t>(record.size())) {
    return fail(Errc::io, "cannot write " + path.string() + ": " + std::strerror(errno));
  }
  return lock;
}

std::optional<WriterLockHolder> writer_lock_holder(const std::filesystem::path& db) {
  const int fd = ::open(WriterLock::lock_path(db).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  const WriterLock file(fd);  // closes it
  // A shared lock granted means no writer holds the exclusive one: the
  // record left in the file is a past holder's, whose pid may be reused.
  int rc = 0;
  while ((rc = ::flock(fd, LOCK_SH | LOCK_NB)) != 0 && errno == EINTR) {
  }
  if (rc == 0 || errno != EWOULDBLOCK) return std::nullopt;
  const Holder h = read_holder(fd);
  WriterLockHolder holder{0, h.program, h.host, h.host == host_name()};
  int pid = 0;
  const auto [end, ec] = std::from_chars(h.pid.data(), h.pid.data() + h.pid.size(), pid);
  if (ec == std::errc{} && end == h.pid.data() + h.pid.size() && pid > 0) holder.pid = pid;
  return holder;
}

WriterLock::WriterLock(WriterLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

WriterLock& WriterLock::operator=(WriterLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

WriterLock::~WriterLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace newsd::store
