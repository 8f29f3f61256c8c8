#include "newsd/base/log.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "newsd/base/log_stderr.hpp"
#include "support/files.hpp"

namespace newsd::log {
namespace {

TEST(Log, RendersEventAndNamedFieldsAsLogfmt) {
  EXPECT_EQ(render("fetch.done", {{"url", "http://a/b"}, {"status", 200}, {"ok", true}}),
            "event=fetch.done url=http://a/b status=200 ok=true");
}

TEST(Log, QuotesValuesThatWouldBreakTheLine) {
  EXPECT_EQ(render("e", {{"msg", "two words"}}), "event=e msg=\"two words\"");
  EXPECT_EQ(render("e", {{"msg", "a\"b\nc"}}), "event=e msg=\"a\\\"b\\nc\"");
  EXPECT_EQ(render("e", {{"empty", ""}}), "event=e empty=\"\"");
}

TEST(Log, SetLevelAcceptsOnlyKnownNames) {
  EXPECT_TRUE(set_level("warn"));
  EXPECT_EQ(spdlog::get_level(), spdlog::level::warn);
  EXPECT_FALSE(set_level("loud"));
  EXPECT_EQ(spdlog::get_level(), spdlog::level::warn);
  EXPECT_TRUE(set_level("info"));
}

TEST(Log, OverrideWinsOverLaterConfigLevels) {
  ASSERT_TRUE(set_level("info"));
  EXPECT_FALSE(set_level_override("chatty"));
  ASSERT_TRUE(set_level_override("debug"));
  EXPECT_TRUE(set_level("error"));  // a reloaded config: still validated, not applied
  EXPECT_EQ(spdlog::get_level(), spdlog::level::debug);
  EXPECT_FALSE(set_level("loud"));
}

TEST(Log, ParsesOnlyTheThreeColorModes) {
  EXPECT_EQ(parse_color("auto"), Color::automatic);
  EXPECT_EQ(parse_color("always"), Color::always);
  EXPECT_EQ(parse_color("never"), Color::never);
  EXPECT_EQ(parse_color("yes"), std::nullopt);
  EXPECT_EQ(parse_color(""), std::nullopt);
}

enum class Stream { matching, other_file, garbage };

// A real child process whose stderr is a file. With Stream::matching,
// JOURNAL_STREAM names that file's dev:ino, as systemd does for a service.
std::string child_log_lines(Stream stream) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("newsd-log-" + std::to_string(::getpid()) + "-" + std::to_string(static_cast<int>(stream)));
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || ::dup2(fd, STDERR_FILENO) < 0) ::_exit(3);
    struct stat st {};
    ::fstat(STDERR_FILENO, &st);
    const std::string ids = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    const std::string value = stream == Stream::matching     ? ids
                              : stream == Stream::other_file ? std::to_string(st.st_dev) + ":1"
                                                             : "not:a-number";
    ::setenv("JOURNAL_STREAM", value.c_str(), 1);
    log_to_stderr(stderr_is_journal(), Color::never);
    set_level_override("debug");
    debug("t.debug", {{"k", 1}});
    info("t.info");
    warn("t.warn", {{"url", "http://a/b c"}});
    error("t.error");
    spdlog::default_logger()->flush();
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::string text = newsd::testing::read_file(path);
  std::filesystem::remove(path);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return text;
}

TEST(Log, UnderJournaldEachLineCarriesItsSyslogPriority) {
  EXPECT_EQ(child_log_lines(Stream::matching),
            "<7>debug event=t.debug k=1\n"
            "<6>info event=t.info\n"
            "<4>warning event=t.warn url=\"http://a/b c\"\n"
            "<3>error event=t.error\n");
}

TEST(Log, OffTheJournalLinesHaveUtcTimestampsAndNoPriority) {
  // An inherited JOURNAL_STREAM that names another file (or nothing valid)
  // does not make stderr the journal.
  for (Stream stream : {Stream::other_file, Stream::garbage}) {
    const std::string text = child_log_lines(stream);
    const std::regex line(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z warning event=t\.warn url="http://a/b c")");
    EXPECT_TRUE(std::regex_search(text, line)) << text;
    EXPECT_EQ(text.find('<'), std::string::npos) << text;
    EXPECT_EQ(text.find("\x1b["), std::string::npos) << text;  // Color::never
  }
}

}  // namespace
}  // namespace newsd::log
