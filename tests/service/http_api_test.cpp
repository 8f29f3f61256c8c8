// The JSON API against a real archive and a real server on 127.0.0.1:
// search with filters and cursor pages, one article, feeds, tags, stats,
// and the /api/stream events of articles written after a client connects.
#include <gmock/gmock.h>

#include <set>
#include <thread>

#include "http_fixture.hpp"
#include "newsd/parse/dates.hpp"

namespace newsd::service::testing {
namespace {

std::vector<std::string> titles(const nlohmann::json& page) {
  std::vector<std::string> out;
  for (const auto& a : page["articles"]) out.push_back(a["title"]);
  return out;
}

class HttpApiTest : public HttpTest {
 protected:
  void SetUp() override {
    HttpTest::SetUp();
    start();
  }
};

TEST_F(HttpApiTest, ArabicCliticFormFindsTheSameArticleAsTheStore) {
  // The text has only والمغرب ("and Morocco"); بالمغرب ("in Morocco") must match it.
  const auto page = get_json("/api/articles?q=" + httplib::detail::encode_query_param("بالمغرب"));
  ASSERT_EQ(page["articles"].size(), 1u) << page.dump();
  EXPECT_EQ(page["articles"][0]["title"], "زيارة رسمية إلى الرباط");
  EXPECT_EQ(page["articles"][0]["lang"], "ar");
  // Like `search --json`: a plain snippet, the hit given as [start, length] in code points.
  const auto snippet = page["articles"][0]["snippet"].get<std::string>();
  EXPECT_EQ(snippet.find('['), std::string::npos) << snippet;
  ASSERT_EQ(page["articles"][0]["matches"].size(), 1u) << page.dump();
  EXPECT_EQ(page["articles"][0]["matches"][0][1], 7) << page.dump();  // والمغرب

  store::SearchQuery q;
  q.text = "بالمغرب";
  auto hits = writer_->search(q);
  ASSERT_TRUE(hits);
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ((*hits)[0].id, page["articles"][0]["id"].get<std::int64_t>());
}

TEST_F(HttpApiTest, FiltersNarrowTheResults) {
  EXPECT_THAT(titles(get_json("/api/articles?tag=defense&country=MA&sort=date")),
              ::testing::ElementsAre("زيارة رسمية إلى الرباط", "Le Maroc renforce sa défense aérienne"));
  EXPECT_THAT(titles(get_json("/api/articles?lang=fr")),
              ::testing::ElementsAre("Le Maroc renforce sa défense aérienne"));
  const auto feed = get_json("/api/articles?feed=" + httplib::detail::encode_query_param(feed_urls_[0]));
  EXPECT_EQ(feed["articles"].size(), 3u);
  const auto dated = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) - std::chrono::days{3};
  const std::string since = parse::format_iso8601(dated).substr(0, 10);
  const auto recent = get_json("/api/articles?since=" + since);
  ASSERT_FALSE(recent["articles"].empty());
  for (const auto& a : recent["articles"]) {
    EXPECT_GE(a["date"].get<std::string>().substr(0, 10), since);
  }
}

TEST_F(HttpApiTest, CursorPagesCoverEveryArticleOnce) {
  std::set<std::int64_t> seen;
  std::string path = "/api/articles?sort=date&limit=2";
  int pages = 0;
  for (;;) {
    const auto page = get_json(path);
    ASSERT_TRUE(page.is_object());
    ++pages;
    for (const auto& a : page["articles"]) EXPECT_TRUE(seen.insert(a["id"].get<std::int64_t>()).second) << a["id"];
    if (page["next_cursor"].is_null()) break;
    ASSERT_LE(pages, 10) << "the cursor never ends";
    path = "/api/articles?sort=date&limit=2&cursor=" + page["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(seen.size(), 7u);
  EXPECT_EQ(pages, 4);
}

TEST_F(HttpApiTest, ArticleCarriesTextTagsSourcesAndCluster) {
  const auto id = get_json("/api/articles?lang=fr")["articles"][0]["id"].get<std::int64_t>();
  const auto a = get_json("/api/articles/" + std::to_string(id));
  EXPECT_EQ(a["title"], "Le Maroc renforce sa défense aérienne");
  EXPECT_NE(a["text"].get<std::string>().find("contrat"), std::string::npos);
  ASSERT_EQ(a["tags"].size(), 2u);
  EXPECT_EQ(a["tags"][0]["name"], "MA");
  EXPECT_EQ(a["tags"][0]["kind"], "country");
  EXPECT_EQ(a["tags"][1]["score"], 0.7);
  EXPECT_EQ(a["tags"][1]["source"], "rule");
  ASSERT_EQ(a["sources"].size(), 1u);
  EXPECT_EQ(a["sources"][0]["feed_url"], feed_urls_[1]);
  EXPECT_TRUE(a["cluster"].is_array());
  EXPECT_EQ(a["cluster_id"], id);
}

TEST_F(HttpApiTest, UnknownArticleIsA404) {
  const auto body = get_json("/api/articles/999999", 404);
  EXPECT_EQ(body["error"]["status"], 404);
  EXPECT_EQ(body["error"]["message"], "no article with id 999999");
}

TEST_F(HttpApiTest, FeedsStatsAndTags) {
  const auto feeds = get_json("/api/feeds")["feeds"];
  ASSERT_EQ(feeds.size(), 2u);
  EXPECT_EQ(feeds[0]["name"], "رصد الدفاع المغاربي");
  EXPECT_EQ(feeds[0]["articles"], 3);
  EXPECT_EQ(feeds[1]["state"], "active");

  const auto stats = get_json("/api/stats");
  EXPECT_EQ(stats["articles"], 7);
  EXPECT_EQ(stats["feeds"], 2);
  EXPECT_EQ(stats["articles_by_lang"]["ar"], 3);

  const auto tags = get_json("/api/tags?kind=country&days=30");
  int morocco = 0;
  for (const auto& c : tags["counts"]) {
    EXPECT_EQ(c["kind"], "country");
    if (c["tag"] == "MA") morocco += c["articles"].get<int>();
  }
  EXPECT_EQ(morocco, 2);
  // Only the last day: the article of 6 days ago is outside it.
  const auto last_day = get_json("/api/tags?days=1");
  for (const auto& c : last_day["counts"]) EXPECT_NE(c["tag"], "DZ");
}

// Reads SSE events until `want` articles arrived (or the stream ends).
std::vector<nlohmann::json> read_events(int port, const httplib::Headers& headers, std::size_t want,
                                        const std::function<void()>& after_connect) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(20, 0);
  std::vector<nlohmann::json> events;
  std::string buffer;
  bool connected = false;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{30};
  client.Get("/api/stream", headers, [&](const char* data, std::size_t size) {
    if (!connected) {
      connected = true;
      if (after_connect) after_connect();
    }
    buffer.append(data, size);
    for (auto end = buffer.find("\n\n"); end != std::string::npos; end = buffer.find("\n\n")) {
      const std::string event = buffer.substr(0, end);
      buffer.erase(0, end + 2);
      const auto data_at = event.find("data: ");
      if (data_at != std::string::npos) events.push_back(nlohmann::json::parse(event.substr(data_at + 6)));
    }
    return events.size() < want && std::chrono::steady_clock::now() < deadline;
  });
  return events;
}

TEST_F(HttpApiTest, StreamSendsArticlesWrittenAfterTheClientConnected) {
  nlohmann::json fresh = read_json(http_data("archive.json"))["articles"][0];
  fresh["url"] = "https://maghreb.example/fresh";
  fresh["title"] = "خبر جديد";
  fresh["text"] = "نص جديد تماما عن اجتماع وزراء الخارجية في نواكشوط لمناقشة الأمن الإقليمي.";
  // Written once the stream is open (its first bytes arrived): only this
  // article is new to it, the seven before are not sent.
  std::thread writer;
  const auto events = read_events(server_->port(), {}, 1, [&] {
    writer = std::thread([&] {
      std::vector<store::ArticleRecord> batch{record(fresh)};
      EXPECT_TRUE(writer_->write_articles(batch));
    });
  });
  if (writer.joinable()) writer.join();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["title"], "خبر جديد");
  EXPECT_EQ(events[0]["id"], 8);
}

TEST_F(HttpApiTest, StreamResumesAfterLastEventId) {
  const auto events = read_events(server_->port(), {{"Last-Event-ID", "5"}}, 2, {});
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0]["id"], 6);
  EXPECT_EQ(events[1]["id"], 7);
}

}  // namespace
}  // namespace newsd::service::testing
