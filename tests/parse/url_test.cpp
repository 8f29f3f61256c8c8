#include "newsd/parse/url.hpp"

#include <gtest/gtest.h>

namespace {

using namespace newsd::parse;

TEST(ResolveUrl, RelativeReferencesFollowRfc3986) {
  const std::string base = "http://example.com/news/world/index.html";
  EXPECT_EQ(resolve_url(base, "story.html"), "http://example.com/news/world/story.html");
  EXPECT_EQ(resolve_url(base, "../sport/a.html"), "http://example.com/news/sport/a.html");
  EXPECT_EQ(resolve_url(base, "/about"), "http://example.com/about");
  EXPECT_EQ(resolve_url(base, "//cdn.example.org/x.png"), "http://cdn.example.org/x.png");
  EXPECT_EQ(resolve_url(base, "?page=2"), "http://example.com/news/world/index.html?page=2");
  EXPECT_EQ(resolve_url(base, "#top"), "http://example.com/news/world/index.html#top");
  EXPECT_EQ(resolve_url(base + "?a=1#x", ""), "http://example.com/news/world/index.html?a=1");
  EXPECT_EQ(resolve_url("http://example.com/a/b/", "./c/../d"), "http://example.com/a/b/d");
}

TEST(ResolveUrl, AbsoluteReferencesIgnoreTheBase) {
  EXPECT_EQ(resolve_url("http://example.com/", "HTTPS://other.org/x"), "https://other.org/x");
  EXPECT_EQ(resolve_url("HTTP://Example.com/a/", "b"), "http://Example.com/a/b");
  EXPECT_EQ(resolve_url("", "http://example.com"), "http://example.com/");
  EXPECT_EQ(resolve_url("http://example.com/", "mailto:desk@example.com"), "mailto:desk@example.com");
  EXPECT_EQ(resolve_url("http://example.com/", "tag:example.com,2004:1"), "tag:example.com,2004:1");
}

TEST(ResolveUrl, NoUsableBaseGivesNothing) {
  EXPECT_EQ(resolve_url("", "relative/path"), std::nullopt);
  EXPECT_EQ(resolve_url("not a url", "relative/path"), std::nullopt);
}

TEST(ResolveUrl, KeepsNonAsciiPathsUsable) {
  auto r = resolve_url("https://www.aljazeera.net/news/", "مقال");
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(r->starts_with("https://www.aljazeera.net/news/")) << *r;
}

TEST(HasScheme, DistinguishesRelativeReferences) {
  EXPECT_TRUE(has_scheme("http://x"));
  EXPECT_TRUE(has_scheme("urn:isbn:1"));
  EXPECT_FALSE(has_scheme("/a:b"));
  EXPECT_FALSE(has_scheme("a/b:c"));
  EXPECT_FALSE(has_scheme("1http://x"));
  EXPECT_FALSE(has_scheme(""));
}

TEST(CanonicalizeUrl, StripsTrackingAndNormalises) {
  EXPECT_EQ(canonicalize_url("HTTP://WWW.Example.COM:80/News/Story/?utm_source=rss&id=7&fbclid=abc&utm_medium=x#c"),
            "http://www.example.com/News/Story?id=7");
  EXPECT_EQ(canonicalize_url("https://example.com:443/"), "https://example.com/");
  EXPECT_EQ(canonicalize_url("https://example.com:8443/a"), "https://example.com:8443/a");
  EXPECT_EQ(canonicalize_url("https://example.com/a?gclid=1&mc_cid=2&mc_eid=3&yclid=4&_ga=5&ref_src=twsrc"),
            "https://example.com/a");
  EXPECT_EQ(canonicalize_url("https://example.com/a?b=2&a=1"), "https://example.com/a?b=2&a=1");
  EXPECT_EQ(canonicalize_url("https://example.com"), "https://example.com/");
  EXPECT_EQ(canonicalize_url("https://example.com/a//"), "https://example.com/a");
  EXPECT_EQ(canonicalize_url("https://example.com/a?&&x=1&"), "https://example.com/a?x=1");
  EXPECT_EQ(canonicalize_url("https://example.com/a?UTM_Campaign=z"), "https://example.com/a");
}

TEST(CanonicalizeUrl, UpperCaseSchemeAndHostAreTheSameUrl) {
  EXPECT_EQ(canonicalize_url("HTTP://NEWS.Example.ORG/a"), canonicalize_url("http://news.example.org/a"));
  EXPECT_EQ(canonicalize_url("HTTPS://News.Example.org/a"), "https://news.example.org/a");
  EXPECT_EQ(canonicalize_url("File:///srv/feeds/a.xml"), "file:///srv/feeds/a.xml");
}

TEST(CanonicalizeUrl, StripsUserinfo) {
  EXPECT_EQ(canonicalize_url("https://editor:s3cret@news.example.org/a?id=1"), "https://news.example.org/a?id=1");
  EXPECT_EQ(canonicalize_url("http://editor@news.example.org/a"), "http://news.example.org/a");
  EXPECT_EQ(canonicalize_url("HTTP://:pw@News.Example.org:80/a"), "http://news.example.org/a");
}

TEST(IsFetchableUrl, HttpHttpsAndFileInAnyCase) {
  for (const char* url : {"http://x.org/", "HTTP://x.org/", "Https://x.org/a", "file:///srv/a.xml", "FILE:///a"}) {
    EXPECT_TRUE(is_fetchable_url(url)) << url;
  }
  for (const char* url : {"ftp://x.org/", "mailto:desk@x.org", "tag:x.org,2004:1", "/relative", "httpx://x", ""}) {
    EXPECT_FALSE(is_fetchable_url(url)) << url;
  }
}

TEST(CanonicalizeUrl, LeavesUnparseableInputAlone) {
  EXPECT_EQ(canonicalize_url("not a url"), "not a url");
  EXPECT_EQ(canonicalize_url(""), "");
}

TEST(UrlHost, LowerCasesTheHost) {
  EXPECT_EQ(url_host("https://WWW.BBC.co.uk/arabic"), "www.bbc.co.uk");
  EXPECT_EQ(url_host("garbage"), "");
}

}  // namespace
