#pragma once
/// `type = "jsonl"`: one article JSON per line, appended to a file (or
/// written to standard output with `path = "-"`). A line is written with
/// one write() on an O_APPEND descriptor and fdatasync()ed before the
/// cursor moves, so a crash repeats at most the last line (same `id`).
#include <filesystem>
#include <memory>

#include "newsd/sink/sink.hpp"

namespace newsd::sink {

class JsonlSink : public Sink {
 public:
  /// Opens (creating, mode 0640) the file; Errc::io if it cannot.
  static Result<std::unique_ptr<JsonlSink>> open(const std::filesystem::path& path);
  ~JsonlSink() override;
  JsonlSink(const JsonlSink&) = delete;
  JsonlSink& operator=(const JsonlSink&) = delete;

  Result<void> deliver(const Delivery& d) override;

 private:
  JsonlSink(int fd, bool owned, std::filesystem::path path) : fd_(fd), owned_(owned), path_(std::move(path)) {}
  int fd_;
  bool owned_;  ///< false for standard output
  std::filesystem::path path_;
};

}  // namespace newsd::sink
