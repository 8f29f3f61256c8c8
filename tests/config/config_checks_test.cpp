// What `check-config` adds beyond syntax: URLs, selectors, the model file,
// the included feeds file, and the resolved config printed back as TOML.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

#include "newsd/config/config.hpp"
#include "newsd/parse/html_select.hpp"

namespace newsd::config {
namespace {

namespace fs = std::filesystem;
const fs::path kData = fs::path(NEWSD_TEST_DATA) / "config";

std::string abs(const fs::path& p) { return fs::absolute(p).lexically_normal().string(); }

void expect_all(const std::string& message, const std::vector<std::string>& expected) {
  for (const auto& e : expected)
    EXPECT_NE(message.find(e), std::string::npos) << "missing: " << e << "\nin:\n" << message;
}

std::string without_comments(const std::string& text) {
  std::istringstream in(text);
  std::string out;
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("#")) out += line + '\n';
  }
  return out;
}

// The real selector parser, as the CLI wires it.
LoadOptions with_selector_check() {
  LoadOptions o;
  o.check_selector = [](std::string_view s) {
    auto parsed = parse::parse_selector(s);
    return parsed ? std::string() : parsed.error().message;
  };
  return o;
}

TEST(ConfigChecks, EveryUnusableFeedUrlIsReportedAtItsPosition) {
  auto cfg = load_config(kData / "feed_urls_rejected.toml");
  ASSERT_FALSE(cfg);
  const std::string file = abs(kData / "feed_urls_rejected.toml");
  expect_all(cfg.error().message,
             {
                 file + ":3:7: 'https://' is not a feed URL: it has no host",
                 file + ":6:7: 'https://example.com/a feed.xml' is not a feed URL: it contains a space",
                 file + ":9:7: 'https://example.com:99999/feed.xml' is not a feed URL",
                 file + ":12:7: 'https://example.com:0/feed.xml' is not a feed URL: port 0",
                 file + ":15:7: 'ftp://example.com/feed.xml' is not a feed URL: scheme 'ftp'",
                 file + ":18:7: 'javascript:alert(1)' is not a feed URL: scheme 'javascript'",
                 file + ":21:7: 'file://otherhost/srv/feed.xml' is not a feed URL",
                 file + ":24:7: '//example.com/feed.xml' is not a feed URL: it has no scheme",
                 file + ":28:12: 'https://example.com/a page' is not a feed URL",
             });
}

