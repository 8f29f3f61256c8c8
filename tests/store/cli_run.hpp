#pragma once
// Runs the newsd binary for the query-command tests, and the database they
// share: two feeds, an Arabic article tagged defense/MA and a French one.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "store_fixture.hpp"

namespace newsd::store::testing {

struct Run {
  int status = -1;
  std::string out;
};

// Runs a shell command, stderr merged into the output.
inline Run run_command(const std::string& shell_command) {
  Run run;
  const std::string command = shell_command + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) run.out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// Runs the newsd binary with `args` (shell-quoted by the caller).
inline Run newsd(const std::string& args) { return run_command(std::string(NEWSD_BINARY) + " " + args); }

inline std::vector<nlohmann::json> json_lines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::size_t start = 0;
  while (start < out.size()) {
    const auto end = out.find('\n', start);
    const auto line = out.substr(start, end - start);
    if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

class CliTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    auto store = open_store();
    const auto a = add_feed(store, "https://a.example/feed", "Agency A");
    const auto b = add_feed(store, "https://b.example/rss");
    auto one = article(a, "https://a.example/1", "المغرب وفرنسا يوقعان اتفاقية دفاعية",
                       "وقعت الحكومة اتفاقية دفاع مشترك، والمغرب يعزز قدراته الجوية.");
    one.tags = {tag("defense", classify::TagKind::topic, 0.9), tag("MA", classify::TagKind::country)};
    auto two =
        article(b, "https://b.example/2", "Cyberattaque, \"massive\"", "Une cyberattaque vise le ministère.", "fr");
    two.tags = {tag("cyber")};
    two.published_at = day(2026, 10, 1);
    write(store, {one, two});
    FeedFetchResult failed;
    failed.feed_id = b;
    failed.error = "http_status: 503";
    failed.fetched_at = day(2026, 11, 21);
    failed.next_fetch_at = day(2026, 11, 21, 13);
    ASSERT_TRUE(store.record_fetch(failed).has_value());
    FeedFetchResult polled;  // feed A turned out to be a sitemap
    polled.feed_id = a;
    polled.fetched_at = day(2026, 11, 21);
    polled.next_fetch_at = day(2026, 11, 21, 13);
    polled.source_type = "sitemap";
    polled.links_found = 12;
    ASSERT_TRUE(store.record_fetch(polled).has_value());
    db_arg_ = "--db '" + db_path_.string() + "'";
  }
  std::string db_arg_;
};

}  // namespace newsd::store::testing
