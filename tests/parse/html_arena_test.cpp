// The arena libxml2 builds each page's tree in (parse/src/html_arena.hpp):
// block reuse, large buffers, which frees it takes, and documents that outlive
// their parse and each other, on several threads. Under ASan, a heap block
// freed into the arena or an arena block freed on the heap fails these tests.
#include "html_arena.hpp"

#include <gtest/gtest.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlmemory.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "html_dom.hpp"

namespace newsd::parse::html {
namespace {

TEST(ParseArena, GrowsTheLatestBlockInPlaceAndKeepsItsBytes) {
  ParseArena arena;
  auto* p = static_cast<char*>(arena.allocate(10));
  std::memcpy(p, "0123456789", 10);
  EXPECT_EQ(arena.reallocate(p, 16), p);    // within the rounded capacity
  EXPECT_EQ(arena.reallocate(p, 1000), p);  // into the free space behind it
  EXPECT_EQ(std::string(p, 10), "0123456789");
  void* later = arena.allocate(8);
  auto* moved = static_cast<char*>(arena.reallocate(p, 4000));
  EXPECT_NE(moved, p);
  EXPECT_NE(moved, later);
  EXPECT_EQ(std::string(moved, 10), "0123456789");
}

TEST(ParseArena, TheLatestBlockFreedIsReused) {
  ParseArena arena;
  void* a = arena.allocate(100);
  EXPECT_TRUE(arena.release(a));
  EXPECT_EQ(arena.allocate(100), a);
}

TEST(ParseArena, BlocksAreAlignedAsMallocs) {
  ParseArena arena;
  for (std::size_t n : {1u, 3u, 17u, 120u, 5000u, 300000u}) {
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(arena.allocate(n)) % alignof(std::max_align_t), 0u) << n;
  }
}

TEST(ParseArena, ALargeBlockHasItsOwnChunkAndGivesItBackWhenFreed) {
  ParseArena arena;
  arena.allocate(64);
  const std::size_t before = arena.reserved_bytes();
  void* big = arena.allocate(std::size_t{3} << 20);
  ASSERT_NE(big, nullptr);
  EXPECT_TRUE(arena.owns(big));
  EXPECT_GE(arena.reserved_bytes(), before + (std::size_t{3} << 20));
  std::memset(big, 'x', std::size_t{3} << 20);
  EXPECT_TRUE(arena.release(big));
  EXPECT_EQ(arena.reserved_bytes(), before);
  EXPECT_FALSE(arena.owns(big));
}

TEST(ParseArena, PointersFromElsewhereAreNotItsOwn) {
  ParseArena arena;
  arena.allocate(64);
  int on_stack = 0;
  void* on_heap = std::malloc(32);
  EXPECT_FALSE(arena.owns(&on_stack));
  EXPECT_FALSE(arena.owns(on_heap));
  EXPECT_FALSE(arena.release(on_heap));
  std::free(on_heap);
}

TEST(ArenaScope, RoutesLibxml2sAllocationsOnlyWhileOpen) {
  ASSERT_TRUE(arena_hooks_installed());
  xmlChar* from_heap = xmlStrdup(reinterpret_cast<const xmlChar*>("made before the scope"));
  ParseArena arena;
  {
    ArenaScope scope(arena);
    void* inside = xmlMalloc(40);
    EXPECT_TRUE(arena.owns(inside));
    xmlFree(inside);
    EXPECT_FALSE(arena.owns(from_heap));
    xmlFree(from_heap);  // a heap block stays a heap block
  }
  void* outside = xmlMalloc(40);
  EXPECT_FALSE(arena.owns(outside));
  xmlFree(outside);
}

const std::string kPage =
    "<html><head><title>Harbour</title></head><body><div class=article>"
    "<p>The harbour authority reopened the northern quay on Tuesday.<p>Boats landed their catch again"
    "</div><b><i>misnested</b></i><p unclosed=\"x></body></html>";

std::string text_of(const DocPtr& doc) { return inner_text(xmlDocGetRootElement(doc.get())); }

TEST(ArenaParse, DocumentsOutliveTheirParseAndEachOther) {
  auto first = parse_utf8(kPage);
  auto second = parse_utf8("<p>second page</p>");
  ASSERT_TRUE(first);
  ASSERT_TRUE(second);
  // libxml2 recorded errors for the broken markup; none may point into an arena.
  EXPECT_EQ(xmlGetLastError(), nullptr);
  const std::string expected = text_of(*first);
  EXPECT_NE(expected.find("Boats landed their catch again"), std::string::npos);
  first->reset();
  EXPECT_EQ(text_of(*second), "second page");
  auto third = parse_utf8(kPage);
  ASSERT_TRUE(third);
  EXPECT_EQ(text_of(*third), expected);
}

TEST(ArenaParse, APageLargerThanAnyChunkParsesWhole) {
  // A 5 MB paragraph (one text node grown buffer by buffer; libxml2 caps a
  // node at 10 MB) and then paragraphs enough to fill several 8 MB chunks.
  const std::string sentence = "The quay reopened after three weeks of repairs. ";
  std::string page = "<html><body><p>";
  while (page.size() < (std::size_t{5} << 20)) page += sentence;
  const std::size_t first_paragraph = page.size() - 15;
  while (page.size() < (std::size_t{12} << 20)) page += "<p>" + sentence + "</p>";
  page += "<p>last paragraph</p></body></html>";
  auto doc = parse_utf8(page);
  ASSERT_TRUE(doc);
  const xmlNode* body = find_element(xmlDocGetRootElement(doc->get()), Tag::body, true);
  ASSERT_NE(body, nullptr);
  EXPECT_EQ(inner_text(body->children).size(), first_paragraph);
  EXPECT_TRUE(text_of(*doc).ends_with(sentence + "last paragraph"));
}

TEST(ArenaParse, ThreadsParseAtTheSameTime) {
  const std::string expected = text_of(*parse_utf8(kPage));
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::vector<DocPtr> alive;  // several documents of one thread at once
      for (int i = 0; i < 40; ++i) {
        auto doc = parse_utf8(kPage);
        if (!doc || text_of(*doc) != expected) ++wrong[t];
        if (doc) alive.push_back(std::move(*doc));
        if (alive.size() > 3) alive.erase(alive.begin());
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(wrong[t], 0) << t;
}

TEST(ArenaParse, TheHtml5ReparseStillFreesItsOwnDocument) {
  auto doc = parse_utf8_html5(kPage);
  ASSERT_TRUE(doc);
  EXPECT_EQ((*doc)->_private, nullptr);
  EXPECT_NE(text_of(*doc).find("Boats landed"), std::string::npos);
}

}  // namespace
}  // namespace newsd::parse::html
