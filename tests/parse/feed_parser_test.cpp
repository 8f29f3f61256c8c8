// parse_feed() behaviour that the file corpus cannot express: the HTTP
// charset and document URL arguments, and the CLI's --batch protocol.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "newsd/parse/dates.hpp"
#include "newsd/parse/feed.hpp"

namespace {

using newsd::parse::parse_feed;

std::string windows1256_feed(std::string_view declared) {
  std::string doc = "<?xml version=\"1.0\" encoding=\"" + std::string(declared) +
                    "\"?><rss version=\"2.0\"><channel><title>\xCE\xC8\xD1</title></channel></rss>";
  return doc;
}

TEST(ParseFeed, HttpCharsetOutranksTheXmlDeclaration) {
  const auto feed = parse_feed(windows1256_feed("iso-8859-1"), "", "windows-1256");
  EXPECT_EQ(feed.encoding, "windows-1256");
  ASSERT_TRUE(feed.feed.title);
  EXPECT_EQ(feed.feed.title->value, "خبر");
}

TEST(ParseFeed, ByteOrderMarkOutranksTheHttpCharset) {
  const std::string doc =
      "\xEF\xBB\xBF<rss version=\"2.0\"><channel><title>\xD8\xAE\xD8\xA8\xD8\xB1</title></channel></rss>";
  const auto feed = parse_feed(doc, "", "windows-1256");
  EXPECT_EQ(feed.encoding, "utf-8");
  EXPECT_EQ(feed.feed.title->value, "خبر");
}

TEST(ParseFeed, UnknownHttpCharsetFallsBackToTheDeclaration) {
  const auto feed = parse_feed(windows1256_feed("windows-1256"), "", "x-bogus");
  EXPECT_EQ(feed.encoding, "windows-1256");
  EXPECT_EQ(feed.feed.title->value, "خبر");
}

TEST(ParseFeed, RelativeLinksResolveAgainstTheDocumentUrl) {
  const std::string doc =
      "<rss version=\"2.0\"><channel><title>t</title><link>/</link>"
      "<item><title>i</title><link>2024/03/story.html</link>"
      "<description>&lt;img src=\"../img/a.jpg\"&gt;</description>"
      "<enclosure url=\"media/a.mp3\" type=\"audio/mpeg\" length=\"10\"/></item></channel></rss>";
  const auto feed = parse_feed(doc, "https://news.example.com/world/rss.xml");
  EXPECT_EQ(feed.feed.link, "https://news.example.com/");
  ASSERT_EQ(feed.entries.size(), 1u);
  const auto& e = feed.entries[0];
  EXPECT_EQ(e.link, "https://news.example.com/world/2024/03/story.html");
  EXPECT_EQ(e.summary->value, "<img src=\"https://news.example.com/img/a.jpg\">");
  ASSERT_EQ(e.enclosures.size(), 1u);
  EXPECT_EQ(e.enclosures[0].url, "https://news.example.com/world/media/a.mp3");
  EXPECT_EQ(e.enclosures[0].length, 10);
}

TEST(ParseFeed, XmlBaseRelativeToTheDocumentUrl) {
  const std::string doc =
      "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"archive/\"><title>t</title>"
      "<entry xml:base=\"2024/\"><id>urn:1</id><title>e</title><link href=\"one.html\"/></entry></feed>";
  const auto feed = parse_feed(doc, "http://example.com/feeds/atom.xml");
  ASSERT_EQ(feed.entries.size(), 1u);
  EXPECT_EQ(feed.entries[0].link, "http://example.com/feeds/archive/2024/one.html");
}

TEST(ParseFeed, FieldsTheDaemonReads) {
  const std::string doc =
      "<rss version=\"2.0\" xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>t</title>"
      "<item><title>Title</title><link>https://e.com/a</link><guid isPermaLink=\"false\">id-1</guid>"
      "<pubDate>Tue, 12 Mar 2024 10:15:00 +0300</pubDate><description>Sum</description>"
      "<content:encoded><![CDATA[<p>Body</p>]]></content:encoded></item></channel></rss>";
  const auto feed = parse_feed(doc);
  EXPECT_FALSE(feed.bozo) << feed.bozo_message;
  ASSERT_EQ(feed.entries.size(), 1u);
  const auto& e = feed.entries[0];
  EXPECT_EQ(e.id, "id-1");
  EXPECT_EQ(e.link, "https://e.com/a");
  EXPECT_EQ(e.title->value, "Title");
  ASSERT_TRUE(e.published);
  EXPECT_EQ(newsd::parse::format_iso8601(*e.published), "2024-03-12T07:15:00Z");
  EXPECT_EQ(e.summary->value, "Sum");
  ASSERT_EQ(e.content.size(), 1u);
  EXPECT_EQ(e.content[0].value, "<p>Body</p>");
  EXPECT_EQ(e.content[0].type, "html");
}

TEST(ParseFeed, PollingHintsOfTheChannel) {
  const auto rss = parse_feed(
      "<rss version=\"2.0\"><channel><title>t</title><ttl>90</ttl>"
      "<item><title>a</title><ttl>5</ttl></item></channel></rss>");
  EXPECT_EQ(rss.feed.ttl_minutes, 90);
  EXPECT_FALSE(rss.feed.update_period);

  const auto rdf = parse_feed(
      "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\" "
      "xmlns:sy=\"http://purl.org/rss/1.0/modules/syndication/\"><channel rdf:about=\"https://e.com/\">"
      "<title>t</title><sy:updatePeriod> hourly </sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>"
      "</channel></rdf:RDF>");
  EXPECT_EQ(rdf.feed.update_period, "hourly");
  EXPECT_EQ(rdf.feed.update_frequency, 2);

  // An undeclared sy: prefix is still the syndication module; a garbled ttl is no hint.
  const auto sloppy = parse_feed(
      "<rss version=\"2.0\"><channel><ttl>soon</ttl><sy:updatePeriod>daily</sy:updatePeriod></channel></rss>");
  EXPECT_FALSE(sloppy.feed.ttl_minutes);
  EXPECT_EQ(sloppy.feed.update_period, "daily");
}

TEST(ParseFeed, BozoCarriesTheFirstProblem) {
  const auto feed = parse_feed("<rss version=\"2.0\"><channel><title>A&nbsp;B</title><item><title>x</title>");
  EXPECT_TRUE(feed.bozo);
  EXPECT_NE(feed.bozo_message.find("nbsp"), std::string::npos) << feed.bozo_message;
  EXPECT_EQ(feed.feed.title->value, "A\u00a0B");
  ASSERT_EQ(feed.entries.size(), 1u);
  EXPECT_EQ(feed.entries[0].title->value, "x");
}

TEST(ParseFeed, RecoversEveryEntryAroundStructuralDamage) {
  std::string doc = "<rss version=\"2.0\"><channel><title>t</title>";
  for (int i = 0; i < 20; ++i) {
    doc += "<item><title>n" + std::to_string(i) + "</title><description>";
    doc += i == 7 ? "<b>unclosed" : "fine";
    doc += "</description></item>";
  }
  doc += "</channel></rss>";
  const auto feed = parse_feed(doc);
  EXPECT_TRUE(feed.bozo);
  ASSERT_EQ(feed.entries.size(), 20u);
  EXPECT_EQ(feed.entries[19].title->value, "n19");
}

TEST(ParseFeed, EntityExpansionIsBounded) {
  std::string doc = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a \"" + std::string(1000, 'x') +
                    "\">]><rss version=\"2.0\"><channel><title>";
  for (int i = 0; i < 20000; ++i) doc += "&a;";
  doc += "</title></channel></rss>";
  const auto feed = parse_feed(doc);
  ASSERT_TRUE(feed.feed.title);
  EXPECT_LE(feed.feed.title->value.size(), doc.size() * 5 + (1u << 20));
  EXPECT_TRUE(feed.bozo);
}

TEST(ParseFeed, UnreadableDocumentsGiveTheMinimalObject) {
  for (std::string_view doc : {std::string_view(""), std::string_view("\x00\x01\x02", 3), std::string_view("{not json"),
                               std::string_view("<html><body>hi</body></html>")}) {
    const auto feed = parse_feed(doc);
    EXPECT_TRUE(feed.bozo);
    EXPECT_TRUE(feed.entries.empty());
    const auto j = nlohmann::json::parse(newsd::parse::to_json(feed));
    EXPECT_EQ(j["feed"], nlohmann::json::object());
    EXPECT_EQ(j["entries"], nlohmann::json::array());
  }
}

// The CLI contract: one flushed JSON line per input line, in order, and a
// bozo line (not a crash or a gap) for a path that cannot be read.
TEST(ParseFeedCli, BatchPrintsOneLinePerPathInOrder) {
  if (!std::filesystem::exists(NEWSD_BINARY)) GTEST_SKIP() << "newsd binary not built";
  const auto dir = std::filesystem::temp_directory_path() / ("newsd-feed-cli-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto a = dir / "a.xml", b = dir / "b.json", list = dir / "list.txt";
  std::ofstream(a) << "<rss version=\"2.0\"><channel><title>A</title></channel></rss>";
  std::ofstream(b) << R"({"version":"https://jsonfeed.org/version/1.1","title":"B","items":[{"id":"1"}]})";
  std::ofstream(list) << a.string() << "\n" << (dir / "missing.xml").string() << "\n" << b.string() << "\n";
  const std::string cmd = std::string(NEWSD_BINARY) + " parse-feed --json --batch < " + list.string();
  FILE* pipe = popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  EXPECT_EQ(pclose(pipe), 0);
  std::filesystem::remove_all(dir);

  std::vector<nlohmann::json> lines;
  std::size_t start = 0;
  for (std::size_t nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1)
    lines.push_back(nlohmann::json::parse(out.substr(start, nl - start)));
  ASSERT_EQ(lines.size(), 3u) << out;
  EXPECT_EQ(lines[0]["feed"]["title"], "A");
  EXPECT_EQ(lines[1]["bozo"], true);
  EXPECT_EQ(lines[2]["feed"]["title"], "B");
  EXPECT_EQ(lines[2]["entries"].size(), 1u);
}

}  // namespace