TEST(ConfigChecks, ValidUrlSpellingsAreAccepted) {
  auto cfg = load_config(kData / "feed_urls_accepted.toml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  ASSERT_EQ(cfg->feeds.size(), 6u);
  EXPECT_EQ(cfg->feeds[0].url, "HTTPS://Example.com/feed.xml");
  EXPECT_EQ(cfg->feeds[1].url, "file:///srv/feeds/short.xml");
  EXPECT_EQ(cfg->feeds[2].url, "file:///srv/feeds/long.xml");
  EXPECT_EQ(cfg->feeds[3].url, "file://" + abs(kData / "feeds/relative.xml"));
  EXPECT_EQ(cfg->feeds[4].site_url, "https://example.com/ar/");
}

TEST(ConfigChecks, UnsupportedSelectorsAreReportedWhereWritten) {
  auto cfg = load_config(kData / "selectors_unsupported.toml", with_selector_check());
  ASSERT_FALSE(cfg);
  const std::string file = abs(kData / "selectors_unsupported.toml");
  const std::string& m = cfg.error().message;
  expect_all(m, {file + ":5:26: 'extract.sites.keep' entry 'article:first-child'",
                 file + ":6:16: 'extract.sites.drop' entry 'h2 + p'",
                 file + ":6:26: 'extract.sites.drop' entry 'div ~ aside'"});
  EXPECT_EQ(m.find("'article .body'"), std::string::npos) << m;
  EXPECT_EQ(m.find("'.ok'"), std::string::npos) << m;
  // Without the check (query commands) the file loads.
  EXPECT_TRUE(load_config(kData / "selectors_unsupported.toml"));
}

TEST(ConfigChecks, ModelCheckErrorsPointAtTheModelKey) {
  LoadOptions o;
  o.check_model = [](const fs::path& p) { return fs::exists(p) ? std::string() : std::string("no such file"); };
  auto cfg = load_config(kData / "model_missing.toml", o);
  ASSERT_FALSE(cfg);
  EXPECT_NE(cfg.error().message.find(abs(kData / "model_missing.toml") + ":2:9: 'classify.model' " +
                                     abs(kData / "models/no-such-model.ftz") + ": no such file"),
            std::string::npos)
      << cfg.error().message;
}

TEST(ConfigChecks, FeedsFileFeedsFollowTheMainFilesOwn) {
  auto cfg = load_config(kData / "feeds_file/main.toml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ(cfg->feeds_file, abs(kData / "feeds_file/feeds.toml"));
  ASSERT_EQ(cfg->feeds.size(), 3u);
  EXPECT_EQ(cfg->feeds[0].url, "https://example.com/main.xml");
  EXPECT_EQ(cfg->feeds[1].url, "https://example.com/included.xml");
  EXPECT_EQ(cfg->feeds[1].name, "Included");
  EXPECT_EQ(cfg->feeds[1].site_url, "https://example.com/");
  EXPECT_EQ(cfg->feeds[1].tags, std::vector<std::string>{"maghreb"});
  // Relative file: URLs in the feeds file resolve against its own directory.
  EXPECT_EQ(cfg->feeds[2].url, "file://" + abs(kData / "feeds_file/local/feed.xml"));
}

TEST(ConfigChecks, FeedsFileErrorsNameTheFeedsFile) {
  auto cfg = load_config(kData / "feeds_file_errors/main.toml");
  ASSERT_FALSE(cfg);
  const std::string feeds = abs(kData / "feeds_file_errors/feeds.toml");
  expect_all(cfg.error().message, {feeds + ":3:7: feed 'https://example.com/main.xml' is listed twice",
                                   feeds + ":6:7: 'https://' is not a feed URL",
                                   feeds + ":10:1: unknown key 'feeds.intervall'", feeds + ":12:2: unknown key 'log'"});
}

TEST(ConfigChecks, MissingFeedsFileIsAnErrorUnlessAllowed) {
  const std::string main = "feeds_file = \"no-such-feeds.toml\"\n";
  auto cfg = parse_config(main, kData / "inline.toml");
  ASSERT_FALSE(cfg);
  EXPECT_NE(cfg.error().message.find("no-such-feeds.toml: cannot read the feeds file"), std::string::npos)
      << cfg.error().message;
  LoadOptions o;
  o.feeds_file_may_be_missing = true;
  auto allowed = parse_config(main, kData / "inline.toml", o);
  ASSERT_TRUE(allowed) << allowed.error().message;
  EXPECT_TRUE(allowed->feeds.empty());
}

TEST(ConfigChecks, FeedsFileSyntaxErrorsNameTheFeedsFile) {
  const fs::path dir = fs::temp_directory_path() / ("newsd-config-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  { std::ofstream(dir / "feeds.toml") << "[[feeds]]\nurl = \"https://example.com/a.xml\n"; }
  auto cfg = parse_config("feeds_file = \"feeds.toml\"\n", dir / "main.toml");
  ASSERT_FALSE(cfg);
  EXPECT_EQ(cfg.error().message.rfind((dir / "feeds.toml").string() + ":2:", 0), 0u) << cfg.error().message;
  fs::remove_all(dir);
}

TEST(ConfigChecks, FeedsFileRoundTripsThroughItsWriter) {
  auto feeds = load_feeds_file(kData / "feeds_file/feeds.toml");
  ASSERT_TRUE(feeds) << feeds.error().message;
  feeds->at(0).min_interval = std::chrono::minutes{10};
  feeds->at(0).fetch_articles = false;
  const std::string text = feeds_to_toml(*feeds, "written by a test\nsecond line");
  EXPECT_EQ(text.rfind("# written by a test\n# second line\n", 0), 0u) << text;
  auto back = parse_feeds_file(text, kData / "elsewhere/feeds.toml");
  ASSERT_TRUE(back) << back.error().message << "\n" << text;
  ASSERT_EQ(back->size(), feeds->size());
  for (std::size_t i = 0; i < feeds->size(); ++i) {
    EXPECT_EQ(back->at(i).url, feeds->at(i).url);
    EXPECT_EQ(back->at(i).name, feeds->at(i).name);
    EXPECT_EQ(back->at(i).site_url, feeds->at(i).site_url);
    EXPECT_EQ(back->at(i).tags, feeds->at(i).tags);
    EXPECT_EQ(back->at(i).interval, feeds->at(i).interval);
    EXPECT_EQ(back->at(i).min_interval, feeds->at(i).min_interval);
    EXPECT_EQ(back->at(i).fetch_articles, feeds->at(i).fetch_articles);
  }
}

TEST(ConfigChecks, PrintedConfigLoadsBackToTheSameValues) {
  auto cfg = load_config(kData / "feeds_file/main.toml");
  ASSERT_TRUE(cfg) << cfg.error().message;
  const std::string text = to_toml(*cfg);
  EXPECT_NE(text.find("# feeds_file = "), std::string::npos) << text;
  for (const char* key : {"[fetch]", "user_agent", "max_body_bytes", "[limits]", "[schedule]", "jitter", "[extract]",
                          "[classify]", "taxonomy", "[store]", "busy_timeout", "[daemon]", "shutdown_grace", "[log]"}) {
    EXPECT_NE(text.find(key), std::string::npos) << key << "\n" << text;
  }
  auto back = parse_config(text, kData / "printed.toml");
  ASSERT_TRUE(back) << back.error().message << "\n" << text;
  EXPECT_EQ(without_comments(to_toml(*back)), without_comments(text));
  EXPECT_EQ(back->feeds.size(), 3u);
  EXPECT_EQ(back->store.path, cfg->store.path);
  EXPECT_EQ(back->fetch.total_timeout, cfg->fetch.total_timeout);
}

}  // namespace
}  // namespace newsd::config
