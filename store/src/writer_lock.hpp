#pragma once
// The one-writer-per-database rule: an advisory flock on `<db>.lock`. The
// kernel drops the lock when its holder exits (even by kill -9), so a lock
// file left behind never blocks anyone; its contents only say who holds it.
#include <filesystem>
#include <optional>

#include "newsd/base/error.hpp"
#include "newsd/store/store.hpp"

namespace newsd::store {

class WriterLock {
 public:
  WriterLock() = default;
  /// Takes the lock for `db` without waiting and records this process
  /// (pid, program, host, start time) in the lock file. Errc::locked, with
  /// a message naming the holder, if another open file holds it (another
  /// process, or another writer Store in this one); Errc::io if the lock
  /// file cannot be created.
  static Result<WriterLock> acquire(const std::filesystem::path& db);

  WriterLock(WriterLock&& other) noexcept;
  WriterLock& operator=(WriterLock&& other) noexcept;
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;
  /// Releases the lock (closing the descriptor releases the flock).
  ~WriterLock();

  /// `<db>.lock`.
  static std::filesystem::path lock_path(const std::filesystem::path& db);

 private:
  friend std::optional<WriterLockHolder> writer_lock_holder(const std::filesystem::path& db);
  explicit WriterLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace newsd::store
