// The web reader in a real browser: Debian's chromium, headless, against
// `newsd serve` on 127.0.0.1 over an archive built by `newsd once` from the
// sample feeds. Each page is loaded (--dump-dom: the DOM after its scripts
// ran), its console must stay silent (a CSP violation or a script error
// would be logged there), Arabic articles must carry dir="rtl", and a
// phone-width screenshot of each page is saved under the build tree
// (build/screenshots/).
#include <gtest/gtest.h>

#include <fstream>
#include <regex>

#include "http_process.hpp"

namespace newsd::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
const std::string kBinary = NEWSD_BINARY;
const fs::path kScreenshots = fs::path(NEWSD_BINARY).parent_path() / "screenshots";

struct Loaded {
  std::string dom;
  std::vector<std::string> console;  ///< every console message the page produced
};

class Browser {
 public:
  explicit Browser(const fs::path& dir) : profile_(dir / "chromium") {}

  /// The page's DOM once loaded, and its console messages.
  Loaded load(const std::string& url) {
    const fs::path out = profile_.parent_path() / "dom.html";
    const auto [status, log] =
        run_shell(base() + " --enable-logging=stderr --v=0 --dump-dom '" + url + "' > " + out.string());
    Loaded loaded;
    std::ifstream in(out);
    loaded.dom.assign(std::istreambuf_iterator<char>(in), {});
    std::istringstream lines(log);
    for (std::string line; std::getline(lines, line);) {
      if (line.find(":CONSOLE") != std::string::npos) loaded.console.push_back(line);
    }
    EXPECT_EQ(status, 0) << url << "\n" << log;
    return loaded;
  }

  /// A screenshot of `url` at `width`×`height` CSS pixels into `file`.
  void screenshot(const std::string& url, const fs::path& file, int width, int height) {
    const auto [status, log] = run_shell(base() + " --hide-scrollbars --window-size=" + std::to_string(width) + "," +
                                         std::to_string(height) + " --screenshot=" + file.string() + " '" + url + "'");
    EXPECT_EQ(status, 0) << log;
    EXPECT_TRUE(fs::exists(file)) << log;
  }

 private:
  // As root (CI containers) chromium needs --no-sandbox; a fresh profile keeps runs independent.
  std::string base() const {
    return "timeout 90 chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions "
           "--user-data-dir=" +
           profile_.string();
  }
  fs::path profile_;
};

class BrowserTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<TempDir>("newsd-browser");
    std::ofstream(dir_->path() / "newsd.toml") << sample_config(dir_->path());
    Process once({kBinary, "once", "--config", (dir_->path() / "newsd.toml").string()}, dir_->path() / "once");
    ASSERT_EQ(exit_code(once.wait(120s)), 0) << once.stderr_text();
    serve_ = std::make_unique<Process>(
        std::vector<std::string>{kBinary, "serve", "--config", (dir_->path() / "newsd.toml").string()},
        dir_->path() / "serve");
    port_ = listening_port(*serve_, 30s);
    ASSERT_GT(port_, 0) << serve_->stderr_text();
    fs::create_directories(kScreenshots);
  }
  static void TearDownTestSuite() {
    serve_.reset();
    dir_.reset();
  }

  static std::string url(const std::string& path) { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  /// Loads `path`, checks the console stayed silent, and saves a phone-width screenshot as `name`.png.
  Loaded visit(const std::string& path, const std::string& name) {
    Browser browser(dir_->path());
    Loaded page = browser.load(url(path));
    EXPECT_TRUE(page.console.empty()) << path << ":\n" << ::testing::PrintToString(page.console);
    EXPECT_NE(page.dom.find("<main>"), std::string::npos) << path << ": " << page.dom.substr(0, 500);
    browser.screenshot(url(path), kScreenshots / (name + ".png"), 412, 915);
    return page;
  }

  static inline std::unique_ptr<TempDir> dir_;
  static inline std::unique_ptr<Process> serve_;
  static inline int port_ = 0;
};

std::string encoded(const std::string& text) { return httplib::detail::encode_query_param(text); }

TEST_F(BrowserTest, SearchWithAnArabicQueryAndAFilterShowsRtlResults) {
  // بالمغرب ("in Morocco") must match the stored المغرب / والمغرب forms.
  const Loaded page = visit("/?q=" + encoded("بالمغرب") + "&lang=ar", "search-arabic");
  const std::regex hit("<article class=\"hit\" lang=\"([a-z]+)\" dir=\"([a-z]+)\"");
  int hits = 0;
  for (auto it = std::sregex_iterator(page.dom.begin(), page.dom.end(), hit); it != std::sregex_iterator(); ++it) {
    ++hits;
    EXPECT_EQ((*it)[1].str(), "ar");
    EXPECT_EQ((*it)[2].str(), "rtl");
  }
  EXPECT_GT(hits, 0) << page.dom;
  EXPECT_NE(page.dom.find("<mark>"), std::string::npos) << "the hit is marked in the snippet";
  // The language filter is kept in the form, selected.
  EXPECT_NE(page.dom.find("<option value=\"ar\" selected=\"\">"), std::string::npos);
}

TEST_F(BrowserTest, MixedLanguagesGetTheirOwnDirectionOnOnePage) {
  const Loaded page = visit("/?sort=date", "search");
  EXPECT_NE(page.dom.find("lang=\"ar\" dir=\"rtl\""), std::string::npos);
  EXPECT_NE(page.dom.find("lang=\"fr\" dir=\"ltr\""), std::string::npos);
  EXPECT_NE(page.dom.find("lang=\"en\" dir=\"ltr\""), std::string::npos);
  Browser(dir_->path()).screenshot(url("/?sort=date"), kScreenshots / "search-desktop.png", 1100, 800);
}

TEST_F(BrowserTest, ArticlePageShowsTheTextRtlWithTagsAndSources) {
  const Loaded search = visit("/?lang=ar&sort=date", "search-ar");
  std::smatch m;
  ASSERT_TRUE(std::regex_search(search.dom, m, std::regex("href=\"/articles/([0-9]+)\""))) << search.dom;
  const Loaded page = visit("/articles/" + m[1].str(), "article");
  EXPECT_NE(page.dom.find("<article class=\"story\" lang=\"ar\" dir=\"rtl\">"), std::string::npos) << page.dom;
  EXPECT_NE(page.dom.find("<h2>Tags</h2>"), std::string::npos);
  EXPECT_NE(page.dom.find("<h2>Seen via</h2>"), std::string::npos);
  EXPECT_NE(page.dom.find(">original</a>"), std::string::npos);
}

TEST_F(BrowserTest, FeedsAndTrendsPagesLoad) {
  const Loaded feeds = visit("/feeds", "feeds");
  EXPECT_NE(feeds.dom.find("maghreb-defense.rss"), std::string::npos);
  EXPECT_NE(feeds.dom.find("<td>active</td>"), std::string::npos);
  const Loaded trends = visit("/trends?kind=country&days=3650", "trends");
  EXPECT_NE(trends.dom.find("<svg class=\"chart\""), std::string::npos);
  EXPECT_NE(trends.dom.find("<polyline"), std::string::npos) << "no series: the samples are tagged with countries";
}

}  // namespace
}  // namespace newsd::testing
